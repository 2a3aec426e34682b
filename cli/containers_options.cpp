#include "containers_options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iostream>

#include "bill_output.hpp"
#include "cli_support.hpp"
#include "slsim/containers/options_io.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/platform/impossible_error.hpp"
#include "trace_options.hpp"

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
      // Every value given: a list flag shared with Batch (--instance-type a,b) splits on ','
      // into several results, and as<std::string>() would keep the first alone (outside
      // review N8: "m5.large,banana" ran on m5.large, the typo unseen).
      const auto& r = opt->results();
      out.emplace_back(key, fmt::format("{}", fmt::join(r, ",")));
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

namespace {

bool has_key(const std::vector<std::string>& keys, const std::string& k) {
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

// Every container setting of some platform: ECS's, then those of the managed platforms.
std::vector<std::string> all_container_keys() {
  std::vector<std::string> keys;
  for (const Managed m : {Managed::kNone, Managed::kEcs, Managed::kLambda})
    for (const auto* list : {&container_service_keys(m), &container_cluster_keys(m)})
      for (const auto& k : *list)
        if (!has_key(keys, k)) keys.push_back(k);
  return keys;
}

std::string help_platforms(const std::vector<std::string>& platforms) {
  std::string out;
  for (const auto& p : platforms)
    out += (out.empty() ? "" : "/") + p;
  return out;
}

const char* const kContainerGroup = "Containers (--platform ecs|fargate)";
const char* const kManagedGroup = "Managed Instances (--platform lambda-managed|ecs-managed)";

}  // namespace

std::vector<std::string> container_flag_owners(const std::string& key) {
  std::vector<std::string> out;
  if (has_key(container_service_keys(), key) || has_key(container_cluster_keys(), key))
    out.insert(out.end(), {"ecs", "fargate"});
  if (has_key(container_service_keys(Managed::kLambda), key) ||
      has_key(container_cluster_keys(Managed::kLambda), key))
    out.emplace_back("lambda-managed");
  if (has_key(container_service_keys(Managed::kEcs), key) ||
      has_key(container_cluster_keys(Managed::kEcs), key))
    out.emplace_back("ecs-managed");
  return out;
}

std::vector<std::string> container_flag_platforms(const std::string& key) {
  const bool ecs = has_key(container_service_keys(), key) || has_key(container_cluster_keys(), key);
  std::vector<std::string> out = container_flag_owners(key);
  // An ECS key given to a managed platform reaches its setter, which says whose it is ("AWS
  // manages the instances of ECS Managed Instances", "not a Lambda Managed Instances setting").
  for (const char* m : {"lambda-managed", "ecs-managed"})
    if (ecs && !has_key(out, m)) out.emplace_back(m);
  return out;
}

void add_container_options(CLI::App* cmd, ContainerArgs& a) {
  for (const auto& k : all_container_keys()) {
    if (k == "functions") continue;  // services group functions in a scenario file
    const auto name = dashed(k);
    const bool ecs = has_key(container_service_keys(), k) || has_key(container_cluster_keys(), k);
    if (auto* existing = cmd->get_option_no_throw(name)) {
      // The queue flags shared with Lambda (and Batch): listed with the containers' flags, their
      // help naming every platform they apply to. Lambda's --memory-mb and --runtime are Lambda
      // Managed Instances' too.
      if (k == "visibility_timeout_s" || k == "error_probability") {
        existing->group(kContainerGroup);
      }
      a.options.emplace_back(k, existing);
      a.shared.push_back(k);
      continue;
    }
    const auto help =
        fmt::format("{}: {} (scenario key {})", help_platforms(container_flag_owners(k)), k, k);
    CLI::Option* opt = nullptr;
    if (is_bool(k)) {
      a.flags[k] = false;
      opt = cmd->add_flag(name, a.flags[k], help);
    } else {
      opt = cmd->add_option(name, a.text[k], help);
    }
    opt->group(ecs ? kContainerGroup : kManagedGroup);
    a.options.emplace_back(k, opt);
  }
  cmd->add_flag("--timeline", a.timeline,
                "ecs/fargate/lambda-managed/ecs-managed: print the scaling timeline (per minute)")
      ->group(kContainerGroup);
}

namespace {

// The container flags' spelling of a setting, for advice in an error that came from a flag.
FlagSpelling container_spelling(const ContainerArgs& args) {
  return flag_spelling([&args](const std::string& key) -> std::optional<bool> {
    for (const auto& [k, opt] : args.options)
      if (k == key) return !is_bool(k);
    return std::nullopt;
  });
}

// The settings a setter's message lists ("Lambda Managed Instances settings: memory_mb,
// runtime, ...") as the flags that set them (a scenario file's `functions` has none).
std::string listed_as_flags(const std::string& m) {
  const std::string marker = "Lambda Managed Instances settings: ";
  const auto at = m.find(marker);
  if (at == std::string::npos) return m;
  std::string out = m.substr(0, at) + "its flags: ";
  std::size_t from = at + marker.size();
  bool first = true;
  while (from < m.size()) {
    const auto comma = m.find(", ", from);
    const std::string key = m.substr(from, comma == std::string::npos ? comma : comma - from);
    if (key != "functions") {
      out += (first ? "" : ", ") + dashed(key);
      first = false;
    }
    if (comma == std::string::npos) break;
    from = comma + 2;
  }
  return out;
}

}  // namespace

ContainerOptions container_options(const std::string& platform, const Scenario& s,
                                   const ContainerArgs& args) {
  ContainerOptions o = platform == "ecs" ? static_cast<ContainerOptions>(s.ecs)
                       : platform == "lambda-managed"
                           ? static_cast<ContainerOptions>(s.lambda_managed)
                       : platform == "ecs-managed" ? static_cast<ContainerOptions>(s.ecs_managed)
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
        const auto& cluster = container_cluster_keys(o.managed);
        const bool cluster_key = o.launch_type == LaunchType::kEc2 &&
                                 std::find(cluster.begin(), cluster.end(), key) != cluster.end();
        if (!cluster_key && key != "spot_discount_pct")
          set_container_option(o, svc, key, value, true);
      }
    } catch (const ConfigError& e) {
      // The flag is the prefix, as for Lambda's flags; the message names the value.
      throw ConfigError(
          "", advice_as_flags(flag_message(dashed(key), key, listed_as_flags(e.message())),
                              container_spelling(args)));
    }
  }
  try {
    validate_containers(o);
  } catch (const ConfigError& e) {
    if (e.key().empty()) throw ConfigError("", e.message());
    // A setting given as a flag: the advice names flags too (a file's key keeps its names).
    bool flag = false;
    for (const auto& [key, value] : args.given())
      flag = flag || key == e.key();
    const std::string m = fmt::format("{}: {}", dashed(e.key()), e.message());
    throw ConfigError("", flag ? advice_as_flags(m, container_spelling(args)) : m);
  }
  return o;
}

