// Randomised property test of the Lambda model over generated scenarios (scenario_generator.hpp):
// all invocation types, account/reserved/burst limits, provisioned windows, error
// probabilities, timeouts, keep-alive and init settings, eras 2018–2026.
//
// Properties, for every case:
//  1. every arrival ends in exactly one terminal state, and with records on there is exactly
//     one record per arrival, whose outcomes add up to the same counts;
//  2. no figure is negative or NaN (span, latencies, environments, bill lines other than
//     discounts, records);
//  3. the bill equals pricing the recorded usage through the rate card (RateCard::price with
//     the run's as_of, region, free tier and discount) — what `slsim price` does — and the
//     usage bills exactly the attempts that ran (requests = attempts - throttles);
//  4. the same seed gives the same JSON (`to_json()`), also when run on another thread;
//  5. for cases whose every attempt bills the same (one function, constant duration, no errors,
//     timeouts, CPU rescaling, provisioned concurrency or INIT billing), the metered usage is
//     exactly what `slsim price lambda --requests N --duration-ms D ...` computes
//     (`lambda_usage`) for the attempts that ran — a check independent of the model's meters.
//
// Cases: 10,000 (1,000 in the sanitizer build); $SLSIM_PROPERTY_CASES and $SLSIM_PROPERTY_SEED
// change them (case i uses seed base + i, so one failing case is rerun alone with
// SLSIM_PROPERTY_SEED=<its seed> SLSIM_PROPERTY_CASES=1). See docs/testing.md.
//
// The few LambdaResult fields used are read in `Observed` below, the one place to adapt when
// the result type changes.

#include <catch2/catch.hpp>
#include <cmath>
#include <future>
#include <sstream>
#include <string>

#include "platform_properties.hpp"
#include "scenario_generator.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/platform/impossible_error.hpp"

using namespace slsim;

namespace {

/// What the properties read from a result.
struct Observed {
  std::uint64_t arrived = 0, terminal = 0, attempts = 0, throttles = 0;
  std::uint64_t by_outcome[5] = {};  ///< completed, failed error, timeout, throttled, expired
  std::uint64_t retries = 0, timeouts = 0, errors = 0, provisioned_served = 0, cold_starts = 0;

  explicit Observed(const LambdaResult& r) {
    const auto& c = r.counts;
    arrived = c.arrived;
    terminal = c.completed + c.failed() + c.dropped();
    attempts = c.attempts;
    throttles = c.throttles;
    by_outcome[0] = c.completed;
    by_outcome[1] = c.failed_error;
    by_outcome[2] = c.failed_timeout;
    by_outcome[3] = c.dropped_throttled;
    by_outcome[4] = c.dropped_expired;
    retries = c.retries;
    timeouts = c.timeouts;
    errors = c.errors;
    provisioned_served = c.provisioned_served;
    cold_starts = c.cold_starts;
  }
};

bool bad(double x) {
  return std::isnan(x) || x < 0;
}

bool same_bill(const Bill& a, const Bill& b) {
  if (a.items.size() != b.items.size() || a.total_cents() != b.total_cents()) return false;
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    const auto &x = a.items[i], &y = b.items[i];
    if (x.name != y.name || x.cents != y.cents || x.quantity != y.quantity || x.unit != y.unit)
      return false;
  }
  return true;
}

/// Coverage of the generated cases, so the test cannot pass by generating only easy ones.
struct Coverage {
  std::uint64_t outcome[5] = {}, throttles = 0, retries = 0, provisioned = 0, pre2020 = 0,
                post2023 = 0, with_records = 0;
  std::uint64_t refused = 0;  ///< generated configurations the validator refused (not run)
};

