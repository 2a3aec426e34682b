// The comparison in Python: platform runners, compare, breakeven and tune_lambda. Results come
// back as the same JSON the CLI writes (`slsim report --format json`), parsed by slsim.compare.
#include <fmt/format.h>
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <set>

#include "register.hpp"
#include "slsim/compare/compare.hpp"
#include "slsim/compare/explore.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/pricing/pricing.hpp"
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

}  // namespace

void register_compare(::pybind11::module_& m) {
  namespace py = ::pybind11;
  // A platform that cannot run the workload (slsim.simulate on it): a ValueError saying why.
  py::register_exception<ImpossibleError>(m, "ImpossibleError", PyExc_ValueError);

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
         std::optional<std::uint32_t> alb_availability_zones) {
        const auto wl = python_workload(workload);
        const auto o =
            make_options(as_of, region, seed, replications, threads, free_tier, front_door,
                         slo_p99_ms, max_error_rate, max_cold_start_rate, alb_availability_zones);
        py::gil_scoped_release release;
        return compare(wl, runners, o).to_json();
      },
      py::arg("workload"), py::arg("runners"), py::arg("as_of"), py::arg("region"), py::arg("seed"),
      py::arg("replications"), py::arg("threads"), py::arg("free_tier"), py::arg("front_door"),
      py::arg("slo_p99_ms"), py::arg("max_error_rate"), py::arg("max_cold_start_rate"),
      py::arg("alb_availability_zones") = py::none());

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
