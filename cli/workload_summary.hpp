#pragma once
#include <nlohmann/json.hpp>
#include <vector>

#include "output.hpp"
#include "slsim/workload/trace_stats.hpp"

namespace slsim::cli {
nlohmann::ordered_json summary_json(const TraceSummary& s);
std::vector<Table> summary_tables(const TraceSummary& s);
}  // namespace slsim::cli
