// The [ecs], [fargate], [lambda_managed] and [ecs_managed] tables: every value goes through the
// containers' one setter (set_container_option) and validator (validate_containers), as CLI flags
// and Python keywords do.

#include "containers_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "slsim/containers/options_io.hpp"
#include "slsim/platform/config_error.hpp"
#include "table_reader.hpp"

namespace slsim::scenario_detail {

namespace {

std::string scalar_text(const toml::node& n, const TableReader& r, const std::string& key) {
  if (auto v = n.value<std::string>(); v && n.is_string()) return *v;
  if (n.is_boolean()) return *n.value<bool>() ? "true" : "false";
  if (n.is_integer()) return fmt::format("{}", *n.value<std::int64_t>());
  if (n.is_floating_point()) return fmt::format("{}", *n.value<double>());
  r.fail(key, "must be a number, a string or true/false");
}

/// A TOML value as the text form set_container_option reads.
std::string to_text(const toml::node& n, const TableReader& r, const std::string& key) {
  const bool triples = key == "step_scaling" || key == "schedule";
  const auto* arr = n.as_array();
  if (!arr) return scalar_text(n, r, key);
  std::string out;
  for (const auto& e : *arr) {
    std::string item;
    if (const auto* t = e.as_table()) {
      if (!triples) r.fail(key, "must be a list of values");
      const char* names[3] = {"lower_pct", "upper_pct", "change"};
      if (key == "schedule") {
        names[0] = "at_s";
        names[1] = "min_tasks";
        names[2] = "max_tasks";
      }
      for (const auto& [k, v] : *t) {
        const std::string_view kk = k.str();
        if (kk != names[0] && kk != names[1] && kk != names[2]) {
          r.fail(key, fmt::format("unknown field '{}'; each item has {}, {} and {}", kk, names[0],
                                  names[1], names[2]));
        }
      }
      for (int i = 0; i < 3; ++i) {
        const auto* f = t->get(names[i]);
        std::string text;
        if (f) {
          text = scalar_text(*f, r, key);
        } else if (i == 1 && key == "step_scaling") {
          text = "inf";  // no upper bound
        } else {
          r.fail(key, fmt::format("each item needs {}", names[i]));
        }
        item += (i ? ":" : "") + text;
      }
    } else {
      item = scalar_text(e, r, key);
    }
    out += (out.empty() ? "" : (triples ? ";" : ",")) + item;
  }
  return out;
}

void read_settings(const toml::table& t, const TableReader& r, ContainerOptions& o,
                   ServiceConfig& s, bool service_only) {
  const Managed managed = o.launch_type == LaunchType::kEc2 ? o.managed : Managed::kNone;
  const auto& own = container_service_keys(managed);
  const auto& cluster = container_cluster_keys(managed);
  for (const auto& [k, node] : t) {
    const std::string key(k.str());
    if (key == "services" || key == "discount_pct") continue;
    // A number, not text that reads as one; "auto" is the word a sized setting takes (the
    // setter refuses it for the others). Another platform's key: the setter says whose it is.
    const bool of_platform = std::find(own.begin(), own.end(), key) != own.end() ||
                             std::find(cluster.begin(), cluster.end(), key) != cluster.end();
    if (of_platform && node.is_string() && container_key_is_number(key) &&
        *node.value<std::string>() != "auto") {
      r.fail(key,
             fmt::format("must be a number, not the string \"{}\"", *node.value<std::string>()));
    }
    try {
      set_container_option(o, s, key, to_text(node, r, key), service_only);
    } catch (const ConfigError& e) {
      r.fail(key, e.message());
    }
  }
}

void load_one(const toml::table& root, const std::string& name, const std::string& path,
              const Scenario& sc, ContainerOptions& o) {
  o.as_of = sc.as_of;
  o.region = sc.region;
  o.seed = sc.seed;
  if (!root.contains(name)) return;
  const toml::table* t = root[name].as_table();
  if (!t) throw ScenarioError(fmt::format("{}: {}: must be a table", path, name));
  const bool ec2 = o.launch_type == LaunchType::kEc2;
  const Managed managed = ec2 ? o.managed : Managed::kNone;
  const auto& own = container_service_keys(managed);
  const auto& cluster = container_cluster_keys(managed);
  std::set<std::string> keys;
  for (const auto& k : own)
    if (k != "functions") keys.insert(k);
  std::set<std::string> service_keys(own.begin(), own.end());
  if (ec2) {
    keys.insert(cluster.begin(), cluster.end());
    for (const auto& k : cluster)
      service_keys.erase(k);
  }
  // The managed platforms (issue 24): every setting reaches the setter, which says whose
  // another platform's key is ("not a Lambda Managed Instances setting", "AWS manages the
  // instances of ECS Managed Instances") or lists the platform's keys for an unknown one.
  const auto every_key = [managed](const toml::table& table, std::set<std::string>& allowed) {
    if (managed == Managed::kNone) return;
    for (const auto& [k, v] : table)
      if (k.str() != "services" && k.str() != "discount_pct") allowed.insert(std::string(k.str()));
  };
  every_key(*t, keys);
  keys.insert({"services", "discount_pct"});
  TableReader r(*t, path, name + ".", keys);
  read_settings(*t, r, o, o.defaults, false);
  o.discount_pct = r.num("discount_pct", 0);
  if (t->contains("services")) {
    const toml::table* svcs = (*t)["services"].as_table();
    if (!svcs) r.fail("services", "must be a table of [" + name + ".services.NAME] tables");
    for (const auto& [sname, node] : *svcs) {
      const std::string sn(sname.str());
      const auto* st = node.as_table();
      if (!st) r.fail("services." + sn, "must be a table of settings");
      std::set<std::string> allowed = service_keys;
      every_key(*st, allowed);
      TableReader sr(*st, path, name + ".services." + sn + ".", allowed);
      ServiceConfig c = o.defaults;
      c.functions.clear();
      read_settings(*st, sr, o, c, true);
      if (c.functions.empty()) c.functions = {sn};  // a service named after its one function
      o.services[sn] = c;
    }
  }
  try {
    // A platform not launched at as_of: its values are checked as of its launch, and a report
    // says it cannot run (the table is kept for another date).
    validate_containers(at_launch_if_not_launched(o));
  } catch (const ConfigError& e) {
    // Errors about a named service start with "service NAME: ".
    std::string where = name + ".";
    std::string msg = e.message();
    if (msg.rfind("service ", 0) == 0) {
      const auto colon = msg.find(": ");
      where += "services." + msg.substr(8, colon - 8) + ".";
      msg = msg.substr(colon + 2);
    }
    throw ScenarioError(TableReader::where(path, where, e.key()) + ": " + msg);
  }
}

}  // namespace

void load_container_tables(const toml::table& root, const std::string& path, Scenario& s) {
  load_one(root, "ecs", path, s, s.ecs);
  load_one(root, "fargate", path, s, s.fargate);
  load_one(root, "lambda_managed", path, s, s.lambda_managed);
  load_one(root, "ecs_managed", path, s, s.ecs_managed);
}

}  // namespace slsim::scenario_detail
