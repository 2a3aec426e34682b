// The report's "Placement" section (placement_output.hpp).
#include "placement_output.hpp"

#include <fmt/format.h>

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

  Table bill{"Placement: the mix's bill", {}};
  bill.id = "placement_bill";
  bill.rows.push_back({"platform", "item", "quantity over the span", "per month"});
  for (const auto& [platform, l] : p.line_items) {
    bill.rows.push_back({platform, l.name,
                         l.unit.empty() ? "" : fmt_quantity(l.quantity) + " " + l.unit,
                         fmt_usd(l.monthly_usd)});
  }
  bill.rows.push_back({"total", "", "", fmt_usd(p.monthly_usd)});
  return {parts, bill};
}

}  // namespace slsim::cli
