#pragma once
// Formatting of the comparison commands (report, breakeven, tune lambda, diff): tables aligned
// to their content, Markdown, tidy CSV (one row per platform or point) and JSON.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "slsim/compare/explore.hpp"
#include "slsim/compare/placement.hpp"
#include "slsim/scenario/scenario.hpp"
#include "slsim/workload/trace_stats.hpp"

namespace slsim::cli {

enum class ReportFormat { kTable, kMarkdown, kJson, kCsv };
ReportFormat parse_report_format(const std::string& s);

/// A titled grid of cells; the first row is the header. `emphasis` marks cells to colour:
/// 'g' green, 'r' red, 'b' bold (same shape as rows, or empty).
struct Grid {
  std::string title;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<char>> emphasis;
};

/// Renders grids as aligned text (no column wider than its widest cell; numbers right-aligned)
/// or Markdown. Colour (ANSI) only when `colour`.
std::string render_grids(const std::vector<Grid>& grids, ReportFormat f, bool colour);

/// Number formatting shared by the commands.
std::string fmt_usd(double usd);
std::string fmt_ms(double ms);
/// A latency with the unit that reads best: "184 ms", "1.78 s", "40.8 min", "27.9 h", "2.4 days".
std::string fmt_latency(double ms);
/// The same for a mean over replications, "1.78 ± 0.12 s".
std::string fmt_latency_est(const Estimate& e);
std::string fmt_count(double n);
/// A bill quantity: as fmt_count to two decimals from 1 up; below 1 with two significant digits,
/// so a quantity that costs something never reads 0 (0.0028 ALB-hours).
std::string fmt_quantity(double q);
std::string fmt_pct(double fraction);

/// `slsim report` output.
/// `workload` (optional): the workload's summary, shown first and as JSON "workload".
/// With `placement`, its section follows the side-by-side table (JSON: a top-level `placement`
/// object; CSV: the `placement` and `placement_bill` tables) and the recommendation says the mix
/// when it is cheaper than the best single platform.
std::string render_report(const Comparison& c, const Scenario& s, ReportFormat f, bool colour,
                          const TraceSummary* workload = nullptr,
                          const PlacementResult* placement = nullptr);
/// The report's JSON object (Comparison::to_json plus the scenario and the workload summary).
nlohmann::ordered_json report_json(const Comparison& c, const Scenario& s,
                                   const TraceSummary* workload = nullptr);
/// Tidy CSV header and rows, one per platform (also what Python's to_pandas() returns).
std::vector<std::string> report_csv_columns();

std::string render_breakeven(const Breakeven& b, ReportFormat f, bool colour);
std::string render_tune(const TuneResult& t, ReportFormat f, bool colour);

/// `slsim diff`: two saved report JSONs. `rise_pct` gets the largest relative rise of a
/// platform's monthly cost (in %), for --fail-above-pct.
std::string render_diff(const nlohmann::json& a, const nlohmann::json& b, const std::string& name_a,
                        const std::string& name_b, ReportFormat f, bool colour, double& rise_pct);

}  // namespace slsim::cli
