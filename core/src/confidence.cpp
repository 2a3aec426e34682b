#include "slsim/core/confidence.hpp"

#include <fmt/format.h>

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <stdexcept>

#include "slsim/core/stats.hpp"

namespace slsim {

ConfidenceInterval confidence_interval(std::span<const double> values, double level) {
  if (values.size() < 2) {
    throw std::invalid_argument(
        fmt::format("confidence_interval: needs at least 2 replications, got {}", values.size()));
  }
  if (!(level > 0 && level < 1)) {
    throw std::invalid_argument(
        fmt::format("confidence_interval: level must be in (0, 1), got {}", level));
  }
  RunningStats s;
  for (double v : values)
    s.add(v);
  const double df = static_cast<double>(values.size() - 1);
  const double t =
      boost::math::quantile(boost::math::students_t_distribution<double>(df), 0.5 + 0.5 * level);
  ConfidenceInterval ci;
  ci.mean = s.mean();
  ci.half_width = t * s.stddev() / std::sqrt(static_cast<double>(values.size()));
  ci.level = level;
  ci.n = values.size();
  return ci;
}

}  // namespace slsim
