#pragma once
/// The AWS Batch model: each invocation of a trace becomes a job (optionally a child of an array
/// job) submitted to a job queue; the scheduler places RUNNABLE jobs, by queue priority and first
/// in first out within a queue, on the queue's compute environments in order: EC2 or Spot
/// instances that it launches (best fit progressive), packs and scales down, or Fargate and
/// Fargate Spot tasks. Attempts are retried per the retry strategy on job errors and Spot
/// interruptions; an attempt past its timeout is stopped and not retried (as AWS does).
///
/// Design notes: one `BatchModel` component (models/batch/batch_model.cpp) on the shared engine
/// switches over its own event enum; jobs, instances and queues live in flat vectors with free
/// lists, so memory follows the jobs in flight, not the trace's length. The EC2 pool
/// (ec2_capacity.hpp) and the Fargate task meter (fargate_tasks.hpp) are separate small parts.
/// Usage is metered as integers per billable unit (instance-seconds per instance, with EC2's
/// granularity and minimum at as_of; vCPU- and memory-seconds per Fargate task) and priced once
/// by `RateCard::price`. Every arrival ends in exactly one terminal state of `Outcomes`
/// (completed, failed, timed_out, or unfinished when still RUNNABLE at the end); the model
/// checks it before returning.

#include <stdexcept>
#include <string>

#include "slsim/batch/batch_options.hpp"
#include "slsim/platform/result.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

/// One job, recorded on request (`BatchOptions::record_jobs`): memory grows with the trace.
struct BatchJobRecord {
  double arrival_s = 0;  ///< submit (the invocation's arrival)
  double start_s = -1;   ///< start of the last attempt's run (-1: never started)
  double end_s = -1;     ///< end (-1: unfinished)
  FunctionId function = 0;
  std::uint16_t attempts = 0;
  std::uint8_t outcome = 0;  ///< 0 completed, 1 failed, 2 timed out, 3 unfinished (RUNNABLE),
                             ///< 4 refused (SubmitJob past the 1,000,000 jobs-waiting quota),
                             ///< 5 expired (throttled past max_submit_wait_s)
};

/// A Batch run's result: the shared result shape (it IS a PlatformResult), plus per-job records
/// when asked for. platform = "batch"; instances = jobs placed
/// (STARTING or RUNNING); hosts = EC2 instances alive; utilisation = allocated vCPU-time over
/// available vCPU-time (EC2 instances and Fargate tasks); latency = submit to end; queue_wait_ms
/// = submit to the start of the last attempt; extra: makespan_s, interruptions,
/// instances_interrupted, errors, array_jobs, instance_launches, instance_hours, fargate_tasks,
/// run_time_mean_s, runnable_max, and the SubmitJob backlog: submit_waited (calls that waited
/// for the quota), submit_wait_max_s, submit_backlog_max (most calls waiting at once) and
/// submit_backlog_drain_s (the longest backlog, from its first waiting call to its last
/// accepted one).
struct BatchResult : PlatformResult {
  std::vector<BatchJobRecord> jobs;  ///< only with BatchOptions::record_jobs, in end order
};

/// The workload cannot run on AWS Batch at all: it has synchronous (request/response)
/// invocations, and Batch only queues jobs (SubmitJob returns a job ID, never the job's result).
/// what() = "batch: cannot run — " + reason(); reason() names the synchronous functions and the
/// others, which could run on Batch on their own. A std::invalid_argument: the CLI exits 2 and
/// Python raises ValueError; the comparison reports it as "cannot run" (ImpossibleError).
class BatchCannotRunError : public std::invalid_argument {
 public:
  explicit BatchCannotRunError(const std::string& reason)
      : std::invalid_argument("batch: cannot run — " + reason), reason_(reason) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

/// Simulates `workload` on AWS Batch. Throws ConfigError for a setting not allowed at as_of and
/// for a job no instance type (or Fargate size) in its queue's environments can hold (naming the
/// function, its needs and the largest instance available); BatchCannotRunError for a workload
/// with synchronous invocations (found when the first arrives; the rest of the workload is then
/// read, not simulated, to name every synchronous function); TraceError for malformed input.
BatchResult simulate_batch(WorkloadSource& workload, const BatchOptions& options,
                           const RateCard& rates = RateCard::builtin());

}  // namespace slsim
