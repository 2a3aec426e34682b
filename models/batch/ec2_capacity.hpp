#pragma once
// The EC2 instances of one Batch compute environment (EC2 or Spot): which instance types it may
// launch, which instances are alive, what room each has, and what they are billed.
// Private to models/batch/.
//
// Design notes: instances live in a flat vector with a free list (a slot is reused after its
// instance terminates; `life` tells an event for an earlier instance in the slot from one for
// the current). `with_room_` lists the instances that can still take a job (first fit in launch
// order). Resources are integers: milli-vCPUs and MiB. An instance's memory for jobs is what ECS
// registers (97.5% of its memory, as in the container model) less what the Batch AMI reserves
// (32 MiB). Billing is per instance, from launch to
// termination, rounded with EC2's granularity and minimum in force at as_of, and added to an
// `Ec2Usage` per instance type as integer instance-seconds.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "slsim/batch/batch_options.hpp"
#include "slsim/core/time.hpp"

namespace slsim::batch_detail {

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

/// An instance type a compute environment may launch.
struct InstanceType {
  std::string name;
  std::uint32_t vcpu_milli = 0, memory_mib = 0;  // memory for jobs (after the AMI's reserve)
  double memory_gib = 0;                         // nominal, for messages
  double price_per_vcpu = 0;                     // $ per vCPU-hour, to rank types
};

struct Instance {
  std::uint32_t type = 0;
  std::uint32_t free_vcpu_milli = 0, free_mib = 0;
  std::uint32_t room_pos = kNone;  // position in with_room_, kNone when full
  std::uint32_t life = 0;          // bumped when the instance terminates
  std::uint32_t idle_gen = 0;      // bumped when it takes a job (cancels a pending idle check)
  bool alive = false, idle_check_pending = false;
  TimePoint launched{}, ready{};
  std::vector<std::uint32_t> jobs;  // jobs placed on it
};

class Ec2Capacity {
 public:
  /// Resolves the environment's instance types at as_of (every c, m and r x86_64 type for
  /// "optimal" or none given). Throws ConfigError("instance_types", ...) if none remains.
  Ec2Capacity(const BatchComputeEnvironment& ce, const RateCard& rc, Date as_of,
              const std::string& region, std::uint32_t reserved_mib, Duration granularity,
              Duration minimum);

  const std::vector<InstanceType>& types() const { return types_; }
  /// The type with the most vCPUs (then memory): for "cannot hold" messages.
  const InstanceType& largest() const;
  /// True if some type can hold a job of this size.
  bool can_hold(std::uint32_t vcpu_milli, std::uint32_t mib) const {
    return pick(vcpu_milli, mib) != kNone;
  }

  /// First alive instance (in launch order) with room for the job, or kNone.
  std::uint32_t find_room(std::uint32_t vcpu_milli, std::uint32_t mib) const;
  /// Launches an instance for the job if the environment may grow (alive vCPUs < max_vcpus:
  /// best fit progressive exceeds the cap by at most one instance) and some type fits it.
  /// Returns the instance or kNone.
  std::uint32_t launch_for(std::uint32_t vcpu_milli, std::uint32_t mib, TimePoint now,
                           Duration launch_delay);
  /// Launches an instance of the cheapest type (per vCPU), ready `delay` after `now`
  /// (min/desired vCPUs: at the start, and to replace a reclaimed Spot instance).
  std::uint32_t launch_ready(TimePoint now, Duration delay = Duration{0});
  /// Fewer vCPUs alive than min_vcpus?
  bool below_min() const { return alive_milli_ < min_milli_; }

  /// Takes or gives back a job's resources on instance `i`.
  void assign(std::uint32_t i, std::uint32_t job, std::uint32_t vcpu_milli, std::uint32_t mib);
  void release(std::uint32_t i, std::uint32_t job, std::uint32_t vcpu_milli, std::uint32_t mib);

  /// May instance `i` terminate without going below min_vcpus?
  bool above_min_without(std::uint32_t i) const;
  /// Terminates instance `i` at `now` and bills it.
  void terminate(std::uint32_t i, TimePoint now);

  Instance& instance(std::uint32_t i) { return inst_[i]; }
  const Instance& instance(std::uint32_t i) const { return inst_[i]; }
  std::uint64_t alive_vcpu_milli() const { return alive_milli_; }
  std::uint32_t alive_count() const { return alive_count_; }
  std::uint64_t launches() const { return launches_; }
  /// Billed usage per instance type used (instance_s > 0), after every instance terminated.
  std::vector<Ec2Usage> usage(bool spot) const;
  /// Alive instances (to terminate at the end of the run).
  std::vector<std::uint32_t> alive() const;
  double billed_instance_s() const;

 private:
  std::uint32_t pick(std::uint32_t vcpu_milli, std::uint32_t mib) const;
  std::uint32_t add_instance(std::uint32_t type, TimePoint now, TimePoint ready);
  void room_add(std::uint32_t i);
  void room_remove(std::uint32_t i);

  std::vector<InstanceType> types_;
  std::vector<std::uint64_t> billed_s_, billed_n_;  // per type
  std::vector<Instance> inst_;
  std::vector<std::uint32_t> free_;
  std::vector<std::uint32_t> with_room_;
  std::uint64_t alive_milli_ = 0, min_milli_ = 0, max_milli_ = 0, launches_ = 0;
  std::uint32_t alive_count_ = 0;
  std::uint32_t min_job_vcpu_milli_ = 1000, min_job_mib_ = 4;
  Duration granularity_{}, minimum_{};
};

}  // namespace slsim::batch_detail
