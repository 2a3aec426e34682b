// BM_Distribution_*: cost of one draw per family.
#include <benchmark/benchmark.h>

#include "slsim/core/distribution.hpp"
#include "slsim/core/quantile_sketch.hpp"

namespace {

void BM_Distribution_Sample(benchmark::State& state, const char* spec) {
  const auto d = slsim::Distribution::parse(spec);
  slsim::RngStream rng(1);
  double sum = 0;
  for (auto _ : state)
    sum += d.sample(rng);
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Distribution_Sample, exponential, "exponential(mean=1)");
BENCHMARK_CAPTURE(BM_Distribution_Sample, lognormal, "lognormal(median=120,p99=900)");
BENCHMARK_CAPTURE(BM_Distribution_Sample, weibull, "weibull(shape=0.7,scale=50)");
BENCHMARK_CAPTURE(BM_Distribution_Sample, burr, "burr(c=11.652,k=0.221,lambda=107.083)");

void BM_QuantileSketch_Add(benchmark::State& state) {
  slsim::QuantileSketch sk;
  slsim::RngStream rng(1);
  for (auto _ : state)
    sk.add(rng.exponential(100));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QuantileSketch_Add);

}  // namespace
