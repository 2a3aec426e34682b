// ECS on EC2, Fargate, Lambda Managed Instances and ECS Managed Instances: settings by public name
// (the same setter and validator as the scenario file and the CLI), simulation with the GIL
// released, and the shared result shape.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "register.hpp"
#include "slsim/compare/compare.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/containers/options_io.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/trace_io.hpp"

namespace py = pybind11;

namespace slsim::py {

SourceFactory workload_opener(const pybind11::object& workload);

namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

/// Builds and validates the options; a bad value is a ValueError naming the class and keyword.
ContainerOptions build(const std::string& launch, const Settings& settings,
                       const std::map<std::string, Settings>& services, const std::string& as_of,
                       const std::string& region, std::uint64_t seed, double discount_pct,
                       bool timeline, bool for_runner = false) {
  // The platform's options with its defaults (Lambda Managed Instances: no load balancer
  // queue, three instances).
  ContainerOptions o = launch == "ecs"              ? ContainerOptions(EcsOptions())
                       : launch == "lambda-managed" ? ContainerOptions(LambdaManagedOptions())
                       : launch == "ecs-managed"    ? ContainerOptions(EcsManagedOptions())
                                                    : ContainerOptions(FargateOptions());
  const char* cls = launch == "ecs"              ? "Ecs"
                    : launch == "lambda-managed" ? "LambdaManaged"
                    : launch == "ecs-managed"    ? "EcsManaged"
                                                 : "Fargate";
  try {
    o.as_of = as_of.empty() ? Date::today() : Date::parse(as_of);
  } catch (const std::invalid_argument& e) {
    throw ::py::value_error(std::string("as_of: ") + e.what());
  }
  o.region = region;
  o.seed = seed;
  o.discount_pct = discount_pct;
  o.record_timeline = timeline;
  std::string where;
  try {
    for (const auto& [k, v] : settings)
      set_container_option(o, o.defaults, k, v);
    for (const auto& [name, s] : services) {
      where = name;
      ServiceConfig c = o.defaults;
      c.functions.clear();
      for (const auto& [k, v] : s)
        set_container_option(o, c, k, v, true);
      if (c.functions.empty()) c.functions = {name};
      o.services[name] = c;
    }
    where.clear();
    // A comparison's runner at a date before the platform launched says it cannot run; its
    // values are checked as of the launch.
    validate_containers(for_runner ? at_launch_if_not_launched(o) : o);
  } catch (const ConfigError& e) {
    std::string msg = e.message();
    if (!where.empty()) msg = "service " + where + ": " + msg;
    throw ::py::value_error(std::string(cls) + "(" + (e.key().empty() ? "" : e.key() + "=...") +
                            "): " + msg);
  }
  return o;
}

}  // namespace

void register_containers(pybind11::module_& m) {
  ::py::class_<ContainerResult>(m, "ContainerResult")
      .def("summary_json", &ContainerResult::to_json)
      .def_property_readonly("notes", [](const ContainerResult& r) { return r.notes; })
      .def("latency_quantile",
           [](const ContainerResult& r, double q) { return r.latency_ms.quantile(q); })
      .def("records",
           [](const ContainerResult&) {
             ::py::dict d;  // per-request records are not kept for containers
             for (const char* k :
                  {"arrival_s", "end_s", "latency_ms", "function", "attempts", "cold", "outcome"})
               d[k] = ::py::list();
             return d;
           })
      .def("timeseries", [](const ContainerResult& r) {
        std::vector<double> t;
        std::vector<std::uint32_t> desired, running, instances;
        for (const auto& x : r.timeline) {
          t.push_back(x.time_s);
          desired.push_back(x.desired);
          running.push_back(x.running);
          instances.push_back(x.instances);
        }
        // NumPy arrays (copies: the timeline is small, one sample per simulated minute).
        const auto arr = [](const auto& v) {
          using T = typename std::decay_t<decltype(v)>::value_type;
          return ::py::array_t<T>(static_cast<::py::ssize_t>(v.size()), v.data());
        };
        ::py::dict d;
        d["time_s"] = arr(t);
        d["desired"] = arr(desired);
        d["running"] = arr(running);
        d["instances"] = arr(instances);
        return d;
      });

  // The keys of a platform: "ecs" or "fargate" (the default), "lambda-managed", "ecs-managed".
  const auto managed_of = [](const std::string& platform) {
    return platform == "lambda-managed" ? Managed::kLambda
           : platform == "ecs-managed"  ? Managed::kEcs
                                        : Managed::kNone;
  };
  m.def(
      "container_service_keys",
      [managed_of](const std::string& platform) {
        return container_service_keys(managed_of(platform));
      },
      ::py::arg("platform") = "");
  m.def(
      "container_cluster_keys",
      [managed_of](const std::string& platform) {
        return container_cluster_keys(managed_of(platform));
      },
      ::py::arg("platform") = "");
  m.def("container_key_is_number", [](const std::string& k) { return container_key_is_number(k); });
  m.def(
      "_check_containers",
      [](const std::string& launch, const Settings& settings,
         const std::map<std::string, Settings>& services, const std::string& as_of) {
        build(launch, settings, services, as_of, "us-east-1", 1, 0, false);
      },
      ::py::arg("launch"), ::py::arg("settings"), ::py::arg("services"), ::py::arg("as_of"));
  m.def(
      "_simulate_containers",
      [](const ::py::object& workload, const std::string& launch, const Settings& settings,
         const std::map<std::string, Settings>& services, const std::string& as_of,
         const std::string& region, std::uint64_t seed, double discount_pct, bool timeline) {
        const ContainerOptions o =
            build(launch, settings, services, as_of, region, seed, discount_pct, timeline);
        const SourceFactory open = workload_opener(workload);
        ::py::gil_scoped_release release;
        // Services left auto are sized from one pass over the workload.
        return simulate_containers(WorkloadOpener([&] { return open(); }), o);
      },
      ::py::arg("workload"), ::py::arg("launch"), ::py::arg("settings"), ::py::arg("services"),
      ::py::arg("as_of"), ::py::arg("region"), ::py::arg("seed"), ::py::arg("discount_pct"),
      ::py::arg("timeline"));
  // The comparison's runner for slsim.Ecs / Fargate / LambdaManaged / EcsManaged (slsim.compare).
  m.def(
      "_container_runner",
      [](const std::string& launch, const Settings& settings,
         const std::map<std::string, Settings>& services, const std::string& as_of,
         const std::string& region) {
        const ContainerOptions o =
            build(launch, settings, services, as_of, region, 1, 0, false, /*for_runner=*/true);
        if (o.launch_type == LaunchType::kEc2 && o.managed == Managed::kLambda) {
          LambdaManagedOptions l;
          static_cast<ContainerOptions&>(l) = o;
          return lambda_managed_runner(l);
        }
        if (o.launch_type == LaunchType::kEc2 && o.managed == Managed::kEcs) {
          EcsManagedOptions e;
          static_cast<ContainerOptions&>(e) = o;
          return ecs_managed_runner(e);
        }
        if (o.launch_type == LaunchType::kEc2) {
          EcsOptions e;
          static_cast<ContainerOptions&>(e) = o;
          return ecs_runner(e);
        }
        FargateOptions f;
        static_cast<ContainerOptions&>(f) = o;
        return fargate_runner(f);
      },
      ::py::arg("launch"), ::py::arg("settings"), ::py::arg("services"), ::py::arg("as_of"),
      ::py::arg("region"));
}

}  // namespace slsim::py
