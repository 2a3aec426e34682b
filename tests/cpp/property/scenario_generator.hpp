#pragma once
// Random scenarios for the property tests (tests/cpp/property/*_property_test.cpp).
//
// Design notes: every case comes from its own seeded slsim::RngStream (case seed = base seed +
// case index), so a failing case is reproduced alone by its number, on any machine. A case is a
// small in-memory trace (WorkloadColumns, a few dozen invocations over 1–3 functions, with
// bursts of simultaneous arrivals to reach the concurrency limits) plus a platform
// configuration that is valid by construction at its `as_of` date: a generated configuration
// that the model refuses is a failure too (either the generator or a validator is wrong).
// The workload half (`random_trace`) is platform-neutral, so property tests for containers and
// Batch reuse it and add a generator of their own configuration next to `random_lambda`.

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "slsim/core/distribution.hpp"
#include "slsim/core/rng.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/pricing/date.hpp"
#include "slsim/pricing/pricing.hpp"
#include "slsim/workload/array_source.hpp"

namespace slsim::property {

/// Number of cases to run: $SLSIM_PROPERTY_CASES if set, else `fallback` — 10,000 in the normal
/// build, SLSIM_PROPERTY_DEFAULT_CASES (1,000) in the sanitizer and fuzz builds (set by
/// tests/CMakeLists.txt), since ASan+UBSan run the models about ten times slower.
inline int case_count(int fallback = 10'000) {
#ifdef SLSIM_PROPERTY_DEFAULT_CASES
  fallback = SLSIM_PROPERTY_DEFAULT_CASES;
#endif
  if (const char* env = std::getenv("SLSIM_PROPERTY_CASES"); env && *env) {
    return std::max(1, std::atoi(env));
  }
  return fallback;
}

/// Base seed: $SLSIM_PROPERTY_SEED if set (to explore other cases), else a fixed one.
inline std::uint64_t base_seed() {
  if (const char* env = std::getenv("SLSIM_PROPERTY_SEED"); env && *env) {
    return std::strtoull(env, nullptr, 10);
  }
  return 20'261'128;
}

/// Small helpers over one RngStream.
class Draw {
 public:
  explicit Draw(std::uint64_t seed) : rng_(seed, 4242) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * rng_.uniform(); }
  /// Integer in [lo, hi].
  std::int64_t integer(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  bool chance(double p) { return rng_.uniform() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(integer(0, static_cast<std::int64_t>(v.size()) - 1))];
  }
  RngStream& rng() { return rng_; }

 private:
  RngStream rng_;
};

/// A random date in 2018-01-01 .. 2026-12-28 (the eras slsim's Lambda rules cover).
inline Date random_date(Draw& d) {
  return Date(static_cast<int>(d.integer(2018, 2026)), static_cast<unsigned>(d.integer(1, 12)),
              static_cast<unsigned>(d.integer(1, 28)));
}

