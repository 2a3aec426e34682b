#pragma once
/// Synthetic workload generators (seeded, streaming).

#include <cstdint>
#include <string>

#include "slsim/core/distribution.hpp"
#include "slsim/core/rng.hpp"
#include "slsim/models/workload.hpp"

namespace slsim {

struct PoissonOptions {
  double rate_per_s = 1.0;     ///< mean arrivals per second (> 0)
  double duration_s = 3600.0;  ///< length of the generated trace, seconds (> 0)
  Distribution duration_ms = Distribution::constant(100);  ///< work duration, milliseconds
  std::uint32_t memory_mb = 0;                             ///< 0 = scenario default
  std::string function = "fn";
  InvocationType type = InvocationType::kSync;
  std::uint64_t seed = 1;
};

/// Homogeneous Poisson arrivals of one function; durations drawn from `duration_ms` (negative
/// draws are clamped to 0).
class PoissonSource final : public WorkloadSource {
 public:
  explicit PoissonSource(PoissonOptions options);
  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return functions_; }
  std::string describe() const override;

 private:
  PoissonOptions o_;
  FunctionTable functions_;
  FunctionId id_ = 0;
  RngStream arrivals_, durations_;
  double mean_gap_s_;
  double t_s_ = 0;
  Duration end_;
};

}  // namespace slsim
