#pragma once
/// A one-pass summary of a workload, for choosing a deployment before simulating it (container
/// services sized from the trace: slsim/containers/sizing.hpp).
///
/// Design notes: `profile_workload` streams the source once in O(functions) memory. Rates are
/// counted per wall-clock minute of the trace (minute k holds arrivals in [60k, 60k + 60) s).

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "slsim/workload/workload.hpp"

namespace slsim {

/// What one function of the workload asks for.
struct FunctionProfile {
  std::string name;
  std::uint64_t invocations = 0;
  std::uint64_t peak_per_minute = 0;  ///< most arrivals in one minute
  std::uint64_t peak_per_hour = 0;    ///< most arrivals in 60 consecutive minutes
  /// The 10th percentile of its arrivals per minute over the workload's span (minute 0 to the
  /// last arrival of any function, or the declared span): the traffic that is always there (0
  /// for work that comes in bursts or at night only).
  std::uint64_t low_per_minute = 0;
  std::uint64_t first_minute = 0;         ///< arrivals in the minute of its first arrival
  double first_s = 0, last_s = 0;         ///< first and last arrival, seconds
  double mean_work_s = 0;                 ///< mean duration as measured (Invocation::work), s
  double max_work_s = 0;                  ///< longest duration as measured, s
  std::uint32_t memory_mb = 0;            ///< largest memory of its invocations (0: none stated)
  std::uint64_t message_invocations = 0;  ///< queue or async invocations (an SQS consumer's
                                          ///< messages); the rest are synchronous requests

  /// Mean length, in minutes, of its bursts: runs of minutes whose count is above the midpoint
  /// of its mean and peak per-minute counts (0: none, or a peak under 1.5 times the mean). A
  /// burst shorter than the scale-out reaction is served only by tasks already running.
  double burst_minutes = 0;

  /// All its work is queue or async messages (it has invocations, none synchronous).
  bool messages_only() const { return invocations > 0 && message_invocations == invocations; }

  /// Mean arrival rate over its active period (first to last arrival, at least one second),
  /// per second.
  double mean_rate_per_s() const;
  /// The busiest minute's rate, per second (at least the mean rate: a trace shorter than a
  /// minute has its whole count in one minute).
  double peak_rate_per_s() const {
    return std::max(static_cast<double>(peak_per_minute) / 60.0, mean_rate_per_s());
  }
  double first_rate_per_s() const { return static_cast<double>(first_minute) / 60.0; }
  double low_rate_per_s() const { return static_cast<double>(low_per_minute) / 60.0; }
  /// The busiest hour's rate (60 consecutive minutes), per second: what a queue consumer, whose
  /// backlog waits in its queue, must drain within about an hour.
  double peak_hour_rate_per_s() const { return static_cast<double>(peak_per_hour) / 3600.0; }
};

struct WorkloadProfile {
  std::vector<FunctionProfile> functions;  ///< in the workload's function-table order
  bool memory_is_lambda_setting = false;   ///< WorkloadSource::memory_is_lambda_setting()
  /// The function named `name`, or null.
  const FunctionProfile* find(const std::string& name) const;
  /// The functions `names` as one (summed rates and counts, mean work weighted by invocations,
  /// longest work, largest memory); functions absent from the profile count as nothing.
  FunctionProfile combined(const std::vector<std::string>& names) const;
};

/// Reads `source` to its end and summarises it.
WorkloadProfile profile_workload(WorkloadSource& source);

}  // namespace slsim
