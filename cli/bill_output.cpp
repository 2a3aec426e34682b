#include "bill_output.hpp"

#include <fmt/format.h>

#include <cmath>

namespace slsim::cli {

namespace {
std::string money(std::int64_t cents) {
  const char* sign = cents < 0 ? "-" : "";
  const std::int64_t a = cents < 0 ? -cents : cents;
  return fmt::format("{}{}.{:02}", sign, a / 100, a % 100);
}

}  // namespace

std::string quantity(double q) {
  if (!std::isfinite(q)) return "n/a";
  if (q == std::floor(q) && std::fabs(q) < 1e15) {
    const auto v = static_cast<std::int64_t>(q);
    return (v < 0 ? "-" : "") + grouped(static_cast<std::uint64_t>(v < 0 ? -v : v));
  }
  if (std::fabs(q) >= 1000 && std::fabs(q) < 1e15) {
    const auto tenths = static_cast<std::int64_t>(std::llround(std::fabs(q) * 10));
    return fmt::format("{}{}.{}", q < 0 ? "-" : "",
                       grouped(static_cast<std::uint64_t>(tenths / 10)), tenths % 10);
  }
  if (std::fabs(q) >= 1) return fmt::format("{:.4g}", q);
  return fmt::format("{:.4g}", q);
}

nlohmann::ordered_json bill_json(const Bill& b, const Bill* without_free_tier) {
  return nlohmann::ordered_json::parse(b.to_json(without_free_tier));
}

Table bill_table(const Bill& b, const std::string& title, const Bill* without_free_tier) {
  Table t{fmt::format("{} (as of {}, {})", title, b.as_of.str(), b.region),
          {{"line item", "quantity", "unit", "usd"}}};
  for (const auto& l : b.lines(without_free_tier))
    // A discount or credit line has no quantity of its own: no "0" beside its dollars.
    t.rows.push_back({l.name, l.unit.empty() && l.quantity == 0 ? "" : quantity(l.quantity), l.unit,
                      money(l.cents)});
  t.rows.push_back({"total", "", "", money(b.total_cents())});
  t.id = "bill";
  return t;
}

void write_bill(std::ostream& os, const Bill& b, Format f, const Bill* without_free_tier) {
  if (f == Format::kJson) {
    os << bill_json(b, without_free_tier).dump(2) << "\n";
    return;
  }
  write_tables(os, {bill_table(b, "Bill", without_free_tier)}, f);
}

}  // namespace slsim::cli
