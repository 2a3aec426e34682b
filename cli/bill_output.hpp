#pragma once
// A Bill in the CLI's output formats (shared by `slsim price`, `simulate` and `report`).
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "output.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/pricing/pricing.hpp"

namespace slsim::cli {

/// The bill as JSON, with the same lines as the table (Bill::lines; Bill::to_json).
nlohmann::ordered_json bill_json(const Bill& b, const Bill* without_free_tier = nullptr);

/// The bill as a table of line items plus a total row. With `without_free_tier` (the same usage
/// priced without the free tier), each item shows its whole quantity and a "free tier" line shows
/// what the free tier covered, so a usage the free tier covers entirely is not a blank line.
Table bill_table(const Bill& b, const std::string& title = "Bill",
                 const Bill* without_free_tier = nullptr);
/// Prints the bill in the chosen format (json: bill_json()).
void write_bill(std::ostream& os, const Bill& b, Format f, const Bill* without_free_tier = nullptr);

/// A quantity with sensible precision: whole numbers with thousands separators, else 4
/// significant decimals.
std::string quantity(double q);

}  // namespace slsim::cli
