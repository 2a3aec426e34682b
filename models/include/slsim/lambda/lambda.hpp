#pragma once
/// The AWS Lambda model: cold starts (with the 2018–2019 VPC/ENI penalty), keep-alive and
/// reuse, provisioned concurrency, account and reserved concurrency, the scale-up limits of each
/// era, sync/async/queue semantics with their retries, timeouts, and billing.
///
/// Design notes: one `LambdaModel` component handles every function of a workload. Requests and
/// execution environments live in flat vectors with free lists; an environment's idle expiry is
/// lazy (checked when an environment is looked for, and at every event) but exact: an idle
/// environment leaves the statistics at its own deadline. Arrivals are handed to the model one at a
/// time by the driver (it accepts them; it never reads the workload: docs/models.md, "One engine,
/// many parts"), so memory does not depend on the trace's length. Every arrival ends in exactly
/// one terminal state: completed, failed (function error or timeout after the retries the
/// semantics allow), or dropped (throttled and not retried, or expired in a queue).
/// The simulated span starts at the first arrival (so shifting a trace changes nothing but
/// absolute times) or an earlier provisioned window with an end, and ends at the last arrival,
/// first run or window end (a retry tail is billed but outside it). The result is
/// the shared `PlatformResult` shape with Lambda's own counters beside it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slsim/core/distribution.hpp"
#include "slsim/core/quantile_sketch.hpp"
#include "slsim/core/stats.hpp"
#include "slsim/platform/duration_model.hpp"
#include "slsim/platform/result.hpp"
#include "slsim/pricing/pricing.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

enum class Runtime : std::uint8_t { kPython, kNodejs, kJava, kDotnet, kGo, kCustom, kContainer };
std::string_view to_string(Runtime r);
/// python, nodejs, java, dotnet, go, custom, container; throws PricingError listing them.
Runtime parse_runtime(std::string_view s);

/// The caller's retry policy for sync invocations (as the AWS SDKs do for throttles):
/// attempt k+1 waits U(0, min(max_backoff, base * 2^(k-1))) ("full jitter").
struct ClientRetry {
  std::uint32_t max_attempts = 1;  ///< 1 = no retries (the default)
  double base_backoff_ms = 100;
  double max_backoff_ms = 20'000;
};

/// A provisioned-concurrency window: `count` environments from start_s to end_s (trace time).
/// A window with an end is billed whole (5-minute rounded) whatever the traffic, and the span
/// starts with it when it starts before the first arrival; an open window (end_s < 0, the
/// `provisioned_concurrency` count) runs from its start, or the first arrival if later, to the
/// end of the span. Its environments exist from its start.
struct ProvisionedWindow {
  double start_s = 0;
  double end_s = -1;  ///< < 0: to the end of the simulation
  std::uint32_t count = 0;
};

struct LambdaFunctionConfig {
  std::uint32_t memory_mb =
      0;  ///< 0: the trace's memory for the function (rounded up to an allowed size), else 128
  Arch arch = Arch::kX86_64;
  Runtime runtime = Runtime::kPython;
  bool vpc = false;
  double timeout_s = 0;  ///< 0: the maximum allowed at as_of (900 s, 300 s before 2018-10-10)
  std::optional<std::uint32_t> reserved_concurrency;
  std::vector<ProvisionedWindow> provisioned;  ///< provisioned concurrency (none by default)
  std::optional<InvocationType> invocation;    ///< overrides the trace's invocation type
  std::uint32_t max_retry_attempts = 2;        ///< async, 0..2
  double max_event_age_s = 21'600;             ///< async, 60..21,600
  double error_probability = 0;                ///< per attempt, in [0, 1]
  std::optional<Distribution> keep_alive_s;    ///< idle time before reclaim; default by as_of
  std::optional<Distribution> init_ms;         ///< cold-start duration; default by runtime
  /// Lambda memory the trace's durations were measured at. 0: the trace's memory when it is a
  /// Lambda setting (slsim CSV, arrays; `WorkloadSource::memory_is_lambda_setting`), else the
  /// function's own memory (no rescaling: an Azure memory footprint is not a CPU setting).
  std::uint32_t reference_memory_mb = 0;
  double cpu_bound_fraction = 0.5;  ///< share of the reference duration that scales with CPU
  double parallel_fraction = 0.0;   ///< Amdahl parallel share of the CPU-bound part
  std::uint32_t ephemeral_mb = 512;
  ClientRetry client_retry;  ///< sync only
  /// queue: a received message reappears this long after its receive unless a run deleted it
  /// (succeeded). Unset: 6 times the function timeout (at most SQS's 43,200 s), as AWS advises
  /// for a queue that triggers a function.
  std::optional<double> visibility_timeout_s;
  std::uint32_t max_receive_count = 0;   ///< queue: receives before the DLQ (0 = no DLQ)
  double message_retention_s = 345'600;  ///< queue: SQS default 4 days
  /// queue: the SQS event source's maximum concurrency (2 to 1,000; from 2023-01-12). Unset:
  /// the pollers' own limit, and messages received while the function is throttled return
  /// after the visibility timeout and count as receives.
  std::optional<std::uint32_t> queue_max_concurrency;
};

