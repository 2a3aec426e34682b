// The outside review of the Lambda model (after issue 11): each wrong answer it found, checked
// against a case computed by hand. The setups are the reviewer's probe programs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "slsim/lambda/lambda.hpp"
#include "slsim/workload/array_source.hpp"
#include "trace.hpp"

using namespace slsim;

namespace {

using lambda_test::options;
using lambda_test::Trace;

LambdaResult run(const Trace& t, const LambdaOptions& o) {
  FunctionTable table;
  auto rows = ArraySource::prepare(t.c, table);
  ArraySource src(rows, table);
  return simulate_lambda(src, o);
}

// A source whose function table grows as rows are read (as the streaming readers' do).
class GrowingSource final : public WorkloadSource {
 public:
  GrowingSource(std::vector<Invocation> rows, std::vector<std::string> names)
      : rows_(std::move(rows)), names_(std::move(names)) {}
  bool next(Invocation& out) override {
    if (pos_ >= rows_.size()) return false;
    out = rows_[pos_++];
    while (table_.size() <= out.function)
      table_.intern(names_[table_.size()]);
    return true;
  }
  const FunctionTable& functions() const override { return table_; }
  std::string describe() const override { return "growing"; }
  bool memory_is_lambda_setting() const override { return true; }

 private:
  std::vector<Invocation> rows_;
  std::vector<std::string> names_;
  FunctionTable table_;
  std::size_t pos_ = 0;
};

using lambda_test::sum_pc_capacity;

}  // namespace

// ---- 1. provisioned concurrency at the trace's memory ----------------------------------------

