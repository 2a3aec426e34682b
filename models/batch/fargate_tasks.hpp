#pragma once
// Fargate and Fargate Spot tasks of a Batch compute environment: the vCPU cap and the billing
// meter. Private to models/batch/.
//
// Design notes: each job attempt on Fargate is one task of a valid Fargate size. A task is billed
// from the start of its image pull (the container start) to its end, per second with a 1-minute
// minimum (the rules fargate.granularity_s / fargate.minimum_s at as_of), as milli-vCPU-seconds
// and MiB-seconds: the same integers `fargate_usage` gives for the same task-seconds.

#include <cstdint>

#include "slsim/core/time.hpp"
#include "slsim/pricing/pricing.hpp"

namespace slsim::batch_detail {

class FargateTasks {
 public:
  FargateTasks(double max_vcpus, bool spot, Duration granularity, Duration minimum)
      : max_milli_(static_cast<std::uint64_t>(max_vcpus * 1000 + 0.5)),
        granularity_(granularity),
        minimum_(minimum) {
    usage_.spot = spot;
  }

  /// Could a task of this size ever run (not larger than max_vcpus)?
  bool can_hold(std::uint32_t vcpu_milli) const { return vcpu_milli <= max_milli_; }
  double max_vcpus() const { return static_cast<double>(max_milli_) / 1000.0; }
  /// Room under max_vcpus for a task of this size?
  bool has_room(std::uint32_t vcpu_milli) const {
    return running_milli_ + vcpu_milli <= max_milli_;
  }
  void start(std::uint32_t vcpu_milli) { running_milli_ += vcpu_milli; }
  /// Ends a task that held `vcpu_milli` and `mib` for `alive` (image pull to end); bills it and
  /// returns the billed seconds.
  std::uint64_t stop(std::uint32_t vcpu_milli, std::uint32_t mib, Duration alive) {
    running_milli_ -= vcpu_milli;
    const auto s =
        static_cast<std::uint64_t>(billable(alive, granularity_, minimum_).count() / 1'000'000);
    usage_.tasks += 1;
    usage_.vcpu_milli_s += s * vcpu_milli;
    usage_.memory_mb_s += s * mib;
    return s;
  }
  const FargateUsage& usage() const { return usage_; }
  bool spot() const { return usage_.spot; }

 private:
  std::uint64_t running_milli_ = 0, max_milli_ = 0;
  Duration granularity_{}, minimum_{};
  FargateUsage usage_;
};

}  // namespace slsim::batch_detail
