#include "backlog_policy.hpp"

#include <algorithm>
#include <cmath>

namespace slsim::containers {

namespace {

// The target-tracking alarms of Application Auto Scaling (AlarmHigh "3 datapoints within 3
// minutes", AlarmLow "15 datapoints within 15 minutes" at 90% of the target), as for the CPU
// and request policies (autoscaler.cpp; docs/models.md, "Autoscaling").
constexpr std::uint32_t kHighDatapoints = 3;
constexpr std::uint32_t kLowDatapoints = 15;
constexpr double kLowFraction = 0.9;

}  // namespace

std::optional<std::uint32_t> BacklogPolicy::evaluate(const BacklogDatapoint& d,
                                                     std::uint32_t desired, std::uint32_t min,
                                                     std::uint32_t max) {
  const double per_task = d.visible / std::max<std::uint32_t>(d.running, 1);
  high_run_ = per_task > d.target ? high_run_ + 1 : 0;
  low_run_ = per_task < kLowFraction * d.target ? low_run_ + 1 : 0;
  const double wanted_d = std::ceil(d.visible / d.target - 1e-9);
  const auto wanted = static_cast<std::int64_t>(std::min(wanted_d, 1e9));
  const auto clamp = [&](std::int64_t n) {
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(n, min, max));
  };
  if (high_run_ >= kHighDatapoints) {
    const auto next = clamp(std::max<std::int64_t>(wanted, desired));
    if (next > desired) return next;
    return std::nullopt;
  }
  const bool cooling = last_in_ && d.at - *last_in_ < from_seconds(d.scale_in_cooldown_s);
  if (low_run_ >= kLowDatapoints && !cooling) {
    const auto next = clamp(std::min<std::int64_t>(wanted, desired));
    if (next < desired) return next;  // the autoscaler starts the cooldown when it scales in
  }
  return std::nullopt;
}

}  // namespace slsim::containers