std::string names_error_in_file(const ConfigError& e, const std::string& file,
                                const std::string& table) {
  if (file.empty()) return e.what();
  const std::string& key = e.key();
  const bool setting = key.size() > 10 && key.compare(key.size() - 10, 10, ".functions") == 0;
  // "[fargate.services.api] functions: ..."; a whole table: "[fargate.services.nosuch]: ...".
  if (setting || key.rfind("functions.", 0) == 0) return config_error_in_file(e, file, table);
  return fmt::format("{}: [{}.{}]: {}", file, table, key, e.message());
}

std::vector<Table> container_tables(const ContainerResult& r, const std::string& platform_in) {
  // One value per row (tidy CSV: one value per cell), as for Lambda.
  const std::string platform = platform_in.empty() ? r.platform : platform_in;
  const bool ec2 = platform != "fargate";
  const bool lambda_managed = platform == "lambda-managed";
  std::string id = platform;
  std::replace(id.begin(), id.end(), '-', '_');
  const std::string title = platform == "fargate"       ? "Fargate"
                            : lambda_managed            ? "Lambda Managed Instances"
                            : platform == "ecs-managed" ? "ECS Managed Instances"
                                                        : "ECS on EC2";
  // A Lambda Managed Instances task is an execution environment.
  const std::string tasks = lambda_managed ? "execution environments" : "tasks";
  Table t{title, {{"metric", "value"}}};
  t.id = id;
  auto row = [&](std::string k, std::string v) { t.rows.push_back({std::move(k), std::move(v)}); };
  auto count = [&](std::string k, std::uint64_t v) { row(std::move(k), fmt::format("{}", v)); };
  const auto& o = r.outcomes;
  count("arrived", r.arrived);
  count("completed", o.completed);
  count("failed", o.failed);
  count("timed out", o.timed_out);
  count("refused", o.refused);
  count("expired", o.expired);
  count("unfinished", o.unfinished);
  count("attempts", r.attempts);
  count("retries", r.retries);
  count("waited for a new task", r.cold_starts);
  // Latency of nothing is unknown, not 0.
  const bool any = r.latency_ms.count() > 0;
  auto lat = [&](double v) { return any ? fixed(v, 1) : std::string("n/a"); };
  const bool waits = r.queue_wait_ms.count() > 0;
  row("latency mean (ms)", lat(r.latency_stats.mean()));
  row("latency p50 (ms)", lat(r.latency_ms.quantile(0.5)));
  row("latency p90 (ms)", lat(r.latency_ms.quantile(0.9)));
  row("latency p99 (ms)", lat(r.latency_ms.quantile(0.99)));
  row("queue wait p50 (ms)", waits ? fixed(r.queue_wait_ms.quantile(0.5), 1) : "n/a");
  row("queue wait p99 (ms)", waits ? fixed(r.queue_wait_ms.quantile(0.99), 1) : "n/a");
  row(tasks + " mean", fixed(r.instances_mean, 2));
  row(tasks + " max", fixed(r.instances_max, 0));
  if (ec2) {
    row("instances mean", fixed(r.hosts_mean, 2));
    row("instances max", fixed(r.hosts_max, 0));
  }
  row(ec2 ? "CPU utilisation of instances (%)" : "CPU utilisation of tasks (%)",
      fixed(100 * r.utilisation, 1));
  row("simulated span (s)", fixed(r.span_s, 1));
  for (const auto& [k, v] : r.extra)
    row(k, fmt::format("{:g}", v));
  t.notes = r.notes;
  // `report` bills the front door too; say why its total differs (issue 19). Only HTTP requests
  // pass a load balancer (alb_hours is there when some came): a queue-only workload has none.
  const bool http = std::any_of(r.extra.begin(), r.extra.end(),
                                [](const auto& x) { return x.first == "alb_hours"; });
  if (lambda_managed) {
    // Invoked as Lambda functions are (FrontDoorSide::kLambda in the comparison).
    t.notes.emplace_back(
        "the bill is Lambda Managed Instances' own charges; `slsim report` adds the front door "
        "of HTTP requests, API Gateway or a function URL, as for Lambda");
  } else {
    t.notes.push_back(
        http ? fmt::format("the bill is {}'s own charges; `slsim report` adds the front door, an "
                           "Application Load Balancer (alb_hours, alb_lcu_hours above), to a "
                           "service with HTTP requests",
                           title)
             : std::string("no front door: the workload has no HTTP requests (its queue and "
                           "async messages reach the services through SQS, with no load "
                           "balancer)"));
  }
  std::vector<Table> out{t};
  if (!r.timeline.empty()) {
    // Long format: the row label is the minute's time.
    Table tl{"Scaling timeline", {{"time_s", "desired", "running", "instances"}}};
    tl.id = id + "_timeline";
    for (const auto& x : r.timeline)
      tl.rows.push_back({fmt::format("{:g}", x.time_s), fmt::format("{}", x.desired),
                         fmt::format("{}", x.running), fmt::format("{}", x.instances)});
    out.push_back(tl);
  }
  Table bill = bill_table(r.bill, title + " bill");
  bill.id = id + "_bill";
  out.push_back(bill);
  return out;
}

