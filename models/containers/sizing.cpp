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
/// The floor of an HTTP service: two tasks, which ECS's default placement spreads over two
/// Availability Zones, so the service keeps serving when one task or zone fails (ECS developer
/// guide, "Amazon ECS capacity and availability": autoscaling and Availability Zones are the
/// two availability mechanisms,
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/capacity-availability-best-practice.html,
/// as read 2026-12; the count of two is slsim's choice). Target tracking scales out from it;
/// min_tasks holds no mean rate (review19 M4: the mean held a diurnal night at its day's mean).
constexpr std::uint32_t kHttpFloorTasks = 2;
/// The least floor of a queue consumer: one task (more when the traffic that is always there
/// needs more). Its messages wait in SQS (which keeps them across zones) when a task fails, so
/// one task is enough for availability; and the backlog-per-task metric (visible messages /
/// running tasks) has no datapoint at zero tasks in AWS's metric math, so target tracking on it
/// cannot scale a service out of zero (slsim divides by one and could, but that is not what AWS
/// does for the policy it documents).
constexpr std::uint32_t kConsumerFloorTasks = 1;
/// The automatic visibility timeout: this many times the longest run of the service's work (as
/// the task runs it with every slot busy), so the trace's slowest message is deleted well before
/// it reappears; at least SQS's 30 s default, at most its 43,200 s maximum.
constexpr double kVisibilityMargin = 2.0;

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

/// A Lambda Managed Instances execution environment's shape, where left auto (docs/models.md,
/// "Lambda Managed Instances"): 2 GB per vCPU (the smallest ratio, most CPU per GB), memory the
/// function's Lambda memory (`memory_mb`, 0 when the trace states none) rounded up to whole
/// vCPUs, 2 GB at least; concurrency the runtime's default per vCPU; target tracking at the
/// rule lambda_managed.target_cpu_pct; three environments at least ("starts three execution
/// environments"); no backlog policy (Lambda scales on CPU and concurrency only).
void lambda_managed_shape(ServiceConfig& s, Date as_of, const RateCard& rc,
                          std::uint32_t memory_mb) {
  if (s.memory_per_vcpu_gb == 0) s.memory_per_vcpu_gb = 2;
  if (s.memory_gb == 0) {
    const double lo = rc.rule("lambda_managed.memory_min_mb", as_of) / 1024;
    const double hi = rc.rule("lambda_managed.memory_max_mb", as_of) / 1024;
    const double step = s.memory_per_vcpu_gb;
    double gb = std::max(std::ceil(lo / step - 1e-9) * step,
                         std::ceil(memory_mb / 1024.0 / step - 1e-9) * step);
    if (gb > hi) gb = std::floor(hi / step + 1e-9) * step;
    s.memory_gb = gb;
  }
  if (s.vcpu == 0) s.vcpu = s.memory_gb / s.memory_per_vcpu_gb;
  if (s.concurrency == 0) {
    const double per =
        rc.rule(fmt::format("lambda_managed.concurrency_per_vcpu.{}", to_string(s.runtime)), as_of);
    const double most = rc.rule("lambda_managed.concurrency_max", as_of);
    s.concurrency = static_cast<std::uint32_t>(std::clamp(std::round(per * s.vcpu), 1.0, most));
  }
  if (!s.target_cpu_pct && s.tasks == 0)
    s.target_cpu_pct = rc.rule("lambda_managed.target_cpu_pct", as_of);
  s.acceptable_latency_s = 0;
  s.target_backlog_per_task = 0;
}

