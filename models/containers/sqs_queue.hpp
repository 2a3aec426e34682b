#pragma once
// The SQS queue of a consumer service: a service whose functions receive queue (or async)
// invocations polls an SQS standard queue; there is no load balancer in front of it.
//
// Design notes: a message is a container request (its index in the model's request vector) with
// a MessageState beside it. Visible messages wait in a FIFO of request indices (SQS standard
// queues order at best effort; slsim serves them in the order they became visible). Receiving
// makes a message invisible for the visibility timeout, counted from the receive; a run that
// succeeds deletes it (completed), one that fails or is cut short (its task stopped) leaves it
// to reappear when the timeout ends, and a run longer than the timeout lets it be received again
// while still running (a duplicate). A message reappearing after max_receive_count receives goes
// to the dead-letter queue (failed); one found visible past the retention period is deleted
// (expired). Consumers long-poll, so a visible message is received as soon as a task has a free
// slot. Events carry the receive's generation, which is never reset (not even when a request
// index is reused), so a stale visibility event is recognised. The visible count is integrated
// over time for the backlog metric and the Little's-law check.

#include <algorithm>
#include <cstdint>
#include <deque>

#include "slsim/containers/service.hpp"
#include "slsim/core/time.hpp"

namespace slsim::containers {

// SQS limits (SetQueueAttributes,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html,
// as read 2026): VisibilityTimeout an integer
// from 0 to 43,200 s (default 30), MessageRetentionPeriod 60 to 1,209,600 s (default 345,600:
// 4 days), RedrivePolicy maxReceiveCount 1 to 1,000. The Lambda model uses the same limits.
constexpr double kSqsMaxVisibilityTimeoutS = 43'200;
constexpr double kSqsMinRetentionS = 60, kSqsMaxRetentionS = 1'209'600;
constexpr std::uint32_t kSqsMaxReceiveCount = 1000;
/// What max_receive_count allows, in every message about it (the setter's and the validator's).
constexpr const char* kMaxReceiveCountRule =
    "use a whole number from 1 to 1,000 (0 = no dead-letter queue)";

/// Checks a service's queue settings (the one gate: validate_service calls it). Throws
/// ConfigError(key, what is allowed).
void validate_queue_settings(const ServiceConfig& s);

/// The SQS side of one request (all zero for an HTTP request).
struct MessageState {
  TimePoint visible_at{};      // when it last became visible (while queued)
  Duration waited{};           // time visible in the queue so far, over all its receives
  std::uint32_t vis_gen = 0;   // generation of the latest receive (never reset)
  std::uint32_t receives = 0;  // receives so far
  std::uint16_t inflight = 0;  // runs in progress (several after a visibility timeout)
  bool message = false;        // a queue message (else an HTTP request)
  bool queued = false;         // in its service's visible FIFO (possibly deleted since)
  bool ended = false;          // deleted, dead-lettered or expired
  bool async = false;          // an asynchronous invocation (else a queue message)
  /// Reset for a new message or request; the generation goes on.
  void reset(bool is_message) {
    const auto gen = vis_gen;
    *this = MessageState{};
    vis_gen = gen;
    message = is_message;
  }
  /// Something still refers to the request index (a run or the FIFO): it cannot be reused yet.
  bool busy() const { return inflight > 0 || queued; }
};

/// The queue of one consumer service.
class SqsQueue {
 public:
  std::deque<std::uint32_t> fifo;  // visible messages, oldest visible first (some deleted)

  /// Messages visible now.
  std::uint64_t visible() const { return visible_; }
  void add(TimePoint now, std::int64_t d) {
    touch(now);
    visible_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(visible_) + d);
    max_ = std::max(max_, visible_);
  }
  /// Visible messages integrated over time (message x microseconds), up to `now`.
  double area(TimePoint now) const {
    return area_ + static_cast<double>(visible_) * static_cast<double>((now - at_).count());
  }
  /// Mean visible messages since the previous call (the one-minute datapoint); restarts.
  double minute_mean(TimePoint now) {
    touch(now);
    const auto span = static_cast<double>((now - minute_from_).count());
    const double m = span > 0 ? (area_ - minute_area_from_) / span : static_cast<double>(visible_);
    minute_from_ = now;
    minute_area_from_ = area_;
    return m;
  }
  std::uint64_t max() const { return max_; }

 private:
  void touch(TimePoint now) {
    area_ += static_cast<double>(visible_) * static_cast<double>((now - at_).count());
    at_ = now;
  }
  std::uint64_t visible_ = 0, max_ = 0;
  double area_ = 0, minute_area_from_ = 0;
  TimePoint at_{}, minute_from_{};
};

}  // namespace slsim::containers
