#include "compare_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "slsim/platform/config_error.hpp"
#include "table_reader.hpp"

namespace slsim::scenario_detail {

namespace {

bool read_bool(const toml::table& t, const TableReader& r, const char* key, bool def) {
  const auto* n = t.get(key);
  if (!n) return def;
  if (auto b = n->value<bool>()) return *b;
  r.fail(key, "must be true or false");
}

std::optional<double> opt_num(const TableReader& r, const char* key) {
  if (!r.has(key)) return std::nullopt;
  return r.num(key, 0);
}

// A list of names: ["a", "b"].
std::vector<std::string> names_of(const toml::node& n, const TableReader& r, const std::string& key,
                                  const char* what) {
  const auto* arr = n.as_array();
  if (!arr) r.fail(key, fmt::format("must be a list of {}", what));
  std::vector<std::string> out;
  for (const auto& e : *arr) {
    auto v = e.value<std::string>();
    if (!v) r.fail(key, fmt::format("must be a list of {}", what));
    out.push_back(*v);
  }
  return out;
}

// [report.parts], [report.objectives.PART], [report.place] and [report] exclude.
void load_parts(const toml::table& t, const std::string& path, const TableReader& r, PartsSpec& p) {
  if (const auto* n = t.get("exclude"))
    p.exclude_all = names_of(*n, r, "exclude", "platform names, e.g. [\"batch\"]");
  if (const auto* n = t.get("parts")) {
    const auto* pt = n->as_table();
    if (!pt) r.fail("parts", "must be a table: [report.parts] with NAME = [\"function\", ...]");
    std::set<std::string> names;  // every key is a part's name
    for (const auto& [k, v] : *pt)
      names.insert(std::string(k.str()));
    TableReader pr(*pt, path, "report.parts.", names);
    for (const auto& [k, v] : *pt) {
      const std::string name(k.str());
      p.groups.push_back(
          {name, names_of(v, pr, name, "function names, e.g. [\"api\", \"checkout\"]")});
    }
  }
  if (const auto* n = t.get("objectives")) {
    const auto* ot = n->as_table();
    if (!ot) r.fail("objectives", "must be a table of [report.objectives.PART] tables");
    for (const auto& [k, v] : *ot) {
      const std::string part(k.str());
      const auto* pt = v.as_table();
      if (!pt)
        r.fail("objectives." + part,
               "must be a table: [report.objectives.PART] with slo_p99_ms, max_error_rate, "
               "max_cold_start_rate");
      TableReader orr(*pt, path, "report.objectives." + part + ".",
                      {"slo_p99_ms", "max_error_rate", "max_cold_start_rate"});
      PartObjectives& o = p.objectives[part];
      o.slo_p99_ms = opt_num(orr, "slo_p99_ms");
      o.max_error_rate = opt_num(orr, "max_error_rate");
      o.max_cold_start_rate = opt_num(orr, "max_cold_start_rate");
    }
  }
  if (const auto* n = t.get("place")) {
    const auto* pt = n->as_table();
    if (!pt) r.fail("place", "must be a table: [report.place] with PART = \"platform\"");
    for (const auto& [k, v] : *pt) {
      const std::string part(k.str());
      if (auto pl = v.value<std::string>()) {
        p.place[part] = *pl;
      } else if (const auto* et = v.as_table()) {
        TableReader er(*et, path, "report.place." + part + ".", {"exclude"});
        if (const auto* ex = et->get("exclude"))
          p.exclude[part] = names_of(*ex, er, "exclude", "platform names, e.g. [\"lambda\"]");
      } else {
        r.fail("place." + part,
               "must be a platform (\"lambda\") or { exclude = [\"batch\", ...] }");
      }
    }
  }
}

void load_report(const toml::table& t, const std::string& path, Scenario& s) {
  TableReader r(t, path, "report.",
                {"platforms", "slo_p99_ms", "max_error_rate", "max_cold_start_rate", "replications",
                 "free_tier", "front_door", "bytes_per_request", "requests_per_connection",
                 "alb_availability_zones", "fail_above_usd", "fail_above_p99_ms", "parts",
                 "objectives", "place", "exclude"});
  auto& rep = s.report;
  if (const auto* n = t.get("platforms")) {
    const auto* arr = n->as_array();
    if (!arr)
      r.fail("platforms", "must be a list of platform names, e.g. [\"lambda\", \"fargate\"]");
    for (const auto& e : *arr) {
      auto v = e.value<std::string>();
      if (!v)
        r.fail("platforms", "must be a list of platform names, e.g. [\"lambda\", \"fargate\"]");
      rep.platforms.push_back(*v);
    }
  }
  rep.objectives.slo_p99_ms = opt_num(r, "slo_p99_ms");
  if (const auto e = opt_num(r, "max_error_rate")) rep.objectives.max_error_rate = e;
  rep.objectives.max_cold_start_rate = opt_num(r, "max_cold_start_rate");
  rep.replications = static_cast<std::uint32_t>(r.integer("replications", 1, 1, 1000));
  rep.free_tier = read_bool(t, r, "free_tier", true);
  if (r.has("front_door")) {
    const auto fd = r.str("front_door", "");
    if (fd == "none") {
      rep.front_door.enabled = false;
    } else if (fd == "http-api" || fd == "rest-api" || fd == "function-url") {
      rep.front_door.lambda = fd;
    } else {
      r.fail("front_door", fmt::format("'{}' is not a front door; allowed: http-api, rest-api, "
                                       "function-url, none",
                                       fd));
    }
  }
  rep.front_door.bytes_per_request = r.num("bytes_per_request", rep.front_door.bytes_per_request);
  rep.front_door.requests_per_connection =
      r.num("requests_per_connection", rep.front_door.requests_per_connection);
  rep.front_door.alb_availability_zones = static_cast<std::uint32_t>(
      r.integer("alb_availability_zones", rep.front_door.alb_availability_zones, 2, 6));
  rep.fail_above_usd = opt_num(r, "fail_above_usd");
  rep.fail_above_p99_ms = opt_num(r, "fail_above_p99_ms");
  load_parts(t, path, r, rep.parts);
  try {
    validate_report_settings(rep);
  } catch (const ConfigError& e) {
    if (parse_parts_key(e.key())) throw ScenarioError(parts_error_in_file(e, path));
    r.fail(e.key(), e.message());
  }
}

// One [[workloads]] entry: a generator (same keys as [workload]) or generator = "schedule".
MixEntry load_mix_entry(const toml::table& t, const std::string& path, std::size_t index,
                        std::uint64_t seed) {
  const std::string prefix = fmt::format("workloads[{}].", index);
  TableReader w(t, path, prefix,
                {"generator", "rate_per_s", "duration_s", "duration_ms", "memory_mb", "function",
                 "invocation", "peak_to_trough", "peak_hour", "weekend_factor", "burst_factor",
                 "burst_fraction", "mean_burst_s", "functions", "rate_sigma", "duration_sigma",
                 "at_hour", "every_s", "count"});
  MixEntry e;
  const auto pattern = w.str("generator", "");
  static const std::vector<std::string> kKnown{"poisson", "diurnal", "bursty", "azure-like",
                                               "schedule"};
  if (std::find(kKnown.begin(), kKnown.end(), pattern) == kKnown.end()) {
    w.fail("generator", fmt::format("'{}' is not a known generator; known: poisson, diurnal, "
                                    "bursty, azure-like, schedule",
                                    pattern));
  }
  e.schedule = pattern == "schedule";
  GeneratorOptions o;
  o.rate_per_s = w.num("rate_per_s", o.rate_per_s);
  o.duration_s = w.num("duration_s", o.duration_s);
  if (!(o.duration_s > 0)) w.fail("duration_s", "must be > 0");
  o.duration_ms = w.dist("duration_ms", o.duration_ms);
  o.memory_mb = static_cast<std::uint32_t>(w.integer("memory_mb", 0, 0, 1 << 20));
  o.function = w.str("function", fmt::format("workload{}", index + 2));
  if (w.has("invocation")) {
    const auto ty = parse_invocation_type(w.str("invocation", ""));
    if (!ty) w.fail("invocation", "must be one of sync, async, queue");
    o.type = *ty;
  }
  // Each workload of the mix draws from its own streams of the scenario's seed.
  o.seed = seed;
  if (e.schedule) {
    for (const char* k :
         {"rate_per_s", "peak_to_trough", "peak_hour", "weekend_factor", "burst_factor",
          "burst_fraction", "mean_burst_s", "functions", "rate_sigma", "duration_sigma"}) {
      if (w.has(k))
        w.fail(k,
               "is not a setting of generator = \"schedule\" (it has at_hour, "
               "every_s, count)");
    }
    auto& sc = e.scheduled;
    static_cast<GeneratorOptions&>(sc) = o;
    const double at_hour = w.num("at_hour", 2.0);
    if (!(at_hour >= 0 && at_hour < 24)) w.fail("at_hour", "must be an hour of the day, 0 to 24");
    sc.at_s = at_hour * 3600.0;
    sc.every_s = w.num("every_s", sc.every_s);
    if (!(sc.every_s > 0)) w.fail("every_s", "must be a number of seconds > 0");
    sc.count = static_cast<std::uint32_t>(w.integer("count", 1, 1, 1'000'000));
  } else {
    for (const char* k : {"at_hour", "every_s", "count"}) {
      if (w.has(k)) w.fail(k, "is a setting of generator = \"schedule\" only");
    }
    check_generator_keys(t, w, pattern);
    auto& g = e.generator;
    g.pattern = pattern;
    g.common = o;
    read_generator_shape(w, g);
  }
  try {
    make_mix_entry(e);  // validates the pattern's own options now, with the file named
  } catch (const ConfigError& ex) {
    w.fail(ex.key(), ex.message());
  } catch (const std::invalid_argument& ex) {
    w.fail("generator", ex.what());
  }
  return e;
}

}  // namespace

void load_compare_tables(const toml::table& root, const std::string& path, Scenario& s) {
  if (s.workload.kind == WorkloadSpec::Kind::kTrace &&
      !std::filesystem::exists(s.workload.trace_path)) {
    throw ScenarioError(
        fmt::format("{}: workload.trace: '{}' does not exist (a path relative to "
                    "the scenario file, or absolute)",
                    path, s.workload.trace_path));
  }
  if (const auto* n = root.get("report")) {
    const auto* t = n->as_table();
    if (!t) throw ScenarioError(fmt::format("{}: report: must be a table ([report])", path));
    load_report(*t, path, s);
  }
  if (const auto* n = root.get("workloads")) {
    const auto* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) {
      throw ScenarioError(fmt::format(
          "{}: workloads: must be a list of tables ([[workloads]] with generator = ...)", path));
    }
    for (std::size_t i = 0; i < arr->size(); ++i) {
      s.more_workloads.push_back(
          load_mix_entry(*(*arr)[i].as_table(), path, i, mix_seed(s.seed, i)));
    }
  }
}

}  // namespace slsim::scenario_detail
