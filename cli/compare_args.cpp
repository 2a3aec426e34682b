#include "compare_args.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "cli_support.hpp"
#include "commands.hpp"
#include "containers_options.hpp"
#include "slsim/batch/batch_options.hpp"
#include "slsim/containers/service.hpp"
#include "slsim/lambda/lambda_config.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/pricing/pricing.hpp"
#include "slsim/workload/workload_filter.hpp"

namespace slsim::cli {

void add_compare_args(CLI::App* cmd, CompareArgs& a, bool with_platforms) {
  cmd->add_option("--scenario,-s", a.scenario,
                  "Scenario file (TOML); default: the bundled one, or none when a TRACE is given");
  add_trace_args(cmd, a.trace, /*trace_required=*/false);
  if (with_platforms) {
    cmd->add_option("--platforms", a.platforms,
                    "Platforms to compare, comma-separated: lambda, ecs, fargate, batch "
                    "(default: the scenario's [report] platforms, else every available one)")
        ->delimiter(',');
  }
  cmd->add_option("--slo-p99-ms", a.slo_p99_ms, "Objective: p99 latency at most this (ms)")
      ->check(number("a latency in milliseconds > 0"));
  cmd->add_option("--max-error-rate", a.max_error_rate,
                  "Objective: failed, timed-out, refused and expired arrivals at most this "
                  "fraction (default 0.01 = 1%; 1 turns it off)")
      ->check(number("a fraction from 0 to 1 (0.01 = 1%)"));
  cmd->add_option("--max-cold-start-rate", a.max_cold_start_rate,
                  "Objective: arrivals that start cold at most this fraction (0.05 = 5%)")
      ->check(number("a fraction from 0 to 1 (0.05 = 5%)"));
  cmd->add_option("--replications", a.replications,
                  "Independent seeds (1-1000); 2 or more show mean ± 95% interval (default 1)")
      ->check(whole(1, 1000));
  cmd->add_option("--seed", a.seed,
                  "Random seed, 0 to 9,223,372,036,854,775,807 (default: the scenario's)")
      ->check(whole(0, kMaxSeed));
  cmd->add_option("--threads", a.threads,
                  "Worker threads, 1-1024; 0 = one per core (default: one per core)")
      ->check(whole(0, kMaxThreads));
  cmd->add_option("--as-of", a.as_of,
                  "Date whose AWS prices and behaviour apply, YYYY-MM-DD (default: the "
                  "scenario's)");
  cmd->add_option("--region", a.region, "AWS region (default: the scenario's, us-east-1)");
  auto* door = cmd->add_option("--front-door", a.front_door,
                               "Lambda's front door for HTTP (sync) requests: http-api (default), "
                               "rest-api, function-url")
                   ->check(CLI::IsMember({"http-api", "rest-api", "function-url"}));
  // The two contradict each other: refused, not one silently ignored (issue 19).
  cmd->add_flag("--no-front-door", a.no_front_door,
                "Leave API Gateway and load balancers out of every platform's bill")
      ->excludes(door);
  cmd->add_option("--alb-availability-zones", a.alb_azs,
                  "Availability Zones of the services' internet-facing ALB, 2-6: one public IPv4 "
                  "address each, billed from 2024-02-01 (default 3)")
      ->check(whole(2, 6));
  cmd->add_flag("--no-free-tier", a.no_free_tier, "Do not apply monthly free-tier allowances");
  cmd->add_option("--format", a.format, "Output format: table, markdown, json, csv")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", a.output, "Write the output to FILE instead of stdout");
  cmd->add_flag("--quiet,-q", a.quiet, "No progress bar on stderr");
}

PreparedCompare prepare_compare(const CompareArgs& a, bool need_runners) {
  PreparedCompare p;
  Scenario& s = p.scenario;
  if (!a.scenario.empty() || a.trace.path.empty()) {
    s = load_scenario(a.scenario.empty() ? default_scenario() : a.scenario);
  } else {
    s.as_of = Date::today();
    s.name = std::filesystem::path(a.trace.path).filename().string();
  }
  // --as-of and --region are checked here, where the flag is known: found later, while pricing,
  // they would be blamed on the scenario file.
  const RateCard& card = RateCard::builtin();
  if (!a.as_of.empty()) {
    try {
      s.as_of = Date::parse(a.as_of);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--as-of: {}", e.what()));
    }
    if (s.as_of < card.earliest_as_of()) {
      throw UsageError(fmt::format(
          "--as-of: {} is before {}, the first date slsim has AWS prices for (AWS Lambda's "
          "launch); give a date from {} on",
          s.as_of.str(), card.earliest_as_of().str(), card.earliest_as_of().str()));
    }
  }
  if (!a.region.empty()) {
    std::set<std::string> regions;
    for (const auto& r : card.rates())
      regions.insert(r.region);
    if (!regions.count(a.region)) {
      std::string names;
      for (const auto& r : regions)
        names += (names.empty() ? "" : ", ") + r;
      throw UsageError(fmt::format(
          "--region: slsim has no prices for '{}'; regions with prices: {}", a.region, names));
    }
    s.region = a.region;
  }
  if (a.seed) s.seed = *a.seed;
  s.lambda.as_of = s.as_of;
  s.lambda.region = s.region;
  s.lambda.seed = s.seed;
  // Every platform's table at the date, region and seed in force (a TRACE without a scenario,
  // or --as-of / --region / --seed, would otherwise leave ECS, Fargate and Batch at 1970-01-01).
  for (ContainerOptions* c :
       {static_cast<ContainerOptions*>(&s.ecs), static_cast<ContainerOptions*>(&s.fargate)}) {
    c->as_of = s.as_of;
    c->region = s.region;
    c->seed = s.seed;
  }
  s.batch.as_of = s.as_of;
  s.batch.region = s.region;
  s.batch.seed = s.seed;
  ReportSettings& r = s.report;
  if (!a.platforms.empty()) r.platforms = a.platforms;
  if (a.slo_p99_ms) r.objectives.slo_p99_ms = a.slo_p99_ms;
  if (a.max_error_rate) r.objectives.max_error_rate = a.max_error_rate;
  if (a.max_cold_start_rate) r.objectives.max_cold_start_rate = a.max_cold_start_rate;
  if (a.replications) r.replications = *a.replications;
  if (!a.front_door.empty()) {
    r.front_door.enabled = true;
    r.front_door.lambda = a.front_door;
  }
  if (a.no_front_door) r.front_door.enabled = false;
  if (a.alb_azs) r.front_door.alb_availability_zones = *a.alb_azs;
  if (a.no_free_tier) r.free_tier = false;
  try {
    validate_report_settings(r);
    if (need_runners) p.runners = platform_runners(s, {});
  } catch (const ConfigError& e) {
    // Values from the file were checked when it was loaded: this one came from a flag, and so
    // does its advice ("--no-front-door" is the flag that turns the front door off).
    const FlagSpelling spell = [&](const std::string& key,
                                   const std::string* value) -> std::optional<std::string> {
      if (key == "front_door" && value && *value == "none")
        return a.no_front_door ? "--no-front-door" : "front_door = \"none\" in the scenario";
      if (key == "front_door" || key == "alb_availability_zones")
        return flag_spelling([](const std::string&) { return true; })(key, value);
      return std::nullopt;
    };
    throw std::invalid_argument(
        advice_as_flags(fmt::format("{}: {}", flag_of(e.key()), e.message()), spell));
  }
  p.options = compare_options(s);
  if (a.threads) p.options.threads = *a.threads;
  // The one path from the trace flags to the workload (trace_options.hpp).
  apply_trace_args(a.trace, s);
  if (!a.trace.path.empty()) {
    // One factory for the TRACE (standard input can be opened only once), at the given seed.
    const SourceFactory open = trace_factory(s.workload.trace_path, s.workload.trace);
    p.workload = [open](std::uint64_t, double k) -> std::unique_ptr<WorkloadSource> {
      if (k == 1.0) return open();
      SelectOptions sel;
      sel.time_scale = k;
      return select(open, sel);
    };
  } else {
    p.workload = scenario_workload(s);
  }
  // --functions naming no function of the workload, and a platform's table naming a function
  // the workload does not invoke ([lambda.functions.NAME], [fargate.services.NAME],
  // [batch.functions.NAME]), say so (one extra streaming pass).
  std::set<std::string> running;
  for (const auto& runner : p.runners)
    running.insert(runner.name);
  const bool names_lambda = running.count("lambda") && !s.lambda.functions.empty();
  const bool names_ecs = running.count("ecs") && !s.ecs.services.empty();
  const bool names_fargate = running.count("fargate") && !s.fargate.services.empty();
  const bool names_batch = running.count("batch") && !s.batch.functions.empty();
  if (a.trace.given("--functions") || names_lambda || names_ecs || names_fargate || names_batch) {
    const auto wl = p.workload;
    const auto seed = s.seed;
    const auto names = invoked_functions([&] { return wl(seed, 1.0); });
    if (a.trace.given("--functions")) check_selected_functions(a.trace, names);
    const char* table = "";
    try {
      table = "lambda";
      if (names_lambda) check_lambda_functions_exist(s.lambda, names);
      table = "ecs";
      if (names_ecs) check_container_functions_exist(s.ecs, names);
      table = "fargate";
      if (names_fargate) check_container_functions_exist(s.fargate, names);
      table = "batch";
      if (names_batch) check_batch_functions_exist(s.batch, names);
    } catch (const ConfigError& e) {
      throw UsageError(names_error_in_file(e, s.file, table));
    }
  }
  p.settings = r;
  return p;
}

void emit(const std::string& output, const std::string& text) {
  write_result(output, [&text](std::ostream& out) { out << text; });
}

bool use_colour(const std::string& output) {
  if (!output.empty() && output != "-") return false;
  const char* no = std::getenv("NO_COLOR");
  if (no && *no) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

Progress::Progress(bool quiet)
    : enabled_(!quiet && ::isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  if (shown_) std::cerr << "\r\033[K" << std::flush;
}

void Progress::operator()(std::size_t done, std::size_t total) {
  if (!enabled_ || total == 0) return;
  const auto elapsed = std::chrono::steady_clock::now() - start_;
  if (elapsed < std::chrono::seconds(1) && !shown_) return;
  shown_ = true;
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = kWidth * done / total;
  std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] "
            << done << "/" << total << " runs" << std::flush;
}

CLI::RuntimeError threshold_breached() {
  return CLI::RuntimeError(3);
}

CLI::RuntimeError threshold_unchecked(const std::string& why) {
  std::cerr << "slsim: error: " << why << "\n";
  return threshold_breached();
}

CLI::Validator number(const std::string& allowed, std::function<bool(double)> in_range) {
  return CLI::Validator(
      [allowed, in_range](std::string& s) -> std::string {
        // The user's input, shortened: messages never echo hundreds of digits.
        const std::string shown = s.size() <= 24 ? s : s.substr(0, 20) + "...";
        const bool decimal =
            !s.empty() && s.find_first_not_of("0123456789+-.eE") == std::string::npos;
        char* end = nullptr;
        const double v = decimal ? std::strtod(s.c_str(), &end) : 0.0;
        if (!decimal || end != s.c_str() + s.size()) {
          const bool named = s == "nan" || s == "NaN" || s == "inf" || s == "-inf" || s == "+inf" ||
                             s == "infinity" || s == "-infinity";
          return fmt::format("'{}' is not {}; give {}", shown,
                             named ? "a finite number" : "a number", allowed);
        }
        if (!std::isfinite(v))
          return fmt::format("'{}' is not a finite number; give {}", shown, allowed);
        if (in_range && !in_range(v))
          return fmt::format("{} is not allowed; give {}", shown, allowed);
        return {};
      },
      "NUMBER");
}

}  // namespace slsim::cli
