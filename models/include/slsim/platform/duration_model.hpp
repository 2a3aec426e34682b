#pragma once
/// The duration model every platform shares: how long a piece of work measured at one CPU share
/// takes at another.
///
/// Design notes: one rule for every source and every platform (docs/models.md, "Durations and
/// memory"). A duration is the run time at the size it was measured at, a Lambda memory whose
/// CPU share is 1 vCPU per 1,769 MB: the platform's `reference_memory_mb` when given, else the
/// memory the source states for it (a CSV row's, a Lambda log's, a generator's memory_mb:
/// measured_at_mb). Every platform rescales it from that share to the CPU it gives the function
/// (Lambda: its memory; a task or job: its vCPUs): a fraction `cpu_bound_fraction` of it scales
/// with CPU speed; of that, `parallel_fraction` can use more than one vCPU (Amdahl). Below one
/// vCPU, speed is proportional to the share. With no stated size the duration is taken as
/// measured at the size the platform runs it at (no rescaling).

#include <cstdint>

#include "slsim/core/time.hpp"
#include "slsim/workload/invocation.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

/// The memory every platform takes a function to have when neither the workload nor the
/// configuration states one, MB: Lambda's default (CreateFunction MemorySize defaults to 128 MB,
/// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html, in force since Lambda's
/// launch, 2014-11-13). Lambda runs such a function at it, a container task and a Batch job are
/// sized from it, so every platform runs the same function (docs/models.md, "Durations and
/// memory"; issue 19 item 5).
inline constexpr std::uint32_t kUnstatedMemoryMb = 128;

/// How a trace's durations change with the CPU they run on.
struct DurationModel {
  double cpu_bound_fraction = 0.5;  ///< share of the reference duration that scales with CPU
  double parallel_fraction = 0.0;   ///< Amdahl parallel share of the CPU-bound part
  /// The Lambda memory the durations were measured at (0: measured_at_mb's rule).
  std::uint32_t reference_memory_mb = 0;
};

/// The memory the workload states for `inv`'s function: the invocation's `memory_mb`, else the
/// function table's, else 0 (none stated). The one accessor every platform reads for a function's
/// memory (Lambda's memory when none is configured, a Batch job sized from the work, and
/// container tasks sized from the work).
std::uint32_t stated_memory_mb(const Invocation& inv, const FunctionTable& functions);

/// The Lambda memory `inv`'s duration was measured at: `reference_mb` (a platform's
/// `reference_memory_mb`) when > 0, else its stated memory when `src` states measured sizes
/// (WorkloadSource::memory_is_lambda_setting: slsim CSV, Lambda logs, arrays, generators), else 0:
/// taken as measured at the size the platform runs it at (no rescaling).
std::uint32_t measured_at_mb(std::uint32_t reference_mb, const Invocation& inv,
                             const WorkloadSource& src);

/// The CPU share of `memory_mb` on Lambda: memory_mb / mb_per_vcpu vCPUs, at most `max_vcpu`.
double lambda_vcpu(std::uint32_t memory_mb, double max_vcpu, double mb_per_vcpu = 1769.0);

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
