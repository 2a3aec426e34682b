#pragma once
// Workload profiles made by hand for the sizing tests: steady traffic of one function.

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "slsim/workload/profile.hpp"

namespace slsim::test {

/// `rate_per_s` arrivals a second of `work_s` each for `span_s` seconds, the busiest minute 10 %
/// above the mean; `memory_mb` stated (0: none).
inline FunctionProfile steady_profile(const std::string& name, double rate_per_s, double work_s,
                                      std::uint32_t memory_mb = 0, double span_s = 3600) {
  FunctionProfile f;
  f.name = name;
  f.invocations = static_cast<std::uint64_t>(rate_per_s * span_s);
  f.peak_per_minute = static_cast<std::uint64_t>(rate_per_s * 60 * 1.1);
  f.peak_per_hour = static_cast<std::uint64_t>(rate_per_s * std::min(span_s, 3600.0));
  f.first_minute = static_cast<std::uint64_t>(rate_per_s * 60);
  f.last_s = span_s;
  f.mean_work_s = work_s;
  f.max_work_s = work_s;
  f.memory_mb = memory_mb;
  return f;
}

/// Profiles of a source whose memory is Lambda's setting (a trace, a generator).
inline WorkloadProfile profile_of(std::vector<FunctionProfile> fs) {
  WorkloadProfile p;
  p.functions = std::move(fs);
  p.memory_is_lambda_setting = true;
  return p;
}

}  // namespace slsim::test
