#pragma once
/// The duration model every platform shares: how long a piece of work measured at one CPU share
/// takes at another.
///
/// Design notes: a trace's duration was measured with some CPU share (a Lambda function's memory
/// gives 1 vCPU per 1,769 MB; a container task has its vCPUs). A fraction `cpu_bound_fraction` of
/// it scales with CPU speed; of that, `parallel_fraction` can use more than one vCPU (Amdahl).
/// Below one vCPU, speed is proportional to the share. See docs/models.md.

#include <cstdint>

#include "slsim/core/time.hpp"

namespace slsim {

/// How a trace's durations change with the CPU they run on.
struct DurationModel {
  double cpu_bound_fraction = 0.5;  ///< share of the reference duration that scales with CPU
  double parallel_fraction = 0.0;   ///< Amdahl parallel share of the CPU-bound part
  /// The Lambda memory the durations were measured at (0: the trace's, when it is a Lambda
  /// measurement; else no rescaling).
  std::uint32_t reference_memory_mb = 0;
};

/// Relative speed of `vcpu` CPUs for work with Amdahl parallel share `parallel_fraction`
/// (1.0 at one vCPU; proportional below one).
double cpu_speed(double vcpu, double parallel_fraction);

/// Execution time at `vcpu` of work measured at `reference_vcpu`.
Duration scale_to_vcpu(Duration work, double reference_vcpu, double vcpu, double cpu_bound_fraction,
                       double parallel_fraction);

/// Execution time at `memory_mb` of work measured at `reference_mb` on Lambda (CPU share 1 vCPU
/// per `mb_per_vcpu` MB, at most `max_vcpu`; see docs/models.md).
Duration scale_duration(Duration work, std::uint32_t reference_mb, std::uint32_t memory_mb,
                        double cpu_bound_fraction, double parallel_fraction, double max_vcpu,
                        double mb_per_vcpu = 1769.0);

}  // namespace slsim
