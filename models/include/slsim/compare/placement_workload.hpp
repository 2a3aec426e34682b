#pragma once
/// The placement of a workload's parts without a scenario file: what `slsim.compare(workload,
/// platforms, parts=...)` carries in Python and a C++ caller runs beside `compare()`.

#include <optional>
#include <string>
#include <vector>

#include "slsim/compare/compare.hpp"
#include "slsim/compare/placement.hpp"

namespace slsim {

/// Places the parts of `workload` (whose functions are `functions`, in workload order) on
/// `platforms` (names, as PlatformRunner::name), as `place_scenario` does for a scenario file:
/// the parts are `options.parts` resolved against `functions` (a group is a part, every other
/// function a part of its own), each with its objectives over `options.objectives`, its pin and
/// its exclusions; `runner` builds a platform's runner for a run of some functions only. None
/// for a workload of one part (the comparison is its placement). Throws ConfigError for bad
/// parts (validate_parts, keyed as it says) and std::invalid_argument for a pin that cannot run.
std::optional<PlacementResult> place_workload(const WorkloadFactory& workload,
                                              const std::vector<std::string>& functions,
                                              const std::vector<std::string>& platforms,
                                              const PartRunnerFactory& runner,
                                              const CompareOptions& options,
                                              const RateCard& rates = RateCard::builtin());

}  // namespace slsim
