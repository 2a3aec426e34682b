#include "containers_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "bill_output.hpp"
#include "cli_support.hpp"
#include "slsim/containers/options_io.hpp"
#include "slsim/platform/config_error.hpp"

namespace slsim::cli {

namespace {

std::string dashed(std::string key) {
  for (auto& c : key)
    if (c == '_') c = '-';
  return "--" + key;
}

bool is_bool(const std::string& k) {
  return k == "spot" || k == "start_from_zero" || k == "managed_scaling";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ContainerArgs::given() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, opt] : options) {
    if (opt->count() == 0) continue;
    if (is_bool(key)) {
      out.emplace_back(key, flags.at(key) ? "true" : "false");
    } else {
      out.emplace_back(key, opt->as<std::string>());
    }
  }
  return out;
}

std::string ContainerArgs::container_only_flag() const {
  for (const auto& [key, opt] : options) {
    if (opt->count() == 0) continue;
    if (std::find(shared.begin(), shared.end(), key) == shared.end()) return dashed(key);
  }
  return timeline ? "--timeline" : "";
}

void add_container_options(CLI::App* cmd, ContainerArgs& a) {
  std::vector<std::string> keys = container_service_keys();
  for (const auto& k : container_cluster_keys())
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  for (const auto& k : keys) {
    if (k == "functions") continue;  // services group functions in a scenario file
    const auto name = dashed(k);
    if (auto* existing = cmd->get_option_no_throw(name)) {
      a.options.emplace_back(k, existing);
      a.shared.push_back(k);
      continue;
    }
    const auto help = fmt::format("ecs/fargate: {} (scenario key {})", k, k);
    CLI::Option* opt = nullptr;
    if (is_bool(k)) {
      a.flags[k] = false;
      opt = cmd->add_flag(name, a.flags[k], help);
    } else {
      opt = cmd->add_option(name, a.text[k], help);
    }
    opt->group("Containers (--platform ecs|fargate)");
    a.options.emplace_back(k, opt);
  }
  cmd->add_flag("--timeline", a.timeline, "ecs/fargate: print the scaling timeline (per minute)")
      ->group("Containers (--platform ecs|fargate)");
}

ContainerOptions container_options(const std::string& platform, const Scenario& s,
                                   const ContainerArgs& args) {
  ContainerOptions o = platform == "ecs" ? static_cast<ContainerOptions>(s.ecs)
                                         : static_cast<ContainerOptions>(s.fargate);
  o.as_of = s.as_of;
  o.region = s.region;
  o.seed = s.seed;
  o.record_timeline = args.timeline;
  for (const auto& [key, value] : args.given()) {
    try {
      // A flag sets the defaults and every named service (as Lambda's flags do).
      set_container_option(o, o.defaults, key, value);
      for (auto& [name, svc] : o.services) {
        const auto& cluster = container_cluster_keys();
        const bool cluster_key = o.launch_type == LaunchType::kEc2 &&
                                 std::find(cluster.begin(), cluster.end(), key) != cluster.end();
        if (!cluster_key) set_container_option(o, svc, key, value, true);
      }
    } catch (const ConfigError& e) {
      // The flag is the prefix, as for Lambda's flags; the message names the value.
      throw ConfigError("", flag_message(dashed(key), key, e.message()));
    }
  }
  try {
    validate_containers(o);
  } catch (const ConfigError& e) {
    throw ConfigError(
        "", e.key().empty() ? e.message() : fmt::format("{}: {}", dashed(e.key()), e.message()));
  }
  return o;
}

std::vector<Table> container_tables(const ContainerResult& r) {
  const bool ec2 = r.platform == "ecs";
  Table t{ec2 ? "ECS on EC2" : "Fargate", {{"metric", "value"}}};
  auto row = [&](std::string k, std::string v) { t.rows.push_back({std::move(k), std::move(v)}); };
  const auto& o = r.outcomes;
  row("arrived", fmt::format("{}", r.arrived));
  row("completed / failed / timed out / refused",
      fmt::format("{} / {} / {} / {}", o.completed, o.failed, o.timed_out, o.refused));
  row("unfinished", fmt::format("{}", o.unfinished));
  row("attempts / retries", fmt::format("{} / {}", r.attempts, r.retries));
  row("waited for a new task", fmt::format("{}", r.cold_starts));
  row("latency mean (ms)", fmt::format("{:.1f}", r.latency_stats.mean()));
  row("latency p50 / p90 / p99 (ms)",
      fmt::format("{:.1f} / {:.1f} / {:.1f}", r.latency_ms.quantile(0.5),
                  r.latency_ms.quantile(0.9), r.latency_ms.quantile(0.99)));
  row("queue wait p50 / p99 (ms)", fmt::format("{:.1f} / {:.1f}", r.queue_wait_ms.quantile(0.5),
                                               r.queue_wait_ms.quantile(0.99)));
  row("tasks mean / max", fmt::format("{:.2f} / {:.0f}", r.instances_mean, r.instances_max));
  if (ec2) row("instances mean / max", fmt::format("{:.2f} / {:.0f}", r.hosts_mean, r.hosts_max));
  row(ec2 ? "CPU utilisation of instances" : "CPU utilisation of tasks",
      fmt::format("{:.1f}%", 100 * r.utilisation));
  row("simulated span (s)", fmt::format("{:.1f}", r.span_s));
  for (const auto& [k, v] : r.extra)
    row(k, fmt::format("{:g}", v));
  for (const auto& n : r.notes)
    row("note", n);
  std::vector<Table> out{t};
  if (!r.timeline.empty()) {
    Table tl{"Scaling timeline", {{"time_s", "desired", "running", "instances"}}};
    for (const auto& x : r.timeline)
      tl.rows.push_back({fmt::format("{:g}", x.time_s), fmt::format("{}", x.desired),
                         fmt::format("{}", x.running), fmt::format("{}", x.instances)});
    out.push_back(tl);
  }
  out.push_back(bill_table(r.bill, ec2 ? "ECS on EC2 bill" : "Fargate bill"));
  return out;
}

void run_container_simulation(const std::string& platform, const Scenario& s,
                              WorkloadSource& workload, const ContainerArgs& args,
                              const std::string& format) {
  const auto o = container_options(platform, s, args);
  const ContainerResult r = simulate_containers(workload, o);
  const auto f = parse_format(format);
  if (f == Format::kJson) {
    std::cout << r.to_json() << "\n";
  } else {
    write_tables(std::cout, container_tables(r), f);
  }
}

}  // namespace slsim::cli
