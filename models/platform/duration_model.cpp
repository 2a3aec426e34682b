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

Duration scale_duration(Duration work, std::uint32_t reference_mb, std::uint32_t memory_mb,
                        double c, double p, double max_vcpu, double mb_per_vcpu) {
  if (reference_mb == memory_mb || c == 0) return work;
  return scale_to_vcpu(work, std::min(reference_mb / mb_per_vcpu, max_vcpu),
                       std::min(memory_mb / mb_per_vcpu, max_vcpu), c, p);
}

}  // namespace slsim
