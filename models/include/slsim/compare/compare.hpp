#pragma once
/// The comparison: one workload, several platforms, the same seed; cost over the span and per
/// month, performance, what is impossible, and the recommendation.
///
/// Design notes: each platform is a `PlatformRunner` (a name and a function that simulates a
/// workload stream with a seed and returns a `PlatformResult`). Every (platform, replication)
/// pair is an independent task with its own workload stream and its own model; tasks run on a
/// small thread pool and write into pre-sized slots, so the result does not depend on the
/// number of threads or on scheduling. Replication r uses seed + r for both the workload and
/// the platform, so replication 0 is exactly the single run with `seed`.
///
/// Recommendation rule (documented in docs/cli.md, "The recommendation"): a platform qualifies when
/// it can run the workload and, for each objective, the upper end of the metric's 95% interval (the
/// value itself with one replication) is within the objective. Among those that qualify the lowest
/// mean monthly cost wins; a loser whose cost interval overlaps the winner's is reported as a
/// statistical tie ("within the 95% interval") rather than as cheaper or dearer.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "slsim/batch/batch_options.hpp"
#include "slsim/compare/cost.hpp"
#include "slsim/compare/parts_spec.hpp"
#include "slsim/containers/service.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/platform/impossible_error.hpp"  // ImpossibleError
#include "slsim/platform/result.hpp"
#include "slsim/pricing/pricing.hpp"
#include "slsim/workload/profile.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

/// Opens a fresh stream of the workload. `seed` is the replication's seed (generators draw from
/// it; traces use it only for durations they sample); `rate_scale` multiplies the arrival rate
/// (1 = as given; breakeven replays other rates).
using WorkloadFactory =
    std::function<std::unique_ptr<WorkloadSource>(std::uint64_t seed, double rate_scale)>;

/// A factory that ignores the seed and rate scale (a fixed trace or source).
WorkloadFactory fixed_workload(std::function<std::unique_ptr<WorkloadSource>()> open);

/// One platform in a comparison.
struct SystemOptions;  // slsim/system/system.hpp

struct PlatformRunner {
  std::string name;   ///< "lambda", "ecs", "fargate", "batch" (the JSON key)
  std::string label;  ///< for people: "AWS Lambda, 512 MB"
  FrontDoorSide front_door = FrontDoorSide::kNone;
  bool free_tier = true;  ///< false: this platform's configuration turned the free tier off
  std::map<std::string, double> discount_pct;  ///< PricingOptions::discount_pct for its bill
  /// PricingOptions' Spot discounts for its bill (unset: the rate card's typical figures).
  std::optional<double> fargate_spot_discount_pct, ec2_spot_discount_pct;
  using Run = std::function<PlatformResult(WorkloadSource&, std::uint64_t seed)>;
  /// Simulates the stream with `seed`. Throws ImpossibleError when the platform cannot run the
  /// workload, ConfigError / PricingError for a bad configuration.
  Run run;
  /// Optional: `run` with the model's `record_functions` set to `n` (figures per function for
  /// up to n functions), for the comparison's figures per part. Set by lambda_runner,
  /// ecs_runner, fargate_runner and batch_runner; a spillover records them always.
  std::function<Run(std::size_t n)> run_recording;
  /// Optional: the runner to use for a workload, from one pass over it (container services
  /// sized from the trace, with a label saying how). compare() calls it once, with the profile
  /// of the stream of its first replication, before any run.
  std::function<PlatformRunner(const WorkloadProfile&)> prepare;
  /// Optional: writes this platform's options into a system's (its member of SystemOptions),
  /// so the placement can re-run a mix of platforms as one system (simulate_system). Set by
  /// lambda_runner, ecs_runner, fargate_runner and batch_runner.
  std::function<void(SystemOptions&)> system_options;
};

/// The Lambda runner (name "lambda", front door API Gateway or a function URL).
PlatformRunner lambda_runner(LambdaOptions options, const RateCard& rates = RateCard::builtin());

/// The ECS-on-EC2, Fargate and Batch runners (names "ecs", "fargate", "batch"; services pay for
/// an ALB front door, Batch has none). A bad setting throws ConfigError when the runner is made.
PlatformRunner ecs_runner(EcsOptions options, const RateCard& rates = RateCard::builtin());
PlatformRunner fargate_runner(FargateOptions options, const RateCard& rates = RateCard::builtin());
/// The runners of ECS Managed Instances ("ecs-managed", an ALB front door) and Lambda Managed
/// Instances ("lambda-managed", API Gateway or a function URL). Before the platform's launch
/// date the runner's run throws ImpossibleError ("cannot run": launched on ...).
PlatformRunner ecs_managed_runner(EcsManagedOptions options,
                                  const RateCard& rates = RateCard::builtin());
