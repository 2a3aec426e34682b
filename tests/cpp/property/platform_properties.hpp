#pragma once
// The properties every platform's result keeps, checked on the shared result shape
// (slsim/platform/result.hpp) by the container and Batch property tests.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <future>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "slsim/platform/config_error.hpp"
#include "slsim/platform/result.hpp"
#include "slsim/pricing/pricing.hpp"

namespace slsim::property {

/// $SLSIM_PROPERTY_VERBOSE set: the tests print what their cases covered.
inline bool verbose() {
  const char* v = std::getenv("SLSIM_PROPERTY_VERBOSE");
  return v && *v;
}

inline bool bad(double x) {
  return std::isnan(x) || std::isinf(x) || x < 0;
}

/// Same line items (name, cents, quantity, unit) in the same order, same total.
inline bool same_bill(const Bill& a, const Bill& b) {
  if (a.items.size() != b.items.size() || a.total_cents() != b.total_cents()) return false;
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    const auto &x = a.items[i], &y = b.items[i];
    if (x.name != y.name || x.cents != y.cents || x.quantity != y.quantity || x.unit != y.unit)
      return false;
  }
  return true;
}

inline std::string bill_text(const Bill& b) {
  std::ostringstream s;
  for (const auto& i : b.items)
    s << "[" << i.name << ": " << i.quantity << " " << i.unit << ", " << i.cents << " c] ";
  return s.str();
}

/// Checks of the shared shape, for `n` arrivals: one terminal state each (and the latency
/// sketches count exactly the requests that ended), counters that agree, no negative, NaN or
/// infinite figure, utilisation in [0, 1], means within maxima, and a bill whose total is the
/// sum of its lines with no negative line but a discount. Appends what fails to `why`.
inline void check_shape(const PlatformResult& r, std::uint64_t n, std::ostringstream& why) {
  const auto& o = r.outcomes;
  if (r.arrived != n) why << "arrived " << r.arrived << " != " << n << " invocations; ";
  if (o.total() != r.arrived) why << "outcomes add up to " << o.total() << " != arrived; ";
  // Latency is recorded for every request that ended after running or waiting for a run
  // (completed, failed, timed out); one refused or expired without a run is only counted
  // (result.hpp). Containers recorded refused requests too before main's 20a5d30: either is
  // accepted until that merges here, then the first alone.
  const std::uint64_t ran = o.completed + o.failed + o.timed_out;
  const std::uint64_t n_lat = r.latency_ms.count();
  if ((n_lat != ran && n_lat != ran + o.refused + o.expired) || r.latency_stats.count() != n_lat)
    why << "latency counts " << n_lat << " requests, " << ran << " ended after a run; ";
  if (r.latency_completed_ms.count() != o.completed ||
      r.latency_completed_stats.count() != o.completed)
    why << "completed latency counts " << r.latency_completed_ms.count() << " != completed "
        << o.completed << "; ";
  if (r.retries > r.attempts) why << "retries > attempts; ";
  if (r.cold_starts > r.attempts) why << "cold starts > attempts; ";
  if (o.completed + o.failed + o.timed_out > r.attempts)
    why << "more requests ended than attempts; ";

  const auto q = [](const QuantileSketch& s, double p) { return s.count() ? s.quantile(p) : 0.0; };
  const double figures[] = {
      std::max(r.worked_s, r.span_s),
      r.latency_stats.count() ? r.latency_stats.mean() : 0.0,
      r.latency_ms.count() ? r.latency_ms.min() : 0.0,
      q(r.latency_ms, 0.5),
      q(r.latency_ms, 0.99),
      r.latency_completed_stats.count() ? r.latency_completed_stats.mean() : 0.0,
      r.latency_completed_ms.count() ? r.latency_completed_ms.min() : 0.0,
      r.queue_wait_ms.count() ? r.queue_wait_ms.min() : 0.0,
      q(r.queue_wait_ms, 0.99),
      r.instances_mean,
      r.instances_max,
      r.hosts_mean,
      r.hosts_max,
      r.utilisation,
      r.cold_start_invocation_fraction()};
  for (double f : figures) {
    if (bad(f)) why << "a negative, NaN or infinite figure (" << f << "); ";
  }
  for (const auto& [name, v] : r.extra) {
    if (bad(v)) why << "extra " << name << " = " << v << "; ";
  }
  if (r.utilisation > 1) why << "utilisation " << r.utilisation << " > 1; ";
  if (r.cold_start_invocation_fraction() > 1)
    why << "cold-start fraction " << r.cold_start_invocation_fraction() << " > 1; ";
  if (r.instances_mean > r.instances_max * (1 + 1e-9) + 1e-9)
    why << "instances mean " << r.instances_mean << " > max " << r.instances_max << "; ";
  if (r.hosts_mean > r.hosts_max * (1 + 1e-9) + 1e-9)
    why << "hosts mean " << r.hosts_mean << " > max " << r.hosts_max << "; ";
  for (const auto& s : r.timeline) {
    if (bad(s.time_s) || s.time_s > std::max(r.worked_s, r.span_s) + 60) {
      why << "timeline sample at " << s.time_s << " s; ";
      break;
    }
  }
  std::int64_t sum = 0, discounts = 0;
  for (const auto& item : r.bill.items) {
    sum += item.cents;
    if (item.cents < 0) ++discounts;
    const bool discount = item.cents < 0 && item.name.find("iscount") != std::string::npos;
    if ((item.cents < 0 && !discount) || bad(item.quantity))
      why << "bill line '" << item.name << "' " << item.cents << " cents, quantity "
          << item.quantity << "; ";
  }
  if (sum != r.bill.total_cents()) why << "bill total != sum of its lines; ";
  // Each line is rounded to cents alone, and a discount line is a share of the unrounded
  // charges: charges of a fraction of a cent round to 0 while their discount rounds to -1 cent,
  // a negative bill (finding P1, platform_findings_test.cpp). Until fixed, a negative total of
  // at most a cent per discount line is let through.
  constexpr bool kNegativeRoundingFixed = true;
  if (r.bill.total_cents() < (kNegativeRoundingFixed ? 0 : -discounts))
    why << "negative bill " << bill_text(r.bill) << "; ";
}

