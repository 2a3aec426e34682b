#include "slsim/compare/scenario_compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "slsim/compare/placement_workload.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/mix_source.hpp"
#include "slsim/workload/workload_filter.hpp"

namespace slsim {

// ---- platform names ----------------------------------------------------------------------------
// MERGE NOTE (ECS, Fargate, Batch): when a model lands, return true for its name in
// `platform_available` and add its branch to `platform_runners` below, e.g.
//   else if (name == "fargate") out.push_back(fargate_runner(s.fargate, rates));

const std::vector<std::string>& known_platforms() {
  static const std::vector<std::string> kNames{"lambda",         "ecs",        "fargate", "batch",
                                               "lambda-managed", "ecs-managed"};
  return kNames;
}

bool platform_available(const std::string& name) {
  const auto& k = known_platforms();
  return std::find(k.begin(), k.end(), name) != k.end();
}

void validate_report_settings(const ReportSettings& r) {
  std::set<std::string> seen;
  for (const auto& p : r.platforms) {
    const auto& k = known_platforms();
    if (std::find(k.begin(), k.end(), p) == k.end()) {
      throw ConfigError("platforms", fmt::format("'{}' is not a platform; allowed: lambda, ecs, "
                                                 "fargate, batch, lambda-managed, ecs-managed",
                                                 p));
    }
    if (!seen.insert(p).second) {
      throw ConfigError("platforms", fmt::format("'{}' is listed twice", p));
    }
  }
  CompareOptions o;
  o.objectives = r.objectives;
  o.front_door = r.front_door;
  o.replications = r.replications;
  validate_compare_options(o);
  if (r.fail_above_usd && !(*r.fail_above_usd >= 0)) {
    throw ConfigError("fail_above_usd", "must be an amount in USD >= 0");
  }
  if (r.fail_above_p99_ms && !(*r.fail_above_p99_ms > 0)) {
    throw ConfigError("fail_above_p99_ms", "must be a number of milliseconds > 0");
  }
  validate_parts(r.parts);
}

// ---- workload ----------------------------------------------------------------------------------

std::unique_ptr<WorkloadSource> open_scenario_workload(const Scenario& s, std::uint64_t seed,
                                                       double rate_scale) {
  if (!(rate_scale > 0)) throw ConfigError("scale", "a rate multiplier must be > 0");
  std::unique_ptr<WorkloadSource> main;
  if (s.workload.kind == WorkloadSpec::Kind::kNone) {
    if (s.more_workloads.empty()) throw ConfigError("workload", "the scenario has no workload");
  } else if (s.workload.kind == WorkloadSpec::Kind::kTrace) {
    TraceOptions t = s.workload.trace;
    if (!s.workload.fixed_trace_seed) t.seed = seed;
    t.select.time_scale *= rate_scale;
    // The scenario's selection narrows the trace's own (a lone trace is then read exactly as
    // with the trace's `functions`: the same ids and numbers as before issue 20).
    if (!s.functions.empty()) {
      if (t.select.functions.empty()) {
        t.select.functions = s.functions;
      } else {
        std::vector<std::string> both;
        for (const auto& f : t.select.functions)
          if (std::find(s.functions.begin(), s.functions.end(), f) != s.functions.end())
            both.push_back(f);
        // Nothing in common keeps nothing (an empty list would keep everything).
        t.select.functions =
            both.empty() ? std::vector<std::string>{std::string("\0none", 5)} : both;
      }
    }
    main = trace_factory(s.workload.trace_path, t)();
    if (s.more_workloads.empty()) return main;
  } else {
    GeneratorSpec g = s.workload.generator;
    g.common.seed = seed;
    g.common.rate_per_s *= rate_scale;
    main = make_generator(g);
  }
  if (s.more_workloads.empty()) return keep_functions(std::move(main), s.functions);
  std::vector<std::unique_ptr<WorkloadSource>> all;
  if (main) all.push_back(std::move(main));
  for (std::size_t i = 0; i < s.more_workloads.size(); ++i) {
    MixEntry e = s.more_workloads[i];
    if (e.schedule) {
      e.scheduled.seed = mix_seed(seed, i);
    } else {
      e.generator.common.seed = mix_seed(seed, i);
      e.generator.common.rate_per_s *= rate_scale;
    }
    all.push_back(make_mix_entry(e));
  }
  return keep_functions(std::make_unique<MixSource>(std::move(all)), s.functions);
}

WorkloadFactory scenario_workload(const Scenario& s) {
  return [s](std::uint64_t seed, double k) { return open_scenario_workload(s, seed, k); };
}

// ---- platforms ---------------------------------------------------------------------------------

std::vector<PlatformRunner> platform_runners(const Scenario& s,
                                             const std::vector<std::string>& names_in,
                                             const RateCard& rates) {
  std::vector<std::string> names = names_in.empty() ? s.report.platforms : names_in;
  if (names.empty()) {
    // Every platform that exists on the scenario's date: the 2025 platforms from their launch
    // (named explicitly before it, they "cannot run" and say since when).
    for (const auto& n : known_platforms()) {
      if (!platform_available(n)) continue;
      if (n == "lambda-managed" || n == "ecs-managed") {
        const auto rule =
            n == "lambda-managed" ? "lambda_managed.available" : "ecs_managed.available";
        if (rates.rule_or(rule, s.as_of, 0) == 0) continue;
      }
      names.push_back(n);
    }
  }
  ReportSettings check;
  check.platforms = names;
  validate_report_settings(check);
  std::vector<PlatformRunner> out;
  // Every platform at the scenario's date and region (a flag may have moved them after loading).
  auto at = [&](auto options) {
    options.as_of = s.as_of;
    options.region = s.region;
    return options;
  };
  for (const auto& name : names) {
    if (name == "lambda") {
      out.push_back(lambda_runner(at(s.lambda), rates));
    } else if (name == "ecs") {
      out.push_back(ecs_runner(at(s.ecs), rates));
    } else if (name == "fargate") {
      out.push_back(fargate_runner(at(s.fargate), rates));
    } else if (name == "batch") {
      out.push_back(batch_runner(at(s.batch), rates));
    } else if (name == "lambda-managed") {
      out.push_back(lambda_managed_runner(at(s.lambda_managed), rates));
    } else if (name == "ecs-managed") {
      out.push_back(ecs_managed_runner(at(s.ecs_managed), rates));
    } else {
      throw ConfigError("platforms",
                        fmt::format("'{}' cannot be simulated by this build of slsim yet; "
                                    "available: lambda",
                                    name));
    }
  }
  return out;
}

CompareOptions compare_options(const Scenario& s) {
  CompareOptions o;
  o.objectives = s.report.objectives;
  o.front_door = s.report.front_door;
  o.free_tier = s.report.free_tier;
  o.replications = s.report.replications;
  o.parts = s.report.parts;
  o.as_of = s.as_of;
  o.region = s.region;
  o.seed = s.seed;
  return o;
}

Comparison compare_scenario(const Scenario& s, const RateCard& rates) {
  return compare(scenario_workload(s), platform_runners(s, {}, rates), compare_options(s), rates);
}

std::optional<PlacementResult> place_scenario(const Scenario& s, const RateCard& rates,
                                              std::uint32_t threads) {
  // Every function the run keeps (the user's selection), and the scenario for them.
  const auto all = function_names(workload_factory(unselected(s)));
  // Parts, objectives, pins and exclusions naming no part of the workload are refused before
  // the selection drops the settings of the parts left out (as `slsim report` refuses them).
  validate_parts(s.report.parts, &all);
  const auto keep = selected_functions(s, all);
  Scenario base = s;
  restrict_to_functions(base, keep);
  std::vector<std::string> names;
  for (const auto& r : platform_runners(base, {}, rates))
    names.push_back(r.name);
  CompareOptions o = compare_options(base);
  if (threads) o.threads = threads;
  // The parts, their objectives, pins and exclusions as place_workload makes them.
  const auto runner = [&](const std::string& platform, const std::vector<std::string>& functions) {
    Scenario t = base;
    restrict_to_functions(t, functions);
    return platform_runners(t, {platform}, rates).front();
  };
  return place_workload(scenario_workload(base), keep, names, runner, o, rates);
}

}  // namespace slsim
