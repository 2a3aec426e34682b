// Workloads: opening traces and generators, counting, summarising and exporting as columns.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>

#include "register.hpp"
#include "slsim/workload/array_source.hpp"
#include "slsim/workload/generators.hpp"
#include "slsim/workload/trace_error.hpp"
#include "slsim/workload/trace_io.hpp"
#include "slsim/workload/trace_stats.hpp"
#include "slsim/workload/workload_filter.hpp"

namespace py = pybind11;

namespace slsim::py {

/// A re-openable workload: every operation opens a fresh stream.
struct CoreWorkload {
  SourceFactory open;
};

SourceFactory workload_opener(const pybind11::object& workload) {
  return workload.cast<const CoreWorkload&>().open;
}

namespace {

SelectOptions make_select(const std::vector<std::string>& functions, double start_s, double end_s,
                          std::size_t top_n, double time_scale, std::optional<double> span_s) {
  SelectOptions s;
  s.span_s = span_s;
  s.functions = functions;
  s.start_s = start_s;
  s.end_s = end_s;
  s.top_n = top_n;
  s.time_scale = time_scale;
  return s;
}

CoreWorkload from_trace(const std::string& path, const std::string& format, std::uint32_t memory_mb,
                        std::uint64_t seed, const std::string& durations, const std::string& memory,
                        std::optional<Distribution> default_duration_ms,
                        std::size_t sort_buffer_rows, bool skip_bad_rows,
                        const SelectOptions& select) {
  TraceOptions o;
  o.format = parse_trace_format(format);
  o.memory_mb = memory_mb;
  o.seed = seed;
  o.durations_path = durations;
  o.memory_path = memory;
  o.default_duration_ms = std::move(default_duration_ms);
  o.sort_buffer_rows = sort_buffer_rows;
  o.skip_bad_rows = skip_bad_rows;
  o.select = select;
  auto f = trace_factory(path, o);
  f();  // open once now, so a bad file fails at construction
  return {f};
}

CoreWorkload from_lambda_logs(const std::string& path, const std::string& function,
                              const std::string& log_group, std::size_t sort_buffer_rows,
                              bool skip_bad_rows, const SelectOptions& select) {
  TraceOptions o;
  o.format = TraceFormat::kLambdaLogs;
  o.function = function;
  o.log_group = log_group;
  o.sort_buffer_rows = sort_buffer_rows;
  o.skip_bad_rows = skip_bad_rows;
  o.select = select;
  auto f = trace_factory(path, o);
  f();  // open once now, so a bad file fails at construction
  return {f};
}

}  // namespace

void register_workload(pybind11::module_& m) {
  ::py::register_exception<TraceError>(m, "TraceError", PyExc_ValueError);

  ::py::class_<CoreWorkload>(m, "Workload")
      .def("count",
           [](const CoreWorkload& w) {
             ::py::gil_scoped_release release;
             auto s = w.open();
             std::uint64_t n = 0;
             Invocation inv;
             while (s->next(inv))
               ++n;
             return n;
           })
      .def("describe", [](const CoreWorkload& w) { return w.open()->describe(); })
      .def("function_names",
           [](const CoreWorkload& w) {
             ::py::gil_scoped_release release;
             return function_names(w.open);
           })
      // Issue 20: the workload's functions named in `functions` only (any source), as
      // --functions; a name the workload does not have is a ValueError naming `functions`.
      .def(
          "keep_functions",
          [](const CoreWorkload& w, const std::vector<std::string>& functions) {
            {
              std::vector<std::string> all;
              {
                ::py::gil_scoped_release release;
                all = function_names(w.open);
              }
              for (const auto& f : functions) {
                if (std::find(all.begin(), all.end(), f) != all.end()) continue;
                const std::size_t shown = std::min<std::size_t>(all.size(), 10);
                std::string theirs;
                for (std::size_t i = 0; i < shown; ++i)
                  theirs += (i ? ", " : "") + all[i];
                if (all.size() > shown)
                  theirs += " and " + std::to_string(all.size() - shown) + " more";
                throw ::py::value_error("functions: the workload has no function '" + f +
                                        "'; its functions: " + (all.empty() ? "(none)" : theirs));
              }
            }
            const SourceFactory open = w.open;
            return CoreWorkload{[open, functions] { return keep_functions(open(), functions); }};
          },
          ::py::arg("functions"))
      .def(
          "stats_json",
          [](const CoreWorkload& w, std::size_t top_n) {
            ::py::gil_scoped_release release;
            auto s = w.open();
            return to_json(summarize(*s, top_n));
          },
          ::py::arg("top_n") = 10)
      .def("to_csv",
           [](const CoreWorkload& w, const std::string& path) {
             ::py::gil_scoped_release release;
             auto s = w.open();
             return write_csv(*s, path);
           })
      .def("columns", [](const CoreWorkload& w) {
        std::vector<double> arrival, duration;
        std::vector<std::uint32_t> function, memory;
        std::vector<std::uint8_t> type;
        std::vector<std::string> names;
        {
          ::py::gil_scoped_release release;
          auto s = w.open();
          Invocation inv;
          while (s->next(inv)) {
            arrival.push_back(to_seconds(inv.arrival));
            duration.push_back(to_millis(inv.work));
            function.push_back(inv.function);
            memory.push_back(inv.memory_mb);
            type.push_back(static_cast<std::uint8_t>(inv.type));
          }
          for (const auto& f : s->functions().all())
            names.push_back(f.name);
        }
        ::py::dict d;
        d["arrival_s"] =
            ::py::array_t<double>(static_cast<::py::ssize_t>(arrival.size()), arrival.data());
        d["duration_ms"] =
            ::py::array_t<double>(static_cast<::py::ssize_t>(duration.size()), duration.data());
        d["function"] = ::py::array_t<std::uint32_t>(static_cast<::py::ssize_t>(function.size()),
                                                     function.data());
        d["memory_mb"] =
            ::py::array_t<std::uint32_t>(static_cast<::py::ssize_t>(memory.size()), memory.data());
        d["invocation"] =
            ::py::array_t<std::uint8_t>(static_cast<::py::ssize_t>(type.size()), type.data());
        d["function_names"] = names;
        return d;
      });

  m.def("_workload_from_trace", &from_trace, ::py::arg("path"), ::py::arg("format"),
        ::py::arg("memory_mb"), ::py::arg("seed"), ::py::arg("durations"), ::py::arg("memory"),
        ::py::arg("default_duration_ms"), ::py::arg("sort_buffer_rows"), ::py::arg("skip_bad_rows"),
        ::py::arg("select"));

  m.def("_workload_from_lambda_logs", &from_lambda_logs, ::py::arg("path"), ::py::arg("function"),
        ::py::arg("log_group"), ::py::arg("sort_buffer_rows"), ::py::arg("skip_bad_rows"),
        ::py::arg("select"));

  ::py::class_<SelectOptions>(m, "SelectOptions")
      .def(::py::init(&make_select), ::py::arg("functions"), ::py::arg("start_s"),
           ::py::arg("end_s"), ::py::arg("top_n"), ::py::arg("time_scale"),
           ::py::arg("span_s") = std::nullopt);

  m.def(
      "_workload_generator",
      [](const std::string& pattern, double rate_per_s, double duration_s,
         const Distribution& duration_ms, std::uint32_t memory_mb, const std::string& function,
         const std::string& invocation, std::uint64_t seed, const ::py::dict& extra) {
        GeneratorSpec g;
        g.pattern = pattern;
        g.common.rate_per_s = rate_per_s;
        g.common.duration_s = duration_s;
        g.common.duration_ms = duration_ms;
        g.common.memory_mb = memory_mb;
        g.common.function = function;
        const auto t = parse_invocation_type(invocation);
        if (!t) throw std::invalid_argument("invocation must be one of sync, async, queue");
        g.common.type = *t;
        g.common.seed = seed;
        for (auto item : extra) {
          const auto key = item.first.cast<std::string>();
          if (key == "peak_to_trough")
            g.peak_to_trough = item.second.cast<double>();
          else if (key == "peak_hour")
            g.peak_hour = item.second.cast<double>();
          else if (key == "weekend_factor")
            g.weekend_factor = item.second.cast<double>();
          else if (key == "burst_factor")
            g.burst_factor = item.second.cast<double>();
          else if (key == "burst_fraction")
            g.burst_fraction = item.second.cast<double>();
          else if (key == "mean_burst_s")
            g.mean_burst_s = item.second.cast<double>();
          else if (key == "functions")
            g.functions = item.second.cast<std::uint32_t>();
          else if (key == "rate_sigma")
            g.rate_sigma = item.second.cast<double>();
          else if (key == "duration_sigma")
            g.duration_sigma = item.second.cast<double>();
          else
            throw std::invalid_argument("unknown generator option '" + key + "'");
        }
        make_generator(g);  // validate now
        return CoreWorkload{[g] { return make_generator(g); }};
      },
      ::py::arg("pattern"), ::py::arg("rate_per_s"), ::py::arg("duration_s"),
      ::py::arg("duration_ms"), ::py::arg("memory_mb"), ::py::arg("function"),
      ::py::arg("invocation"), ::py::arg("seed"), ::py::arg("extra"));

  m.def(
      "_workload_from_columns",
      [](::py::array_t<double, ::py::array::c_style | ::py::array::forcecast> arrival_s,
         ::py::array_t<double, ::py::array::c_style | ::py::array::forcecast> duration_ms,
         ::py::array_t<std::uint32_t, ::py::array::c_style | ::py::array::forcecast> function,
         std::vector<std::string> names,
         std::optional<::py::array_t<std::uint32_t, ::py::array::c_style | ::py::array::forcecast>>
             memory_mb,
         std::optional<::py::array_t<std::uint8_t, ::py::array::c_style | ::py::array::forcecast>>
             type) {
        WorkloadColumns c;
        c.arrival_s.assign(arrival_s.data(), arrival_s.data() + arrival_s.size());
        c.duration_ms.assign(duration_ms.data(), duration_ms.data() + duration_ms.size());
        c.function.assign(function.data(), function.data() + function.size());
        c.function_names = std::move(names);
        if (memory_mb) c.memory_mb.assign(memory_mb->data(), memory_mb->data() + memory_mb->size());
        if (type) {
          for (::py::ssize_t i = 0; i < type->size(); ++i) {
            const auto v = type->data()[i];
            if (v > 2)
              throw std::invalid_argument("invocation codes are 0 (sync), 1 (async), 2 (queue)");
            c.type.push_back(static_cast<InvocationType>(v));
          }
        }
        FunctionTable table;
        auto rows = ArraySource::prepare(c, table);
        return CoreWorkload{[rows, table] { return std::make_unique<ArraySource>(rows, table); }};
      },
      ::py::arg("arrival_s"), ::py::arg("duration_ms"), ::py::arg("function"), ::py::arg("names"),
      ::py::arg("memory_mb"), ::py::arg("invocation"));
}

}  // namespace slsim::py
