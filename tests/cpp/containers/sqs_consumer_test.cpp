// Queue work on ECS and Fargate (issue 19, item 2): a service whose functions receive queue or
// async invocations is an SQS consumer, not an HTTP service behind a load balancer. Its backlog
// waits in the queue (up to the retention period), a message whose processing fails is received
// again after the visibility timeout and goes to the dead-letter queue after max_receive_count
// receives, its latency is the time it waited plus its processing, and it scales on the backlog
// per task (AWS's "Scaling policy based on Amazon SQS").

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <vector>

#include "slsim/containers/containers.hpp"
#include "slsim/containers/options_io.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/array_source.hpp"
#include "slsim/workload/generators.hpp"
#include "support/columns_source.hpp"

using namespace slsim;

namespace {

const Date kAsOf{2024, 6, 1};

/// `n` messages of one function, "worker", at the given arrival times, each `ms` of work.
std::unique_ptr<test::ColumnsSource> messages(const std::vector<double>& arrival_s, double ms,
                                              InvocationType type = InvocationType::kQueue) {
  return std::make_unique<test::ColumnsSource>(test::one_function(arrival_s, ms, "worker", type),
                                               std::nullopt, false);
}

std::vector<double> at_zero(int n) {
  return std::vector<double>(static_cast<std::size_t>(n), 0.0);
}

FargateOptions one_task() {
  FargateOptions o;
  o.as_of = kAsOf;
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 2;
  o.defaults.tasks = 1;
  o.defaults.concurrency = 1;  // one message at a time (the default is sized)
  return o;
}

bool has_figure(const ContainerResult& r, std::string_view name) {
  for (const auto& [k, v] : r.extra)
    if (k == name) return true;
  return false;
}

BurstyOptions bursty_queue() {
  BurstyOptions b;
  b.rate_per_s = 20;
  b.duration_s = 3600;
  b.duration_ms = Distribution::lognormal_from_median_p99(200, 1500);
  b.type = InvocationType::kQueue;
  b.seed = 7;
  return b;
}

}  // namespace

