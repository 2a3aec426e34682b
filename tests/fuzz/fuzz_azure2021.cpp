// libFuzzer target: the Azure Functions 2021 reader (Azure2021Reader).
//
// The input is the trace file. It is read with the default reorder buffer or a tiny one
// (2 rows, so the "more out of order than the buffer allows" path is reached), with or without
// skip_bad_rows — one of the four, picked by fuzz::variant(). Bad input must be refused with
// TraceError; accepted output must be sorted.

#include "fuzz_support.hpp"
#include "slsim/workload/azure_trace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slsim;
  const std::string path = fuzz::write_file("azure2021.csv", data, size);
  const auto v = fuzz::variant(data, size);
  fuzz::expect_clean([&] {
    Azure2021Options o;
    o.sort_buffer_rows = v % 2 ? 2 : 1'000'000;
    o.skip_bad_rows = (v >> 1) % 2;
    o.memory_mb = 512;
    Azure2021Reader r(path, o);
    fuzz::drain(r, 20'000);
  });
  return 0;
}
