#pragma once
/// Synthetic workload generators (seeded, streaming, constant memory).
///
/// Design notes: arrivals and durations come from separate RNG streams, so changing the
/// duration distribution never moves the arrivals. Times are accumulated in double seconds and
/// rounded to the microsecond per arrival, so a long trace does not drift.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "slsim/core/distribution.hpp"
#include "slsim/core/rng.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

/// Options every generator shares.
struct GeneratorOptions {
  double rate_per_s = 1.0;     ///< mean arrivals per second over the whole trace (> 0)
  double duration_s = 3600.0;  ///< length of the generated trace, seconds (> 0)
  Distribution duration_ms = Distribution::constant(100);  ///< work per invocation, milliseconds
  std::uint32_t memory_mb = 0;                             ///< 0 = scenario default
  std::string function = "fn";
  InvocationType type = InvocationType::kSync;
  std::uint64_t seed = 1;
};

using PoissonOptions = GeneratorOptions;

/// Homogeneous Poisson arrivals of one function.
class PoissonSource final : public WorkloadSource {
 public:
  explicit PoissonSource(PoissonOptions options);
  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return functions_; }
  std::string describe() const override;
  /// memory_mb, when given, is the size the durations were measured at, as a CSV row's is.
  bool memory_is_lambda_setting() const override { return true; }
  std::optional<double> declared_span_s() const override { return o_.duration_s; }

 private:
  GeneratorOptions o_;
  FunctionTable functions_;
  FunctionId id_ = 0;
  RngStream arrivals_, durations_;
  double mean_gap_s_;
  double t_s_ = 0;
  Duration end_;
};

struct DiurnalOptions : GeneratorOptions {
  double peak_to_trough = 4.0;  ///< ratio of the daily peak rate to the nightly minimum (>= 1)
  double peak_hour = 14.0;      ///< hour of day of the peak, 0..24 (the trace starts Monday 00:00)
  double weekend_factor = 0.6;  ///< Saturday/Sunday rate relative to weekdays (> 0)
};

/// Non-homogeneous Poisson arrivals with a daily sinusoid and a weekday/weekend level, by
/// thinning (Lewis & Shedler 1979). The shape is normalised so that the mean rate over a week is
/// `rate_per_s`: lambda(t) = rate · w(day) · (1 + a·cos(2π(h - peak_hour)/24)),
/// a = (peak_to_trough - 1)/(peak_to_trough + 1), w = 7/(5 + 2·weekend_factor) on weekdays and
/// weekend_factor times that at weekends.
class DiurnalSource final : public WorkloadSource {
 public:
  explicit DiurnalSource(DiurnalOptions options);
  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return functions_; }
  std::string describe() const override;
  /// memory_mb, when given, is the size the durations were measured at, as a CSV row's is.
  bool memory_is_lambda_setting() const override { return true; }
  std::optional<double> declared_span_s() const override { return o_.duration_s; }
  /// The intensity lambda(t) in arrivals per second.
  double rate_at(double t_s) const;

 private:
  DiurnalOptions o_;
  FunctionTable functions_;
  FunctionId id_ = 0;
  RngStream arrivals_, thinning_, durations_;
  double amplitude_, weekday_level_, max_rate_;
  double t_s_ = 0;
  // The current 15-minute slot of the thinning majorant.
  double slot_end_ = 0, slot_max_ = 0, slot_mean_gap_ = 0, slot_base_ = 0, slot_day_start_ = 0;
};

struct BurstyOptions : GeneratorOptions {
  double burst_factor = 10.0;   ///< rate in a burst / rate outside (>= 1)
  double burst_fraction = 0.1;  ///< long-run fraction of time in bursts, (0, 1)
  double mean_burst_s = 30.0;   ///< mean length of a burst, seconds (> 0)
};

/// Two-state Markov-modulated Poisson process (MMPP-2): exponential sojourns in a calm and a
/// burst state, Poisson arrivals at each state's rate, mean rate `rate_per_s`.
class BurstySource final : public WorkloadSource {
 public:
  explicit BurstySource(BurstyOptions options);
  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return functions_; }
  std::string describe() const override;
  /// memory_mb, when given, is the size the durations were measured at, as a CSV row's is.
  bool memory_is_lambda_setting() const override { return true; }
  std::optional<double> declared_span_s() const override { return o_.duration_s; }
  double calm_rate() const { return calm_rate_; }
  double burst_rate() const { return calm_rate_ * o_.burst_factor; }

 private:
  BurstyOptions o_;
  FunctionTable functions_;
  FunctionId id_ = 0;
  RngStream arrivals_, states_, durations_;
  double calm_rate_, mean_calm_s_;
  bool in_burst_ = false;
  double t_s_ = 0, switch_at_s_ = 0;
};

