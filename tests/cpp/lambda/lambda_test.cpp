#include "slsim/lambda/lambda.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "slsim/core/confidence.hpp"
#include "slsim/workload/array_source.hpp"
#include "slsim/workload/generators.hpp"

using namespace slsim;

namespace {

LambdaOptions options(const std::string& as_of = "2026-11-01") {
  LambdaOptions o;
  o.as_of = Date::parse(as_of);
  o.defaults.memory_mb = 1024;
  o.defaults.reference_memory_mb = 1024;  // durations as measured at the size run (else 128 MB)
  return o;
}

LambdaResult run_poisson(double rate, double duration_s, Distribution dur_ms,
                         const LambdaOptions& o, std::uint64_t seed = 1,
                         InvocationType type = InvocationType::kSync) {
  PoissonOptions p;
  p.rate_per_s = rate;
  p.duration_s = duration_s;
  p.duration_ms = std::move(dur_ms);
  p.seed = seed;
  p.type = type;
  p.function = "fn";
  PoissonSource src(p);
  return simulate_lambda(src, o);
}

void check_conservation(const LambdaResult& r) {
  const auto& c = r.counts;
  CHECK(c.arrived == c.completed + c.failed() + c.dropped());
}

// Erlang B by the stable recursion B(k) = a B(k-1) / (k + a B(k-1)).
double erlang_b(int n, double a) {
  double b = 1;
  for (int k = 1; k <= n; ++k)
    b = a * b / (k + a * b);
  return b;
}

}  // namespace

TEST_CASE("Lambda: the SimFaaS reference scenario", "[models][lambda][validation]") {
  // SimFaaS (Mahmoudi & Khazaei, github.com/pacslab/simfaas README): arrival 0.9/s, warm service
  // 1.991 s, cold 2.244 s, expiration 600 s, 1e6 s -> cold-start probability 0.0014, average
  // server count 7.66, running 1.79, idle 5.87. Here the warm time is exponential (mean 1,991
  // ms) and a cold start adds a constant 253 ms.
  auto o = options();
  o.defaults.memory_mb = 128;
  o.defaults.reference_memory_mb = 0;  // measured at the size run (128 MB, none stated)
  o.defaults.keep_alive_s = Distribution::constant(600);
  o.defaults.init_ms = Distribution::constant(253);
  const auto r = run_poisson(0.9, 1e6, Distribution::exponential(1991), o);
  check_conservation(r);
  CHECK(r.cold_start_probability() == Approx(0.0014).margin(0.0004));
  CHECK(r.instances_mean == Approx(7.66).epsilon(0.05));
  CHECK(r.mean_busy == Approx(1.79).epsilon(0.03));
  CHECK(r.mean_idle == Approx(5.87).epsilon(0.05));
  CHECK(r.counts.throttles == 0);
}

TEST_CASE("Lambda: throttle probability matches Erlang B", "[models][lambda][validation]") {
  struct Case {
    int n;
    double rate;
    Distribution service_ms;
  };
  const std::vector<Case> cases{
      {10, 8.0, Distribution::exponential(1000)},                      // a = 8
      {50, 45.0, Distribution::lognormal(std::log(1000) - 0.5, 1.0)},  // a = 45, mean 1 s
      {100, 80.0, Distribution::constant(1000)},                       // a = 80
  };
  for (const auto& c : cases) {
    auto o = options();
    o.defaults.init_ms = Distribution::constant(0);  // no cold-start delay: a pure loss system
    o.defaults.keep_alive_s = Distribution::constant(1e9);
    LambdaFunctionConfig f = o.defaults;
    f.reserved_concurrency = static_cast<std::uint32_t>(c.n);
    o.functions["fn"] = f;
    const double a = c.rate * c.service_ms.mean() / 1000.0;
    const double want = erlang_b(c.n, a);
    std::vector<double> p;
    for (std::uint64_t rep = 0; rep < 10; ++rep) {
      const auto r = run_poisson(c.rate, 4000, c.service_ms, o, 100 + rep);
      check_conservation(r);
      REQUIRE(r.max_busy <= c.n);
      p.push_back(static_cast<double>(r.counts.throttles) / static_cast<double>(r.counts.arrived));
    }
    const auto ci = confidence_interval(p, 0.99);
    INFO("N=" << c.n << " a=" << a << " Erlang B " << want << ", simulated " << ci.mean << " +- "
              << ci.half_width);
    CHECK(ci.contains(want));
    CHECK(ci.half_width < 0.15 * want);
  }
}

