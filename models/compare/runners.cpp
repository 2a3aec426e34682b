// Platform runners for the comparison: each platform plugs in here as a PlatformRunner that
// wraps its model's simulate_* function (listed in `platform_runners`,
// models/compare/scenario_compare.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>

#include "observed_source.hpp"
#include "slsim/batch/batch.hpp"
#include "slsim/compare/compare.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/containers/sizing.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/system/system.hpp"

namespace slsim {

using compare_detail::ObservedSource;

PlatformResult to_platform_result(const LambdaResult& r) {
  return r;
}

PlatformRunner lambda_runner(LambdaOptions options, const RateCard& rates) {
  PlatformRunner r;
  r.name = "lambda";
  const auto& d = options.defaults;
  r.label = fmt::format("AWS Lambda, {} {}",
                        d.memory_mb ? fmt::format("{} MB", d.memory_mb) : "trace memory",
                        to_string(d.arch));
  r.front_door = FrontDoorSide::kLambda;
  r.free_tier = options.free_tier;
  if (options.discount_pct != 0) r.discount_pct["lambda"] = options.discount_pct;
  r.system_options = [options](SystemOptions& s) { s.lambda = options; };
  const RateCard* rc = &rates;
  // One copy of the options, shared by `run` and `run_recording` (a copy of the runner copies
  // no options).
  const auto shared = std::make_shared<const LambdaOptions>(std::move(options));
  const auto make_run = [rc, shared](std::size_t n) -> PlatformRunner::Run {
    return [shared, rc, n](WorkloadSource& w, std::uint64_t seed) {
      LambdaOptions o = *shared;
      o.seed = seed;
      o.record_functions = n;
      ObservedSource seen(w);
      const LambdaResult res = simulate_lambda(seen, o, *rc);
      PlatformResult p = to_platform_result(res);
      // A function that needs more memory than Lambda offers (its stated memory, when no size is
      // configured for it) cannot run there: simulate_lambda throws ImpossibleError.
      {
        // Impossible when an invocation is longer than the longest timeout Lambda allows and its
        // function already has that timeout (a shorter configured timeout is just a failure),
        // whatever became of it: a queue message that timed out on every receive ends expired or
        // dead-lettered, not timed out (outside review N6: four days of timeouts were billed).
        const double max_s = rc->rule("lambda.timeout_max_s", o.as_of);
        const auto& fns = seen.functions();
        for (std::size_t id = 0; id < seen.max_work().size() && id < fns.size(); ++id) {
          const auto it = o.functions.find(fns[static_cast<FunctionId>(id)].name);
          const auto& cfg = it != o.functions.end() ? it->second : o.defaults;
          const double work_s = to_seconds(seen.max_work()[id]);
          if ((cfg.timeout_s == 0 || cfg.timeout_s >= max_s) && work_s > max_s) {
            throw ImpossibleError(fmt::format(
                "function '{}' runs up to {:.0f} s per invocation; Lambda's maximum timeout on {} "
                "is {:.0f} s",
                fns[static_cast<FunctionId>(id)].name, work_s, o.as_of.str(), max_s));
          }
        }
      }
      return p;
    };
  };
  r.run_recording = make_run;
  r.run = make_run(shared->record_functions);
  return r;
}

namespace {

/// `sized_from`: the profile the options were sized from; `sized_visibly`: settings beyond the
/// visibility timeout (which only a queue consumer uses) were sized, and the label says so.
PlatformRunner container_runner(const ContainerOptions& options, const RateCard& rates,
                                const WorkloadProfile* sized_from = nullptr,
                                bool sized_visibly = true) {
  const bool sized = sized_from != nullptr;
  PlatformRunner r;
  const bool ec2 = options.launch_type == LaunchType::kEc2;
  r.name = std::string(platform_name(options));
  const std::string on_ec2 = options.managed == Managed::kEcs      ? "ECS Managed Instances"
                             : options.managed == Managed::kLambda ? "Lambda Managed Instances"
                                                                   : "ECS on EC2";
  const std::string platform =
      !ec2 ? std::string("Fargate")
      : options.cluster.instance_types.empty()
          ? on_ec2  // instance type auto: sized with the tasks
          : fmt::format("{} ({})", on_ec2, options.cluster.instance_types.front());
  const bool auto_sized = needs_sizing(options);
  const bool sizes_visibly = [&] {
    ContainerOptions v = options;
    v.defaults.visibility_timeout_s = v.defaults.visibility_timeout_s.value_or(0);
    for (auto& [name, s] : v.services)
      s.visibility_timeout_s = s.visibility_timeout_s.value_or(0);
    return needs_sizing(v);
  }();
  // The configuration line of the report: the sizing the runs use (chosen from the trace for
  // settings left auto, docs/models.md "Sizing a service the user did not size").
  r.label = auto_sized ? platform + ", services sized from the trace"
            : sized    ? fmt::format("{}, {}{}", platform, describe_sizing(options, *sized_from),
                                  sized_visibly ? " (sized from the trace)" : "")
                       : fmt::format("{}, {}", platform, describe_sizing(options));
  // Lambda Managed Instances functions are invoked as Lambda functions are (API Gateway or a
  // function URL); services have a load balancer.
  r.front_door =
      options.managed == Managed::kLambda ? FrontDoorSide::kLambda : FrontDoorSide::kService;
  // Into the joint run's field of its platform (launch type, and who manages the instances).
  r.system_options = [options](SystemOptions& s) {
    const auto platform = parse_system_platform(platform_name(options));
    if (!platform) throw std::logic_error("container_runner: not a platform of a system");
    system_container_options(s, *platform) = options;
  };
  if (options.discount_pct != 0) r.discount_pct[ec2 ? "ec2" : "fargate"] = options.discount_pct;
  (ec2 ? r.ec2_spot_discount_pct : r.fargate_spot_discount_pct) = options.spot_discount_pct;
  if (!ec2) {
    // A task size Fargate does not offer: Fargate cannot run the services as configured. The
    // comparison says so and goes on with the other platforms (issue 10); `slsim simulate`
    // refuses the same setting as a configuration error.
    auto size_problem = [&](const ServiceConfig& s, const std::string& where) -> std::string {
      if (s.vcpu == 0 || s.memory_gb == 0) return "";  // auto: sized to a valid size
      try {
        validate_fargate_size(rates, s.vcpu, s.memory_gb, options.as_of);
      } catch (const PricingError& e) {
        return where + e.what();
      }
      return "";
    };
    std::string problem = size_problem(options.defaults, "");
    for (const auto& [name, s] : options.services) {
      if (problem.empty()) problem = size_problem(s, fmt::format("service '{}': ", name));
    }
    if (!problem.empty()) {
      r.run = [problem](WorkloadSource&, std::uint64_t) -> PlatformResult {
        throw ImpossibleError(problem);
      };
      return r;
    }
  }
  // A task that fits on none of the instance types the user chose: ECS cannot run it; the
  // comparison says so and goes on with the other platforms (a bad setting is an error).
  const auto cannot_run = [](PlatformRunner x, const std::string& why) {
    x.prepare = nullptr;
    x.run_recording = nullptr;
    x.run = [why](WorkloadSource&, std::uint64_t) -> PlatformResult { throw ImpossibleError(why); };
    return x;
  };
  // A date before the platform existed: it cannot run (the comparison goes on without it).
  if (const auto why = not_launched(options, rates)) return cannot_run(r, *why);
  try {
    validate_containers(options, rates);  // a bad setting is an error, before anything runs
  } catch (const TaskFitError& e) {
    return cannot_run(r, e.message());
  }
  const RateCard* rc = &rates;
  if (auto_sized) {
    r.prepare = [options, rc, r, cannot_run, sizes_visibly](const WorkloadProfile& profile) {
      try {
        return container_runner(size_containers(options, profile, *rc), *rc, &profile,
                                sizes_visibly);
      } catch (const TaskFitError& e) {
        return cannot_run(r, e.message());
      }
    };
  }
  // One copy of the options (a sized service per function), shared by `run` and
  // `run_recording`: a copy of the runner copies no options.
  const auto shared = std::make_shared<const ContainerOptions>(options);
  r.run_recording = [shared, rc](std::size_t n) -> PlatformRunner::Run {
    return [shared, rc, n](WorkloadSource& w, std::uint64_t seed) -> PlatformResult {
      ContainerOptions o = *shared;
      o.seed = seed;
      o.record_functions = n;
      // Lambda Managed Instances cannot run an invocation longer than Lambda's longest
      // timeout: the model throws ImpossibleError ("cannot run").
      return simulate_containers(w, o, *rc);
    };
  };
  r.run = r.run_recording(options.record_functions);
  if (!auto_sized && !sized) {
    // Sized by the user: the configuration line still counts the services the workload's
    // functions make (the defaults serve every function no service names) and shows the
    // busiest, from the pass compare() makes for it.
    r.prepare = [r, options, platform](const WorkloadProfile& profile) {
      PlatformRunner x = r;
      x.prepare = nullptr;
      x.label = fmt::format("{}, {}", platform, describe_sizing(options, profile));
      return x;
    };
  }
  return r;
}

}  // namespace

PlatformRunner ecs_runner(EcsOptions options, const RateCard& rates) {
  return container_runner(options, rates);
}

PlatformRunner fargate_runner(FargateOptions options, const RateCard& rates) {
  return container_runner(options, rates);
}

PlatformRunner ecs_managed_runner(EcsManagedOptions options, const RateCard& rates) {
  return container_runner(options, rates);
}

PlatformRunner lambda_managed_runner(LambdaManagedOptions options, const RateCard& rates) {
  return container_runner(options, rates);
}

PlatformRunner batch_runner(BatchOptions options, const RateCard& rates) {
  PlatformRunner r;
  r.name = "batch";
  r.label = "AWS Batch";
  r.front_door = FrontDoorSide::kNone;
  if (options.discount_pct != 0) {
    r.discount_pct["ec2"] = options.discount_pct;
    r.discount_pct["fargate"] = options.discount_pct;
  }
  r.ec2_spot_discount_pct = r.fargate_spot_discount_pct = options.spot_discount_pct;
  r.system_options = [options](SystemOptions& s) { s.batch = options; };
  const RateCard* rc = &rates;
  const auto shared = std::make_shared<const BatchOptions>(std::move(options));
  r.run_recording = [shared, rc](std::size_t n) -> PlatformRunner::Run {
    return [shared, rc, n](WorkloadSource& w, std::uint64_t seed) -> PlatformResult {
      BatchOptions o = *shared;
      o.seed = seed;
      o.record_functions = n;
      try {
        return simulate_batch(w, o, *rc);
      } catch (const BatchCannotRunError& e) {
        // Synchronous invocations: Batch has no request/response path (names the functions).
        throw ImpossibleError(e.reason());
      } catch (const ConfigError& e) {
        // A job no instance type (or Fargate size) can hold: the platform cannot run it.
        if (e.message().rfind("function '", 0) == 0 &&
            e.message().find(" needs ") != std::string::npos)
          throw ImpossibleError(e.message());
        throw;
      }
    };
  };
  r.run = r.run_recording(shared->record_functions);
  return r;
}

// ---- spillover: a service sized for its base load, its overflow on Lambda ----------------------

namespace {

// The spilling service's result and the Lambda side's as one platform's: counts, latencies and
// usage add up (each arrival ended once, on one side); tasks and environments are summed (the
// peak is an upper bound: the two peaks need not coincide); hosts and utilisation are the
// service's.
PlatformResult merge_spill(const std::string& name, const ContainerResult& svc,
                           const LambdaResult* lam) {
  PlatformResult r = svc;
  r.platform = name;
  if (!lam) return r;
  r.arrived += lam->arrived;
  r.outcomes += lam->outcomes;
  r.attempts += lam->attempts;
  r.retries += lam->retries;
  r.cold_invocations = svc.cold_invocations.value_or(svc.cold_starts) +
                       lam->cold_invocations.value_or(lam->cold_starts);
  r.cold_starts += lam->cold_starts;
  r.latency_ms.merge(lam->latency_ms);
  r.latency_stats.merge(lam->latency_stats);
  r.latency_completed_ms.merge(lam->latency_completed_ms);
  r.latency_completed_stats.merge(lam->latency_completed_stats);
  r.queue_wait_ms.merge(lam->queue_wait_ms);
  r.instances_mean += lam->instances_mean;
  r.instances_max += lam->instances_max;
  r.span_s = std::max(r.span_s, lam->span_s);
  r.worked_s = std::max(r.worked_s, lam->worked_s);
  for (const auto& u : lam->usage.lambda)
    r.usage.lambda.push_back(u);
  for (const auto& i : lam->bill.items)
    r.bill.items.push_back(i);
  for (const auto& n : lam->notes)
    r.notes.push_back("lambda side: " + n);
  r.extra.emplace_back("lambda_environments_mean", lam->instances_mean);
  // Figures per function: a spilling function's requests on both sides.
  for (const auto& f : lam->functions) {
    auto it = std::find_if(r.functions.begin(), r.functions.end(),
                           [&](const FunctionFigures& g) { return g.name == f.name; });
    if (it == r.functions.end()) {
      r.functions.push_back(f);
      continue;
    }
    it->arrived += f.arrived;
    it->outcomes += f.outcomes;
    it->cold += f.cold;
    it->latency_ms.merge(f.latency_ms);
  }
  return r;
}

}  // namespace

PlatformRunner spill_runner(const PlatformRunner& service, const PlatformRunner& lambda,
                            const RateCard& rates) {
  const auto platform = parse_system_platform(service.name);
  if (!platform || !behind_alb(*platform) || lambda.name != "lambda" || !service.system_options ||
      !lambda.system_options) {
    throw std::invalid_argument(
        "spill_runner: a service runner (ecs, fargate or ecs-managed) and a Lambda runner, with "
        "their options");
  }
  SystemOptions base;
  service.system_options(base);
  lambda.system_options(base);
  base.others = *platform;
  PlatformRunner r;
  r.name = service.name + "+lambda";
  r.label = fmt::format("{} sized for its base load, overflow to Lambda ({})",
                        *platform == SystemPlatform::kEcs       ? "ECS on EC2"
                        : *platform == SystemPlatform::kFargate ? "Fargate"
                                                                : "ECS Managed Instances",
                        lambda.label.substr(lambda.label.find(", ") == std::string::npos
                                                ? 0
                                                : lambda.label.find(", ") + 2));
  r.front_door = FrontDoorSide::kService;  // the ALB, in front of the service and Lambda
  r.free_tier = lambda.free_tier;
  r.discount_pct = service.discount_pct;
  for (const auto& [k, v] : lambda.discount_pct)
    r.discount_pct[k] = v;
  r.fargate_spot_discount_pct = service.fargate_spot_discount_pct;
  r.ec2_spot_discount_pct = service.ec2_spot_discount_pct;
  r.system_options = [service, lambda](SystemOptions& s) {
    service.system_options(s);
    lambda.system_options(s);
  };
  const RateCard* rc = &rates;
  const std::string name = r.name;
  r.run = [name](WorkloadSource&, std::uint64_t) -> PlatformResult {
    throw std::logic_error(name + ": run before prepare");
  };
  r.prepare = [r, base, rc, name, platform](const WorkloadProfile& profile) {
    PlatformRunner x = r;
    x.prepare = nullptr;
    // Its HTTP functions spill; queue and async work stays on the service alone.
    std::set<std::string> spill;
    for (const auto& f : profile.functions)
      if (f.invocations > f.message_invocations) spill.insert(f.name);
    if (spill.empty()) {
      x.run = [](WorkloadSource&, std::uint64_t) -> PlatformResult {
        throw ImpossibleError(
            "no HTTP requests to spill: only a service of synchronous requests sends its overflow "
            "to Lambda");
      };
      return x;
    }
    SystemOptions o = base;
    o.spill = spill;
    ContainerOptions& svc = system_container_options(o, *platform);
    // A service platform that had not launched at as_of: the spillover cannot run either.
    if (const auto why = not_launched(svc, *rc)) {
      x.run = [why = *why](WorkloadSource&, std::uint64_t) -> PlatformResult {
        throw ImpossibleError(why);
      };
      return x;
    }
    try {
      svc = size_containers(svc, profile, *rc, spill);
    } catch (const TaskFitError& e) {
      const std::string why = e.message();
      x.run = [why](WorkloadSource&, std::uint64_t) -> PlatformResult {
        throw ImpossibleError(why);
      };
      return x;
    }
    x.label = fmt::format("{}; {}", r.label, describe_sizing(svc, profile));
    x.run = [o, rc, name, platform](WorkloadSource& w, std::uint64_t seed) {
      SystemOptions so = o;
      so.lambda.seed = so.ecs.seed = so.fargate.seed = so.batch.seed = seed;
      so.lambda_managed.seed = so.ecs_managed.seed = seed;
      const SystemResult res = simulate_system(w, so, *rc);
      const auto& svc_res = *platform == SystemPlatform::kEcs       ? res.ecs
                            : *platform == SystemPlatform::kFargate ? res.fargate
                                                                    : res.ecs_managed;
      if (!svc_res) throw std::logic_error(name + ": the service did not run");
      return merge_spill(name, *svc_res, res.lambda ? &*res.lambda : nullptr);
    };
    return x;
  };
  return r;
}

}  // namespace slsim