TEST_CASE("SqsConsumer: a backlog waits in the queue, not at a load balancer", "[containers]") {
  // 100 messages at 0 s, 1 s of work each, one task serving one at a time: by hand message k
  // is received at k s and done at k + 1 s. No load balancer: nothing times out at 60 s.
  auto src = messages(at_zero(100), 1000);
  const auto r = simulate_fargate(*src, one_task());
  CHECK(r.arrived == 100);
  CHECK(r.outcomes.completed == 100);
  CHECK(r.outcomes.timed_out == 0);
  CHECK(r.outcomes.refused == 0);
  // Latency = backlog age + processing: 1, 2, ..., 100 s.
  CHECK(r.latency_completed_stats.mean() == Approx(50'500).epsilon(1e-9));
  CHECK(r.latency_completed_ms.max() == Approx(100'000).epsilon(1e-6));
  CHECK(r.figure("queue_wait_mean_ms") == Approx(49'500).epsilon(1e-9));
  // No load balancer in front of a consumer: no ALB quantities.
  CHECK_FALSE(has_figure(r, "alb_hours"));
  CHECK_FALSE(has_figure(r, "alb_lcu_hours"));
  CHECK(r.figure("sqs_messages") == 100);
  CHECK(r.figure("sqs_receives") == 100);
}

TEST_CASE("SqsConsumer: a bursty consumer on Fargate and ECS accounts for every message",
          "[containers]") {
  // The mean processing time of the trace (generator durations are taken as measured on one
  // task alone, so a message served alone takes exactly its trace duration).
  double work_ms = 0;
  std::uint64_t n = 0;
  {
    BurstySource s(bursty_queue());
    Invocation inv;
    while (s.next(inv)) {
      work_ms += to_millis(inv.work);
      ++n;
    }
  }
  REQUIRE(n > 50'000);
  for (const auto lt : {LaunchType::kFargate, LaunchType::kEc2}) {
    ContainerOptions o;
    o.launch_type = lt;
    o.as_of = kAsOf;
    o.defaults.min_tasks = 1;  // from one task, scaling on the backlog (acceptable latency 60 s)
    o.defaults.max_tasks = 10;
    o.defaults.concurrency = 1;         // one message per task at a time (the default is sized)
    o.defaults.cpu_bound_fraction = 0;  // each run takes the trace's work, whatever the task
    BurstySource src(bursty_queue());
    const auto r = simulate_containers(src, o);
    INFO(to_string(lt));
    CHECK(r.arrived == n);
    CHECK(r.outcomes.timed_out == 0);
    CHECK(r.outcomes.refused == 0);
    CHECK(r.outcomes.unfinished == 0);
    CHECK(r.outcomes.completed + r.outcomes.failed + r.outcomes.expired == r.arrived);
    CHECK(r.outcomes.completed == r.arrived);  // 4 days' retention, no failures
    CHECK_FALSE(has_figure(r, "alb_hours"));
    // Latency is the backlog age plus the processing (one message per task at a time).
    CHECK(r.latency_completed_stats.mean() ==
          Approx(r.figure("queue_wait_mean_ms") + work_ms / static_cast<double>(n)).epsilon(1e-6));
    // It scales out on the backlog (the default: the backlog per task an acceptable latency
    // allows) and absorbs the bursts.
    CHECK(r.figure("scale_outs") > 0);
    CHECK(r.instances_max > 1);
    // Little's law on the queue: the mean number of visible messages times the span equals
    // the total time messages waited (every message is received once).
    const double waited_s = static_cast<double>(n) * r.figure("queue_wait_mean_ms") / 1000;
    CHECK(r.figure("sqs_backlog_mean") * r.worked_s == Approx(waited_s).epsilon(1e-6));
  }
}

TEST_CASE("SqsConsumer: messages older than the retention period expire", "[containers]") {
  // Retention 60 s: messages 0..60 are received by 60 s (message 60 at exactly 60 s, not
  // older than the retention), the other 39 are deleted by SQS unprocessed.
  auto o = one_task();
  o.defaults.message_retention_s = 60;
  auto src = messages(at_zero(100), 1000);
  const auto r = simulate_fargate(*src, o);
  CHECK(r.outcomes.completed == 61);
  CHECK(r.outcomes.expired == 39);
  CHECK(r.outcomes.total() == r.arrived);
  CHECK(r.latency_completed_ms.max() == Approx(61'000).epsilon(1e-6));
}

TEST_CASE("SqsConsumer: failing messages go to the dead-letter queue after max receives",
          "[containers]") {
  auto o = one_task();
  o.defaults.error_probability = 1;
  o.defaults.visibility_timeout_s = 30;
  SECTION("with a dead-letter queue") {
    // Received at 0, 30 and 60 s (each run fails after 1 s; the message reappears when the
    // visibility timeout from its receive ends); at 90 s its third receive's timeout ends: to
    // the dead-letter queue.
    o.defaults.max_receive_count = 3;
    auto src = messages({0.0}, 1000);
    const auto r = simulate_fargate(*src, o);
    CHECK(r.outcomes.failed == 1);
    CHECK(r.figure("sqs_dead_lettered") == 1);
    CHECK(r.attempts == 3);
    CHECK(r.retries == 2);
    CHECK(r.worked_s == Approx(90));
  }
  SECTION("without one, until the retention period") {
    // Received every 30 s from 0 to 270 s (10 receives); SQS deletes it at 300 s, while it is
    // invisible after its last receive (not a visibility timeout later).
    o.defaults.max_receive_count = 0;
    o.defaults.message_retention_s = 300;
    auto src = messages({0.0}, 1000);
    const auto r = simulate_fargate(*src, o);
    CHECK(r.outcomes.expired == 1);
    CHECK(r.attempts == 10);
    CHECK(r.worked_s == Approx(300));
    CHECK(r.figure("sqs_dead_lettered") == 0);
  }
}

TEST_CASE("SqsConsumer: a visibility timeout shorter than the work receives a message twice",
          "[containers]") {
  // 25 s of work, visibility 10 s, two tasks: received at 0 by one task, visible again at 10 s
  // and received by the other; the first run deletes it at 25 s (completed, latency 25 s).
  auto o = one_task();
  o.defaults.tasks = 2;
  o.defaults.visibility_timeout_s = 10;
  auto src = messages({0.0}, 25'000);
  const auto r = simulate_fargate(*src, o);
  CHECK(r.outcomes.completed == 1);
  CHECK(r.attempts == 2);
  CHECK(r.latency_completed_stats.mean() == Approx(25'000));
  bool noted = false;
  for (const auto& n : r.notes)
    noted = noted || n.find("visibility_timeout_s") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("SqsConsumer: scales on the backlog per task", "[containers]") {
  // 10 messages per second of 1 s each need 10 tasks serving one at a time; target tracking on
  // a backlog of 5 messages per task scales out to them.
  FargateOptions o;
  o.as_of = kAsOf;
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 2;
  o.defaults.min_tasks = 1;
  o.defaults.max_tasks = 20;
  o.defaults.target_backlog_per_task = 5;
  std::vector<double> at;
  for (int i = 0; i < 10 * 1800; ++i)
    at.push_back(i * 0.1);
  auto src = messages(at, 1000);
  const auto r = simulate_fargate(*src, o);
  CHECK(r.outcomes.completed == r.arrived);
  CHECK(r.instances_max >= 10);
  CHECK(r.figure("scale_outs") > 0);
}

TEST_CASE("SqsConsumer: queue settings are checked and round-trip", "[containers]") {
  FargateOptions o;
  o.as_of = kAsOf;
  const auto refused = [&](const char* key, const char* value) {
    FargateOptions c = o;
    try {
      set_container_option(c, c.defaults, key, value);
      validate_containers(c);
    } catch (const ConfigError& e) {
      return e.key() == key;
    }
    return false;
  };
  CHECK(refused("visibility_timeout_s", "0.5"));
  CHECK(refused("visibility_timeout_s", "43201"));
  CHECK(refused("message_retention_s", "30"));
  CHECK(refused("message_retention_s", "1209601"));
  CHECK(refused("max_receive_count", "1001"));
  CHECK(refused("target_backlog_per_task", "-1"));
  CHECK(refused("acceptable_latency_s", "-1"));
  CHECK(refused("error_probability", "1.5"));
  FargateOptions fixed = o;
  set_container_option(fixed, fixed.defaults, "tasks", "2");
  set_container_option(fixed, fixed.defaults, "target_backlog_per_task", "10");
  CHECK_THROWS_AS(validate_containers(fixed), ConfigError);

  ServiceConfig s;
  s.visibility_timeout_s = 120;
  s.max_receive_count = 5;
  s.message_retention_s = 86'400;
  s.target_backlog_per_task = 50;
  s.acceptable_latency_s = 30;
  s.error_probability = 0.01;
  ServiceConfig back;
  for (const auto& [k, v] : changed_service_options(s))
    set_container_option(o, back, k, v);
  CHECK(back == s);
}

TEST_CASE("SqsConsumer: scales in only when every target-tracking policy agrees", "[containers]") {
  // A consumer that keeps up shows an empty backlog, so the backlog policy alone would scale in
  // to min_tasks; its CPU policy sees the tasks busy and is not ready to scale in. With several
  // target-tracking policies Application Auto Scaling scales in only when all are ready
  // ("How target tracking scaling works", Multiple scaling policies):
  // the service stays near the ~20 tasks the CPU needs (100 msg/s x 200 ms of CPU-bound work on
  // 1-vCPU tasks at a 60% target), instead of swinging to 1 task and back (review finding).
  FargateOptions o;
  o.as_of = kAsOf;
  o.record_timeline = true;
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 2;
  o.defaults.concurrency = 4;
  o.defaults.cpu_bound_fraction = 1;
  o.defaults.min_tasks = 1;
  o.defaults.max_tasks = 60;
  o.defaults.initial_tasks = 36;
  o.defaults.target_cpu_pct = 60;
  std::vector<double> at;
  for (int i = 0; i < 100 * 3600; ++i)
    at.push_back(i * 0.01);
  auto src = messages(at, 200);
  const auto r = simulate_fargate(*src, o);
  CHECK(r.outcomes.completed == r.arrived);
  std::uint32_t lowest = 1000;
  for (const auto& s : r.timeline)
    if (s.time_s >= 600 && s.time_s < 3000) lowest = std::min(lowest, s.desired);
  CHECK(lowest >= 20);
}
