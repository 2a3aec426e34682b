#pragma once
/// Parts of a system and where the user wants them placed (issue 20): named groups of functions,
/// objectives per part, pins and exclusions. The placement reads this; it does not decide here
/// whether a pinned platform can run its part.
///
/// ```toml
/// [report.parts]                     # a group is a part; every other function is a part of its
/// own web = ["api", "checkout"] [report.objectives.nightly-report] # over the scenario-wide
/// objectives of [report] slo_p99_ms = 3000000 [report.place] web = "lambda"                     #
/// a pin nightly-report = { exclude = ["lambda"] } [report] exclude = ["batch"]                # no
/// part is placed on these
/// ```
///
/// Design notes: a part is named after its group, or after its function when it is in no group.
/// A group may be named after one of its own functions, never after another function (that name
/// would mean two parts). `validate_parts` is the one gate: the scenario loader, the CLI flags
/// (--part, --objective, --place, --exclude) and Python's keywords (parts=, objectives=, place=,
/// exclude=) all build a PartsSpec and pass through it. Without the workload's functions it
/// checks what it can; with them, everything. Its ConfigError keys name the setting
/// ("parts.web", "objectives.web.slo_p99_ms", "place.web", "exclude.web", "exclude"), which each
/// front end turns into its file key, flag or keyword.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace slsim {

struct Objectives;  // slsim/compare/compare.hpp
class ConfigError;  // slsim/platform/config_error.hpp

/// One part's own objectives; an unset one is the scenario-wide objective.
struct PartObjectives {
  std::optional<double> slo_p99_ms;           ///< p99 latency, ms (> 0)
  std::optional<double> max_error_rate;       ///< in [0, 1]
  std::optional<double> max_cold_start_rate;  ///< in [0, 1]
  bool operator==(const PartObjectives&) const = default;
};

/// A part the user names: a group of functions of the workload.
struct PartGroup {
  std::string name;
  std::vector<std::string> functions;
  bool operator==(const PartGroup&) const = default;
};

struct PartsSpec {
  std::vector<PartGroup> groups;                     ///< in the order given
  std::map<std::string, PartObjectives> objectives;  ///< by part
  std::map<std::string, std::string> place;          ///< part -> the platform it is pinned to
  std::map<std::string, std::vector<std::string>> exclude;  ///< part -> platforms it must avoid
  std::vector<std::string> exclude_all;                     ///< platforms no part is placed on
  bool empty() const {
    return groups.empty() && objectives.empty() && place.empty() && exclude.empty() &&
           exclude_all.empty();
  }
  bool operator==(const PartsSpec&) const = default;
};

/// The platforms a part can be pinned to or excluded from, in report order.
const std::vector<std::string>& placement_platforms();

/// The one gate. Always: a group named twice, a group with no functions, a function twice in a
/// group or in two groups, objectives out of range (as the scenario-wide ones), a platform that
/// is not one of `placement_platforms()`, a pin to a platform excluded for the part, a part with
/// every platform excluded. With the workload's functions (`functions` not null): a group's
/// function the workload does not have, a group named after another function, and objectives,
/// a pin or exclusions for a name that is not a part. Throws ConfigError keyed "parts.NAME",
/// "objectives.PART[.KEY]", "place.PART", "exclude.PART" or "exclude".
void validate_parts(const PartsSpec& p, const std::vector<std::string>* functions = nullptr);

/// A part of a workload: its name and its functions (workload order).
struct Part {
  std::string name;
  std::vector<std::string> functions;
  bool operator==(const Part&) const = default;
};

/// The parts of a workload whose functions are `functions` (in workload order): every group,
/// and every function in no group as a part of its own; ordered by each part's first function.
/// A group's functions the workload does not have are left out (validate_parts refuses them).
std::vector<Part> resolve_parts(const PartsSpec& p, const std::vector<std::string>& functions);

/// The objectives of `part`: its own where set, else those of `defaults`.
Objectives part_objectives(const PartsSpec& p, const std::string& part, const Objectives& defaults);

/// The platforms of `platforms` that `part` may be placed on: its pin alone (when one of
/// `platforms`), else `platforms` without its exclusions and `exclude_all`.
std::vector<std::string> allowed_platforms(const PartsSpec& p, const std::string& part,
                                           const std::vector<std::string>& platforms);

/// `p` for a run of the functions `keep` only: each group keeps its functions of `keep` (a group
/// left with none is dropped), and objectives, pins and exclusions of parts left out are dropped
/// (a part left out is not an error: it was deselected on purpose).
PartsSpec restrict_parts(const PartsSpec& p, const std::vector<std::string>& keep);

/// A ConfigError key of validate_parts taken apart: the setting ("parts", "objectives",
/// "place", "exclude"), the part ("" for `exclude` of every part) and, for objectives, the
/// objective ("slo_p99_ms", ...; "" when the error is about the part). Empty for other keys.
struct PartsKey {
  std::string setting, part, objective;
};
std::optional<PartsKey> parse_parts_key(const std::string& key);

/// The message of a validate_parts error found in the scenario file `path`:
/// "FILE: [report.parts] web: ...", "FILE: [report.objectives.web] slo_p99_ms: ...",
/// "FILE: [report.place] web: ...", "FILE: [report] exclude: ...".
std::string parts_error_in_file(const ConfigError& e, const std::string& path);

}  // namespace slsim
