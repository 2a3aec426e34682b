#pragma once
// The scenario's [batch] table (AWS Batch): private to models/scenario/.
#include <toml++/toml.h>

#include <string>

#include "slsim/scenario/scenario.hpp"

namespace slsim::scenario_detail {

/// Reads [batch], [[batch.compute_environments]], [[batch.queues]] and
/// [batch.functions."name"] into `s.batch` (as_of, region and seed from the scenario) and
/// validates the result. Throws ScenarioError naming the file, the key and what is allowed.
void load_batch_table(const toml::table& root, const std::string& path, Scenario& s);

}  // namespace slsim::scenario_detail
