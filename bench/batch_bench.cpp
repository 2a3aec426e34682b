// BM_Batch_*: jobs simulated per second on one core, statistics only (no records).
#include <benchmark/benchmark.h>

#include "slsim/batch/batch.hpp"
#include "slsim/workload/generators.hpp"

namespace {

// A Poisson job stream feeding one EC2 compute environment of `instances` c5.xlarge (4 vCPUs,
// jobs of 1 vCPU / 1 GB: 4 per instance). Jobs last 60 s on average (exponential); the arrival
// rate keeps the environment about 90% busy (Little: rate x 60 s = 0.9 x slots), so the queue
// holds work at times and instances are reused rather than launched.
void BM_Batch_QueueToEc2(benchmark::State& state) {
  const auto instances = static_cast<double>(state.range(0));
  const double slots = instances * 4;
  const double rate = 0.9 * slots / 60.0;
  const double n = 1e6;
  std::uint64_t jobs = 0;
  double hosts = 0, util = 0;
  for (auto _ : state) {
    slsim::PoissonOptions p;
    p.rate_per_s = rate;
    p.duration_s = n / rate;
    p.duration_ms = slsim::Distribution::exponential(60'000);
    p.type = slsim::InvocationType::kQueue;  // Batch runs no synchronous work
    slsim::PoissonSource src(p);
    slsim::BatchOptions o;
    o.as_of = slsim::Date(2026, 11, 1);
    auto& ce = o.compute_environments[0];
    ce.instance_types = {"c5.xlarge"};
    ce.max_vcpus = slots;
    o.job.vcpu = 1;
    o.job.memory_gb = 1;
    const auto r = slsim::simulate_batch(src, o);
    jobs += r.arrived;
    hosts = r.hosts_max;
    util = r.utilisation;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(jobs));
  state.counters["hosts_max"] = hosts;
  state.counters["utilisation"] = util;
}
BENCHMARK(BM_Batch_QueueToEc2)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