PlatformRunner lambda_managed_runner(LambdaManagedOptions options,
                                     const RateCard& rates = RateCard::builtin());
PlatformRunner batch_runner(BatchOptions options, const RateCard& rates = RateCard::builtin());

/// Spillover (docs/models.md, "Spillover"): `service` (an ecs, fargate or ecs-managed runner)
/// sized for its base load, the overflow of its HTTP requests sent to `lambda` (a Lambda
/// runner), both on one clock (simulate_system) behind one ALB. Named "ecs+lambda",
/// "fargate+lambda" or "ecs-managed+lambda"; its result is
/// the two sides as one (counts, latencies, usage, bill); a workload without HTTP requests
/// cannot run on it (ImpossibleError). Throws std::invalid_argument for other runners.
PlatformRunner spill_runner(const PlatformRunner& service, const PlatformRunner& lambda,
                            const RateCard& rates = RateCard::builtin());

/// LambdaResult as the shared result shape: a copy of its PlatformResult base (LambdaResult
/// derives from it; the Lambda-only fields are dropped).
PlatformResult to_platform_result(const LambdaResult& r);

/// The most parts a comparison reports figures for ("By part"; `Comparison::by_part`): a table
/// of more is no longer read, and each function's figures cost memory (a sketch each). A
/// workload of more parts gets none, and the report says how to group its functions into parts
/// (`--part NAME=f1,f2`) or keep fewer (`--functions`, `--top-n`).
inline constexpr std::size_t kMaxPartsByPart = 32;

/// The error-rate objective when the user gives none.
inline constexpr double kDefaultMaxErrorRate = 0.01;

/// The user's objectives; a missing one is not checked.
struct Objectives {
  std::optional<double> slo_p99_ms;  ///< p99 latency, ms (> 0)
  /// Share of arrivals failed, timed out, refused or expired, in [0, 1]. 1% unless set: a
  /// platform that drops most requests is cheap but no answer (1 turns the check off).
  std::optional<double> max_error_rate = kDefaultMaxErrorRate;
  std::optional<double> max_cold_start_rate;  ///< share of arrivals that started cold, in [0, 1]
};