struct AzureLikeOptions : GeneratorOptions {
  std::uint32_t functions = 100;  ///< number of functions (>= 1)
  double rate_sigma = 3.0;        ///< sigma of the log-normal spread of per-function rates
  double duration_sigma = 0.5;    ///< sigma of log duration within one function
};

/// A population of functions like the Azure Functions 2019 trace (Shahrad et al., "Serverless in
/// the Wild", USENIX ATC 2020): per-function rates log-normal (spanning orders of magnitude) and
/// summing to `rate_per_s`; each function's mean duration log-normal with mu = -0.38,
/// sigma = 2.36 (log-seconds, the paper's fit of average execution times); each function's memory
/// Burr XII (c = 11.652, k = 0.221, lambda = 107.083 MB, the paper's fit of allocated memory),
/// clamped to 1..10,240 MB. Invocation durations vary log-normally around the function's mean.
/// `duration_ms`, `memory_mb` and `function` of the base options are not used.
class AzureLikeSource final : public WorkloadSource {
 public:
  explicit AzureLikeSource(AzureLikeOptions options);
  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return functions_; }
  std::string describe() const override;
  std::optional<double> declared_span_s() const override { return o_.duration_s; }
  /// Arrival rate of function `id`, per second.
  double function_rate(FunctionId id) const { return rates_[id]; }
  /// Mean duration of function `id`, milliseconds.
  double function_mean_ms(FunctionId id) const { return mean_ms_[id]; }

 private:
  AzureLikeOptions o_;
  FunctionTable functions_;
  std::vector<double> rates_, mean_ms_, mu_ms_;
  std::vector<double> alias_prob_;
  std::vector<FunctionId> alias_;
  RngStream arrivals_, picks_, durations_;
  double t_s_ = 0;
};

}  // namespace slsim

namespace slsim {

/// Every generator's options in one place, for the CLI, scenario files and Python. `pattern`
/// picks the generator: poisson, diurnal, bursty or azure-like.
struct GeneratorSpec {
  std::string pattern = "poisson";
  GeneratorOptions common;
  double peak_to_trough = 4.0, peak_hour = 14.0, weekend_factor = 0.6;    // diurnal
  double burst_factor = 10.0, burst_fraction = 0.1, mean_burst_s = 30.0;  // bursty
  std::uint32_t functions = 100;                                          // azure-like
  double rate_sigma = 3.0, duration_sigma = 0.5;                          // azure-like
};

/// Bounds of the generators' settings (docs/scenarios.md, "Generators: allowed values").
/// At most this many arrivals on average (rate_per_s × duration_s): 1e12 arrivals take days of
/// computing at millions a second, so a larger workload is a mistake, not a plan.
inline constexpr double kMaxExpectedArrivals = 1e12;
/// peak_to_trough, burst_factor and weekend_factor (and its inverse) at most this: a larger ratio
/// is indistinguishable from an infinite one and only loses precision.
inline constexpr double kMaxShapeRatio = 1e6;
/// azure-like: rate_sigma and duration_sigma at most this (wider spreads overflow the weights).
inline constexpr double kMaxSigma = 10;
/// azure-like: at most this many functions.
inline constexpr std::uint32_t kMaxGeneratedFunctions = 10'000'000;

/// The generator patterns: poisson, diurnal, bursty, azure-like.
const std::vector<std::string>& known_generators();

/// The settings (scenario keys and Python keywords, besides `generator` and `seed`) that the
/// generator `pattern` reads; empty for an unknown pattern. A setting of another pattern is
/// refused by the front ends, never silently ignored.
const std::vector<std::string>& generator_keys(const std::string& pattern);

/// The one validator of a generator's settings, whatever front end they came from: throws
/// ConfigError(key, what is allowed) for an unknown pattern (key "generator") or a value out of
/// its range, including a workload whose expected number of arrivals exceeds
/// kMaxExpectedArrivals (key "rate_per_s").
void validate_generator(const GeneratorSpec& spec);

/// Builds the generator `spec.pattern` names, after validate_generator (so it throws
/// ConfigError, a std::invalid_argument, for bad options).
std::unique_ptr<WorkloadSource> make_generator(const GeneratorSpec& spec);

}  // namespace slsim
