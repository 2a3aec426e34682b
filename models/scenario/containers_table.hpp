#pragma once
// The container tables of a scenario file ([ecs], [fargate], [lambda_managed], [ecs_managed]).
// Private to models/scenario/.

#include <toml++/toml.h>

#include <string>

#include "slsim/scenario/scenario.hpp"

namespace slsim::scenario_detail {

/// Reads [ecs], [fargate], [lambda_managed] and [ecs_managed] (defaults, cluster settings,
/// [*.services.NAME]) into `s.ecs`, `s.fargate`, `s.lambda_managed` and `s.ecs_managed`,
/// copying as_of, region and seed from the scenario, and validates them.
/// Throws ScenarioError naming the file, the key and what is allowed.
void load_container_tables(const toml::table& root, const std::string& path, Scenario& s);

}  // namespace slsim::scenario_detail
