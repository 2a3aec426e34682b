#pragma once
/// Integer simulation time.
///
/// Design notes: time is an int64 count of microseconds on a tag clock, so every billing
/// granularity AWS uses (1 ms, 100 ms, 1 s, 60 s minimum, 5 min) divides it exactly and rounding
/// is exact integer arithmetic. Doubles appear only at the edges (parsing seconds from a trace,
/// printing a report).

#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace slsim {

/// A span of simulated time, in integer microseconds.
using Duration = std::chrono::duration<std::int64_t, std::micro>;

/// Tag clock for simulated time; never read from the wall clock.
struct SimClock {
  using rep = std::int64_t;
  using period = std::micro;
  using duration = Duration;
  using time_point = std::chrono::time_point<SimClock, Duration>;
  static constexpr bool is_steady = true;
};

/// A point in simulated time, counted from the start of the simulation (the epoch, 0 µs).
using TimePoint = SimClock::time_point;

inline constexpr Duration kMicrosecond{1};
inline constexpr Duration kMillisecond{1'000};
inline constexpr Duration kSecond{1'000'000};
inline constexpr Duration kMinute{60'000'000};
inline constexpr Duration kHour{3'600'000'000};

/// Rounds a non-negative duration up to a whole number of `granularity` (e.g. 1 ms, 100 ms, 1 s).
/// A zero duration stays zero. Throws std::invalid_argument for a non-positive granularity or a
/// negative duration.
constexpr Duration ceil_to(Duration d, Duration granularity) {
  if (granularity.count() <= 0) throw std::invalid_argument("ceil_to: granularity must be > 0");
  if (d.count() < 0) throw std::invalid_argument("ceil_to: duration must be >= 0");
  const std::int64_t g = granularity.count();
  return Duration{(d.count() + g - 1) / g * g};
}

/// Applies a billing minimum: max(d, minimum).
constexpr Duration at_least(Duration d, Duration minimum) {
  return d < minimum ? minimum : d;
}

/// Billable duration: rounded up to `granularity`, then raised to `minimum`
/// (e.g. Fargate: 1 s granularity, 60 s minimum).
constexpr Duration billable(Duration d, Duration granularity, Duration minimum = Duration{0}) {
  return at_least(ceil_to(d, granularity), minimum);
}

/// Converts seconds (a double from a trace or a user) to the nearest microsecond.
/// Throws std::invalid_argument for NaN or values outside ±9.2e12 s.
inline Duration from_seconds(double seconds) {
  if (!(std::fabs(seconds) <= 9.2e12)) {  // also rejects NaN
    throw std::invalid_argument("from_seconds: value is not a finite time in range");
  }
  // Round half away from zero, as std::llround does, without the library call (hot path).
  const double us = seconds * 1e6;
  return Duration{static_cast<std::int64_t>(us >= 0 ? us + 0.5 : us - 0.5)};
}

/// Converts milliseconds (double) to the nearest microsecond.
inline Duration from_millis(double ms) {
  return from_seconds(ms / 1e3);
}

/// A duration in seconds as a double (for reporting only).
constexpr double to_seconds(Duration d) {
  return static_cast<double>(d.count()) / 1e6;
}

/// A duration in milliseconds as a double (for reporting only).
constexpr double to_millis(Duration d) {
  return static_cast<double>(d.count()) / 1e3;
}

/// Seconds since the simulation epoch, as a double (for reporting only).
constexpr double to_seconds(TimePoint t) {
  return to_seconds(t.time_since_epoch());
}

}  // namespace slsim
