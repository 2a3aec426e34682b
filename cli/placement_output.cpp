// The report's "Placement" section (placement_output.hpp).
#include "placement_output.hpp"

#include <fmt/format.h>

namespace slsim::cli {

namespace {

std::string usd(double v) {
  return fmt::format("${:.2f}", v);
}

std::string ms_text(double ms) {
  if (!(ms > 0)) return "n/a";
  if (ms < 1000) return fmt::format("{:.0f} ms", ms);
  if (ms < 120'000) return fmt::format("{:.2f} s", ms / 1000);
  if (ms < 7'200'000) return fmt::format("{:.1f} min", ms / 60'000);
  return fmt::format("{:.1f} h", ms / 3'600'000);
}

}  // namespace

std::vector<Table> placement_tables(const PlacementResult& p) {
  Table parts{"Placement: the best platform for each part", {}};
  parts.id = "placement";
  parts.rows.push_back({"part", "platform", "per month", "p99", "objectives", "why"});
  for (const auto& pp : p.parts) {
    parts.rows.push_back({pp.part, pp.platform.empty() ? "none" : pp.platform,
                          pp.platform.empty() ? "n/a" : usd(pp.monthly_usd), ms_text(pp.p99_ms),
                          pp.meets_objectives ? "met" : "missed", pp.why});
  }
  parts.rows.push_back({"total", "", usd(p.monthly_usd), "", "", ""});
  parts.notes.push_back(p.summary);
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
                         l.unit.empty() ? "" : fmt::format("{:.4g} {}", l.quantity, l.unit),
                         usd(l.monthly_usd)});
  }
  bill.rows.push_back({"total", "", "", usd(p.monthly_usd)});
  return {parts, bill};
}

}  // namespace slsim::cli
