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
  const auto r = simulate_batch(src, o);
  check_sums(r);
  // Jobs on an instance always up: each waits the same scheduling and container start, so
  // the slow function's p99 is the fast one's plus the 1.9 s it runs longer.
  const double fast = by_name(r, "fast").latency_ms.quantile(0.99);
  const double slow = by_name(r, "slow").latency_ms.quantile(0.99);
  CHECK(slow - fast == Approx(1900).epsilon(0.05));
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
