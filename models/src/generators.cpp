#include "slsim/models/generators.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace slsim {

namespace {
void check_positive(const char* what, double v) {
  if (!(v > 0) || !std::isfinite(v)) {
    throw std::invalid_argument(fmt::format("{} must be a finite number > 0, got {}", what, v));
  }
}
}  // namespace

PoissonSource::PoissonSource(PoissonOptions options)
    : o_(std::move(options)), arrivals_(o_.seed, 1), durations_(o_.seed, 2) {
  check_positive("rate_per_s", o_.rate_per_s);
  check_positive("duration_s", o_.duration_s);
  id_ = functions_.intern(o_.function, o_.memory_mb);
  mean_gap_s_ = 1.0 / o_.rate_per_s;
  end_ = from_seconds(o_.duration_s);
}

bool PoissonSource::next(Invocation& out) {
  t_s_ += arrivals_.exponential(mean_gap_s_);
  const Duration t = from_seconds(t_s_);
  if (t >= end_) return false;
  out.arrival = TimePoint{t};
  out.work = from_millis(std::max(0.0, o_.duration_ms.sample(durations_)));
  out.function = id_;
  out.memory_mb = o_.memory_mb;
  out.type = o_.type;
  return true;
}

std::string PoissonSource::describe() const {
  return fmt::format("poisson {}/s for {} s, duration_ms {}", o_.rate_per_s, o_.duration_s,
                     o_.duration_ms.spec());
}

}  // namespace slsim
