// Sizing of container services from a pass over the workload (docs/models.md, "Sizing a service
// the user did not size").

#include "slsim/containers/sizing.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "container_model.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/platform/duration_model.hpp"
#include "task_pool.hpp"

namespace slsim {

namespace {

/// The CPU % a saturated task must show: halfway between the target and 100%, so target
/// tracking sees saturation with a margin.
double saturation_needed_pct(double target) {
  return target + (100 - target) / 2;
}
/// Share of a task's request slots busy at the per-task rate sizing aims for (the request-count
/// policy's counterpart of the CPU target).
constexpr double kSlotShare = 0.7;
/// Largest automatic concurrency per vCPU (at least one vCPU counted).
constexpr std::uint32_t kMaxAutoConcurrencyPerVcpu = 64;
/// Task count bounds of an ECS service (validate_service).
constexpr std::uint32_t kMaxTasks = 5'000;
/// Headroom of max_tasks over the peak minute's need: twice the peak.
constexpr double kPeakHeadroom = 2.0;

double ceil_to(double v, double step) {
  return std::ceil(v / step - 1e-9) * step;
}

void choose_size(ServiceConfig& s, LaunchType lt, Date as_of, const RateCard& rc,
                 std::uint32_t memory_mb) {
  // The task gets the work's memory and the CPU Lambda would give that memory (1 vCPU per
  // lambda.mb_per_vcpu MB), so the work runs no slower than measured; at least 0.25 vCPU /
  // 0.5 GB, Fargate's smallest size.
  const double need_gb = std::max(0.5, memory_mb / 1024.0);
  const double need_vcpu = std::max(0.25, std::min(memory_mb / rc.rule("lambda.mb_per_vcpu", as_of),
                                                   rc.rule("lambda.max_vcpu", as_of)));
  if (lt == LaunchType::kEc2) {
    if (s.vcpu == 0) s.vcpu = ceil_to(need_vcpu, 0.25);
    if (s.memory_gb == 0) s.memory_gb = ceil_to(need_gb, 0.5);
    return;
  }
  auto sizes = rc.fargate_sizes(as_of);
  std::sort(sizes.begin(), sizes.end(),
            [](const FargateSize& a, const FargateSize& b) { return a.vcpu < b.vcpu; });
  for (auto& z : sizes)
    std::sort(z.memory_gb.begin(), z.memory_gb.end());
  // The smallest size that has the vCPU and memory needed (or the user's), else the largest
  // that holds the user's setting.
  const FargateSize* fallback = nullptr;
  double fallback_mem = 0;
  for (const auto& z : sizes) {
    if (s.vcpu > 0 && std::fabs(z.vcpu - s.vcpu) > 1e-9) continue;
    for (const double m : z.memory_gb) {
      if (s.memory_gb > 0 && std::fabs(m - s.memory_gb) > 1e-9) continue;
      fallback = &z;
      fallback_mem = m;
      if ((s.vcpu > 0 || z.vcpu >= need_vcpu - 1e-9) && (s.memory_gb > 0 || m >= need_gb - 1e-9)) {
        s.vcpu = z.vcpu;
        s.memory_gb = m;
        return;
      }
    }
  }
  if (fallback) {
    s.vcpu = fallback->vcpu;
    s.memory_gb = fallback_mem;
    return;
  }
  // Name what Fargate offers: its vCPU sizes, or (memory given alone) its memory sizes.
  std::vector<double> offered;
  for (const auto& z : sizes) {
    if (s.vcpu > 0) {
      offered.push_back(z.vcpu);
    } else {
      offered.insert(offered.end(), z.memory_gb.begin(), z.memory_gb.end());
    }
  }
  std::sort(offered.begin(), offered.end());
  offered.erase(std::unique(offered.begin(), offered.end()), offered.end());
  std::vector<std::string> names;
  for (const double v : offered)
    names.push_back(fmt::format("{:g}", v));
  throw ConfigError(
      s.vcpu > 0 ? "vcpu" : "memory_gb",
      fmt::format("no Fargate task size on {} has {}; Fargate offers {} {}", as_of.str(),
                  s.vcpu > 0 ? fmt::format("{} vCPU", s.vcpu) : fmt::format("{} GB", s.memory_gb),
                  s.vcpu > 0 ? "tasks of" : "memory sizes of",
                  fmt::format("{}", fmt::join(names, ", ")) + (s.vcpu > 0 ? " vCPU" : " GB")));
}

}  // namespace

double scale_out_reaction_s(const ServiceConfig& s, LaunchType lt) {
  // Target tracking's AlarmHigh: 3 one-minute datapoints above the target (autoscaler.cpp),
  // then the task's provisioning and start-up (medians), then the load balancer's health checks
  // (interval x healthy threshold) before it gets requests.
  const bool fargate = lt == LaunchType::kFargate;
  const auto median = [](const std::optional<Distribution>& d, const Distribution& dflt) {
    return (d ? *d : dflt).quantile(0.5);
  };
  return 3 * 60.0 +
         median(s.provisioning_s,
                fargate ? containers::fargate_provisioning() : containers::ec2_provisioning()) +
         median(s.startup_s, fargate ? containers::fargate_startup() : containers::ec2_startup()) +
         s.health_check_interval_s * s.healthy_threshold;
}

namespace {

/// min_tasks holds the peak minute: HTTP work (a queue's backlog waits for a scale-out) whose
/// bursts end before a scale-out serves.
bool holds_peak(const ServiceConfig& s, LaunchType lt, const FunctionProfile& f) {
  return !f.messages_only() && f.burst_minutes > 0 &&
         f.burst_minutes * 60 < scale_out_reaction_s(s, lt);
}

double saturated_pct(double vcpu, std::uint32_t n, double c, double p) {
  const containers::SharingTable t(vcpu, n, c, p);
  return 100 * t.cpu_used[n] / vcpu;
}

/// The service sized for `f` (rates, mean duration, memory); `f.invocations == 0`: no pass.
ServiceConfig size_service(ServiceConfig s, LaunchType lt, Date as_of, const RateCard& rc,
                           const FunctionProfile& f, bool lambda_memory) {
  const std::uint32_t memory_mb = f.memory_mb ? f.memory_mb : kUnstatedMemoryMb;
  if (s.vcpu == 0 || s.memory_gb == 0) choose_size(s, lt, as_of, rc, memory_mb);
  const double c = s.cpu_bound_fraction, p = s.parallel_fraction;
  const bool fixed = s.tasks > 0;
  const bool other_policy =
      s.target_requests_per_task > 0 || !s.step_scaling.empty() || !s.schedule.empty();
  const bool auto_target = !fixed && !s.target_cpu_pct && !other_policy;
  // A function whose work is all queue or async messages is an SQS consumer: it scales on the
  // backlog per task alone, AWS's recommended metric for SQS consumers (Amazon EC2 Auto Scaling
  // user guide, "Scaling policy based on Amazon SQS", https://docs.aws.amazon.com/autoscaling/
  // ec2/userguide/as-using-sqs-queue.html, as of 2026-11), with no CPU target on top (which
  // overshoots: a bursty 100 msg/s queue kept twice the tasks).
  const bool backlog_only = auto_target && f.messages_only() &&
                            (s.target_backlog_per_task > 0 || s.acceptable_latency_s > 0);
  // The CPU target the sizing aims at: the user's, else the automatic one (also when the user
  // tracks no CPU: a task's slots are then sized as for the automatic target).
  const double target = s.target_cpu_pct.value_or(0) > 0 ? *s.target_cpu_pct : kAutoTargetCpuPct;
  // Concurrency: the fewest request slots with which a saturated task reads well above the CPU
  // target (one slot at cpu_bound_fraction 0.5 reads 50%: target tracking would never see it).
  bool cpu_metric = true;
  if (s.concurrency == 0) {
    const auto cap =
        static_cast<std::uint32_t>(kMaxAutoConcurrencyPerVcpu * std::max(1.0, std::ceil(s.vcpu)));
    std::uint32_t n = 1;
    const double want = saturation_needed_pct(target);
    // u(n) grows with n: a doubling search, then bisection.
    std::uint32_t hi = 1;
    while (hi < cap && saturated_pct(s.vcpu, hi, c, p) < want)
      hi = std::min(cap, hi * 2);
    if (saturated_pct(s.vcpu, hi, c, p) < want) {
      cpu_metric = false;  // the CPU cannot show saturation (I/O-bound work)
      n = cap;
    } else {
      std::uint32_t lo = hi / 2 + (hi == 1 ? 1 : 0);
      n = hi;
      while (lo < n) {
        const std::uint32_t mid = lo + (n - lo) / 2;
        if (saturated_pct(s.vcpu, mid, c, p) >= want)
          n = mid;
        else
          lo = mid + 1;
      }
    }
    s.concurrency = n;
  } else {
    cpu_metric = saturated_pct(s.vcpu, s.concurrency, c, p) > target;
  }
  // The per-task rate at the target: the CPU a request uses alone (the model's own accounting,
  // task_pool.hpp) against the target share of the task's vCPUs, and the request slots.
  double solo_s = f.mean_work_s;
  if (lambda_memory && f.memory_mb > 0 && solo_s > 0) {
    const double ref = std::min(f.memory_mb / rc.rule("lambda.mb_per_vcpu", as_of),
                                rc.rule("lambda.max_vcpu", as_of));
    solo_s = to_seconds(scale_to_vcpu(from_seconds(solo_s), ref, s.vcpu, c, p));
  }
  const containers::SharingTable one(s.vcpu, 1, c, p);
  const double cpu_s = one.cpu_used[1] * solo_s;
  // The smaller of the request slots' rate and the CPU's: a task serves no more than its vCPUs
  // allow whether or not a CPU metric scales it (with no CPU target, at the automatic target's
  // share, so it keeps the same headroom).
  double per_task = kSlotShare * s.concurrency / std::max(solo_s, 1e-6);
  if (cpu_s > 0) per_task = std::min(per_task, target / 100 * s.vcpu / cpu_s);
  if (backlog_only) {
    s.target_cpu_pct = 0;  // the backlog policy alone (sqs_consumer.cpp)
  } else if (auto_target) {
    if (cpu_metric) {
      s.target_cpu_pct = kAutoTargetCpuPct;
    } else {
      // I/O-bound work: ALBRequestCountPerTarget at the request slots' share (per minute).
      s.target_cpu_pct = 0;
      s.target_requests_per_task = std::max(1.0, std::floor(per_task * 60));
    }
  } else if (!s.target_cpu_pct) {
    s.target_cpu_pct = 0;  // the user chose another policy (or a fixed count)
  }
  if (fixed) {
    if (!s.min_tasks) s.min_tasks = s.tasks;
    if (!s.max_tasks) s.max_tasks = s.tasks;
    return s;
  }
  const auto need = [&](double rate) {
    return static_cast<std::uint32_t>(
        std::min<double>(kMaxTasks, std::ceil(rate / per_task - 1e-9)));
  };
  std::uint32_t lo = 1, hi = 10, initial = 0;  // no pass over the workload: one to ten tasks
  if (f.invocations > 0) {
    lo = std::max<std::uint32_t>(1, need(f.mean_rate_per_s()));
    // Bursts shorter than the scale-out reaction are over before a new task serves: only the
    // tasks already running serve them, so min_tasks holds the peak minute.
    if (holds_peak(s, lt, f)) lo = std::max(lo, need(f.peak_rate_per_s()));
    hi = std::max<std::uint32_t>({lo, 2, need(kPeakHeadroom * f.peak_rate_per_s())});
    initial = need(f.first_rate_per_s());
  }
  if (s.initial_tasks > 0) {  // the user's initial count lies within the bounds chosen
    lo = std::min(lo, s.initial_tasks);
    hi = std::max(hi, s.initial_tasks);
  }
  if (!s.min_tasks) s.min_tasks = s.max_tasks ? std::min(lo, *s.max_tasks) : lo;
  if (!s.max_tasks) s.max_tasks = std::min(kMaxTasks, std::max(hi, *s.min_tasks));
  if (s.initial_tasks == 0 && initial > 0)
    s.initial_tasks = std::clamp(initial, *s.min_tasks, *s.max_tasks);
  return s;
}

std::string num(double v) {
  return fmt::format("{:g}", v);
}

}  // namespace

double saturated_cpu_pct(const ServiceConfig& s) {
  if (s.vcpu <= 0 || s.concurrency == 0) return 0;
  return saturated_pct(s.vcpu, s.concurrency, s.cpu_bound_fraction, s.parallel_fraction);
}

ContainerOptions size_containers(const ContainerOptions& o, const WorkloadProfile& profile,
                                 const RateCard& rc) {
  ContainerOptions r = o;
  const bool lm = profile.memory_is_lambda_setting;
  for (auto& [name, s] : r.services) {
    if (!needs_sizing(s)) continue;
    try {
      s = size_service(s, r.launch_type, r.as_of, rc, profile.combined(s.functions), lm);
    } catch (const ConfigError& e) {
      throw ConfigError(e.key(), fmt::format("service {}: {}", name, e.message()));
    }
  }
  if (needs_sizing(o.defaults)) {
    // Every function the defaults serve becomes a service of its own, sized for it.
    std::vector<std::string> rest;
    for (const auto& f : profile.functions) {
      bool named = false;
      for (const auto& [name, s] : o.services)
        named =
            named || std::find(s.functions.begin(), s.functions.end(), f.name) != s.functions.end();
      if (named || f.invocations == 0) continue;
      if (r.services.count(f.name)) {
        rest.push_back(f.name);  // a service of that name serves other functions
        continue;
      }
      ServiceConfig s = o.defaults;
      s.functions = {f.name};
      r.services[f.name] = size_service(s, r.launch_type, r.as_of, rc, f, lm);
    }
    r.defaults = size_service(o.defaults, r.launch_type, r.as_of, rc, profile.combined(rest), lm);
  }
  validate_containers(r, rc);
  return r;
}

std::string describe_service(const ServiceConfig& s, bool consumer) {
  std::string out =
      fmt::format("{} vCPU / {} GB tasks, {} {} each", num(s.vcpu), num(s.memory_gb), s.concurrency,
                  consumer ? (s.concurrency == 1 ? "message" : "messages")
                           : (s.concurrency == 1 ? "request" : "requests"));
  if (s.tasks > 0) return out + fmt::format(", {} tasks", s.tasks);
  const auto lo = s.min_tasks.value_or(1), hi = s.max_tasks.value_or(lo);
  out += lo == hi ? fmt::format(", {} task{}", lo, lo == 1 ? "" : "s")
                  : fmt::format(", {}-{} tasks", lo, hi);
  bool policy = false;
  if (consumer && s.target_backlog_per_task > 0) {
    out += fmt::format(", target backlog {} messages/task", num(s.target_backlog_per_task));
    policy = true;
  } else if (consumer && s.acceptable_latency_s > 0) {
    out += fmt::format(", target backlog {} s of work per task", num(s.acceptable_latency_s));
    policy = true;
  }
  if (s.target_cpu_pct.value_or(0) > 0) {
    out += fmt::format(", target {}% CPU", num(*s.target_cpu_pct));
  } else if (s.target_requests_per_task > 0) {
    out += fmt::format(", target {} requests/task/min", num(s.target_requests_per_task));
  } else if (!s.step_scaling.empty()) {
    out += ", step scaling";
  } else if (lo != hi && !policy) {
    out += ", no scaling policy";
  }
  return out;
}

std::string describe_sizing(const ContainerOptions& o, const WorkloadProfile& profile) {
  // A service's line; why min_tasks holds the peak minute when the bursts are short.
  const auto line = [&](const ServiceConfig& s) {
    const FunctionProfile f = profile.combined(s.functions);
    std::string out = describe_service(s, f.messages_only());
    const double react = scale_out_reaction_s(s, o.launch_type);
    if (s.tasks == 0 && holds_peak(s, o.launch_type, f)) {
      out += fmt::format(
          " (min_tasks holds the peak minute: bursts of {:.1f} min end before a "
          "scale-out serves, {:.1f} min)",
          f.burst_minutes, react / 60);
    }
    return out;
  };
  if (o.services.empty()) return describe_service(o.defaults, false);
  if (o.services.size() == 1) return line(o.services.begin()->second);
  // The busiest service (most invocations) as the example, and the task counts of all.
  auto busiest = o.services.begin();
  std::uint64_t most = 0, lo = 0, hi = 0;
  for (auto it = o.services.begin(); it != o.services.end(); ++it) {
    const auto n = profile.combined(it->second.functions).invocations;
    if (n > most) {
      most = n;
      busiest = it;
    }
    const auto& s = it->second;
    lo += s.tasks > 0 ? s.tasks : s.min_tasks.value_or(1);
    hi += s.tasks > 0 ? s.tasks : s.max_tasks.value_or(s.min_tasks.value_or(1));
  }
  const std::string tasks =
      lo == hi ? fmt::format("{} tasks", lo) : fmt::format("{}-{} tasks", lo, hi);
  return fmt::format("{} services ({}), {} {}: {}", o.services.size(), tasks,
                     most > 0 ? "busiest" : "e.g.", busiest->first, line(busiest->second));
}

std::vector<std::string> service_warnings(const std::string& name, const ServiceConfig& s,
                                          bool consumer) {
  std::vector<std::string> out;
  const std::string who = name.empty() ? "" : fmt::format("service {}: ", name);
  // A queue consumer scales on its backlog per task (sqs_consumer.cpp).
  const bool backlog = consumer && (s.target_backlog_per_task > 0 || s.acceptable_latency_s > 0);
  const bool policy = s.target_cpu_pct.value_or(0) > 0 || s.target_requests_per_task > 0 ||
                      !s.step_scaling.empty() || !s.schedule.empty() || backlog;
  // Scaling from zero needs a metric that exists with no task: CPU utilisation has no datapoint
  // then, so a CPU-only policy at zero tasks never scales out (docs/models.md).
  const bool cpu_only = (s.target_cpu_pct.value_or(0) > 0 || !s.step_scaling.empty()) &&
                        s.target_requests_per_task == 0 && s.schedule.empty() && !backlog;
  if (s.tasks == 0 && s.min_tasks && *s.min_tasks == 0 && cpu_only) {
    out.push_back(fmt::format(
        "{}min_tasks 0 with only a CPU scaling policy: once the service scales in to zero tasks "
        "there is no CPU datapoint, so it never scales out again (ECS cannot scale from zero on "
        "CPU); set min_tasks to 1 or more, or add target_requests_per_task or a schedule",
        who));
  }
  if (s.tasks == 0 && !policy && s.max_tasks && *s.max_tasks > s.min_tasks.value_or(1)) {
    out.push_back(fmt::format(
        "{}max_tasks {} is never reached: the service has no scaling policy, so it stays at "
        "min_tasks ({}); set target_cpu_pct or target_requests_per_task",
        who, *s.max_tasks, s.min_tasks.value_or(1)));
  }
  if (s.target_cpu_pct.value_or(0) > 0 && s.vcpu > 0 && s.concurrency > 0) {
    const double sat = saturated_cpu_pct(s);
    if (sat <= *s.target_cpu_pct + 1e-9) {
      out.push_back(fmt::format(
          "{}target_cpu_pct {}% is never reached: a {} vCPU task serving {} request{} at once "
          "uses at most {:.0f}% CPU with cpu_bound_fraction {}, so the service never scales out; "
          "raise concurrency or lower the target",
          who, num(*s.target_cpu_pct), num(s.vcpu), s.concurrency, s.concurrency == 1 ? "" : "s",
          sat, num(s.cpu_bound_fraction)));
    }
  }
  return out;
}

}  // namespace slsim
