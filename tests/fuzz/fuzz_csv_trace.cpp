// libFuzzer target: the slsim CSV trace reader (CsvTraceReader), and format detection.
//
// The input is the trace file itself. Properties: bad input is refused with TraceError; an
// accepted trace is sorted with valid ids (fuzz_support.hpp); reading it with skip_bad_rows
// never fails on a row; and a trace that reads cleanly survives a round trip through the CSV
// writer (`slsim generate` / write_csv) unchanged — every file slsim writes it can read back.

#include <vector>

#include "fuzz_support.hpp"
#include "slsim/workload/csv_trace.hpp"
#include "slsim/workload/trace_io.hpp"

namespace {

struct Row {
  slsim::Invocation inv;
  std::string function;
};

std::vector<Row> read_rows(slsim::WorkloadSource& s, std::size_t limit) {
  std::vector<Row> rows;
  slsim::Invocation inv;
  while (rows.size() < limit && s.next(inv))
    rows.push_back({inv, s.functions()[inv.function].name});
  return rows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slsim;
  const std::string path = fuzz::write_file("trace.csv", data, size);
  constexpr std::size_t kLimit = 20'000;

  fuzz::expect_clean([&] { (void)detect_trace_format(path); });

  std::vector<Row> rows;
  bool complete = false;
  fuzz::expect_clean([&] {
    CsvTraceReader r(path);
    fuzz::drain(r, kLimit);
    CsvTraceReader again(path);
    rows = read_rows(again, kLimit);
    Invocation extra;
    complete = !again.next(extra);
  });

  fuzz::expect_clean([&] {
    CsvTraceOptions o;
    o.skip_bad_rows = true;
    o.default_memory_mb = 256;
    o.default_type = InvocationType::kQueue;
    CsvTraceReader r(path, o);
    fuzz::drain(r, kLimit);
  });

  // Round trip: what read cleanly is written and read back identically.
  if (complete) {
    CsvTraceReader r(path);
    const std::string out = fuzz::scratch_dir() + "/roundtrip.csv";
    const bool written = fuzz::expect_clean([&] { write_csv(r, out); });
    SLSIM_FUZZ_CHECK(written, "write_csv refused a trace the reader accepted");
    std::vector<Row> back;
    const bool reread = fuzz::expect_clean([&] {
      CsvTraceReader r2(out);
      back = read_rows(r2, kLimit + 1);
    });
    SLSIM_FUZZ_CHECK(reread, "the reader refused a file the CSV writer wrote");
    SLSIM_FUZZ_CHECK(back.size() == rows.size(), "round trip changed the number of rows");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& a = rows[i];
      const auto& b = back[i];
      SLSIM_FUZZ_CHECK(a.inv.arrival == b.inv.arrival && a.inv.work == b.inv.work &&
                           a.inv.memory_mb == b.inv.memory_mb && a.inv.type == b.inv.type &&
                           a.function == b.function,
                       "round trip changed row " + std::to_string(i + 1) + " (function '" +
                           a.function + "' read back as '" + b.function + "')");
    }
  }
  return 0;
}
