#pragma once
/// Questions around one comparison: at what load the answer changes (`breakeven`) and which
/// Lambda memory size to pick (`tune_lambda`, like AWS Lambda Power Tuning but from a trace).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "slsim/compare/compare.hpp"

namespace slsim {

/// The rate multipliers a break-even grid may use: from a thousandth of the workload's rate to
/// ten thousand times it. Beyond them a replay is either empty or runs for hours (x1e12 of an API
/// at 2/s is 2e12 arrivals per second), and time stretched a million-fold leaves the simulated
/// clock's range.
inline constexpr double kBreakevenScaleMin = 1e-3, kBreakevenScaleMax = 1e4;

struct BreakevenOptions {
  double scale_min = 0.1;    ///< smallest rate multiplier (kBreakevenScaleMin..scale_max)
  double scale_max = 100;    ///< largest (scale_min..kBreakevenScaleMax)
  std::uint32_t points = 7;  ///< grid points, logarithmically spaced (1..200)
};

/// Checks the options; throws ConfigError naming scale or points.
void validate_breakeven(const BreakevenOptions& o);

/// One point of the grid.
struct BreakevenPoint {
  double scale = 1;
  double rate_per_s = 0;  ///< arrivals per second of the scaled workload (mean over its span)
  Comparison comparison;
};

/// Where the recommendation changes between two grid points.
struct BreakevenChange {
  double from_scale = 0, to_scale = 0;
  double from_rate_per_s = 0, to_rate_per_s = 0;
  std::string from, to;  ///< platform names ("none" when nothing qualifies)
};

struct Breakeven {
  std::vector<BreakevenPoint> points;
  std::vector<BreakevenChange> changes;
  /// {"schema_version": 1, "points": [{scale, rate_per_s, recommended, platforms: {name:
  /// {monthly_usd, p99_ms, error_rate, meets_objectives} or {impossible}}}], "changes": [...]}
  std::string to_json() const;
};

/// The grid scale_min .. scale_max, `points` values spaced evenly in log, each rounded to 4
/// significant digits (the double nearest 0.3162, so it prints as "0.3162").
std::vector<double> log_grid(double lo, double hi, std::uint32_t points);

/// Replays the workload at each rate multiplier and compares the platforms at each point.
Breakeven breakeven(const WorkloadFactory& workload, const std::vector<PlatformRunner>& platforms,
                    const CompareOptions& options, const BreakevenOptions& grid,
                    const RateCard& rates = RateCard::builtin());

enum class TuneStrategy : std::uint8_t { kCost, kSpeed, kBalanced };
/// "cost", "speed" or "balanced"; throws ConfigError("strategy", ...) otherwise.
TuneStrategy parse_tune_strategy(std::string_view s);
std::string_view to_string(TuneStrategy s);

struct TuneOptions {
  /// Memory sizes to try (MB); empty: Power Tuning's usual set within the limits at as_of
  /// (128, 256, 512, 1024, 1536, 2048, 3008, 4096, 5120, 6144, 7168, 8192, 9216, 10240).
  std::vector<std::uint32_t> memory_mb;
  std::uint32_t memory_min_mb = 128, memory_max_mb = 10240;  ///< filter on the set above
  TuneStrategy strategy = TuneStrategy::kBalanced;
  /// balanced: weight of cost against speed in [0, 1] (Power Tuning's balancedWeight: 0 =
  /// speed only, 1 = cost only). Score = w * cost / max cost + (1 - w) * duration / max duration.
  double balanced_weight = 0.5;
};

void validate_tune(const TuneOptions& o);

struct TunePoint {
  std::uint32_t memory_mb = 0;
  std::optional<std::string> impossible;
  double monthly_usd = 0, total_usd = 0;
  double mean_ms = 0, p99_ms = 0;  ///< end-to-end latency of completed invocations
  double error_rate = 0, cold_start_rate = 0;
  double score = 0;  ///< the strategy's score (lower is better)
};

struct TuneResult {
  TuneStrategy strategy = TuneStrategy::kBalanced;
  double balanced_weight = 0.5;
  std::vector<TunePoint> points;
  std::optional<std::uint32_t> best_memory_mb;
  std::string to_json() const;
};

/// Simulates the workload on Lambda at each memory size (all functions set to that size).
/// Durations are taken as measured at each function's configured memory (its
/// `reference_memory_mb` when given; with neither, at the trace's memory or each size tried).
TuneResult tune_lambda(const WorkloadFactory& workload, const LambdaOptions& lambda,
                       const CompareOptions& options, const TuneOptions& tune,
                       const RateCard& rates = RateCard::builtin());

}  // namespace slsim
