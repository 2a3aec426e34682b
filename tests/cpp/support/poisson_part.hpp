#pragma once
// A Poisson generator for one function of a test's mix (the placement and system tests build
// workloads of several such parts).

#include <cstdint>
#include <memory>
#include <string>

#include "slsim/workload/generators.hpp"

namespace slsim::test {

/// `function`: `rate_per_s` arrivals/s for `duration_s`, each `work_ms` of work at `memory_mb`.
inline std::unique_ptr<WorkloadSource> poisson_part(const std::string& function, double rate_per_s,
                                                    double duration_s, double work_ms,
                                                    std::uint64_t seed,
                                                    InvocationType type = InvocationType::kSync,
                                                    std::uint32_t memory_mb = 512) {
  GeneratorOptions g;
  g.function = function;
  g.rate_per_s = rate_per_s;
  g.duration_s = duration_s;
  g.duration_ms = Distribution::constant(work_ms);
  g.memory_mb = memory_mb;
  g.type = type;
  g.seed = seed;
  return std::make_unique<PoissonSource>(g);
}

}  // namespace slsim::test
