#pragma once
// Cluster: the EC2 instances of an ECS-on-EC2 deployment, binpack placement, and the Auto
// Scaling group's decisions (managed scaling by a capacity provider, or, before December 2019,
// scaling on the cluster's reservation alarms).
//
// Design notes: an instance registers 1,024 CPU units per vCPU and `registered_memory_pct` of
// its memory minus `reserved_memory_mb` (ECS_RESERVED_MEMORY). Binpack places a task on the
// registered instance with the least free memory that still fits it (then the least free CPU):
// the ECS `binpack` strategy on memory. Tasks that fit nowhere wait (PROVISIONING) in order.

#include <cstdint>
#include <string>
#include <vector>

#include "slsim/containers/service.hpp"
#include "slsim/core/time.hpp"

namespace slsim::containers {

struct InstanceType {
  std::string name;
  std::uint32_t cpu_units = 0;  // 1,024 per vCPU
  std::uint32_t mem_mib = 0;    // registered memory
  double vcpu = 0;
};

/// What a task needs on an instance.
struct Need {
  std::uint32_t cpu_units = 0, mem_mib = 0;
};

enum class InstanceState : std::uint8_t { kLaunching, kActive, kDraining, kTerminated };

struct Instance {
  std::uint16_t type = 0;
  InstanceState state = InstanceState::kTerminated;
  std::uint32_t cpu_free = 0, mem_free = 0, tasks = 0;
  std::uint32_t generation = 0;
  TimePoint launched{}, empty_since{};
  std::vector<std::uint32_t> images;  // services whose image this host has pulled
  bool has_image(std::uint32_t service) const {
    for (auto s : images)
      if (s == service) return true;
    return false;
  }
};

class Cluster {
 public:
  Cluster(const ClusterConfig& cfg, std::vector<InstanceType> types, bool managed);

  /// The first instance type (in the configured order) a task with `need` fits on.
  std::uint16_t type_for(Need need) const;
  /// Binpack: the registered instance with the least free memory (then CPU) that fits `need`,
  /// or UINT32_MAX.
  std::uint32_t place(Need need) const;
  void reserve(std::uint32_t i, Need need);
  void release(std::uint32_t i, Need need, TimePoint now);
  /// A new instance (launching, or active at once when `active`); returns its index.
  std::uint32_t add(std::uint16_t type, TimePoint now, bool active);
  void activate(std::uint32_t i);
  void terminate(std::uint32_t i);

  /// Instances the Auto Scaling group counts (launching, registered or draining).
  std::uint32_t running() const { return running_; }
  /// Registered instances (for statistics and utilisation).
  std::uint32_t active() const { return active_; }
  double active_vcpu() const { return active_vcpu_; }

  struct Decision {
    std::uint32_t launch = 0;
    std::vector<std::uint32_t> terminate;  // empty registered instances
  };
  /// One minute's decision of the Auto Scaling group, given the tasks waiting for a place.
  Decision evaluate(const std::vector<Need>& waiting, TimePoint now);

  const std::vector<Instance>& instances() const { return instances_; }
  Instance& operator[](std::uint32_t i) { return instances_[i]; }
  const InstanceType& type(std::uint16_t t) const { return types_[t]; }
  bool managed() const { return managed_; }

 private:
  Decision managed_scaling(const std::vector<Need>& waiting);
  Decision reservation_alarms(const std::vector<Need>& waiting, TimePoint now);
  std::vector<std::uint32_t> empty_instances(std::uint32_t at_most) const;

  const ClusterConfig& cfg_;
  std::vector<InstanceType> types_;
  bool managed_;
  std::vector<Instance> instances_;
  std::vector<std::uint32_t> free_;
  std::uint32_t running_ = 0, active_ = 0;
  double active_vcpu_ = 0;
  std::uint32_t low_run_ = 0;
  bool acted_ = false;
  TimePoint last_action_{};
};

}  // namespace slsim::containers
