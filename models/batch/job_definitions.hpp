#pragma once
// Job definitions: what one invocation of a function becomes on Batch (vCPUs, memory, retry
// strategy, timeout, array grouping, queue) and how long it runs. Private to models/batch/.
//
// Design notes: a function's definition is resolved once, at its first invocation: the
// configured `job_vcpu` / `job_memory_gb`, or defaults from the function's memory (1 vCPU per
// 1,769 MB as Lambda allocates CPU; whole vCPUs on EC2; the smallest valid Fargate size that
// holds both on Fargate). A job's run time is the trace's duration rescaled to the job's vCPUs
// with the shared duration model, from the Lambda CPU share of the memory the trace was
// measured at when that memory is a Lambda setting (or reference_memory_mb is given); otherwise
// the trace's duration is taken as measured at the job's size.

#include <cstdint>
#include <string>
#include <vector>

#include "slsim/batch/batch_options.hpp"
#include "slsim/core/time.hpp"
#include "slsim/workload/invocation.hpp"

namespace slsim::batch_detail {

struct JobSpec {
  bool ready = false;
  BatchJobDefinition def;
  std::uint32_t vcpu_milli = 1000, mib = 2048;
  std::uint32_t queue = 0;  // index into the model's queues
  Duration timeout{};       // 0: none
  double max_lambda_vcpu = 6;
};

/// Resolves the size of `fn`'s jobs from its definition and `memory_mb` (the function's memory:
/// the invocation's, else the function table's, else 0). `fargate`: the queue runs on Fargate.
/// Throws ConfigError("job_vcpu"/"job_memory_gb") naming the function when no Fargate size fits.
void resolve_size(JobSpec& s, const std::string& fn, std::uint32_t memory_mb, bool fargate,
                  const RateCard& rc, Date as_of);

/// Run time of one job (without the container start) from the trace's `work`, measured at the
/// Lambda memory `reference_mb` (0: not a Lambda measurement; no rescaling).
Duration run_time(const JobSpec& s, Duration work, std::uint32_t reference_mb);

}  // namespace slsim::batch_detail
