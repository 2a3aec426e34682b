// Platform runners for the comparison. Each platform plugs in here as a PlatformRunner.
//
// MERGE NOTE (ECS, Fargate, Batch): add `ecs_runner`, `fargate_runner` and `batch_runner` next
// to `lambda_runner` below, each wrapping its model's simulate_* function, and list them in
// `platform_runners` (models/compare/scenario_compare.cpp).
#include <fmt/format.h>

#include "observed_source.hpp"
#include "slsim/compare/compare.hpp"

namespace slsim {

using compare_detail::ObservedSource;

// ---- LambdaResult -> PlatformResult -------------------------------------------------------------
// MERGE NOTE: `lambda-fidelity` is making LambdaResult derive from PlatformResult. When that
// lands, replace the body with `return r;` (slicing to the base) and delete the field mapping.
PlatformResult to_platform_result(const LambdaResult& r) {
  PlatformResult p;
  p.platform = "lambda";
  const auto& c = r.counts;
  p.arrived = c.arrived;
  p.outcomes.completed = c.completed;
  p.outcomes.failed = c.failed_error;
  p.outcomes.timed_out = c.failed_timeout;
  p.outcomes.refused = c.dropped_throttled;
  p.outcomes.expired = c.dropped_expired;
  const auto ended = p.outcomes.total();
  p.outcomes.unfinished = c.arrived > ended ? c.arrived - ended : 0;
  p.attempts = c.attempts;
  p.retries = c.retries;
  p.cold_starts = c.cold_starts;
  // LambdaResult keeps latency of completed invocations only.
  p.latency_ms = r.latency_ms;
  p.latency_stats = r.latency_stats;
  p.latency_completed_ms = r.latency_ms;
  p.latency_completed_stats = r.latency_stats;
  p.instances_mean = r.mean_envs;
  p.instances_max = r.max_envs;
  p.utilisation = r.mean_envs > 0 ? r.mean_busy / r.mean_envs : 0.0;
  p.span_s = r.span_s;
  p.usage = r.usage;
  p.bill = r.bill;
  p.notes = r.notes;
  p.extra = {{"throttles", static_cast<double>(c.throttles)},
             {"busy_mean", r.mean_busy},
             {"busy_max", r.max_busy},
             {"provisioned_served", static_cast<double>(c.provisioned_served)},
             {"to_destination", static_cast<double>(c.to_destination)}};
  return p;
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
  const RateCard* rc = &rates;
  r.run = [options = std::move(options), rc](WorkloadSource& w, std::uint64_t seed) {
    LambdaOptions o = options;
    o.seed = seed;
    ObservedSource seen(w);
    const LambdaResult res = simulate_lambda(seen, o, *rc);
    PlatformResult p = to_platform_result(res);
    if (p.outcomes.timed_out > 0) {
      // Impossible when an invocation is longer than the longest timeout Lambda allows and its
      // function already has that timeout (a shorter configured timeout is just a failure).
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

}  // namespace slsim
