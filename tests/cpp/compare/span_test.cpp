// Issue 19, items 6-8: capacity kept running is billed over the workload's whole span on every
// platform; a short span never projects more than its capacity running all month; one span for
// the header, the cost rows and the JSON (an Azure 2019 day, a generator's duration).

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "slsim/batch/batch.hpp"
#include "slsim/compare/compare.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/workload/array_source.hpp"
#include "slsim/workload/azure_trace.hpp"
#include "slsim/workload/generators.hpp"
#include "support/columns_source.hpp"

using namespace slsim;

namespace {

const Date kAsOf{2026, 11, 1};

/// Requests of one function "api" at the given times (ms of work each), declaring a span; its
/// memory is not Lambda's setting.
test::ColumnsSource declared(const std::vector<double>& arrival_s, double work_ms,
                             std::optional<double> span_s,
                             InvocationType type = InvocationType::kSync) {
  return test::ColumnsSource(test::one_function(arrival_s, work_ms, "api", type), span_s, false);
}

/// One request every 10 s for the first hour.
std::vector<double> first_hour() {
  std::vector<double> v;
  for (int i = 0; i < 360; ++i)
    v.push_back(i * 10.0);
  return v;
}

FargateOptions two_fargate_tasks() {
  FargateOptions o;
  o.as_of = kAsOf;
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 2;
  o.defaults.tasks = 2;
  return o;
}

EcsOptions one_m5_large() {
  EcsOptions o;
  o.as_of = kAsOf;
  o.defaults.tasks = 1;
  o.cluster.instance_types = {"m5.large"};
  o.cluster.instances = 1;
  return o;
}

double line_quantity(const CostBreakdown& c, const std::string& prefix) {
  for (const auto& l : c.lines)
    if (l.name.rfind(prefix, 0) == 0) return l.quantity;
  FAIL("no cost line " << prefix);
  return 0;
}

}  // namespace

// ---- item 6: kept-running capacity billed over the whole span ----------------------------------

