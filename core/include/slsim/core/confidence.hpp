#pragma once
/// Confidence intervals over independent replications (Student t).

#include <cstddef>
#include <span>

namespace slsim {

struct ConfidenceInterval {
  double mean = 0;        ///< sample mean of the replications
  double half_width = 0;  ///< t_{(1+level)/2, n-1} · s / sqrt(n)
  double level = 0.95;    ///< confidence level in (0, 1)
  std::size_t n = 0;      ///< number of replications
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
  bool contains(double x) const { return x >= low() && x <= high(); }
};

/// Student-t interval for the mean of `values` (one value per independent replication).
/// Needs at least two values; throws std::invalid_argument otherwise or for a level outside (0, 1).
ConfidenceInterval confidence_interval(std::span<const double> values, double level = 0.95);

}  // namespace slsim
