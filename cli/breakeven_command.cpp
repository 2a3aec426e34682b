// `slsim breakeven`: the comparison replayed at other rates, and where the answer changes.
#include <fmt/format.h>

#include "compare_args.hpp"
#include "compare_commands.hpp"
#include "report_output.hpp"

namespace slsim::cli {

namespace {

// "MIN:MAX" (or one number) as two doubles; throws std::invalid_argument naming the flag.
std::pair<double, double> parse_range(const std::string& flag, const std::string& s) {
  const auto colon = s.find(':');
  try {
    std::size_t used = 0;
    if (colon == std::string::npos) {
      const double v = std::stod(s, &used);
      if (used != s.size()) throw std::invalid_argument(s);
      return {v, v};
    }
    const std::string a = s.substr(0, colon), b = s.substr(colon + 1);
    const double lo = std::stod(a, &used);
    if (used != a.size()) throw std::invalid_argument(s);
    const double hi = std::stod(b, &used);
    if (used != b.size()) throw std::invalid_argument(s);
    return {lo, hi};
  } catch (const std::exception&) {
    throw std::invalid_argument(
        fmt::format("{}: '{}' is not a range; give MIN:MAX (e.g. 0.1:100)", flag, s));
  }
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
  cmd->add_option("--scale", a->scale, "Rate multipliers MIN:MAX (1 = the workload as given)")
      ->capture_default_str();
  cmd->add_option("--points", a->points, "Grid points, spaced evenly in log (1-200)")
      ->capture_default_str();
  cmd->callback([a] {
    PreparedCompare p = prepare_compare(a->c);
    BreakevenOptions g;
    std::tie(g.scale_min, g.scale_max) = parse_range("--scale", a->scale);
    g.points = a->points;
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
