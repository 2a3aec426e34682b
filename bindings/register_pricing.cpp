// Pricing: rate cards and the three calculators, returning bills as JSON for the Python facade.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "register.hpp"
#include "slsim/pricing/pricing.hpp"

namespace py = pybind11;

namespace slsim::py {

namespace {

PricingOptions options(const RateCard& rc, const std::string& as_of, const std::string& region,
                       bool free_tier, const std::string& platform, double discount_pct) {
  PricingOptions o;
  o.as_of = as_of.empty() ? Date::today() : Date::parse(as_of);
  o.region = region;
  o.free_tier = free_tier;
  if (discount_pct > 0) o.discount_pct[platform] = discount_pct;
  rc.check_as_of(o.as_of);
  return o;
}

// Building the usage checks the configuration (memory, sizes, times): a mistake there is a
// ValueError, as for the platforms' settings; PricingError stays for prices and rules.
template <typename F>
auto configured(F&& f) {
  try {
    return f();
  } catch (const PricingError& e) {
    throw ::py::value_error(e.what());
  }
}

}  // namespace

void register_pricing(pybind11::module_& m) {
  ::py::register_exception<PricingError>(m, "PricingError", PyExc_ValueError);

  ::py::class_<RateCard>(m, "RateCard")
      .def_static("builtin", &RateCard::builtin, ::py::return_value_policy::reference)
      .def_static("load", &RateCard::load, ::py::arg("directory"))
      .def("rule", [](const RateCard& rc, const std::string& name,
                      const std::string& as_of) { return rc.rule(name, Date::parse(as_of)); })
      .def("instance_types",
           [](const RateCard& rc, const std::string& as_of, const std::string& region) {
             return rc.instance_types(Date::parse(as_of), region);
           })
      .def_property_readonly("earliest_as_of",
                             [](const RateCard& rc) { return rc.earliest_as_of().str(); });

  m.def(
      "_price_lambda",
      [](const RateCard& rc, std::uint32_t memory_mb, std::uint64_t requests, double duration_ms,
         const std::string& arch, std::uint32_t ephemeral_mb, bool free_tier,
         const std::string& as_of, const std::string& region, std::uint32_t pc, double pc_hours,
         std::uint64_t pc_requests, double pc_duration_ms, double discount_pct,
         std::optional<double> span_days) {
        auto o = options(rc, as_of, region, free_tier, "lambda", discount_pct);
        if (span_days) o.span_s = *span_days * 86'400;
        LambdaPriceInput in;
        in.memory_mb = memory_mb;
        in.requests = requests;
        in.duration_ms = duration_ms;
        in.arch = parse_arch(arch);
        in.ephemeral_mb = ephemeral_mb;
        in.provisioned_concurrency = pc;
        in.provisioned_hours = pc_hours;
        in.provisioned_requests = pc_requests;
        in.provisioned_duration_ms = pc_duration_ms;
        Usage u;
        u.lambda.push_back(configured([&] { return lambda_usage(rc, in, o.as_of); }));
        if (!o.free_tier) return rc.price(u, o).to_json();
        // As the CLI shows it: each item at its whole quantity, then what the free tier covered.
        auto whole_options = o;
        whole_options.free_tier = false;
        const Bill whole = rc.price(u, whole_options);
        return rc.price(u, o).to_json(&whole);
      },
      ::py::arg("rate_card"), ::py::arg("memory_mb"), ::py::arg("requests"),
      ::py::arg("duration_ms"), ::py::arg("arch"), ::py::arg("ephemeral_mb"),
      ::py::arg("free_tier"), ::py::arg("as_of"), ::py::arg("region"),
      ::py::arg("provisioned_concurrency"), ::py::arg("provisioned_hours"),
      ::py::arg("provisioned_requests"), ::py::arg("provisioned_duration_ms"),
      ::py::arg("discount_pct"), ::py::arg("span_days") = std::nullopt);

  // Lambda's memory range at as_of ("" = today), for a memory_mb that is not even a size.
  m.def(
      "_lambda_memory_allowed",
      [](const std::string& as_of) {
        return lambda_memory_allowed(RateCard::builtin(),
                                     as_of.empty() ? Date::today() : Date::parse(as_of));
      },
      ::py::arg("as_of"));

  m.def(
      "_price_fargate",
      [](const RateCard& rc, double vcpu, double memory_gb, std::uint64_t tasks,
         double task_seconds, double storage_gb, const std::string& arch, bool spot,
         std::optional<double> spot_discount_pct, const std::string& as_of,
         const std::string& region, double discount_pct) {
        auto o = options(rc, as_of, region, true, "fargate", discount_pct);
        o.fargate_spot_discount_pct = spot_discount_pct;
        FargatePriceInput in;
        in.vcpu = vcpu;
        in.memory_gb = memory_gb;
        in.tasks = tasks;
        in.task_seconds = task_seconds;
        in.storage_gb = storage_gb;
        in.arch = parse_arch(arch);
        in.spot = spot;
        Usage u;
        u.fargate.push_back(configured([&] {
          validate_spot_discount(rc, "fargate", spot, spot_discount_pct, o.as_of);
          return fargate_usage(rc, in, o.as_of);
        }));
        return rc.price(u, o).to_json();
      },
      ::py::arg("rate_card"), ::py::arg("vcpu"), ::py::arg("memory_gb"), ::py::arg("tasks"),
      ::py::arg("task_seconds"), ::py::arg("storage_gb"), ::py::arg("arch"), ::py::arg("spot"),
      ::py::arg("spot_discount_pct"), ::py::arg("as_of"), ::py::arg("region"),
      ::py::arg("discount_pct"));

  m.def(
      "_price_ec2",
      [](const RateCard& rc, const std::string& instance_type, std::uint64_t instances,
         double hours, bool spot, std::optional<double> spot_discount_pct, const std::string& as_of,
         const std::string& region, double discount_pct) {
        auto o = options(rc, as_of, region, true, "ec2", discount_pct);
        o.ec2_spot_discount_pct = spot_discount_pct;
        Ec2PriceInput in;
        in.instance_type = instance_type;
        in.instances = instances;
        in.hours = hours;
        in.spot = spot;
        Usage u;
        u.ec2.push_back(configured([&] {
          validate_spot_discount(rc, "ec2", spot, spot_discount_pct, o.as_of);
          return ec2_usage(rc, in, o.as_of, o.region);
        }));
        return rc.price(u, o).to_json();
      },
      ::py::arg("rate_card"), ::py::arg("instance_type"), ::py::arg("instances"),
      ::py::arg("hours"), ::py::arg("spot"), ::py::arg("spot_discount_pct"), ::py::arg("as_of"),
      ::py::arg("region"), ::py::arg("discount_pct"));
}

}  // namespace slsim::py
