#pragma once
/// The `[report]` table of a scenario: which platforms to compare, the objectives, the front
/// door, the free tier, replications and the thresholds that fail a CI run. The CLI's flags
/// override these one by one (a flag not given never overrides the file).
///
/// ```toml
/// [report]
/// platforms = ["lambda", "ecs", "fargate", "batch"]
/// slo_p99_ms = 1000
/// max_error_rate = 0.01
/// max_cold_start_rate = 0.05
/// replications = 1
/// free_tier = true
/// front_door = "http-api"        # or "rest-api", "function-url", "none"
/// fail_above_usd = 500           # exit 3 when a platform's monthly projection is above
/// fail_above_p99_ms = 2000       # exit 3 when a platform's p99 is above
/// exclude = ["batch"]            # placement: no part on these platforms
/// [report.parts]                 # placement: named groups of functions (parts_spec.hpp)
/// web = ["api", "checkout"]
/// [report.objectives.web]        # a part's own objectives, over the ones above
/// slo_p99_ms = 500
/// [report.place]                 # placement: pins and exclusions per part
/// web = "lambda"
/// nightly-report = { exclude = ["lambda"] }
/// ```

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "slsim/compare/compare.hpp"

namespace slsim {

/// Names the comparison knows, in report order.
const std::vector<std::string>& known_platforms();

/// The platforms that can be run today (the others are reported as not yet available).
bool platform_available(const std::string& name);

struct ReportSettings {
  std::vector<std::string> platforms;  ///< empty: every available platform
  Objectives objectives;
  FrontDoorOptions front_door;
  bool free_tier = true;
  std::uint32_t replications = 1;
  std::optional<double> fail_above_usd;     ///< on the monthly projection of the recommended
                                            ///< platform (or the cheapest, when none is)
  std::optional<double> fail_above_p99_ms;  ///< on the recommended platform's p99
  /// [report.parts], [report.objectives.PART], [report.place] and [report] exclude (issue 20).
  PartsSpec parts;
};

/// Checks platform names ("platforms": known ones, no duplicates) and the rest (the parts
/// without the workload: validate_parts); throws ConfigError naming the key.
void validate_report_settings(const ReportSettings& r);

}  // namespace slsim
