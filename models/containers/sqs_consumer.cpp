// Queue consumers: a service whose functions receive queue (or async) invocations polls an SQS
// queue (sqs_queue.hpp): no load balancer, the backlog waits in the queue, failed messages come
// back after the visibility timeout and go to the dead-letter queue, old ones expire.

#include <fmt/format.h>

#include <cmath>

#include "container_model.hpp"
#include "slsim/platform/config_error.hpp"

namespace slsim::containers {

void validate_queue_settings(const ServiceConfig& s) {
  const auto num = [](double v) { return fmt::format("{}", v); };
  // Visibility timeouts are whole seconds ("An integer from 0 to 43,200"; SetQueueAttributes).
  // Unset: auto (sized from the work, sizing.cpp).
  if (s.visibility_timeout_s &&
      !(*s.visibility_timeout_s >= 0 && *s.visibility_timeout_s <= kSqsMaxVisibilityTimeoutS &&
        *s.visibility_timeout_s == std::floor(*s.visibility_timeout_s))) {
    throw ConfigError("visibility_timeout_s",
                      fmt::format("{} is not allowed: 0 to {} s in whole seconds, or auto",
                                  num(*s.visibility_timeout_s),
                                  grouped(static_cast<std::uint64_t>(kSqsMaxVisibilityTimeoutS))));
  }
  if (s.max_receive_count > kSqsMaxReceiveCount) {
    throw ConfigError("max_receive_count", fmt::format("{} is not allowed: {}", s.max_receive_count,
                                                       kMaxReceiveCountRule));
  }
  // MessageRetentionPeriod is "An integer from 60 seconds (1 minute) to 1,209,600 seconds (14
  // days)" (SetQueueAttributes, as read 2026-12).
  if (!(s.message_retention_s >= kSqsMinRetentionS && s.message_retention_s <= kSqsMaxRetentionS &&
        s.message_retention_s == std::floor(s.message_retention_s))) {
    throw ConfigError(
        "message_retention_s",
        fmt::format("{} is not allowed: {} to {} s (1 minute to 14 days), in whole seconds",
                    num(s.message_retention_s), grouped(std::uint64_t(kSqsMinRetentionS)),
                    grouped(static_cast<std::uint64_t>(kSqsMaxRetentionS))));
  }
  if (!(std::isfinite(s.target_backlog_per_task) && s.target_backlog_per_task >= 0 &&
        s.target_backlog_per_task <= 1e9)) {
    throw ConfigError("target_backlog_per_task",
                      fmt::format("{} is not allowed: use 0 to 1,000,000,000 messages per task "
                                  "(0: derived from acceptable_latency_s)",
                                  num(s.target_backlog_per_task)));
  }
  if (!(std::isfinite(s.acceptable_latency_s) && s.acceptable_latency_s >= 0 &&
        s.acceptable_latency_s <= kSqsMaxRetentionS)) {
    throw ConfigError("acceptable_latency_s",
                      fmt::format("{} is not allowed: use 0 (no backlog target) to 1,209,600 s",
                                  num(s.acceptable_latency_s)));
  }
  if (!(s.error_probability >= 0 && s.error_probability <= 1)) {
    throw ConfigError("error_probability",
                      fmt::format("{} is not allowed: use 0 to 1", num(s.error_probability)));
  }
  // A failed message becomes visible again after the visibility timeout; at 0 it is received
  // again at once, and with no dead-letter queue only the retention period (up to 14 days) ends
  // the loop: a poison message would spin the consumers (and the simulation) without pause.
  if (s.visibility_timeout_s == 0.0 && s.error_probability > 0 && s.max_receive_count == 0) {
    throw ConfigError("visibility_timeout_s",
                      "0 is not allowed with error_probability > 0 and no dead-letter queue: a "
                      "failed message would be received again at once until its retention "
                      "period ends; set visibility_timeout_s >= 1 or max_receive_count 1 to "
                      "1,000");
  }
  if (s.tasks > 0 && s.target_backlog_per_task > 0) {
    throw ConfigError("tasks",
                      "a fixed task count has no autoscaling: remove target_backlog_per_task, or "
                      "set tasks = 0");
  }
}

void ContainerModel::enqueue_message(std::uint32_t r) {
  Request& q = reqs_[r];
  const auto si = q.service;
  Service& s = svcs_[si];
  if (!s.messages_seen && s.cfg->target_requests_per_task > 0 && !s.http_seen) {
    note(
        fmt::format("service {}: target_requests_per_task tracks ALBRequestCountPerTarget, and "
                    "a queue consumer has no load balancer; it scales on the backlog per task "
                    "(target_backlog_per_task, acceptable_latency_s)",
                    s.name));
  }
  s.messages_seen = true;
  ++s.messages;
  s.message_work_us += static_cast<double>(q.solo.count());
  q.msg.queued = true;
  q.msg.visible_at = sim_.now();
  s.sqs.fifo.push_back(r);
  s.sqs.add(sim_.now(), 1);
  poll(si);
}

// Lambda Managed Instances: an asynchronous invocation follows Lambda's asynchronous rules (two
// retries after a failure, events kept six hours: invocation-async-error-handling.html; nothing
// says Managed Instances differ); queue work and every other platform's, its queue's.
double ContainerModel::retention_s(const Request& q) const {
  return managed_ == Managed::kLambda && q.msg.async ? kLambdaAsyncMaxAgeS
                                                     : svcs_[q.service].cfg->message_retention_s;
}

std::uint32_t ContainerModel::max_receives(const Request& q) const {
  return managed_ == Managed::kLambda && q.msg.async ? kLambdaAsyncAttempts
                                                     : svcs_[q.service].cfg->max_receive_count;
}

bool ContainerModel::drop_head(Service& s) {
  if (s.sqs.fifo.empty()) return false;
  const auto r = s.sqs.fifo.front();
  MessageState& m = reqs_[r].msg;
  if (!m.ended) {
    // SQS deletes a message older than the retention period (kept while it is not older).
    if (to_seconds(sim_.now() - reqs_[r].arrival) <= retention_s(reqs_[r])) return false;
    if (m.receives > 0 && max_receives(reqs_[r]) == 0) ++expired_after_failing_;
    end_message(r, Outcome::kExpired, sim_.now());
  }
  s.sqs.fifo.pop_front();
  m.queued = false;
  if (!m.busy()) free_reqs_.push_back(r);
  return true;
}

void ContainerModel::poll(std::uint32_t si, std::uint32_t prefer) {
  Service& s = svcs_[si];
  const auto limit = s.cfg->concurrency;
  while (!s.sqs.fifo.empty()) {
    if (drop_head(s)) continue;
    std::uint32_t t = UINT32_MAX;
    if (prefer != UINT32_MAX && tasks_[prefer].state == TaskState::kInService &&
        tasks_[prefer].n() < limit) {
      t = prefer;
    } else {
      t = s.lb.pick(limit);  // the consuming tasks (no load balancer: its list of targets)
    }
    if (t == UINT32_MAX) return;
    const auto r = s.sqs.fifo.front();
    s.sqs.fifo.pop_front();
    MessageState& m = reqs_[r].msg;
    m.queued = false;
    m.waited += sim_.now() - m.visible_at;
    s.sqs.add(sim_.now(), -1);
    receive(r, t);
    if (t != prefer) reschedule(t);
  }
}

void ContainerModel::receive(std::uint32_t r, std::uint32_t t) {
  Request& q = reqs_[r];
  MessageState& m = q.msg;
  const ServiceConfig& cfg = *svcs_[q.service].cfg;
  ++m.receives;
  ++m.vis_gen;
  ++m.inflight;
  if (m.inflight > 1) ++received_while_running_;
  ++receives_;
  ++res_.attempts;
  if (m.receives > 1) ++res_.retries;
  // Invisible for the visibility timeout from this receive, unless a run deletes it; SQS deletes
  // a message at the end of its retention period whether or not it is invisible then, so the
  // event comes at that deadline when it is earlier (on_visible).
  const TimePoint deadline = q.arrival + from_seconds(retention_s(q));
  sim_.schedule_at(std::min(sim_.now() + from_seconds(cfg.visibility_timeout_s.value_or(
                                             kSqsDefaultVisibilityTimeoutS)),
                            deadline),
                   id_, kVisible, r, m.vis_gen);
  admit(r, t);
}

void ContainerModel::on_visible(std::uint32_t r, std::uint32_t gen) {
  Request& q = reqs_[r];
  MessageState& m = q.msg;
  if (m.vis_gen != gen || m.ended) return;  // received again since, or deleted
  Service& s = svcs_[q.service];
  if (to_seconds(sim_.now() - q.arrival) >= retention_s(q)) {
    // The retention period ended while it was invisible: SQS deletes it now. A run still in
    // progress decides when it ends (message_done): deleted, or expired if it fails.
    if (m.inflight > 0) return;
    if (m.receives > 0 && max_receives(q) == 0) ++expired_after_failing_;
    end_message(r, Outcome::kExpired, sim_.now());
    return;
  }
  if (max_receives(q) > 0 && m.receives >= max_receives(q)) {
    // Received max_receive_count times without being deleted: to the dead-letter queue.
    ++dead_lettered_;
    end_message(r, Outcome::kFailed, sim_.now());
    return;
  }
  m.queued = true;
  m.visible_at = sim_.now();
  s.sqs.fifo.push_back(r);
  s.sqs.add(sim_.now(), 1);
  poll(q.service);
}

void ContainerModel::message_done(std::uint32_t r, TimePoint now) {
  Request& q = reqs_[r];
  MessageState& m = q.msg;
  --m.inflight;
  if (m.ended) {  // a second run of a message another run deleted
    if (!m.busy()) free_reqs_.push_back(r);
    return;
  }
  const ServiceConfig& cfg = *svcs_[q.service].cfg;
  const double p = cfg.error_probability;
  if (p > 0 && error_rng_.uniform() < p) {
    ++failed_runs_;  // not deleted: it reappears when its visibility timeout ends
    if (m.inflight == 0 && to_seconds(now - q.arrival) >= retention_s(q)) {
      // Past its retention period (on_visible left it to this run): SQS deleted it.
      if (max_receives(q) == 0) ++expired_after_failing_;
      end_message(r, Outcome::kExpired, now);
    }
    return;
  }
  end_message(r, Outcome::kCompleted, now);  // DeleteMessage
}

void ContainerModel::abandon_run(std::uint32_t r) {
  Request& q = reqs_[r];
  MessageState& m = q.msg;
  --m.inflight;
  if (m.ended) {  // deleted by another run: the last reference to it frees the index
    if (!m.busy()) free_reqs_.push_back(r);
    return;
  }
  if (m.inflight == 0) {
    // Past its retention period (on_visible left it to this run, whose task stopped): deleted.
    // end_message frees the index (it must not be freed twice: two requests would share it).
    const ServiceConfig& cfg = *svcs_[q.service].cfg;
    if (to_seconds(sim_.now() - q.arrival) >= retention_s(q)) {
      if (m.receives > 0 && max_receives(q) == 0) ++expired_after_failing_;
      end_message(r, Outcome::kExpired, sim_.now());
    }
  }
}

void ContainerModel::end_message(std::uint32_t r, Outcome o, TimePoint end) {
  Request& q = reqs_[r];
  MessageState& m = q.msg;
  if (m.queued) {  // no longer visible
    svcs_[q.service].sqs.add(sim_.now(), -1);
    m.waited += sim_.now() - m.visible_at;
  }
  // The queue wait: its time visible in the queue, summed over its receives (one sample per
  // message, so the mean visible backlog = arrival rate x mean wait, Little's law).
  const double wait_ms = to_millis(m.waited);
  if (wait_ms > 0) {
    res_.queue_wait_ms.add(wait_ms);
  } else {
    ++zero_waits_;
  }
  wait_mean_.add(wait_ms);
  m.ended = true;
  ++m.vis_gen;  // its pending visibility event is stale
  end_request(r, o, end);
}

std::optional<BacklogDatapoint> ContainerModel::backlog_datapoint(Service& s, TimePoint now) {
  if (!s.messages_seen) return std::nullopt;
  while (drop_head(s)) {
  }
  BacklogDatapoint d;
  d.at = now;
  d.visible = s.sqs.minute_mean(now);
  d.running = s.in_service;
  d.scale_in_cooldown_s = s.cfg->scale_in_cooldown_s;
  const ServiceConfig& cfg = *s.cfg;
  if (cfg.target_backlog_per_task > 0) {
    d.target = cfg.target_backlog_per_task;
  } else if (cfg.acceptable_latency_s > 0 && s.messages > 0) {
    // AWS's formula: the acceptable latency over the time a task takes per message. A task
    // serving `concurrency` messages at once finishes one every factor(c) x work / c.
    const auto c = cfg.concurrency;
    const double work_s = s.message_work_us / static_cast<double>(s.messages) / 1e6;
    const double per_message_s = work_s * s.table.factor[c] / c;
    if (per_message_s > 0) d.target = cfg.acceptable_latency_s / per_message_s;
  }
  if (!(d.target > 0)) return std::nullopt;
  return d;
}

void ContainerModel::finish_messages(TimePoint end) {
  for (auto& s : svcs_) {
    while (!s.sqs.fifo.empty()) {
      const auto r = s.sqs.fifo.front();
      MessageState& m = reqs_[r].msg;
      if (!m.ended) {
        const bool old = to_seconds(end - reqs_[r].arrival) > retention_s(reqs_[r]);
        end_message(r, old ? Outcome::kExpired : Outcome::kUnfinished, end);
      }
      s.sqs.fifo.pop_front();
      m.queued = false;
    }
  }
}

void ContainerModel::message_figures() {
  std::uint64_t messages = 0;
  double area = 0, max = 0;
  const TimePoint end = end_time();
  const double span_s = to_seconds(std::max(span_end_, last_arrival_));
  for (const auto& s : svcs_) {
    messages += s.messages;
    area += s.sqs.area(end);
    max = std::max(max, static_cast<double>(s.sqs.max()));
    // A consumer of rare work (a nightly job) keeps its floor of tasks running all along for
    // work that fills a sliver of it (outside review N5): say what would cost less.
    const double floor_s = static_cast<double>(s.cfg->min_tasks.value_or(0)) * span_s;
    const double work_s = s.message_work_us / 1e6;
    if (managed_ == Managed::kLambda) continue;  // said for every function (billing.cpp)
    if (s.consumer_only() && s.cfg->tasks == 0 && floor_s > 0 && work_s < 0.05 * floor_s) {
      note(fmt::format(
          "service {} keeps {} running all along for work that fills {:.1f}% of {}: work this "
          "rare costs less as a scheduled ECS task (EventBridge Scheduler RunTask) or on AWS "
          "Batch, or with min_tasks = 0 if its messages can wait for a task to start",
          s.name, counted(*s.cfg->min_tasks, "task", "tasks"), 100 * work_s / floor_s,
          *s.cfg->min_tasks == 1 ? "it" : "them"));
    }
  }
  if (messages == 0) return;
  auto& x = res_.extra;
  x.emplace_back("sqs_messages", static_cast<double>(messages));
  x.emplace_back("sqs_receives", static_cast<double>(receives_));
  x.emplace_back("sqs_dead_lettered", static_cast<double>(dead_lettered_));
  const auto span = static_cast<double>(end.time_since_epoch().count());
  x.emplace_back("sqs_backlog_mean", span > 0 ? area / span : 0.0);
  x.emplace_back("sqs_backlog_max", max);
  x.emplace_back("sqs_runs_stopped", static_cast<double>(runs_stopped_));
  if (received_while_running_ > 0) {
    note(
        fmt::format("{} received again while a run was still processing {} (the work outlasted "
                    "visibility_timeout_s): set visibility_timeout_s above the processing time",
                    counted(received_while_running_, "message was", "messages were"),
                    received_while_running_ == 1 ? "it" : "them"));
  }
  if (expired_after_failing_ > 0) {
    note(fmt::format(
        "{} on every receive and, with no dead-letter queue (max_receive_count 0), "
        "{} retried until the retention period expired",
        counted(expired_after_failing_, "queue message failed", "queue messages failed"),
        expired_after_failing_ == 1 ? "was" : "were"));
  }
  if (runs_stopped_ > 0) {
    note(fmt::format(
        "{} stopped by scale-in before {} ended: the messages were received again after "
        "their visibility timeout; scale_in_protection = true keeps a busy task of a "
        "consumer-only service until its runs end",
        counted(runs_stopped_, "run of a queue message was", "runs of queue messages were"),
        runs_stopped_ == 1 ? "it" : "they"));
  }
}

}  // namespace slsim::containers