/// The service sized for `f` (rates, mean duration, memory); `f.invocations == 0`: no pass.
ServiceConfig size_service(ServiceConfig s, LaunchType lt, Date as_of, const RateCard& rc,
                           const FunctionProfile& f, bool lambda_memory, bool spill = false,
                           Managed managed = Managed::kNone) {
  const std::uint32_t memory_mb = f.memory_mb ? f.memory_mb : kUnstatedMemoryMb;
  if (managed == Managed::kLambda)
    lambda_managed_shape(s, as_of, rc, lambda_memory ? memory_mb : 0);
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
  if (s.concurrency == 0 && backlog_only) {
    // A consumer has no CPU metric to feed: as many messages at once as the task runs without
    // slowing each by more than a tenth (I/O-bound work: the cap). Packing CPU-bound messages
    // hides the overload from the backlog metric and slows every run (outside review N2: 60 s
    // jobs took 175 s, 8-12 to a task).
    const auto cap =
        static_cast<std::uint32_t>(kMaxAutoConcurrencyPerVcpu * std::max(1.0, std::ceil(s.vcpu)));
    const containers::SharingTable t(s.vcpu, cap, c, p);
    std::uint32_t n = 1;
    while (n < cap && t.factor[n + 1] <= 1.1)
      ++n;
    s.concurrency = n;
    cpu_metric = false;
  } else if (s.concurrency == 0) {
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
  // Measured at reference_memory_mb, else at the stated memory, else at the 128 MB every
  // platform assumes (duration_model.hpp, measured_at_mb: the rule the model runs by).
  const double measured_mb = s.reference_memory_mb ? s.reference_memory_mb
                             : f.memory_mb         ? f.memory_mb
                                                   : kUnstatedMemoryMb;
  const bool rescale = lambda_memory || s.reference_memory_mb > 0;
  if (rescale && solo_s > 0) {
    const double ref = std::min(measured_mb / rc.rule("lambda.mb_per_vcpu", as_of),
                                rc.rule("lambda.max_vcpu", as_of));
    solo_s = to_seconds(scale_to_vcpu(from_seconds(solo_s), ref, s.vcpu, c, p));
  }
  const containers::SharingTable one(s.vcpu, 1, c, p);
  const double cpu_s = one.cpu_used[1] * solo_s;
  // The smaller of the request slots' rate and the CPU's: a task serves no more than its vCPUs
  // allow whether or not a CPU metric scales it (with no CPU target, at the automatic target's
  // share, so it keeps the same headroom).
  // Lambda Managed Instances scales its environments on their request slots as on CPU, against
  // the same target: they run with that share of their slots busy.
  const double slot_share =
      managed == Managed::kLambda ? std::min(kSlotShare, target / 100) : kSlotShare;
  double per_task = slot_share * s.concurrency / std::max(solo_s, 1e-6);
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
  if (!s.visibility_timeout_s) {
    // SQS: "set the visibility timeout to the maximum time that it takes your application to
    // process and delete a message" (SQS developer guide, "Amazon SQS visibility timeout",
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/
    // sqs-visibility-timeout.html, as read 2026-12): the longest run of the trace, as a task
    // with every slot busy runs it, with a margin; 0 to 43,200 s in whole seconds.
    double longest = f.max_work_s;
    if (rescale && longest > 0) {
      const double ref = std::min(measured_mb / rc.rule("lambda.mb_per_vcpu", as_of),
                                  rc.rule("lambda.max_vcpu", as_of));
      longest = to_seconds(scale_to_vcpu(from_seconds(longest), ref, s.vcpu, c, p));
    }
    const containers::SharingTable full(s.vcpu, s.concurrency, c, p);
    longest *= full.factor[s.concurrency];
    s.visibility_timeout_s =
        std::clamp(std::ceil(kVisibilityMargin * longest - 1e-9), kSqsDefaultVisibilityTimeoutS,
                   containers::kSqsMaxVisibilityTimeoutS);
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
  if (f.invocations > 0 && f.messages_only()) {
    // A queue consumer: one task, or what the traffic that is always there (the 10th-percentile
    // minute of the span) needs: below it the backlog policy would scale in to the floor and
    // saw-tooth back (latency near acceptable_latency_s). The backlog policy scales out to drain
    // the busiest hour with twice the tasks it needs (its bursts wait in the queue); it starts
    // with its floor.
    lo = std::max(kConsumerFloorTasks, need(f.low_rate_per_s()));
    hi = std::max<std::uint32_t>({lo, 2, need(kPeakHeadroom * f.peak_hour_rate_per_s())});
    initial = lo;
  } else if (f.invocations > 0) {
    // HTTP: two tasks across zones, and target tracking for the rest. Bursts shorter than the
    // scale-out reaction are over before a new task serves: only the tasks already running
    // serve them, so min_tasks holds the peak minute.
    lo = kHttpFloorTasks;
    if (holds_peak(s, lt, f)) lo = std::max(lo, need(f.peak_rate_per_s()));
    // A service that spills its overflow to Lambda (docs/models.md, "Spillover") is sized for
    // its base load: the traffic that is always there (the 10th-percentile minute), at least one
    // task, and no head-room for bursts shorter than the scale-out reaction (Lambda takes them,
    // and a request that finds the single task gone goes there too).
    if (spill) lo = std::max<std::uint32_t>(1, need(f.low_rate_per_s()));
    hi = std::max<std::uint32_t>({lo, 2, need(kPeakHeadroom * f.peak_rate_per_s())});
    // Traffic from the first minute: start with what that minute needs (a steady trace is
    // served from time 0); work that starts later starts from the floor.
    if (f.first_s < 60) initial = need(f.first_rate_per_s());
  }
  // Lambda Managed Instances keeps three execution environments of a function at least.
  if (managed == Managed::kLambda)
    lo = std::max(lo, static_cast<std::uint32_t>(rc.rule("lambda_managed.min_instances", as_of)));
  // A min_tasks the user gave is the count they deploy with: the service starts there.
  if (s.min_tasks) initial = 0;
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

/// The cluster's instance type for sized tasks (ECS on EC2, instance type left auto): the
/// smallest of the general-purpose family (m5, or m6g for arm64 tasks; every type of the
/// architecture before the family existed) whose vCPU and registered memory hold the largest
/// task, m5.large at least (the family's smallest in slsim's rate card); the largest of the
/// family when none does (validate_containers then says the task fits on none).
std::vector<std::string> choose_instance_types(const ContainerOptions& o, const RateCard& rc) {
  const bool managed = o.managed != Managed::kNone;
  // Sized options make every function a service of its own: the defaults then serve no
  // function of the profile (managed instances count only the services; ECS on EC2 as before).
  std::vector<const ServiceConfig*> tasks;
  if (!managed || o.services.empty()) tasks.push_back(&o.defaults);
  for (const auto& [name, s] : o.services)
    tasks.push_back(&s);
  const Arch arch = o.services.empty() ? o.defaults.arch : o.services.begin()->second.arch;
  struct Candidate {
    std::string name;
    double vcpu, mem_mib, cost = 0;  // cost: the On-Demand price per hour (managed instances)
  };
  std::vector<Candidate> family, all;
  for (const auto& t : rc.instance_types(o.as_of, o.region)) {
    const auto shape = rc.instance(t, o.as_of, o.region);
    if (shape.arch != arch) continue;
    if (managed && !managed_instance_type_allowed(o, t, rc)) continue;
    const double mem = std::floor(shape.memory_gib * 1024 * o.cluster.registered_memory_pct / 100) -
                       o.cluster.reserved_memory_mb;
    Candidate c{t, shape.vcpu, mem};
    if (managed) {
      Usage u;
      // 1,000 hours: the price per hour to a thousandth of a cent (one hour's bill is rounded
      // to the cent: c5.large's $0.085 would tie c7i.large's $0.08925).
      u.ec2.push_back(Ec2Usage{t, false, 1, 3'600'000});
      PricingOptions po;
      po.as_of = o.as_of;
      po.region = o.region;
      po.free_tier = false;
      c.cost = rc.price(u, po).total_usd() / 1000;
    }
    all.push_back(c);
    if (t.rfind(arch == Arch::kArm64 ? "m6g." : "m5.", 0) == 0) family.push_back(c);
  }
  // AWS picks the instances of ECS and Lambda Managed Instances: "the most cost-optimized" types
  // that fit (ECS developer guide, "Amazon ECS Managed Instances"); slsim takes the cheapest for
  // the tasks of every family it may use. ECS on EC2: the general-purpose family.
  auto& pool = managed || family.empty() ? all : family;
  if (pool.empty()) {
    // No type of the task's architecture (yet): the first type, which validate_containers
    // refuses naming both architectures; no EC2 prices at all: validate_cluster says so.
    const auto types = rc.instance_types(o.as_of, o.region);
    return types.empty() ? std::vector<std::string>{} : std::vector<std::string>{types.front()};
  }
  std::sort(pool.begin(), pool.end(), [](const Candidate& a, const Candidate& b) {
    return a.vcpu != b.vcpu ? a.vcpu < b.vcpu : a.mem_mib < b.mem_mib;
  });
  // The cheapest size for the tasks the services typically run (a fixed count, else midway
  // between their floor and ceiling), bin-packed per service: within a family, On-Demand prices
  // are proportional to size (m5.large $0.096/h, m5.xlarge $0.192, m5.2xlarge $0.384), so the
  // cost is the instances' vCPUs. The smallest size that holds one task can be a third dearer
  // (outside review N1: a 2.5-vCPU task alone on each m5.xlarge against three on m5.2xlarge).
  // Ties go to the smaller size.
  const Candidate* best = nullptr;
  double best_cost = 0;
  for (const auto& c : pool) {
    double cost = 0, instances = 0;
    bool holds = true;
    for (const auto* s : tasks) {
      const double per = std::min(std::floor(c.vcpu / s->vcpu + 1e-9),
                                  std::floor(c.mem_mib / (s->memory_gb * 1024) + 1e-9));
      if (per < 1) {
        holds = false;
        break;
      }
      const double lo = s->tasks ? s->tasks : s->min_tasks.value_or(1);
      const double hi = s->tasks ? s->tasks : std::max(lo, double(s->max_tasks.value_or(1)));
      const double typical = std::max(1.0, std::ceil((lo + hi) / 2));
      cost += c.vcpu * std::ceil(typical / per);
      instances += typical / per;
    }
    // Managed instances: their price for the instances every service's tasks fill together
    // (AWS places several services' tasks, or functions' environments, on one instance), at
    // least the capacity provider's floor (Lambda's three).
    // ECS Managed Instances spreads tasks over three instances (in three AZs) when it can.
    double floor = o.cluster.min_instances;
    if (o.managed == Managed::kEcs) {
      double lo_tasks = 0;
      for (const auto* s : tasks)
        lo_tasks += s->tasks ? s->tasks : s->min_tasks.value_or(1);
      floor = std::max(floor, std::min(3.0, lo_tasks));
    }
    if (managed) cost = c.cost * std::max(std::ceil(instances - 1e-9), floor);
    if (holds && (!best || cost < best_cost - 1e-9)) {
      best = &c;
      best_cost = cost;
    }
  }
  return {best ? best->name : pool.back().name};
}

}  // namespace

double saturated_cpu_pct(const ServiceConfig& s) {
  if (s.vcpu <= 0 || s.concurrency == 0) return 0;
  return saturated_pct(s.vcpu, s.concurrency, s.cpu_bound_fraction, s.parallel_fraction);
}

ContainerOptions size_containers(const ContainerOptions& o, const WorkloadProfile& profile,
                                 const RateCard& rc, const std::set<std::string>& spill) {
  ContainerOptions r = o;
  const bool lm = profile.memory_is_lambda_setting;
  // A named service spills when every function it serves does.
  const auto spills = [&](const std::vector<std::string>& fns) {
    if (spill.empty() || fns.empty()) return false;
    for (const auto& f : fns)
      if (!spill.count(f)) return false;
    return true;
  };
  for (auto& [name, s] : r.services) {
    if (!needs_sizing(s)) continue;
    try {
      s = size_service(s, r.launch_type, r.as_of, rc, profile.combined(s.functions), lm,
                       spills(s.functions), r.managed);
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
      r.services[f.name] =
          size_service(s, r.launch_type, r.as_of, rc, f, lm, spill.count(f.name) > 0, r.managed);
    }
    r.defaults = size_service(o.defaults, r.launch_type, r.as_of, rc, profile.combined(rest), lm,
                              false, r.managed);
  }
  if (r.launch_type == LaunchType::kEc2 && r.cluster.instance_types.empty())
    r.cluster.instance_types = choose_instance_types(r, rc);
  validate_containers(r, rc);
  return r;
}

std::string describe_service(const ServiceConfig& s, bool consumer) {
  // Short, for one cell of the side-by-side table: "1 vCPU/2 GB x 6 requests, 2-25 tasks at
  // 70% CPU"; a consumer: "2 vCPU/4 GB x 1 message, 1-2 tasks on a 60 s backlog, visibility
  // 4800 s". Policies a consumer ignores (the request count) are left out.
  const char* unit = consumer ? (s.concurrency == 1 ? "message" : "messages")
                              : (s.concurrency == 1 ? "request" : "requests");
  std::string out =
      fmt::format("{} vCPU/{} GB x {} {}", num(s.vcpu), num(s.memory_gb), s.concurrency, unit);
  const auto visibility = [&] {
    return consumer && s.visibility_timeout_s
               ? fmt::format(", visibility {} s", num(*s.visibility_timeout_s))
               : std::string();
  };
  if (s.tasks > 0) return out + fmt::format(", {} tasks", s.tasks) + visibility();
  const auto lo = s.min_tasks.value_or(1), hi = s.max_tasks.value_or(lo);
  out += lo == hi ? fmt::format(", {} task{}", lo, lo == 1 ? "" : "s")
                  : fmt::format(", {}-{} tasks", lo, hi);
  std::vector<std::string> policies;
  if (consumer && s.target_backlog_per_task > 0) {
    policies.push_back(fmt::format("on {} messages/task", num(s.target_backlog_per_task)));
  } else if (consumer && s.acceptable_latency_s > 0) {
    policies.push_back(fmt::format("on a {} s backlog", num(s.acceptable_latency_s)));
  }
  if (s.target_cpu_pct.value_or(0) > 0) {
    policies.push_back(fmt::format("at {}% CPU", num(*s.target_cpu_pct)));
  } else if (s.target_requests_per_task > 0 && !consumer) {
    policies.push_back(fmt::format("at {} requests/task/min", num(s.target_requests_per_task)));
  } else if (!s.step_scaling.empty()) {
    policies.push_back("step scaling");
  }
  if (!s.schedule.empty()) policies.push_back("scheduled");
  if (!policies.empty()) {
    out += " " + fmt::format("{}", fmt::join(policies, " and "));
  } else if (lo != hi) {
    out += ", no scaling policy";
  }
  return out + visibility();
}

namespace {
/// A Lambda Managed Instances function's environments: "2 GB (1 vCPU) x 16 requests, 3-8
/// environments at 50% CPU or concurrency".
std::string describe_environments(const ServiceConfig& s) {
  const auto lo = s.min_tasks.value_or(1), hi = s.max_tasks.value_or(lo);
  std::string out = fmt::format("{} GB ({} vCPU) x {} request{}", num(s.memory_gb), num(s.vcpu),
                                s.concurrency, s.concurrency == 1 ? "" : "s");
  out += lo == hi ? fmt::format(", {} environment{}", lo, lo == 1 ? "" : "s")
                  : fmt::format(", {}-{} environments", lo, hi);
  if (s.target_cpu_pct.value_or(0) > 0)
    out += fmt::format(" at {}% CPU or concurrency", num(*s.target_cpu_pct));
  return out;
}
}  // namespace

std::string describe_sizing(const ContainerOptions& o, const WorkloadProfile& profile) {
  const bool lmi = o.launch_type == LaunchType::kEc2 && o.managed == Managed::kLambda;
  // The services a run has: the named ones, and one of the defaults for every function of the
  // profile that no service names (the model makes each a service of its own).
  struct Entry {
    std::string name;
    const ServiceConfig* cfg;
    FunctionProfile f;
  };
  std::vector<Entry> entries;
  for (const auto& [name, s] : o.services)
    entries.push_back({name, &s, profile.combined(s.functions)});
  for (const auto& f : profile.functions) {
    if (f.invocations == 0) continue;
    bool named = false;
    for (const auto& [name, s] : o.services)
      named =
          named || std::find(s.functions.begin(), s.functions.end(), f.name) != s.functions.end();
    if (!named) entries.push_back({f.name, &o.defaults, f});
  }
  // A service's line; why min_tasks holds the peak minute when the bursts are short.
  const auto line = [&](const Entry& e) {
    const ServiceConfig& s = *e.cfg;
    if (lmi) return describe_environments(s);
    std::string out = describe_service(s, e.f.messages_only());
    if (s.tasks == 0 && holds_peak(s, o.launch_type, e.f))
      out += fmt::format(" (min_tasks holds {:.1f}-min bursts)", e.f.burst_minutes);
    return out;
  };
  if (entries.empty())
    return lmi ? describe_environments(o.defaults) : describe_service(o.defaults, false);
  if (entries.size() == 1) return line(entries.front());
  // The busiest service (most invocations) as the example, and the task counts of all.
  const Entry* busiest = &entries.front();
  std::uint64_t most = 0, lo = 0, hi = 0;
  for (const auto& e : entries) {
    if (e.f.invocations > most) {
      most = e.f.invocations;
      busiest = &e;
    }
    const auto& s = *e.cfg;
    lo += s.tasks > 0 ? s.tasks : s.min_tasks.value_or(1);
    hi += s.tasks > 0 ? s.tasks : s.max_tasks.value_or(s.min_tasks.value_or(1));
  }
  const char* unit = lmi ? "environments" : "tasks";
  const std::string tasks =
      lo == hi ? fmt::format("{} {}", lo, unit) : fmt::format("{}-{} {}", lo, hi, unit);
  return fmt::format("{} {}, {}; {} {}: {}", entries.size(), lmi ? "functions" : "services", tasks,
                     most > 0 ? "busiest" : "e.g.", busiest->name, line(*busiest));
}

std::vector<std::string> service_warnings(const std::string& name, const ServiceConfig& s,
                                          bool consumer) {
  std::vector<std::string> out;
  const std::string who = name.empty() ? "" : fmt::format("service {}: ", name);
  // A queue consumer scales on its backlog per task (sqs_consumer.cpp).
  const bool backlog = consumer && (s.target_backlog_per_task > 0 || s.acceptable_latency_s > 0);
  // A consumer has no load balancer: the request count is no policy for it.
  const bool policy = s.target_cpu_pct.value_or(0) > 0 ||
                      (s.target_requests_per_task > 0 && !consumer) || !s.step_scaling.empty() ||
                      !s.schedule.empty() || backlog;
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
        "min_tasks ({}); {}",
        who, *s.max_tasks, s.min_tasks.value_or(1),
        consumer ? "set acceptable_latency_s or target_backlog_per_task (a queue consumer "
                   "scales on its backlog per task)"
                 : "set target_cpu_pct or target_requests_per_task"));
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
