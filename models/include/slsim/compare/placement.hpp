#pragma once
/// The placement search: which platform should run each part of a system, at the lowest monthly
/// cost that meets every part's objectives, when parts placed on one platform share its costs.
///
/// Design notes: the search needs two kinds of figures, both supplied by the caller (so the
/// search is plain arithmetic, tested on hand-made figures, and the caller decides how to
/// simulate): `alone[k][p]`, part k run alone on platform p (whether it can run there and
/// meets its own objectives), and `group_cost(p, mask)`, the monthly cost of the parts in `mask`
/// run together on platform p (one ALB, one cluster, one free tier for them). Parts on
/// different platforms share nothing, so a placement's cost is the sum over platforms of the
/// group cost of the parts placed there. The search is exact (every assignment of feasible
/// platforms) while that takes at most `exact_limit` assignments; beyond it, it starts from
/// each part's cheapest feasible platform alone and moves one part at a time while the total
/// falls (a local search; group costs are asked once per (platform, mask) and cached).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "slsim/compare/compare.hpp"
#include "slsim/system/system.hpp"

namespace slsim {

/// Part k on platform p, run alone.
struct PartAlone {
  bool can_run = false;    ///< false: the platform cannot run it (why says why)
  bool meets = false;      ///< can run and meets the part's objectives
  double monthly_usd = 0;  ///< its monthly cost alone (when it can run)
  std::string why;         ///< why it cannot run, or which objective it misses
};

struct PlacementInput {
  std::vector<std::string> parts;      ///< part names, in report order
  std::vector<std::string> platforms;  ///< platform names ("lambda", "ecs", ...)
  /// alone[k][p] for part k, platform p (parts.size() x platforms.size()).
  std::vector<std::vector<PartAlone>> alone;
  /// Pinned platform index per part (nullopt: free); a pin is honoured even if the part misses
  /// its objectives there (the report says so), never where it cannot run.
  std::vector<std::optional<std::size_t>> pinned;
  /// Platforms excluded per part (indices).
  std::vector<std::vector<std::size_t>> excluded;
  /// Monthly cost of the parts in `mask` (bit k = part k) run together on platform p.
  std::function<double(std::size_t p, std::uint64_t mask)> group_cost;
  /// Optional: whether every part in `mask` meets its own objectives when they run together on
  /// platform p (the best single platform must; unset: each part's figures alone decide).
  std::function<bool(std::size_t p, std::uint64_t mask)> group_meets;
  /// Which platforms count as a single platform for `best_single` (empty: all); a spillover
  /// ("fargate+lambda") is a mix of two, not a single platform.
  std::vector<bool> single;
  /// Largest number of assignments searched exhaustively.
  std::uint64_t exact_limit = 4096;
  /// Optional: called once, before an exhaustive search, with every (platform, mask) of two or
  /// more parts whose group cost it will ask for (at most 256 of them), so the caller can
  /// compute them together (in parallel) before group_cost is called.
  std::function<void(const std::vector<std::pair<std::size_t, std::uint64_t>>&)> prefetch;
};

struct PlacementChoice {
  /// Platform index per part (nullopt: no platform can run it).
  std::vector<std::optional<std::size_t>> platform;
  std::vector<bool> meets;  ///< per part: meets its objectives where placed
  double monthly_usd = 0;   ///< the sum of group costs of the placement
  bool exact = true;        ///< false: the local search's answer
  std::uint64_t assignments_tried = 0;
  std::uint64_t group_runs = 0;  ///< distinct (platform, mask) group costs asked for
  /// The best single platform that can run every part (index), and its cost (every part on it);
  /// nullopt when none can run them all.
  std::optional<std::size_t> best_single;
  double best_single_usd = 0;
};

/// Searches the placement. Throws std::invalid_argument when the input's shapes disagree or a
/// part is pinned to a platform that cannot run it (the message names the part, the platform
/// and why).
PlacementChoice search_placement(const PlacementInput& in);

// ---- the placement of a workload's parts ------------------------------------------------------

/// One part of the system: a function of the workload, or a group of functions.
struct PlacementPart {
  std::string name;
  std::vector<std::string> functions;
  Objectives objectives;             ///< this part's (the scenario-wide ones by default)
  std::optional<std::string> place;  ///< pinned platform name
  std::vector<std::string> exclude;  ///< platform names it must not go to
};

/// The runner of platform `platform` for a run of `functions` only (its per-function tables
/// for other functions left out). Throws ConfigError for a bad configuration.
using PartRunnerFactory = std::function<PlatformRunner(const std::string& platform,
                                                       const std::vector<std::string>& functions)>;

/// The platforms a placement offers for `platforms`: them, then, when "lambda" is among them,
/// the spillover of each service platform behind an ALB among them ("ecs+lambda",
/// "fargate+lambda", "ecs-managed+lambda": spill_runner, docs/models.md "Spillover"; none for
/// "lambda-managed", which has no load balancer).
std::vector<std::string> with_spillover(const std::vector<std::string>& platforms);

/// `runner`, building the spillovers ("SERVICE+lambda") from their own two sides (spill_runner).
PartRunnerFactory with_spillover(PartRunnerFactory runner,
                                 const RateCard& rates = RateCard::builtin());

/// Where one part goes and what it costs there.
struct PartPlacement {
  std::string part;
  std::vector<std::string> functions;
  std::string platform;    ///< "" when no platform can run it
  double monthly_usd = 0;  ///< its share of its platform's bill (shared costs split by use)
  double alone_usd = 0;    ///< what it would cost on that platform alone
  double p99_ms = 0;       ///< its p99 there (from its own run)
  std::optional<double> slo_p99_ms;  ///< its own p99 objective (ms), when it has one
  bool meets_objectives = false;
  std::string why;  ///< for people: why there
};

/// The most parts a placement places: each part runs alone on every platform (a pass over the
/// workload each), so a trace of thousands of functions is not placed function by function;
/// beyond it the result is `skipped`, saying how to group or select functions.
inline constexpr std::size_t kMaxPlacedParts = 32;

/// Part `part` alone on platform `platform`: the search's figures.
struct PartAloneFigures {
  std::string part, platform;
  bool can_run = false, meets_objectives = false;
  double monthly_usd = 0;  ///< when it can run
  std::string why;         ///< why it cannot run, or which objective it misses
};

/// The placement of every part, and the bill of the mix.
struct PlacementResult {
  std::vector<PartPlacement> parts;
  /// Every part alone on every platform of the placement (parts, then platforms, in order).
  std::vector<PartAloneFigures> alone;
  double monthly_usd = 0;  ///< the mix's monthly total
  /// The mix's bill: (platform, line), the lines of each platform's run of its parts together.
  std::vector<std::pair<std::string, CostLine>> line_items;
  std::optional<std::string> best_single;  ///< the cheapest platform meeting every part alone
  double best_single_usd = 0;
  bool exact = true;             ///< the search tried every assignment
  std::uint64_t group_runs = 0;  ///< runs of several parts together on one platform
  /// true: the mix was re-simulated as one system (simulate_system, every part on its platform
  /// on one clock) and `monthly_usd`, `line_items` are that run's bill; false: the sum of the
  /// bills of each platform's parts run together (no SystemOptions given).
  bool joint = false;
  /// The search's figure for the chosen mix: the sum of its platforms' group bills (equal to
  /// the joint run's when the platforms share nothing).
  double search_usd = 0;
  std::string summary;  ///< one line for people
  /// true: nothing was placed (more than kMaxPlacedParts parts); `summary` says why and how to
  /// group or select functions, and `parts` is empty.
  bool skipped = false;
  /// The mix is the answer: every part meets its objectives and the mix costs less than the
  /// best single platform (or no single platform meets them all).
  bool recommended() const;
  /// {"parts": [{part, functions, platform, monthly_usd, p99_ms, meets_objectives, why}],
  ///  "monthly_usd", "line_items": [{platform, name, unit, quantity, usd, monthly_usd}],
  ///  "best_single": {platform, monthly_usd} | null, "saving_usd" (against best_single) | null,
  ///  "recommended", "exact", "group_runs", "joint", "search_usd", "skipped", "summary",
  ///  "alone": [{part, platform, can_run, meets_objectives, monthly_usd | null, why}]}; each
  ///  part also
  ///  has "slo_p99_ms" (null without a p99 objective)
  std::string to_json() const;
};

/// Places the parts of `workload` on `platforms` (names): each part run alone on each platform
/// (with its own objectives), then the cheapest assignment that meets every part's objectives
/// with the parts on one platform run together (their shared costs counted once). Every run
/// uses the whole workload's span (a nightly job alone is still one night a day). The chosen mix
/// is then re-simulated as one system (simulate_system, with each platform's options from its
/// runner's `system_options`) and its bill is that run's, priced as the comparison prices each
/// platform (the runners' front doors, free tier and discounts); when a runner has no
/// `system_options`, the mix's bill is the sum of its platforms' group runs (`joint` false).
/// Throws ConfigError for a bad configuration (a pin that cannot run names the part, the
/// platform and why, key "place").
PlacementResult place_parts(const WorkloadFactory& workload,
                            const std::vector<PlacementPart>& parts,
                            const std::vector<std::string>& platforms,
                            const PartRunnerFactory& runner, const CompareOptions& options,
                            const RateCard& rates = RateCard::builtin());

}  // namespace slsim
