#include "slsim/workload/generators.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "slsim/core/special.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/negative_times.hpp"

namespace slsim {

namespace {

std::string short_number(double v) {
  return fmt::format("{:g}", v);
}

// Every rule below throws ConfigError(key, what is allowed): the key is the setting's public
// name (the scenario key and the Python keyword), the front end adds the file or the flag.

// Bounds that keep a generated trace on the integer clock, finite and feasible: times up to 100
// years, at most a billion arrivals a second, and at most kMaxExpectedArrivals arrivals in all.
constexpr double kMaxTraceS = 100 * 365.25 * 86'400;
constexpr double kMaxRatePerS = 1e9;

void check_range(const char* key, double v, double lo, bool lo_open, double hi,
                 const char* allowed) {
  const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
  if (!ok) throw ConfigError(key, fmt::format("{} is not allowed: {}", short_number(v), allowed));
}

void check_common(const GeneratorOptions& o) {
  check_range("rate_per_s", o.rate_per_s, 0, true, kMaxRatePerS,
              "a mean rate > 0 and at most 1e9 arrivals per second");
  check_range("duration_s", o.duration_s, 0, true, kMaxTraceS,
              "a length > 0 and at most 100 years (3,155,760,000 s)");
  const double expected = o.rate_per_s * o.duration_s;
  if (expected > kMaxExpectedArrivals) {
    throw ConfigError(
        "rate_per_s",
        fmt::format("{}/s for {} s is {} arrivals on average; slsim generates at most 1e12 "
                    "arrivals (days of computing at millions a second): lower the rate or the "
                    "length",
                    short_number(o.rate_per_s), short_number(o.duration_s),
                    short_number(expected)));
  }
  if (!(o.duration_ms.quantile(0.5) <= kMaxTraceS * 1000) ||
      !(o.duration_ms.quantile(0.99) <= kMaxTraceS * 1000)) {
    throw ConfigError("duration_ms", fmt::format("{} is longer than slsim simulates: at most 100 "
                                                 "years",
                                                 o.duration_ms.text()));
  }
  // Work per invocation is a time: refuse a distribution that gives negative times (one
  // negative in fewer than 0.1 % of draws is clamped at 0: slsim/workload/negative_times.hpp).
  if (auto why = negative_times_problem(o.duration_ms, o.duration_ms.text()); !why.empty()) {
    throw ConfigError("duration_ms", why);
  }
}

void check_diurnal(double peak_to_trough, double peak_hour, double weekend_factor) {
  check_range("peak_to_trough", peak_to_trough, 1, false, kMaxShapeRatio,
              "a ratio of the daily peak rate to the nightly minimum from 1 to 1e6");
  check_range("peak_hour", peak_hour, 0, false, 24, "an hour of the day from 0 to 24");
  check_range("weekend_factor", weekend_factor, 1 / kMaxShapeRatio, false, kMaxShapeRatio,
              "the weekend rate relative to weekdays, from 1e-6 to 1e6");
}

void check_bursty(double burst_factor, double burst_fraction, double mean_burst_s) {
  check_range("burst_factor", burst_factor, 1, false, kMaxShapeRatio,
              "the burst rate relative to the calm rate, from 1 to 1e6");
  if (!(burst_fraction > 0 && burst_fraction < 1)) {
    throw ConfigError("burst_fraction",
                      fmt::format("{} is not allowed: the fraction of time in bursts, in (0, 1) "
                                  "(both ends excluded)",
                                  short_number(burst_fraction)));
  }
  check_range("mean_burst_s", mean_burst_s, 0, true, kMaxTraceS,
              "a mean burst length > 0 and at most 100 years");
}

void check_azure_like(std::uint32_t functions, double rate_sigma, double duration_sigma) {
  if (functions < 1 || functions > kMaxGeneratedFunctions) {
    throw ConfigError("functions", fmt::format("{} is not allowed: a whole number of functions "
                                               "from 1 to 10,000,000",
                                               functions));
  }
  // A log-normal sigma above 10 spreads the rates (or durations) over more than 40 orders of
  // magnitude: the largest sampled weights overflow and the workload is meaningless.
  check_range("rate_sigma", rate_sigma, 0, true, kMaxSigma,
              "the log-normal spread of the functions' rates, > 0 and at most 10");
  check_range("duration_sigma", duration_sigma, 0, true, kMaxSigma,
              "the log-normal spread of durations within a function, > 0 and at most 10");
}

// Fills `out` with the next arrival at t_s (seconds), or returns false past the end.
bool emit(double t_s, const GeneratorOptions& o, FunctionId id, std::uint32_t memory_mb,
          double work_ms, Invocation& out) {
  if (t_s >= o.duration_s) return false;
  out.arrival = TimePoint{from_seconds(t_s)};
  out.work = from_millis(std::clamp(work_ms, 0.0, kMaxTraceS * 1000));  // a far tail is capped
  out.function = id;
  out.memory_mb = memory_mb;
  out.type = o.type;
  return true;
}

}  // namespace

// ---- Poisson --------------------------------------------------------------------------------

PoissonSource::PoissonSource(PoissonOptions options)
    : o_(std::move(options)), arrivals_(o_.seed, 1), durations_(o_.seed, 2) {
  check_common(o_);
  id_ = functions_.intern(o_.function, o_.memory_mb);
  mean_gap_s_ = 1.0 / o_.rate_per_s;
}

bool PoissonSource::next(Invocation& out) {
  t_s_ += arrivals_.exponential(mean_gap_s_);
  if (t_s_ >= o_.duration_s) return false;
  return emit(t_s_, o_, id_, o_.memory_mb, o_.duration_ms.sample(durations_), out);
}

std::string PoissonSource::describe() const {
  return fmt::format("poisson {}/s for {} s, duration_ms {}", o_.rate_per_s, o_.duration_s,
                     o_.duration_ms.text());
}

// ---- Diurnal --------------------------------------------------------------------------------

DiurnalSource::DiurnalSource(DiurnalOptions options)
    : o_(std::move(options)), arrivals_(o_.seed, 1), thinning_(o_.seed, 3), durations_(o_.seed, 2) {
  check_common(o_);
  check_diurnal(o_.peak_to_trough, o_.peak_hour, o_.weekend_factor);
  id_ = functions_.intern(o_.function, o_.memory_mb);
  amplitude_ = (o_.peak_to_trough - 1) / (o_.peak_to_trough + 1);
  weekday_level_ = 7.0 / (5.0 + 2.0 * o_.weekend_factor);
  max_rate_ = o_.rate_per_s * weekday_level_ * std::max(1.0, o_.weekend_factor) * (1 + amplitude_);
}

namespace {
// cos(2*pi*c) for any c, to about 1e-12: reduce to [0, 1/4] of a cycle, then a degree-6
// least-squares polynomial in c^2 (fitted on Chebyshev nodes). The thinning test evaluates the
// intensity at every candidate arrival, so this is the diurnal generator's hot path.
inline double cos_cycles(double c) {
  double x = c - std::floor(c);  // [0, 1)
  if (x > 0.5) x = 1.0 - x;      // cos is even and periodic: [0, 0.5]
  double sign = 1.0;
  if (x > 0.25) {
    x = 0.5 - x;  // cos(2*pi*(1/2 - x)) = -cos(2*pi*x)
    sign = -1.0;
  }
  const double u = x * x;
  const double p =
      0.9999999999997731 +
      u * (-19.739208801298776 +
           u * (64.93939376637917 +
                u * (-85.45679096442485 +
                     u * (60.24339150816665 + u * (-26.39602220988684 + u * 7.542096631612993)))));
  return sign * p;
}
}  // namespace

double DiurnalSource::rate_at(double t_s) const {
  const double day = std::floor(t_s * (1.0 / 86400.0));
  const auto weekday = static_cast<long long>(day) % 7;  // 0 = Monday
  const double level = weekday_level_ * (weekday >= 5 ? o_.weekend_factor : 1.0);
  const double day_fraction = (t_s - day * 86400.0) * (1.0 / 86400.0);
  return o_.rate_per_s * level * (1 + amplitude_ * cos_cycles(day_fraction - o_.peak_hour / 24.0));
}

bool DiurnalSource::next(Invocation& out) {
  // Thinning against a piecewise-constant majorant: the largest rate of the current 15-minute
  // slot, so that most candidates are accepted. A candidate past the slot's end restarts at the
  // boundary with the next slot's majorant (exponential gaps are memoryless). A slot never spans
  // two days, so its day's level is fixed within it.
  constexpr double kSlot = 900.0;
  for (;;) {
    if (t_s_ >= slot_end_) {
      slot_end_ = (std::floor(t_s_ / kSlot) + 1) * kSlot;
      const double start = slot_end_ - kSlot;
      const double day = std::floor(start / 86400.0);
      slot_day_start_ = day * 86400.0;
      const auto weekday = static_cast<long long>(day) % 7;  // 0 = Monday
      slot_base_ = o_.rate_per_s * weekday_level_ * (weekday >= 5 ? o_.weekend_factor : 1.0);
      // The sinusoid is monotone or has one extremum inside a slot: bound it by the ends, or
      // by the peak where the slot contains it.
      const double h0 = (start - slot_day_start_) / 3600.0;
      const double peak = slot_base_ * (1 + amplitude_);
      const double ends = std::max(rate_at(start), rate_at(std::nextafter(slot_end_, 0.0)));
      slot_max_ = (o_.peak_hour >= h0 && o_.peak_hour <= h0 + kSlot / 3600.0) ? peak : ends;
      slot_max_ = std::min(peak, slot_max_ * (1 + 1e-9));
      slot_mean_gap_ = 1.0 / slot_max_;
    }
    const double t = t_s_ + arrivals_.exponential(slot_mean_gap_);
    if (t >= slot_end_) {
      t_s_ = slot_end_;
      if (t_s_ >= o_.duration_s) return false;
      continue;
    }
    t_s_ = t;
    if (t_s_ >= o_.duration_s) return false;
    const double rate =
        slot_base_ * (1 + amplitude_ * cos_cycles((t_s_ - slot_day_start_) * (1.0 / 86400.0) -
                                                  o_.peak_hour / 24.0));
    if (thinning_.uniform() * slot_max_ < rate) {
      return emit(t_s_, o_, id_, o_.memory_mb, o_.duration_ms.sample(durations_), out);
    }
  }
}

std::string DiurnalSource::describe() const {
  return fmt::format(
      "diurnal mean {}/s for {} s (peak/trough {}, peak at {} h, weekend x{}), "
      "duration_ms {}",
      o_.rate_per_s, o_.duration_s, o_.peak_to_trough, o_.peak_hour, o_.weekend_factor,
      o_.duration_ms.text());
}

// ---- Bursty (MMPP-2) ------------------------------------------------------------------------

BurstySource::BurstySource(BurstyOptions options)
    : o_(std::move(options)), arrivals_(o_.seed, 1), states_(o_.seed, 3), durations_(o_.seed, 2) {
  check_common(o_);
  check_bursty(o_.burst_factor, o_.burst_fraction, o_.mean_burst_s);
  id_ = functions_.intern(o_.function, o_.memory_mb);
  const double f = o_.burst_fraction;
  calm_rate_ = o_.rate_per_s / (f * o_.burst_factor + (1 - f));
  mean_calm_s_ = o_.mean_burst_s * (1 - f) / f;
  // Start in the stationary distribution.
  in_burst_ = states_.uniform() < f;
  switch_at_s_ = states_.exponential(in_burst_ ? o_.mean_burst_s : mean_calm_s_);
}

bool BurstySource::next(Invocation& out) {
  for (;;) {
    const double rate = in_burst_ ? burst_rate() : calm_rate_;
    const double t = t_s_ + arrivals_.exponential(1.0 / rate);
    if (t < switch_at_s_) {
      t_s_ = t;
      if (t_s_ >= o_.duration_s) return false;
      return emit(t_s_, o_, id_, o_.memory_mb, o_.duration_ms.sample(durations_), out);
    }
    // The state changes first; by memorylessness the arrival clock restarts there.
    t_s_ = switch_at_s_;
    if (t_s_ >= o_.duration_s) return false;
    in_burst_ = !in_burst_;
    switch_at_s_ = t_s_ + states_.exponential(in_burst_ ? o_.mean_burst_s : mean_calm_s_);
  }
}

std::string BurstySource::describe() const {
  return fmt::format(
      "bursty (MMPP-2) mean {}/s for {} s (bursts x{} for {:.0f}% of the time, "
      "mean {} s), duration_ms {}",
      o_.rate_per_s, o_.duration_s, o_.burst_factor, 100 * o_.burst_fraction, o_.mean_burst_s,
      o_.duration_ms.text());
}

// ---- Azure-like population --------------------------------------------------------------------

AzureLikeSource::AzureLikeSource(AzureLikeOptions options)
    : o_(std::move(options)), arrivals_(o_.seed, 1), picks_(o_.seed, 4), durations_(o_.seed, 2) {
  check_common(o_);
  check_azure_like(o_.functions, o_.rate_sigma, o_.duration_sigma);
  RngStream population(o_.seed, 5);
  const auto rate_weight = Distribution::lognormal(0.0, o_.rate_sigma);
  // Serverless in the Wild (ATC 2020), Fig. 7 fit: average execution time log-normal,
  // mu = -0.38, sigma = 2.36 (log seconds).
  const auto mean_duration_s = Distribution::lognormal(-0.38, 2.36);
  // Same paper, Fig. 8 fit: allocated memory Burr XII, c = 11.652, k = 0.221, lambda = 107.083 MB.
  const auto memory = Distribution::burr_xii(11.652, 0.221, 107.083);
  const std::size_t n = o_.functions;
  std::vector<double> w(n);
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = rate_weight.sample(population);
    total += w[i];
    const double mean_ms = 1000.0 * mean_duration_s.sample(population);
    const double mem = std::clamp(std::ceil(memory.sample(population)), 1.0, 10240.0);
    functions_.intern(fmt::format("f{:0{}}", i, std::to_string(n - 1).size()),
                      static_cast<std::uint32_t>(mem));
    mean_ms_.push_back(mean_ms);
    // Log-normal with this mean: mu = ln(mean) - sigma^2/2.
    mu_ms_.push_back(std::log(mean_ms) - 0.5 * o_.duration_sigma * o_.duration_sigma);
  }
  for (double& x : w)
    x /= total;
  for (double x : w)
    rates_.push_back(x * o_.rate_per_s);
  // Walker/Vose alias table for O(1) function picks.
  alias_prob_.assign(n, 0);
  alias_.assign(n, 0);
  std::vector<double> scaled(n);
  std::vector<FunctionId> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = w[i] * static_cast<double>(n);
    (scaled[i] < 1 ? small : large).push_back(static_cast<FunctionId>(i));
  }
  while (!small.empty() && !large.empty()) {
    const FunctionId s = small.back(), l = large.back();
    small.pop_back();
    alias_prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    if (scaled[l] < 1) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (FunctionId i : large)
    alias_prob_[i] = 1;
  for (FunctionId i : small)
    alias_prob_[i] = 1;
}

