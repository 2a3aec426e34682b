// `slsim diff A.json B.json`: two saved reports side by side.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "compare_args.hpp"
#include "compare_commands.hpp"
#include "report_output.hpp"

namespace slsim::cli {

namespace {

nlohmann::json read_report(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(fmt::format("{}: cannot open", path));
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(fmt::format("{}: not JSON: {}", path, e.what()));
  }
  if (!j.is_object() || !j.contains("schema_version") || !j.contains("platforms")) {
    throw std::invalid_argument(fmt::format(
        "{}: not a saved report (write one with slsim report --format json -o FILE)", path));
  }
  if (j["schema_version"] != 1) {
    throw std::invalid_argument(fmt::format("{}: schema_version {} is not supported (1 is)", path,
                                            j["schema_version"].dump()));
  }
  return j;
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
                  "Exit 3 when a platform's monthly cost rose by more than this (%)");
  cmd->callback([a] {
    const auto ja = read_report(a->a), jb = read_report(a->b);
    const auto f = parse_report_format(a->format);
    double rise = 0;
    emit(a->output, render_diff(ja, jb, a->a, a->b, f,
                                f == ReportFormat::kTable && use_colour(a->output), rise));
    if (a->fail_above_pct && rise > *a->fail_above_pct) {
      std::cerr << fmt::format(
          "slsim: threshold breached: monthly cost rose by {:.1f}%, above "
          "--fail-above-pct {}\n",
          rise, *a->fail_above_pct);
      throw threshold_breached();
    }
  });
}

}  // namespace slsim::cli
