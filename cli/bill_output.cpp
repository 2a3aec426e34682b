#include "bill_output.hpp"

#include <fmt/format.h>

namespace slsim::cli {

namespace {
std::string money(std::int64_t cents) {
  const char* sign = cents < 0 ? "-" : "";
  const std::int64_t a = cents < 0 ? -cents : cents;
  return fmt::format("{}{}.{:02}", sign, a / 100, a % 100);
}
std::string quantity(double q) {
  if (q == 0) return "";
  if (q == static_cast<double>(static_cast<std::int64_t>(q)))
    return fmt::format("{}", static_cast<std::int64_t>(q));
  return fmt::format("{:.4f}", q);
}
}  // namespace

Table bill_table(const Bill& b, const std::string& title) {
  Table t{fmt::format("{} (as of {}, {})", title, b.as_of.str(), b.region),
          {{"line item", "quantity", "unit", "usd"}}};
  for (const auto& i : b.items)
    t.rows.push_back({i.name, quantity(i.quantity), i.unit, money(i.cents)});
  t.rows.push_back({"total", "", "", money(b.total_cents())});
  return t;
}

void write_bill(std::ostream& os, const Bill& b, Format f) {
  if (f == Format::kJson) {
    os << b.to_json() << "\n";
    return;
  }
  write_tables(os, {bill_table(b)}, f);
}

}  // namespace slsim::cli
