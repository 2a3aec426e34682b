#include "job_definitions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "slsim/platform/config_error.hpp"
#include "slsim/platform/duration_model.hpp"

namespace slsim::batch_detail {

namespace {

// Lambda gives one vCPU per 1,769 MB (the rule lambda.mb_per_vcpu; docs.aws.amazon.com/lambda/
// latest/dg/configuration-memory.html); a job sized from a function's memory gets that share.
constexpr double kMbPerVcpu = 1769.0;

std::string gb(double v) {
  return fmt::format("{:g}", v);
}

}  // namespace

void resolve_size(JobSpec& s, const std::string& fn, std::uint32_t memory_mb, bool fargate,
                  const RateCard& rc, Date as_of) {
  const BatchJobDefinition& d = s.def;
  const std::uint32_t mem_mb = memory_mb ? memory_mb : kUnstatedMemoryMb;  // as Lambda
  if (!fargate) {
    const double vcpu =
        d.vcpu > 0 ? d.vcpu : std::max(1.0, std::ceil(static_cast<double>(mem_mb) / kMbPerVcpu));
    s.vcpu_milli = static_cast<std::uint32_t>(std::llround(vcpu * 1000));
    s.mib = d.memory_gb > 0 ? static_cast<std::uint32_t>(std::llround(d.memory_gb * 1024)) : mem_mb;
    return;
  }
  // Fargate: the smallest valid size (fewest vCPUs, then least memory) that holds the job.
  const double need_vcpu = d.vcpu > 0 ? d.vcpu : static_cast<double>(mem_mb) / kMbPerVcpu;
  const double need_gb = d.memory_gb > 0 ? d.memory_gb : static_cast<double>(mem_mb) / 1024.0;
  auto sizes = rc.fargate_sizes(as_of);
  std::sort(sizes.begin(), sizes.end(),
            [](const FargateSize& a, const FargateSize& b) { return a.vcpu < b.vcpu; });
  for (const auto& z : sizes) {
    if (d.vcpu > 0 ? std::fabs(z.vcpu - d.vcpu) > 1e-9 : z.vcpu + 1e-9 < need_vcpu) continue;
    for (double m : z.memory_gb) {
      if (d.memory_gb > 0 ? std::fabs(m - d.memory_gb) > 1e-9 : m + 1e-9 < need_gb) continue;
      s.vcpu_milli = static_cast<std::uint32_t>(std::llround(z.vcpu * 1000));
      s.mib = static_cast<std::uint32_t>(std::llround(m * 1024));
      return;
    }
  }
  const double largest = sizes.empty() ? 0 : sizes.back().vcpu;
  const double largest_gb =
      sizes.empty() || sizes.back().memory_gb.empty() ? 0 : sizes.back().memory_gb.back();
  throw ConfigError(
      d.vcpu > 0 ? "job_vcpu" : "job_memory_gb",
      fmt::format("function '{}' needs {} vCPU and {} GB, which no Fargate task size "
                  "on {} holds; the largest is {} vCPU with {} GB",
                  fn, gb(need_vcpu), gb(need_gb), as_of.str(), gb(largest), gb(largest_gb)));
}

Duration run_time(const JobSpec& s, Duration work, std::uint32_t reference_mb) {
  if (reference_mb == 0) return work;
  const double ref_vcpu = std::min(reference_mb / kMbPerVcpu, s.max_lambda_vcpu);
  return scale_to_vcpu(work, ref_vcpu, s.vcpu_milli / 1000.0, s.def.cpu_bound_fraction,
                       s.def.parallel_fraction);
}

}  // namespace slsim::batch_detail
