// `slsim diff A.json B.json`: two saved reports side by side.
#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "compare_args.hpp"
#include "compare_commands.hpp"
#include "report_output.hpp"

namespace slsim::cli {

namespace {

constexpr const char* kHowToWrite = "write one with `slsim report --format json -o FILE`";

UsageError not_a_report(const std::string& path, const std::string& why) {
  return UsageError(fmt::format("{}: not a slsim report JSON ({}); {}", path, why, kHowToWrite));
}

nlohmann::json read_report(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UsageError(fmt::format("cannot read {}: {}", path, std::strerror(EISDIR)));
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." ->
    // "line 1, column 5: syntax error ...": where, and what, without the library's labels.
    std::string what = e.what();
    if (const auto at = what.find(" at line "); at != std::string::npos) {
      what = what.substr(at + 4);
    } else if (const auto close = what.find("] "); close != std::string::npos) {
      what = what.substr(close + 2);
    }
    throw not_a_report(path, what);
  }
  if (!j.is_object())
    throw not_a_report(path, fmt::format("the top level is a {}, not an object", j.type_name()));
  if (!j.contains("schema_version")) throw not_a_report(path, "no schema_version");
  if (j["schema_version"] != 1) {
    throw UsageError(fmt::format("{}: schema_version {} is not supported (1 is)", path,
                                 j["schema_version"].dump()));
  }
  if (!j.contains("platforms") || !j["platforms"].is_object())
    throw not_a_report(path, "no \"platforms\" object");
  for (const auto& [name, pj] : j["platforms"].items()) {
    if (!pj.is_object())
      throw not_a_report(path,
                         fmt::format("platforms.{} is a {}, not an object", name, pj.type_name()));
  }
  return j;
}

// A platform's monthly cost in a report (a number, or {"mean": ...} with replications).
std::optional<double> monthly_usd(const nlohmann::json& j, const std::string& platform) {
  const auto& ps = j["platforms"];
  if (!ps.contains(platform)) return std::nullopt;
  const auto& pj = ps[platform];
  if (!pj.contains("figures") || !pj["figures"].is_object()) return std::nullopt;
  const auto& f = pj["figures"];
  if (!f.contains("monthly_usd")) return std::nullopt;
  const auto& v = f["monthly_usd"];
  if (v.is_number()) return v.get<double>();
  if (v.is_object() && v.contains("mean") && v["mean"].is_number()) return v["mean"].get<double>();
  return std::nullopt;
}

}  // namespace

void add_diff_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "diff",
      "Two saved reports (slsim report --format json) side by side: each figure's change "
      "and whether the recommendation changed");
  struct Args {
    std::string a, b, format = "table", output;
    std::optional<double> fail_above_pct;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("A", a->a, "The earlier report (JSON)")->required();
  cmd->add_option("B", a->b, "The later report (JSON)")->required();
  cmd->add_option("--format", a->format, "Output format: table, markdown, json, csv")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", a->output, "Write the output to FILE instead of stdout");
  cmd->add_option("--fail-above-pct", a->fail_above_pct,
                  "Exit 3 when a platform's monthly cost rose by more than this (%); a negative "
                  "P: exit 3 unless every platform's monthly cost fell by at least -P%")
      ->check(number("a percentage >= -100 (a negative P requires the monthly cost to fall by "
                     "at least -P%)",
                     [](double v) { return v >= -100; }));
  cmd->footer(
      "Exit codes: 0 success, 1 runtime error, 2 usage or input error, 3 --fail-above-pct was "
      "breached or cannot be checked (no platform has a monthly cost in both reports).");
  cmd->callback([a] {
    const auto ja = read_report(a->a), jb = read_report(a->b);
    const auto f = parse_report_format(a->format);
    double rise = 0;
    emit(a->output, render_diff(ja, jb, a->a, a->b, f,
                                f == ReportFormat::kTable && use_colour(a->output), rise));
    if (!a->fail_above_pct) return;
    // Platforms with a monthly cost in both reports: what the gate compares.
    std::size_t in_common = 0;
    for (const auto& [name, pj] : ja["platforms"].items()) {
      const auto va = monthly_usd(ja, name), vb = monthly_usd(jb, name);
      if (!va || !vb) continue;
      ++in_common;
      if (*va == 0 && *vb == 0) rise = std::max(rise, 0.0);  // no change: 0%
    }
    if (in_common == 0) {
      throw threshold_unchecked(
          "--fail-above-pct: the two reports have no platform with a monthly cost in common, so "
          "the change cannot be checked");
    }
    if (rise > *a->fail_above_pct) {
      if (*a->fail_above_pct >= 0) {
        std::cerr << fmt::format(
            "slsim: threshold breached: monthly cost rose by {:.1f}%, above --fail-above-pct "
            "{}\n",
            rise, *a->fail_above_pct);
      } else {
        std::cerr << fmt::format(
            "slsim: threshold breached: monthly cost changed by {:+.1f}%; --fail-above-pct {} "
            "requires a fall of at least {}%\n",
            rise, *a->fail_above_pct, -*a->fail_above_pct);
      }
      throw threshold_breached();
    }
  });
}

}  // namespace slsim::cli
