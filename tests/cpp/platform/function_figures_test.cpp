// Issue 20: latency, errors and cold starts per function on every platform
// (PlatformResult::functions): they add up to the platform's figures, and a two-function
// workload's per-function p99s are each function's own.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "slsim/batch/batch.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/platform/result.hpp"
#include "slsim/system/system.hpp"
#include "support/columns_source.hpp"

using namespace slsim;

namespace {

const Date kAsOf{2026, 11, 1};

/// "fast" (100 ms of work) and "slow" (2,000 ms) alternately, one call every 10 s, 400 calls.
test::ColumnsSource two_functions(InvocationType type) {
  WorkloadColumns c;
  for (int i = 0; i < 400; ++i) {
    c.arrival_s.push_back(i * 10.0);
    c.function.push_back(static_cast<std::uint32_t>(i % 2));
    c.duration_ms.push_back(i % 2 == 0 ? 100.0 : 2000.0);
  }
  c.function_names = {"fast", "slow"};
  c.type.assign(c.arrival_s.size(), type);
  return test::ColumnsSource(c, std::nullopt, false);
}

/// The per-function figures add up to the platform's; returns them by name.
const FunctionFigures& by_name(const PlatformResult& r, const std::string& name) {
  for (const auto& f : r.functions)
    if (f.name == name) return f;
  FAIL("no function " << name);
  throw;
}

void check_sums(const PlatformResult& r);

/// The platform-wide figures of two runs are the same numbers, bit for bit.
void check_same_platform_figures(const PlatformResult& a, const PlatformResult& b) {
  CHECK(a.arrived == b.arrived);
  CHECK(a.outcomes.completed == b.outcomes.completed);
  CHECK(a.outcomes.failed == b.outcomes.failed);
  CHECK(a.outcomes.timed_out == b.outcomes.timed_out);
  CHECK(a.outcomes.refused == b.outcomes.refused);
  CHECK(a.outcomes.expired == b.outcomes.expired);
  CHECK(a.outcomes.unfinished == b.outcomes.unfinished);
  CHECK(a.cold_starts == b.cold_starts);
  CHECK(a.cold_invocations == b.cold_invocations);
  CHECK(a.latency_ms.count() == b.latency_ms.count());
  CHECK(a.latency_completed_ms.count() == b.latency_completed_ms.count());
  CHECK(a.latency_ms.min() == b.latency_ms.min());
  CHECK(a.latency_ms.max() == b.latency_ms.max());
  for (const double q : {0.0, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    CHECK(a.latency_ms.quantile(q) == b.latency_ms.quantile(q));
    CHECK(a.latency_completed_ms.quantile(q) == b.latency_completed_ms.quantile(q));
  }
  CHECK(a.latency_stats.mean() == b.latency_stats.mean());
  CHECK(a.bill.total_usd() == b.bill.total_usd());
}

/// Runs `simulate` with record_functions 0 (the default), 1 (fewer than the workload's two
/// functions) and every function: only the last has figures per function, and all three have
/// the same platform-wide figures.
template <class Options, class Simulate>
void check_opt_in(Options o, InvocationType type, Simulate&& simulate) {
  CHECK(o.record_functions == 0);  // off by default
  auto a = two_functions(type);
  const auto off = simulate(a, o);
  CHECK(off.functions.empty());
  o.record_functions = 1;
  auto b = two_functions(type);
  const auto over = simulate(b, o);
  CHECK(over.functions.empty());
  o.record_functions = kRecordEveryFunction;
  auto c = two_functions(type);
  const auto on = simulate(c, o);
  check_sums(on);
  check_same_platform_figures(off, on);
  check_same_platform_figures(over, on);
}

void check_sums(const PlatformResult& r) {
  REQUIRE(r.functions.size() == 2);
  std::uint64_t arrived = 0, completed = 0, failed = 0, timed_out = 0, refused = 0, expired = 0,
                unfinished = 0, cold = 0, latencies = 0;
  for (const auto& f : r.functions) {
    CHECK(f.arrived == f.outcomes.total());
    arrived += f.arrived;
    completed += f.outcomes.completed;
    failed += f.outcomes.failed;
    timed_out += f.outcomes.timed_out;
    refused += f.outcomes.refused;
    expired += f.outcomes.expired;
    unfinished += f.outcomes.unfinished;
    cold += f.cold;
    latencies += f.latency_ms.count();
  }
  CHECK(arrived == r.arrived);
  CHECK(completed == r.outcomes.completed);
  CHECK(failed == r.outcomes.failed);
  CHECK(timed_out == r.outcomes.timed_out);
  CHECK(refused == r.outcomes.refused);
  CHECK(expired == r.outcomes.expired);
  CHECK(unfinished == r.outcomes.unfinished);
  CHECK(cold == r.cold_invocations.value_or(r.cold_starts));
  CHECK(latencies == r.latency_ms.count());
  CHECK(by_name(r, "fast").arrived == 200);
  CHECK(by_name(r, "slow").arrived == 200);
}

}  // namespace

TEST_CASE("PlatformResult: Lambda's figures per function add up and are each function's own",
          "[platform][functions]") {
  auto src = two_functions(InvocationType::kSync);
  LambdaOptions o;
  o.as_of = kAsOf;
  o.defaults.memory_mb = 1769;
  o.record_functions = kRecordEveryFunction;
  const auto r = simulate_lambda(src, o);
  check_sums(r);
  // Warm after the first call (one every 20 s): the p99 is the run time (sketch: within 1%).
  CHECK(by_name(r, "fast").latency_ms.quantile(0.99) == Approx(100).epsilon(0.02));
  CHECK(by_name(r, "slow").latency_ms.quantile(0.99) == Approx(2000).epsilon(0.02));
  CHECK(by_name(r, "fast").cold == 1);
  CHECK(by_name(r, "slow").cold == 1);
}

TEST_CASE("PlatformResult: Fargate's figures per function add up, HTTP and queue",
          "[platform][functions]") {
  for (const auto type : {InvocationType::kSync, InvocationType::kQueue}) {
    auto src = two_functions(type);
    FargateOptions o;
    o.as_of = kAsOf;
    o.defaults.vcpu = 1;
    o.defaults.memory_gb = 2;
    o.defaults.min_tasks = 1;
    o.defaults.max_tasks = 2;
    o.record_functions = kRecordEveryFunction;
    const auto r = simulate_fargate(src, o);
    check_sums(r);
    // One task per function, always up (min_tasks 1) and never busy when a call comes: the p99
    // is the run time.
    CHECK(by_name(r, "fast").latency_ms.quantile(0.99) == Approx(100).epsilon(0.02));
    CHECK(by_name(r, "slow").latency_ms.quantile(0.99) == Approx(2000).epsilon(0.02));
  }
}

TEST_CASE("PlatformResult: ECS's figures per function add up", "[platform][functions]") {
  auto src = two_functions(InvocationType::kSync);
  EcsOptions o;
  o.as_of = kAsOf;
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 2;
  o.defaults.min_tasks = 1;
  o.defaults.max_tasks = 2;
  o.record_functions = kRecordEveryFunction;
  const auto r = simulate_ecs(src, o);
  check_sums(r);
  CHECK(by_name(r, "fast").latency_ms.quantile(0.99) == Approx(100).epsilon(0.02));
  CHECK(by_name(r, "slow").latency_ms.quantile(0.99) == Approx(2000).epsilon(0.02));
}

TEST_CASE("PlatformResult: Batch's figures per function add up", "[platform][functions]") {
  auto src = two_functions(InvocationType::kQueue);
  BatchOptions o;
  o.as_of = kAsOf;
  auto& ce = o.compute_environments[0];
  ce.instance_types = {"c5.xlarge"};
  ce.desired_vcpus = ce.min_vcpus = 4;
  ce.max_vcpus = 8;
  o.job.vcpu = 1;
  o.job.memory_gb = 1;
  o.record_functions = kRecordEveryFunction;
  const auto r = simulate_batch(src, o);
  check_sums(r);
  // Jobs on an instance always up: each waits the same scheduling and container start, so
  // the slow function's p99 is the fast one's plus the 1.9 s it runs longer.
  const double fast = by_name(r, "fast").latency_ms.quantile(0.99);
  const double slow = by_name(r, "slow").latency_ms.quantile(0.99);
  CHECK(slow - fast == Approx(1900).epsilon(0.05));
}

TEST_CASE("PlatformResult: figures per function are opt-in; the platform's are the same either way",
          "[platform][functions]") {
  SECTION("Lambda") {
    LambdaOptions o;
    o.as_of = kAsOf;
    o.defaults.memory_mb = 1769;
    check_opt_in(o, InvocationType::kSync,
                 [](WorkloadSource& w, const LambdaOptions& x) { return simulate_lambda(w, x); });
  }
  SECTION("Fargate, HTTP and queue") {
    FargateOptions o;
    o.as_of = kAsOf;
    o.defaults.vcpu = 1;
    o.defaults.memory_gb = 2;
    o.defaults.min_tasks = 1;
    o.defaults.max_tasks = 2;
    for (const auto type : {InvocationType::kSync, InvocationType::kQueue}) {
      check_opt_in(o, type, [](WorkloadSource& w, const FargateOptions& x) {
        return simulate_fargate(w, x);
      });
    }
  }
  SECTION("Batch") {
    BatchOptions o;
    o.as_of = kAsOf;
    auto& ce = o.compute_environments[0];
    ce.instance_types = {"c5.xlarge"};
    ce.desired_vcpus = ce.min_vcpus = 4;
    ce.max_vcpus = 8;
    o.job.vcpu = 1;
    o.job.memory_gb = 1;
    check_opt_in(o, InvocationType::kQueue,
                 [](WorkloadSource& w, const BatchOptions& x) { return simulate_batch(w, x); });
  }
}

TEST_CASE("simulate_system: each platform records its figures per function, whatever its options",
          "[platform][functions][system]") {
  auto src = two_functions(InvocationType::kSync);
  SystemOptions o;
  o.lambda.as_of = o.ecs.as_of = o.fargate.as_of = o.batch.as_of = kAsOf;
  o.lambda.defaults.memory_mb = 1769;
  o.fargate.defaults.vcpu = 1;
  o.fargate.defaults.memory_gb = 2;
  o.fargate.defaults.min_tasks = 1;
  o.fargate.defaults.max_tasks = 2;
  REQUIRE(o.lambda.record_functions == 0);
  REQUIRE(o.fargate.record_functions == 0);
  o.placement = {{"fast", SystemPlatform::kLambda}, {"slow", SystemPlatform::kFargate}};
  const SystemResult r = simulate_system(src, o);
  REQUIRE(r.lambda);
  REQUIRE(r.fargate);
  REQUIRE(r.lambda->functions.size() == 1);
  CHECK(r.lambda->functions[0].name == "fast");
  CHECK(r.lambda->functions[0].arrived == 200);
  REQUIRE(r.fargate->functions.size() == 1);
  CHECK(r.fargate->functions[0].name == "slow");
  CHECK(r.fargate->functions[0].latency_ms.quantile(0.99) == Approx(2000).epsilon(0.02));
}

TEST_CASE("QuantileSketch: merging sketches equals adding their values to one", "[core][stats]") {
  QuantileSketch a, b, all;
  for (int i = 1; i <= 1000; ++i) {
    const double x = 0.37 * i * i;
    (i % 3 ? a : b).add(x);
    all.add(x);
  }
  b.add(0.0);
  all.add(0.0);
  QuantileSketch merged;
  merged.merge(a);
  merged.merge(b);
  CHECK(merged.count() == all.count());
  CHECK(merged.min() == all.min());
  CHECK(merged.max() == all.max());
  for (const double q : {0.0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0})
    CHECK(merged.quantile(q) == all.quantile(q));
}
