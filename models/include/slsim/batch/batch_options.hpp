#pragma once
/// AWS Batch configuration: job definitions, job queues and compute environments.
///
/// Design notes: a configuration is a plain struct; `validate_batch_options` is the one gate
/// every front end passes through (scenario `[batch]` table, `slsim simulate --platform batch`
/// flags, Python `slsim.Batch(...)`). It throws `ConfigError(key, message)` where `key` is the
/// setting's public name (scenario key = Python keyword = flag with `-` for `_`). Defaults that
/// are facts about AWS cite their source here and in docs/models.md ("AWS Batch").

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slsim/pricing/pricing.hpp"

namespace slsim {

/// What a compute environment runs on (the Batch API's EC2, SPOT, FARGATE, FARGATE_SPOT).
enum class BatchCompute : std::uint8_t { kEc2, kSpot, kFargate, kFargateSpot };
/// "ec2", "spot", "fargate", "fargate_spot".
std::string_view to_string(BatchCompute c);
/// Parses the names above (case-insensitive, '-' for '_'); throws ConfigError("compute", ...).
BatchCompute parse_batch_compute(std::string_view s);

/// A job definition: what each invocation of a function becomes.
struct BatchJobDefinition {
  /// vCPUs per job (`job_vcpu`); 0: from the function's memory at 1 vCPU per 1,769 MB (whole
  /// vCPUs on EC2, the smallest valid Fargate size on Fargate).
  double vcpu = 0;
  /// Memory per job in GB (`job_memory_gb`, 1 GB = 1,024 MiB); 0: the function's memory
  /// (the trace's, else 2,048 MB).
  double memory_gb = 0;
  /// Retry strategy `attempts`, 1–10 (AWS default 1).
  std::int64_t attempts = 1;
  /// Probability that an attempt ends in a job error (non-zero exit), in [0, 1].
  double error_probability = 0;
  /// `attemptDurationSeconds` (`timeout_s`): 0 = no timeout (AWS default), else whole seconds
  /// >= 60.
  double timeout_s = 0;
  /// Array jobs: group this many consecutive invocations of the function (0 = no arrays;
  /// else 2–10,000).
  std::int64_t array_size = 0;
  /// Array jobs: group the invocations of the function that arrive within this window of the
  /// first (0 = no window). With array_size too, an array closes at whichever comes first.
  double array_window_s = 0;
  /// The job queue this function's jobs are submitted to ("" = the first queue).
  std::string queue;
  /// Lambda memory the trace's durations were measured at (0: the trace's memory when it is a
  /// Lambda setting, else no rescaling).
  std::uint32_t reference_memory_mb = 0;
  double cpu_bound_fraction = 0.5;  ///< share of the reference duration that scales with CPU
  double parallel_fraction = 0.0;   ///< Amdahl parallel share of the CPU-bound part
};

/// A managed compute environment.
struct BatchComputeEnvironment {
  std::string name = "default";
  BatchCompute compute = BatchCompute::kEc2;
  /// EC2 instance types from the rate card; empty or {"optimal"}: every x86_64 c, m and r type
  /// the rate card has at as_of (Batch's "optimal" picks from the C, M and R families).
  std::vector<std::string> instance_types;
  double min_vcpus = 0;  ///< `minvCpus`: kept running even when idle (EC2/Spot only)
  /// `desiredvCpus`: running at the start (EC2/Spot only); not given: min_vcpus (AWS: optional).
  std::optional<double> desired_vcpus;
  double max_vcpus = 256;  ///< `maxvCpus`: cap (EC2/Spot: exceeded by at most one instance)
};

/// A job queue: higher `priority` is scheduled first; jobs try the environments in order.
struct BatchJobQueue {
  std::string name = "default";
  std::int64_t priority = 1;
  std::vector<std::string> compute_environments;  ///< names, 1–3; empty = every environment
};

struct BatchOptions {
  BatchJobDefinition job;                               ///< defaults for every function
  std::map<std::string, BatchJobDefinition> functions;  ///< full definitions by function name
  /// Compute environments; by default one EC2 environment named "default".
  std::vector<BatchComputeEnvironment> compute_environments{BatchComputeEnvironment{}};
  /// Job queues; empty = one queue "default" over every environment in order.
  std::vector<BatchJobQueue> queues;

  // Timing (none of these is published by AWS; see docs/models.md for what each default rests on).
  double scheduler_interval_s = 10;  ///< RUNNABLE jobs are placed at multiples of this (0: at once)
  double starting_s = 5;             ///< STARTING phase: placement to container start
  double container_start_s = 2;      ///< container start (cached image) before the job runs
  double instance_launch_s = 90;     ///< EC2 launch + boot + ECS registration
  double fargate_start_s = 30;       ///< Fargate task provisioning ("about 30 seconds")
  double scale_down_delay_s = 300;   ///< an idle instance is terminated after this
  /// SubmitJob: the longest a call throttled by the quota is retried before the submitter gives
  /// up and its jobs count as expired (0 to a year). Default 24 h, EventBridge's default retry
  /// window for a target (https://docs.aws.amazon.com/eventbridge/latest/userguide/
  /// eb-rule-retry-policy.html); slsim assumes a submitter that retries until then.
  double max_submit_wait_s = 86'400;
  /// Spot reclaims per instance-hour (EC2 Spot) or per task-hour (Fargate Spot): 0 (none) or
  /// 1e-6 to 3,600; not given: the default, 5% of instances per month (the Spot Instance
  /// Advisor's lowest band, "< 5%").
  std::optional<double> spot_interruptions_per_hour;
  std::optional<double> spot_discount_pct;  ///< default: the rate card's rule for EC2/Fargate Spot

  Date as_of;
  std::string region = "us-east-1";
  std::uint64_t seed = 1;
  double discount_pct = 0;   ///< Savings Plans / enterprise discount on EC2 or Fargate charges
  bool record_jobs = false;  ///< per-job records in the result (memory grows with the trace)
  /// Per-function figures (PlatformResult::functions) when the run meets at most this many
  /// functions; 0 (the default): none, and a run of many functions costs what a run of one
  /// does. kRecordEveryFunction: always. The platform's own figures are the same either way.
  /// Set by the comparison (for its "By part" figures) and by simulate_system, not a user key.
  std::size_t record_functions = 0;
};

/// The default Spot interruption rate per instance-hour: 5% of instances per 30-day month.
inline constexpr double kBatchDefaultSpotInterruptionsPerHour = 0.05 / (30.0 * 24.0);

/// Checks every setting against the rules in force at `options.as_of`. Throws ConfigError
/// naming the setting by its public key and saying what is allowed.
void validate_batch_options(const BatchOptions& options,
                            const RateCard& rates = RateCard::builtin());

/// What the whole-number job settings allow: "a whole number from 1 to 10" (attempts),
/// "0 (no array jobs) or a whole number from 2 to 10,000" (array_size). The same words in every
/// front end's message.
std::string batch_whole_range(const std::string& key, const RateCard& rates = RateCard::builtin());

/// attempts or array_size given as any number (a flag, a scenario value, a Python keyword): the
/// whole number, or ConfigError(key, "must be <range>, got <v>") when it is not one or is out of
/// range. `validate_batch_options` gives the same message.
std::int64_t batch_whole(const std::string& key, double v,
                         const RateCard& rates = RateCard::builtin());

/// Checks that every function `options.functions` names is one of `names` (the functions the
/// workload invokes). Throws ConfigError("functions.NAME", ...) naming the workload's functions.
void check_batch_functions_exist(const BatchOptions& options,
                                 const std::vector<std::string>& names);

}  // namespace slsim
