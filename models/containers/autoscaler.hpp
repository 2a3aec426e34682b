#pragma once
// Autoscaler: Application Auto Scaling for one ECS service, evaluated on one-minute datapoints.
//
// Design notes: target tracking follows the alarms Application Auto Scaling creates for ECS
// services: scale out after 3 consecutive datapoints above the target, to
// ceil(in-service tasks x metric / target) (never below the current desired count, so capacity
// still starting is not asked for twice); scale in after 15 consecutive datapoints below 90% of
// the target, to the same formula, at most once per scale-in cooldown and not within a
// scale-out cooldown. Step scaling acts on one datapoint with one cooldown. Scheduled actions
// set the minimum and maximum at a time of the simulated day. A fixed service never changes.

#include <cstdint>
#include <optional>

#include "slsim/containers/service.hpp"
#include "slsim/core/time.hpp"

namespace slsim::containers {

/// The one-minute datapoint the autoscaler sees.
struct Datapoint {
  TimePoint at{};                // end of the minute
  bool has_cpu = false;          // false when no task ran during the minute (no data)
  double cpu_pct = 0;            // ECSServiceAverageCPUUtilization
  double requests_per_task = 0;  // ALBRequestCountPerTarget
  std::uint32_t in_service = 0;  // healthy tasks at the end of the minute
};

class Autoscaler {
 public:
  explicit Autoscaler(const ServiceConfig& cfg);

  /// The desired count at time 0.
  std::uint32_t initial_desired() const;
  /// Applies scheduled actions due in (previous, now] and the policy to one datapoint; returns
  /// the new desired count (== desired when nothing changes).
  std::uint32_t evaluate(const Datapoint& d, std::uint32_t desired);

  std::uint64_t scale_outs() const { return scale_outs_; }
  std::uint64_t scale_ins() const { return scale_ins_; }
  std::uint32_t min_tasks() const { return min_; }
  std::uint32_t max_tasks() const { return max_; }

 private:
  std::uint32_t clamp(std::int64_t n) const;
  std::uint32_t tracking(const Datapoint& d, std::uint32_t desired);
  std::uint32_t stepping(const Datapoint& d, std::uint32_t desired);

  const ServiceConfig& cfg_;
  std::uint32_t min_, max_;
  std::uint32_t high_run_ = 0, low_run_ = 0;
  std::optional<TimePoint> last_out_, last_in_, last_step_;
  TimePoint last_eval_{};
  bool evaluated_ = false;
  std::uint64_t scale_outs_ = 0, scale_ins_ = 0;
};

}  // namespace slsim::containers
