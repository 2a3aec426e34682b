// Platform runners for the comparison: each platform plugs in here as a PlatformRunner that
// wraps its model's simulate_* function (listed in `platform_runners`,
// models/compare/scenario_compare.cpp).
#include <fmt/format.h>

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
  r.run = [options = std::move(options), rc](WorkloadSource& w, std::uint64_t seed) {
    LambdaOptions o = options;
    o.seed = seed;
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
  r.name = ec2 ? "ecs" : "fargate";
  const std::string platform =
      !ec2 ? std::string("Fargate")
      : options.cluster.instance_types.empty()
          ? std::string("ECS on EC2")  // instance type auto: sized with the tasks
          : fmt::format("ECS on EC2 ({})", options.cluster.instance_types.front());
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
  r.front_door = FrontDoorSide::kService;
  r.system_options = [options, ec2](SystemOptions& s) {
    static_cast<ContainerOptions&>(ec2 ? static_cast<ContainerOptions&>(s.ecs) : s.fargate) =
        options;
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
    x.run = [why](WorkloadSource&, std::uint64_t) -> PlatformResult { throw ImpossibleError(why); };
    return x;
  };
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
  r.run = [options, rc](WorkloadSource& w, std::uint64_t seed) -> PlatformResult {
    ContainerOptions o = options;
    o.seed = seed;
    return simulate_containers(w, o, *rc);
  };
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
  r.run = [options = std::move(options), rc](WorkloadSource& w,
                                             std::uint64_t seed) -> PlatformResult {
    BatchOptions o = options;
    o.seed = seed;
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
  return r;
}

}  // namespace slsim
