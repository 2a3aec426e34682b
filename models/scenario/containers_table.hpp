#pragma once
// The [ecs] and [fargate] tables of a scenario file. Private to models/scenario/.

#include <toml++/toml.h>

#include <string>

#include "slsim/scenario/scenario.hpp"

namespace slsim::scenario_detail {

/// Reads [ecs] and [fargate] (defaults, cluster settings, [*.services.NAME]) into `s.ecs` and
/// `s.fargate`, copying as_of, region and seed from the scenario, and validates them.
/// Throws ScenarioError naming the file, the key and what is allowed.
void load_container_tables(const toml::table& root, const std::string& path, Scenario& s);

}  // namespace slsim::scenario_detail
