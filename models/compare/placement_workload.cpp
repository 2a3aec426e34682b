// place_workload: the parts of a workload and their placement (as place_scenario, without the
// scenario file).
#include "slsim/compare/placement_workload.hpp"

#include <algorithm>

#include "slsim/compare/parts_spec.hpp"

namespace slsim {

std::optional<PlacementResult> place_workload(const WorkloadFactory& workload,
                                              const std::vector<std::string>& functions,
                                              const std::vector<std::string>& platforms_in,
                                              const PartRunnerFactory& runner_in,
                                              const CompareOptions& options,
                                              const RateCard& rates) {
  const std::vector<std::string> platforms = with_spillover(platforms_in);
  validate_parts(options.parts, &functions);
  const auto resolved = resolve_parts(options.parts, functions);
  if (resolved.size() < 2) return std::nullopt;
  std::vector<PlacementPart> parts;
  for (const auto& part : resolved) {
    PlacementPart p;
    p.name = part.name;
    p.functions = part.functions;
    p.objectives = part_objectives(options.parts, part.name, options.objectives);
    const auto pin = options.parts.place.find(part.name);
    if (pin != options.parts.place.end()) p.place = pin->second;
    const auto allowed = allowed_platforms(options.parts, part.name, platforms);
    for (const auto& n : platforms)
      if (std::find(allowed.begin(), allowed.end(), n) == allowed.end()) p.exclude.push_back(n);
    parts.push_back(std::move(p));
  }
  return place_parts(workload, parts, platforms, with_spillover(runner_in, rates), options, rates);
}

}  // namespace slsim
