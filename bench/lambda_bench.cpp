// BM_Lambda_*: invocations simulated per second on one core, statistics only (no records).
#include <benchmark/benchmark.h>

#include "slsim/workload/generators.hpp"
#include "slsim/lambda/lambda.hpp"

namespace {

// One-function Poisson trace; rate chosen so that about `concurrency` environments are busy
// (Little: rate x 100 ms mean duration).
void BM_Lambda_Poisson(benchmark::State& state) {
  const double concurrency = static_cast<double>(state.range(0));
  const double rate = concurrency / 0.1;
  const double n = 2e6;
  std::uint64_t invocations = 0;
  double mean_busy = 0;
  for (auto _ : state) {
    slsim::PoissonOptions p;
    p.rate_per_s = rate;
    p.duration_s = n / rate;
    p.duration_ms = slsim::Distribution::exponential(100);
    slsim::PoissonSource src(p);
    slsim::LambdaOptions o;
    o.as_of = slsim::Date(2026, 11, 1);
    o.account_concurrency = 10'000;
    o.defaults.memory_mb = 512;
    const auto r = slsim::simulate_lambda(src, o);
    invocations += r.counts.arrived;
    mean_busy = r.mean_busy;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(invocations));
  state.counters["mean_busy"] = mean_busy;
}
BENCHMARK(BM_Lambda_Poisson)->Arg(10)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
