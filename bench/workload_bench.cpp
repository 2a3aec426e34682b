// BM_Workload_*: trace ingest from a file on disk, and the generators.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "slsim/workload/csv_trace.hpp"
#include "slsim/workload/generators.hpp"
#include "slsim/workload/trace_io.hpp"

namespace {

// A slsim CSV trace of `rows` Poisson arrivals over 100 functions... written once per process.
std::string trace_file(std::size_t rows) {
  const auto path =
      std::filesystem::temp_directory_path() / ("slsim-bench-" + std::to_string(rows) + ".csv");
  if (!std::filesystem::exists(path)) {
    slsim::GeneratorSpec g;
    g.pattern = "azure-like";
    g.functions = 100;
    g.common.rate_per_s = 1000;
    g.common.duration_s = static_cast<double>(rows) / 1000.0;
    auto src = slsim::make_generator(g);
    slsim::write_csv(*src, path.string());
  }
  return path.string();
}

void BM_Workload_CsvIngest(benchmark::State& state) {
  const auto path = trace_file(static_cast<std::size_t>(state.range(0)));
  std::uint64_t rows = 0;
  for (auto _ : state) {
    slsim::CsvTraceReader r(path);
    slsim::Invocation inv;
    while (r.next(inv))
      ++rows;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(std::filesystem::file_size(path)) *
                          state.iterations());
}
BENCHMARK(BM_Workload_CsvIngest)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_Workload_Generate(benchmark::State& state, const char* pattern, const char* duration) {
  slsim::GeneratorSpec g;
  g.pattern = pattern;
  g.common.rate_per_s = 1e6;
  g.common.duration_s = 1e9;  // never runs out within the benchmark
  g.common.duration_ms = slsim::Distribution::parse(duration);
  auto src = slsim::make_generator(g);
  slsim::Invocation inv;
  for (auto _ : state) {
    src->next(inv);
    benchmark::DoNotOptimize(inv);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Workload_Generate, poisson_constant, "poisson", "100");
BENCHMARK_CAPTURE(BM_Workload_Generate, poisson_lognormal, "poisson",
                  "lognormal(median=120,p99=900)");
BENCHMARK_CAPTURE(BM_Workload_Generate, diurnal_constant, "diurnal", "100");
BENCHMARK_CAPTURE(BM_Workload_Generate, bursty_constant, "bursty", "100");
BENCHMARK_CAPTURE(BM_Workload_Generate, azure_like, "azure-like", "100");

}  // namespace
