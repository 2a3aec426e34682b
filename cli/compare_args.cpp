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
#include "slsim/compare/parts_spec.hpp"
#include "slsim/containers/service.hpp"
#include "slsim/lambda/lambda_config.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/pricing/pricing.hpp"
#include "slsim/workload/workload_filter.hpp"

namespace slsim::cli {

void add_compare_args(CLI::App* cmd, CompareArgs& a, bool with_platforms, bool with_parts) {
  a.cmd = cmd;
  cmd->add_option("--scenario,-s", a.scenario,
                  "Scenario file (TOML); default: the bundled one, or none when a TRACE is given");
  add_trace_args(cmd, a.trace, /*trace_required=*/false);
  if (with_platforms) {
    cmd->add_option("--platforms", a.platforms,
                    "Platforms to compare, comma-separated: lambda, ecs, fargate, batch, "
                    "lambda-managed, ecs-managed "
                    "(default: the scenario's [report] platforms, else every platform that exists "
                    "on the as_of date)")
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
  if (!with_parts) return;
  // Parts, objectives per part, pins and exclusions (issue 20): one value per flag, repeatable.
  cmd->add_option("--part", a.parts,
                  "A part of the system: NAME=FUNCTION,FUNCTION (repeatable; as [report.parts]). "
                  "Every function in no part is a part of its own, named after it")
      ->allow_extra_args(false);
  cmd->add_option("--objective", a.objectives,
                  "A part's own objective: PART.KEY=VALUE, KEY one of slo_p99_ms, max_error_rate, "
                  "max_cold_start_rate (repeatable; as [report.objectives.PART]; the others are "
                  "the scenario-wide ones)")
      ->allow_extra_args(false);
  cmd->add_option("--place", a.place,
                  "Pin a part to a platform: PART=PLATFORM, PLATFORM one of lambda, ecs, fargate, "
                  "batch, lambda-managed, ecs-managed, or a spillover: fargate+lambda, "
                  "ecs+lambda, ecs-managed+lambda (repeatable; as [report.place])")
      ->allow_extra_args(false);
  cmd->add_option("--exclude", a.exclude,
                  "Keep parts off platforms: PART=PLATFORM[,PLATFORM] for one part, or "
                  "PLATFORM[,PLATFORM] for every part (repeatable; as [report.place] PART = "
                  "{ exclude = [...] } and [report] exclude)")
      ->allow_extra_args(false);
}

namespace {

bool flag_given(const CompareArgs& a, const char* flag) {
  const auto* o = a.cmd ? a.cmd->get_option_no_throw(flag) : nullptr;
  return o && o->count() > 0;
}

// "a,b,c" -> {"a", "b", "c"}; an empty text gives an empty list.
std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t from = 0;
  for (;;) {
    const auto comma = text.find(',', from);
    out.push_back(text.substr(from, comma - from));
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return out;
}

// "NAME=VALUE" split at the first '='; UsageError naming `flag` and the form when it is not.
std::pair<std::string, std::string> name_value(const char* flag, const std::string& text,
                                               const char* form) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UsageError(fmt::format("{}: '{}' is not {}", flag, text, form));
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace

void apply_parts_args(const CompareArgs& a, PartsSpec& p) {
  // A --part replaces the file's part of that name; two --part of one name are refused (by
  // validate_parts, as two [report.parts] keys could not be).
  std::vector<PartGroup> given;
  for (const auto& text : a.parts) {
    auto [name, fns] = name_value("--part", text, "NAME=FUNCTION,FUNCTION (e.g. web=api,checkout)");
    given.push_back({name, split_commas(fns)});
  }
  for (const auto& g : given)
    std::erase_if(p.groups, [&](const PartGroup& x) { return x.name == g.name; });
  p.groups.insert(p.groups.end(), given.begin(), given.end());
  for (const auto& text : a.objectives) {
    auto [target, value] =
        name_value("--objective", text, "PART.KEY=VALUE (e.g. nightly-report.slo_p99_ms=3000000)");
    const auto dot = target.rfind('.');
    const std::string part = dot == std::string::npos ? "" : target.substr(0, dot);
    const std::string key = dot == std::string::npos ? target : target.substr(dot + 1);
    if (part.empty() ||
        (key != "slo_p99_ms" && key != "max_error_rate" && key != "max_cold_start_rate")) {
      throw UsageError(fmt::format(
          "--objective: '{}' is not PART.KEY=VALUE with KEY one of slo_p99_ms, max_error_rate, "
          "max_cold_start_rate (e.g. nightly-report.slo_p99_ms=3000000)",
          text));
    }
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v) ||
        value.find_first_not_of("0123456789+-.eE") != std::string::npos) {
      throw UsageError(fmt::format("--objective {}: '{}' is not a number", target, value));
    }
    auto& o = p.objectives[part];
    (key == "slo_p99_ms"       ? o.slo_p99_ms
     : key == "max_error_rate" ? o.max_error_rate
                               : o.max_cold_start_rate) = v;
  }
  for (const auto& text : a.place) {
    auto [part, platform] = name_value("--place", text, "PART=PLATFORM (e.g. api=lambda)");
    p.place[part] = platform;
  }
  for (const auto& text : a.exclude) {
    const auto eq = text.find('=');
    if (eq == std::string::npos) {
      for (auto& pl : split_commas(text))
        if (std::find(p.exclude_all.begin(), p.exclude_all.end(), pl) == p.exclude_all.end())
          p.exclude_all.push_back(pl);
      continue;
    }
    auto [part, platforms] =
        name_value("--exclude", text, "PART=PLATFORM[,PLATFORM] or PLATFORM[,PLATFORM]");
    auto& ex = p.exclude[part];
    for (auto& pl : split_commas(platforms))
      if (std::find(ex.begin(), ex.end(), pl) == ex.end()) ex.push_back(pl);
  }
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
       {static_cast<ContainerOptions*>(&s.ecs), static_cast<ContainerOptions*>(&s.fargate),
        static_cast<ContainerOptions*>(&s.lambda_managed),
        static_cast<ContainerOptions*>(&s.ecs_managed)}) {
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
  apply_parts_args(a, r.parts);
  // A parts error: the flag when the user gave one of its kind, else the scenario file's key.
  auto parts_error = [&](const ConfigError& e) -> std::string {
    const auto k = parse_parts_key(e.key());
    const char* flag = k->setting == "parts"        ? "--part"
                       : k->setting == "objectives" ? "--objective"
                       : k->setting == "place"      ? "--place"
                                                    : "--exclude";
    // The value at fault came from a flag when a flag of its kind named that part (or, for a
    // setting of no part, when such a flag was given at all).
    const std::vector<std::string>& values = k->setting == "parts"        ? a.parts
                                             : k->setting == "objectives" ? a.objectives
                                             : k->setting == "place"      ? a.place
                                                                          : a.exclude;
    const bool from_flag =
        k->part.empty()
            ? flag_given(a, flag)
            : std::any_of(values.begin(), values.end(), [&](const std::string& v) {
                return v.rfind(k->part + (k->setting == "objectives" ? "." : "="), 0) == 0;
              });
    if (!from_flag && !s.file.empty()) return parts_error_in_file(e, s.file);
    std::string what = k->part;
    if (!k->objective.empty()) what += "." + k->objective;
    return what.empty() ? fmt::format("{}: {}", flag, e.message())
                        : fmt::format("{} {}: {}", flag, what, e.message());
  };
  // A setting refused after the flags were applied: values from the file were checked when it
  // was loaded, so this one came from a flag, and so does its advice ("--no-front-door" is the
  // flag that turns the front door off).
  const auto flag_error = [&](const ConfigError& e) {
    const FlagSpelling spell = [&](const std::string& key,
                                   const std::string* value) -> std::optional<std::string> {
      if (key == "front_door" && value && *value == "none")
        return a.no_front_door ? "--no-front-door" : "front_door = \"none\" in the scenario";
      if (key == "front_door" || key == "alb_availability_zones")
        return flag_spelling([](const std::string&) { return true; })(key, value);
      return std::nullopt;
    };
    return advice_as_flags(fmt::format("{}: {}", flag_of(e.key()), e.message()), spell);
  };
  try {
    validate_report_settings(r);
  } catch (const ConfigError& e) {
    if (parse_parts_key(e.key())) throw UsageError(parts_error(e));
    throw std::invalid_argument(flag_error(e));
  }
  // The one path from the trace flags to the workload (trace_options.hpp).
  apply_trace_args(a.trace, s);
  // The platforms the runners will be (validate_report_settings checked the names).
  std::set<std::string> running(r.platforms.begin(), r.platforms.end());
  if (running.empty()) {
    for (const auto& n : known_platforms())
      if (platform_available(n)) running.insert(n);
  }
  if (!need_runners) running.clear();
  // Selecting functions (issue 20) and the parts, checked against the whole workload.
  select_functions(a.trace, s, running, !r.parts.empty(), [&](const std::vector<std::string>& all) {
    try {
      validate_parts(r.parts, &all);
    } catch (const ConfigError& e) {
      throw UsageError(parts_error(e));
    }
  });
  try {
    if (need_runners) p.runners = platform_runners(s, {});
  } catch (const ConfigError& e) {
    // Values from the file were checked when it was loaded: this one came from a flag.
    throw std::invalid_argument(flag_error(e));
  }
  p.options = compare_options(s);
  if (a.threads) p.options.threads = *a.threads;
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
  p.settings = s.report;
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
