#pragma once
/// Probability distributions for durations, sizes and inter-arrival times.
///
/// Design notes: `Distribution` is a value type over a closed set of families (a std::variant),
/// so it copies cheaply, compares, and round-trips through a text spec such as
/// `lognormal(median=120,p99=900)` (what the CLI accepts and what `spec()` prints). Sampling is
/// by inversion with our own uniform draws and Boost.Math quantiles, so results are identical on
/// every standard library. Units are the caller's (the CLI uses milliseconds for durations).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "slsim/core/rng.hpp"

namespace slsim {

struct ConstantDist {
  double value;
  bool operator==(const ConstantDist&) const = default;
};
struct UniformDist {
  double low, high;
  bool operator==(const UniformDist&) const = default;
};
struct ExponentialDist {
  double mean;
  bool operator==(const ExponentialDist&) const = default;
};
struct NormalDist {
  double mean, sd;
  bool operator==(const NormalDist&) const = default;
};
/// log X ~ Normal(mu, sigma).
struct LogNormalDist {
  double mu, sigma;
  bool operator==(const LogNormalDist&) const = default;
};
/// Shape k, scale theta (mean k·theta).
struct GammaDist {
  double shape, scale;
  bool operator==(const GammaDist&) const = default;
};
/// F(x) = 1 - exp(-(x/scale)^shape).
struct WeibullDist {
  double shape, scale;
  bool operator==(const WeibullDist&) const = default;
};
/// Burr type XII: F(x) = 1 - (1 + (x/lambda)^c)^(-k).
struct BurrXIIDist {
  double c, k, lambda;
  bool operator==(const BurrXIIDist&) const = default;
};
/// Resampling (bootstrap) of observed values: each draw is one of the samples, equally likely.
struct EmpiricalDist {
  std::vector<double> sorted;
  bool operator==(const EmpiricalDist&) const = default;
};
/// Inverse CDF linear between published percentiles (p in [0,1], ascending, from 0 to 1).
struct PercentilesDist {
  std::vector<std::pair<double, double>> points;
  bool operator==(const PercentilesDist&) const = default;
};

class Distribution {
 public:
  using Variant =
      std::variant<ConstantDist, UniformDist, ExponentialDist, NormalDist, LogNormalDist, GammaDist,
                   WeibullDist, BurrXIIDist, EmpiricalDist, PercentilesDist>;

  /// Constant(0).
  Distribution() : v_(ConstantDist{0.0}) {}

  // Factories validate their parameters and throw std::invalid_argument with the allowed range.
  static Distribution constant(double value);
  static Distribution uniform(double low, double high);
  static Distribution exponential(double mean);
  static Distribution normal(double mean, double sd);
  static Distribution lognormal(double mu, double sigma);
  /// Log-normal with the given median and 99th percentile (p99 > median > 0).
  static Distribution lognormal_from_median_p99(double median, double p99);
  static Distribution gamma(double shape, double scale);
  static Distribution weibull(double shape, double scale);
  static Distribution burr_xii(double c, double k, double lambda);
  /// From observed samples (at least one, all finite).
  static Distribution empirical(std::vector<double> samples);
  /// From (percentile in [0,1], value) points; needs p = 0 and p = 1 and non-decreasing values.
  static Distribution percentiles(std::vector<std::pair<double, double>> points);

  /// Parses a spec: a plain number (constant) or `family(name=value,...)`; see docs/models.md.
  /// Throws std::invalid_argument naming the family, the parameter and what is allowed.
  static Distribution parse(std::string_view spec);

  /// One draw.
  double sample(RngStream& rng) const;
  /// The value at cumulative probability p in [0, 1].
  double quantile(double p) const;
  /// Exact mean (may be +inf where the moment does not exist).
  double mean() const;
  /// Exact variance (may be +inf where the moment does not exist).
  double variance() const;
  /// Smallest possible value (may be -inf).
  double min_value() const;

  /// Family name: constant, uniform, exponential, normal, lognormal, gamma, weibull, burr,
  /// empirical, percentiles.
  std::string_view family() const;
  /// Canonical spec that parse() reads back to an equal distribution.
  std::string spec() const;
  /// The user's own spelling when the distribution was parsed from text (for display, e.g.
  /// "lognormal(median=120,p99=900)"), else spec().
  std::string text() const { return text_.empty() ? spec() : text_; }

  const Variant& variant() const { return v_; }
  bool operator==(const Distribution& other) const;

 private:
  explicit Distribution(Variant v) : v_(std::move(v)) {}
  static Distribution parse_spec(std::string_view spec);
  Variant v_;
  std::string text_;  ///< as the user wrote it ("" when built in code); not part of equality
};

}  // namespace slsim
