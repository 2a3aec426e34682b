// Queue consumers on ECS and Fargate after the outside review of issue 19 item 2 (findings 4-16):
// scale-in protection of busy consumers, a bounded receive loop, expiry at the retention period,
// queue wait as the time visible in the queue, and the settings' checks and messages.

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "slsim/containers/containers.hpp"
#include "slsim/containers/options_io.hpp"
#include "slsim/platform/config_error.hpp"
#include "support/columns_source.hpp"

using namespace slsim;

namespace {

const Date kAsOf{2026, 11, 1};

std::unique_ptr<test::ColumnsSource> messages(const std::vector<double>& arrival_s, double ms) {
  return std::make_unique<test::ColumnsSource>(
      test::one_function(arrival_s, ms, "worker", InvocationType::kQueue), std::nullopt, false);
}

FargateOptions one_task() {
  FargateOptions o;
  o.as_of = kAsOf;
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 2;
  o.defaults.tasks = 1;
  o.defaults.concurrency = 1;  // one message per task at a time (the default is sized)
  return o;
}

bool noted(const ContainerResult& r, const std::string& text) {
  for (const auto& n : r.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

/// The message of the ConfigError that validating `key = value` raises ("" if none).
std::string refusal(const char* key, const char* value, bool ecs = false) {
  ContainerOptions o;
  if (ecs) o = EcsOptions{};
  o.as_of = kAsOf;
  try {
    set_container_option(o, o.defaults, key, value);
    validate_containers(o);
  } catch (const ConfigError& e) {
    return e.key() + ": " + e.message();
  }
  return "";
}

}  // namespace

TEST_CASE("SqsConsumer: scale-in protection keeps busy consumer tasks until their runs end",
          "[containers]") {
  // The review's probe: 10 messages of 1,200 s at 0 s, backlog target 1 per task, 1 to 10
  // tasks. The backlog is received at once, so the visible backlog reads 0 and the service
  // scales in while every task is busy.
  FargateOptions o;
  o.as_of = kAsOf;
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 2;
  o.defaults.min_tasks = 1;
  o.defaults.max_tasks = 10;
  o.defaults.target_backlog_per_task = 1;
  o.defaults.visibility_timeout_s = 1800;
  o.defaults.concurrency = 1;
  o.defaults.target_cpu_pct = 0;  // the backlog policy alone (a CPU policy would hold busy tasks)
  SECTION("protected (the default): every message is received once") {
    CHECK(o.defaults.scale_in_protection);
    auto src = messages(std::vector<double>(10, 0.0), 1'200'000);
    const auto r = simulate_fargate(*src, o);
    CHECK(r.outcomes.completed == 10);
    CHECK(r.attempts == 10);
    CHECK(r.figure("sqs_runs_stopped") == 0);
    CHECK(r.figure("scale_ins") > 0);
  }
  SECTION("unprotected: runs are stopped, and a note counts them") {
    o.defaults.scale_in_protection = false;
    auto src = messages(std::vector<double>(10, 0.0), 1'200'000);
    const auto r = simulate_fargate(*src, o);
    CHECK(r.outcomes.total() == r.arrived);
    CHECK(r.attempts > 10);
    CHECK(r.figure("sqs_runs_stopped") > 0);
    CHECK(noted(r, "scale_in_protection"));
  }
}

TEST_CASE("SqsConsumer: a failing message with visibility 0 and no dead-letter queue is refused",
          "[containers]") {
  // It would be received again at once until the retention period ends (the review's hang).
  auto o = one_task();
  o.defaults.visibility_timeout_s = 0;
  o.defaults.error_probability = 1;
  CHECK_THROWS_AS(validate_containers(o), ConfigError);
  try {
    validate_containers(o);
  } catch (const ConfigError& e) {
    CHECK(e.key() == "visibility_timeout_s");
    CHECK(std::string(e.message()).find("max_receive_count") != std::string::npos);
  }
  // With a dead-letter queue it ends after max_receive_count receives.
  o.defaults.max_receive_count = 5;
  auto src = messages({0.0}, 0);
  const auto r = simulate_fargate(*src, o);
  CHECK(r.outcomes.failed == 1);
  CHECK(r.attempts == 5);
}

TEST_CASE("SqsConsumer: queue wait is the time visible in the queue, one sample per message",
          "[containers]") {
  SECTION("retries do not count their invisible time") {
    // Received at 0, 30 and 60 s, never waiting while visible: one sample of 0 ms.
    auto o = one_task();
    o.defaults.error_probability = 1;
    o.defaults.max_receive_count = 3;
    auto src = messages({0.0}, 1000);
    const auto r = simulate_fargate(*src, o);
    CHECK(r.queue_wait_ms.count() == 1);
    CHECK(r.queue_wait_ms.max() == 0);
  }
  SECTION("Little's law holds with retries") {
    // 300 messages in bursts onto 2 tasks, half the runs fail: the mean visible backlog times
    // the span equals the visible time summed over the messages.
    auto o = one_task();
    o.defaults.tasks = 2;
    o.defaults.error_probability = 0.5;
    o.defaults.max_receive_count = 4;
    o.defaults.visibility_timeout_s = 5;
    std::vector<double> at;
    for (int i = 0; i < 300; ++i)
      at.push_back((i / 50) * 60.0 + 0.01 * i);
    auto src = messages(at, 500);
    const auto r = simulate_fargate(*src, o);
    CHECK(r.queue_wait_ms.count() == 300);
    CHECK(r.attempts > 300);
    const double waited_s = 300 * r.figure("queue_wait_mean_ms") / 1000;
    CHECK(waited_s > 0);
    CHECK(r.figure("sqs_backlog_mean") * r.worked_s == Approx(waited_s).epsilon(1e-6));
  }
}

TEST_CASE("SqsConsumer: queue settings state their whole range", "[containers]") {
  // SQS MessageRetentionPeriod is an integer number of seconds.
  CHECK(refusal("message_retention_s", "60.5").rfind("message_retention_s: ", 0) == 0);
  CHECK(refusal("message_retention_s", "60.5").find("whole seconds") != std::string::npos);
  CHECK(refusal("message_retention_s", "61") == "");
  // One message for every bad max_receive_count.
  const std::string m = refusal("max_receive_count", "1001");
  CHECK(m.find("1 to 1,000") != std::string::npos);
  for (const char* v : {"-1", "1.5", "nan"}) {
    const std::string e = refusal("max_receive_count", v);
    CHECK(e.find("1 to 1,000") != std::string::npos);
    CHECK(e.find("0 = no dead-letter queue") != std::string::npos);
  }
  CHECK(refusal("target_backlog_per_task", "2e9").find("1,000,000,000") != std::string::npos);
  CHECK(refusal("target_backlog_per_task", "-1").find("1,000,000,000") != std::string::npos);
}

TEST_CASE("SqsConsumer: stop_timeout_s applies on ECS on EC2 too", "[containers]") {
  // ECS's container stopTimeout (SIGTERM to SIGKILL) applies to every launch type.
  CHECK(refusal("stop_timeout_s", "90", true) == "");
  CHECK(refusal("stop_timeout_s", "600", true) == "");  // no maximum stated for EC2
  CHECK(refusal("stop_timeout_s", "-1", true).rfind("stop_timeout_s: ", 0) == 0);
  CHECK(refusal("stop_timeout_s", "121").rfind("stop_timeout_s: ", 0) == 0);  // Fargate: 120
}

TEST_CASE("SqsConsumer: notes about one message are singular", "[containers]") {
  auto o = one_task();
  o.defaults.tasks = 2;
  o.defaults.visibility_timeout_s = 10;
  auto src = messages({0.0}, 25'000);
  const auto r = simulate_fargate(*src, o);
  CHECK(noted(r, "1 message was received again"));
  auto f = one_task();
  f.defaults.error_probability = 1;
  f.defaults.message_retention_s = 60;
  auto one = messages({0.0}, 1000);
  const auto e = simulate_fargate(*one, f);
  CHECK(noted(e, "1 queue message failed"));
}
