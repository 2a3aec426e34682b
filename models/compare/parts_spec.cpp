#include "slsim/compare/parts_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "slsim/compare/compare.hpp"
#include "slsim/platform/config_error.hpp"

namespace slsim {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// "a, b, c and 4 more"
std::string listed(const std::vector<std::string>& names) {
  if (names.empty()) return "(none)";
  const std::size_t shown = std::min<std::size_t>(names.size(), 10);
  return fmt::format("{}", fmt::join(names.begin(), names.begin() + shown, ", ")) +
         (names.size() > shown ? fmt::format(" and {} more", names.size() - shown) : std::string());
}

void check_platform(const std::string& key, const std::string& platform) {
  if (contains(placement_platforms(), platform)) return;
  throw ConfigError(key, fmt::format("'{}' is not a platform; allowed: {}", platform,
                                     fmt::join(placement_platforms(), ", ")));
}

}  // namespace

const std::vector<std::string>& placement_platforms() {
  // Spillover: a service sized for its base load, its HTTP overflow on Lambda (placement.hpp).
  static const std::vector<std::string> kNames{"lambda",
                                               "ecs",
                                               "fargate",
                                               "batch",
                                               "lambda-managed",
                                               "ecs-managed",
                                               "ecs+lambda",
                                               "fargate+lambda",
                                               "ecs-managed+lambda"};
  return kNames;
}

