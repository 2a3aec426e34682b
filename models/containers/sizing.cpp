// Sizing of container services from a pass over the workload (docs/models.md, "Sizing a service
// the user did not size").

#include "slsim/containers/sizing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "slsim/platform/config_error.hpp"
#include "slsim/platform/duration_model.hpp"
#include "task_pool.hpp"

namespace slsim {

namespace {

/// Memory a function is taken to need when the trace states none, MB (the task memory slsim's
/// container services used before sizing: 0.5 GB).
constexpr std::uint32_t kDefaultMemoryMb = 512;
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
  throw ConfigError(
      s.vcpu > 0 ? "vcpu" : "memory_gb",
      fmt::format("no Fargate task size on {} has {}", as_of.str(),
                  s.vcpu > 0 ? fmt::format("{} vCPU", s.vcpu) : fmt::format("{} GB", s.memory_gb)));
}

double saturated_pct(double vcpu, std::uint32_t n, double c, double p) {
  const containers::SharingTable t(vcpu, n, c, p);
  return 100 * t.cpu_used[n] / vcpu;
}

/// The service sized for `f` (rates, mean duration, memory); `f.invocations == 0`: no pass.
ServiceConfig size_service(ServiceConfig s, LaunchType lt, Date as_of, const RateCard& rc,
                           const FunctionProfile& f, bool lambda_memory) {
  const std::uint32_t memory_mb = f.memory_mb ? f.memory_mb : kDefaultMemoryMb;
  if (s.vcpu == 0 || s.memory_gb == 0) choose_size(s, lt, as_of, rc, memory_mb);
  const double c = s.cpu_bound_fraction, p = s.parallel_fraction;
  const bool fixed = s.tasks > 0;
  const bool other_policy =
      s.target_requests_per_task > 0 || !s.step_scaling.empty() || !s.schedule.empty();
  const bool auto_target = !fixed && !s.target_cpu_pct && !other_policy;
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
  const bool use_cpu = s.target_cpu_pct ? *s.target_cpu_pct > 0 : cpu_metric;
  double per_task = kSlotShare * s.concurrency / std::max(solo_s, 1e-6);
  if (use_cpu && cpu_s > 0) per_task = std::min(per_task, target / 100 * s.vcpu / cpu_s);
  if (auto_target) {
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

std::string describe_service(const ServiceConfig& s) {
  std::string out = fmt::format("{} vCPU / {} GB tasks, {} request{} each", num(s.vcpu),
                                num(s.memory_gb), s.concurrency, s.concurrency == 1 ? "" : "s");
  if (s.tasks > 0) return out + fmt::format(", {} tasks", s.tasks);
  const auto lo = s.min_tasks.value_or(1), hi = s.max_tasks.value_or(lo);
  out += lo == hi ? fmt::format(", {} task{}", lo, lo == 1 ? "" : "s")
                  : fmt::format(", {}-{} tasks", lo, hi);
  if (s.target_cpu_pct.value_or(0) > 0) {
    out += fmt::format(", target {}% CPU", num(*s.target_cpu_pct));
  } else if (s.target_requests_per_task > 0) {
    out += fmt::format(", target {} requests/task/min", num(s.target_requests_per_task));
  } else if (!s.step_scaling.empty()) {
    out += ", step scaling";
  } else if (lo != hi) {
    out += ", no scaling policy";
  }
  return out;
}

std::string describe_sizing(const ContainerOptions& o) {
  if (o.services.empty()) return describe_service(o.defaults);
  if (o.services.size() == 1) return describe_service(o.services.begin()->second);
  const auto& [name, s] = *o.services.begin();
  return fmt::format("{} services, e.g. {}: {}", o.services.size(), name, describe_service(s));
}

std::vector<std::string> service_warnings(const std::string& name, const ServiceConfig& s) {
  std::vector<std::string> out;
  const std::string who = name.empty() ? "" : fmt::format("service {}: ", name);
  const bool policy = s.target_cpu_pct.value_or(0) > 0 || s.target_requests_per_task > 0 ||
                      !s.step_scaling.empty() || !s.schedule.empty();
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