void run_container_simulation(const std::string& platform, const Scenario& s,
                              const SourceFactory& open, const ContainerArgs& args,
                              const std::string& format, const std::string& output) {
  const auto o = container_options(platform, s, args);
  if (!o.services.empty()) {
    // Services must serve functions of the workload (one extra streaming pass), as
    // [lambda.functions.NAME] must name one.
    try {
      check_container_functions_exist(o, invoked_functions(open));
    } catch (const ConfigError& e) {
      std::string table = platform;  // the scenario table: lambda_managed, ecs_managed
      std::replace(table.begin(), table.end(), '-', '_');
      throw UsageError(names_error_in_file(e, s.file, table));
    }
  }
  // Services left auto are sized from one pass over the workload; the notes say how.
  const ContainerResult r = [&] {
    try {
      return simulate_containers(WorkloadOpener([&] { return with_progress(open()); }), o);
    } catch (const ImpossibleError& e) {
      // The workload, not a flag, is what the platform cannot run (as `report` says it).
      throw UsageError(fmt::format("{} cannot run this workload: {}", platform, e.what()));
    }
  }();
  const auto f = parse_format(format);
  write_result(output, [&](std::ostream& os) {
    if (f == Format::kJson) {
      os << r.to_json() << "\n";
    } else {
      write_tables(os, container_tables(r, platform), f);
    }
  });
}

}  // namespace slsim::cli
