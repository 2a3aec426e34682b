#include "slsim/models/scenario.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <filesystem>
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
  TableReader w(*wl, path, "workload.",
                {"trace", "generator", "rate_per_s", "duration_s", "duration_ms", "memory_mb",
                 "function", "invocation"});
  if (w.has("trace") == w.has("generator")) {
    w.fail("trace", "give exactly one of trace = \"file.csv\" or generator = \"poisson\"");
  }
  if (w.has("trace")) {
    s.workload.kind = WorkloadSpec::Kind::kCsv;
    std::filesystem::path p = w.str("trace", "");
    if (p.is_relative()) p = std::filesystem::path(path).parent_path() / p;
    s.workload.trace_path = p.lexically_normal().string();
  } else {
    const std::string g = w.str("generator", "");
    if (g != "poisson")
      w.fail("generator", fmt::format("'{}' is not a known generator; known: poisson", g));
    auto& o = s.workload.poisson;
    o.rate_per_s = w.num("rate_per_s", o.rate_per_s);
    o.duration_s = w.num("duration_s", o.duration_s);
    if (!(o.rate_per_s > 0)) w.fail("rate_per_s", "must be > 0");
    if (!(o.duration_s > 0)) w.fail("duration_s", "must be > 0");
    o.duration_ms = w.dist("duration_ms", o.duration_ms);
    o.memory_mb = static_cast<std::uint32_t>(w.integer("memory_mb", 0, 0, 1 << 20));
    o.function = w.str("function", o.function);
    if (w.has("invocation")) {
      const auto t = parse_invocation_type(w.str("invocation", ""));
      if (!t) w.fail("invocation", "must be one of sync, async, queue");
      o.type = *t;
    }
    o.seed = s.seed;
  }
  return s;
}

std::unique_ptr<WorkloadSource> open_workload(const Scenario& s) {
  switch (s.workload.kind) {
    case WorkloadSpec::Kind::kCsv:
      return std::make_unique<CsvTraceReader>(s.workload.trace_path);
    case WorkloadSpec::Kind::kPoisson:
      return std::make_unique<PoissonSource>(s.workload.poisson);
  }
  return nullptr;
}

}  // namespace slsim
