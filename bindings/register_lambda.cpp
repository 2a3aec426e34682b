// The Lambda model: function configuration, simulation (GIL released), and results whose
// per-invocation records are NumPy views of C++ memory.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "register.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/lambda/lambda_config.hpp"
#include "slsim/workload/trace_io.hpp"

namespace py = pybind11;

namespace slsim::py {

struct CoreWorkload;  // defined in register_workload.cpp
SourceFactory workload_opener(const pybind11::object& workload);

namespace {

// A strided view of one field of the records (no copy); `owner` keeps the memory alive.
template <class T>
::py::array field_view(const std::vector<InvocationRecord>& recs, const T InvocationRecord::*member,
                       ::py::handle owner) {
  const auto* base = recs.empty() ? nullptr : &(recs.front().*member);
  return ::py::array(::py::dtype::of<T>(), {static_cast<::py::ssize_t>(recs.size())},
                     {static_cast<::py::ssize_t>(sizeof(InvocationRecord))}, base, owner);
}

template <class T>
::py::array series_view(const std::vector<SecondSample>& s, const T SecondSample::*member,
                        ::py::handle owner) {
  const auto* base = s.empty() ? nullptr : &(s.front().*member);
  return ::py::array(::py::dtype::of<T>(), {static_cast<::py::ssize_t>(s.size())},
                     {static_cast<::py::ssize_t>(sizeof(SecondSample))}, base, owner);
}

}  // namespace

void register_lambda(pybind11::module_& m) {
  ::py::class_<LambdaFunctionConfig>(m, "LambdaConfig")
      .def(::py::init<>())
      .def_readwrite("memory_mb", &LambdaFunctionConfig::memory_mb)
      .def_property(
          "arch", [](const LambdaFunctionConfig& c) { return std::string(to_string(c.arch)); },
          [](LambdaFunctionConfig& c, const std::string& s) { c.arch = parse_arch(s); })
      .def_property(
          "runtime",
          [](const LambdaFunctionConfig& c) { return std::string(to_string(c.runtime)); },
          [](LambdaFunctionConfig& c, const std::string& s) { c.runtime = parse_runtime(s); })
      .def_readwrite("vpc", &LambdaFunctionConfig::vpc)
      .def_readwrite("timeout_s", &LambdaFunctionConfig::timeout_s)
      .def_readwrite("reserved_concurrency", &LambdaFunctionConfig::reserved_concurrency)
      .def_property(
          "provisioned",
          [](const LambdaFunctionConfig& c) {
            std::vector<std::tuple<double, double, std::uint32_t>> out;
            for (const auto& w : c.provisioned)
              out.emplace_back(w.start_s, w.end_s, w.count);
            return out;
          },
          [](LambdaFunctionConfig& c,
             const std::vector<std::tuple<double, double, std::uint32_t>>& ws) {
            c.provisioned.clear();
            for (const auto& [a, b, n] : ws)
              c.provisioned.push_back({a, b, n});
          })
      .def_property(
          "invocation",
          [](const LambdaFunctionConfig& c) -> std::optional<std::string> {
            if (!c.invocation) return std::nullopt;
            return std::string(to_string(*c.invocation));
          },
          [](LambdaFunctionConfig& c, const std::optional<std::string>& s) {
            if (!s) {
              c.invocation.reset();
              return;
            }
            const auto t = parse_invocation_type(*s);
            if (!t) throw std::invalid_argument("invocation must be one of sync, async, queue");
            c.invocation = *t;
          })
      .def_readwrite("max_retry_attempts", &LambdaFunctionConfig::max_retry_attempts)
      .def_readwrite("max_event_age_s", &LambdaFunctionConfig::max_event_age_s)
      .def_readwrite("error_probability", &LambdaFunctionConfig::error_probability)
      .def_readwrite("keep_alive_s", &LambdaFunctionConfig::keep_alive_s)
      .def_readwrite("init_ms", &LambdaFunctionConfig::init_ms)
      .def_readwrite("reference_memory_mb", &LambdaFunctionConfig::reference_memory_mb)
      .def_readwrite("cpu_bound_fraction", &LambdaFunctionConfig::cpu_bound_fraction)
      .def_readwrite("parallel_fraction", &LambdaFunctionConfig::parallel_fraction)
      .def_readwrite("ephemeral_mb", &LambdaFunctionConfig::ephemeral_mb)
      .def_property(
          "client_max_attempts",
          [](const LambdaFunctionConfig& c) { return c.client_retry.max_attempts; },
          [](LambdaFunctionConfig& c, std::uint32_t v) { c.client_retry.max_attempts = v; })
      .def_property(
          "client_base_backoff_ms",
          [](const LambdaFunctionConfig& c) { return c.client_retry.base_backoff_ms; },
          [](LambdaFunctionConfig& c, double v) { c.client_retry.base_backoff_ms = v; })
      .def_property(
          "client_max_backoff_ms",
          [](const LambdaFunctionConfig& c) { return c.client_retry.max_backoff_ms; },
          [](LambdaFunctionConfig& c, double v) { c.client_retry.max_backoff_ms = v; })
      .def_readwrite("visibility_timeout_s", &LambdaFunctionConfig::visibility_timeout_s)
      .def_readwrite("max_receive_count", &LambdaFunctionConfig::max_receive_count)
      .def_readwrite("message_retention_s", &LambdaFunctionConfig::message_retention_s)
      .def_readwrite("queue_max_concurrency", &LambdaFunctionConfig::queue_max_concurrency);

  ::py::class_<LambdaResult>(m, "LambdaResult")
      .def("summary_json", &LambdaResult::to_json)
      .def_property_readonly("notes", [](const LambdaResult& r) { return r.notes; })
      .def_property_readonly("latency_count",
                             [](const LambdaResult& r) { return r.latency_ms.count(); })
      .def("latency_quantile",
           [](const LambdaResult& r, double q) { return r.latency_ms.quantile(q); })
      .def("records",
           [](::py::object self) {
             const auto& r = self.cast<const LambdaResult&>();
             ::py::dict d;
             d["arrival_s"] = field_view(r.records, &InvocationRecord::arrival_s, self);
             d["end_s"] = field_view(r.records, &InvocationRecord::end_s, self);
             d["latency_ms"] = field_view(r.records, &InvocationRecord::latency_ms, self);
             d["function"] = field_view(r.records, &InvocationRecord::function, self);
             d["attempts"] = field_view(r.records, &InvocationRecord::attempts, self);
             d["cold"] = field_view(r.records, &InvocationRecord::cold, self);
             d["outcome"] = field_view(r.records, &InvocationRecord::outcome, self);
             return d;
           })
      .def("timeseries", [](::py::object self) {
        const auto& r = self.cast<const LambdaResult&>();
        ::py::dict d;
        d["busy_max"] = series_view(r.timeseries, &SecondSample::busy_max, self);
        d["envs_max"] = series_view(r.timeseries, &SecondSample::envs_max, self);
        d["arrivals"] = series_view(r.timeseries, &SecondSample::arrivals, self);
        d["throttles"] = series_view(r.timeseries, &SecondSample::throttles, self);
        d["cold_starts"] = series_view(r.timeseries, &SecondSample::cold_starts, self);
        return d;
      });

  // The one validator (lambda_config.hpp); a ConfigError arrives in Python as ValueError
  // "key: message".
  m.def(
      "_validate_lambda",
      [](const LambdaFunctionConfig& defaults,
         const std::map<std::string, LambdaFunctionConfig>& functions, const std::string& as_of,
         std::uint32_t account_concurrency, double discount_pct) {
        LambdaOptions o;
        o.defaults = defaults;
        o.functions = functions;
        o.as_of = as_of.empty() ? Date::today() : Date::parse(as_of);
        o.account_concurrency = account_concurrency;
        o.discount_pct = discount_pct;
        validate_lambda(o);
      },
      ::py::arg("defaults"), ::py::arg("functions"), ::py::arg("as_of"),
      ::py::arg("account_concurrency"), ::py::arg("discount_pct"));

  // A setting given as a word (arch, runtime, invocation): the validator's rule and message.
  m.def(
      "_check_lambda_choice",
      [](const std::string& key, const std::string& value) {
        LambdaFunctionConfig c;
        set_lambda_choice(c, key, value);
      },
      ::py::arg("key"), ::py::arg("value"));

  // The account concurrency limit a user gave (0 refused, as in a file and on the command line).
  m.def(
      "_validate_account_concurrency",
      [](std::uint64_t limit) { validate_account_concurrency(limit); }, ::py::arg("limit"));

  // Returns (result, function names by id).
  m.def(
      "_simulate_lambda",
      [](const ::py::object& workload, const LambdaFunctionConfig& defaults,
         const std::map<std::string, LambdaFunctionConfig>& functions, const std::string& as_of,
         const std::string& region, std::uint64_t seed, std::uint32_t account_concurrency,
         bool free_tier, double discount_pct, bool records, bool timeseries) {
        LambdaOptions o;
        o.defaults = defaults;
        o.functions = functions;
        o.as_of = as_of.empty() ? Date::today() : Date::parse(as_of);
        o.region = region;
        o.seed = seed;
        o.account_concurrency = account_concurrency;
        o.free_tier = free_tier;
        o.discount_pct = discount_pct;
        o.record_invocations = records;
        o.record_timeseries = timeseries;
        {
          LambdaOptions check = o;  // before reading the workload
          check.defaults.reserved_concurrency.reset();
          validate_lambda(check);
        }
        const SourceFactory open = workload_opener(workload);
        std::vector<std::string> names;
        LambdaResult r;
        {
          ::py::gil_scoped_release release;
          if (!o.functions.empty() || o.defaults.reserved_concurrency) {
            // Every configured function must be one the workload invokes; a reservation on the
            // top-level Lambda applies to each of them (as --reserved-concurrency does).
            auto scan = open();
            Invocation inv;
            std::vector<bool> seen;
            while (scan->next(inv)) {
              if (inv.function >= seen.size()) seen.resize(inv.function + 1, false);
              seen[inv.function] = true;
            }
            std::vector<std::string> present;
            for (FunctionId id = 0; id < seen.size(); ++id)
              if (seen[id]) present.push_back(scan->functions()[id].name);
            check_lambda_functions_exist(o, present);
            if (const auto reserved = o.defaults.reserved_concurrency) {
              for (const auto& name : present) {
                auto it = o.functions.find(name);
                if (it == o.functions.end()) it = o.functions.emplace(name, o.defaults).first;
                it->second.reserved_concurrency = reserved;
              }
              o.defaults.reserved_concurrency.reset();
              validate_lambda(o);
            }
          }
          auto src = open();
          r = simulate_lambda(*src, o);
          for (const auto& f : src->functions().all())
            names.push_back(f.name);
        }
        return ::py::make_tuple(::py::cast(std::move(r)), names);
      },
      ::py::arg("workload"), ::py::arg("defaults"), ::py::arg("functions"), ::py::arg("as_of"),
      ::py::arg("region"), ::py::arg("seed"), ::py::arg("account_concurrency"),
      ::py::arg("free_tier"), ::py::arg("discount_pct"), ::py::arg("records"),
      ::py::arg("timeseries"));
}

}  // namespace slsim::py
