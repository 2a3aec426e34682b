#pragma once
/// The one result shape every platform returns (Lambda, ECS on EC2, Fargate, AWS Batch), so a
/// report, the JSON and Python's `compare()` treat them alike.
///
/// Design notes: every arrival ends in exactly one terminal state, counted in `Outcomes`:
/// completed, failed (a function or job error after the retries its platform allows),
/// timed_out (stopped at a timeout: Lambda's function timeout, a load balancer's, a Batch
/// attempt's), refused (turned away for capacity: Lambda throttles not retried, a container
/// queue that is full), expired (too old: an async event past its maximum age, a queue message
/// past its retention) or unfinished (still queued or running when the simulation ended).
/// `arrived == outcomes.total()` always. Platform-specific figures are `extra` (name, value)
/// pairs, not a second schema.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "slsim/core/quantile_sketch.hpp"
#include "slsim/core/stats.hpp"
#include "slsim/pricing/pricing.hpp"

namespace slsim {

/// Terminal states; each arrival is counted in exactly one.
struct Outcomes {
  std::uint64_t completed = 0, failed = 0, timed_out = 0, refused = 0, expired = 0, unfinished = 0;
  std::uint64_t total() const {
    return completed + failed + timed_out + refused + expired + unfinished;
  }
  Outcomes& operator+=(const Outcomes& o) {
    completed += o.completed;
    failed += o.failed;
    timed_out += o.timed_out;
    refused += o.refused;
    expired += o.expired;
    unfinished += o.unfinished;
    return *this;
  }
};

/// One point of a scaling timeline (on request): desired and running tasks (or environments),
/// and instances on EC2.
struct ScalingSample {
  double time_s = 0;
  std::uint32_t desired = 0, running = 0, instances = 0;
};

/// One function's figures on a platform (`PlatformResult::functions`), recorded where the
/// platform's own are, with the same definitions: its arrivals, their terminal states, those whose
/// (last) attempt started cold (as `cold_start_invocation_fraction` counts them) and the latency
/// sketch of `PlatformResult::latency_ms`.
struct FunctionFigures {
  std::string name;
  std::uint64_t arrived = 0;
  Outcomes outcomes;
  std::uint64_t cold = 0;
  QuantileSketch latency_ms;

  /// Failed, timed out, refused and expired over arrived (unfinished is not an error).
  double error_rate() const {
    const auto bad = outcomes.failed + outcomes.timed_out + outcomes.refused + outcomes.expired;
    return arrived ? static_cast<double>(bad) / static_cast<double>(arrived) : 0.0;
  }
  double cold_start_rate() const {
    return arrived ? static_cast<double>(cold) / static_cast<double>(arrived) : 0.0;
  }
};

/// A platform's `record_functions` for every function, however many (a joint run's).
inline constexpr std::size_t kRecordEveryFunction = std::numeric_limits<std::size_t>::max();

struct PlatformResult {
  std::string platform;  ///< "lambda", "ecs", "fargate", "batch"
  std::uint64_t arrived = 0;
  Outcomes outcomes;
  std::uint64_t attempts = 0;     ///< executions started (retries included)
  std::uint64_t retries = 0;      ///< attempts after the first
  std::uint64_t cold_starts = 0;  ///< attempts that waited for a new environment, task or instance
  /// Arrivals whose last attempt started cold, where a platform counts them (Lambda: an
  /// invocation retried may start cold several times); else `cold_starts` stands for them.
  std::optional<std::uint64_t> cold_invocations;
  /// Arrival to end of every invocation that ended after running or waiting for a run
  /// (completed, failed, timed out — on a container service also a request that timed out in
  /// the load balancer's queue — or dropped after a run); one refused or expired without a run
  /// is only counted, on every platform.
  QuantileSketch latency_ms;
  RunningStats latency_stats;           ///< same, for the mean
  QuantileSketch latency_completed_ms;  ///< arrival to end, completed invocations only
  RunningStats latency_completed_stats;
  QuantileSketch queue_wait_ms;  ///< arrival to the start of the (last) execution; an ECS/
                                 ///< Fargate queue message: its time visible, over all receives
  /// Environments (Lambda), tasks (ECS, Fargate) or jobs running (Batch): time-weighted mean, max.
  double instances_mean = 0, instances_max = 0;
  /// EC2 instances (ECS on EC2, Batch on EC2): time-weighted mean and max; 0 elsewhere.
  double hosts_mean = 0, hosts_max = 0;
  /// Mean CPU utilisation in [0, 1]: of tasks (Fargate), of instances (ECS on EC2, Batch on EC2),
  /// of environments' allocated time (Lambda: busy / alive).
  double utilisation = 0;
  /// The workload's span, from time 0 (s): its declared period (a generator's duration_s, a
  /// trace's span_s, an Azure 2019 day) or else its last arrival; a comparison sets it to the
  /// one span every platform shares. A model that does not know it yet leaves the end of its
  /// run here (Lambda: the last arrival or first run, retry tails excluded).
  double span_s = 0;
  /// When the platform's last work ended, from time 0 (s): more than span_s when it went on
  /// after the span (a backlog it drained, Batch's idle scale-down); 0 = span_s.
  double worked_s = 0;
  Usage usage;
  Bill bill;
  std::vector<std::string> notes;  ///< adjustments, impossibilities and warnings, for people
  std::vector<std::pair<std::string, double>> extra;  ///< platform-specific figures
  std::vector<ScalingSample> timeline;                ///< on request only
  /// Per function of the workload, in FunctionId order (in a joint run: the functions this part
  /// owns). Their arrivals, outcomes and cold counts add up to the platform's, and their
  /// latency sketches merge into `latency_ms`. Recorded on request only (the options'
  /// `record_functions`: at most that many functions; 0, the default, none), else empty.
  std::vector<FunctionFigures> functions;

  /// Share of arrivals whose (last) attempt started cold, at most 1.
  double cold_start_invocation_fraction() const {
    const std::uint64_t cold = cold_invocations.value_or(cold_starts);
    return arrived ? static_cast<double>(cold) / static_cast<double>(arrived) : 0.0;
  }
  /// The summary object of `slsim simulate --format json` (and of each platform in the report):
  /// {"platform", "invocations": {arrived, completed, failed, timed_out, refused, expired,
  /// unfinished, attempts, retries, cold_starts}, "latency_ms", "latency_completed_ms",
  /// "queue_wait_ms" (mean, p50, p90, p95, p99, max; null when empty), "instances", "hosts",
  /// "utilisation", "span_s", "worked_s", "extra", "notes", "cost"}.
  std::string to_json() const;
};

}  // namespace slsim
