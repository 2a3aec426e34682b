#pragma once
// The runner of a named platform with its default options at the tests' date: what a scenario
// file without that platform's table gives (platform_runners), for the placement tests.

#include <string>
#include <vector>

#include "slsim/compare/scenario_compare.hpp"
#include "slsim/scenario/scenario.hpp"

namespace slsim::test {

/// A PlatformRunnerFactory for place_parts: `platform`'s runner with default options on
/// 2026-11-01 (the functions of the part are not needed for defaults).
inline PlatformRunner default_runner(const std::string& platform,
                                     const std::vector<std::string>& = {}) {
  Scenario s;
  s.as_of = Date(2026, 11, 1);
  return platform_runners(s, {platform}).front();
}

}  // namespace slsim::test