struct LambdaOptions {
  LambdaFunctionConfig defaults;
  std::map<std::string, LambdaFunctionConfig> functions;  ///< full configs by function name
  std::uint32_t account_concurrency = 0;                  ///< 0: the default at as_of (1,000)
  std::optional<std::uint32_t> burst;  ///< overrides the burst of the era and region
  Date as_of;
  std::string region = "us-east-1";
  std::uint64_t seed = 1;
  bool free_tier = true;
  double discount_pct = 0;
  bool record_invocations = false;  ///< per-invocation records (memory grows with the trace)
  bool record_timeseries = false;   ///< per-second samples (memory grows with the span)
  /// Per-function figures (PlatformResult::functions) when the run meets at most this many
  /// functions; 0 (the default): none, and a run of many functions costs what a run of one
  /// does. kRecordEveryFunction: always. The platform's own figures are the same either way.
  /// Set by the comparison (for its "By part" figures) and by simulate_system, not a user key.
  std::size_t record_functions = 0;
};

struct InvocationRecord {
  double arrival_s, end_s, latency_ms;
  FunctionId function;
  std::uint16_t attempts;
  bool cold;             ///< the successful (or last) attempt had a cold start
  std::uint8_t outcome;  ///< 0 completed, 1 failed (error), 2 failed (timeout), 3 dropped
                         ///< (throttled), 4 dropped (expired)
};

struct SecondSample {
  std::uint32_t busy_max = 0, envs_max = 0;
  std::uint32_t arrivals = 0, throttles = 0, cold_starts = 0;
};

struct LambdaCounts {
  std::uint64_t arrived = 0, attempts = 0, completed = 0;
  std::uint64_t failed_error = 0, failed_timeout = 0;        // terminal failures
  std::uint64_t dropped_throttled = 0, dropped_expired = 0;  // terminal drops
  std::uint64_t throttles = 0;  ///< attempts refused for concurrency or scaling
  std::uint64_t timeouts = 0;   ///< attempts stopped at the timeout
  std::uint64_t errors = 0;     ///< attempts that ended in a function error
  std::uint64_t retries = 0;    ///< attempts after the first (client, async, queue)
  std::uint64_t cold_starts = 0;
  std::uint64_t to_destination = 0;  ///< async on-failure destination or SQS dead-letter queue
  std::uint64_t provisioned_served = 0;
  std::uint64_t failed() const { return failed_error + failed_timeout; }
  std::uint64_t dropped() const { return dropped_throttled + dropped_expired; }
};

/// Lambda's result: the shared shape (`PlatformResult`: outcomes, latency of every ended
/// invocation and of completed ones, environments as `instances_*`, utilisation = busy / alive
/// environment time, usage, bill, notes; Lambda-only figures in `extra`) and Lambda's own
/// counters. Outcomes: failed = function errors, timed_out = timeouts, refused = throttled and
/// dropped, expired = async events past their maximum age and SQS messages past retention.
/// `to_json()` is the shared JSON (PlatformResult::to_json).
struct LambdaResult : PlatformResult {
  LambdaCounts counts;
  RunningStats env_time_s;  ///< time an attempt holds an environment (ENI + init + execution)
  double mean_busy = 0, max_busy = 0, mean_idle = 0;  ///< busy (concurrency) and idle envs
  std::vector<InvocationRecord> records;
  std::vector<SecondSample> timeseries;
  /// Cold starts per attempt that ran (an invocation retried may start cold more than once);
  /// `cold_start_invocation_fraction()` is the share of arrivals whose last run started cold.
  double cold_start_probability() const {
    const auto ran = counts.attempts - counts.throttles;
    return ran ? static_cast<double>(counts.cold_starts) / static_cast<double>(ran) : 0.0;
  }
};

/// Simulates `workload` on Lambda. Throws PricingError for configurations impossible at as_of
/// (with what is allowed) and TraceError for malformed input.
LambdaResult simulate_lambda(WorkloadSource& workload, const LambdaOptions& options,
                             const RateCard& rates = RateCard::builtin());

/// The default cold-start (init) duration distribution, in ms, for a runtime and memory size.
Distribution default_init_ms(Runtime runtime, std::uint32_t memory_mb);

}  // namespace slsim