TEST_CASE("LambdaModel: a provisioned function without memory_mb runs at the trace's memory",
          "[lambda][review]") {
  // a (PC 1) and b, both traced at 1,024 MB and 1,000 ms, at 0 and 600 s. Before the fix a was
  // set up at 128 MB (the function table has no memory): 4.5 s calls billed at 128 MB.
  auto o = options();
  o.free_tier = false;
  o.defaults.memory_mb = 0;
  Trace t;
  t.add("a", 0, 1000, InvocationType::kSync, 1024).add("b", 0, 1000, InvocationType::kSync, 1024);
  t.add("a", 600, 1000, InvocationType::kSync, 1024)
      .add("b", 600, 1000, InvocationType::kSync, 1024);
  SECTION("named") {
    auto a = o.defaults;
    a.provisioned.push_back({0, -1, 1});
    o.functions["a"] = a;
  }
  SECTION("in the defaults (--provisioned-concurrency)") {
    o.defaults.provisioned.push_back({0, -1, 1});
  }
  const auto r = run(t, o);
  CHECK(r.latency_stats.max() == Approx(1000));
  // Span 0 to 601 s, 5-minute rounded: 900 s at 1,024 MB for each provisioned environment.
  const std::uint64_t envs = o.functions.empty() ? 2 : 1;
  CHECK(sum_pc_capacity(r) == envs * 1024 * 900'000);
  for (const auto& u : r.usage.lambda) {
    CHECK(u.pc_duration_mb_ms + u.duration_mb_ms == 2 * 1000 * 1024);
  }
}

// ---- 2. the retry tail does not stretch the span ---------------------------------------------

TEST_CASE("LambdaModel: one always-failing queue message does not stretch the span",
          "[lambda][review]") {
  // An hour of 3,600 calls of 10 s at 1 GB: 36,000 GB-s, less the hour's share of the free
  // 400,000 GB-s (547), is $0.59. One SQS message that always fails (no DLQ) is retried every
  // 30 s for the 4-day retention: before the fix the span became 4 days, the free tier 96 x
  // larger, the bill 0 and the mean concurrency 0.1.
  auto o = options("2024-06-01");
  auto bad = o.defaults;
  bad.error_probability = 1;
  bad.visibility_timeout_s = 30;  // SQS's own default (slsim's is 6 x the function timeout)
  o.functions["bad"] = bad;
  Trace t;
  for (int i = 0; i < 3600; ++i)
    t.add("good", i, 10'000);
  const auto r0 = run(t, o);
  CHECK(r0.span_s == Approx(3609));
  CHECK(r0.bill.total_cents() == 59);
  Trace sorted;
  for (int i = 0; i < 3600; ++i) {
    if (i == 10) sorted.add("bad", 10, 100, InvocationType::kQueue);
    sorted.add("good", i, 10'000);
  }
  const auto r = run(sorted, o);
  CHECK(r.counts.dropped_expired == 1);
  CHECK(r.span_s == Approx(r0.span_s));
  CHECK(r.mean_busy == Approx(r0.mean_busy).margin(0.01));
  // The 11,521 runs of the bad message are billed on top.
  CHECK(r.bill.total_cents() > r0.bill.total_cents());
  bool noted = false;
  for (const auto& n : r.notes)
    noted = noted || n.find("after the span") != std::string::npos;
  CHECK(noted);
}

// ---- 4. provisioned concurrency is billed for the environments that exist ----------------------

TEST_CASE("LambdaModel: provisioned concurrency beyond the account is refused, not billed",
          "[lambda][review]") {
  // 1,200 provisioned of an account of 1,000: AWS refuses it (at most the account less the 100
  // that stay unreserved), and so does the validator; the model never bills what cannot exist.
  auto o = options();
  o.account_concurrency = 1000;
  o.free_tier = false;
  auto a = o.defaults;
  a.provisioned.push_back({0, -1, 1200});
  o.functions["a"] = a;
  Trace t;
  t.add("a", 0, 10).add("a", 100, 10);
  CHECK_THROWS_WITH(run(t, o), Catch::Contains("at most 900"));
  o.functions["a"].provisioned = {{0, -1, 900}};
  const auto r = run(t, o);
  CHECK(r.instances_max == 900);
  CHECK(sum_pc_capacity(r) == 900ULL * 1024 * 300'000);
}

// ---- 6. a window that starts before the first arrival -----------------------------------------

TEST_CASE("LambdaModel: a provisioned window before the first arrival is billed whole",
          "[lambda][review]") {
  // Window 0-400 s, first call at 100 s: AWS bills 400 s, rounded up to 600 s (before the fix:
  // 300 s, the window clipped to the first arrival).
  auto o = options();
  o.free_tier = false;
  auto a = o.defaults;
  a.provisioned.push_back({0, 400, 2});
  o.functions["a"] = a;
  Trace t;
  t.add("a", 100, 10).add("a", 1000, 10);
  const auto r = run(t, o);
  CHECK(sum_pc_capacity(r) == 2ULL * 1024 * 600'000);
  // The span covers the window: 0 to 1,000.01 s, with 2 environments for 400 s of it (and the
  // on-demand one of the call at 1,000 s).
  CHECK(r.span_s == Approx(1000.01));
  CHECK(r.instances_mean == Approx(800.01 / 1000.01).epsilon(1e-6));
}

// ---- 7. provisioned environments of a function met late ----------------------------------------

TEST_CASE("LambdaModel: provisioned environments of a function met late count from the window",
          "[lambda][review]") {
  // Provisioned concurrency 1 in the defaults from 0; a streaming source meets b at 3,000 s.
  // Both functions have one environment for the whole hour: 2 on average (before: 1.27).
  auto o = options();
  o.defaults.provisioned.push_back({0, -1, 1});
  auto mk = [](double at, FunctionId f) {
    Invocation i;
    i.arrival = TimePoint{from_seconds(at)};
    i.work = from_millis(100);
    i.function = f;
    i.memory_mb = 1024;
    return i;
  };
  GrowingSource src({mk(0, 0), mk(3000, 1), mk(3600, 0)}, {"a", "b"});
  const auto r = simulate_lambda(src, o);
  CHECK(r.counts.provisioned_served == 3);
  CHECK(r.instances_mean == Approx(2.0).epsilon(1e-6));
  CHECK(r.utilisation == Approx(0.3 / (2 * 3600.1)).epsilon(1e-6));
}

// ---- 8. cold starts per invocation -----------------------------------------------------------

TEST_CASE("LambdaModel: the cold-start fraction per invocation is at most 1", "[lambda][review]") {
  // Async calls that always fail, keep-alive 0: three cold attempts each (before: 3.0). Each
  // invocation's last attempt started cold: 1.0.
  auto o = options();
  o.defaults.error_probability = 1;
  o.defaults.keep_alive_s = Distribution::constant(0);
  Trace t;
  for (int i = 0; i < 10; ++i)
    t.add("a", i * 1000.0, 100, InvocationType::kAsync);
  const auto r = run(t, o);
  CHECK(r.counts.cold_starts == 30);
  CHECK(r.cold_start_invocation_fraction() == Approx(1.0));
  CHECK(r.cold_start_probability() == Approx(1.0));
}

// ---- 9. async throttle retries are jittered ----------------------------------------------------

TEST_CASE("LambdaModel: throttled async events do not retry in lockstep", "[lambda][review]") {
  // Reserved concurrency 1, busy for 5 s; 50 async events throttled together at 0. In lockstep
  // (1, 3, 7, 15, 31, 63 s) one of them runs per round: 4 done by 100 s. Jittered retries spread
  // over each round's interval and most find the function free.
  auto o = options();
  o.record_invocations = true;
  auto a = o.defaults;
  a.reserved_concurrency = 1;
  o.functions["a"] = a;
  Trace t;
  t.add("a", 0, 5000, InvocationType::kAsync).add("a", 0, 100, InvocationType::kAsync, 0, 50);
  const auto r = run(t, o);
  CHECK(r.counts.completed == 51);
  int early = 0;
  for (const auto& rec : r.records)
    early += rec.end_s < 100 ? 1 : 0;
  CHECK(early > 20);
}

// ---- 10. the SQS pollers' maximum -----------------------------------------------------------

TEST_CASE("LambdaModel: the SQS pollers' documented maximum did not change on 2023-11-06",
          "[lambda][review][sqs]") {
  // The faster-polling blog of 2023-11-06 changed the rate (60 -> 300 per minute); its 1,250 is
  // the maximum "up until today", and the developer guide gives 1,000 batches before and after.
  const auto& rc = RateCard::builtin();
  CHECK(rc.rule("lambda.sqs_pollers_max", Date::parse("2023-11-05")) ==
        rc.rule("lambda.sqs_pollers_max", Date::parse("2023-11-06")));
  CHECK(rc.rule("lambda.sqs_pollers_max", Date::parse("2024-06-01")) == 1000);
}

// ---- 11. each environment waits for its own ENI
// ---------------------------------------------------

TEST_CASE("LambdaModel: an environment waits for its own ENI, not the slowest",
          "[lambda][review]") {
  // 2018, 1,536 MB: two environments per 3 GB ENI. 20 simultaneous cold starts attach 10 ENIs,
  // each drawn once and shared by two environments: every latency occurs an even number of
  // times (before, a second environment waited for the slowest ENI attached so far).
  auto o = options("2018-07-01");
  o.defaults.memory_mb = 1536;
  o.defaults.vpc = true;
  o.record_invocations = true;
  Trace t;
  t.add("fn", 0, 100, InvocationType::kSync, 0, 20);
  const auto r = run(t, o);
  REQUIRE(r.records.size() == 20);
  std::map<long long, int> by_latency;
  for (const auto& rec : r.records)
    ++by_latency[std::llround(rec.latency_ms * 1000)];
  CHECK(by_latency.size() == 10);
  for (const auto& [lat, n] : by_latency)
    CHECK(n == 2);
}