void validate_parts(const PartsSpec& p, const std::vector<std::string>* functions) {
  // ---- groups
  std::map<std::string, std::string> group_of;  // function -> group
  std::set<std::string> groups;
  for (const auto& g : p.groups) {
    const std::string key = "parts." + g.name;
    if (g.name.empty()) throw ConfigError("parts", "a part needs a name");
    if (!groups.insert(g.name).second)
      throw ConfigError(key, fmt::format("the part '{}' is given twice", g.name));
    if (g.functions.empty())
      throw ConfigError(key,
                        fmt::format("the part '{}' has no functions; list at least one", g.name));
    for (const auto& f : g.functions) {
      const auto [it, fresh] = group_of.emplace(f, g.name);
      if (fresh) continue;
      if (it->second == g.name)
        throw ConfigError(key, fmt::format("'{}' is listed twice in the part '{}'", f, g.name));
      throw ConfigError(key, fmt::format("'{}' is in two parts, '{}' and '{}'; a function "
                                         "belongs to one part",
                                         f, it->second, g.name));
    }
  }
  if (functions) {
    for (const auto& g : p.groups) {
      for (const auto& f : g.functions) {
        if (!contains(*functions, f))
          throw ConfigError("parts." + g.name,
                            fmt::format("the workload has no function '{}'; its functions: {}", f,
                                        listed(*functions)));
      }
      if (contains(*functions, g.name) && !contains(g.functions, g.name))
        throw ConfigError("parts." + g.name,
                          fmt::format("'{}' is the name of a function of the workload that is "
                                      "not in this part; name the part otherwise",
                                      g.name));
    }
  }
  // A name that settings may refer to: a group, or a function in no group.
  auto check_part = [&](const std::string& key, const std::string& part) {
    if (groups.count(part)) return;
    if (const auto it = group_of.find(part); it != group_of.end())
      throw ConfigError(key, fmt::format("'{}' is a function of the part '{}': give the setting "
                                         "for the part '{}'",
                                         part, it->second, it->second));
    if (!functions || contains(*functions, part)) return;
    std::vector<std::string> parts;
    for (const auto& g : p.groups)
      parts.push_back(g.name);
    for (const auto& f : *functions)
      if (!group_of.count(f)) parts.push_back(f);
    throw ConfigError(key, fmt::format("'{}' is not a part of this workload; its parts: {}", part,
                                       listed(parts)));
  };
  // ---- objectives
  for (const auto& [part, o] : p.objectives) {
    const std::string key = "objectives." + part;
    check_part(key, part);
    CompareOptions c;
    c.objectives.slo_p99_ms = o.slo_p99_ms;
    c.objectives.max_error_rate = o.max_error_rate;
    c.objectives.max_cold_start_rate = o.max_cold_start_rate;
    try {
      validate_compare_options(c);
    } catch (const ConfigError& e) {
      throw ConfigError(key + "." + e.key(), e.message());
    }
  }
  // ---- pins and exclusions
  for (const auto& pl : p.exclude_all)
    check_platform("exclude", pl);
  for (const auto& [part, pl] : p.place) {
    const std::string key = "place." + part;
    check_part(key, part);
    check_platform(key, pl);
    if (contains(p.exclude_all, pl))
      throw ConfigError(key, fmt::format("'{}' is pinned to {}, which is excluded for every "
                                         "part; drop the pin or the exclusion",
                                         part, pl));
    if (const auto it = p.exclude.find(part); it != p.exclude.end() && contains(it->second, pl))
      throw ConfigError(key, fmt::format("'{}' is pinned to {} and excluded from it; drop the pin "
                                         "or the exclusion",
                                         part, pl));
    // A spillover runs on both its sides: a pin to it with either side excluded is refused.
    if (const auto plus = pl.find('+'); plus != std::string::npos) {
      for (const std::string side : {pl.substr(0, plus), pl.substr(plus + 1)}) {
        const auto it = p.exclude.find(part);
        if (contains(p.exclude_all, side) || (it != p.exclude.end() && contains(it->second, side)))
          throw ConfigError(key, fmt::format("'{}' is pinned to {}, which runs on {}, and {} is "
                                             "excluded; drop the pin or the exclusion",
                                             part, pl, side, side));
      }
    }
  }
  for (const auto& [part, pls] : p.exclude) {
    const std::string key = "exclude." + part;
    check_part(key, part);
    for (const auto& pl : pls)
      check_platform(key, pl);
  }
  // A part with every platform excluded could be placed nowhere.
  std::set<std::string> named;
  for (const auto& [part, pls] : p.exclude)
    named.insert(part);
  // (A spillover is out with either of its sides, so the platforms without one decide.)
  static const std::vector<std::string> kBase{"lambda",         "ecs",        "fargate", "batch",
                                              "lambda-managed", "ecs-managed"};
  auto all_out = [&](const std::vector<std::string>& own) {
    return std::all_of(kBase.begin(), kBase.end(), [&](const std::string& pl) {
      return contains(own, pl) || contains(p.exclude_all, pl);
    });
  };
  if (all_out({}))
    throw ConfigError("exclude", fmt::format("every platform is excluded ({}); leave at least "
                                             "one",
                                             fmt::join(kBase, ", ")));
  for (const auto& part : named) {
    if (all_out(p.exclude.at(part)))
      throw ConfigError(
          "exclude." + part,
          fmt::format("every platform is excluded for '{}'; leave at least one", part));
  }
}

std::vector<Part> resolve_parts(const PartsSpec& p, const std::vector<std::string>& functions) {
  std::vector<Part> out;
  std::map<std::string, std::size_t> group_index;  // function -> index in out
  for (const auto& f : functions) {
    const auto g = std::find_if(p.groups.begin(), p.groups.end(),
                                [&](const PartGroup& x) { return contains(x.functions, f); });
    if (g == p.groups.end()) {
      out.push_back({f, {f}});
      continue;
    }
    const auto it = group_index.find(g->name);
    if (it == group_index.end()) {
      group_index[g->name] = out.size();
      out.push_back({g->name, {f}});
    } else {
      out[it->second].functions.push_back(f);
    }
  }
  return out;
}

Objectives part_objectives(const PartsSpec& p, const std::string& part,
                           const Objectives& defaults) {
  Objectives o = defaults;
  const auto it = p.objectives.find(part);
  if (it == p.objectives.end()) return o;
  if (it->second.slo_p99_ms) o.slo_p99_ms = it->second.slo_p99_ms;
  if (it->second.max_error_rate) o.max_error_rate = it->second.max_error_rate;
  if (it->second.max_cold_start_rate) o.max_cold_start_rate = it->second.max_cold_start_rate;
  return o;
}

