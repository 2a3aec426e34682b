#include "slsim/models/scenario.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <filesystem>
#include <limits>
#include <set>

#include "slsim/models/csv_trace.hpp"

namespace slsim {

namespace {

class TableReader {
 public:
  TableReader(const toml::table& t, std::string file, std::string prefix,
              std::set<std::string> allowed)
      : t_(t), file_(std::move(file)), prefix_(std::move(prefix)), allowed_(std::move(allowed)) {
    for (const auto& [k, v] : t_) {
      const std::string key(k.str());
      if (!allowed_.count(key)) {
        fail(key, fmt::format("unknown key; allowed here: {}", fmt::join(allowed_, ", ")));
      }
    }
  }

  [[noreturn]] void fail(const std::string& key, const std::string& why) const {
    throw ScenarioError(fmt::format("{}: {}{}: {}", file_, prefix_, key, why));
  }

  bool has(const std::string& key) const { return t_.contains(key); }

  std::string str(const std::string& key, std::string def) const {
    const auto* n = t_.get(key);
    if (!n) return def;
    if (auto v = n->value<std::string>()) return *v;
    fail(key, "must be a string");
  }

  double num(const std::string& key, double def) const {
    const auto* n = t_.get(key);
    if (!n) return def;
    if (auto v = n->value<double>()) return *v;
    fail(key, "must be a number");
  }

  std::int64_t integer(const std::string& key, std::int64_t def, std::int64_t lo,
                       std::int64_t hi) const {
    const auto* n = t_.get(key);
    if (!n) return def;
    const auto v = n->value<std::int64_t>();
    if (!v || !n->is_integer()) fail(key, "must be a whole number");
    if (*v < lo || *v > hi) fail(key, fmt::format("{} is out of range {}..{}", *v, lo, hi));
    return *v;
  }

  Distribution dist(const std::string& key, Distribution def) const {
    const auto* n = t_.get(key);
    if (!n) return def;
    try {
      if (n->is_number()) return Distribution::constant(*n->value<double>());
      if (auto s = n->value<std::string>()) return Distribution::parse(*s);
    } catch (const std::invalid_argument& e) {
      fail(key, e.what());
    }
    fail(key, "must be a number or a distribution such as \"lognormal(median=120,p99=900)\"");
  }

