// `slsim breakeven`: the comparison replayed at other rates, and where the answer changes.
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

#include "cli_support.hpp"
#include "compare_args.hpp"
#include "compare_commands.hpp"
#include "report_output.hpp"

namespace slsim::cli {

namespace {

// What --scale allows, for its messages.
std::string scale_allowed() {
  return fmt::format(
      "give MIN:MAX, rate multipliers with {:g} <= MIN < MAX <= {:g} (e.g. 0.1:100), or one "
      "multiplier for a single point",
      kBreakevenScaleMin, kBreakevenScaleMax);
}

// One decimal number (no hex, no "nan"/"inf", nothing after it); nullopt otherwise.
std::optional<double> decimal(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789+-.eE") != std::string::npos) return {};
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return {};
  return v;
}

// "MIN:MAX" (or one number) as two doubles, checked up front: a range the grid cannot use is
// refused before any replay, naming the flag. Throws UsageError.
std::pair<double, double> parse_scale(const std::string& s) {
  const std::string shown = s.size() <= 40 ? s : s.substr(0, 36) + "...";
  const auto colon = s.find(':');
  const auto lo = decimal(s.substr(0, colon));
  const auto hi = colon == std::string::npos ? lo : decimal(s.substr(colon + 1));
  if (!lo || !hi) {
    throw UsageError(fmt::format("--scale: '{}' is not a range; {}", shown, scale_allowed()));
  }
  const bool in_range = std::isfinite(*lo) && std::isfinite(*hi) && *lo >= kBreakevenScaleMin &&
                        *hi <= kBreakevenScaleMax;
  if (!in_range || (colon != std::string::npos && !(*lo < *hi))) {
    throw UsageError(fmt::format("--scale: {} is not allowed; {}", shown, scale_allowed()));
  }
  return {*lo, *hi};
}

}  // namespace

void add_breakeven_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "breakeven",
      "Replay the workload at other rates (a logarithmic grid) and show where the cheapest "
      "platform meeting the objectives changes");
  struct Args {
    CompareArgs c;
    std::string scale = "0.1:100";
    std::uint32_t points = 7;
  };
  auto a = std::make_shared<Args>();
  add_compare_args(cmd, a->c);
  cmd->add_option("--scale", a->scale,
                  fmt::format("Rate multipliers MIN:MAX, {:g} <= MIN < MAX <= {:g}, or one "
                              "multiplier (1 = the workload as given)",
                              kBreakevenScaleMin, kBreakevenScaleMax))
      ->capture_default_str();
  cmd->add_option("--points", a->points, "Grid points, spaced evenly in log (1-200)")
      ->check(whole(1, 200))
      ->capture_default_str();
  cmd->callback([a] {
    BreakevenOptions g;
    std::tie(g.scale_min, g.scale_max) = parse_scale(a->scale);
    g.points = a->points;
    PreparedCompare p = prepare_compare(a->c);
    try {
      validate_breakeven(g);
    } catch (const ConfigError& e) {
      throw std::invalid_argument(fmt::format("{}: {}", flag_of(e.key()), e.message()));
    }
    Progress progress(a->c.quiet);
    p.options.progress = [&progress](std::size_t d, std::size_t t) { progress(d, t); };
    const Breakeven b = breakeven(p.workload, p.runners, p.options, g);
    const auto f = parse_report_format(a->c.format);
    emit(a->c.output, render_breakeven(b, f, f == ReportFormat::kTable && use_colour(a->c.output)));
  });
}

}  // namespace slsim::cli
