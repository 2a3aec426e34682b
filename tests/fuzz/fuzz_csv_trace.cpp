// libFuzzer target: the slsim CSV trace reader (CsvTraceReader), and format detection.
//
// The input is the trace file itself, read one of two ways (picked by fuzz::variant()):
//  - strict: format detection, then the reader; bad input is refused with TraceError, an
//    accepted trace is sorted with valid ids (fuzz_support.hpp), and a trace that reads
//    cleanly survives a round trip through the CSV writer (`slsim generate` / write_csv)
//    unchanged — every file slsim writes it can read back;
//  - skip_bad_rows, with a default memory and invocation type: only a bad header or a
//    file-level problem may refuse it.

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

// The rows read, as a source for the writer (no second reader over the file).
class RowSource final : public slsim::WorkloadSource {
 public:
  explicit RowSource(const std::vector<Row>& rows) : rows_(rows) {
    for (const auto& r : rows)
      table_.intern(r.function);
  }
  bool next(slsim::Invocation& out) override {
    if (pos_ == rows_.size()) return false;
    out = rows_[pos_].inv;
    out.function = table_.intern(rows_[pos_++].function);
    return true;
  }
  const slsim::FunctionTable& functions() const override { return table_; }
  std::string describe() const override { return "rows"; }

 private:
  const std::vector<Row>& rows_;
  slsim::FunctionTable table_;
  std::size_t pos_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slsim;
  const std::string path = fuzz::write_file("trace.csv", data, size);
  constexpr std::size_t kLimit = 20'000;

  if (fuzz::variant(data, size) % 2) {
    fuzz::expect_clean([&] {
      CsvTraceOptions o;
      o.skip_bad_rows = true;
      o.default_memory_mb = 256;
      o.default_type = InvocationType::kQueue;
      CsvTraceReader r(path, o);
      fuzz::drain(r, kLimit);
    });
    return 0;
  }

  fuzz::expect_clean([&] { (void)detect_trace_format(path); });
  std::vector<Row> rows;
  bool complete = false;
  fuzz::expect_clean([&] {
    CsvTraceReader r(path);
    rows = read_rows(r, kLimit);
    Invocation extra;
    complete = !r.next(extra);
  });

  // Round trip: what read cleanly is written and read back identically.
  if (complete) {
    RowSource r(rows);
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
