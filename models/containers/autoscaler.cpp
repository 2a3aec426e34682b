#include "autoscaler.hpp"

#include <algorithm>
#include <cmath>

namespace slsim::containers {

// Alarm lengths of the target-tracking policies Application Auto Scaling creates for ECS
// services: AlarmHigh "3 datapoints within 3 minutes" above the target, AlarmLow
// "15 datapoints within 15 minutes" below 90% of it (docs/models.md, "ECS autoscaling").
constexpr std::uint32_t kHighDatapoints = 3;
constexpr std::uint32_t kLowDatapoints = 15;
constexpr double kLowFraction = 0.9;

Autoscaler::Autoscaler(const ServiceConfig& cfg, bool lambda_managed)
    : cfg_(cfg),
      lambda_managed_(lambda_managed),
      min_(cfg.tasks > 0 ? cfg.tasks : cfg.min_tasks.value_or(1)),
      max_(cfg.tasks > 0 ? cfg.tasks : std::max(min_, cfg.max_tasks.value_or(min_))) {}

std::uint32_t Autoscaler::initial_desired() const {
  if (cfg_.tasks > 0) return cfg_.tasks;
  return cfg_.initial_tasks > 0 ? cfg_.initial_tasks : min_;
}

std::uint32_t Autoscaler::clamp(std::int64_t n) const {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(n, min_, max_));
}

std::uint32_t Autoscaler::evaluate(const Datapoint& d, std::uint32_t desired) {
  if (cfg_.tasks > 0) return desired;
  // Scheduled actions whose time of day falls in (last evaluation, now].
  const std::int64_t day = 86'400'000'000;
  const std::int64_t from = evaluated_ ? last_eval_.time_since_epoch().count() : -1;
  const std::int64_t to = d.at.time_since_epoch().count();
  for (const auto& a : cfg_.schedule) {
    const auto at = from_seconds(a.at_s).count();
    // The first occurrence after `from`.
    std::int64_t k = from < at ? 0 : (from - at) / day + 1;
    if (at + k * day <= to) {
      min_ = a.min_tasks;
      max_ = a.max_tasks;
    }
  }
  last_eval_ = d.at;
  evaluated_ = true;
  const std::uint32_t now_desired = clamp(desired);
  // Several target-tracking policies (CPU or requests, and a consumer's backlog): the service
  // scales out if any is ready to scale out, but scales in only if all of them are ready to scale
  // in, then by the least reduction (Application Auto Scaling user guide, "How target
  // tracking scaling works", Multiple scaling policies; ECS developer guide, "Use a target metric
  // to scale Amazon ECS services"). A step-scaling policy with them: the policy giving the most
  // capacity wins (API_PutScalingPolicy).
  std::optional<std::uint32_t> out, in;
  bool all_in = true;
  std::uint32_t policies = 0;
  const auto track = [&](std::optional<std::uint32_t> p) {
    ++policies;
    if (p && *p > now_desired) {
      out = out ? std::max(*out, *p) : *p;
    } else if (p && *p < now_desired) {
      in = in ? std::max(*in, *p) : *p;
    } else {
      all_in = false;
    }
  };
  if (cfg_.target_cpu_pct.value_or(0) > 0 || cfg_.target_requests_per_task > 0)
    track(tracking(d, now_desired));
  if (d.backlog) track(backlog_.evaluate(*d.backlog, now_desired, min_, max_));
  std::optional<std::uint32_t> proposed = out;
  if (!out && policies > 0 && all_in && in) {
    proposed = in;
    last_in_ = d.at;  // every target-tracking policy scaled in: their cooldowns start
    backlog_.on_scale_in(d.at);
  }
  if (!cfg_.step_scaling.empty()) {
    const auto st = stepping(d, now_desired);
    if (st) proposed = proposed ? std::max(*proposed, *st) : *st;
  }
  const std::uint32_t next = proposed.value_or(now_desired);
  if (next > now_desired) {
    ++scale_outs_;
    last_in_.reset();  // a scale-out ends the scale-in cooldowns
    step_last_in_.reset();
    backlog_.on_scale_out();
  } else if (next < now_desired) {
    ++scale_ins_;
  }
  return next;
}

