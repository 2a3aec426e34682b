// BM_Containers_*: requests simulated per second on one core, statistics only (no timeline).
#include <benchmark/benchmark.h>

#include "slsim/containers/containers.hpp"
#include "slsim/workload/generators.hpp"

namespace {

// A Fargate service of about 50 tasks (1 vCPU, 20 requests each) with target tracking on CPU,
// Poisson arrivals, exponential 50 ms requests; workload generation included.
void BM_Containers_TargetTracking50(benchmark::State& state) {
  const double rate = 1200;  // x 25 ms of CPU each = 30 vCPUs: ~50 tasks at 60% CPU
  const double n = 2e6;
  std::uint64_t requests = 0;
  double tasks = 0;
  for (auto _ : state) {
    slsim::PoissonOptions p;
    p.rate_per_s = rate;
    p.duration_s = n / rate;
    p.duration_ms = slsim::Distribution::exponential(50);
    slsim::PoissonSource src(p);
    slsim::FargateOptions o;
    o.as_of = slsim::Date(2026, 11, 1);
    o.defaults.vcpu = 1;
    o.defaults.memory_gb = 2;
    o.defaults.concurrency = 20;
    o.defaults.min_tasks = 50;
    o.defaults.max_tasks = 100;
    o.defaults.target_cpu_pct = 60;
    const auto r = slsim::simulate_fargate(src, o);
    requests += r.arrived;
    tasks = r.instances_mean;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(requests));
  state.counters["tasks_mean"] = tasks;
}
BENCHMARK(BM_Containers_TargetTracking50)->Unit(benchmark::kMillisecond);

}  // namespace
