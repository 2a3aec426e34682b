#pragma once
// The comparison's tables of a scenario file: [report] (objectives, front door, platforms,
// thresholds) and [[workloads]] (more workloads replayed together with [workload]). Private to
// models/scenario/; scenario.cpp calls `load_compare_tables` once.

#include <toml++/toml.h>

#include <string>

#include "slsim/scenario/scenario.hpp"

namespace slsim::scenario_detail {

void load_compare_tables(const toml::table& root, const std::string& path, Scenario& s);

}  // namespace slsim::scenario_detail
