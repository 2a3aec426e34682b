#pragma once
// Random ECS-on-EC2, Fargate and AWS Batch cases for the property tests
// (container_property_test.cpp, batch_property_test.cpp), next to the Lambda generator of
// scenario_generator.hpp, whose `Draw`, `random_trace` and `case_count` they reuse.
//
// Design notes: like the Lambda generator, each case comes from its own seeded stream (case
// seed = base seed + case index). The configurations are drawn wide on purpose — every knob of
// slsim/containers/service.hpp and slsim/batch/batch_options.hpp, at any date from 2017 to
// 2026 — but mostly valid at their `as_of`: the generator follows the dated rules it knows of
// (Fargate sizes, arm64, Spot and ephemeral storage by date, instance types launched by then,
// Batch on Fargate from 2020-12-03, one kind of compute environment per queue). What the
// validator still refuses (a date before a platform existed, a job too large for its queue's
// instance types) is counted by the tests, which require most cases to run.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "scenario_generator.hpp"
#include "slsim/batch/batch_options.hpp"
#include "slsim/containers/service.hpp"

namespace slsim::property {

/// A date in 2017-01-01 .. 2026-12-28, the eras the container and Batch rules cover (a tenth
/// of the draws fall in 2017, where Fargate, most instance types and Batch on Fargate did not
/// exist yet: refused, and counted).
inline Date random_platform_date(Draw& d) {
  const int year = d.chance(0.1) ? 2017 : static_cast<int>(d.integer(2018, 2026));
  return Date(year, static_cast<unsigned>(d.integer(1, 12)),
              static_cast<unsigned>(d.integer(1, 28)));
}

/// A start-up or launch delay: unset (the cited default), a constant, a uniform or a
/// lognormal, all within a minute or two.
inline std::optional<Distribution> random_delay(Draw& d, double max_s) {
  switch (d.integer(0, 4)) {
    case 0:
      return Distribution::constant(std::floor(d.uniform(0, max_s)));
    case 1: {
      const double lo = d.uniform(0, max_s / 2);
      return Distribution::uniform(lo, lo + d.uniform(0.5, max_s / 2));
    }
    case 2: {
      const double median = d.uniform(0.5, max_s / 3);
      return Distribution::lognormal_from_median_p99(median, median * d.uniform(1.1, 3));
    }
    default:
      return std::nullopt;
  }
}

/// The durations of `trace` stretched: a few invocations of each case run for minutes, past
/// load-balancer idle timeouts and Batch attempt timeouts (60 s and more).
inline void stretch_durations(Draw& d, WorkloadColumns& trace) {
  if (!d.chance(0.4)) return;
  for (auto& w : trace.duration_ms)
    if (d.chance(0.15)) w = d.uniform(30'000, 600'000);
}

// ---- ECS on EC2 and Fargate -----------------------------------------------------------------

/// The instance types of `arch` launched by `as_of` in us-east-1.
inline std::vector<std::string> instance_types_of(const RateCard& rc, Date as_of, Arch arch) {
  std::vector<std::string> out;
  for (const auto& t : rc.instance_types(as_of, "us-east-1"))
    if (rc.instance(t, as_of, "us-east-1").arch == arch) out.push_back(t);
  return out;
}

/// A cluster for ECS on EC2: 1–3 instance types of one architecture, a fixed size or managed
/// scaling within small bounds, Spot, reserved memory, launch delays.
inline ClusterConfig random_cluster(Draw& d, const RateCard& rc, Date as_of, Arch arch) {
  ClusterConfig c;
  auto types = instance_types_of(rc, as_of, arch);
  if (types.empty()) types = instance_types_of(rc, as_of, Arch::kX86_64);
  if (types.empty()) return c;  // before the first instance type: refused, counted
  c.instance_types.clear();
  for (int k = 0, n = static_cast<int>(d.integer(1, 3)); k < n; ++k) {
    const auto& t = d.pick(types);
    if (std::find(c.instance_types.begin(), c.instance_types.end(), t) == c.instance_types.end())
      c.instance_types.push_back(t);
  }
  c.min_instances = static_cast<std::uint32_t>(d.chance(0.6) ? 0 : d.integer(1, 2));
  c.max_instances = c.min_instances + static_cast<std::uint32_t>(
                                          d.integer(d.chance(0.1) ? 0 : 1, d.chance(0.2) ? 2 : 8));
  if (c.max_instances == 0) c.max_instances = 1;
  if (d.chance(0.25)) {
    c.instances = static_cast<std::uint32_t>(
        d.integer(std::max<std::uint32_t>(1, c.min_instances), c.max_instances));
  }
  c.target_capacity_pct = d.chance(0.5) ? 100.0 : std::floor(d.uniform(1, 100));
  if (d.chance(0.2)) c.instance_warmup_s = std::floor(d.uniform(0, 600));
  c.min_scaling_step = static_cast<std::uint32_t>(d.integer(1, 3));
  c.max_scaling_step = c.min_scaling_step + static_cast<std::uint32_t>(d.integer(0, 10));
  if (d.chance(0.5)) c.instance_launch_s = random_delay(d, 180);
  if (d.chance(0.3)) c.reserved_memory_mb = static_cast<std::uint32_t>(d.integer(0, 1024));
  if (d.chance(0.3)) c.registered_memory_pct = d.uniform(80, 100);
  if (d.chance(0.3)) c.managed_scaling = as_of >= Date(2019, 12, 3) ? d.chance(0.5) : false;
  c.spot = d.chance(0.3);
  if (c.spot || d.chance(0.1)) c.spot_interruption_pct = d.chance(0.5) ? 100.0 : d.uniform(0, 100);
  if (d.chance(0.5)) c.spot_in_flight = SpotInFlight::kFail;
  return c;
}

/// The largest (vCPU, registered MiB) a task may take on the cluster's instance types: a task
/// within both fits at least the largest type (the validator requires one that fits).
inline std::pair<double, double> cluster_room(const RateCard& rc, Date as_of,
                                              const ClusterConfig& c) {
  double vcpu = 0, mib = 0;
  for (const auto& t : c.instance_types) {
    Ec2Instance shape;
    try {
      shape = rc.instance(t, as_of, "us-east-1");
    } catch (const PricingError&) {
      continue;  // not launched yet at as_of: the validator refuses the case
    }
    const double reg =
        std::floor(shape.memory_gib * 1024 * c.registered_memory_pct / 100) - c.reserved_memory_mb;
    if (shape.vcpu >= vcpu && reg >= mib) {
      vcpu = shape.vcpu;
      mib = reg;
    }
  }
  return {vcpu, mib};
}

/// One service: a task size valid for the launch type at as_of, a fixed count or autoscaling
/// (target tracking on CPU or requests, step scaling, scheduled actions), the load balancer's
/// queue and timeouts, start-up delays, CPU scaling, and on Fargate storage and Spot.
inline ServiceConfig random_service(Draw& d, const RateCard& rc, Date as_of, LaunchType lt,
                                    Arch arch, const ClusterConfig* cluster) {
  ServiceConfig s;
  s.arch = arch;
  if (lt == LaunchType::kFargate) {
    const auto sizes = rc.fargate_sizes(as_of);
    if (!sizes.empty()) {
      // Mostly small sizes: they are the common ones and keep the bills small.
      const auto& z = sizes[static_cast<std::size_t>(
          d.integer(0, std::min<std::int64_t>(static_cast<std::int64_t>(sizes.size()) - 1,
                                              d.chance(0.8) ? 3 : 99)))];
      s.vcpu = z.vcpu;
      s.memory_gb = d.pick(z.memory_gb);
    }
    if (as_of >= Date(2020, 4, 8) && d.chance(0.3))
      s.storage_gb = static_cast<double>(d.integer(20, 200));
    if (as_of >= Date(2019, 12, 3) && d.chance(0.3)) {
      s.spot = true;
      s.spot_interruption_pct = d.chance(0.6) ? 100.0 : d.uniform(0, 100);
      s.stop_timeout_s = std::floor(d.uniform(0, 120));
      if (d.chance(0.5)) s.spot_in_flight = SpotInFlight::kFail;
    }
  } else if (cluster) {
    const auto [max_vcpu, max_mib] = cluster_room(rc, as_of, *cluster);
    const double vcpu_cap = std::min(10.0, max_vcpu);
    // Whole CPU units (1/1024 vCPU); now and then more than the largest instance (refused).
    const double units = std::floor(d.uniform(128, vcpu_cap * 1024 + (d.chance(0.02) ? 2048 : 0)));
    s.vcpu = std::max(128.0, units) / 1024;
    const double mib = std::max(64.0, std::floor(d.uniform(64, std::max(65.0, max_mib))));
    s.memory_gb = mib / 1024;
  }
  s.concurrency =
      static_cast<std::uint32_t>(d.chance(0.3) ? 1 : d.integer(1, d.chance(0.2) ? 50 : 8));
  if (d.chance(0.3)) {
    s.tasks = static_cast<std::uint32_t>(d.integer(1, 4));
  } else {
    const auto lo = static_cast<std::uint32_t>(d.integer(0, 2));
    const auto hi = lo + static_cast<std::uint32_t>(d.integer(lo ? 0 : 1, 6));
    s.min_tasks = lo;
    s.max_tasks = hi;
    if (d.chance(0.3)) s.initial_tasks = static_cast<std::uint32_t>(d.integer(lo, hi));
    switch (d.integer(0, 3)) {
      case 0:
        s.target_cpu_pct = std::floor(d.uniform(5, 95));
        break;
      case 1:
        s.target_requests_per_task = std::floor(d.uniform(1, 60));
        break;
      case 2: {  // non-overlapping steps, out above a threshold and in below one
        const double hi = std::floor(d.uniform(30, 90));
        s.step_scaling.push_back({hi, std::numeric_limits<double>::infinity(),
                                  static_cast<std::int32_t>(d.integer(1, 3))});
        if (d.chance(0.7)) {
          const double lo = std::floor(d.uniform(1, hi));
          s.step_scaling.push_back({0, lo, -static_cast<std::int32_t>(d.integer(1, 2))});
        }
        break;
      }
      default:
        break;  // no policy: min/max and scheduled actions only
    }
    for (int a = 0, n = static_cast<int>(d.integer(0, d.chance(0.3) ? 2 : 0)); a < n; ++a) {
      ScheduledAction act;
      act.at_s = std::floor(d.uniform(0, 1800));
      act.min_tasks = static_cast<std::uint32_t>(d.integer(0, 3));
      act.max_tasks = act.min_tasks + static_cast<std::uint32_t>(d.integer(0, 5));
      s.schedule.push_back(act);
    }
    s.scale_out_cooldown_s = d.chance(0.5) ? 300.0 : std::floor(d.uniform(0, 600));
    s.scale_in_cooldown_s = d.chance(0.5) ? 300.0 : std::floor(d.uniform(0, 600));
  }
  s.start_from_zero = d.chance(0.3);
  s.queue_size = static_cast<std::uint32_t>(d.chance(0.5) ? 1000 : d.integer(0, 20));
  s.lb_timeout_s = d.chance(0.4) ? 60.0 : std::floor(d.uniform(1, d.chance(0.2) ? 4000 : 120));
  s.deregistration_delay_s = d.chance(0.5) ? 300.0 : std::floor(d.uniform(0, 600));
  s.health_check_interval_s = std::floor(d.uniform(5, 60));
  s.healthy_threshold = static_cast<std::uint32_t>(d.integer(2, 10));
  if (d.chance(0.3)) s.provisioning_s = random_delay(d, 30);
  if (d.chance(0.3)) s.startup_s = random_delay(d, 90);
  if (lt == LaunchType::kEc2 && d.chance(0.3)) s.image_pull_s = random_delay(d, 60);
  s.cpu_bound_fraction = d.uniform(0, 1);
  s.parallel_fraction = d.chance(0.5) ? 0.0 : d.uniform(0, 1);
  if (d.chance(0.3)) s.reference_memory_mb = static_cast<std::uint32_t>(d.integer(128, 10'240));
  // Queue consumers (functions receiving queue or async work): visibility, dead-letter queue,
  // retention, failing runs, the backlog target.
  if (d.chance(0.3)) {
    s.visibility_timeout_s = std::floor(d.uniform(0, 120));
    s.max_receive_count = d.chance(0.5) ? 0 : static_cast<std::uint32_t>(d.integer(1, 5));
    s.message_retention_s = d.chance(0.5) ? 345'600.0 : std::floor(d.uniform(60, 3600));
    s.error_probability = d.chance(0.5) ? 0.0 : d.uniform(0, 1);
    if (s.tasks == 0 && d.chance(0.5)) s.target_backlog_per_task = std::floor(d.uniform(1, 100));
    s.acceptable_latency_s = d.chance(0.5) ? 60.0 : std::floor(d.uniform(0, 600));
  }
  return s;
}

/// A container deployment for the trace's functions: defaults, and named services serving one
/// or two functions each for some of them; on EC2 a cluster whose instance types hold them.
inline ContainerOptions random_containers(Draw& d, const RateCard& rc, const WorkloadColumns& trace,
                                          LaunchType lt) {
  ContainerOptions o;
  o.launch_type = lt;
  o.as_of = random_platform_date(d);
  o.region = "us-east-1";
  o.seed = static_cast<std::uint64_t>(d.integer(1, 1'000'000));
  const bool arm =
      lt == LaunchType::kFargate ? o.as_of >= Date(2021, 11, 23) : o.as_of >= Date(2020, 5, 11);
  const Arch arch = arm && d.chance(0.3) ? Arch::kArm64 : Arch::kX86_64;
  if (lt == LaunchType::kEc2) o.cluster = random_cluster(d, rc, o.as_of, arch);
  // On EC2 the tasks take the architecture of the cluster's instance types.
  Arch task_arch = arch;
  if (lt == LaunchType::kEc2 && !o.cluster.instance_types.empty()) {
    try {
      task_arch = rc.instance(o.cluster.instance_types[0], o.as_of, o.region).arch;
    } catch (const PricingError&) {
      // an instance type not launched yet at as_of: the validator refuses the case
    }
  }
  const ClusterConfig* cl = lt == LaunchType::kEc2 ? &o.cluster : nullptr;
  o.defaults = random_service(d, rc, o.as_of, lt, task_arch, cl);
  // Settings that apply to every task of the deployment are the defaults'.
  for (std::size_t f = 0; f < trace.function_names.size(); ++f) {
    if (!d.chance(0.5)) continue;
    const std::string name = "svc" + std::to_string(f);
    auto s = random_service(d, rc, o.as_of, lt, task_arch, cl);
    s.functions.push_back(trace.function_names[f]);
    // Now and then a second function in the same service (when no other service has it).
    if (f + 1 < trace.function_names.size() && d.chance(0.3)) {
      s.functions.push_back(trace.function_names[f + 1]);
      ++f;
    }
    o.services[name] = s;
  }
  o.discount_pct = d.chance(0.7) ? 0.0 : d.uniform(0, 50);
  o.record_timeline = d.chance(0.3);
  return o;
}

// ---- AWS Batch --------------------------------------------------------------------------------

/// A job definition for a queue of EC2 (`fargate` false) or Fargate environments: sizes valid
/// for the queue's kind (0 = from the function's memory), retries, errors, timeouts, arrays.
inline BatchJobDefinition random_job(Draw& d, const RateCard& rc, Date as_of, bool fargate,
                                     const std::string& queue) {
  BatchJobDefinition j;
  j.queue = queue;
  if (fargate) {
    if (d.chance(0.6)) {
      const auto sizes = rc.fargate_sizes(as_of);
      const auto& z = sizes[static_cast<std::size_t>(
          d.integer(0, std::min<std::int64_t>(static_cast<std::int64_t>(sizes.size()) - 1, 4)))];
      j.vcpu = z.vcpu;
      j.memory_gb = d.chance(0.8) ? d.pick(z.memory_gb) : 0.0;
    }
  } else {
    if (d.chance(0.6)) j.vcpu = static_cast<double>(d.integer(1, 4));
    if (d.chance(0.6)) j.memory_gb = static_cast<double>(d.integer(1, 12)) / 2;
  }
  j.attempts = d.chance(0.4) ? 1 : d.integer(1, d.chance(0.1) ? 10 : 4);
  j.error_probability = d.chance(0.5) ? 0.0 : d.chance(0.2) ? 1.0 : d.uniform(0, 1);
  j.timeout_s = d.chance(0.5) ? 0.0 : static_cast<double>(d.integer(60, 400));
  if (d.chance(0.3)) j.array_size = d.integer(2, 12);
  if (d.chance(0.2)) j.array_window_s = std::floor(d.uniform(1, 300));
  if (d.chance(0.3)) {
    const auto lo = static_cast<std::int64_t>(rc.rule("lambda.memory_min_mb", as_of));
    const auto hi = static_cast<std::int64_t>(rc.rule("lambda.memory_max_mb", as_of));
    const auto step = static_cast<std::int64_t>(rc.rule("lambda.memory_step_mb", as_of));
    j.reference_memory_mb = static_cast<std::uint32_t>(lo + step * d.integer(0, (hi - lo) / step));
  }
  j.cpu_bound_fraction = d.uniform(0, 1);
  j.parallel_fraction = d.chance(0.5) ? 0.0 : d.uniform(0, 1);
  return j;
}

/// A Batch configuration: 1–3 compute environments (EC2, Spot, Fargate, Fargate Spot, as the
/// date allows), queues of one kind each with priorities, job definitions per queue, array
/// jobs, scheduler and start-up timings, Spot reclaim rates, discounts. Jobs are recorded.
inline BatchOptions random_batch(Draw& d, const RateCard& rc, const WorkloadColumns& trace) {
  BatchOptions o;
  o.as_of = random_platform_date(d);
  o.region = "us-east-1";
  o.seed = static_cast<std::uint64_t>(d.integer(1, 1'000'000));
  const bool fargate_ok = o.as_of >= Date(2020, 12, 3);
  const auto known = rc.instance_types(o.as_of, o.region);
  o.compute_environments.clear();
  for (int e = 0, n = static_cast<int>(d.integer(1, 3)); e < n; ++e) {
    BatchComputeEnvironment ce;
    ce.name = "ce" + std::to_string(e);
    ce.compute = static_cast<BatchCompute>(d.integer(0, fargate_ok ? 3 : 1));
    if (ce.compute == BatchCompute::kEc2 || ce.compute == BatchCompute::kSpot) {
      if (d.chance(0.3) || known.empty()) {
        if (d.chance(0.5)) ce.instance_types = {"optimal"};
      } else {
        for (int k = 0, m = static_cast<int>(d.integer(1, 3)); k < m; ++k) {
          const auto& t = d.pick(known);
          if (std::find(ce.instance_types.begin(), ce.instance_types.end(), t) ==
              ce.instance_types.end())
            ce.instance_types.push_back(t);
        }
      }
      if (d.chance(0.3)) ce.min_vcpus = static_cast<double>(d.integer(1, 4));
      ce.max_vcpus = ce.min_vcpus + static_cast<double>(d.integer(1, d.chance(0.3) ? 8 : 64));
      if (d.chance(0.2)) ce.desired_vcpus = d.uniform(ce.min_vcpus, ce.max_vcpus);
    } else {
      ce.max_vcpus = static_cast<double>(d.integer(1, d.chance(0.3) ? 8 : 64));
      if (d.chance(0.05)) ce.max_vcpus = d.chance(0.5) ? 0.25 : 0.5;
    }
    o.compute_environments.push_back(ce);
  }
  // Queues: one per kind of environment present (mixing kinds in a queue is refused), or none
  // (the default queue over every environment) when all are of one kind.
  std::vector<std::string> ec2_envs, fargate_envs;
  for (const auto& ce : o.compute_environments) {
    const bool f = ce.compute == BatchCompute::kFargate || ce.compute == BatchCompute::kFargateSpot;
    (f ? fargate_envs : ec2_envs).push_back(ce.name);
  }
  std::vector<std::pair<std::string, bool>> queues;  // name, Fargate
  const bool one_kind = ec2_envs.empty() || fargate_envs.empty();
  if (one_kind && d.chance(0.4)) {
    queues.emplace_back("", !fargate_envs.empty());
  } else {
    for (int kind = 0; kind < 2; ++kind) {
      const auto& envs = kind == 0 ? ec2_envs : fargate_envs;
      if (envs.empty()) continue;
      for (int q = 0, n = static_cast<int>(d.integer(1, 2)); q < n; ++q) {
        BatchJobQueue jq;
        jq.name = "q" + std::to_string(o.queues.size());
        jq.priority = d.integer(0, 3);
        if (d.chance(0.7) || !one_kind) {
          std::vector<std::string> pick = envs;
          for (std::size_t i = pick.size(); i > 1; --i)
            std::swap(
                pick[i - 1],
                pick[static_cast<std::size_t>(d.integer(0, static_cast<std::int64_t>(i) - 1))]);
          pick.resize(
              static_cast<std::size_t>(d.integer(1, static_cast<std::int64_t>(pick.size()))));
          jq.compute_environments = pick;
        }
        queues.emplace_back(jq.name, kind == 1);
        o.queues.push_back(jq);
      }
    }
  }
  const auto& first = queues.front();
  // The defaults go to the first queue ("" = the first queue when queues exist).
  o.job = random_job(d, rc, o.as_of, first.second, d.chance(0.5) ? "" : first.first);
  for (const auto& name : trace.function_names) {
    if (!d.chance(0.5)) continue;
    const auto& q = d.pick(queues);
    o.functions[name] = random_job(d, rc, o.as_of, q.second, q.first);
  }
  o.scheduler_interval_s = d.chance(0.4) ? 10.0 : std::floor(d.uniform(0, 30));
  o.starting_s = d.chance(0.5) ? 5.0 : d.uniform(0, 10);
  o.container_start_s = d.chance(0.5) ? 2.0 : d.uniform(0, 5);
  o.instance_launch_s = d.chance(0.5) ? 90.0 : d.uniform(0, 180);
  o.fargate_start_s = d.chance(0.5) ? 30.0 : d.uniform(0, 60);
  o.scale_down_delay_s = d.chance(0.5) ? 300.0 : d.uniform(0, 600);
  if (d.chance(0.6)) {
    o.spot_interruptions_per_hour =
        d.chance(0.1) ? 0.0 : std::exp(d.uniform(std::log(0.01), std::log(60.0)));
  }
  if (d.chance(0.3)) {
    // A Spot discount only with Spot compute (else refused, as it would be ignored); drawn either
    // way so that the draws after it are the same.
    const double pct = d.uniform(0, 90);
    for (const auto& ce : o.compute_environments)
      if (ce.compute == BatchCompute::kSpot || ce.compute == BatchCompute::kFargateSpot)
        o.spot_discount_pct = pct;
  }
  o.discount_pct = d.chance(0.7) ? 0.0 : d.uniform(0, 50);
  o.record_jobs = true;
  return o;
}

/// One generated container or Batch case.
template <class Options>
struct PlatformCase {
  std::uint64_t seed = 0;
  WorkloadColumns trace;
  Options options;
};

inline PlatformCase<ContainerOptions> container_case(std::uint64_t seed, LaunchType lt,
                                                     const RateCard& rc = RateCard::builtin()) {
  Draw d(seed);
  PlatformCase<ContainerOptions> c;
  c.seed = seed;
  c.trace = random_trace(d);
  stretch_durations(d, c.trace);
  c.options = random_containers(d, rc, c.trace, lt);
  return c;
}

/// A container case made for Spot interruptions with requests in flight: every service on
/// Spot (Fargate Spot from 2019-12-03; a Spot cluster on EC2) losing all its capacity in a
/// month, and requests of 1–20 minutes spread over up to 6 hours, so interruptions (rare in a
/// half-hour trace) find requests to retry or fail.
inline PlatformCase<ContainerOptions> spot_case(std::uint64_t seed, LaunchType lt,
                                                const RateCard& rc = RateCard::builtin()) {
  auto c = container_case(seed, lt, rc);
  Draw d(seed ^ 0x5B07);
  const double span_s = d.uniform(3600, 6 * 3600);
  double t = 0;
  for (std::size_t i = 0; i < c.trace.arrival_s.size(); ++i) {
    if (!d.chance(0.3))
      t += d.uniform(0, 2 * span_s / static_cast<double>(c.trace.arrival_s.size()));
    c.trace.arrival_s[i] = t;
    c.trace.duration_ms[i] = d.uniform(60'000, 1'200'000);
  }
  auto& o = c.options;
  const auto spot = [&](ServiceConfig& s) {
    s.lb_timeout_s = 4000;
    if (lt != LaunchType::kFargate || o.as_of < Date(2019, 12, 3)) return;
    s.spot = true;
    s.spot_interruption_pct = 100;
  };
  spot(o.defaults);
  for (auto& [name, s] : o.services)
    spot(s);
  if (lt == LaunchType::kEc2) {
    o.cluster.spot = true;
    o.cluster.spot_interruption_pct = 100;
  }
  return c;
}

/// AWS Batch runs queue and async work only (a synchronous invocation cannot run there): the
/// trace's synchronous invocations become async ones (no draw changes).
inline void batch_work(WorkloadColumns& trace) {
  if (trace.type.empty()) trace.type.assign(trace.arrival_s.size(), InvocationType::kAsync);
  for (auto& t : trace.type)
    if (t == InvocationType::kSync) t = InvocationType::kAsync;
}

inline PlatformCase<BatchOptions> batch_case(std::uint64_t seed,
                                             const RateCard& rc = RateCard::builtin()) {
  Draw d(seed);
  PlatformCase<BatchOptions> c;
  c.seed = seed;
  c.trace = random_trace(d);
  stretch_durations(d, c.trace);
  batch_work(c.trace);
  c.options = random_batch(d, rc, c.trace);
  return c;
}

}  // namespace slsim::property
