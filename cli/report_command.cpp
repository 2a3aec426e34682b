// `slsim report`: every platform on the same workload, side by side, and a recommendation.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_support.hpp"
#include "commands.hpp"
#include "compare_args.hpp"
#include "lambda_output.hpp"
#include "output.hpp"
#include "report_output.hpp"
#include "slsim/compare/scenario_compare.hpp"
#include "slsim/lambda/lambda_config.hpp"

namespace slsim::cli {

void add_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "report",
      "Compare the platforms on one workload: cost (over the span and per 730-hour month), "
      "latency, failures, capacity, and the cheapest platform meeting the objectives");
  struct Args {
    CompareArgs c;
    std::optional<double> fail_above_usd, fail_above_p99_ms;
    bool no_placement = false;
  };
  auto a = std::make_shared<Args>();
  add_compare_args(cmd, a->c, /*with_platforms=*/true, /*with_parts=*/true);
  cmd->add_option("--fail-above-usd", a->fail_above_usd,
                  "Exit 3 when the recommended (else the cheapest) platform's monthly "
                  "projection is above this (USD), or when no platform can run the workload")
      ->check(number("an amount in USD >= 0"));
  cmd->add_option("--fail-above-p99-ms", a->fail_above_p99_ms,
                  "Exit 3 when the recommended (else the cheapest) platform's p99 is above this "
                  "(ms), or when no platform can run the workload")
      ->check(number("a latency in milliseconds > 0"));
  cmd->add_flag("--no-placement", a->no_placement,
                "Skip the placement of each part (a workload of several functions is placed "
                "part by part after the side-by-side comparison; see --part, --place)");
  cmd->footer(
      "Exit codes: 0 success, 1 runtime error, 2 usage, input or configuration error, 3 a "
      "--fail-above-* threshold was breached or cannot be checked (no platform can run the "
      "workload).");
  cmd->callback([a] {
    PreparedCompare p = prepare_compare(a->c);
    if (a->fail_above_usd) p.settings.fail_above_usd = a->fail_above_usd;
    if (a->fail_above_p99_ms) p.settings.fail_above_p99_ms = a->fail_above_p99_ms;
    if (p.settings.fail_above_usd && !(*p.settings.fail_above_usd >= 0)) {
      throw std::invalid_argument("--fail-above-usd: must be an amount in USD >= 0");
    }
    if (p.settings.fail_above_p99_ms && !(*p.settings.fail_above_p99_ms > 0)) {
      throw std::invalid_argument("--fail-above-p99-ms: must be a number of milliseconds > 0");
    }
    Progress progress(a->c.quiet);
    p.options.progress = [&progress](std::size_t d, std::size_t t) { progress(d, t); };
    Comparison c;
    try {
      c = compare(p.workload, p.runners, p.options);
    } catch (const std::invalid_argument& e) {
      // A platform's configuration refused by its model: say where it came from. With a
      // scenario file, the file; else a setting (key) the user gave as a flag is named by
      // main(), and an error about the workload as a whole (no key: "the workload has no
      // invocations (slsim CSV trace x.csv)") names its trace itself. Never "flags:" for a
      // flag nobody gave (review of issue 19, C3).
      const bool from_file = !a->c.scenario.empty() || a->c.trace.path.empty();
      if (from_file) throw std::invalid_argument(fmt::format("{}: {}", p.scenario.file, e.what()));
      throw;
    }
    // The workload's own summary (one more streaming pass, constant memory).
    auto src = p.workload(p.options.seed, 1.0);
    const TraceSummary summary = summarize(*src);
    const bool with_lambda = c.find("lambda") != nullptr;
    if (with_lambda) {
      // Functions the [lambda] table names must exist in the workload.
      std::vector<std::string> names;
      for (const auto& fn : src->functions().all())
        names.push_back(fn.name);
      try {
        check_lambda_functions_exist(p.scenario.lambda, names);
      } catch (const ConfigError& e) {
        throw ScenarioError(config_error_in_file(e, p.scenario.file));
      }
    }
    // The best platform for each part, and the mix's bill (a workload of several parts).
    std::optional<PlacementResult> placement;
    if (!a->no_placement) {
      try {
        placement = place_scenario(p.scenario, RateCard::builtin(), p.options.threads);
      } catch (const ConfigError& e) {
        // A pin or exclusion the flags gave is named by its flag, else by the file.
        const std::string key = e.key();
        std::string where = !a->c.scenario.empty() || a->c.trace.path.empty()
                                ? p.scenario.file
                                : std::string("--place");
        if (key.find("place") != std::string::npos && !a->c.place.empty()) where = "--place";
        if (key.find("exclude") != std::string::npos && !a->c.exclude.empty()) where = "--exclude";
        // (a flag names itself; the file's message keeps its key)
        throw std::invalid_argument(
            fmt::format("{}: {}", where, where.rfind("--", 0) == 0 ? e.message() : e.what()));
      }
    } else if (!a->c.place.empty() || !a->c.exclude.empty()) {
      std::cerr << "slsim: note: --place and --exclude have no effect with --no-placement\n";
    }
    const auto f = parse_report_format(a->c.format);
    std::string text =
        render_report(c, p.scenario, f, f == ReportFormat::kTable && use_colour(a->c.output),
                      &summary, placement ? &*placement : nullptr);
    // The Lambda configuration simulated (memory, runtime, timeout, keep-alive, concurrency and
    // the rules in force at as_of), as `slsim simulate` shows it.
    if (with_lambda && f == ReportFormat::kJson) {
      auto j = nlohmann::ordered_json::parse(text);
      j["platforms"]["lambda"]["config"] = lambda_config_json(p.scenario.lambda);
      text = j.dump(2) + "\n";
    } else if (with_lambda && (f == ReportFormat::kTable || f == ReportFormat::kMarkdown)) {
      std::ostringstream os;
      write_tables(os, lambda_config_tables(p.scenario.lambda),
                   f == ReportFormat::kTable ? Format::kTable : Format::kMarkdown);
      text += "\n" + os.str();
    }
    // Your own Lambda logs as the trace: what they say was billed beside what slsim simulated.
    const PlatformComparison* lam = c.find("lambda");
    if (summary.lambda_logs && lam && !lam->impossible && !lam->runs.empty()) {
      const auto& logs = summary.lambda_logs->billed;
      const auto& run = lam->runs.front();
      std::uint64_t requests = 0, mb_ms = 0;
      for (const auto& u : run.usage.lambda) {
        requests += u.requests + u.pc_requests;
        mb_ms += u.duration_mb_ms + u.pc_duration_mb_ms;
      }
      const double sim_gb_s = static_cast<double>(mb_ms) / (1024.0 * 1000.0);
      if (f == ReportFormat::kJson) {
        auto j = nlohmann::ordered_json::parse(text);
        j["lambda_logs"] = {{"logs",
                             {{"requests", logs.requests},
                              {"billed_gb_s", logs.billed_gb_s()},
                              {"cold_starts", logs.cold_starts}}},
                            {"simulated",
                             {{"requests", requests},
                              {"billed_gb_s", sim_gb_s},
                              {"cold_starts", run.cold_starts}}}};
        text = j.dump(2) + "\n";
      } else if (f == ReportFormat::kTable || f == ReportFormat::kMarkdown) {
        Table t{"Lambda logs against the simulation",
                {{"", "logs", "simulated"},
                 {"requests billed", fmt::format("{}", logs.requests), fmt::format("{}", requests)},
                 {"billed duration (GB-s)", fmt::format("{:.3f}", logs.billed_gb_s()),
                  fmt::format("{:.3f}", sim_gb_s)},
                 {"cold starts", fmt::format("{}", logs.cold_starts),
                  fmt::format("{}", run.cold_starts)}}};
        t.id = "lambda_logs";
        std::ostringstream os;
        write_tables(os, {t}, f == ReportFormat::kTable ? Format::kTable : Format::kMarkdown);
        text += "\n" + os.str();
      }
    }
    emit(a->c.output, text);
    // Thresholds: on the recommended platform, else the cheapest that can run.
    const PlatformComparison* gate = nullptr;
    if (c.recommendation.platform) gate = c.find(*c.recommendation.platform);
    for (const auto& pc : c.platforms) {
      if (!gate && !pc.impossible) gate = &pc;
      if (!c.recommendation.platform && !pc.impossible &&
          pc.figures.monthly_usd.mean < gate->figures.monthly_usd.mean)
        gate = &pc;
    }
    // A gate that cannot be checked never passes silently: exit 3, saying why.
    const bool usd_flag = a->fail_above_usd.has_value(),
               p99_flag = a->fail_above_p99_ms.has_value();
    auto source = [&](bool flag, const char* name, const char* key) {
      return flag ? std::string(name) : fmt::format("{}: [report] {}", p.scenario.file, key);
    };
    std::vector<std::string> unchecked;
    if (p.settings.fail_above_usd && (!gate || !std::isfinite(gate->figures.monthly_usd.mean))) {
      unchecked.push_back(fmt::format("{}: {}, so the monthly cost cannot be checked",
                                      source(usd_flag, "--fail-above-usd", "fail_above_usd"),
                                      gate ? fmt::format("{} has no monthly cost", gate->name)
                                           : std::string("no platform can run this workload")));
    }
    // A p99 of nothing (no arrival completed) is shown as 0: not a latency to gate on.
    const bool none_completed =
        gate && std::all_of(gate->runs.begin(), gate->runs.end(),
                            [](const PlatformResult& r) { return r.latency_ms.count() == 0; });
    if (p.settings.fail_above_p99_ms && (!gate || none_completed)) {
      unchecked.push_back(fmt::format("{}: {}, so the p99 cannot be checked",
                                      source(p99_flag, "--fail-above-p99-ms", "fail_above_p99_ms"),
                                      gate ? fmt::format("no arrival completed on {}", gate->name)
                                           : std::string("no platform can run this workload")));
    }
    for (std::size_t i = 0; i + 1 < unchecked.size(); ++i)
      std::cerr << "slsim: error: " << unchecked[i] << "\n";
    if (!unchecked.empty()) throw threshold_unchecked(unchecked.back());
    bool breached = false;
    if (gate && p.settings.fail_above_usd &&
        gate->figures.monthly_usd.mean > *p.settings.fail_above_usd) {
      std::cerr << fmt::format(
          "slsim: threshold breached: {} costs ${:.2f}/month, above "
          "--fail-above-usd {}\n",
          gate->name, gate->figures.monthly_usd.mean, *p.settings.fail_above_usd);
      breached = true;
    }
    if (gate && p.settings.fail_above_p99_ms &&
        gate->figures.p99_ms.mean > *p.settings.fail_above_p99_ms) {
      std::cerr << fmt::format(
          "slsim: threshold breached: {} p99 is {:.1f} ms, above "
          "--fail-above-p99-ms {}\n",
          gate->name, gate->figures.p99_ms.mean, *p.settings.fail_above_p99_ms);
      breached = true;
    }
    if (breached) throw threshold_breached();
  });
}

}  // namespace slsim::cli
