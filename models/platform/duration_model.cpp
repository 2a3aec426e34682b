#include "slsim/platform/duration_model.hpp"

#include <algorithm>
#include <cmath>

namespace slsim {

double cpu_speed(double vcpu, double p) {
  return vcpu <= 1 ? vcpu : 1.0 / ((1 - p) + p / vcpu);
}

Duration scale_to_vcpu(Duration work, double reference_vcpu, double vcpu, double c, double p) {
  if (reference_vcpu == vcpu || c == 0) return work;
  const double factor = (1 - c) + c * cpu_speed(reference_vcpu, p) / cpu_speed(vcpu, p);
  return Duration{
      static_cast<std::int64_t>(std::llround(static_cast<double>(work.count()) * factor))};
}

std::uint32_t stated_memory_mb(const Invocation& inv, const FunctionTable& functions) {
  if (inv.memory_mb) return inv.memory_mb;
  return inv.function < functions.size() ? functions[inv.function].memory_mb : 0;
}

std::uint32_t measured_at_mb(std::uint32_t reference_mb, const Invocation& inv,
                             const WorkloadSource& src) {
  if (reference_mb) return reference_mb;
  if (!src.memory_is_lambda_setting()) return 0;
  // A source of measured sizes that states none for this function: measured at the one memory
  // every platform assumes (Lambda's default), so stating 128 MB changes nothing (issue 19 #5).
  const auto mb = stated_memory_mb(inv, src.functions());
  return mb ? mb : kUnstatedMemoryMb;
}

double lambda_vcpu(std::uint32_t memory_mb, double max_vcpu, double mb_per_vcpu) {
  return std::min(memory_mb / mb_per_vcpu, max_vcpu);
}

Duration scale_duration(Duration work, std::uint32_t reference_mb, std::uint32_t memory_mb,
                        double c, double p, double max_vcpu, double mb_per_vcpu) {
  if (reference_mb == memory_mb || c == 0) return work;
  return scale_to_vcpu(work, lambda_vcpu(reference_mb, max_vcpu, mb_per_vcpu),
                       lambda_vcpu(memory_mb, max_vcpu, mb_per_vcpu), c, p);
}

}  // namespace slsim
