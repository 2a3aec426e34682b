// The report's "Placement" section (placement_output.hpp).
#include "placement_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report_output.hpp"

namespace slsim::cli {

std::vector<Table> placement_tables(const PlacementResult& p) {
  if (p.skipped) return {};  // the line under the recommendation says why
  Table parts{"Placement: the best platform for each part", {}};
  parts.id = "placement";
  parts.rows.push_back(
      {"part", "platform", "per month", "p99", "p99 objective", "objectives", "why"});
  for (const auto& pp : p.parts) {
    parts.rows.push_back({pp.part, pp.platform.empty() ? "none" : pp.platform,
                          pp.platform.empty() ? "n/a" : fmt_usd(pp.monthly_usd),
                          pp.p99_ms > 0 ? fmt_latency(pp.p99_ms) : "n/a",
                          pp.slo_p99_ms ? "<= " + fmt_latency(*pp.slo_p99_ms) : "none",
                          pp.meets_objectives ? "met" : "missed", pp.why});
  }
  parts.rows.push_back({"total", "", fmt_usd(p.monthly_usd), "", "", "", ""});
  parts.notes.push_back(p.summary);
  if (p.joint) {
    parts.notes.push_back(
        "the mix's bill is one run of the whole system: every part on its platform, on one "
        "clock");
  }
  if (!p.exact) {
    parts.notes.push_back(
        "too many assignments to try them all: a local search's answer (docs/models.md, "
        "\"Placement\")");
  }

  // Replications: the lines are the first replication's, the total above the mean over them.
  double lines_total = 0;
  for (const auto& [platform, l] : p.line_items)
    lines_total += l.monthly_usd;
  const bool first_only = std::abs(lines_total - p.monthly_usd) > 0.005;
  // Every part alone on every platform: what the search chose from.
  Table alone{"Placement: each part alone on each platform (per month)", {}};
  alone.id = "placement_alone";
  std::vector<std::string> names;
  for (const auto& a : p.alone)
    if (std::find(names.begin(), names.end(), a.platform) == names.end())
      names.push_back(a.platform);
  alone.rows.push_back({"part"});
  for (const auto& n : names)
    alone.rows.front().push_back(n);
  for (const auto& pp : p.parts) {
    std::vector<std::string> row{pp.part};
    for (const auto& n : names) {
      for (const auto& a : p.alone) {
        if (a.part != pp.part || a.platform != n) continue;
        row.push_back(!a.can_run           ? "cannot run"
                      : a.meets_objectives ? fmt_usd(a.monthly_usd)
                                           : fmt_usd(a.monthly_usd) + " (misses)");
      }
    }
    alone.rows.push_back(std::move(row));
  }

  Table bill{first_only ? "Placement: the mix's bill (replication 1)" : "Placement: the mix's bill",
             {}};
  bill.id = "placement_bill";
  bill.rows.push_back({"platform", "item", "quantity over the span", "per month"});
  for (const auto& [platform, l] : p.line_items) {
    bill.rows.push_back({platform, l.name,
                         l.unit.empty() ? "" : fmt_quantity(l.quantity) + " " + l.unit,
                         fmt_usd(l.monthly_usd)});
  }
  bill.rows.push_back({"total", "", "", fmt_usd(first_only ? lines_total : p.monthly_usd)});
  return {parts, alone, bill};
}

}  // namespace slsim::cli
