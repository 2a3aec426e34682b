// Validation of container services and clusters: the one gate every front end goes through.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>
#include <set>
#include <string_view>

#include "slsim/containers/service.hpp"
#include "slsim/platform/config_error.hpp"
#include "sqs_queue.hpp"

namespace slsim {

std::string_view to_string(LaunchType t) {
  return t == LaunchType::kEc2 ? "ecs" : "fargate";
}

std::string_view platform_name(const ContainerOptions& o) {
  if (o.launch_type == LaunchType::kFargate) return "fargate";
  switch (o.managed) {
    case Managed::kEcs:
      return "ecs-managed";
    case Managed::kLambda:
      return "lambda-managed";
    case Managed::kNone:
      break;
  }
  return "ecs";
}

std::string_view to_string(LambdaRuntime r) {
  switch (r) {
    case LambdaRuntime::kNodejs:
      return "nodejs";
    case LambdaRuntime::kJava:
      return "java";
    case LambdaRuntime::kDotnet:
      return "dotnet";
    case LambdaRuntime::kPython:
      break;
  }
  return "python";
}

LambdaRuntime parse_lambda_runtime(std::string_view s) {
  for (auto r : {LambdaRuntime::kPython, LambdaRuntime::kNodejs, LambdaRuntime::kJava,
                 LambdaRuntime::kDotnet}) {
    if (s == to_string(r)) return r;
  }
  throw ConfigError("runtime", fmt::format("'{}' is not allowed: use python, nodejs, java or "
                                           "dotnet (Lambda Managed Instances runtimes)",
                                           s));
}

LambdaManagedOptions::LambdaManagedOptions() {
  launch_type = LaunchType::kEc2;
  managed = Managed::kLambda;
  // No load balancer queue: a request no execution environment has room for is throttled.
  defaults.queue_size = 0;
  // A capacity provider launches three instances for Availability Zone resilience.
  cluster.min_instances = 3;
  // A request runs at most the function's timeout: Lambda's longest, 900 s (no load balancer's
  // idle timeout in front).
  defaults.lb_timeout_s = 900;
  // Lambda scales on CPU and concurrency, not on a queue's backlog.
  defaults.acceptable_latency_s = 0;
  // No ECS agent registers the instance's memory: the environments' sizes are the instance's
  // shares (2 GB per vCPU is the C family's shape, 4 the M's, 8 the R's).
  cluster.registered_memory_pct = 100;
  // Asynchronous invocations follow Lambda's asynchronous rules (containers' sqs_consumer.cpp,
  // retention_s), queue work its queue's (SQS defaults).
  // The instances are in the capacity provider's subnets, which Lambda reaches itself: no
  // public IPv4 address is billed (AWS's pricing example has none).
  cluster.associate_public_ip = false;
  // AWS's MaxVCpuCount goes up to 15,000: slsim's bound on instances is 1,000.
  cluster.max_instances = 1000;
}

std::string_view to_string(SpotInFlight s) {
  return s == SpotInFlight::kRetry ? "retry" : "fail";
}

SpotInFlight parse_spot_in_flight(std::string_view s) {
  if (s == "retry") return SpotInFlight::kRetry;
  if (s == "fail") return SpotInFlight::kFail;
  throw ConfigError("spot_in_flight", fmt::format("'{}' is not allowed: use retry or fail", s));
}

std::string_view to_string(Placement p) {
  return p == Placement::kSpread ? "spread" : "binpack";
}

Placement parse_placement(std::string_view s) {
  if (s == "spread") return Placement::kSpread;
  if (s == "binpack") return Placement::kBinpack;
  throw ConfigError("placement",
                    fmt::format("'{}' is not allowed: use spread (across Availability Zones, "
                                "the ECS default for services) or binpack (on memory)",
                                s));
}

std::string_view to_string(CpuCredits c) {
  return c == CpuCredits::kUnlimited ? "unlimited" : "standard";
}

CpuCredits parse_cpu_credits(std::string_view s) {
  if (s == "unlimited") return CpuCredits::kUnlimited;
  if (s == "standard") return CpuCredits::kStandard;
  throw ConfigError("cpu_credits",
                    fmt::format("'{}' is not allowed: use unlimited (the T3/T4g default) or "
                                "standard",
                                s));
}

namespace {

std::string num(double v) {
  return fmt::format("{}", v);
}

void require(bool ok, const char* key, const std::string& message) {
  if (!ok) throw ConfigError(key, message);
}

void finite_range(double v, double lo, double hi, const char* key, const char* unit = "") {
  require(std::isfinite(v) && v >= lo && v <= hi, key,
          fmt::format("{}{} is not allowed: use {} to {}{}", num(v), unit, num(lo), num(hi), unit));
}

void check_distribution(const std::optional<Distribution>& d, const char* key) {
  if (!d) return;
  require(d->min_value() >= 0, key,
          fmt::format("{} can be negative: a delay must be a distribution of values >= 0 s",
                      d->spec()));
  // Start-up and launch delays are seconds to minutes; a bound keeps every sampled delay within
  // the simulation's time (draws beyond it are capped at it, see kMaxStartDelay_s).
  const double p9999 = d->quantile(0.9999);
  require(std::isfinite(p9999) && p9999 <= kMaxStartDelay_s, key,
          fmt::format("{} is not allowed: a delay's 99.99th percentile must be at most 86400 s "
                      "(one day); this one's is {} s",
                      d->spec(), num(p9999)));
}

/// The first date after `as_of` on which slsim has EC2 prices in `region` (none within ten
/// years: the region has none). A day-by-day search, on the error path only.
std::optional<Date> first_ec2_prices(const RateCard& rc, Date as_of, std::string_view region) {
  Date d = as_of;
  for (int i = 0; i < 3660; ++i) {
    d = Date(d.days() + std::chrono::days{1});
    if (!rc.instance_types(d, region).empty()) return d;
  }
  return std::nullopt;
}

}  // namespace

bool needs_sizing(const ServiceConfig& s) {
  return s.vcpu == 0 || s.memory_gb == 0 || s.concurrency == 0 || !s.visibility_timeout_s ||
         (s.tasks == 0 && (!s.min_tasks || !s.max_tasks || !s.target_cpu_pct));
}

bool services_need_sizing(const ContainerOptions& o) {
  if (needs_sizing(o.defaults)) return true;
  for (const auto& [name, s] : o.services)
    if (needs_sizing(s)) return true;
  return false;
}

bool needs_sizing(const ContainerOptions& o) {
  return services_need_sizing(o) ||
         (o.launch_type == LaunchType::kEc2 && o.cluster.instance_types.empty());
}

void validate_service(const ServiceConfig& s, LaunchType lt, Date as_of, const RateCard& rc,
                      bool ecs_task_limits) {
  const bool fargate = lt == LaunchType::kFargate;
  // 0 (vcpu, memory_gb, concurrency) and unset (min_tasks, max_tasks, target_cpu_pct) are
  // "auto": sized from the workload (sizing.cpp), and the sized service passes through here again.
  require(std::isfinite(s.vcpu) && s.vcpu >= 0, "vcpu",
          fmt::format("{} is not allowed: use a task size in vCPU, or auto", num(s.vcpu)));
  require(std::isfinite(s.memory_gb) && s.memory_gb >= 0, "memory_gb",
          fmt::format("{} is not allowed: use a task memory in GB, or auto", num(s.memory_gb)));
  if (fargate) {
    bool vcpu_ok = s.vcpu == 0, memory_ok = s.memory_gb == 0;
    for (const auto& size : rc.fargate_sizes(as_of)) {
      vcpu_ok = vcpu_ok || std::fabs(size.vcpu - s.vcpu) < 1e-9;
      for (const double m : size.memory_gb)
        memory_ok = memory_ok || std::fabs(m - s.memory_gb) < 1e-9;
    }
    if (s.vcpu > 0 && s.memory_gb > 0) {
      try {
        validate_fargate_size(rc, s.vcpu, s.memory_gb, as_of);
      } catch (const PricingError& e) {
        throw ConfigError(vcpu_ok ? "memory_gb" : "vcpu", e.what());
      }
    } else if (!vcpu_ok || !memory_ok) {
      // One of the two given, the other auto: the given one must belong to some Fargate size;
      // the message names the sizes Fargate offers of the one given (not a size with a guessed
      // other half).
      std::vector<double> offered;
      for (const auto& size : rc.fargate_sizes(as_of)) {
        if (s.vcpu > 0)
          offered.push_back(size.vcpu);
        else
          offered.insert(offered.end(), size.memory_gb.begin(), size.memory_gb.end());
      }
      std::sort(offered.begin(), offered.end());
      offered.erase(std::unique(offered.begin(), offered.end()), offered.end());
      std::vector<std::string> names;
      for (const double v : offered)
        names.push_back(num(v));
      if (offered.empty()) {
        throw ConfigError(s.vcpu > 0 ? "vcpu" : "memory_gb",
                          fmt::format("Fargate has no task sizes on {}", as_of.str()));
      }
      throw ConfigError(
          s.vcpu > 0 ? "vcpu" : "memory_gb",
          s.vcpu > 0 ? fmt::format("Fargate has no task size of {} vCPU on {}; its sizes: {} vCPU",
                                   num(s.vcpu), as_of.str(), fmt::join(names, ", "))
                     : fmt::format("Fargate has no task size with {} GB on {}; its memory "
                                   "sizes: {} GB",
                                   num(s.memory_gb), as_of.str(), fmt::join(names, ", ")));
    }
    if (s.arch == Arch::kArm64) {
      Usage probe;
      probe.fargate.push_back(FargateUsage{Arch::kArm64, false, 1, 1000, 1024, 0});
      PricingOptions po;
      po.as_of = as_of;
      try {
        rc.price(probe, po);
      } catch (const PricingError&) {
        throw ConfigError("arch", fmt::format("Fargate on arm64 is not available on {} (launched "
                                              "2021-11-23): use x86_64",
                                              as_of.str()));
      }
    }
    const double inc = rc.rule("fargate.ephemeral_included_gb", as_of);
    const double max = rc.rule("fargate.ephemeral_max_gb", as_of);
    require(std::isfinite(s.storage_gb) && s.storage_gb >= inc && s.storage_gb <= max &&
                s.storage_gb == std::floor(s.storage_gb),
            "storage_gb",
            fmt::format("{} GB is not allowed on {}: use {} to {} GB in whole GB",
                        num(s.storage_gb), as_of.str(), num(inc), num(max)));
    if (s.spot) {
      bool available = false;
      try {
        available = rc.rule("fargate.spot_available", as_of) != 0;
      } catch (const PricingError&) {
      }
      require(
          available, "spot",
          fmt::format("Fargate Spot is not available on {} (launched 2019-12-03)", as_of.str()));
      // Fargate Spot on arm64 launched 2024-09-06:
      // https://aws.amazon.com/about-aws/whats-new/2024/09/amazon-ecs-graviton-based-spot-compute-fargate/
      require(s.arch != Arch::kArm64 || rc.rule_or("fargate.spot_arm64_available", as_of, 1) != 0,
              "spot",
              fmt::format("Fargate Spot on arm64 is not available on {} (launched 2024-09-06): "
                          "use arch = x86_64 or spot = false",
                          as_of.str()));
    }
    finite_range(s.spot_interruption_pct, 0, 100, "spot_interruption_pct", "%");
    require(!s.image_pull_s, "image_pull_s",
            "image_pull_s is an EC2 setting (a host without the image): on Fargate every task "
            "pulls its image within startup_s; remove image_pull_s");
  } else {
    // Task CPU on EC2: 128 to 10,240 CPU units (0.125 to 10 vCPU), 1,024 units per vCPU.
    require(!ecs_task_limits || s.vcpu == 0 ||
                (s.vcpu >= 0.125 && s.vcpu <= 10 &&
                 std::fabs(s.vcpu * 1024 - std::round(s.vcpu * 1024)) < 1e-6),
            "vcpu",
            fmt::format("{} is not allowed on EC2: use 0.125 to 10 vCPU (whole CPU units of "
                        "1/1024 vCPU)",
                        num(s.vcpu)));
    require(s.memory_gb <= 24576, "memory_gb",
            fmt::format("{} is not allowed on EC2: use more than 0 and at most 24576 GB (and no "
                        "more than an instance type registers)",
                        num(s.memory_gb)));
    require(!s.spot, "spot", "Spot on EC2 is a setting of the cluster ([ecs] spot), not a service");
    // Fargate-only task settings would have no effect on EC2: refused unless left at their
    // defaults.
    const ServiceConfig d;
    require(
        s.storage_gb == d.storage_gb, "storage_gb",
        fmt::format("{} GB is not allowed on EC2: ephemeral storage is a Fargate setting (tasks "
                    "on EC2 use the instance's volume); leave storage_gb at {}",
                    num(s.storage_gb), num(d.storage_gb)));
    require(s.spot_interruption_pct == d.spot_interruption_pct, "spot_interruption_pct",
            fmt::format("{}% is not allowed on a service on EC2: Spot on EC2 is a setting of the "
                        "cluster ([ecs] spot_interruption_pct)",
                        num(s.spot_interruption_pct)));
    require(s.spot_in_flight == d.spot_in_flight, "spot_in_flight",
            "spot_in_flight on a service is a Fargate setting: on EC2 set it on the cluster "
            "([ecs] spot_in_flight)");
  }
  require(
      s.concurrency <= 10'000, "concurrency",
      fmt::format("{} is not allowed: use 1 to 10000 requests per task, or auto", s.concurrency));
  require(s.tasks <= 5'000, "tasks",
          fmt::format("{} is not allowed: use 0 (autoscaling) to 5000 tasks", s.tasks));
  if (s.max_tasks) {
    require(*s.max_tasks >= 1 && *s.max_tasks <= 5'000, "max_tasks",
            fmt::format("{} is not allowed: use 1 to 5000 tasks, or auto", *s.max_tasks));
  }
  if (s.min_tasks) {
    require(*s.min_tasks <= 5'000, "min_tasks",
            fmt::format("{} is not allowed: use 0 to 5000 tasks, or auto", *s.min_tasks));
  }
  // A fixed count is its own range (the sizing pass sets min_tasks = max_tasks = tasks): a range
  // given with it that differs contradicts it, and is named as given, not as a derived bound.
  for (const auto& [bound, key] :
       {std::pair{s.min_tasks, "min_tasks"}, {s.max_tasks, "max_tasks"}}) {
    if (s.tasks == 0 || !bound || *bound == s.tasks) continue;
    throw ConfigError(key, fmt::format("{} is not allowed with a fixed count of {} tasks: remove "
                                       "{}, or set tasks = 0 to autoscale",
                                       *bound, s.tasks, key));
  }
  if (s.min_tasks && s.max_tasks) {
    require(*s.min_tasks <= *s.max_tasks, "min_tasks",
            fmt::format("{} is more than max_tasks ({})", *s.min_tasks, *s.max_tasks));
  }
  require(s.tasks == 0 || s.initial_tasks == 0 || s.initial_tasks == s.tasks, "initial_tasks",
          fmt::format("{} is not allowed with a fixed count of {} tasks: leave initial_tasks at 0 "
                      "or set tasks = 0 to autoscale",
                      s.initial_tasks, s.tasks));
  require(s.initial_tasks <= 5'000, "initial_tasks",
          fmt::format("{} is not allowed: use 0 (auto) to 5000 tasks", s.initial_tasks));
  if (s.initial_tasks > 0 && s.tasks == 0) {
    const std::uint32_t lo = s.min_tasks.value_or(0), hi = s.max_tasks.value_or(5'000);
    require(s.initial_tasks >= lo && s.initial_tasks <= hi, "initial_tasks",
            fmt::format("{} is outside min_tasks..max_tasks ({}..{})", s.initial_tasks,
                        s.min_tasks ? fmt::format("{}", lo) : std::string("auto"),
                        s.max_tasks ? fmt::format("{}", hi) : std::string("auto")));
  }
  // ECS container stopTimeout (SIGTERM to SIGKILL when a task stops): "For tasks that use the
  // Fargate launch type, the max stop timeout value is 120 seconds"; on EC2 the task definition's
  // value applies too (else the agent's ECS_CONTAINER_STOP_TIMEOUT), with no maximum stated:
  // slsim caps it at a day (ContainerDefinition, https://docs.aws.amazon.com/AmazonECS/latest/
  // APIReference/API_ContainerDefinition.html, as read 2026-12; Fargate since platform 1.3.0).
  finite_range(s.stop_timeout_s, 0, fargate ? 120 : 86'400, "stop_timeout_s", " s");
  if (s.target_cpu_pct) finite_range(*s.target_cpu_pct, 0, 100, "target_cpu_pct", "%");
  require(std::isfinite(s.target_requests_per_task) && s.target_requests_per_task >= 0 &&
              s.target_requests_per_task <= 1e9,
          "target_requests_per_task",
          fmt::format("{} is not allowed: use a number of requests per task per minute >= 0",
                      num(s.target_requests_per_task)));
  require(!(s.target_cpu_pct.value_or(0) > 0 && s.target_requests_per_task > 0),
          "target_requests_per_task",
          "track one metric: set target_cpu_pct or target_requests_per_task, not both");
  if (s.tasks > 0) {
    require(s.target_cpu_pct.value_or(0) == 0 && s.target_requests_per_task == 0 &&
                s.step_scaling.empty() && s.schedule.empty(),
            "tasks",
            "a fixed task count has no autoscaling: remove target_cpu_pct, "
            "target_requests_per_task, step_scaling and schedule, or set tasks = 0");
  }
  finite_range(s.scale_out_cooldown_s, 0, 86'400, "scale_out_cooldown_s", " s");
  finite_range(s.scale_in_cooldown_s, 0, 86'400, "scale_in_cooldown_s", " s");
  for (const auto& st : s.step_scaling) {
    require(std::isfinite(st.lower_pct) && st.lower_pct >= 0 && st.upper_pct > st.lower_pct &&
                st.change != 0,
            "step_scaling",
            fmt::format("step [{}, {}) change {} is not allowed: bounds are CPU % with lower < "
                        "upper, and the change is a non-zero number of tasks",
                        num(st.lower_pct), num(st.upper_pct), st.change));
  }
  for (std::size_t i = 0; i < s.step_scaling.size(); ++i)
    for (std::size_t j = i + 1; j < s.step_scaling.size(); ++j) {
      const auto& a = s.step_scaling[i];
      const auto& b = s.step_scaling[j];
      require(a.upper_pct <= b.lower_pct || b.upper_pct <= a.lower_pct, "step_scaling",
              "steps overlap: each CPU % may fall in one step only");
    }
  for (const auto& a : s.schedule) {
    require(std::isfinite(a.at_s) && a.at_s >= 0 && a.at_s < 86'400, "schedule",
            fmt::format("at_s {} is not allowed: use a time of day, 0 to 86399 s", num(a.at_s)));
    require(a.min_tasks <= a.max_tasks && a.max_tasks <= 5'000, "schedule",
            fmt::format("min_tasks {} / max_tasks {} are not allowed: min <= max <= 5000",
                        a.min_tasks, a.max_tasks));
  }
  require(s.queue_size <= 100'000'000, "queue_size",
          fmt::format("{} is not allowed: use 0 to 100000000 requests", s.queue_size));
  finite_range(s.lb_timeout_s, 1, 4000, "lb_timeout_s", " s");  // ALB idle timeout 1-4000 s
  finite_range(s.deregistration_delay_s, 0, 3600, "deregistration_delay_s", " s");
  finite_range(s.health_check_interval_s, 5, 300, "health_check_interval_s", " s");
  require(s.healthy_threshold >= 2 && s.healthy_threshold <= 10, "healthy_threshold",
          fmt::format("{} is not allowed: use 2 to 10 checks", s.healthy_threshold));
  check_distribution(s.provisioning_s, "provisioning_s");
  check_distribution(s.startup_s, "startup_s");
  check_distribution(s.image_pull_s, "image_pull_s");
  finite_range(s.cpu_bound_fraction, 0, 1, "cpu_bound_fraction");
  finite_range(s.parallel_fraction, 0, 1, "parallel_fraction");
  require(s.reference_memory_mb <= 10'240, "reference_memory_mb",
          fmt::format("{} is not allowed: use 0 (the trace's) or 128 to 10240 MB",
                      s.reference_memory_mb));
  require(s.reference_memory_mb == 0 || s.reference_memory_mb >= 128, "reference_memory_mb",
          fmt::format("{} is not allowed: use 0 (the trace's) or 128 to 10240 MB",
                      s.reference_memory_mb));
  containers::validate_queue_settings(s);  // queue consumers (sqs_consumer.cpp)
}

void validate_cluster(const ClusterConfig& c, Date as_of, std::string_view region,
                      const RateCard& rc) {
  // No instance type: auto, chosen for the sized tasks (size_containers).
  if (rc.instance_types(as_of, region).empty()) {
    // A date before the region's first EC2 prices is the date's fault, not the region's.
    const auto first = first_ec2_prices(rc, as_of, region);
    require(!first, "as_of",
            fmt::format("slsim has no EC2 prices in {} on {}: they start on {}; use an as_of "
                        "from then on",
                        region, as_of.str(), first ? first->str() : ""));
    throw ConfigError("region", fmt::format("slsim has no EC2 instance types in '{}' on {}: use "
                                            "us-east-1",
                                            region, as_of.str()));
  }
  for (const auto& t : c.instance_types) {
    try {
      rc.instance(t, as_of, region);
    } catch (const PricingError& e) {
      throw ConfigError("instance_type", e.what());
    }
  }
  require(c.max_instances >= 1 && c.max_instances <= 10'000, "max_instances",
          fmt::format("{} is not allowed: use 1 to 10000 instances", c.max_instances));
  require(c.min_instances <= c.max_instances, "min_instances",
          fmt::format("{} is more than max_instances ({})", c.min_instances, c.max_instances));
  require(c.instances <= 10'000, "instances",
          fmt::format("{} is not allowed: use 0 (managed) to 10000 instances", c.instances));
  require(c.instances == 0 || (c.instances >= c.min_instances && c.instances <= c.max_instances),
          "instances",
          fmt::format("{} is outside min_instances..max_instances ({}..{}): an Auto Scaling "
                      "group's desired capacity lies within its minimum and maximum",
                      c.instances, c.min_instances, c.max_instances));
  finite_range(c.target_capacity_pct, 1, 100, "target_capacity_pct", "%");
  finite_range(c.instance_warmup_s, 0, 10'000, "instance_warmup_s", " s");
  require(c.min_scaling_step >= 1 && c.min_scaling_step <= 10'000, "min_scaling_step",
          fmt::format("{} is not allowed: use 1 to 10000 instances", c.min_scaling_step));
  require(c.max_scaling_step >= c.min_scaling_step && c.max_scaling_step <= 10'000,
          "max_scaling_step",
          fmt::format("{} is not allowed: use min_scaling_step ({}) to 10000 instances",
                      c.max_scaling_step, c.min_scaling_step));
  check_distribution(c.instance_launch_s, "instance_launch_s");
  require(c.reserved_memory_mb <= 65'536, "reserved_memory_mb",
          fmt::format("{} is not allowed: use 0 to 65536 MiB", c.reserved_memory_mb));
  finite_range(c.registered_memory_pct, 50, 100, "registered_memory_pct", "%");
  finite_range(c.spot_interruption_pct, 0, 100, "spot_interruption_pct", "%");
  require(c.availability_zones >= 1 && c.availability_zones <= kMaxAvailabilityZones,
          "availability_zones",
          fmt::format("{} is not allowed: use 1 to {} Availability Zones", c.availability_zones,
                      kMaxAvailabilityZones));
  // Standard mode holds CPU at the baseline once the credits are spent, which would slow the
  // requests on that instance: not modelled yet, so refused rather than priced as unlimited.
  require(c.cpu_credits.value_or(CpuCredits::kUnlimited) == CpuCredits::kUnlimited, "cpu_credits",
          "standard (CPU held at the baseline once the credit balance is spent) is not modelled "
          "yet: use unlimited, AWS's default for T3/T4g");
  // A credit mode is a setting of burstable types only (EC2 guide, "Burstable performance
  // instances": T2/T3/T3a/T4g); on others it would be ignored, so it is refused, naming them.
  if (c.cpu_credits) {
    // A burstable type has a baseline (models/pricing rule ec2.baseline_pct.TYPE, cluster.hpp).
    const bool bursts = std::any_of(
        c.instance_types.begin(), c.instance_types.end(),
        [&](const std::string& t) { return rc.rule_or("ec2.baseline_pct." + t, as_of, 0) > 0; });
    require(bursts, "cpu_credits",
            fmt::format("applies to burstable instance types (T3, T4g) only, and {}: remove "
                        "cpu_credits or choose a burstable instance_type",
                        c.instance_types.empty()
                            ? std::string("the instance type left auto is an m5 (x86_64) or m6g "
                                          "(arm64) size, which does not burst")
                        : c.instance_types.size() == 1
                            ? c.instance_types.front() + " is not one"
                            : fmt::format("none of {} is", fmt::join(c.instance_types, ", "))));
  }
  if (c.managed_scaling.value_or(false)) {
    require(rc.rule("ecs.capacity_providers", as_of) != 0, "managed_scaling",
            fmt::format("capacity providers (managed scaling) arrived on 2019-12-03, after {}: "
                        "leave managed_scaling unset or false",
                        as_of.str()));
  }
}

namespace {
/// Lambda Managed Instances runs on the C, M and R families, large and up (AWS Compute Blog,
/// "Build high-performance apps with AWS Lambda Managed Instances"; docs/models.md).
bool lambda_managed_family(std::string_view type) {
  if (type.empty() || (type[0] != 'c' && type[0] != 'm' && type[0] != 'r')) return false;
  const auto dot = type.find('.');
  if (dot == std::string_view::npos) return false;
  const auto size = type.substr(dot + 1);
  return size != "nano" && size != "micro" && size != "small" && size != "medium";
}
}  // namespace

bool managed_instance_type_allowed(const ContainerOptions& o, std::string_view type,
                                   const RateCard& rc) {
  if (rc.rule_or(fmt::format("ec2.baseline_pct.{}", type), o.as_of, 0) > 0) return false;
  if (o.managed == Managed::kLambda && !lambda_managed_family(type)) return false;
  // ECS Managed Instances picks "the most cost-optimized general-purpose Amazon EC2 instance
  // types" (ECS developer guide, "Amazon ECS Managed Instances"): the M families.
  if (o.managed == Managed::kEcs && (type.empty() || type[0] != 'm')) return false;
  return true;
}

namespace {

/// The settings only ECS or Lambda Managed Instances have, and the rules of the managed
/// platforms (docs/models.md, "ECS Managed Instances", "Lambda Managed Instances").
void validate_managed(const ContainerOptions& o, const RateCard& rc) {
  const bool lambda = o.managed == Managed::kLambda;
  if (o.managed != Managed::kEcs) {
    require(!o.cluster.scale_in_after_s, "scale_in_after_s",
            "applies to ECS Managed Instances (ecs-managed) only");
  }
  const auto check_env = [&](const std::string& name, const ServiceConfig& s) {
    const std::string who = name.empty() ? "" : "function group " + name + ": ";
    if (!lambda) {
      require(s.memory_per_vcpu_gb == 0, "memory_per_vcpu_gb",
              who + "applies to Lambda Managed Instances (lambda-managed) only");
      return;
    }
    const double ratio = s.memory_per_vcpu_gb == 0 ? 2 : s.memory_per_vcpu_gb;
    require(ratio == 2 || ratio == 4 || ratio == 8, "memory_per_vcpu_gb",
            fmt::format("{}{} GB per vCPU is not offered: use 2, 4 or 8 (Lambda Managed "
                        "Instances' memory-to-vCPU ratios 2:1, 4:1 and 8:1)",
                        who, num(s.memory_per_vcpu_gb)));
    const double lo = rc.rule("lambda_managed.memory_min_mb", o.as_of);
    const double hi = rc.rule("lambda_managed.memory_max_mb", o.as_of);
    if (s.memory_gb > 0) {
      const double mb = s.memory_gb * 1024;
      require(mb >= lo - 1e-6 && mb <= hi + 1e-6, "memory_mb",
              fmt::format("{}{} MB is not allowed on {}: an execution environment has {} to {} MB",
                          who, num(mb), o.as_of.str(), num(lo), num(hi)));
      const double vcpus = s.memory_gb / ratio;
      require(std::fabs(vcpus - std::round(vcpus)) < 1e-9, "memory_mb",
              fmt::format("{}{} MB is not a whole number of vCPUs at {} GB per vCPU: use a "
                          "multiple of {} MB",
                          who, num(mb), num(ratio), num(ratio * 1024)));
      const double most = rc.rule("lambda_managed.max_vcpu", o.as_of);
      require(vcpus <= most + 1e-9, "memory_mb",
              fmt::format("{}{} MB at {} GB per vCPU is {} vCPUs: an execution environment has "
                          "at most {} on {}",
                          who, num(mb), num(ratio), num(vcpus), num(most), o.as_of.str()));
      require(s.vcpu == 0 || std::fabs(s.vcpu - vcpus) < 1e-9, "memory_per_vcpu_gb",
              fmt::format("{}vcpu {} does not match memory_mb / memory_per_vcpu_gb ({} vCPU): "
                          "an execution environment's vCPUs follow from its memory",
                          who, num(s.vcpu), num(vcpus)));
    }
    require(s.concurrency <= rc.rule("lambda_managed.concurrency_max", o.as_of), "concurrency",
            fmt::format("{}{} is not allowed: use 1 to {} requests per execution environment", who,
                        s.concurrency, num(rc.rule("lambda_managed.concurrency_max", o.as_of))));
    require(!s.min_tasks || *s.min_tasks >= 1, "min_environments",
            who +
                "0 is not allowed: a function version keeps at least one execution "
                "environment (Lambda starts three)");
    require(!s.target_cpu_pct || (*s.target_cpu_pct > 0 && *s.target_cpu_pct <= 100),
            "target_cpu_pct",
            fmt::format("{}{} is not allowed: Lambda Managed Instances always scales; use a target "
                        "resource utilisation from 1 to 100 %",
                        who, s.target_cpu_pct ? num(*s.target_cpu_pct) : std::string()));
    require(s.tasks == 0, "tasks",
            who +
                "Lambda Managed Instances has no fixed count: use min_environments and "
                "max_environments");
    require(!s.spot, "spot", who + "Lambda Managed Instances runs On-Demand instances");
  };
  check_env("", o.defaults);
  for (const auto& [name, s] : o.services)
    check_env(name, s);
  if (lambda) {
    require(!o.cluster.spot, "spot",
            "Lambda Managed Instances runs On-Demand instances (Savings Plans and Reserved "
            "Instances apply to them: use discount_pct)");
    require(o.cluster.instances == 0, "instances",
            "Lambda scales the capacity provider's instances: use min_instances and "
            "max_instances");
    const auto floor = static_cast<std::uint32_t>(rc.rule("lambda_managed.min_instances", o.as_of));
    require(
        o.cluster.min_instances >= floor, "min_instances",
        fmt::format("{} is not allowed: a capacity provider runs {} instances at least (\"launches "
                    "three by default for AZ resiliency\")",
                    o.cluster.min_instances, floor));
    for (const auto& t : o.cluster.instance_types) {
      require(lambda_managed_family(t), "instance_type",
              fmt::format("{} is not offered by Lambda Managed Instances: it runs on the C, M "
                          "and R families, large and up (e.g. m7g.large, c7g.xlarge)",
                          t));
    }
    return;
  }
  // ECS Managed Instances.
  require(o.cluster.instances == 0, "instances",
          "AWS scales the instances of ECS Managed Instances: use min_instances and "
          "max_instances");
  if (o.cluster.scale_in_after_s) {
    const double v = *o.cluster.scale_in_after_s;
    require(v == -1 || (v >= 0 && v <= 3600 && v == std::floor(v)), "scale_in_after_s",
            fmt::format("{} is not allowed: use 0 to 3600 whole seconds, or -1 to keep idle "
                        "instances",
                        num(v)));
  }
  if (o.cluster.spot && rc.rule_or("ecs_managed.spot_available", o.as_of, 0) == 0) {
    const auto from = rc.first_in_force("ecs_managed.spot_available", 1);
    throw ConfigError(
        "spot", fmt::format("ECS Managed Instances offers Spot capacity from {} (as_of is {})",
                            from ? from->str() : "a later date", o.as_of.str()));
  }
}

}  // namespace

std::optional<std::string> not_launched(const ContainerOptions& o, const RateCard& rc) {
  if (o.launch_type != LaunchType::kEc2 || o.managed == Managed::kNone) return std::nullopt;
  const bool lambda = o.managed == Managed::kLambda;
  const char* rule = lambda ? "lambda_managed.available" : "ecs_managed.available";
  if (rc.rule_or(rule, o.as_of, 0) != 0) return std::nullopt;
  const auto from = rc.first_in_force(rule, 1);
  return fmt::format("{} launched on {} (as_of is {})",
                     lambda ? "Lambda Managed Instances" : "Amazon ECS Managed Instances",
                     from ? from->str() : std::string("a later date"), o.as_of.str());
}

namespace {
void validate_containers_as_given(const ContainerOptions& o, const RateCard& rc);

/// A message of the container checks in Lambda Managed Instances' words (its keys are Lambda's:
/// min_environments, memory_mb; an environment, not a task).
std::string lambda_managed_words(std::string m) {
  const std::pair<const char*, const char*> words[] = {
      {"min_tasks", "min_environments"}, {"max_tasks", "max_environments"},
      {"memory_gb", "memory_mb"},        {"a task", "an execution environment"},
      {"tasks", "environments"},         {"task", "environment"},
      {"service ", "function group "},   {"a arm64", "an arm64"},
  };
  for (const auto& [from, to] : words) {
    for (std::size_t at = m.find(from); at != std::string::npos; at = m.find(from, at)) {
      m.replace(at, std::strlen(from), to);
      at += std::strlen(to);
    }
  }
  return m;
}
std::string lambda_managed_key(const std::string& k) {
  if (k == "min_tasks") return "min_environments";
  if (k == "max_tasks") return "max_environments";
  if (k == "memory_gb") return "memory_mb";
  if (k == "vcpu") return "memory_mb";  // an environment's vCPUs follow from its memory
  return k;
}
}  // namespace

void validate_containers(const ContainerOptions& o, const RateCard& rc) {
  if (o.launch_type != LaunchType::kEc2 || o.managed != Managed::kLambda) {
    validate_containers_as_given(o, rc);
    return;
  }
  // Lambda Managed Instances: an environment's vCPUs follow from its memory; the checks are
  // the containers', said in Lambda's words.
  ContainerOptions n = o;
  const auto derive = [](ServiceConfig& s) {
    const double ratio = s.memory_per_vcpu_gb == 0 ? 2 : s.memory_per_vcpu_gb;
    if (s.vcpu == 0 && s.memory_gb > 0 && (ratio == 2 || ratio == 4 || ratio == 8))
      s.vcpu = s.memory_gb / ratio;
  };
  derive(n.defaults);
  for (auto& [name, s] : n.services)
    derive(s);
  try {
    validate_containers_as_given(n, rc);
  } catch (const TaskFitError& e) {
    throw TaskFitError(lambda_managed_key(e.key()), lambda_managed_words(e.message()));
  } catch (const ConfigError& e) {
    throw ConfigError(lambda_managed_key(e.key()), lambda_managed_words(e.message()));
  }
}

namespace {
void validate_containers_as_given(const ContainerOptions& o, const RateCard& rc) {
  try {
    rc.check_as_of(o.as_of);
  } catch (const PricingError& e) {
    throw ConfigError("as_of", e.what());
  }
  if (const auto why = not_launched(o, rc)) throw ConfigError("as_of", *why);
  if (o.launch_type == LaunchType::kEc2 && o.managed != Managed::kNone) {
    validate_managed(o, rc);
  } else {
    require(!o.cluster.scale_in_after_s, "scale_in_after_s",
            "applies to ECS Managed Instances (ecs-managed) only");
    const auto ratio = [](const ServiceConfig& s) { return s.memory_per_vcpu_gb != 0; };
    bool any = ratio(o.defaults);
    for (const auto& [name, s] : o.services)
      any = any || ratio(s);
    require(!any, "memory_per_vcpu_gb",
            "applies to Lambda Managed Instances (lambda-managed) only");
  }
  if (o.launch_type == LaunchType::kFargate) {
    require(!(o.as_of < Date(2017, 11, 29)), "as_of",
            fmt::format("Fargate did not exist on {} (launched 2017-11-29)", o.as_of.str()));
  }
  require(std::isfinite(o.discount_pct) && o.discount_pct >= 0 && o.discount_pct < 100,
          "discount_pct", fmt::format("{} is not allowed: use 0 to 99.99 %", num(o.discount_pct)));
  if (o.spot_discount_pct) {
    bool spot = o.launch_type == LaunchType::kEc2 ? o.cluster.spot : o.defaults.spot;
    for (const auto& [name, s] : o.services)
      spot = spot || (o.launch_type == LaunchType::kFargate && s.spot);
    require(spot, "spot_discount_pct",
            fmt::format("{} applies to Spot capacity only: set spot = true{} or remove "
                        "spot_discount_pct",
                        num(*o.spot_discount_pct),
                        o.launch_type == LaunchType::kEc2 ? " (the cluster's)" : ""));
    try {
      validate_spot_discount(rc, o.launch_type == LaunchType::kFargate ? "fargate" : "ec2",
                             *o.spot_discount_pct, o.as_of);
    } catch (const PricingError& e) {
      const std::string what = e.what();
      throw ConfigError("spot_discount_pct", what.substr(what.find(' ') + 1));
    }
  }
  const auto check = [&](const std::string& name, const ServiceConfig& s) {
    try {
      validate_service(s, o.launch_type, o.as_of, rc, o.managed != Managed::kLambda);
    } catch (const ConfigError& e) {
      if (name.empty()) throw;
      throw ConfigError(e.key(), fmt::format("service {}: {}", name, e.message()));
    }
  };
  check("", o.defaults);
  std::set<std::string> seen;
  for (const auto& [name, s] : o.services) {
    check(name, s);
    for (const auto& f : s.functions) {
      require(seen.insert(f).second, "functions",
              fmt::format("service {}: function {} is already served by another service", name, f));
    }
  }
  if (o.launch_type == LaunchType::kFargate) {
    // The region must have Fargate prices at as_of (else the bill would fail after the run).
    Usage probe;
    probe.fargate.push_back(FargateUsage{Arch::kX86_64, false, 1, 1000, 1024, 0});
    PricingOptions po;
    po.as_of = o.as_of;
    po.region = o.region;
    try {
      rc.price(probe, po);
    } catch (const PricingError& e) {
      throw ConfigError("region", e.what());
    }
    return;
  }
  validate_cluster(o.cluster, o.as_of, o.region, rc);
  // Every task must fit on some instance type of its architecture (vCPU and registered memory).
  // ECS places a task only on an instance of its architecture; the model's binpack does not
  // look at it, so every instance type must be of the task's architecture.
  // Every task must fit on some instance type: checked once they are chosen (auto: sized).
  if (o.cluster.instance_types.empty()) return;
  const auto must_fit = [&](const std::string& name, const ServiceConfig& s) {
    const std::string who = name.empty() ? "" : "service " + name + ": ";
    double max_vcpu = 0, max_mem = 0, max_mem_unreserved = 0;
    for (const auto& t : o.cluster.instance_types) {
      const auto shape = rc.instance(t, o.as_of, o.region);
      require(shape.arch == s.arch, "arch",
              fmt::format("{}a {} task cannot run on {} ({}): use instance types of the task's "
                          "architecture, or set arch to match",
                          who, to_string(s.arch), t, to_string(shape.arch)));
      const double registered =
          std::floor(shape.memory_gib * 1024 * o.cluster.registered_memory_pct / 100);
      const double mem_mib = registered - o.cluster.reserved_memory_mb;
      if (s.vcpu <= shape.vcpu + 1e-9 && s.memory_gb * 1024 <= mem_mib + 1e-9) return;
      max_vcpu = std::max(max_vcpu, shape.vcpu);
      if (s.vcpu <= shape.vcpu + 1e-9) {
        max_mem = std::max(max_mem, mem_mib);
        max_mem_unreserved = std::max(max_mem_unreserved, registered);
      }
    }
    const auto types = fmt::format("{}", fmt::join(o.cluster.instance_types, ", "));
    // The task is valid; the instance types cannot hold it (TaskFitError: a comparison says ECS
    // cannot run it).
    if (!(s.vcpu <= max_vcpu + 1e-9)) {
      throw TaskFitError("vcpu",
                         fmt::format("{}{} vCPU is more than any instance type has ({}: at most {} "
                                     "vCPU): use at most {} vCPU or a larger instance_type",
                                     who, num(s.vcpu), types, num(max_vcpu), num(max_vcpu)));
    }
    if (!(s.memory_gb * 1024 > max_mem_unreserved + 1e-9)) {
      throw TaskFitError(
          "reserved_memory_mb",
          fmt::format("{}reserved_memory_mb {} leaves {} MiB on the largest instance type with "
                      "{} vCPU ({}), less than the task's {} GB: lower reserved_memory_mb",
                      who, o.cluster.reserved_memory_mb, num(max_mem), num(s.vcpu), types,
                      num(s.memory_gb)));
    }
    throw TaskFitError(
        "memory_gb",
        fmt::format("{}a task of {} vCPU and {} GB fits on none of the instance types ({}): "
                    "at most {} MiB is registered ({}% of an instance's memory minus "
                    "reserved_memory_mb)",
                    who, num(s.vcpu), num(s.memory_gb), types, num(max_mem),
                    num(o.cluster.registered_memory_pct)));
  };
  must_fit("", o.defaults);
  for (const auto& [name, s] : o.services)
    must_fit(name, s);
}
}  // namespace

void check_container_functions_exist(const ContainerOptions& o,
                                     const std::vector<std::string>& names) {
  const std::size_t shown = std::min<std::size_t>(names.size(), 10);
  const std::string theirs =
      (shown == 0 ? std::string("(none)")
                  : fmt::format("{}", fmt::join(names.begin(), names.begin() + shown, ", "))) +
      (names.size() > shown ? fmt::format(" and {} more", names.size() - shown) : std::string());
  for (const auto& [service, s] : o.services) {
    for (const auto& f : s.functions) {
      if (std::find(names.begin(), names.end(), f) != names.end()) continue;
      if (s.functions.size() == 1 && f == service) {
        throw ConfigError("services." + service,
                          fmt::format("the workload has no function '{}' (a service without a "
                                      "functions list serves the function it is named after); "
                                      "its functions: {}",
                                      f, theirs));
      }
      throw ConfigError(
          "services." + service + ".functions",
          fmt::format("'{}' is not a function of the workload; its functions: {}", f, theirs));
    }
  }
}

void restrict_services(ContainerOptions& o, const std::function<bool(const std::string&)>& kept) {
  for (auto it = o.services.begin(); it != o.services.end();) {
    auto& fns = it->second.functions;
    if (fns.empty()) {
      // Serves the function it is named after.
      it = kept(it->first) ? std::next(it) : o.services.erase(it);
      continue;
    }
    std::erase_if(fns, [&](const std::string& f) { return !kept(f); });
    it = fns.empty() ? o.services.erase(it) : std::next(it);
  }
}

}  // namespace slsim
