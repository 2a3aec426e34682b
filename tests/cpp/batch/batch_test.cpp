#include "slsim/batch/batch.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "slsim/core/rng.hpp"
#include "slsim/platform/config_error.hpp"
#include "support/columns_source.hpp"

using namespace slsim;

namespace {

// A workload from (arrival_s, duration_s, function) rows; memory unknown unless given.
struct Rows {
  std::vector<double> arrival_s, duration_s;
  std::vector<std::uint32_t> function;
  std::vector<std::uint32_t> memory_mb;
  std::vector<std::string> names{"fn"};
  void add(double a, double d, std::uint32_t f = 0) {
    arrival_s.push_back(a);
    duration_s.push_back(d);
    function.push_back(f);
  }
};

test::ColumnsSource source(const Rows& r, bool lambda_memory) {
  WorkloadColumns c;
  c.arrival_s = r.arrival_s;
  for (double d : r.duration_s)
    c.duration_ms.push_back(d * 1000);
  c.function = r.function;
  c.function_names = r.names;
  c.memory_mb = r.memory_mb;
  // Batch runs queue and async work (a synchronous invocation cannot run there).
  c.type.assign(r.arrival_s.size(), InvocationType::kAsync);
  return test::ColumnsSource(c, std::nullopt, lambda_memory);
}

BatchOptions ec2_options() {
  BatchOptions o;
  o.as_of = Date::parse("2026-11-01");
  o.compute_environments[0].instance_types = {"c5.xlarge"};
  o.job.vcpu = 2;
  o.job.memory_gb = 3;
  return o;
}

/// Durations as measured on the job's vCPUs unless `lambda_memory` (then at the stated memory,
/// else 128 MB: duration_model.hpp): the hand-computed cases keep their durations.
BatchResult run(const Rows& r, const BatchOptions& o, bool lambda_memory = false) {
  auto s = source(r, lambda_memory);
  return simulate_batch(s, o);
}

double extra(const PlatformResult& r, const std::string& name) {
  for (const auto& [k, v] : r.extra)
    if (k == name) return v;
  FAIL("no extra figure " << name);
  return 0;
}

std::int64_t ec2_cents(const RateCard& rc, const std::vector<std::pair<std::string, double>>& alive,
                       Date as_of, bool spot = false) {
  Usage u;
  for (const auto& [type, seconds] : alive) {
    Ec2PriceInput in;
    in.instance_type = type;
    in.hours = seconds / 3600.0;
    in.spot = spot;
    const Ec2Usage one = ec2_usage(rc, in, as_of, "us-east-1");
    bool merged = false;
    for (auto& x : u.ec2) {
      if (x.instance_type == one.instance_type && x.spot == one.spot) {
        x.instances += one.instances;
        x.instance_s += one.instance_s;
        merged = true;
      }
    }
    if (!merged) u.ec2.push_back(one);
  }
  PricingOptions po;
  po.as_of = as_of;
  return rc.price(u, po).total_cents();
}

void check_conservation(const BatchResult& r, std::uint64_t n) {
  REQUIRE(r.arrived == n);
  REQUIRE(r.outcomes.total() == n);
  CHECK(r.outcomes.expired == 0);
  // Each job that was accepted and placed had one first attempt.
  CHECK(r.attempts == r.retries + (n - r.outcomes.unfinished - r.outcomes.refused));
}

}  // namespace