struct CompareOptions {
  Objectives objectives;
  FrontDoorOptions front_door;
  bool free_tier = true;
  Date as_of;
  std::string region = "us-east-1";
  std::uint64_t seed = 1;
  std::uint32_t replications = 1;  ///< independent seeds (1..1000); >= 2 gives 95% intervals
  std::uint32_t threads = 0;       ///< 0: one per hardware thread
  /// Parts, their own objectives (over `objectives`), pins and exclusions, for the placement
  /// (validated by validate_parts); the comparison reports each part's figures (by_part).
  PartsSpec parts;
  /// Called after each finished task (done, total), from worker threads, serialised.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// Checks the options; throws ConfigError naming the key (slo_p99_ms, replications, ...).
void validate_compare_options(const CompareOptions& o);

/// A figure over the replications: mean and the half-width of its 95% Student-t interval
/// (0 with one replication).
struct Estimate {
  double mean = 0;
  double half_width = 0;
  std::size_t n = 0;
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
};

/// The figures the report shows for one platform, each over the replications.
struct PlatformFigures {
  Estimate total_usd, monthly_usd, usd_per_million;
  Estimate p50_ms, p95_ms, p99_ms, max_ms, mean_ms;
  Estimate error_rate, cold_start_rate;
  Estimate arrived, completed, failed, timed_out, refused, expired, unfinished, cold_starts;
  Estimate instances_mean, instances_max, hosts_mean, hosts_max, utilisation;
  /// Seconds the platform was still working after the workload's span ended, beyond its
  /// longest invocation (a backlog it drained late), and that span.
  Estimate overrun_s, span_s;
};

/// The monthly projection repeats the span back to back (730 h / span times). A platform that
/// needs longer than that to finish one span's arrivals — still working this long after the span
/// (seconds) — would see its backlog grow from one span to the next, so a month of them is more
/// than it can do: it "falls behind". At least 10 minutes, or a tenth of the span when longer.
/// A burst that drains within the span is not behind (declare the period a trace stands for:
/// SelectOptions::span_s). docs/models.md, "Falling behind".
double fell_behind_after_s(double span_s);

/// A span shorter than this (one minute: the period every platform bills and scales by — 60 s
/// minimum charges, one-minute CloudWatch metrics) gets no recommendation: a month repeats it
/// at least 43,800 times, and its figures say more about minimums and start-up than the work.
inline constexpr double kShortestRecommendedSpanS = 60.0;

/// One platform's part of a comparison.
struct PlatformComparison {
  std::string name, label;
  std::optional<std::string> impossible;  ///< why it cannot run the workload (no figures then)
  std::vector<PlatformResult> runs;       ///< one per replication (replication 0 first)
  std::vector<CostBreakdown> costs;       ///< one per replication
  PlatformFigures figures;
  /// `runs[0].to_json()` with "cost" replaced by `costs[0]`, plus "label" and, with more than
  /// one replication, "replications": {figure: {mean, half_width, n}}; or
  /// {"platform", "label", "impossible": why} when it cannot run the workload.
  std::string to_json() const;
};

/// One part of the workload on one platform in the comparison (issue 20): its functions'
/// latencies merged (PlatformResult::functions), their errors and cold starts, each over the
/// replications, against the part's own objectives (part_objectives) by the recommendation's
/// rule (the upper end of a figure's 95% interval within the objective).
struct PartFigures {
  std::string part;
  std::vector<std::string> functions;
  std::string platform;
  Estimate arrived, p99_ms, error_rate, cold_start_rate;  ///< p99 NaN when none ran
  Objectives objectives;                                  ///< the part's own
  /// The objectives it misses, of "p99", "errors", "cold starts" (empty: it meets them).
  std::vector<std::string> missed;
  bool meets_objectives() const { return missed.empty(); }
};

/// Every part of `parts` (resolve_parts over the runs' functions) on every platform that could
/// run the workload, parts first then platforms in comparison order; empty with fewer than two
/// parts (the platforms' own figures are the part's), more than kMaxPartsByPart, or runs
/// without figures per function. Objectives per part over `defaults`.
std::vector<PartFigures> part_figures(const std::vector<PlatformComparison>& platforms,
                                      const PartsSpec& parts, const Objectives& defaults);

struct Recommendation {
  std::optional<std::string> platform;  ///< none when no platform meets the objectives
  std::string summary;                  ///< one line for people
  /// One line per other platform (and for the winner, why it won), in comparison order.
  std::vector<std::pair<std::string, std::string>> reasons;
};

struct Comparison {
  CompareOptions options;
  std::vector<PlatformComparison> platforms;  ///< in the order given
  Recommendation recommendation;
  std::string workload;  ///< the workload's description
  /// Latency, errors and cold starts per part per platform (part_figures; empty with one part
  /// or more than kMaxPartsByPart).
  std::vector<PartFigures> by_part;
  /// The workload's parts (resolve_parts over its functions; 0 when no platform ran it).
  std::size_t parts = 0;
  /// {"schema_version": 1, "as_of", "region", "seed", "replications", "objectives",
  ///  "workload", "platforms": {name: ...}, "recommendation": {"platform", "summary",
  ///  "reasons": {name: why}}, and with two parts or more "by_part": [{"part", "functions",
  ///  "platform", "p99_ms", "error_rate", "cold_start_rate", "meets_objectives", "missed"}]
  ///  (empty, with "parts": their number, beyond kMaxPartsByPart)}
  std::string to_json() const;
  const PlatformComparison* find(const std::string& name) const;
};

/// Runs each platform on the same workload with the same seed (and replications), in parallel,
/// and recommends one. Throws ConfigError for bad options, PricingError / ConfigError from a
/// platform's configuration, TraceError for bad input.
Comparison compare(const WorkloadFactory& workload, const std::vector<PlatformRunner>& platforms,
                   const CompareOptions& options, const RateCard& rates = RateCard::builtin());

/// The recommendation for already-computed platforms (used by compare and breakeven).
Recommendation recommend(const std::vector<PlatformComparison>& platforms, const Objectives& o);

/// Runs `n` tasks `task(i)` on up to `threads` threads (0: hardware threads). Each index runs
/// once; the first exception (by index) is rethrown after all tasks finished.
void parallel_for(std::size_t n, std::uint32_t threads,
                  const std::function<void(std::size_t)>& task);

/// One comparison to run in `compare_all`.
struct CompareJob {
  WorkloadFactory workload;
  std::vector<PlatformRunner> platforms;
  CompareOptions options;
};

/// Runs a list of comparisons on a pool of `threads` threads (each comparison then runs its
/// own tasks on one thread), results in the order given.
std::vector<Comparison> compare_all(const std::vector<CompareJob>& jobs, std::uint32_t threads = 0,
                                    const RateCard& rates = RateCard::builtin());

}  // namespace slsim