/// A small trace: 1..`max_rows` invocations of 1..3 functions, arrivals spread over up to
/// ~30 minutes with bursts of simultaneous arrivals, durations 0..~5 s (a few long ones),
/// optional per-row memory and invocation types (all three).
inline WorkloadColumns random_trace(Draw& d, int max_rows = 40) {
  WorkloadColumns c;
  const int functions = static_cast<int>(d.integer(1, 3));
  for (int f = 0; f < functions; ++f)
    c.function_names.push_back(fmt::format("fn{}", f));
  const auto rows = static_cast<std::size_t>(d.integer(1, max_rows));
  const bool with_memory = d.chance(0.3), with_type = d.chance(0.7);
  const double span_s = d.pick(std::vector<double>{1.0, 30.0, 600.0, 1800.0});
  double t = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    if (!d.chance(0.3)) t += d.uniform(0, span_s / static_cast<double>(rows)) * 2;  // bursts
    c.arrival_s.push_back(t);
    const double work = d.chance(0.1) ? d.uniform(0, 120'000) : d.uniform(0, 5'000);
    c.duration_ms.push_back(d.chance(0.05) ? 0.0 : work);
    c.function.push_back(static_cast<std::uint32_t>(d.integer(0, functions - 1)));
    if (with_memory) c.memory_mb.push_back(static_cast<std::uint32_t>(d.integer(0, 12'000)));
    if (with_type) c.type.push_back(static_cast<InvocationType>(d.integer(0, 2)));
  }
  return c;
}

/// A Lambda function configuration valid at `as_of` under the rules of `rc`. `reserved_room` is
/// how much reserved concurrency this function may still take (0: none).
inline LambdaFunctionConfig random_function(Draw& d, const RateCard& rc, Date as_of,
                                            std::uint32_t reserved_room) {
  LambdaFunctionConfig c;
  const auto lo = static_cast<std::int64_t>(rc.rule("lambda.memory_min_mb", as_of));
  const auto hi = static_cast<std::int64_t>(rc.rule("lambda.memory_max_mb", as_of));
  const auto step = static_cast<std::int64_t>(rc.rule("lambda.memory_step_mb", as_of));
  if (!d.chance(0.2))
    c.memory_mb = static_cast<std::uint32_t>(lo + step * d.integer(0, (hi - lo) / step));
  if (as_of >= Date(2021, 9, 29) && d.chance(0.3)) c.arch = Arch::kArm64;
  c.runtime = static_cast<Runtime>(d.integer(0, 6));
  c.vpc = d.chance(0.3);
  const auto max_timeout = static_cast<std::int64_t>(rc.rule("lambda.timeout_max_s", as_of));
  // Whole seconds, 1 to the era's maximum (0 = the maximum).
  c.timeout_s =
      d.chance(0.3) ? 0.0 : static_cast<double>(d.integer(1, d.chance(0.7) ? 10 : max_timeout));
  if (d.chance(0.4)) c.invocation = static_cast<InvocationType>(d.integer(0, 2));
  c.max_retry_attempts = static_cast<std::uint32_t>(d.integer(0, 2));
  c.max_event_age_s = d.chance(0.5) ? 21'600 : static_cast<double>(d.integer(60, 21'600));
  c.error_probability = d.chance(0.5) ? 0.0 : d.chance(0.2) ? 1.0 : d.uniform(0, 1);
  if (d.chance(0.3)) {
    c.keep_alive_s = d.chance(0.5)
                         ? Distribution::constant(static_cast<double>(d.integer(0, 3600)))
                         : Distribution::uniform(1, static_cast<double>(d.integer(2, 1800)));
  }
  if (d.chance(0.3)) c.init_ms = Distribution::constant(static_cast<double>(d.integer(0, 3000)));
  if (d.chance(0.3)) c.reference_memory_mb = static_cast<std::uint32_t>(d.integer(128, 10'240));
  c.cpu_bound_fraction = d.uniform(0, 1);
  c.parallel_fraction = d.chance(0.5) ? 0.0 : d.uniform(0, 1);
  const auto eph_max = static_cast<std::int64_t>(rc.rule("lambda.ephemeral_max_mb", as_of));
  c.ephemeral_mb = static_cast<std::uint32_t>(d.chance(0.7) ? 512 : d.integer(512, eph_max));
  if (d.chance(0.3)) {
    c.client_retry.max_attempts = static_cast<std::uint32_t>(d.integer(1, 4));
    c.client_retry.base_backoff_ms = static_cast<double>(d.integer(1, 500));
    c.client_retry.max_backoff_ms =
        c.client_retry.base_backoff_ms * static_cast<double>(d.integer(1, 50));
  }
  // Queue: the visibility timeout is at least the function timeout (AWS refuses less), and a
  // short retention keeps a message that fails forever from running for four days.
  const double timeout = c.timeout_s > 0 ? c.timeout_s : static_cast<double>(max_timeout);
  c.visibility_timeout_s = timeout + static_cast<double>(d.integer(0, 120));
  c.max_receive_count = d.chance(0.5) ? 0 : static_cast<std::uint32_t>(d.integer(1, 5));
  c.message_retention_s =
      std::max(*c.visibility_timeout_s, static_cast<double>(d.integer(60, 3600)));
  if (reserved_room > 0 && d.chance(0.5)) {
    c.reserved_concurrency =
        static_cast<std::uint32_t>(d.integer(0, std::min<std::uint32_t>(reserved_room, 8)));
  }
  if (as_of >= Date(2019, 12, 3) && d.chance(0.3)) {
    // One or two windows, which may overlap, each within the reserved concurrency.
    const std::uint32_t cap = c.reserved_concurrency ? *c.reserved_concurrency : 4;
    for (int w = 0, n = static_cast<int>(d.integer(1, 2)); w < n && cap > 0; ++w) {
      ProvisionedWindow pw;
      pw.start_s = d.chance(0.5) ? 0.0 : static_cast<double>(d.integer(0, 900));
      pw.end_s = d.chance(0.4) ? -1.0 : pw.start_s + static_cast<double>(d.integer(1, 1800));
      pw.count = static_cast<std::uint32_t>(d.integer(1, cap));
      c.provisioned.push_back(pw);
    }
  }
  return c;
}

/// A Lambda configuration for the trace's functions: defaults, per-function overrides for
/// some of them, account and burst limits small enough to throttle a few dozen invocations,
/// any era, region, free tier and discount. Per-invocation records are on.
inline LambdaOptions random_lambda(Draw& d, const RateCard& rc, const WorkloadColumns& trace) {
  LambdaOptions o;
  o.as_of = random_date(d);
  // The built-in rate card prices us-east-1 only; add regions here as it gains them.
  o.region = "us-east-1";
  o.seed = static_cast<std::uint64_t>(d.integer(1, 1'000'000));
  const auto unreserved_min = static_cast<std::uint32_t>(rc.rule("lambda.unreserved_min", o.as_of));
  if (d.chance(0.5))
    o.account_concurrency = unreserved_min + static_cast<std::uint32_t>(d.integer(0, 20));
  const std::uint32_t account =
      o.account_concurrency
          ? o.account_concurrency
          : static_cast<std::uint32_t>(rc.rule("lambda.account_concurrency", o.as_of));
  if (d.chance(0.4)) o.burst = static_cast<std::uint32_t>(d.integer(1, 5));
  o.defaults = random_function(d, rc, o.as_of, 0);
  std::uint32_t room = account - unreserved_min;
  for (const auto& name : trace.function_names) {
    if (!d.chance(0.5)) continue;
    auto c = random_function(d, rc, o.as_of, room);
    if (c.reserved_concurrency) room -= *c.reserved_concurrency;
    o.functions[name] = c;
  }
  o.free_tier = d.chance(0.5);
  o.discount_pct = d.chance(0.7) ? 0.0 : d.uniform(0, 50);
  o.record_invocations = true;
  o.record_timeseries = d.chance(0.2);
  return o;
}

/// One generated Lambda case.
struct LambdaCase {
  std::uint64_t seed = 0;
  WorkloadColumns trace;
  LambdaOptions options;
};

inline LambdaCase lambda_case(std::uint64_t seed, const RateCard& rc = RateCard::builtin()) {
  Draw d(seed);
  LambdaCase c;
  c.seed = seed;
  c.trace = random_trace(d);
  c.options = random_lambda(d, rc, c.trace);
  return c;
}

/// A fresh stream over the case's trace.
inline ArraySource open_trace(const WorkloadColumns& c) {
  FunctionTable table;
  auto rows = ArraySource::prepare(c, table);
  return ArraySource(std::move(rows), std::move(table));
}

}  // namespace slsim::property