TEST_CASE("Lambda: Little's law for the environments", "[models][lambda][validation]") {
  auto o = options();
  o.defaults.init_ms = Distribution::constant(300);
  o.defaults.keep_alive_s = Distribution::constant(5);
  const auto r = run_poisson(20, 5000, Distribution::lognormal_from_median_p99(120, 900), o);
  check_conservation(r);
  const double accepted_rate =
      static_cast<double>(r.counts.attempts - r.counts.throttles) / r.span_s;
  CHECK(r.mean_busy == Approx(accepted_rate * r.env_time_s.mean()).epsilon(0.005));
}

TEST_CASE("Lambda: cold-start probability is exp(-lambda T) for a fixed keep-alive",
          "[models][lambda][validation]") {
  for (double t : {0.5, 2.0}) {
    auto o = options();
    o.defaults.init_ms = Distribution::constant(0);
    o.defaults.keep_alive_s = Distribution::constant(t);
    const auto r = run_poisson(1.0, 200'000, Distribution::constant(0.001), o, 9);
    check_conservation(r);
    const double want = std::exp(-1.0 * t);
    const double se = std::sqrt(want * (1 - want) / static_cast<double>(r.counts.arrived));
    INFO("T=" << t << " exp(-lambda T)=" << want << " simulated " << r.cold_start_probability());
    CHECK(std::fabs(r.cold_start_probability() - want) < 5 * se);
  }
}

TEST_CASE("Lambda: the VPC ENI cold-start penalty exists in 2018 and not in 2020",
          "[models][lambda][validation]") {
  auto run = [](const std::string& as_of, bool vpc) {
    auto o = options(as_of);
    o.defaults.vpc = vpc;
    o.defaults.keep_alive_s = Distribution::constant(0.5);  // nearly every invocation starts cold
    return run_poisson(0.01, 1'000'000, Distribution::constant(100), o, 3);
  };
  const auto vpc2018 = run("2018-07-01", true), vpc2020 = run("2020-06-01", true);
  const auto plain2018 = run("2018-07-01", false);
  const double p99_2018 = vpc2018.latency_ms.quantile(0.99),
               p99_2020 = vpc2020.latency_ms.quantile(0.99);
  INFO("p99 2018 VPC " << p99_2018 << " ms, 2020 VPC " << p99_2020 << " ms");
  CHECK(p99_2018 > 10'000);  // seconds of ENI attachment, heavy-tailed
  CHECK(p99_2020 < 2'000);
  CHECK(plain2018.latency_ms.quantile(0.99) < 2'000);
  // Median cold-start penalty ~6.7 s (Shilkov, April 2019).
  CHECK(vpc2018.latency_ms.quantile(0.5) == Approx(6700 + 100 + 240).epsilon(0.15));
}

TEST_CASE("Lambda: a step to 5,000 concurrent requests follows each era's scaling limit",
          "[models][lambda][validation]") {
  auto run = [](const std::string& as_of) {
    WorkloadColumns c;
    c.function_names = {"fn"};
    for (int i = 0; i < 5000; ++i) {
      c.arrival_s.push_back(0);
      c.duration_ms.push_back(290'000);  // under the 300 s timeout of 2018
      c.function.push_back(0);
    }
    FunctionTable table;
    auto rows = ArraySource::prepare(c, table);
    ArraySource src(rows, table);
    auto o = options(as_of);
    o.account_concurrency = 10'000;
    o.defaults.init_ms = Distribution::constant(0);
    o.defaults.client_retry.max_attempts = 1'000'000;  // the clients keep retrying throttles
    o.defaults.client_retry.base_backoff_ms = 1000;
    o.defaults.client_retry.max_backoff_ms = 1000;
    o.record_timeseries = true;
    return simulate_lambda(src, o);
  };
  // Since 2023-11-26: +1,000 environments per function every 10 s (refilled continuously).
  const auto now = run("2024-06-01");
  check_conservation(now);
  for (int t : {5, 15, 25, 35}) {
    const double bound = std::min(5000.0, 1000.0 + 100.0 * (t + 1));  // max within second t
    INFO("2024, t=" << t << " s: " << now.timeseries.at(t).envs_max << " environments, bound "
                    << bound);
    CHECK(now.timeseries.at(t).envs_max <= bound + 1);
    CHECK(now.timeseries.at(t).envs_max >= bound - 150);  // clients retry within 1 s
  }
  CHECK(now.timeseries.at(45).envs_max == 5000);
  // 2018 in us-east-1: a burst of 3,000, then +500 per minute.
  const auto old = run("2018-07-01");
  check_conservation(old);
  for (int t : {30, 90, 150, 210}) {
    const double bound = std::min(5000.0, 3000.0 + 500.0 * (t + 1) / 60.0);
    INFO("2018, t=" << t << " s: " << old.timeseries.at(t).envs_max << " environments, bound "
                    << bound);
    CHECK(old.timeseries.at(t).envs_max <= bound + 1);
    CHECK(old.timeseries.at(t).envs_max >= bound - 20);
  }
  CHECK(old.timeseries.at(250).envs_max == 5000);
  CHECK(old.counts.completed == 5000);
}

TEST_CASE("Lambda: async errors retried twice reach the destination with probability p^3",
          "[models][lambda][validation]") {
  auto o = options();
  o.defaults.error_probability = 0.3;
  o.defaults.max_retry_attempts = 2;
  const auto r = run_poisson(10, 20'000, Distribution::constant(50), o, 4, InvocationType::kAsync);
  check_conservation(r);
  const double n = static_cast<double>(r.counts.arrived);
  const double frac = static_cast<double>(r.counts.to_destination) / n;
  const double want = 0.3 * 0.3 * 0.3;
  CHECK(std::fabs(frac - want) < 5 * std::sqrt(want * (1 - want) / n));
  CHECK(r.counts.failed_error == r.counts.to_destination);
  // Every failed attempt but the last of each event is retried.
  CHECK(r.counts.retries == r.counts.errors - r.counts.to_destination);
  // Retries wait one then two minutes: latency of events that needed two retries >= 3 min.
  CHECK(r.latency_ms.max() >= 180'000);
}

TEST_CASE("Lambda: timeouts stop the attempt, are billed to the timeout and count",
          "[models][lambda]") {
  auto o = options();
  o.defaults.timeout_s = 2;
  o.defaults.init_ms = Distribution::constant(0);
  o.free_tier = false;
  const auto r = run_poisson(1, 1000, Distribution::constant(5000), o, 5);
  check_conservation(r);
  CHECK(r.counts.timeouts == r.counts.arrived);
  CHECK(r.counts.failed_timeout == r.counts.arrived);
  // Billed 2,000 ms x 1,024 MB per attempt.
  REQUIRE(r.usage.lambda.size() == 1);
  CHECK(r.usage.lambda[0].duration_mb_ms == r.counts.arrived * 2000ULL * 1024);
  CHECK(r.env_time_s.mean() == Approx(2.0));
}

TEST_CASE("Lambda: SQS messages go to the DLQ after max_receive_count receives",
          "[models][lambda]") {
  auto o = options();
  o.defaults.error_probability = 1.0;
  o.defaults.max_receive_count = 3;
  o.defaults.visibility_timeout_s = 30;
  const auto r = run_poisson(2, 2000, Distribution::constant(100), o, 6, InvocationType::kQueue);
  check_conservation(r);
  CHECK(r.counts.to_destination == r.counts.arrived);
  CHECK(r.counts.attempts == 3 * r.counts.arrived);
  CHECK(r.latency_completed_ms.count() == 0);
  CHECK(r.latency_ms.count() == r.counts.arrived);  // every ended invocation
}

TEST_CASE("Lambda: SQS pollers start at 5 and scale per minute", "[models][lambda]") {
  // 2,000 messages at once, each 290 s long: pollers limit concurrency to 5 + 60/min (2018).
  WorkloadColumns c;
  c.function_names = {"fn"};
  for (int i = 0; i < 2000; ++i) {
    c.arrival_s.push_back(0);
    c.duration_ms.push_back(290'000);
    c.function.push_back(0);
    c.type.push_back(InvocationType::kQueue);
  }
  FunctionTable table;
  auto rows = ArraySource::prepare(c, table);
  ArraySource src(rows, table);
  auto o = options("2018-07-01");
  o.record_timeseries = true;
  const auto r = simulate_lambda(src, o);
  check_conservation(r);
  CHECK(r.counts.completed == 2000);
  CHECK(r.timeseries.at(0).busy_max == 5);
  CHECK(r.timeseries.at(60).busy_max == Approx(65).margin(2));
  CHECK(r.timeseries.at(240).busy_max == Approx(245).margin(2));
}

TEST_CASE("Lambda: provisioned environments start warm, never expire, and are billed",
          "[models][lambda]") {
  auto o = options();
  o.defaults.keep_alive_s = Distribution::constant(1);
  o.defaults.provisioned.push_back({0, -1, 5});
  const auto r = run_poisson(0.01, 100'000, Distribution::constant(100), o, 7);
  check_conservation(r);
  CHECK(r.counts.cold_starts == 0);
  CHECK(r.counts.provisioned_served == r.counts.completed);
  bool has_pc_line = false;
  for (const auto& i : r.bill.items)
    has_pc_line |= i.name.rfind("Lambda provisioned concurrency", 0) == 0;
  CHECK(has_pc_line);
  CHECK(r.usage.lambda[0].pc_capacity_mb_ms > 5ULL * 1024 * 99'000'000);
}

TEST_CASE("Lambda: duration rescaling by CPU share", "[models][lambda]") {
  const Duration w = from_millis(1000);
  // CPU-bound single-threaded code: half the memory below 1 vCPU is twice the time...
  CHECK(scale_duration(w, 1769, 884, 1.0, 0.0, 6) ==
        Duration{static_cast<std::int64_t>(std::llround(1e6 * 1769.0 / 884.0))});
  // ...but above 1 vCPU more memory does not help it,
  CHECK(scale_duration(w, 1769, 3538, 1.0, 0.0, 6) == w);
  // while perfectly parallel code halves its time with two vCPUs.
  CHECK(scale_duration(w, 1769, 3538, 1.0, 1.0, 6) == from_millis(500));
  // I/O-bound code (cpu_bound_fraction 0) is not affected.
  CHECK(scale_duration(w, 128, 3008, 0.0, 0.0, 6) == w);
}

TEST_CASE("Lambda: keep-alive and INIT billing follow the as_of date", "[models][lambda]") {
  auto run = [](const std::string& as_of) {
    auto o = options(as_of);
    o.defaults.init_ms = Distribution::constant(1000);
    o.defaults.keep_alive_s = Distribution::constant(1);
    o.free_tier = false;
    return run_poisson(0.001, 1'000'000, Distribution::constant(100), o, 8);
  };
  // Rare arrivals: every one is cold. Before 2025-08-01 INIT of ZIP managed runtimes is free.
  const auto before = run("2025-07-01"), after = run("2025-08-01");
  CHECK(before.counts.cold_starts == before.counts.arrived);
  CHECK(before.usage.lambda[0].duration_mb_ms == before.counts.arrived * 100ULL * 1024);
  CHECK(after.usage.lambda[0].duration_mb_ms == after.counts.arrived * 1100ULL * 1024);
  // 2019-07 to 2020: environments live exactly 10 minutes after their last request.
  auto o = options("2020-01-01");
  o.defaults.init_ms = Distribution::constant(0);
  const auto r = run_poisson(1.0 / 300, 3'000'000, Distribution::constant(1), o, 9);
  CHECK(r.cold_start_probability() == Approx(std::exp(-600.0 / 300)).epsilon(0.05));
}

TEST_CASE("Lambda: impossible configurations say what is allowed", "[models][lambda]") {
  auto o = options();
  o.defaults.memory_mb = 20'000;
  CHECK_THROWS_WITH(run_poisson(1, 10, Distribution::constant(1), o),
                    Catch::Contains("allowed are 128 to 10240 MB"));
  o = options("2018-07-01");
  o.defaults.memory_mb = 512;
  o.defaults.timeout_s = 600;
  CHECK_THROWS_WITH(run_poisson(1, 10, Distribution::constant(1), o),
                    Catch::Contains("allowed are 1 to 300 s"));
  o = options();
  o.defaults.max_retry_attempts = 3;
  CHECK_THROWS_WITH(run_poisson(1, 10, Distribution::constant(1), o), Catch::Contains("0, 1 or 2"));
  o = options();
  LambdaFunctionConfig f = o.defaults;
  f.reserved_concurrency = 950;
  o.functions["fn"] = f;
  CHECK_THROWS_WITH(run_poisson(1, 10, Distribution::constant(1), o),
                    Catch::Contains("reserve at most 900"));
  o = options("2019-06-01");
  o.defaults.provisioned.push_back({0, -1, 2});
  CHECK_THROWS_AS(run_poisson(1, 10, Distribution::constant(1), o), std::invalid_argument);
  o = options("2020-06-01");
  o.defaults.arch = Arch::kArm64;
  CHECK_THROWS_WITH(run_poisson(1, 10, Distribution::constant(1), o),
                    Catch::Contains("arm64 Lambda functions exist from 2021-09-29"));
}

TEST_CASE("Lambda: the same seed gives the same result", "[models][lambda]") {
  auto o = options();
  o.defaults.error_probability = 0.1;
  const auto a =
      run_poisson(50, 200, Distribution::exponential(300), o, 11, InvocationType::kAsync);
  const auto b =
      run_poisson(50, 200, Distribution::exponential(300), o, 11, InvocationType::kAsync);
  CHECK(a.to_json() == b.to_json());
}

TEST_CASE("Lambda: the request rate is capped at 10 x the concurrency limit from 2019-11",
          "[models][lambda]") {
  auto run = [](const std::string& as_of) {
    auto o = options(as_of);
    o.account_concurrency = 200;  // cap: 2,000 requests/s
    o.defaults.init_ms = Distribution::constant(0);
    return run_poisson(5000, 20, Distribution::constant(1), o, 12);  // 5,000/s of 1 ms work
  };
  const auto now = run("2024-01-01");
  check_conservation(now);
  // Accepted rate is the cap (plus the initial one-second burst).
  const double accepted = static_cast<double>(now.counts.completed) / 20.0;
  CHECK(accepted == Approx(2000 + 2000 / 20.0).epsilon(0.03));
  const auto before = run("2019-06-01");
  CHECK(before.counts.throttles == 0);  // concurrency (~5 busy) never binds; no rate cap then
}

// "set the source queue's visibility timeout to at least six times the timeout that you
// configure on your function" (https://docs.aws.amazon.com/lambda/latest/dg/
// services-sqs-configure.html). Review finding: 60 s queue jobs at 1/s billed 7,200 requests for
// 3,600 messages, each redelivered after the old default 30 s visibility timeout.
TEST_CASE("Lambda: the SQS visibility timeout defaults to 6 times the function timeout",
          "[models][lambda]") {
  WorkloadColumns c;
  c.function_names = {"fn"};
  for (int i = 0; i < 600; ++i) {
    c.arrival_s.push_back(i);
    c.duration_ms.push_back(60'000);
    c.function.push_back(0);
    c.type.push_back(InvocationType::kQueue);
  }
  FunctionTable table;
  auto rows = ArraySource::prepare(c, table);
  ArraySource src(rows, table);
  auto o = options();
  const auto r = simulate_lambda(src, o);
  check_conservation(r);
  CHECK(r.counts.attempts == 600);  // one run per message
  bool said = false;
  for (const auto& n : r.notes)
    said = said ||
           n.find("SQS visibility timeout 5400 s, 6 times its 900 s timeout") != std::string::npos;
  CHECK(said);

  // A set value below the function timeout: a warning (messages run again).
  ArraySource again(rows, table);
  o.defaults.visibility_timeout_s = 30;
  const auto w = simulate_lambda(again, o);
  CHECK(w.counts.attempts > 600);
  bool warned = false;
  for (const auto& n : w.notes)
    warned = warned || n.find("warning: function fn: visibility_timeout_s 30 s is shorter") !=
                           std::string::npos;
  CHECK(warned);
}