/// Runs one case; returns "" or what went wrong.
std::string check_case(const property::LambdaCase& k, Coverage& cov) {
  std::ostringstream why;
  auto src = property::open_trace(k.trace);
  LambdaResult r;
  try {
    r = simulate_lambda(src, k.options);
  } catch (const ConfigError&) {
    // The generator draws widely; the one validator refuses what AWS would (dated settings,
    // provisioned beyond the reservation, ...). A refused configuration never runs or bills.
    ++cov.refused;
    return "";
  } catch (const ImpossibleError&) {
    // A trace memory above Lambda's maximum at as_of: Lambda cannot run it (issue 19, item 16).
    ++cov.refused;
    return "";
  } catch (const std::exception& e) {
    return std::string("a generated configuration failed: ") + e.what();
  }
  const Observed o(r);
  const std::uint64_t n = k.trace.arrival_s.size();

  // 1. Exactly one terminal state per arrival.
  if (o.arrived != n) why << "arrived " << o.arrived << " != " << n << " invocations; ";
  if (o.terminal != o.arrived) why << "terminal " << o.terminal << " != arrived; ";
  if (r.records.size() != o.arrived) why << "records " << r.records.size() << " != arrived; ";
  std::uint64_t rec_outcome[5] = {};
  for (const auto& rec : r.records) {
    if (rec.outcome > 4) {
      why << "record outcome " << int{rec.outcome} << "; ";
      break;
    }
    ++rec_outcome[rec.outcome];
    if (bad(rec.arrival_s) || bad(rec.latency_ms) || std::isnan(rec.end_s) ||
        rec.end_s < rec.arrival_s || rec.attempts > o.attempts) {
      why << "record with a negative/NaN figure (arrival " << rec.arrival_s << ", end " << rec.end_s
          << ", latency " << rec.latency_ms << "); ";
      break;
    }
  }
  for (int i = 0; i < 5; ++i) {
    if (rec_outcome[i] != o.by_outcome[i])
      why << "records of outcome " << i << ": " << rec_outcome[i] << " != " << o.by_outcome[i]
          << "; ";
  }

  // Counters agree with each other: what ended after running ran at least once; retries, cold
  // starts and provisioned invocations are attempts that ran; terminal failures are attempts'.
  const std::uint64_t ran = o.attempts - std::min(o.attempts, o.throttles);
  if (o.throttles > o.attempts) why << "throttles > attempts; ";
  if (o.by_outcome[0] + o.by_outcome[1] + o.by_outcome[2] > ran)
    why << "more invocations ended after running than attempts ran; ";
  if (o.retries > o.attempts) why << "retries > attempts; ";
  if (o.cold_starts > ran || o.provisioned_served > ran) why << "cold/provisioned > attempts run; ";
  if (o.by_outcome[1] > o.errors || o.by_outcome[2] > o.timeouts)
    why << "terminal failures exceed failed attempts; ";
  if (o.by_outcome[3] > o.throttles) why << "dropped as throttled without a throttle; ";

  // Concurrency never exceeds the account limit, nor a lone function's reserved concurrency.
  const auto& rc = RateCard::builtin();
  const double account = k.options.account_concurrency
                             ? k.options.account_concurrency
                             : rc.rule("lambda.account_concurrency", k.options.as_of);
  if (r.max_busy > account)
    why << "max_busy " << r.max_busy << " > account limit " << account << "; ";
  if (r.max_busy > r.instances_max) why << "max_busy > instances_max; ";
  if (k.trace.function_names.size() == 1) {
    const auto it = k.options.functions.find(k.trace.function_names[0]);
    const auto& cfg = it != k.options.functions.end() ? it->second : k.options.defaults;
    // Provisioned environments count against the reserved concurrency (finding F2, fixed;
    // regression test in findings_test.cpp).
    if (cfg.reserved_concurrency && r.max_busy > *cfg.reserved_concurrency)
      why << "max_busy " << r.max_busy << " > reserved " << *cfg.reserved_concurrency << "; ";
  }
  for (const auto& sec : r.timeseries) {
    if (sec.busy_max > account || sec.busy_max > sec.envs_max) {
      why << "a second with busy " << sec.busy_max << " (environments " << sec.envs_max << "); ";
      break;
    }
  }

  // 2. No negative or NaN figure.
  const double figures[] = {r.span_s,
                            r.latency_stats.count() ? r.latency_stats.mean() : 0.0,
                            r.latency_ms.count() ? r.latency_ms.quantile(0.5) : 0.0,
                            r.latency_ms.count() ? r.latency_ms.quantile(0.99) : 0.0,
                            r.instances_mean,
                            r.instances_max,
                            r.mean_busy,
                            r.max_busy,
                            r.cold_start_probability()};
  for (double f : figures) {
    if (bad(f)) why << "a negative or NaN figure (" << f << "); ";
  }
  if (r.mean_idle < -1e-9 || std::isnan(r.mean_idle)) why << "mean_idle " << r.mean_idle << "; ";
  for (const auto& item : r.bill.items) {
    const bool discount = item.cents < 0 && item.name.find("iscount") != std::string::npos;
    if ((item.cents < 0 && !discount) || bad(item.quantity)) {
      why << "bill line '" << item.name << "' " << item.cents << " cents, quantity "
          << item.quantity << "; ";
    }
  }
  // A negative total of at most a cent per discount line is finding P1 (rounding of discount
  // lines; platform_findings_test.cpp), let through until the pricing layer is fixed.
  constexpr bool kNegativeRoundingFixed = true;
  std::int64_t discounts = 0;
  for (const auto& item : r.bill.items)
    discounts += item.cents < 0;
  if (r.bill.total_cents() < (kNegativeRoundingFixed ? 0 : -discounts))
    why << "negative bill " << property::bill_text(r.bill) << "; ";

  // 3. The bill is the rate card's price of the recorded usage; requests are the attempts run.
  PricingOptions po;
  po.as_of = k.options.as_of;
  po.region = k.options.region;
  po.free_tier = k.options.free_tier;
  if (k.options.discount_pct > 0) po.discount_pct["lambda"] = k.options.discount_pct;
  if (r.span_s > 0) po.span_s = r.span_s;  // monthly allowances prorated over the span
  const Bill priced = rc.price(r.usage, po);
  if (!same_bill(priced, r.bill)) {
    why << "bill " << r.bill.total_cents() << " cents != priced usage " << priced.total_cents()
        << " cents; ";
  }
  std::uint64_t requests = 0;
  for (const auto& u : r.usage.lambda)
    requests += u.requests + u.pc_requests;
  if (requests != o.attempts - o.throttles) {
    why << "usage bills " << requests << " requests, but " << o.attempts - o.throttles
        << " attempts ran; ";
  }

  // 4. Same seed, same JSON, on another thread too.
  const std::string json = r.to_json();
  auto again = std::async(std::launch::async, [&k] {
    auto s = property::open_trace(k.trace);
    return simulate_lambda(s, k.options).to_json();
  });
  if (again.get() != json) why << "same seed, different JSON; ";

  for (int i = 0; i < 5; ++i)
    cov.outcome[i] += o.by_outcome[i];
  cov.throttles += o.throttles;
  cov.retries += o.retries;
  cov.provisioned += o.provisioned_served;
  cov.pre2020 += k.options.as_of < Date(2020, 1, 1);
  cov.post2023 += k.options.as_of >= Date(2023, 11, 26);
  cov.with_records += r.records.size();
  return why.str();
}

}  // namespace

