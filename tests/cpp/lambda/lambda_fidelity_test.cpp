// Issue 11: the wrong answers of the Lambda model, each checked against a case computed by hand,
// and the model-path tests that were missing.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "slsim/lambda/lambda.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/array_source.hpp"
#include "slsim/workload/generators.hpp"
#include "trace.hpp"

using namespace slsim;

namespace {

using lambda_test::options;
using lambda_test::Trace;

// The same rows, but with a memory that is a footprint (as in the Azure traces), not the Lambda
// setting the durations were measured at.
class FootprintSource final : public WorkloadSource {
 public:
  explicit FootprintSource(std::unique_ptr<WorkloadSource> s) : s_(std::move(s)) {}
  bool next(Invocation& out) override { return s_->next(out); }
  const FunctionTable& functions() const override { return s_->functions(); }
  std::string describe() const override { return "footprint"; }
  bool memory_is_lambda_setting() const override { return false; }

 private:
  std::unique_ptr<WorkloadSource> s_;
};

std::unique_ptr<WorkloadSource> open(const Trace& t) {
  FunctionTable table;
  auto rows = ArraySource::prepare(t.c, table);
  return std::make_unique<ArraySource>(rows, table);
}

LambdaResult run(const Trace& t, const LambdaOptions& o, const RateCard& rc = RateCard::builtin()) {
  auto src = open(t);
  return simulate_lambda(*src, o, rc);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The built-in rate card's files with some rows replaced (`replace`: whole lines) and some
// appended: a user's own rate card.
RateCard user_card(const std::vector<std::pair<std::string, std::string>>& replace,
                   const std::string& more_rules, const std::string& more_rates = "") {
  const std::string dir = std::string(SLSIM_EXAMPLES) + "/../models/pricing";
  std::string rules = slurp(dir + "/rules.csv"), rates = slurp(dir + "/rates.csv");
  for (const auto& [from, to] : replace) {
    const auto at = rules.find(from);
    REQUIRE(at != std::string::npos);
    rules.replace(at, from.size(), to);
  }
  return RateCard::parse(rates + more_rates, rules + more_rules, slurp(dir + "/ec2_instances.csv"),
                         slurp(dir + "/fargate_sizes.csv"), "user");
}

using lambda_test::sum_pc_capacity;

}  // namespace

// ---- 1. provisioned concurrency ending while busy --------------------------------------------

TEST_CASE("LambdaModel: a provisioned window ending while busy returns its account capacity",
          "[lambda][fidelity]") {
  // Account limit 150 (AWS lets provisioned concurrency take all but 100 of it); 50 PC
  // environments of `a` busy past their window's end (10 s) until 61 s; at 100 s, 150 requests
  // to `b` find the whole account free again: none is throttled (50 were, while the capacity
  // leaked).
  auto o = options();
  o.account_concurrency = 150;
  auto a = o.defaults;
  a.provisioned.push_back({0, 10, 50});
  o.functions["a"] = a;
  Trace t;
  t.add("a", 1, 60'000, InvocationType::kSync, 0, 50);
  t.add("b", 100, 100, InvocationType::kSync, 0, 150);
  const auto r = run(t, o);
  CHECK(r.counts.throttles == 0);
  CHECK(r.counts.completed == 200);
}

// ---- 2. monthly allowances per month of the span ---------------------------------------------

TEST_CASE("LambdaModel: a one-day run gets a day's share of the monthly free tier",
          "[lambda][fidelity][pricing]") {
  // 864,000 requests of 100 ms at 128 MB, evenly over exactly one day. The free tier of a
  // 730-hour month prorated to 24 h: floor(1,000,000 x 24 / 730) = 32,876 requests free, so
  // 831,124 requests x $0.20 per million = $0.166 -> 17 cents; 10,800 GB-s are under the day's
  // 13,150 GB-s of free duration.
  auto o = options();
  o.defaults.memory_mb = 128;
  o.defaults.reference_memory_mb = 0;  // the trace's measured size, not the fixture's
  WorkloadColumns c;
  c.function_names = {"fn"};
  for (int i = 0; i < 864'000; ++i) {
    c.arrival_s.push_back(i * 0.1);
    c.duration_ms.push_back(100);
    c.function.push_back(0);
  }
  FunctionTable table;
  auto rows = ArraySource::prepare(c, table);
  ArraySource src(rows, table);
  const auto r = simulate_lambda(src, o);
  CHECK(r.span_s == Approx(86'400));
  CHECK(r.bill.total_cents() == 17);
}

TEST_CASE("LambdaModel: a two-day run costs two one-day runs, beyond rounding",
          "[lambda][fidelity][pricing]") {
  auto bill = [](int days) {
    auto o = options();
    o.defaults.memory_mb = 128;
    o.defaults.ephemeral_mb = 1024;
    WorkloadColumns c;
    c.function_names = {"fn"};
    for (int i = 0; i < days * 864'000; ++i) {
      c.arrival_s.push_back(i * 0.1);
      c.duration_ms.push_back(150);
      c.function.push_back(0);
    }
    FunctionTable table;
    auto rows = ArraySource::prepare(c, table);
    ArraySource src(rows, table);
    return simulate_lambda(src, o).bill;
  };
  const Bill one = bill(1), two = bill(2);
  CHECK(one.total_cents() > 0);
  // One cent of rounding per line item at most.
  CHECK(std::llabs(two.total_cents() - 2 * one.total_cents()) <=
        static_cast<long long>(one.items.size()));
}

// ---- 3. provisioned concurrency without traffic ----------------------------------------------

TEST_CASE("LambdaModel: provisioned concurrency is billed and present whatever the traffic",
          "[lambda][fidelity]") {
  auto o = options();
  o.free_tier = false;
  auto idle = o.defaults;
  idle.provisioned.push_back({0, 3600, 2});  // never invoked
  o.functions["idle"] = idle;
  auto late = o.defaults;
  late.provisioned.push_back({0, -1, 3});  // first invoked at 1,000 s
  o.functions["late"] = late;
  Trace t;
  t.add("busy", 0, 1).add("late", 1000, 1).add("busy", 3599.999, 1);
  const auto r = run(t, o);
  // idle: 2 x 1,024 MB x 3,600 s; late: 3 x 1,024 MB x 3,600 s (the span, 5-minute rounded).
  CHECK(sum_pc_capacity(r) == 2ULL * 1024 * 3'600'000 + 3ULL * 1024 * 3'600'000);
  // Five provisioned environments exist from the start (plus the on-demand one of `busy`).
  CHECK(r.instances_mean >= 5.0);
}

// ---- 5. region rules -------------------------------------------------------------------------

TEST_CASE("LambdaModel: a region's expired rule does not fall back to the default rule",
          "[lambda][fidelity]") {
  // Ohio had Hyperplane ENIs from 2019-09-27; the default (most regions) only from 2019-11-06.
  // On 2019-10-15 a VPC function in us-east-2 has no ENI penalty.
  auto o = options("2019-10-15");
  o.region = "us-east-2";
  o.defaults.vpc = true;
  o.defaults.keep_alive_s = Distribution::constant(0.5);  // every call starts cold
  Trace t;
  for (int i = 0; i < 50; ++i)
    t.add("fn", i * 100.0, 100);
  // A user's rate card with prices for Ohio and London, and London's own rule: ENIs until
  // 2019-10-01.
  const RateCard rc =
      user_card({}, "lambda.vpc_eni_cold_start.eu-west-2,1,2014-11-13,2019-10-01,test\n",
                "lambda,request,eu-west-2,any,request,0,,0.0000002,2014-11-13,,test\n"
                "lambda,duration,eu-west-2,x86_64,GB-s,0,,0.00001667,2014-11-13,2020-12-01,test\n"
                "lambda,request,us-east-2,any,request,0,,0.0000002,2014-11-13,,test\n"
                "lambda,duration,us-east-2,x86_64,GB-s,0,,0.00001667,2014-11-13,2020-12-01,test\n");
  auto london = o;
  london.region = "eu-west-2";
  const auto ohio = run(t, o, rc), uk = run(t, london, rc);
  CHECK(ohio.latency_ms.quantile(0.99) < 2'000);
  CHECK(uk.latency_ms.quantile(0.99) < 2'000);
  // Before its own rule expired, London had the penalty.
  london.as_of = Date::parse("2019-09-15");
  CHECK(run(t, london, rc).latency_ms.quantile(0.5) > 3'000);
}

// ---- 6. windowed traces ----------------------------------------------------------------------

TEST_CASE("LambdaModel: shifting every arrival by a constant changes only absolute times",
          "[lambda][fidelity]") {
  auto o = options();
  o.defaults.keep_alive_s = Distribution::constant(60);
  o.defaults.provisioned.push_back({0, -1, 1});
  Trace a, b;
  for (int i = 0; i < 2000; ++i) {
    const double at = i * 1.7, ms = 300 + (i % 7) * 100;
    a.add("fn", at, ms);
    b.add("fn", at + 3600, ms);
  }
  const auto ra = run(a, o), rb = run(b, o);
  CHECK(rb.span_s == Approx(ra.span_s));
  CHECK(rb.instances_mean == Approx(ra.instances_mean).epsilon(1e-9));
  CHECK(rb.mean_busy == Approx(ra.mean_busy).epsilon(1e-9));
  CHECK(rb.bill.total_cents() == ra.bill.total_cents());
  CHECK(rb.latency_stats.mean() == Approx(ra.latency_stats.mean()).epsilon(1e-9));
}

// ---- 7. SQS event source ---------------------------------------------------------------------

TEST_CASE("LambdaModel: the SQS visibility timeout runs from the receive",
          "[lambda][fidelity][sqs]") {
  // Received at 0, fails at 10 s, visible again at 30 s (not at 40 s), received again, fails at
  // 40 s, visible at 60 s with two receives: to the dead-letter queue at 60 s.
  auto o = options();
  o.record_invocations = true;
  o.defaults.error_probability = 1;
  o.defaults.max_receive_count = 2;
  o.defaults.visibility_timeout_s = 30;
  Trace t;
  t.add("fn", 0, 10'000, InvocationType::kQueue);
  const auto r = run(t, o);
  CHECK(r.counts.attempts == 2);
  CHECK(r.counts.to_destination == 1);
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].end_s == Approx(60));
}

TEST_CASE(
    "LambdaModel: an SQS message still running past its visibility timeout is delivered "
    "again",
    "[lambda][fidelity][sqs]") {
  // 10 s of work, visibility 5 s: received at 0 and again at 5 s; the first run deletes it at
  // 10 s; the second runs to 15 s and is billed too.
  auto o = options();
  o.record_invocations = true;
  o.free_tier = false;
  o.defaults.visibility_timeout_s = 5;
  Trace t;
  t.add("fn", 0, 10'000, InvocationType::kQueue);
  const auto r = run(t, o);
  CHECK(r.counts.completed == 1);
  CHECK(r.counts.attempts == 2);
  REQUIRE(r.usage.lambda.size() == 1);
  CHECK(r.usage.lambda[0].requests == 2);
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].end_s == Approx(10));
  // The span ends with the first run (10 s): a redelivery after it is billed but is a tail.
  CHECK(r.span_s == Approx(10));
}

TEST_CASE("LambdaModel: SQS messages received while throttled count as receives (over-pull)",
          "[lambda][fidelity][sqs]") {
  // Reserved concurrency 1 under 5 pollers: 4 of the first 5 messages are received and throttled;
  // they return after the visibility timeout, and after 3 receives they go to the DLQ.
  auto o = options("2022-06-01");
  auto f = o.defaults;
  f.reserved_concurrency = 1;
  f.max_receive_count = 3;
  f.visibility_timeout_s = 30;
  o.functions["fn"] = f;
  Trace t;
  t.add("fn", 0, 60'000, InvocationType::kQueue, 0, 10);
  const auto r = run(t, o);
  CHECK(r.counts.to_destination > 0);
  CHECK(r.counts.arrived == r.counts.completed + r.counts.failed() + r.counts.dropped());
}

TEST_CASE("LambdaModel: SQS pollers scale faster from 2023-11-06", "[lambda][fidelity][sqs]") {
  const auto& rc = RateCard::builtin();
  CHECK(rc.rule("lambda.sqs_pollers_per_min", Date::parse("2023-11-05")) == 60);
  CHECK(rc.rule("lambda.sqs_pollers_per_min", Date::parse("2023-11-06")) == 300);
}

// ---- 8. async requests and the invoke rate cap -------------------------------------------------

TEST_CASE("LambdaModel: async requests over the invoke rate cap are refused to the caller",
          "[lambda][fidelity]") {
  // Account 100 -> 1,000 invoke requests per second. 3,000 async requests at once: 1,000 are
  // accepted (and run, retried internally while concurrency is short); 2,000 are refused.
  auto o = options();
  o.account_concurrency = 100;
  Trace t;
  t.add("fn", 0, 1, InvocationType::kAsync, 0, 3000);
  const auto r = run(t, o);
  CHECK(r.counts.dropped_throttled == 2000);
  CHECK(r.counts.completed == 1000);
}

TEST_CASE(
    "LambdaModel: a throttled async event backs off 1, 2, 4 ... s and expires at its "
    "maximum age",
    "[lambda][fidelity]") {
  // Reserved concurrency 0 throttles every attempt. The waits are jittered in [d/2, d] of 1, 2,
  // 4, 8, 16, 32 s: the sixth attempt comes by 31 s (1+2+4+8+16), a seventh may come between
  // 31.5 and 63 s, an eighth not before 63.5 s, past the 60 s maximum age: the event expires at
  // exactly 60 s after 6 or 7 attempts.
  auto o = options();
  o.record_invocations = true;
  auto f = o.defaults;
  f.reserved_concurrency = 0;
  f.max_event_age_s = 60;
  o.functions["fn"] = f;
  Trace t;
  t.add("fn", 0, 100, InvocationType::kAsync);
  const auto r = run(t, o);
  CHECK(r.counts.attempts >= 6);
  CHECK(r.counts.attempts <= 7);
  CHECK(r.counts.throttles == r.counts.attempts);
  CHECK(r.counts.dropped_expired == 1);
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].end_s == Approx(60));
}

// ---- 9. the CPU reference of a trace's durations
// -------------------------------------------------

TEST_CASE("LambdaModel: a memory footprint is not a CPU reference", "[lambda][fidelity]") {
  // Azure-like memory (a footprint) of 200 MB: replayed at the trace's memory (rounded up to
  // 256 MB in 2018, 200 MB in 2024) the 1,000 ms calls take 1,000 ms in both eras.
  for (const char* as_of : {"2018-07-01", "2024-07-01"}) {
    auto o = options(as_of);
    o.defaults.memory_mb = 0;            // the trace's
    o.defaults.reference_memory_mb = 0;  // the trace's measured size, not the fixture's
    Trace t;
    for (int i = 0; i < 100; ++i)
      t.add("fn", i * 10.0, 1000, InvocationType::kSync, 200);
    FootprintSource src(open(t));
    const auto r = simulate_lambda(src, o);
    INFO(as_of);
    CHECK(r.env_time_s.mean() == Approx(1.0).epsilon(0.01));
  }
}

// ---- 11. rules read from the rate card ---------------------------------------------------------

TEST_CASE("LambdaModel: vCPU per MB, included storage, arm64 launch and ENI penalty are data",
          "[lambda][fidelity]") {
  const RateCard rc =
      user_card({{"lambda.mb_per_vcpu,1769,", "lambda.mb_per_vcpu,1024,"},
                 {"lambda.ephemeral_included_mb,512,", "lambda.ephemeral_included_mb,1024,"}},
                "");
  const RateCard rc2 = user_card(
      {{"lambda.arm64_available,0,2014-11-13,2021-09-29,",
        "lambda.arm64_available,0,2014-11-13,2020-01-01,"},
       {"lambda.arm64_available,1,2021-09-29,", "lambda.arm64_available,1,2020-01-01,"},
       {"lambda.vpc_eni_median_ms,6700,", "lambda.vpc_eni_median_ms,1000,"},
       {"lambda.vpc_eni_p975_ms,17000,", "lambda.vpc_eni_p975_ms,1000,"}},
      "", "lambda,duration,us-east-1,arm64,GB-s,0,,0.0000133334,2020-01-01,2021-09-29,test\n");
  // CPU: measured at 1,024 MB (1 vCPU on this card), run at 2,048 MB single-threaded: 1,000 ms.
  auto o = options();
  o.defaults.memory_mb = 2048;
  o.defaults.reference_memory_mb = 1024;
  o.defaults.cpu_bound_fraction = 1;
  o.defaults.ephemeral_mb = 2048;
  Trace t;
  t.add("fn", 0, 1000).add("fn", 10, 1000);
  auto r = run(t, o, rc);
  CHECK(r.env_time_s.mean() == Approx(1.0));
  // Storage: 2,048 - 1,024 MB x 2 x 1,000 ms.
  CHECK(r.usage.lambda[0].ephemeral_mb_ms == 1024ULL * 2 * 1000);
  // arm64 from 2020-01-01 on this card.
  o = options("2020-06-01");
  o.defaults.arch = Arch::kArm64;
  CHECK_NOTHROW(run(t, o, rc2));
  // ENI attachment of exactly 1 s.
  o = options("2018-07-01");
  o.defaults.vpc = true;
  o.defaults.keep_alive_s = Distribution::constant(0.5);
  r = run(t, o, rc2);
  CHECK(r.latency_ms.quantile(0.5) == Approx(2000).epsilon(0.02));
}

// ---- measures ----------------------------------------------------------------------------------

TEST_CASE("LambdaModel: latency_ms covers every invocation that ended, timeouts included",
          "[lambda][fidelity]") {
  // Half the calls time out at 1 s: the latency of every ended call has a p99 above 1 s.
  auto o = options();
  o.defaults.timeout_s = 1;
  Trace t;
  for (int i = 0; i < 200; ++i)
    t.add("fn", i * 10.0, i % 2 ? 100 : 5000);
  const auto r = run(t, o);
  CHECK(r.latency_ms.quantile(0.99) >= 990);  // the sketch's relative error is about 1%
}

// ---- model-path tests --------------------------------------------------------------------------

TEST_CASE("LambdaModel: the simulator rounds a 27 ms call to 100 ms in 2018 and 27 ms in 2024",
          "[lambda][fidelity]") {
  Trace t;
  for (int i = 0; i < 10; ++i)
    t.add("fn", i * 10.0, 27);
  auto o = options("2018-07-01");
  o.defaults.memory_mb = 128;
  o.defaults.reference_memory_mb = 0;  // the trace's measured size, not the fixture's
  CHECK(run(t, o).usage.lambda[0].duration_mb_ms == 10ULL * 100 * 128);
  o.as_of = Date::parse("2024-07-01");
  CHECK(run(t, o).usage.lambda[0].duration_mb_ms == 10ULL * 27 * 128);
}

TEST_CASE(
    "LambdaModel: provisioned concurrency is billed count x memory x the 5-minute-rounded "
    "window",
    "[lambda][fidelity]") {
  auto o = options();
  o.defaults.provisioned.push_back({0, 601, 3});  // 601 s -> 900 s
  Trace t;
  for (int i = 0; i < 10; ++i)
    t.add("fn", i * 100.0, 10);
  const auto r = run(t, o);
  CHECK(sum_pc_capacity(r) == 3ULL * 1024 * 900'000);
}

TEST_CASE("LambdaModel: each invocation is recorded exactly once", "[lambda][fidelity]") {
  auto o = options();
  o.record_invocations = true;
  o.defaults.error_probability = 0.3;
  o.defaults.timeout_s = 2;
  o.defaults.visibility_timeout_s = 3;
  o.defaults.max_receive_count = 2;
  o.account_concurrency = 100;
  Trace t;
  for (int i = 0; i < 3000; ++i) {
    const auto type = static_cast<InvocationType>(i % 3);
    t.add("fn" + std::to_string(i % 4), i * 0.01, (i % 5) * 700.0, type);
  }
  const auto r = run(t, o);
  CHECK(r.records.size() == r.counts.arrived);
  CHECK(r.counts.arrived == 3000);
  CHECK(r.counts.arrived == r.counts.completed + r.counts.failed() + r.counts.dropped());
}

TEST_CASE("LambdaModel: sync client retries back off and give up after max_attempts",
          "[lambda][fidelity]") {
  // Reserved concurrency 1: the second of two simultaneous 500 ms calls is throttled, retried
  // after U(0, 100 ms) and U(0, 200 ms) (both before the first call ends), then dropped.
  auto o = options();
  auto f = o.defaults;
  f.reserved_concurrency = 1;
  f.client_retry.max_attempts = 3;
  o.functions["fn"] = f;
  Trace t;
  t.add("fn", 0, 500, InvocationType::kSync, 0, 2);
  const auto r = run(t, o);
  CHECK(r.counts.attempts == 4);
  CHECK(r.counts.retries == 2);
  CHECK(r.counts.throttles == 3);
  CHECK(r.counts.dropped_throttled == 1);
  CHECK(r.counts.completed == 1);
}

TEST_CASE("LambdaModel: ephemeral storage above 512 MB is billed by the simulator",
          "[lambda][fidelity]") {
  auto o = options();
  o.free_tier = false;
  o.defaults.ephemeral_mb = 1024;
  Trace t;
  for (int i = 0; i < 10; ++i)
    t.add("fn", i * 10.0, 100);
  const auto r = run(t, o);
  CHECK(r.usage.lambda[0].ephemeral_mb_ms == 10ULL * 100 * 512);
  bool line = false;
  for (const auto& i : r.bill.items)
    line |= i.name == "Lambda ephemeral storage";
  CHECK(line);
}

// ---- further model behaviour of issue 11
// ---------------------------------------------------------

TEST_CASE("LambdaModel: the SQS event source's maximum concurrency ends the over-pull",
          "[lambda][fidelity][sqs]") {
  // As the over-pull case above, with the event source capped at the reserved concurrency's 2:
  // the pollers stop receiving at 2 invocations, so nothing is throttled or sent to the DLQ.
  auto o = options("2024-06-01");
  auto f = o.defaults;
  f.reserved_concurrency = 2;
  f.max_receive_count = 3;
  f.visibility_timeout_s = 30;
  f.queue_max_concurrency = 2;
  o.functions["fn"] = f;
  Trace t;
  t.add("fn", 0, 20'000, InvocationType::kQueue, 0, 10);
  const auto r = run(t, o);
  CHECK(r.counts.throttles == 0);
  CHECK(r.counts.to_destination == 0);
  CHECK(r.counts.completed == 10);
  CHECK(r.span_s == Approx(100));  // five rounds of two 20 s runs
  // The setting exists from 2023-01-12.
  o.as_of = Date::parse("2022-12-01");
  CHECK_THROWS_WITH(run(t, o), Catch::Contains("exists from 2023-01-12"));
  o.as_of = Date::parse("2024-06-01");
  o.functions["fn"].queue_max_concurrency = 1;
  try {
    run(t, o);
    FAIL("queue_max_concurrency 1 accepted");
  } catch (const ConfigError& e) {
    CHECK_THAT(e.key(), Catch::EndsWith("queue_max_concurrency"));
    CHECK_THAT(e.message(), Catch::Contains("2 to 1,000"));
  }
}

TEST_CASE(
    "LambdaModel: queue messages failing forever with no DLQ are retried until retention "
    "and a note says so",
    "[lambda][fidelity][sqs]") {
  auto o = options();
  o.defaults.error_probability = 1;
  o.defaults.message_retention_s = 300;
  o.defaults.visibility_timeout_s = 30;
  Trace t;
  t.add("fn", 0, 100, InvocationType::kQueue, 0, 3);
  const auto r = run(t, o);
  CHECK(r.counts.dropped_expired == 3);
  CHECK(r.outcomes.expired == 3);
  // Received at 0, 30, ..., 300 s: 11 receives each.
  CHECK(r.counts.attempts == 33);
  bool noted = false;
  for (const auto& n : r.notes)
    noted |= n.find("retention") != std::string::npos && n.find("dead-letter") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("LambdaModel: Lambda's internal async retries do not draw from the invoke rate",
          "[lambda][fidelity]") {
  // Account 100 -> 1,000 requests/s. 1,000 async events at 0 s (900 throttled for concurrency
  // and retried by Lambda at 1 s) and 1,000 more at 1 s: none is refused to its caller.
  auto o = options();
  o.account_concurrency = 100;
  Trace t;
  t.add("fn", 0, 1, InvocationType::kAsync, 0, 1000)
      .add("fn", 1, 1, InvocationType::kAsync, 0, 1000);
  const auto r = run(t, o);
  CHECK(r.counts.dropped_throttled == 0);
  CHECK(r.counts.completed == 2000);
}

TEST_CASE("LambdaModel: in the VPC era environments share an ENI per 3 GB of their memory",
          "[lambda][fidelity]") {
  // 2018, 128 MB: 20 simultaneous cold starts need ceil(20 x 128 / 3,072) = 1 ENI. Each waits
  // for that one attachment, which is drawn once: all 20 start at the same time.
  auto o = options("2018-07-01");
  o.defaults.memory_mb = 128;
  o.defaults.vpc = true;
  o.record_invocations = true;
  Trace t;
  t.add("fn", 0, 100, InvocationType::kSync, 0, 20);
  auto r = run(t, o);
  REQUIRE(r.records.size() == 20);
  for (const auto& rec : r.records)
    CHECK(rec.latency_ms == Approx(r.records[0].latency_ms));
  CHECK(r.records[0].latency_ms > 1000);  // seconds of ENI attachment
  // At 3,008 MB each environment needs its own ENI: the attachments differ.
  o.defaults.memory_mb = 3008;
  r = run(t, o);
  double lo = 1e18, hi = 0;
  for (const auto& rec : r.records) {
    lo = std::min(lo, rec.latency_ms);
    hi = std::max(hi, rec.latency_ms);
  }
  CHECK(hi > lo + 100);
}

TEST_CASE("LambdaModel: the result is the shared PlatformResult with Lambda's extras",
          "[lambda][fidelity]") {
  auto o = options();
  o.defaults.timeout_s = 1;
  o.defaults.error_probability = 0.2;
  auto f = o.defaults;
  f.reserved_concurrency = 3;
  o.functions["fn"] = f;
  Trace t;
  for (int i = 0; i < 400; ++i)
    t.add("fn", i * 0.05, i % 4 ? 200 : 3000);
  const auto r = run(t, o);
  CHECK(r.platform == "lambda");
  CHECK(r.arrived == 400);
  CHECK(r.outcomes.total() == r.arrived);
  CHECK(r.outcomes.completed == r.counts.completed);
  CHECK(r.outcomes.timed_out == r.counts.failed_timeout);
  CHECK(r.outcomes.refused == r.counts.dropped_throttled);
  CHECK(r.outcomes.refused > 0);
  CHECK(r.outcomes.timed_out > 0);
  // Every ended invocation that ran is in latency_ms (a throttled request that never ran is
  // only counted); completed ones also in latency_completed_ms.
  CHECK(r.latency_ms.count() == r.arrived - r.outcomes.refused);
  CHECK(r.latency_completed_ms.count() == r.outcomes.completed);
  CHECK(r.latency_completed_ms.quantile(0.99) < r.latency_ms.quantile(0.99));
  CHECK(r.utilisation > 0);
  CHECK(r.utilisation <= 1);
  CHECK(r.cold_start_invocation_fraction() ==
        Approx(static_cast<double>(r.counts.cold_starts) / 400.0));
  const std::string j = r.to_json();
  for (const char* key : {"\"latency_completed_ms\"", "\"cold_start_probability\"",
                          "\"cold_start_invocation_fraction\"", "\"refused\"", "\"throttles\"",
                          "\"provisioned_served\"", "\"utilisation\""})
    CHECK(j.find(key) != std::string::npos);
}