 private:
  const toml::table& t_;
  std::string file_, prefix_;
  std::set<std::string> allowed_;
};

}  // namespace

Scenario load_scenario(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw ScenarioError(fmt::format("{}:{}:{}: {}", path, b.line, b.column, e.description()));
  }
  Scenario s;
  s.file = path;
  TableReader top(root, path, "",
                  {"name", "description", "seed", "as_of", "region", "workload", "lambda",
                   "fargate", "ecs", "batch", "pricing"});
  s.name = top.str("name", s.name);
  s.description = top.str("description", "");
  s.seed = static_cast<std::uint64_t>(top.integer("seed", 1, 0, INT64_MAX));
  s.region = top.str("region", s.region);
  if (top.has("as_of")) {
    const auto* n = root.get("as_of");
    if (auto d = n->value<toml::date>()) {
      s.as_of = Date(d->year, d->month, d->day);
    } else {
      try {
        s.as_of = Date::parse(top.str("as_of", ""));
      } catch (const std::invalid_argument& e) {
        top.fail("as_of", e.what());
      }
    }
  } else {
    s.as_of = Date::today();
  }
  const toml::table* wl = root["workload"].as_table();
  if (!wl)
    top.fail("workload", "missing [workload] table (trace = \"file.csv\" or generator = ...)");
  TableReader w(
      *wl, path, "workload.",
      {"trace",        "format",         "durations",      "memory",      "sort_buffer_rows",
       "functions",    "start_s",        "end_s",          "top_n",       "time_scale",
       "generator",    "rate_per_s",     "duration_s",     "duration_ms", "memory_mb",
       "function",     "invocation",     "peak_to_trough", "peak_hour",   "weekend_factor",
       "burst_factor", "burst_fraction", "mean_burst_s",   "rate_sigma",  "duration_sigma"});
  if (w.has("trace") == w.has("generator")) {
    w.fail("trace", "give exactly one of trace = \"file.csv\" or generator = \"poisson\"");
  }
  const auto dir = std::filesystem::path(path).parent_path();
  auto resolve = [&](const std::string& p) {
    std::filesystem::path fp = p;
    if (fp.is_relative()) fp = dir / fp;
    return fp.lexically_normal().string();
  };
  const auto memory_mb = static_cast<std::uint32_t>(w.integer("memory_mb", 0, 0, 1 << 20));
  if (w.has("trace")) {
    s.workload.kind = WorkloadSpec::Kind::kTrace;
    s.workload.trace_path = resolve(w.str("trace", ""));
    auto& t = s.workload.trace;
    try {
      t.format = parse_trace_format(w.str("format", "auto"));
    } catch (const std::invalid_argument& e) {
      w.fail("format", e.what());
    }
    if (w.has("durations")) t.durations_path = resolve(w.str("durations", ""));
    if (w.has("memory")) t.memory_path = resolve(w.str("memory", ""));
    t.memory_mb = memory_mb;
    t.seed = s.seed;
    if (w.has("duration_ms")) t.default_duration_ms = w.dist("duration_ms", Distribution());
    t.sort_buffer_rows =
        static_cast<std::size_t>(w.integer("sort_buffer_rows", 1'000'000, 1, INT64_MAX));
    if (const auto* fl = wl->get_as<toml::array>("functions")) {
      for (const auto& e : *fl) {
        if (auto v = e.value<std::string>()) {
          t.select.functions.push_back(*v);
        } else {
          w.fail("functions", "must be a list of function names");
        }
      }
    } else if (w.has("functions")) {
      w.fail("functions", "must be a list of function names");
    }
    t.select.start_s = w.num("start_s", 0);
    t.select.end_s = w.num("end_s", std::numeric_limits<double>::infinity());
    t.select.top_n = static_cast<std::size_t>(w.integer("top_n", 0, 0, INT64_MAX));
    t.select.time_scale = w.num("time_scale", 1.0);
    if (!(t.select.time_scale > 0)) w.fail("time_scale", "must be > 0");
    if (!(t.select.start_s >= 0)) w.fail("start_s", "must be >= 0");
    if (!(t.select.end_s > t.select.start_s)) w.fail("end_s", "must be > start_s");
  } else {
    auto& g = s.workload.generator;
    g.pattern = w.str("generator", "");
    if (g.pattern != "poisson" && g.pattern != "diurnal" && g.pattern != "bursty" &&
        g.pattern != "azure-like") {
      w.fail("generator", fmt::format("'{}' is not a known generator; known: poisson, diurnal, "
                                      "bursty, azure-like",
                                      g.pattern));
    }
    auto& o = g.common;
    o.rate_per_s = w.num("rate_per_s", o.rate_per_s);
    o.duration_s = w.num("duration_s", o.duration_s);
    if (!(o.rate_per_s > 0)) w.fail("rate_per_s", "must be > 0");
    if (!(o.duration_s > 0)) w.fail("duration_s", "must be > 0");
    o.duration_ms = w.dist("duration_ms", o.duration_ms);
    o.memory_mb = memory_mb;
    o.function = w.str("function", o.function);
    if (w.has("invocation")) {
      const auto t = parse_invocation_type(w.str("invocation", ""));
      if (!t) w.fail("invocation", "must be one of sync, async, queue");
      o.type = *t;
    }
    o.seed = s.seed;
    g.peak_to_trough = w.num("peak_to_trough", g.peak_to_trough);
    g.peak_hour = w.num("peak_hour", g.peak_hour);
    g.weekend_factor = w.num("weekend_factor", g.weekend_factor);
    g.burst_factor = w.num("burst_factor", g.burst_factor);
    g.burst_fraction = w.num("burst_fraction", g.burst_fraction);
    g.mean_burst_s = w.num("mean_burst_s", g.mean_burst_s);
    g.functions = static_cast<std::uint32_t>(w.integer("functions", g.functions, 1, 10'000'000));
    g.rate_sigma = w.num("rate_sigma", g.rate_sigma);
    g.duration_sigma = w.num("duration_sigma", g.duration_sigma);
    try {
      make_generator(g);  // validates the pattern's own options now, with the file named
    } catch (const std::invalid_argument& e) {
      w.fail("generator", e.what());
    }
  }
  return s;
}

SourceFactory workload_factory(const Scenario& s) {
  if (s.workload.kind == WorkloadSpec::Kind::kTrace) {
    return trace_factory(s.workload.trace_path, s.workload.trace);
  }
  return [g = s.workload.generator] { return make_generator(g); };
}

std::unique_ptr<WorkloadSource> open_workload(const Scenario& s) {
  return workload_factory(s)();
}

}  // namespace slsim