/// A refusal names a setting and says what is allowed, without internal names: "" or what is
/// wrong with it.
inline std::string check_refusal(const std::invalid_argument& e) {
  const std::string what = e.what();
  for (const char* internal : {"no rule '", "from_seconds", "std::", "slsim::"}) {
    if (what.find(internal) != std::string::npos)
      return "a refusal names an internal name (" + std::string(internal) + "): " + what;
  }
  if (what.size() < 10) return "a refusal without a message: '" + what + "'";
  return "";
}

/// How many generated cases ran and how many a validator refused, by the setting it named.
struct Refusals {
  std::uint64_t ran = 0, refused_config = 0;
  std::map<std::string, std::uint64_t> refused_by;  ///< refusals by the setting named
  std::map<std::string, std::string> refused_example;

  /// Counts a refusal; "" or what is wrong with its message.
  std::string refused(const ConfigError& e) {
    ++refused_config;
    if (++refused_by[e.key()] == 1) refused_example[e.key()] = e.what();
    return check_refusal(e);
  }
  /// "key count (example); ..." for a verbose run.
  std::string by_setting() const {
    std::ostringstream keys;
    for (const auto& [key, count] : refused_by)
      keys << key << " " << count << " (" << refused_example.at(key) << "); ";
    return keys.str();
  }
};

/// Runs `simulate` into `r`: nullopt when it ran (counted), else "" for a clean refusal by a
/// validator (counted by setting) or what went wrong.
template <class Result, class Fn>
std::optional<std::string> run_case(Fn simulate, Result& r, Refusals& cov) {
  try {
    r = simulate();
  } catch (const ConfigError& e) {
    return cov.refused(e);
  } catch (const std::exception& e) {
    return std::string("a generated configuration failed: ") + e.what();
  }
  ++cov.ran;
  return std::nullopt;
}

/// Runs `simulate` again on another thread: the same JSON, or what differs.
template <class Fn>
void check_same_json(const PlatformResult& r, Fn simulate, std::ostringstream& why) {
  const std::string json = r.to_json();
  auto again = std::async(std::launch::async, simulate);
  const std::string other = again.get().to_json();
  if (other != json) why << "same seed, different JSON; ";
}

}  // namespace slsim::property