std::vector<std::string> allowed_platforms(const PartsSpec& p, const std::string& part,
                                           const std::vector<std::string>& platforms) {
  if (const auto it = p.place.find(part); it != p.place.end()) {
    if (contains(platforms, it->second)) return {it->second};
    return {};
  }
  const auto ex = p.exclude.find(part);
  const auto out_one = [&](const std::string& pl) {
    return contains(p.exclude_all, pl) || (ex != p.exclude.end() && contains(ex->second, pl));
  };
  // A spillover (SERVICE+lambda) is out when it is, or either of its sides.
  const auto excluded = [&](const std::string& pl) {
    if (out_one(pl)) return true;
    const auto plus = pl.find('+');
    return plus != std::string::npos &&
           (out_one(pl.substr(0, plus)) || out_one(pl.substr(plus + 1)));
  };
  std::vector<std::string> out;
  for (const auto& pl : platforms)
    if (!excluded(pl)) out.push_back(pl);
  return out;
}

PartsSpec restrict_parts(const PartsSpec& p, const std::vector<std::string>& keep) {
  PartsSpec out;
  out.exclude_all = p.exclude_all;
  std::set<std::string> parts;
  for (const auto& g : p.groups) {
    PartGroup k{g.name, {}};
    for (const auto& f : g.functions)
      if (contains(keep, f)) k.functions.push_back(f);
    if (k.functions.empty()) continue;
    parts.insert(k.name);
    out.groups.push_back(std::move(k));
  }
  auto is_part = [&](const std::string& part) {
    if (parts.count(part)) return true;
    const bool grouped = std::any_of(p.groups.begin(), p.groups.end(), [&](const PartGroup& g) {
      return g.name == part || contains(g.functions, part);
    });
    return !grouped && contains(keep, part);
  };
  for (const auto& [part, o] : p.objectives)
    if (is_part(part)) out.objectives[part] = o;
  for (const auto& [part, pl] : p.place)
    if (is_part(part)) out.place[part] = pl;
  for (const auto& [part, pls] : p.exclude)
    if (is_part(part)) out.exclude[part] = pls;
  return out;
}

std::optional<PartsKey> parse_parts_key(const std::string& key) {
  for (const char* setting : {"parts", "objectives", "place", "exclude"}) {
    const std::string pre = std::string(setting) + ".";
    if (key == setting) return PartsKey{setting, "", ""};
    if (key.rfind(pre, 0) != 0) continue;
    PartsKey k{setting, key.substr(pre.size()), ""};
    if (k.setting == "objectives") {
      for (const char* o : {"slo_p99_ms", "max_error_rate", "max_cold_start_rate"}) {
        const std::string tail = std::string(".") + o;
        if (k.part.size() > tail.size() &&
            k.part.compare(k.part.size() - tail.size(), tail.size(), tail) == 0) {
          k.part.resize(k.part.size() - tail.size());
          k.objective = o;
          break;
        }
      }
    }
    return k;
  }
  return std::nullopt;
}

std::string parts_error_in_file(const ConfigError& e, const std::string& path) {
  const auto k = parse_parts_key(e.key());
  if (!k) return fmt::format("{}: {}: {}", path, e.key(), e.message());
  if (k->part.empty()) return fmt::format("{}: [report] {}: {}", path, k->setting, e.message());
  if (k->setting == "objectives") {
    if (k->objective.empty())
      return fmt::format("{}: [report.objectives.{}]: {}", path, k->part, e.message());
    return fmt::format("{}: [report.objectives.{}] {}: {}", path, k->part, k->objective,
                       e.message());
  }
  const char* table = k->setting == "parts" ? "parts" : "place";
  return fmt::format("{}: [report.{}] {}: {}", path, table, k->part, e.message());
}

}  // namespace slsim
