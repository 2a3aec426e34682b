#pragma once
// Autoscaler: Application Auto Scaling for one ECS service, evaluated on one-minute datapoints.
//
// Design notes: target tracking follows the alarms Application Auto Scaling creates for ECS
// services: scale out after 3 consecutive datapoints above the target, to
// ceil(in-service tasks x metric / target) (never below the current desired count, so capacity
// still starting is not asked for twice: the scale-out cooldown's "capacity added ... is part of
// the desired capacity for the next scale out"); scale in after 15 consecutive datapoints below
// 90% of the target, to the same formula, at most once per scale-in cooldown. Step scaling acts on
// one datapoint: a scale-out step during the scale-out cooldown adds only what it asks beyond
// the tasks the cooldown's scale-out added; a scale-in step waits for the scale-in cooldown; a
// scale-out ends a scale-in cooldown (API_StepScalingPolicyConfiguration, Cooldown). Several
// target-tracking policies (CPU or requests, and a queue consumer's backlog): scale out if any is
// ready to, scale in only if all are ready to (Application Auto Scaling, "Target tracking
// scaling policies", multiple policies). With target tracking and steps, the policy giving the
// most capacity wins (API_PutScalingPolicy). Scheduled actions set the minimum and maximum at a
// time of the simulated day. A fixed service never changes.

#include <cstdint>
#include <optional>

#include "backlog_policy.hpp"
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
  bool has_requests = true;      // false: no load balancer (a queue consumer), no request metric
  std::optional<BacklogDatapoint> backlog;  // a queue consumer's backlog policy (sqs_queue.hpp)
  /// Lambda Managed Instances: the share of the environments' request slots in use, % (more
  /// than 100 when requests were throttled for want of one).
  std::optional<double> saturation_pct;
};

class Autoscaler {
 public:
  /// `lambda_managed`: Lambda Managed Instances' scaler (target tracking on the higher of CPU and
  /// concurrency saturation, acting on one datapoint; docs/models.md).
  explicit Autoscaler(const ServiceConfig& cfg, bool lambda_managed = false);

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
  /// The count a policy asks for when it triggers (nullopt: it does not).
  std::optional<std::uint32_t> tracking(const Datapoint& d, std::uint32_t desired);
  std::optional<std::uint32_t> stepping(const Datapoint& d, std::uint32_t desired);

  const ServiceConfig& cfg_;
  bool lambda_managed_ = false;
  // Lambda Managed Instances: the environments at the start of the current five minutes; a
  // scale-out goes at most to twice that within them.
  std::optional<TimePoint> window_at_;
  std::uint32_t window_base_ = 0;
  std::uint32_t min_, max_;
  std::uint32_t high_run_ = 0, low_run_ = 0;
  std::optional<TimePoint> last_in_;                       // target tracking's last scale-in
  std::optional<TimePoint> step_last_out_, step_last_in_;  // step scaling's cooldowns
  std::int64_t step_added_ = 0;  // tasks added by step scale-outs in the current cooldown
  TimePoint last_eval_{};
  bool evaluated_ = false;
  std::uint64_t scale_outs_ = 0, scale_ins_ = 0;
  BacklogPolicy backlog_;  // backlog-per-task target tracking (backlog_policy.hpp)
};

}  // namespace slsim::containers
