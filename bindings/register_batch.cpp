// The AWS Batch model: options from the Python façade's keywords (a dict), validation with the
// keyword named, simulation (GIL released), and results whose per-job records are NumPy views.
#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "register.hpp"
#include "slsim/batch/batch.hpp"
#include "slsim/compare/compare.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/trace_io.hpp"

namespace py = pybind11;

namespace slsim::py {

SourceFactory workload_opener(const pybind11::object& workload);

namespace {

template <class T>
::py::array job_view(const std::vector<BatchJobRecord>& recs, const T BatchJobRecord::*member,
                     ::py::handle owner) {
  const auto* base = recs.empty() ? nullptr : &(recs.front().*member);
  return ::py::array(::py::dtype::of<T>(), {static_cast<::py::ssize_t>(recs.size())},
                     {static_cast<::py::ssize_t>(sizeof(BatchJobRecord))}, base, owner);
}

[[noreturn]] void bad(const std::string& key, const std::string& why) {
  throw ConfigError(key, why);
}

double number(const ::py::handle& v, const std::string& key) {
  if (::py::isinstance<::py::bool_>(v) ||
      !(::py::isinstance<::py::float_>(v) || ::py::isinstance<::py::int_>(v)))
    bad(key, "must be a number");
  return v.cast<double>();
}

std::uint32_t whole(const ::py::handle& v, const std::string& key) {
  if (::py::isinstance<::py::bool_>(v) || !::py::isinstance<::py::int_>(v))
    bad(key, "must be a whole number");
  const auto x = v.cast<long long>();
  if (x < 0 || x > 4'000'000'000LL) bad(key, fmt::format("must be >= 0, got {}", x));
  return static_cast<std::uint32_t>(x);
}

// attempts, array_size: any number, refused in the words of the flag and the scenario key.
std::int64_t job_whole(const ::py::handle& v, const std::string& key) {
  if (::py::isinstance<::py::bool_>(v) ||
      !(::py::isinstance<::py::float_>(v) || ::py::isinstance<::py::int_>(v)))
    bad(key, "must be " + batch_whole_range(key));
  return batch_whole(key, v.cast<double>());
}

std::string text(const ::py::handle& v, const std::string& key) {
  if (!::py::isinstance<::py::str>(v)) bad(key, "must be a string");
  return v.cast<std::string>();
}

std::vector<std::string> names(const ::py::handle& v, const std::string& key) {
  if (::py::isinstance<::py::str>(v)) return {v.cast<std::string>()};
  std::vector<std::string> out;
  try {
    for (const auto& e : v)
      out.push_back(text(e, key));
  } catch (const ::py::error_already_set&) {
    bad(key, "must be a list of names");
  }
  return out;
}

bool job_key(BatchJobDefinition& j, const std::string& k, const ::py::handle& v) {
  if (k == "job_vcpu")
    j.vcpu = number(v, k);
  else if (k == "job_memory_gb")
    j.memory_gb = number(v, k);
  else if (k == "attempts")
    j.attempts = job_whole(v, k);
  else if (k == "error_probability")
    j.error_probability = number(v, k);
  else if (k == "timeout_s")
    j.timeout_s = number(v, k);
  else if (k == "array_size")
    j.array_size = job_whole(v, k);
  else if (k == "array_window_s")
    j.array_window_s = number(v, k);
  else if (k == "queue")
    j.queue = text(v, k);
  else if (k == "reference_memory_mb")
    j.reference_memory_mb = whole(v, k);
  else if (k == "cpu_bound_fraction")
    j.cpu_bound_fraction = number(v, k);
  else if (k == "parallel_fraction")
    j.parallel_fraction = number(v, k);
  else
    return false;
  return true;
}

bool env_key(BatchComputeEnvironment& c, const std::string& k, const ::py::handle& v) {
  if (k == "compute")
    c.compute = parse_batch_compute(text(v, k));
  else if (k == "instance_types")
    c.instance_types = names(v, k);
  else if (k == "min_vcpus")
    c.min_vcpus = number(v, k);
  else if (k == "desired_vcpus")
    c.desired_vcpus = number(v, k);
  else if (k == "max_vcpus")
    c.max_vcpus = number(v, k);
  else
    return false;
  return true;
}

// Builds BatchOptions from slsim.Batch's keywords. Unknown keys are the façade's to refuse.
BatchOptions options_from(const ::py::dict& kw, const std::string& as_of) {
  BatchOptions o;
  o.as_of = as_of.empty() ? Date::today() : Date::parse(as_of);
  BatchComputeEnvironment flat;
  bool flat_env = false;
  for (const auto& [key, v] : kw) {
    const std::string k = key.cast<std::string>();
    if (v.is_none()) continue;
    if (job_key(o.job, k, v)) continue;
    if (env_key(flat, k, v)) {
      flat_env = true;
      continue;
    }
    if (k == "scheduler_interval_s")
      o.scheduler_interval_s = number(v, k);
    else if (k == "starting_s")
      o.starting_s = number(v, k);
    else if (k == "container_start_s")
      o.container_start_s = number(v, k);
    else if (k == "instance_launch_s")
      o.instance_launch_s = number(v, k);
    else if (k == "fargate_start_s")
      o.fargate_start_s = number(v, k);
    else if (k == "scale_down_delay_s")
      o.scale_down_delay_s = number(v, k);
    else if (k == "max_submit_wait_s")
      o.max_submit_wait_s = number(v, k);
    else if (k == "spot_interruptions_per_hour")
      o.spot_interruptions_per_hour = number(v, k);
    else if (k == "spot_discount_pct")
      o.spot_discount_pct = number(v, k);
  }
  o.compute_environments = {flat};
  if (kw.contains("compute_environments") && !kw["compute_environments"].is_none()) {
    if (flat_env) {
      bad("compute_environments",
          "give compute, instance_types and the vCPU bounds in each environment, not both");
    }
    o.compute_environments.clear();
    for (const auto& e : kw["compute_environments"]) {
      BatchComputeEnvironment c;
      for (const auto& [key, v] : e.cast<::py::dict>()) {
        const std::string k = key.cast<std::string>();
        if (k == "name")
          c.name = text(v, k);
        else if (!env_key(c, k, v))
          bad("compute_environments",
              fmt::format("unknown key '{}'; allowed: name, compute, instance_types, min_vcpus, "
                          "desired_vcpus, max_vcpus",
                          k));
      }
      o.compute_environments.push_back(c);
    }
  }
  if (kw.contains("queues") && !kw["queues"].is_none()) {
    for (const auto& e : kw["queues"]) {
      BatchJobQueue q;
      for (const auto& [key, v] : e.cast<::py::dict>()) {
        const std::string k = key.cast<std::string>();
        if (k == "name")
          q.name = text(v, k);
        else if (k == "priority")
          q.priority = whole(v, k);
        else if (k == "compute_environments")
          q.compute_environments = names(v, k);
        else
          bad("queues",
              fmt::format("unknown key '{}'; allowed: name, priority, compute_environments", k));
      }
      o.queues.push_back(q);
    }
  }
  if (kw.contains("functions") && !kw["functions"].is_none()) {
    for (const auto& [name, e] : kw["functions"].cast<::py::dict>()) {
      BatchJobDefinition j = o.job;
      for (const auto& [key, v] : e.cast<::py::dict>()) {
        const std::string k = key.cast<std::string>();
        if (!job_key(j, k, v))
          bad("functions",
              fmt::format("function '{}': '{}' is not a job setting", name.cast<std::string>(), k));
      }
      o.functions[name.cast<std::string>()] = j;
    }
  }
  return o;
}

[[noreturn]] void as_value_error(const ConfigError& e) {
  throw ::py::value_error(e.key().empty() ? "Batch(): " + e.message()
                                          : fmt::format("Batch({}=...): {}", e.key(), e.message()));
}

}  // namespace

void register_batch(pybind11::module_& m) {
  ::py::class_<BatchResult>(m, "BatchResult")
      .def("summary_json", &BatchResult::to_json)
      .def_property_readonly("notes", [](const BatchResult& r) { return r.notes; })
      .def("latency_quantile",
           [](const BatchResult& r, double q) { return r.latency_ms.quantile(q); })
      .def("records",
           [](::py::object self) {
             const auto& r = self.cast<const BatchResult&>();
             ::py::dict d;
             d["arrival_s"] = job_view(r.jobs, &BatchJobRecord::arrival_s, self);
             d["start_s"] = job_view(r.jobs, &BatchJobRecord::start_s, self);
             d["end_s"] = job_view(r.jobs, &BatchJobRecord::end_s, self);
             d["function"] = job_view(r.jobs, &BatchJobRecord::function, self);
             d["attempts"] = job_view(r.jobs, &BatchJobRecord::attempts, self);
             d["outcome"] = job_view(r.jobs, &BatchJobRecord::outcome, self);
             return d;
           })
      .def("timeseries", [](const BatchResult&) { return ::py::dict(); });

  m.def(
      "_validate_batch",
      [](const ::py::dict& kw, const std::string& as_of) {
        try {
          validate_batch_options(options_from(kw, as_of));
        } catch (const ConfigError& e) {
          as_value_error(e);
        }
      },
      ::py::arg("options"), ::py::arg("as_of") = "");

  // The comparison's runner for slsim.Batch (slsim.compare).
  m.def(
      "_batch_runner",
      [](const ::py::dict& kw, const std::string& as_of, const std::string& region) {
        try {
          BatchOptions o = options_from(kw, as_of);
          o.region = region;
          validate_batch_options(o);
          return batch_runner(o);
        } catch (const ConfigError& e) {
          as_value_error(e);
        }
      },
      ::py::arg("options"), ::py::arg("as_of"), ::py::arg("region"));

  m.def(
      "_simulate_batch",
      [](const ::py::object& workload, const ::py::dict& kw, const std::string& as_of,
         const std::string& region, std::uint64_t seed, double discount_pct, bool records) {
        try {
          BatchOptions o = options_from(kw, as_of);
          o.region = region;
          o.seed = seed;
          o.discount_pct = discount_pct;
          o.record_jobs = records;
          validate_batch_options(o);
          const SourceFactory open = workload_opener(workload);
          ::py::gil_scoped_release release;
          auto src = open();
          return simulate_batch(*src, o);
        } catch (const ConfigError& e) {
          as_value_error(e);
        }
      },
      ::py::arg("workload"), ::py::arg("options"), ::py::arg("as_of"), ::py::arg("region"),
      ::py::arg("seed"), ::py::arg("discount_pct"), ::py::arg("records"));
}

}  // namespace slsim::py