bool AzureLikeSource::next(Invocation& out) {
  t_s_ += arrivals_.exponential(1.0 / o_.rate_per_s);
  if (t_s_ >= o_.duration_s) return false;
  const auto k = static_cast<FunctionId>(picks_.below(alias_prob_.size()));
  const FunctionId id = picks_.uniform() < alias_prob_[k] ? k : alias_[k];
  const double work_ms = std::exp(
      mu_ms_[id] + o_.duration_sigma * standard_normal_quantile(durations_.uniform_open()));
  return emit(t_s_, o_, id, functions_[id].memory_mb, work_ms, out);
}

std::string AzureLikeSource::describe() const {
  return fmt::format("azure-like population of {} functions, {}/s for {} s", o_.functions,
                     o_.rate_per_s, o_.duration_s);
}

}  // namespace slsim

namespace slsim {

const std::vector<std::string>& known_generators() {
  static const std::vector<std::string> kKnown{"poisson", "diurnal", "bursty", "azure-like"};
  return kKnown;
}

const std::vector<std::string>& generator_keys(const std::string& pattern) {
  static const std::vector<std::string> kPoisson{"rate_per_s", "duration_s", "duration_ms",
                                                 "memory_mb",  "function",   "invocation"};
  static const std::vector<std::string> kDiurnal{"rate_per_s",     "duration_s", "duration_ms",
                                                 "memory_mb",      "function",   "invocation",
                                                 "peak_to_trough", "peak_hour",  "weekend_factor"};
  static const std::vector<std::string> kBursty{"rate_per_s",   "duration_s",     "duration_ms",
                                                "memory_mb",    "function",       "invocation",
                                                "burst_factor", "burst_fraction", "mean_burst_s"};
  // azure-like draws each function's name, memory and durations from its population.
  static const std::vector<std::string> kAzureLike{"rate_per_s", "duration_s", "invocation",
                                                   "functions",  "rate_sigma", "duration_sigma"};
  static const std::vector<std::string> kNone;
  if (pattern == "poisson") return kPoisson;
  if (pattern == "diurnal") return kDiurnal;
  if (pattern == "bursty") return kBursty;
  if (pattern == "azure-like") return kAzureLike;
  return kNone;
}

void validate_generator(const GeneratorSpec& s) {
  if (generator_keys(s.pattern).empty()) {
    throw ConfigError("generator", fmt::format("'{}' is not a known generator; known: {}",
                                               s.pattern, fmt::join(known_generators(), ", ")));
  }
  check_common(s.common);
  // azure-like names its own functions; the others write `function` into every record, and a
  // trace with an empty function name is one no reader accepts.
  if (s.pattern != "azure-like" && s.common.function.empty()) {
    throw ConfigError("function", "must not be empty: give the function's name (e.g. fn)");
  }
  if (s.pattern == "diurnal") check_diurnal(s.peak_to_trough, s.peak_hour, s.weekend_factor);
  if (s.pattern == "bursty") check_bursty(s.burst_factor, s.burst_fraction, s.mean_burst_s);
  if (s.pattern == "azure-like") check_azure_like(s.functions, s.rate_sigma, s.duration_sigma);
}

std::unique_ptr<WorkloadSource> make_generator(const GeneratorSpec& s) {
  validate_generator(s);
  if (s.pattern == "poisson") return std::make_unique<PoissonSource>(s.common);
  if (s.pattern == "diurnal") {
    DiurnalOptions o;
    static_cast<GeneratorOptions&>(o) = s.common;
    o.peak_to_trough = s.peak_to_trough;
    o.peak_hour = s.peak_hour;
    o.weekend_factor = s.weekend_factor;
    return std::make_unique<DiurnalSource>(o);
  }
  if (s.pattern == "bursty") {
    BurstyOptions o;
    static_cast<GeneratorOptions&>(o) = s.common;
    o.burst_factor = s.burst_factor;
    o.burst_fraction = s.burst_fraction;
    o.mean_burst_s = s.mean_burst_s;
    return std::make_unique<BurstySource>(o);
  }
  if (s.pattern == "azure-like") {
    AzureLikeOptions o;
    static_cast<GeneratorOptions&>(o) = s.common;
    o.functions = s.functions;
    o.rate_sigma = s.rate_sigma;
    o.duration_sigma = s.duration_sigma;
    return std::make_unique<AzureLikeSource>(o);
  }
  throw std::logic_error("make_generator: a pattern validate_generator knows but cannot build");
}

}  // namespace slsim
