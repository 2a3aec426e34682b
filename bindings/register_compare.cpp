// The comparison in Python: platform runners, compare, breakeven and tune_lambda. Results come
// back as the same JSON the CLI writes (`slsim report --format json`), parsed by slsim.compare.
#include <fmt/format.h>
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "register.hpp"
#include "slsim/compare/compare.hpp"
#include "slsim/compare/explore.hpp"
#include "slsim/compare/parts_spec.hpp"
#include "slsim/compare/placement_workload.hpp"
#include "slsim/compare/scenario_compare.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/pricing/pricing.hpp"
#include "slsim/scenario/scenario.hpp"
#include "slsim/workload/workload_filter.hpp"

namespace slsim::py {

SourceFactory workload_opener(const pybind11::object& workload);  // register_workload.cpp

namespace {

// A Python workload as a WorkloadFactory: the workload's own seed; rate scaling replays it
// faster or slower.
WorkloadFactory python_workload(const ::pybind11::object& workload) {
  const SourceFactory open = workload_opener(workload);
  return [open](std::uint64_t, double k) -> std::unique_ptr<WorkloadSource> {
    if (k == 1.0) return open();
    SelectOptions sel;
    sel.time_scale = k;
    return select(open, sel);
  };
}

// as_of and region as `slsim report --as-of/--region` checks them (cli/compare_args.cpp): a
// ValueError naming the keyword, before any pricing (where it would be a PricingError).
void check_as_of_region(const std::string& as_of, const std::string& region) {
  const RateCard& card = RateCard::builtin();
  if (!as_of.empty()) {
    Date d;
    try {
      d = Date::parse(as_of);
    } catch (const std::invalid_argument& e) {
      throw ::pybind11::value_error(fmt::format("as_of: {}", e.what()));
    }
    if (d < card.earliest_as_of()) {
      throw ::pybind11::value_error(fmt::format(
          "as_of: {} is before {}, the first date slsim has AWS prices for (AWS Lambda's "
          "launch); give a date from {} on",
          d.str(), card.earliest_as_of().str(), card.earliest_as_of().str()));
    }
  }
  std::set<std::string> regions;
  for (const auto& r : card.rates())
    regions.insert(r.region);
  if (!regions.count(region)) {
    throw ::pybind11::value_error(
        fmt::format("region: slsim has no prices for '{}'; regions with prices: {}", region,
                    fmt::join(regions, ", ")));
  }
}

CompareOptions make_options(const std::string& as_of, const std::string& region, std::uint64_t seed,
                            std::uint32_t replications, std::uint32_t threads, bool free_tier,
                            const std::string& front_door, std::optional<double> slo_p99_ms,
                            std::optional<double> max_error_rate,
                            std::optional<double> max_cold_start_rate,
                            std::optional<std::uint32_t> alb_availability_zones = {}) {
  CompareOptions o;
  o.as_of = as_of.empty() ? Date::today() : Date::parse(as_of);
  o.region = region;
  o.seed = seed;
  o.replications = replications;
  o.threads = threads;
  o.free_tier = free_tier;
  if (front_door == "none") {
    o.front_door.enabled = false;
  } else {
    o.front_door.lambda = front_door;
  }
  o.objectives.slo_p99_ms = slo_p99_ms;
  o.objectives.max_error_rate = max_error_rate;
  o.objectives.max_cold_start_rate = max_cold_start_rate;
  o.front_door.alb_availability_zones = alb_availability_zones;
  return o;
}

LambdaOptions lambda_options(const LambdaFunctionConfig& defaults,
                             const std::map<std::string, LambdaFunctionConfig>& functions,
                             const std::string& as_of, const std::string& region,
                             std::uint32_t account_concurrency, bool free_tier) {
  LambdaOptions o;
  o.defaults = defaults;
  o.functions = functions;
  o.as_of = as_of.empty() ? Date::today() : Date::parse(as_of);
  o.region = region;
  o.account_concurrency = account_concurrency;
  o.free_tier = free_tier;
  return o;
}

// Python's parts keywords as a PartsSpec (issue 20): parts={"web": ["api", "checkout"]},
// objectives={"web": {"slo_p99_ms": 500}}, place={"api": "lambda"},
// exclude=["batch"] or {"nightly": ["lambda"]} (slsim/compare.py checks the types).
using Groups = std::vector<std::pair<std::string, std::vector<std::string>>>;
using PartObjectivesMap = std::map<std::string, std::map<std::string, double>>;
using Exclusions = std::map<std::string, std::vector<std::string>>;

PartsSpec make_parts(const Groups& groups, const PartObjectivesMap& objectives,
                     const std::map<std::string, std::string>& place, const Exclusions& exclude,
                     const std::vector<std::string>& exclude_all) {
  PartsSpec p;
  for (const auto& [name, fns] : groups)
    p.groups.push_back({name, fns});
  for (const auto& [part, kv] : objectives) {
    auto& o = p.objectives[part];
    for (const auto& [k, v] : kv) {
      if (k == "slo_p99_ms") {
        o.slo_p99_ms = v;
      } else if (k == "max_error_rate") {
        o.max_error_rate = v;
      } else if (k == "max_cold_start_rate") {
        o.max_cold_start_rate = v;
      } else {
        throw ::pybind11::value_error(
            fmt::format("objectives['{}']: '{}' is not an objective; allowed: slo_p99_ms, "
                        "max_error_rate, max_cold_start_rate",
                        part, k));
      }
    }
  }
  p.place = place;
  p.exclude = exclude;
  p.exclude_all = exclude_all;
  return p;
}

// validate_parts with the error in the words of Python's keywords:
// "objectives['web']['slo_p99_ms']: must be ...", "place['api']: ...".
void validate_parts_keywords(const PartsSpec& p, const std::vector<std::string>* functions) {
  try {
    validate_parts(p, functions);
  } catch (const ConfigError& e) {
    const auto k = parse_parts_key(e.key());
    if (!k) throw;
    std::string where = k->setting;
    if (!k->part.empty()) where += fmt::format("['{}']", k->part);
    if (!k->objective.empty()) where += fmt::format("['{}']", k->objective);
    throw ::pybind11::value_error(fmt::format("{}: {}", where, e.message()));
  }
}

// ---- the placement (issue 20) -------------------------------------------------------------

// A scenario as `slsim report --format json` writes it: the comparison with, for a workload of
// several parts and unless `placement` is false, the top-level "placement".
std::string scenario_json(const Scenario& s, std::uint32_t threads, bool placement) {
  CompareOptions o = compare_options(s);
  if (threads) o.threads = threads;
  const Comparison c = compare(scenario_workload(s), platform_runners(s), o);
  auto j = nlohmann::ordered_json::parse(c.to_json());
  if (placement) {
    const auto p = place_scenario(s, RateCard::builtin(), threads);
    if (p) j["placement"] = nlohmann::ordered_json::parse(p->to_json());
  }
  return j.dump();
}

// The placement of a Python workload's parts on the platforms of `runners` (each name once, in
// the comparison's order); `part_runner` (Python: the platform's runner for some functions
// only) is called with the GIL taken. Called without the GIL.
std::optional<PlacementResult> place_python_workload(
    const WorkloadFactory& wl, std::uint64_t seed, const std::vector<PlatformRunner>& runners,
    const std::function<PlatformRunner(const std::string&, const std::vector<std::string>&)>&
        part_runner,
    const CompareOptions& o) {
  std::vector<std::string> names;
  for (const auto& r : runners)
    if (std::find(names.begin(), names.end(), r.name) == names.end()) names.push_back(r.name);
  const auto functions = function_names([&] { return wl(seed, 1.0); });
  return place_workload(wl, functions, names, part_runner, o);
}

}  // namespace

void register_compare(::pybind11::module_& m) {
  namespace py = ::pybind11;
  // A platform that cannot run the workload (slsim.simulate on it): a ValueError saying why.
  py::register_exception<ImpossibleError>(m, "ImpossibleError", PyExc_ValueError);
  // A scenario file that cannot be read or is refused (names the file, table and key).
  py::register_exception<ScenarioError>(m, "ScenarioError", PyExc_ValueError);

  m.def("_check_as_of_region", &check_as_of_region, py::arg("as_of"), py::arg("region"));

  py::class_<PlatformRunner>(m, "PlatformRunner")
      .def_readonly("name", &PlatformRunner::name)
      .def_readonly("label", &PlatformRunner::label);

  m.def(
      "_lambda_runner",
      [](const LambdaFunctionConfig& defaults,
         const std::map<std::string, LambdaFunctionConfig>& functions, const std::string& as_of,
         const std::string& region, std::uint32_t account_concurrency, bool free_tier) {
        return lambda_runner(
            lambda_options(defaults, functions, as_of, region, account_concurrency, free_tier));
      },
      py::arg("defaults"), py::arg("functions"), py::arg("as_of"), py::arg("region"),
      py::arg("account_concurrency"), py::arg("free_tier"));

  m.def(
      "_compare",
      [](const py::object& workload, const std::vector<PlatformRunner>& runners,
         const std::string& as_of, const std::string& region, std::uint64_t seed,
         std::uint32_t replications, std::uint32_t threads, bool free_tier,
         const std::string& front_door, std::optional<double> slo_p99_ms,
         std::optional<double> max_error_rate, std::optional<double> max_cold_start_rate,
         std::optional<std::uint32_t> alb_availability_zones, const Groups& groups,
         const PartObjectivesMap& part_objectives, const std::map<std::string, std::string>& place,
         const Exclusions& exclude, const std::vector<std::string>& exclude_all,
         const py::object& whole, const std::vector<std::string>& keep,
         const std::function<PlatformRunner(const std::string&, const std::vector<std::string>&)>&
             part_runner) {
        const auto wl = python_workload(workload);
        auto o =
            make_options(as_of, region, seed, replications, threads, free_tier, front_door,
                         slo_p99_ms, max_error_rate, max_cold_start_rate, alb_availability_zones);
        o.parts = make_parts(groups, part_objectives, place, exclude, exclude_all);
        validate_parts_keywords(o.parts, nullptr);
        if (!o.parts.empty()) {
          // The parts name functions of the whole workload (one streaming pass); with
          // functions=, the parts of the functions left out are then ignored for the run.
          const SourceFactory open = whole.is_none() ? SourceFactory([&] { return wl(seed, 1.0); })
                                                     : workload_opener(whole);
          std::vector<std::string> names;
          {
            py::gil_scoped_release release;
            names = function_names(open);
          }
          validate_parts_keywords(o.parts, &names);
          if (!whole.is_none()) o.parts = restrict_parts(o.parts, keep);
        }
        py::gil_scoped_release release;
        if (!part_runner) return compare(wl, runners, o).to_json();
        // With part_runner (placement=True): the placement of the workload's parts, as the
        // report's JSON has it (a top-level "placement"; none for a workload of one part).
        auto j = nlohmann::ordered_json::parse(compare(wl, runners, o).to_json());
        if (const auto p = place_python_workload(wl, seed, runners, part_runner, o))
          j["placement"] = nlohmann::ordered_json::parse(p->to_json());
        return j.dump();
      },
      py::arg("workload"), py::arg("runners"), py::arg("as_of"), py::arg("region"), py::arg("seed"),
      py::arg("replications"), py::arg("threads"), py::arg("free_tier"), py::arg("front_door"),
      py::arg("slo_p99_ms"), py::arg("max_error_rate"), py::arg("max_cold_start_rate"),
      py::arg("alb_availability_zones") = py::none(), py::arg("parts") = Groups{},
      py::arg("part_objectives") = PartObjectivesMap{},
      py::arg("place") = std::map<std::string, std::string>{}, py::arg("exclude") = Exclusions{},
      py::arg("exclude_all") = std::vector<std::string>{}, py::arg("whole") = py::none(),
      py::arg("keep") = std::vector<std::string>{}, py::arg("part_runner") = py::none());

  // A scenario file as `slsim report` runs it: the comparison's JSON with, for a workload of
  // several parts, the placement (a top-level "placement", as the report's JSON).
  m.def(
      "_compare_scenario",
      [](const std::string& path, std::uint32_t threads, bool placement) {
        const Scenario s = load_scenario(path);
        py::gil_scoped_release release;
        return scenario_json(s, threads, placement);
      },
      py::arg("path"), py::arg("threads") = 0, py::arg("placement") = true);

  // ---- slsim.Scenario (issue 20): a scenario changed in Python, as the text of its file ----
  // The one gate: the text goes through the scenario loader (load_scenario_text), so a value
  // changed in Python is refused as the same key in the file would be (a ScenarioError naming
  // the file and the key).
  m.def(
      "_scenario_info",
      [](const std::string& text, const std::string& path) {
        const Scenario s = load_scenario_text(text, path);
        nlohmann::ordered_json j;
        j["name"] = s.name;
        j["description"] = s.description;
        j["seed"] = s.seed;
        j["as_of"] = s.as_of.str();
        j["region"] = s.region;
        j["functions"] = s.functions;
        j["platforms"] = s.report.platforms;
        return j.dump();
      },
      py::arg("text"), py::arg("path"));
  m.def(
      "_compare_scenario_text",
      [](const std::string& text, const std::string& path, std::uint32_t threads, bool placement) {
        const Scenario s = load_scenario_text(text, path);
        py::gil_scoped_release release;
        return scenario_json(s, threads, placement);
      },
      py::arg("text"), py::arg("path"), py::arg("threads") = 0, py::arg("placement") = true);

  m.def(
      "_validate_parts",
      [](const Groups& groups, const PartObjectivesMap& part_objectives,
         const std::map<std::string, std::string>& place, const Exclusions& exclude,
         const std::vector<std::string>& exclude_all) {
        validate_parts_keywords(make_parts(groups, part_objectives, place, exclude, exclude_all),
                                nullptr);
      },
      py::arg("parts"), py::arg("part_objectives"), py::arg("place"), py::arg("exclude"),
      py::arg("exclude_all"));

  m.def(
      "_breakeven",
      [](const py::object& workload, const std::vector<PlatformRunner>& runners,
         const std::string& as_of, const std::string& region, std::uint64_t seed,
         std::uint32_t replications, std::uint32_t threads, bool free_tier,
         const std::string& front_door, std::optional<double> slo_p99_ms,
         std::optional<double> max_error_rate, std::optional<double> max_cold_start_rate,
         double scale_min, double scale_max, std::uint32_t points) {
        const auto wl = python_workload(workload);
        const auto o = make_options(as_of, region, seed, replications, threads, free_tier,
                                    front_door, slo_p99_ms, max_error_rate, max_cold_start_rate);
        py::gil_scoped_release release;
        return breakeven(wl, runners, o, {scale_min, scale_max, points}).to_json();
      },
      py::arg("workload"), py::arg("runners"), py::arg("as_of"), py::arg("region"), py::arg("seed"),
      py::arg("replications"), py::arg("threads"), py::arg("free_tier"), py::arg("front_door"),
      py::arg("slo_p99_ms"), py::arg("max_error_rate"), py::arg("max_cold_start_rate"),
      py::arg("scale_min"), py::arg("scale_max"), py::arg("points"));

  m.def(
      "_tune_lambda",
      [](const py::object& workload, const LambdaFunctionConfig& defaults,
         const std::map<std::string, LambdaFunctionConfig>& functions, const std::string& as_of,
         const std::string& region, std::uint32_t account_concurrency, std::uint64_t seed,
         std::uint32_t threads, bool free_tier, const std::string& front_door,
         const std::vector<std::uint32_t>& memory_mb, std::uint32_t memory_min_mb,
         std::uint32_t memory_max_mb, const std::string& strategy, double weight) {
        const auto wl = python_workload(workload);
        const auto o = make_options(as_of, region, seed, 1, threads, free_tier, front_door,
                                    std::nullopt, std::nullopt, std::nullopt);
        auto lo =
            lambda_options(defaults, functions, as_of, region, account_concurrency, free_tier);
        TuneOptions t;
        t.memory_mb = memory_mb;
        t.memory_min_mb = memory_min_mb;
        t.memory_max_mb = memory_max_mb;
        t.strategy = parse_tune_strategy(strategy);
        t.balanced_weight = weight;
        py::gil_scoped_release release;
        try {
          return tune_lambda(wl, lo, o, t).to_json();
        } catch (const ConfigError& e) {
          // With no sizes listed, the sizes tried come from Python's `memory=(min, max)`.
          if (e.key() == "memory_mb" && memory_mb.empty()) {
            throw ConfigError("memory", e.message());
          }
          throw;
        }
      },
      py::arg("workload"), py::arg("defaults"), py::arg("functions"), py::arg("as_of"),
      py::arg("region"), py::arg("account_concurrency"), py::arg("seed"), py::arg("threads"),
      py::arg("free_tier"), py::arg("front_door"), py::arg("memory_mb"), py::arg("memory_min_mb"),
      py::arg("memory_max_mb"), py::arg("strategy"), py::arg("weight"));
}

}  // namespace slsim::py
