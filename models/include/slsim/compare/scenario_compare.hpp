#pragma once
/// A scenario file as a comparison: its workload (seeded, rate-scalable), its platforms as
/// runners and its [report] settings as CompareOptions.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slsim/compare/compare.hpp"
#include "slsim/compare/explore.hpp"
#include "slsim/compare/placement.hpp"
#include "slsim/scenario/scenario.hpp"

namespace slsim {

/// Opens the scenario's workload ([workload] and every [[workloads]]) drawn with `seed` and with
/// arrival rates multiplied by `rate_scale` (generators' rate_per_s; a trace is replayed
/// faster or slower). Scheduled jobs are not scaled: a nightly job runs once a night whatever
/// the traffic. With seed = s.seed and rate_scale = 1 this is `open_workload(s)`.
std::unique_ptr<WorkloadSource> open_scenario_workload(const Scenario& s, std::uint64_t seed,
                                                       double rate_scale);

/// `open_scenario_workload` as a WorkloadFactory (the scenario is copied).
WorkloadFactory scenario_workload(const Scenario& s);

/// Runners for `names` (empty: `s.report.platforms`, or every available platform) configured
/// from the scenario's tables. Throws ConfigError("platforms", ...) for an unknown name or a
/// platform slsim cannot simulate yet.
std::vector<PlatformRunner> platform_runners(const Scenario& s,
                                             const std::vector<std::string>& names = {},
                                             const RateCard& rates = RateCard::builtin());

/// CompareOptions from the scenario: as_of, region, seed and the [report] settings.
CompareOptions compare_options(const Scenario& s);

/// The comparison `slsim report` runs for a scenario with its own settings.
Comparison compare_scenario(const Scenario& s, const RateCard& rates = RateCard::builtin());

/// The placement of the scenario's parts (`[report.parts]`, else one part per function; each
/// with its objectives over `[report]`'s, its pin and exclusions) on its report's platforms:
/// `place_parts` with each platform's runner built from the scenario restricted to the run's
/// functions (tables naming other functions left out). None for a workload of one part (the
/// comparison is its placement). `threads` as CompareOptions::threads (0: the scenario's).
/// Throws ConfigError naming the key.
std::optional<PlacementResult> place_scenario(const Scenario& s,
                                              const RateCard& rates = RateCard::builtin(),
                                              std::uint32_t threads = 0);

}  // namespace slsim
