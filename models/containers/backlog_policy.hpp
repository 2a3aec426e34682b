#pragma once
// Backlog-per-task target tracking: how a queue consumer scales (AWS's "Scaling policy based on
// Amazon SQS").
//
// Design notes: the metric is the SQS backlog per task, ApproximateNumberOfMessagesVisible
// divided by the tasks in the RUNNING state (Application Auto Scaling user guide, "Create a
// target tracking scaling policy for Application Auto Scaling using metric math", example
// "Amazon SQS queue backlog per task",
// https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html;
// metric math in target tracking from 2023-03-14, a published custom metric before). The target
// is the acceptable backlog per task, "the acceptable latency value ... divide[d] by the
// average time that an [instance] takes to process a message" (EC2 Auto Scaling user guide,
// "Scaling policy based on Amazon SQS",
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-using-sqs-queue.html, as read 2026).
// It is a target-tracking policy like the CPU and request ones (autoscaler.hpp), with the
// alarms Application Auto Scaling creates: scale out after 3 datapoints above the target to
// ceil(visible / target) (never below the desired count), scale in after 15 datapoints below
// 90% of it, at most once per scale-in cooldown. With no task running the backlog is divided by
// one (as slsim counts the request metric), so a service at zero tasks scales out on its backlog.

#include <cstdint>
#include <optional>

#include "slsim/core/time.hpp"

namespace slsim::containers {

/// The backlog datapoint of one minute.
struct BacklogDatapoint {
  TimePoint at{};
  double visible = 0;         // mean visible messages over the minute
  std::uint32_t running = 0;  // tasks consuming at the end of the minute
  double target = 0;          // acceptable backlog per task (> 0)
  double scale_in_cooldown_s = 0;
};

class BacklogPolicy {
 public:
  /// The count the policy asks for (nullopt: it does not trigger), within [min, max].
  std::optional<std::uint32_t> evaluate(const BacklogDatapoint& d, std::uint32_t desired,
                                        std::uint32_t min, std::uint32_t max);
  /// A scale-out by any policy ends the scale-in cooldown.
  void on_scale_out() { last_in_.reset(); }
  /// The service scaled in (every target-tracking policy agreed): the cooldown starts.
  void on_scale_in(TimePoint at) { last_in_ = at; }

 private:
  std::uint32_t high_run_ = 0, low_run_ = 0;
  std::optional<TimePoint> last_in_;
};

}  // namespace slsim::containers
