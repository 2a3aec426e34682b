#pragma once
// The report's "Placement" section (issue 20): where each part of the system goes, what the mix
// costs line by line, and the saving against the best single platform.

#include <string>
#include <vector>

#include "output.hpp"
#include "slsim/compare/placement.hpp"

namespace slsim::cli {

/// The tables of the section: "Placement" (one row per part: platform, monthly cost, p99, its
/// objectives, why) and "Placement: the mix's bill" (line items per platform, and the total),
/// with the summary as a note.
std::vector<Table> placement_tables(const PlacementResult& p);

}  // namespace slsim::cli