TEST_CASE("BatchModel: equal jobs run in waves worked out by hand", "[batch]") {
  // 10 jobs of 600 s, 2 vCPU / 3 GB, on c5.xlarge (4 vCPU, 8 GiB: two jobs each), max 8 vCPUs:
  // two instances, four jobs at a time, so three waves (4, 4, 2).
  Rows r;
  for (int i = 0; i < 10; ++i)
    r.add(0, 600);
  BatchOptions o = ec2_options();
  o.compute_environments[0].max_vcpus = 8;
  o.record_jobs = true;
  const auto res = run(r, o);
  check_conservation(res, 10);
  CHECK(res.outcomes.completed == 10);
  CHECK(res.hosts_max == 2);
  CHECK(res.instances_max == 4);
  // By hand (defaults: scheduler every 10 s, STARTING 5 s, launch 90 s, container start 2 s):
  // wave 1 placed at the tick at 0 s on launching instances, ready at 90 s: runs 92..692.
  // wave 2: tick at 700 s (the first multiple of 10 after 692), runs 707..1307.
  // wave 3: tick at 1310 s, runs 1317..1917.
  std::vector<double> ends;
  for (const auto& j : res.jobs)
    ends.push_back(j.end_s);
  std::sort(ends.begin(), ends.end());
  CHECK(std::count(ends.begin(), ends.end(), 692.0) == 4);
  CHECK(std::count(ends.begin(), ends.end(), 1307.0) == 4);
  CHECK(std::count(ends.begin(), ends.end(), 1917.0) == 2);
  CHECK(extra(res, "makespan_s") == Approx(1917.0));
  // Queue wait = submit to run start: 92 s for wave 1, 707 s for wave 2, 1317 s for wave 3.
  CHECK(res.queue_wait_ms.max() == Approx(1317'000).epsilon(0.01));
  CHECK(res.latency_stats.max() == Approx(1917'000));
  // Billing: wave 3 packs onto the first instance, so the second is idle from 1307 s and
  // terminated after the 300 s scale-down delay (1607 s); the first at 1917 + 300 = 2217 s.
  const auto& rc = RateCard::builtin();
  REQUIRE(res.usage.ec2.size() == 1);
  CHECK(res.usage.ec2[0].instances == 2);
  CHECK(res.usage.ec2[0].instance_s == 2217 + 1607);
  CHECK(res.bill.total_cents() ==
        ec2_cents(rc, {{"c5.xlarge", 2217}, {"c5.xlarge", 1607}}, o.as_of));
  CHECK(res.span_s == Approx(2217));
}

TEST_CASE("BatchModel: maxvCpus is exceeded by at most one instance", "[batch]") {
  Rows r;
  for (int i = 0; i < 20; ++i)
    r.add(0, 100);
  BatchOptions o = ec2_options();
  o.job.vcpu = 4;
  o.job.memory_gb = 4;
  for (double cap : {4.0, 6.0, 8.0, 9.0}) {
    o.compute_environments[0].max_vcpus = cap;
    const auto res = run(r, o);
    // c5.xlarge has 4 vCPUs: launches continue while the environment has fewer than max.
    CHECK(res.hosts_max == std::ceil(cap / 4.0));
    check_conservation(res, 20);
  }
}

TEST_CASE("BatchModel: a 40-minute job runs to completion", "[batch]") {
  // The Lambda side of this case (every such invocation timed out, with a note about the 900 s
  // limit) belongs to the comparison across platforms.
  Rows r;
  r.add(0, 40 * 60);
  BatchOptions o = ec2_options();
  o.record_jobs = true;
  const auto res = run(r, o);
  check_conservation(res, 1);
  CHECK(res.outcomes.completed == 1);
  REQUIRE(res.jobs.size() == 1);
  CHECK(res.jobs[0].end_s - res.jobs[0].start_s == Approx(2400));
  // With a 30-minute attempt timeout it is stopped at 1,800 s and not retried (AWS: "If a job
  // is terminated for exceeding the timeout duration, it isn't retried").
  o.job.timeout_s = 1800;
  o.job.attempts = 3;
  const auto t = run(r, o);
  CHECK(t.outcomes.timed_out == 1);
  CHECK(t.attempts == 1);
  REQUIRE(t.jobs.size() == 1);
  CHECK(t.jobs[0].end_s - t.jobs[0].start_s == Approx(1800));
}

TEST_CASE("BatchModel: the higher-priority queue's jobs start first", "[batch]") {
  // One c5.xlarge running from the start (min = max = 4 vCPUs), jobs of 4 vCPUs: one at a time.
  // Three low-priority jobs arrive at 0 s, three high-priority jobs at 1 s. The first low job
  // starts at once; every high job starts before the remaining low ones.
  Rows r;
  r.names = {"lo", "hi"};
  for (int i = 0; i < 3; ++i)
    r.add(0, 100, 0);
  for (int i = 0; i < 3; ++i)
    r.add(1, 100, 1);
  BatchOptions o = ec2_options();
  auto& ce = o.compute_environments[0];
  ce.desired_vcpus = ce.min_vcpus = ce.max_vcpus = 4;
  o.job.vcpu = 4;
  o.job.memory_gb = 4;
  o.queues = {BatchJobQueue{"low", 1, {"default"}}, BatchJobQueue{"high", 10, {"default"}}};
  BatchJobDefinition lo = o.job, hi = o.job;
  lo.queue = "low";
  hi.queue = "high";
  o.functions = {{"lo", lo}, {"hi", hi}};
  o.record_jobs = true;
  const auto res = run(r, o);
  check_conservation(res, 6);
  REQUIRE(res.jobs.size() == 6);
  std::vector<double> lo_starts, hi_starts;
  for (const auto& j : res.jobs)
    (j.function == 0 ? lo_starts : hi_starts).push_back(j.start_s);
  std::sort(lo_starts.begin(), lo_starts.end());
  std::sort(hi_starts.begin(), hi_starts.end());
  CHECK(lo_starts[0] == Approx(7));  // placed at the 0 s tick on the running instance
  CHECK(hi_starts.back() < lo_starts[1]);
  // Swapping the priorities runs the low queue's jobs first.
  o.queues = {BatchJobQueue{"low", 10, {"default"}}, BatchJobQueue{"high", 1, {"default"}}};
  const auto swapped = run(r, o);
  lo_starts.clear();
  hi_starts.clear();
  for (const auto& j : swapped.jobs)
    (j.function == 0 ? lo_starts : hi_starts).push_back(j.start_s);
  CHECK(*std::max_element(lo_starts.begin(), lo_starts.end()) <
        *std::min_element(hi_starts.begin(), hi_starts.end()));
}

TEST_CASE("BatchModel: an instance alive 50 s is billed 60 s", "[batch]") {
  // Launch 10 s, no STARTING or container start, a 20 s job (10..30 s), scale-down 20 s later:
  // the instance lives 0..50 s and EC2 bills its 60-second minimum.
  Rows r;
  r.add(0, 20);
  BatchOptions o = ec2_options();
  o.instance_launch_s = 10;
  o.starting_s = 0;
  o.container_start_s = 0;
  o.scale_down_delay_s = 20;
  const auto res = run(r, o);
  REQUIRE(res.usage.ec2.size() == 1);
  CHECK(res.usage.ec2[0].instance_s == 60);
  CHECK(res.span_s == Approx(50));
  const auto& rc = RateCard::builtin();
  Ec2PriceInput in;
  in.instance_type = "c5.xlarge";
  in.hours = 50.0 / 3600.0;
  const Ec2Usage u = ec2_usage(rc, in, o.as_of, "us-east-1");
  CHECK(u.instance_s == res.usage.ec2[0].instance_s);
  CHECK(res.bill.total_cents() == ec2_cents(rc, {{"c5.xlarge", 50}}, o.as_of));
  // Batch itself: a zero line item.
  bool batch_line = false;
  for (const auto& li : res.bill.items)
    batch_line = batch_line || (li.platform == "batch" && li.cents == 0);
  CHECK(batch_line);
}

TEST_CASE("BatchModel: Fargate jobs are billed as fargate_usage bills their tasks", "[batch]") {
  // Tasks are billed from the image pull (container start, 2 s) to the end: 102 s for a 100 s
  // job; a 30 s job is billed the 60 s minimum.
  Rows r;
  for (int i = 0; i < 3; ++i)
    r.add(i, 100);
  r.add(5, 30);
  BatchOptions o;
  o.as_of = Date::parse("2026-11-01");
  o.compute_environments[0].compute = BatchCompute::kFargate;
  o.job.vcpu = 1;
  o.job.memory_gb = 2;
  const auto res = run(r, o);
  check_conservation(res, 4);
  CHECK(res.outcomes.completed == 4);
  CHECK(res.hosts_max == 0);
  const auto& rc = RateCard::builtin();
  FargatePriceInput a;
  a.vcpu = 1;
  a.memory_gb = 2;
  a.tasks = 3;
  a.task_seconds = 102;
  FargatePriceInput b = a;
  b.tasks = 1;
  b.task_seconds = 32;
  const FargateUsage ua = fargate_usage(rc, a, o.as_of), ub = fargate_usage(rc, b, o.as_of);
  REQUIRE(res.usage.fargate.size() == 1);
  CHECK(res.usage.fargate[0].tasks == 4);
  CHECK(res.usage.fargate[0].vcpu_milli_s == ua.vcpu_milli_s + ub.vcpu_milli_s);
  CHECK(res.usage.fargate[0].memory_mb_s == ua.memory_mb_s + ub.memory_mb_s);
  Usage u;
  FargateUsage sum = ua;
  sum.tasks += ub.tasks;
  sum.vcpu_milli_s += ub.vcpu_milli_s;
  sum.memory_mb_s += ub.memory_mb_s;
  u.fargate.push_back(sum);
  PricingOptions po;
  po.as_of = o.as_of;
  CHECK(res.bill.total_cents() == rc.price(u, po).total_cents());
  // Submit to start: tick at 0, STARTING 5 s, Fargate provisioning 30 s, container start 2 s.
  CHECK(res.queue_wait_ms.min() == Approx(37'000).epsilon(0.01));
}

TEST_CASE("BatchModel: Spot interruptions are retried, counted and billed", "[batch]") {
  Rows r;
  for (int i = 0; i < 40; ++i)
    r.add(i * 30.0, 1800);
  BatchOptions o = ec2_options();
  o.compute_environments[0].compute = BatchCompute::kSpot;
  o.compute_environments[0].max_vcpus = 16;
  o.spot_interruptions_per_hour = 1.5;
  o.job.attempts = 10;
  o.seed = 7;
  const auto res = run(r, o);
  check_conservation(res, 40);
  const double interruptions = extra(res, "interruptions");
  CHECK(interruptions > 0);
  CHECK(extra(res, "instances_interrupted") > 0);
  // Every interrupted attempt was retried or, at its tenth attempt, failed.
  CHECK(res.retries + res.outcomes.failed == static_cast<std::uint64_t>(interruptions));
  CHECK(res.attempts == 40 + res.retries);
  // Billed instance-seconds cover every instance's whole life, interrupted ones included.
  const double lived_s = res.hosts_mean * res.span_s;
  const double billed_s = extra(res, "instance_hours") * 3600;
  CHECK(billed_s >= lived_s - 1e-6);
  CHECK(billed_s <= lived_s + 60 * extra(res, "instance_launches"));
  REQUIRE(res.usage.ec2.size() == 1);
  CHECK(res.usage.ec2[0].spot);

  // Fargate Spot: each attempt is a task, interrupted ones billed too.
  BatchOptions f;
  f.as_of = o.as_of;
  f.compute_environments[0].compute = BatchCompute::kFargateSpot;
  f.spot_interruptions_per_hour = 1.5;
  f.job.vcpu = 1;
  f.job.memory_gb = 2;
  f.job.attempts = 10;
  const auto fr = run(r, f);
  check_conservation(fr, 40);
  CHECK(extra(fr, "interruptions") > 0);
  REQUIRE(fr.usage.fargate.size() == 1);
  CHECK(fr.usage.fargate[0].tasks == fr.attempts);
  CHECK(fr.usage.fargate[0].spot);
}

TEST_CASE("BatchModel: jobs that can never be placed are reported unfinished", "[batch]") {
  // min = max = 2 vCPUs keeps one c5.large; a 4-vCPU job fits a c5.xlarge, but launching one
  // would pass max_vcpus from an environment already at it: it stays RUNNABLE.
  Rows r;
  r.add(0, 10);
  r.add(0, 10);
  BatchOptions o = ec2_options();
  auto& ce = o.compute_environments[0];
  ce.instance_types = {"c5.large", "c5.xlarge"};
  ce.desired_vcpus = ce.min_vcpus = ce.max_vcpus = 2;
  o.job.vcpu = 4;
  o.job.memory_gb = 2;
  const auto res = run(r, o);
  check_conservation(res, 2);
  CHECK(res.outcomes.unfinished == 2);
  CHECK(res.attempts == 0);
  bool noted = false;
  for (const auto& n : res.notes)
    noted = noted || n.find("RUNNABLE") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("BatchModel: a job no instance type can hold stops the run with a clear error",
          "[batch]") {
  Rows r;
  r.names = {"transcode"};
  r.add(0, 10);
  BatchOptions o = ec2_options();
  o.job.vcpu = 8;
  o.job.memory_gb = 4;
  try {
    run(r, o);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "job_vcpu");
    const std::string m = e.message();
    CHECK(m.find("transcode") != std::string::npos);
    CHECK(m.find("8 vCPU") != std::string::npos);
    CHECK(m.find("c5.xlarge") != std::string::npos);
  }
  // Too much memory: the error names job_memory_gb.
  o.job.vcpu = 2;
  o.job.memory_gb = 16;
  try {
    run(r, o);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "job_memory_gb");
    CHECK(e.message().find("16 GB") != std::string::npos);
  }
}

TEST_CASE("BatchOptions: validation names the public key and what is allowed", "[batch]") {
  auto key_of = [](const BatchOptions& o) {
    try {
      validate_batch_options(o);
    } catch (const ConfigError& e) {
      return e.key();
    }
    return std::string("(none)");
  };
  BatchOptions o = ec2_options();
  CHECK(key_of(o) == "(none)");
  auto b = o;
  b.job.attempts = 11;
  CHECK(key_of(b) == "attempts");
  b = o;
  b.job.attempts = 0;
  CHECK(key_of(b) == "attempts");
  b = o;
  b.job.timeout_s = 59;
  CHECK(key_of(b) == "timeout_s");
  b.job.timeout_s = 60;
  CHECK(key_of(b) == "(none)");
  b = o;
  b.job.array_size = 1;
  CHECK(key_of(b) == "array_size");
  b.job.array_size = 10'001;
  CHECK(key_of(b) == "array_size");
  b = o;
  b.job.error_probability = 1.5;
  CHECK(key_of(b) == "error_probability");
  b = o;
  b.job.vcpu = 1.5;
  CHECK(key_of(b) == "job_vcpu");
  b = o;
  b.compute_environments[0].instance_types = {"x9.huge"};
  CHECK(key_of(b) == "instance_types");
  b = o;
  b.compute_environments[0].max_vcpus = 0;
  CHECK(key_of(b) == "max_vcpus");
  b = o;
  b.compute_environments[0].min_vcpus = 8;  // desired_vcpus not given: min_vcpus (AWS)
  CHECK(key_of(b) == "(none)");
  b.compute_environments[0].desired_vcpus = 4;
  CHECK(key_of(b) == "desired_vcpus");
  b = o;
  b.as_of = Date::parse("2016-06-01");
  CHECK(key_of(b) == "as_of");
  b = o;
  b.compute_environments[0].compute = BatchCompute::kFargate;
  b.compute_environments[0].instance_types.clear();
  b.as_of = Date::parse("2020-06-01");
  CHECK(key_of(b) == "compute");
  b.as_of = Date::parse("2021-06-01");
  b.job.vcpu = 1;
  b.job.memory_gb = 3;
  CHECK(key_of(b) == "(none)");
  b.job.memory_gb = 9;  // 1 vCPU allows 2-8 GB on Fargate
  CHECK(key_of(b) == "job_vcpu");
  b = o;
  b.job.queue = "nope";
  CHECK(key_of(b) == "queue");
  b = o;
  b.scheduler_interval_s = -1;
  CHECK(key_of(b) == "scheduler_interval_s");
  b = o;
  b.spot_discount_pct = 120;
  CHECK(key_of(b) == "spot_discount_pct");
  CHECK_THROWS_AS(parse_batch_compute("lambda"), ConfigError);
  CHECK(parse_batch_compute("FARGATE-SPOT") == BatchCompute::kFargateSpot);
}

TEST_CASE("BatchModel: durations are rescaled from a Lambda memory to the job's vCPUs", "[batch]") {
  // 100 s measured at 1,769 MB (1 vCPU on Lambda), fully CPU-bound and parallel: 50 s on 2 vCPUs.
  Rows r;
  r.add(0, 100);
  r.memory_mb = {1769};
  BatchOptions o = ec2_options();
  o.job.cpu_bound_fraction = 1;
  o.job.parallel_fraction = 1;
  o.record_jobs = true;
  auto res = run(r, o, true);
  REQUIRE(res.jobs.size() == 1);
  CHECK(res.jobs[0].end_s - res.jobs[0].start_s == Approx(50));
  // A trace whose memory is not a Lambda setting (Azure's footprint) is not rescaled...
  res = run(r, o, false);
  CHECK(res.jobs[0].end_s - res.jobs[0].start_s == Approx(100));
  // ...unless reference_memory_mb says what it was measured at.
  o.job.reference_memory_mb = 1769;
  res = run(r, o, false);
  CHECK(res.jobs[0].end_s - res.jobs[0].start_s == Approx(50));
}

TEST_CASE("BatchModel: default job sizes come from the function's memory", "[batch]") {
  Rows r;
  r.add(0, 10);
  r.memory_mb = {3538};  // 2 Lambda vCPUs
  BatchOptions o;
  o.as_of = Date::parse("2026-11-01");
  o.compute_environments[0].instance_types = {"m5.xlarge"};
  o.job.cpu_bound_fraction = 0;
  auto res = run(r, o);
  CHECK(res.outcomes.completed == 1);
  CHECK(res.utilisation > 0);
  bool noted = false;
  for (const auto& n : res.notes)
    noted = noted || n.find("2 vCPU") != std::string::npos;
  CHECK(noted);
  // Fargate: the smallest valid size holding 2 vCPUs and 3,538 MB is 2 vCPU / 4 GB.
  o.compute_environments[0].compute = BatchCompute::kFargate;
  o.compute_environments[0].instance_types.clear();
  res = run(r, o);
  REQUIRE(res.usage.fargate.size() == 1);
  CHECK(res.usage.fargate[0].vcpu_milli_s == 2000 * 60);
  CHECK(res.usage.fargate[0].memory_mb_s == 4096 * 60);
}

TEST_CASE("BatchModel: array jobs group invocations by size or by time window", "[batch]") {
  Rows r;
  for (int i = 0; i < 7; ++i)
    r.add(i * 10.0, 5);
  BatchOptions o = ec2_options();
  o.job.array_size = 3;
  auto res = run(r, o);
  check_conservation(res, 7);
  CHECK(extra(res, "array_jobs") == 3);  // 3 + 3 + the last one at the end of the trace
  o.job.array_size = 0;
  o.job.array_window_s = 25;  // arrivals 0-20 | 30-50 | 60
  o.record_jobs = true;
  res = run(r, o);
  check_conservation(res, 7);
  CHECK(extra(res, "array_jobs") == 3);
  double first_start = 1e9;
  for (const auto& j : res.jobs)
    first_start = std::min(first_start, j.start_s);
  CHECK(first_start >= 25);  // nothing runs before the first window closes
}

// AWS Batch accepts at most 50 SubmitJob calls per second per account, a fixed quota
// (https://docs.aws.amazon.com/batch/latest/userguide/service_limits.html); a call over it gets
// TooManyRequestsException and the SDK retries it, so it waits (batch_submit_test.cpp). An array
// job is one call, whatever its size.
TEST_CASE("BatchModel: SubmitJob calls over 50 per second wait, none is refused", "[batch]") {
  Rows r;
  for (int i = 0; i < 200; ++i)
    r.add(0.0, 5);  // 200 at once: a burst of 50 calls is allowed, the rest wait
  BatchOptions o = ec2_options();
  o.compute_environments[0].max_vcpus = 1000;
  auto res = run(r, o);
  check_conservation(res, 200);
  CHECK(res.outcomes.refused == 0);
  CHECK(res.outcomes.completed == 200);
  CHECK(extra(res, "submit_waited") == 150);
  CHECK(extra(res, "submit_wait_max_s") == Approx(3.0));  // 150 calls at 50 a second
  bool noted = false;
  for (const auto& n : res.notes)
    noted = noted || n.find("SubmitJob") != std::string::npos;
  CHECK(noted);

  o.job.array_size = 100;  // two calls
  res = run(r, o);
  CHECK(extra(res, "submit_waited") == 0);
  CHECK(res.outcomes.completed == 200);

  Rows steady;  // 40 calls a second for 100 s: under the quota, nothing waits
  for (int i = 0; i < 4000; ++i)
    steady.add(i / 40.0, 1);
  o.job.array_size = 0;
  res = run(steady, o);
  CHECK(extra(res, "submit_waited") == 0);
}

TEST_CASE("BatchModel: nothing is lost over 1,000 randomised scenarios", "[batch]") {
  RngStream rng(2026, 9);
  const char* types[] = {"c5.large", "c5.xlarge", "m5.large", "m5.2xlarge", "r5.large"};
  for (int s = 0; s < 1000; ++s) {
    Rows r;
    r.names = {"a", "b", "c"};
    const int n = 1 + static_cast<int>(rng.below(40));
    double t = 0;
    for (int i = 0; i < n; ++i) {
      t += rng.exponential(20);
      r.add(std::floor(t * 10) / 10, rng.uniform(0.001, 900),
            static_cast<std::uint32_t>(rng.below(3)));
    }
    BatchOptions o;
    o.as_of = Date::parse("2026-11-01");
    o.seed = s;
    const auto kind = rng.below(4);
    auto& ce = o.compute_environments[0];
    ce.compute = static_cast<BatchCompute>(kind);
    const bool fargate = kind >= 2;
    if (!fargate) {
      ce.instance_types = {types[rng.below(5)]};
      if (rng.bernoulli(0.3)) ce.instance_types.push_back(types[rng.below(5)]);
      ce.max_vcpus = 1 + static_cast<double>(rng.below(16));
      ce.min_vcpus =
          rng.bernoulli(0.2)
              ? static_cast<double>(rng.below(static_cast<std::uint64_t>(ce.max_vcpus) + 1))
              : 0;
      ce.desired_vcpus = ce.min_vcpus;
      o.job.vcpu = 1 + static_cast<double>(rng.below(2));
      o.job.memory_gb = 0.5 + static_cast<double>(rng.below(3));
    } else {
      ce.max_vcpus = 0.25 + static_cast<double>(rng.below(8));
      o.job.vcpu = rng.bernoulli(0.5) ? 0.5 : 1;
      o.job.memory_gb = 2;
      ce.max_vcpus = std::max(ce.max_vcpus, o.job.vcpu);  // a larger job is an error
    }
    o.job.attempts = 1 + static_cast<std::uint32_t>(rng.below(10));
    o.job.error_probability = rng.bernoulli(0.5) ? rng.uniform(0, 0.6) : 0;
    o.job.timeout_s = rng.bernoulli(0.3) ? std::floor(60 + rng.uniform(0, 600)) : 0;  // whole s
    if (rng.bernoulli(0.2)) o.job.array_size = 2 + static_cast<std::uint32_t>(rng.below(5));
    if (rng.bernoulli(0.2)) o.job.array_window_s = rng.uniform(0, 100);
    o.scheduler_interval_s = rng.bernoulli(0.2) ? 0 : rng.uniform(1, 30);
    o.scale_down_delay_s = rng.uniform(0, 600);
    o.instance_launch_s = rng.uniform(0, 200);
    o.spot_interruptions_per_hour = rng.uniform(0, 5);
    INFO("scenario " << s);
    const auto res = run(r, o);
    REQUIRE(res.arrived == static_cast<std::uint64_t>(n));
    REQUIRE(res.outcomes.total() == res.arrived);
    CHECK(res.attempts ==
          res.retries + (res.arrived - res.outcomes.unfinished - res.outcomes.refused));
    CHECK(res.utilisation >= 0);
    CHECK(res.utilisation <= 1 + 1e-9);
    CHECK(res.bill.total_cents() >= 0);
  }
}

TEST_CASE("BatchModel: the same seed gives the same result", "[batch]") {
  Rows r;
  for (int i = 0; i < 200; ++i)
    r.add(i * 7.0, 300 + (i % 13) * 40);
  BatchOptions o = ec2_options();
  o.compute_environments[0].compute = BatchCompute::kSpot;
  o.spot_interruptions_per_hour = 0.5;
  o.job.attempts = 3;
  o.job.error_probability = 0.1;
  const auto a = run(r, o), b = run(r, o);
  CHECK(a.to_json() == b.to_json());
  o.seed = 2;
  const auto c = run(r, o);
  CHECK(a.to_json() != c.to_json());
}
