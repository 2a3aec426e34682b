#pragma once
// A Bill in the CLI's output formats (shared by `slsim price` and, later, `slsim simulate`).
#include <ostream>

#include "output.hpp"
#include "slsim/pricing/pricing.hpp"

namespace slsim::cli {

/// The bill as a table of line items plus a total row.
Table bill_table(const Bill& b, const std::string& title = "Bill");
/// Prints the bill in the chosen format (json: Bill::to_json()).
void write_bill(std::ostream& os, const Bill& b, Format f);

}  // namespace slsim::cli
