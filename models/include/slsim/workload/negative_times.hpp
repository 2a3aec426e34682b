#pragma once
// Design notes: a time (work per invocation, a start-up delay, a default duration) drawn below 0
// is clamped to 0 when sampled. A distribution unbounded below (a normal) always has some draws
// below 0; slsim refuses one whose draws are negative in at least kMaxNegativeShare of cases
// (normal(mean=100,sd=80): 10.6 %), which would silently pile up work of 0 ms, and accepts one
// that rarely is (normal(mean=100,sd=15): 1e-11), whose clamping changes nothing measurable.
// docs/scenarios.md says so.

#include <fmt/format.h>

#include <string>

#include "slsim/core/distribution.hpp"

namespace slsim {

/// Share of draws at or above which a time distribution's negative draws are refused (0.1 %).
inline constexpr double kMaxNegativeShare = 0.001;

/// The share of draws of `d` below 0 (0 when its minimum is >= 0), found by bisection on its
/// quantile function to about 1e-15.
inline double negative_share(const Distribution& d) {
  if (!(d.quantile(0.0) < 0)) return 0;
  double lo = 0, hi = 1;
  for (int i = 0; i < 52; ++i) {
    const double mid = 0.5 * (lo + hi);
    (d.quantile(mid) < 0 ? lo : hi) = mid;
  }
  return hi;
}

/// "" when `d` is a valid distribution of times; else why not, starting with `shown` (the
/// distribution as the user wrote it): "normal(mean=100,sd=80) gives negative times for 10.6%
/// of draws: ...".
inline std::string negative_times_problem(const Distribution& d, const std::string& shown) {
  const double share = negative_share(d);
  if (share < kMaxNegativeShare) return "";
  if (share >= 1 || d.quantile(0.5) < 0 || d.family() != "normal") {
    return fmt::format("{} gives negative times: times must be >= 0", shown);
  }
  return fmt::format(
      "{} gives negative times for {:.3g}% of draws (they would be clamped to 0 ms): times must "
      "be >= 0; use a distribution of values >= 0 (lognormal, gamma, weibull) or a normal whose "
      "mean is at least 3.1 sd (negative in fewer than 0.1% of draws)",
      shown, 100 * share);
}

}  // namespace slsim