TEST_CASE("Lambda property: generated scenarios keep every invariant", "[property][lambda]") {
  const int cases = property::case_count();
  const std::uint64_t base = property::base_seed();
  Coverage cov;
  int failed = 0;
  for (int i = 0; i < cases; ++i) {
    const auto k = property::lambda_case(base + static_cast<std::uint64_t>(i));
    const std::string why = check_case(k, cov);
    if (!why.empty()) {
      if (++failed <= 5) {
        FAIL_CHECK("case seed " << k.seed << " (rerun: SLSIM_PROPERTY_SEED=" << k.seed
                                << " SLSIM_PROPERTY_CASES=1): " << why);
      }
    }
  }
  INFO(cases << " cases, " << cov.refused << " refused by the validator");
  CHECK(failed == 0);
  CHECK(cov.refused * 2 <= static_cast<std::uint64_t>(cases));  // most cases run (also one alone)
  // The generator reaches every terminal state, the limits, retries and provisioned
  // concurrency, and both ends of the eras (over many cases: a case rerun alone need not).
  if (cases < 1000) return;
  for (int i = 0; i < 5; ++i) {
    INFO("outcome " << i);
    CHECK(cov.outcome[i] > 0);
  }
  CHECK(cov.throttles > 0);
  CHECK(cov.retries > 0);
  CHECK(cov.provisioned > 0);
  CHECK(cov.pre2020 > 0);
  CHECK(cov.post2023 > 0);
}

TEST_CASE("Lambda property: the generator is deterministic", "[property][lambda]") {
  const auto a = property::lambda_case(12345);
  const auto b = property::lambda_case(12345);
  CHECK(a.trace.arrival_s == b.trace.arrival_s);
  CHECK(a.trace.duration_ms == b.trace.duration_ms);
  CHECK(a.options.as_of == b.options.as_of);
  CHECK(a.options.functions.size() == b.options.functions.size());
  CHECK(property::lambda_case(12346).trace.arrival_s != a.trace.arrival_s);
}