TEST_CASE("Containers: a fixed Fargate service is billed over the declared span", "[span]") {
  // Traffic for one hour of a declared day: two 1-vCPU tasks are 48 vCPU-hours, not 2.
  auto src = declared(first_hour(), 100, 86'400.0);
  const auto r = simulate_fargate(src, two_fargate_tasks());
  REQUIRE(r.usage.fargate.size() == 1);
  CHECK(r.usage.fargate[0].vcpu_milli_s == 2ULL * 1000 * 86'400);
  CHECK(r.span_s == Approx(86'400));
  CHECK(r.outcomes.completed == 360);
}

TEST_CASE("Containers: an ECS cluster's instance is billed over the declared span", "[span]") {
  auto src = declared(first_hour(), 100, 86'400.0);
  const auto r = simulate_ecs(src, one_m5_large());
  REQUIRE(r.usage.ec2.size() == 1);
  CHECK(r.usage.ec2[0].instance_s == 86'400);
}

TEST_CASE("Containers: an autoscaled service scales in after the traffic, to its minimum",
          "[span]") {
  // Target tracking from 1 to 10 tasks: the busy hour scales out, the quiet day scales back to
  // one task, which is billed to the span's end (more than one task-day, far less than ten).
  std::vector<double> a;
  for (int i = 0; i < 36'000; ++i)
    a.push_back(i * 0.1);
  auto src = declared(a, 400, 86'400.0);
  FargateOptions o;
  o.as_of = kAsOf;
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 2;
  o.defaults.min_tasks = 1;
  o.defaults.max_tasks = 10;
  o.defaults.concurrency = 10;
  o.defaults.target_cpu_pct = 50;
  const auto r = simulate_fargate(src, o);
  REQUIRE(r.usage.fargate.size() == 1);
  const double task_days = static_cast<double>(r.usage.fargate[0].vcpu_milli_s) / 1000 / 86'400;
  CHECK(task_days > 1.0);
  CHECK(task_days < 1.5);
  CHECK(r.span_s == Approx(86'400));
}

TEST_CASE("Batch: minvCpus instances are billed over the declared span", "[span]") {
  auto src = declared({0, 10, 20}, 1000, 86'400.0, InvocationType::kQueue);
  BatchOptions o;
  o.as_of = kAsOf;
  auto& ce = o.compute_environments[0];
  ce.instance_types = {"c5.xlarge"};
  ce.desired_vcpus = ce.min_vcpus = 4;
  ce.max_vcpus = 8;
  o.job.vcpu = 2;
  o.job.memory_gb = 3;
  const auto r = simulate_batch(src, o);
  REQUIRE(r.usage.ec2.size() == 1);
  CHECK(r.usage.ec2[0].instance_s >= 86'400);
  CHECK(r.usage.ec2[0].instance_s < 86'400 + 3'600);
}

TEST_CASE("Lambda: an open provisioned window is billed over the declared span", "[span]") {
  auto src = declared(first_hour(), 100, 86'400.0);
  LambdaOptions o;
  o.as_of = kAsOf;
  o.defaults.memory_mb = 512;
  o.defaults.provisioned.push_back({0, -1, 1});
  const auto r = simulate_lambda(src, o);
  REQUIRE(r.usage.lambda.size() == 1);
  // 512 MB x 86,400 s (5-minute rounded: exact).
  CHECK(r.usage.lambda[0].pc_capacity_mb_ms == 512ULL * 86'400'000);
}

TEST_CASE("Lambda: monthly allowances are prorated over the declared span", "[span]") {
  // 3,600 one-second calls at 1,024 MB in the first hour of a declared day: 3,600 GB-s, within
  // the day's share of the 400,000 GB-s and 1 M requests a month (24/730), beyond the hour's
  // (548 GB-s). `simulate` prorated over the hour and billed; `report` over the day (review).
  std::vector<double> at;
  for (int i = 0; i < 3600; ++i)
    at.push_back(i);
  LambdaOptions o;
  o.as_of = kAsOf;
  o.defaults.memory_mb = 1024;
  auto day = declared(at, 1000, 86'400.0);
  CHECK(simulate_lambda(day, o).bill.total_cents() == 0);
  auto hour = declared(at, 1000, std::nullopt);
  CHECK(simulate_lambda(hour, o).bill.total_cents() > 0);
}

TEST_CASE("Compare: kept-running capacity costs the same whether traffic fills the day or not",
          "[span]") {
  // A fixed two-task Fargate service over a declared day: 48 vCPU-hours whatever the traffic.
  auto fargate = fargate_runner(two_fargate_tasks());
  CompareOptions co;
  co.as_of = kAsOf;
  auto one_hour = fixed_workload(
      [] { return std::make_unique<test::ColumnsSource>(declared(first_hour(), 100, 86'400.0)); });
  const auto c = compare(one_hour, {fargate}, co);
  const auto& cost = c.platforms[0].costs[0];
  CHECK(line_quantity(cost, "Fargate vCPU") == Approx(48));
  // ALB: the span's 24 hours (one span for every figure).
  CHECK(line_quantity(cost, "Application Load Balancer hours") == Approx(24));
}

// ---- item 7: short spans ----------------------------------------------------------------------

TEST_CASE("Compare: a 10-second trace never projects more than its capacity all month", "[span]") {
  // One m5.large ($0.096/h): billed its 60 s minimum over a 10 s span, it once projected
  // 6 instance-months ($420); running all month it costs 730 x $0.096 = $70.08, plus its
  // public IPv4 address (the default network) 730 x $0.005 = $3.65, capped alike: $73.73.
  auto ecs = ecs_runner(one_m5_large());
  CompareOptions co;
  co.as_of = kAsOf;
  co.front_door.enabled = false;
  auto ten_s = fixed_workload([] {
    return std::make_unique<test::ColumnsSource>(
        declared(std::vector<double>{0, 5, 10}, 100, std::nullopt));
  });
  const auto c = compare(ten_s, {ecs}, co);
  const auto& p = c.platforms[0];
  CHECK(p.costs[0].span_s == Approx(10.1).margin(0.2));
  CHECK(p.figures.monthly_usd.mean == Approx(73.73));
  bool warned = false;
  for (const auto& n : p.runs[0].notes)
    warned |= n.find("shorter than an hour") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("Compare: a 10-second trace never projects more provisioned concurrency than all month",
          "[span]") {
  // One provisioned environment of 1,024 MB: billed its 5-minute minimum over a 10 s span, it
  // projected 263 x 300 GB-s ($329/month); enabled all month it is 1 GB x 2,628,000 s x
  // $0.0000041667 = $10.95 (review finding).
  LambdaOptions lo;
  lo.as_of = kAsOf;
  lo.defaults.memory_mb = 1024;
  lo.defaults.provisioned.push_back({0, -1, 1});
  auto lambda = lambda_runner(lo);
  CompareOptions co;
  co.as_of = kAsOf;
  co.front_door.enabled = false;
  co.free_tier = false;
  auto ten_s = fixed_workload([] {
    return std::make_unique<test::ColumnsSource>(
        declared(std::vector<double>{0, 5, 10}, 100, std::nullopt));
  });
  const auto c = compare(ten_s, {lambda}, co);
  const auto& cost = c.platforms[0].costs[0];
  double pc_monthly = 0;
  for (const auto& l : cost.lines)
    if (l.name.rfind("Lambda provisioned concurrency (", 0) == 0) pc_monthly += l.monthly_usd;
  CHECK(pc_monthly > 10);
  CHECK(pc_monthly <= 10.96);
}

TEST_CASE("Compare: a short Fargate trace never projects more than its tasks all month", "[span]") {
  auto fargate = fargate_runner(two_fargate_tasks());
  CompareOptions co;
  co.as_of = kAsOf;
  co.front_door.enabled = false;
  auto ten_s = fixed_workload([] {
    return std::make_unique<test::ColumnsSource>(
        declared(std::vector<double>{0, 5, 10}, 100, 10.0));
  });
  const auto c = compare(ten_s, {fargate}, co);
  // Two 1-vCPU, 2 GB tasks all month: 2 x 730 x (0.04048 + 2 x 0.004445) = $72.08, plus their
  // public IPv4 addresses (the default network) 2 x 730 x $0.005 = $7.30: $79.38.
  CHECK(c.platforms[0].figures.monthly_usd.mean == Approx(79.38).margin(0.01));
}

// ---- item 8: one span ---------------------------------------------------------------------------

TEST_CASE("Azure2019Reader: a day file spans its 24-hour day", "[span][azure]") {
  Azure2019Options o;
  o.durations_path = std::string(SLSIM_TEST_DATA) + "/azure2019-format/durations.csv";
  o.memory_path = std::string(SLSIM_TEST_DATA) + "/azure2019-format/memory.csv";
  Azure2019Reader r(std::string(SLSIM_TEST_DATA) + "/azure2019-format/invocations.csv", o);
  REQUIRE(r.declared_span_s().has_value());
  CHECK(*r.declared_span_s() == 86'400);
  o.day = 2;  // the third day of a chain ends at 72 h
  Azure2019Reader third(std::string(SLSIM_TEST_DATA) + "/azure2019-format/invocations.csv", o);
  CHECK(*third.declared_span_s() == 3 * 86'400);
}

TEST_CASE("Compare: a generator's day is 24 ALB-hours and one span in every cost", "[span]") {
  // Requests still running after the 86,400 s the generator declares no longer make the span
  // 86,400.2 s and the load balancer 25 hours.
  auto wl = [](std::uint64_t seed, double) -> std::unique_ptr<WorkloadSource> {
    GeneratorOptions g;
    g.rate_per_s = 20;  // the last request arrives within 0.1 s of the end, ends after it
    g.duration_s = 86'400;
    g.duration_ms = Distribution::constant(200);
    g.function = "api";
    g.seed = seed;
    return std::make_unique<PoissonSource>(g);
  };
  LambdaOptions lo;
  lo.as_of = kAsOf;
  CompareOptions co;
  co.as_of = kAsOf;
  const auto c = compare(wl, {fargate_runner(two_fargate_tasks()), lambda_runner(lo)}, co);
  for (const auto& p : c.platforms) {
    INFO(p.name);
    CHECK(p.costs[0].span_s == 86'400);
  }
  CHECK(line_quantity(c.platforms[0].costs[0], "Application Load Balancer hours") == Approx(24));
  const auto j = nlohmann::json::parse(c.to_json());
  CHECK(j["platforms"]["fargate"]["cost"]["span_s"] == 86'400);
}