std::optional<std::uint32_t> Autoscaler::tracking(const Datapoint& d, std::uint32_t desired) {
  const bool cpu = cfg_.target_cpu_pct.value_or(0) > 0;
  const double target = cpu ? *cfg_.target_cpu_pct : cfg_.target_requests_per_task;
  if (cpu && !d.has_cpu) return std::nullopt;  // missing data: the alarms do not move
  // No load balancer (a queue consumer): no request metric.
  if (!cpu && !d.has_requests) return std::nullopt;
  double metric = cpu ? d.cpu_pct : d.requests_per_task;
  // Lambda Managed Instances scales "asynchronously using resource consumption signals ... CPU
  // resource utilization and multi-concurrency saturation"
  // (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-scaling.html): the
  // higher of the two against the target, acted on at the next datapoint (no CloudWatch alarm
  // of several datapoints in between).
  if (lambda_managed_ && cpu && d.saturation_pct) metric = std::max(metric, *d.saturation_pct);
  const std::uint32_t high_needed = lambda_managed_ ? 1 : kHighDatapoints;
  high_run_ = metric > target ? high_run_ + 1 : 0;
  low_run_ = metric < kLowFraction * target ? low_run_ + 1 : 0;
  const double basis = std::max<std::uint32_t>(d.in_service, cpu ? 0 : 1);
  const auto wanted = static_cast<std::int64_t>(std::ceil(basis * metric / target - 1e-9));
  if (high_run_ >= high_needed) {
    auto next = clamp(std::max<std::int64_t>(wanted, desired));
    if (lambda_managed_) {
      // "scale to handle traffic doubling within five minutes": slsim's reading is that the
      // environments at most double in five minutes (more than doubling "may see throttles").
      if (!window_at_ || d.at - *window_at_ >= 5 * kMinute) {
        window_at_ = d.at;
        window_base_ = std::max<std::uint32_t>(desired, 1);
      }
      next = std::max(desired, std::min<std::uint32_t>(next, 2 * window_base_));
    }
    if (next > desired) return next;
    return std::nullopt;
  }
  const bool cooling = last_in_ && d.at - *last_in_ < from_seconds(cfg_.scale_in_cooldown_s);
  if (low_run_ >= kLowDatapoints && !cooling) {
    const auto next = clamp(std::min<std::int64_t>(wanted, desired));
    if (next < desired) return next;  // evaluate() starts the cooldown when it scales in
  }
  return std::nullopt;
}

std::optional<std::uint32_t> Autoscaler::stepping(const Datapoint& d, std::uint32_t desired) {
  if (!d.has_cpu) return std::nullopt;
  for (const auto& st : cfg_.step_scaling) {
    if (!(d.cpu_pct >= st.lower_pct && d.cpu_pct < st.upper_pct)) continue;
    if (st.change > 0) {
      const bool cooling =
          step_last_out_ && d.at - *step_last_out_ < from_seconds(cfg_.scale_out_cooldown_s);
      // In the cooldown, the tasks its scale-out added count towards this step.
      const std::int64_t extra = cooling ? st.change - step_added_ : st.change;
      if (extra <= 0) return std::nullopt;
      const auto next = clamp(static_cast<std::int64_t>(desired) + extra);
      if (next <= desired) return std::nullopt;
      if (cooling) {
        step_added_ += next - desired;
      } else {
        step_last_out_ = d.at;
        step_added_ = next - desired;
      }
      return next;
    }
    if (step_last_in_ && d.at - *step_last_in_ < from_seconds(cfg_.scale_in_cooldown_s)) {
      return std::nullopt;
    }
    const auto next = clamp(static_cast<std::int64_t>(desired) + st.change);
    if (next >= desired) return std::nullopt;
    step_last_in_ = d.at;
    return next;
  }
  return std::nullopt;
}

}  // namespace slsim::containers