TEST_CASE("Lambda property: uniform invocations meter what slsim price computes",
          "[property][lambda]") {
  const int cases = std::max(1, property::case_count() / 5);
  const std::uint64_t base = property::base_seed() + 7'000'000;
  const auto& rc = RateCard::builtin();
  int failed = 0;
  std::uint64_t ran_total = 0;
  for (int i = 0; i < cases; ++i) {
    const std::uint64_t seed = base + static_cast<std::uint64_t>(i);
    property::Draw d(seed);
    auto trace = property::random_trace(d);
    trace.function_names.resize(1);
    const double work_ms = d.chance(0.1) ? 0.0 : d.uniform(0, 5'000);
    for (auto& f : trace.function)
      f = 0;
    for (auto& w : trace.duration_ms)
      w = work_ms;
    // INIT is billed from 2025-08-01: draw until the era is before it.
    LambdaOptions o;
    do {
      o = property::random_lambda(d, rc, trace);
    } while (o.as_of >= Date(2025, 8, 1));
    LambdaFunctionConfig* cfg = &o.defaults;
    if (auto it = o.functions.find(trace.function_names[0]); it != o.functions.end())
      cfg = &it->second;
    const auto fresh = property::random_function(d, rc, o.as_of, 0);
    *cfg = [&] {
      auto c = *cfg;
      if (c.memory_mb == 0) c.memory_mb = fresh.memory_mb ? fresh.memory_mb : 128;
      c.error_probability = 0;
      c.timeout_s = 0;  // the era's maximum, 300 s or more: no timeouts
      c.reference_memory_mb = c.memory_mb;
      c.provisioned.clear();
      if (c.runtime == Runtime::kCustom || c.runtime == Runtime::kContainer)
        c.runtime = Runtime::kGo;
      c.visibility_timeout_s = rc.rule("lambda.timeout_max_s", o.as_of) + 30;
      c.message_retention_s = std::max(c.message_retention_s, *c.visibility_timeout_s);
      return c;
    }();
    o.defaults.reserved_concurrency.reset();

    auto src = property::open_trace(trace);
    LambdaResult r;
    try {
      r = simulate_lambda(src, o);
    } catch (const ConfigError&) {
      continue;  // refused by the validator (a dated setting drawn before it existed)
    } catch (const ImpossibleError&) {
      continue;  // a trace memory above Lambda's maximum: cannot run
    } catch (const std::exception& e) {
      FAIL_CHECK("case seed " << seed << ": failed: " << e.what());
      ++failed;
      continue;
    }
    const Observed ob(r);
    LambdaPriceInput in;
    in.memory_mb = cfg->memory_mb;
    in.requests = ob.attempts - ob.throttles;
    in.duration_ms = to_millis(from_millis(work_ms));  // the trace keeps whole microseconds
    in.arch = cfg->arch;
    in.ephemeral_mb = cfg->ephemeral_mb;
    const LambdaUsage expected = lambda_usage(rc, in, o.as_of);
    ran_total += in.requests;
    Usage u;
    if (in.requests > 0) u.lambda.push_back(expected);
    LambdaUsage got;
    got.arch = cfg->arch;
    for (const auto& x : r.usage.lambda) {
      got.requests += x.requests + x.pc_requests;
      got.duration_mb_ms += x.duration_mb_ms + x.pc_duration_mb_ms;
      got.ephemeral_mb_ms += x.ephemeral_mb_ms;
    }
    const bool same = got.requests == expected.requests &&
                      got.duration_mb_ms == (in.requests ? expected.duration_mb_ms : 0) &&
                      got.ephemeral_mb_ms == (in.requests ? expected.ephemeral_mb_ms : 0);
    if (!same && ++failed <= 5) {
      FAIL_CHECK("case seed " << seed << ": metered " << got.requests << " requests, "
                              << got.duration_mb_ms << " MB-ms, " << got.ephemeral_mb_ms
                              << " ephemeral MB-ms; slsim price gives " << expected.requests << ", "
                              << expected.duration_mb_ms << ", " << expected.ephemeral_mb_ms
                              << " (memory " << in.memory_mb << " MB, " << in.duration_ms
                              << " ms, as_of " << o.as_of.str() << ")");
    }
  }
  INFO(cases << " cases");
  CHECK(failed == 0);
  CHECK(ran_total > 0);
}
