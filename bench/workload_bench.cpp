// BM_Workload_*: trace ingest from a file on disk, and the generators.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "slsim/workload/azure_trace.hpp"
#include "slsim/workload/csv_trace.hpp"
#include "slsim/workload/generators.hpp"
#include "slsim/workload/lambda_logs.hpp"
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
  g.common.duration_s = 1e6;  // 1e12 arrivals (the most a generator makes): never runs out here
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

// Lambda logs exported to S3: `rows` invocations (START, END and REPORT lines each, one cold start
// in fifty), written once per process.
std::string lambda_logs_file(std::size_t rows) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("slsim-bench-logs-" + std::to_string(rows) + ".txt");
  if (!std::filesystem::exists(path)) {
    std::ofstream out(path);
    for (std::size_t i = 0; i < rows; ++i) {
      const std::size_t ms = 1000 + i * 7;  // one every 7 ms
      char ts[32];
      std::snprintf(ts, sizeof ts, "2024-05-01T%02zu:%02zu:%02zu.%03zuZ", ms / 3'600'000 % 24,
                    ms / 60'000 % 60, ms / 1000 % 60, ms % 1000);
      out << ts << " START RequestId: " << i << " Version: $LATEST\n"
          << ts << " END RequestId: " << i << "\n"
          << ts << " REPORT RequestId: " << i << "\tDuration: " << 20 + i % 90
          << ".25 ms\tBilled Duration: " << 21 + i % 90
          << " ms\tMemory Size: 512 MB\tMax Memory Used: 80 MB\t"
          << (i % 50 == 0 ? "Init Duration: 231.70 ms\t" : "") << "\n";
    }
  }
  return path.string();
}

void BM_Workload_LambdaLogsIngest(benchmark::State& state) {
  const auto path = lambda_logs_file(static_cast<std::size_t>(state.range(0)));
  std::uint64_t rows = 0;
  for (auto _ : state) {
    slsim::LambdaLogsReader r(path);
    slsim::Invocation inv;
    while (r.next(inv))
      ++rows;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(std::filesystem::file_size(path)) *
                          state.iterations());
}
BENCHMARK(BM_Workload_LambdaLogsIngest)->Arg(200'000)->Unit(benchmark::kMillisecond);

// Azure 2019 expansion of one huge per-minute count (4e9 calls in minute 1): per-invocation cost
// of the order-statistics generator, in constant memory.
void BM_Workload_Azure2019Expand(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto inv_path = dir / "slsim-bench-a19-inv.csv", dur_path = dir / "slsim-bench-a19-dur.csv";
  {
    std::ofstream inv(inv_path);
    inv << "HashOwner,HashApp,HashFunction,Trigger";
    for (int m = 1; m <= 1440; ++m)
      inv << "," << m;
    inv << "\no,a,f,http";
    for (int m = 1; m <= 1440; ++m)
      inv << "," << (m == 1 ? "4000000000" : "0");
    inv << "\n";
    std::ofstream dur(dur_path);
    dur << "HashOwner,HashApp,HashFunction,percentile_Average_0,percentile_Average_1,"
           "percentile_Average_25,percentile_Average_50,percentile_Average_75,"
           "percentile_Average_99,percentile_Average_100\no,a,f,1,2,3,4,5,6,7\n";
  }
  slsim::Azure2019Options o;
  o.durations_path = dur_path.string();
  slsim::Azure2019Reader r(inv_path.string(), o);
  slsim::Invocation inv;
  for (auto _ : state) {
    r.next(inv);
    benchmark::DoNotOptimize(inv);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["buffered"] = static_cast<double>(r.buffered());
}
BENCHMARK(BM_Workload_Azure2019Expand);

}  // namespace
