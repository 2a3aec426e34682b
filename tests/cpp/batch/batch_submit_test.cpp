// Issue 19, items 3 and 4: AWS Batch has no request/response path (a synchronous invocation
// cannot run there), and SubmitJob calls over the account's quota wait (the SDKs retry them with
// backoff) instead of being dropped.

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "slsim/batch/batch.hpp"
#include "slsim/compare/compare.hpp"
#include "slsim/platform/config_error.hpp"
#include "support/columns_source.hpp"

using namespace slsim;

namespace {

// Rows of (arrival_s, duration_s, function, type).
struct Rows {
  WorkloadColumns c;
  explicit Rows(std::vector<std::string> names = {"fn"}) { c.function_names = std::move(names); }
  void add(double a, double d, std::uint32_t f = 0, InvocationType t = InvocationType::kAsync) {
    c.arrival_s.push_back(a);
    c.duration_ms.push_back(d * 1000);
    c.function.push_back(f);
    c.type.push_back(t);
  }
  std::unique_ptr<WorkloadSource> open() const { return std::make_unique<test::ColumnsSource>(c); }
};

BatchOptions options() {
  BatchOptions o;
  o.as_of = Date::parse("2026-11-01");
  o.compute_environments[0].instance_types = {"c5.xlarge"};
  o.compute_environments[0].max_vcpus = 100'000;
  o.job.vcpu = 2;
  o.job.memory_gb = 3;
  return o;
}

double extra(const PlatformResult& r, const std::string& name) {
  for (const auto& [k, v] : r.extra)
    if (k == name) return v;
  FAIL("no extra figure " << name);
  return 0;
}

bool noted(const PlatformResult& r, const std::string& text) {
  for (const auto& n : r.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

std::string note_with(const PlatformResult& r, const std::string& text) {
  for (const auto& n : r.notes)
    if (n.find(text) != std::string::npos) return n;
  return "(no note with " + text + ")";
}

// The built-in rate card with one rules.csv row replaced.
RateCard card_with(const std::string& from, const std::string& to) {
  const std::string dir = std::string(SLSIM_EXAMPLES) + "/../models/pricing";
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  std::string rules = slurp(dir + "/rules.csv");
  const auto at = rules.find(from);
  REQUIRE(at != std::string::npos);
  rules.replace(at, from.size(), to);
  return RateCard::parse(slurp(dir + "/rates.csv"), rules, slurp(dir + "/ec2_instances.csv"),
                         slurp(dir + "/fargate_sizes.csv"), "user");
}

std::string cannot_run(const Rows& r) {
  auto src = r.open();
  try {
    (void)simulate_batch(*src, options());
  } catch (const BatchCannotRunError& e) {
    return e.what();
  }
  return "(ran)";
}

}  // namespace

TEST_CASE("BatchModel: synchronous invocations cannot run on AWS Batch", "[batch]") {
  Rows api;
  for (int i = 0; i < 100; ++i)
    api.add(i * 0.05, 0.2, 0, InvocationType::kSync);
  const std::string e = cannot_run(api);
  CHECK_THAT(e, Catch::StartsWith("batch: cannot run — synchronous invocations need a "
                                  "request/response path"));
  CHECK_THAT(e, Catch::Contains("'fn'"));
  CHECK_THAT(e, Catch::Contains("100 synchronous invocations"));

  // A mixed workload: the sync function is named, the others could run on Batch alone.
  Rows mixed({"api", "worker", "nightly"});
  mixed.add(0, 600, 1, InvocationType::kQueue);
  mixed.add(1, 0.2, 0, InvocationType::kSync);
  mixed.add(2, 600, 2, InvocationType::kAsync);
  mixed.add(3, 0.2, 0, InvocationType::kSync);
  const std::string m = cannot_run(mixed);
  CHECK_THAT(m, Catch::Contains("'api'"));
  CHECK_THAT(m, Catch::Contains("2 synchronous invocations"));
  CHECK_THAT(m, Catch::Contains("'worker', 'nightly'"));  // could run on Batch on their own

  // Queue and async work runs.
  Rows work;
  work.add(0, 600, 0, InvocationType::kQueue);
  work.add(1, 600, 0, InvocationType::kAsync);
  auto src = work.open();
  const auto r = simulate_batch(*src, options());
  CHECK(r.outcomes.completed == 2);
}

TEST_CASE("compare: Batch cannot run a synchronous workload and says why", "[batch]") {
  Rows mixed({"api", "worker"});
  for (int i = 0; i < 50; ++i) {
    mixed.add(i, 0.2, 0, InvocationType::kSync);
    mixed.add(i + 0.5, 30, 1, InvocationType::kQueue);
  }
  CompareOptions o;
  o.as_of = Date::parse("2026-11-01");
  const auto c =
      compare([&](std::uint64_t, double) { return mixed.open(); }, {batch_runner(options())}, o);
  REQUIRE(c.platforms[0].impossible);
  CHECK_THAT(*c.platforms[0].impossible,
             Catch::StartsWith("synchronous invocations need a request/response path"));
  CHECK_THAT(*c.platforms[0].impossible, Catch::Contains("'api'"));
  CHECK_FALSE(c.recommendation.platform);
}

// AWS Batch allows 50 SubmitJob calls per second per account
// (https://docs.aws.amazon.com/batch/latest/userguide/service_limits.html); the AWS SDKs retry a
// throttled call with backoff
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), so the calls wait
// and drain at the quota: nothing is lost.
TEST_CASE("BatchModel: SubmitJob calls over the quota wait and drain at 50 per second", "[batch]") {
  Rows nightly;
  for (int i = 0; i < 10'000; ++i)
    nightly.add(0.0, 5);  // 10,000 nightly jobs at once
  BatchOptions o = options();
  auto src = nightly.open();
  auto r = simulate_batch(*src, o);
  CHECK(r.outcomes.refused == 0);
  CHECK(r.outcomes.completed == 10'000);
  CHECK(r.outcomes.total() == r.arrived);
  // 50 at once (the bucket's burst), then one every 20 ms: the last at 9,950 / 50 = 199 s.
  CHECK(extra(r, "submit_waited") == 9'950);
  CHECK(extra(r, "submit_wait_max_s") == Approx(199.0));
  CHECK(extra(r, "submit_backlog_drain_s") == Approx(199.0));
  CHECK(extra(r, "submit_backlog_max") == 9'950);
  CHECK(r.queue_wait_ms.max() >= 199'000);  // the wait is part of the job's latency
  bool noted = false;
  for (const auto& n : r.notes) {
    if (n.find("SubmitJob") == std::string::npos) continue;
    noted = true;
    CHECK_THAT(n, Catch::Contains("199 s"));
    CHECK_THAT(n, Catch::Contains("one call"));
  }
  CHECK(noted);

  // Array jobs: one call for 10,000 children, no wait.
  o.job.array_size = 10'000;
  src = nightly.open();
  r = simulate_batch(*src, o);
  CHECK(r.outcomes.completed == 10'000);
  CHECK(extra(r, "submit_waited") == 0);
  CHECK(extra(r, "submit_backlog_drain_s") == 0);

  // 40 calls a second: under the quota, nobody waits.
  Rows steady;
  for (int i = 0; i < 4000; ++i)
    steady.add(i / 40.0, 1);
  o.job.array_size = 0;
  src = steady.open();
  r = simulate_batch(*src, o);
  CHECK(extra(r, "submit_waited") == 0);
  CHECK(r.outcomes.completed == 4000);
}

TEST_CASE("BatchModel: a long SubmitJob backlog is drained without holding it in memory",
          "[batch]") {
  // 200 calls a second for 100 s: 20,000 calls, 15,000 more than the quota passes in that time;
  // they drain over about 400 s, and every job completes.
  Rows busy;
  for (int i = 0; i < 20'000; ++i)
    busy.add(i / 200.0, 1);
  BatchOptions o = options();
  o.scheduler_interval_s = 0;
  auto src = busy.open();
  const auto r = simulate_batch(*src, o);
  CHECK(r.outcomes.completed == 20'000);
  CHECK(extra(r, "submit_backlog_drain_s") == Approx(20'000 / 50.0 - 1).margin(1.0));
  // The jobs waiting to be submitted are not RUNNABLE: the run never holds them all.
  CHECK(extra(r, "runnable_max") < 1000);
}

TEST_CASE("BatchModel: an array window read after a SubmitJob backlog keeps its children",
          "[batch]") {
  // 'a' submits 200 single jobs at once (150 wait, 3 s); 'b' is an array job of the
  // invocations within 1 s of its first, arriving during that backlog: one array, not ten.
  Rows r({"a", "b"});
  for (int i = 0; i < 200; ++i)
    r.add(0.0, 5, 0);
  for (int i = 1; i <= 10; ++i)
    r.add(i * 0.09, 5, 1);
  r.add(2.5, 5, 1);  // past the window: a second array
  BatchOptions o = options();
  BatchJobDefinition b = o.job;
  b.array_window_s = 1;
  o.functions["b"] = b;
  auto src = r.open();
  const auto res = simulate_batch(*src, o);
  CHECK(res.outcomes.completed == 211);
  CHECK(extra(res, "array_jobs") == 2);
  // 150 single calls and the first array's call (made at 3 s, behind the last single call); the
  // second array's call, at 3.5 s, finds the quota free.
  CHECK(extra(res, "submit_waited") == 151);
}

TEST_CASE("BatchModel: array windows keep their children through a long SubmitJob backlog",
          "[batch]") {
  // Review finding: 'a' makes 100 single SubmitJob calls a second (twice the quota) for 60 s; 'b'
  // arrives 10 times a second for 60 s as array jobs of 5 s windows. Every 'b' is read late,
  // behind a's backlog, but joins the array its arrival time belongs to: 12 arrays (2 to 10,000
  // children each), 6,012 calls, not one "array" per child.
  Rows r({"a", "b"});
  for (int i = 0; i < 6000; ++i) {
    r.add(i * 0.01, 1, 0, InvocationType::kQueue);
    if (i % 10 == 0) r.add(i * 0.01 + 0.005, 1, 1, InvocationType::kQueue);
  }
  BatchOptions o = options();
  BatchJobDefinition b = o.job;
  b.array_window_s = 5;
  o.functions["b"] = b;
  auto src = r.open();
  const auto res = simulate_batch(*src, o);
  CHECK(res.outcomes.completed == 6600);
  CHECK(extra(res, "array_jobs") == 12);
  CHECK(extra(res, "submit_calls") == 6012);
}

TEST_CASE("BatchModel: sustained SubmitJob calls above the quota are said plainly", "[batch]") {
  // 100 calls a second for 60 s against 50 a second: the backlog grows by about 50 a second.
  Rows r;
  for (int i = 0; i < 6000; ++i)
    r.add(i * 0.01, 1, 0, InvocationType::kQueue);
  auto src = r.open();
  const auto res = simulate_batch(*src, options());
  const std::string n = note_with(res, "calls arrive at");
  CHECK_THAT(n, Catch::Contains("/s against a 50/s quota"));
  CHECK_THAT(n, Catch::Contains("the backlog grows by"));
  CHECK_THAT(n, Catch::Contains("Batch cannot keep up without array jobs (array_size, "
                                "array_window_s)"));
  // A burst at one instant is not a sustained rate: no such note.
  Rows nightly;
  for (int i = 0; i < 1000; ++i)
    nightly.add(0.0, 5);
  src = nightly.open();
  CHECK_FALSE(noted(simulate_batch(*src, options()), "calls arrive at"));
}

// slsim assumes a submitter that retries a throttled call until it is accepted, up to
// max_submit_wait_s (default 24 h, EventBridge's default retry window:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html); a default
// SDK client (standard retry mode) makes 3 attempts
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
TEST_CASE("BatchModel: a SubmitJob call waiting longer than max_submit_wait_s expires", "[batch]") {
  CHECK(BatchOptions{}.max_submit_wait_s == 86'400);
  Rows nightly;
  for (int i = 0; i < 10'000; ++i)
    nightly.add(0.0, 5);
  BatchOptions o = options();
  o.max_submit_wait_s = 60;
  auto src = nightly.open();
  const auto r = simulate_batch(*src, o);
  // 50 at once, then one every 20 ms for 60 s: 3,050 get in, the rest give up.
  CHECK(r.outcomes.completed == Approx(3050).margin(1));
  CHECK(r.outcomes.expired == 10'000 - r.outcomes.completed);
  CHECK(r.outcomes.total() == r.arrived);
  CHECK(extra(r, "submit_expired") == r.outcomes.expired);
  // Every call that waited more than 3 s (the 201st on) is past a default SDK client's retries.
  CHECK(extra(r, "submit_beyond_sdk_retries") == Approx(9800).margin(1));
  CHECK_THAT(note_with(r, "expired"), Catch::Contains("max_submit_wait_s"));
  CHECK_THAT(note_with(r, "SubmitJob backlog"), Catch::Contains("default AWS SDK client"));
  CHECK_THAT(note_with(r, "SubmitJob backlog"), Catch::Contains("slsim assumes a submitter"));

  o.max_submit_wait_s = -1;
  src = nightly.open();
  try {
    (void)simulate_batch(*src, o);
    FAIL("accepted");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "max_submit_wait_s");
  }
}

// AWS Batch: "Maximum number of jobs in SUBMITTED state | 1000000", a quota that can't be
// changed (https://docs.aws.amazon.com/batch/latest/userguide/service_limits.html): beyond it
// SubmitJob is refused, which also bounds the jobs the model holds.
TEST_CASE("BatchModel: SubmitJob is refused beyond the jobs-waiting quota", "[batch]") {
  const RateCard rc = card_with("batch.submitted_jobs_max,1000000", "batch.submitted_jobs_max,100");
  Rows r;
  for (int i = 0; i < 300; ++i)
    r.add(i * 0.05, 600);  // 20 a second for 15 s, 10 minutes each
  BatchOptions o = options();
  o.compute_environments[0].max_vcpus = 4;  // 2 jobs at a time
  auto src = r.open();
  const auto res = simulate_batch(*src, o, rc);
  CHECK(res.outcomes.refused > 0);
  CHECK(res.outcomes.total() == res.arrived);
  CHECK(extra(res, "runnable_max") <= 100);
  CHECK_THAT(note_with(res, "refused"), Catch::Contains("SUBMITTED state"));
  CHECK(RateCard::builtin().rule("batch.submitted_jobs_max", o.as_of) == 1'000'000);
}

TEST_CASE("BatchModel: refusing synchronous work reads a bounded part of the workload", "[batch]") {
  // 300,000 synchronous invocations: slsim stops reading after 100,000 and names examples.
  Rows api({"api", "other"});
  for (int i = 0; i < 300'000; ++i)
    api.add(i * 0.001, 0.2, i % 1000 == 999 ? 1 : 0, InvocationType::kSync);
  auto src = api.open();
  try {
    (void)simulate_batch(*src, options());
    FAIL("ran");
  } catch (const BatchCannotRunError& e) {
    const std::string m = e.what();
    CHECK_THAT(m, Catch::Contains("e.g. functions 'api', 'other'"));
    CHECK_THAT(m, Catch::Contains("in the first 100,000 read"));
    CHECK_THAT(m, Catch::Contains("--invocation async"));
    CHECK_THAT(m, Catch::Contains("Workload.from_arrays("));
  }
  Invocation next;
  CHECK(src->next(next));  // the rest of the workload was left unread
}
