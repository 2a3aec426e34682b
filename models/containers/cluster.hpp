#pragma once
// Cluster: the EC2 instances of an ECS-on-EC2 deployment, binpack placement, and the Auto
// Scaling group's decisions (managed scaling by a capacity provider, or, before December 2019,
// scaling on the cluster's reservation alarms).
//
// Design notes: an instance registers 1,024 CPU units per vCPU and `registered_memory_pct` of
// its memory minus `reserved_memory_mb` (ECS_RESERVED_MEMORY). Instances are spread over
// `availability_zones` AZs: a new one goes to the AZ with the fewest (the Auto Scaling group
// balances its AZs). Spread (the ECS default for services) places a task in the AZ with the
// fewest tasks of its service among those with an instance that fits it, then binpacks within
// the AZ; binpack places it on the registered instance with the least free memory that still
// fits it (then the least free CPU). Tasks that fit nowhere wait (PROVISIONING) in order. How
// many instances to launch is always a binpack count (managed scaling), whatever the placement.

#include <array>
#include <cstdint>
#include <optional>
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
  double baseline_pct = 0;  // burstable (T3/T4g): baseline CPU per vCPU, %; 0 = not burstable
};

/// Tasks of one service per Availability Zone.
using AzTasks = std::array<std::uint32_t, kMaxAvailabilityZones>;

/// What a task needs on an instance.
struct Need {
  std::uint32_t cpu_units = 0, mem_mib = 0;
};

enum class InstanceState : std::uint8_t { kLaunching, kActive, kDraining, kTerminated };

struct Instance {
  std::uint16_t type = 0;
  std::uint8_t az = 0;
  InstanceState state = InstanceState::kTerminated;
  std::uint32_t cpu_free = 0, mem_free = 0, tasks = 0;
  std::uint32_t generation = 0;
  TimePoint launched{}, empty_since{};
  bool retiring = false;  // a managed instance at the end of its lifetime: replaced at once
  // Burstable types: vCPUs busy now, since `cpu_at`; the credit balance in vCPU-microseconds
  // (negative: surplus credits owed) and the surplus already charged.
  double cpu_now = 0, credit_vcpu_us = 0, charged_vcpu_us = 0;
  TimePoint cpu_at{};
  std::vector<std::uint32_t> images;  // services whose image this host has pulled
  bool has_image(std::uint32_t service) const {
    for (auto s : images)
      if (s == service) return true;
    return false;
  }
};

class Cluster {
 public:
  /// `scale_in_max_pct`: the largest share of the group one managed scale-in step removes.
  /// `idle_retire` (ECS Managed Instances): an empty instance is retired once idle this long
  /// (Duration::max(): never), instead of managed scaling's scale-in; `spread`: the group keeps
  /// at least this many instances (one per Availability Zone) while it has as many tasks.
  Cluster(const ClusterConfig& cfg, std::vector<InstanceType> types, bool managed,
          double scale_in_max_pct, std::optional<Duration> idle_retire = std::nullopt,
          std::uint32_t spread = 0);

  /// The first instance type (in the configured order) a task with `need` fits on.
  std::uint16_t type_for(Need need) const;
  /// The registered instance a task with `need` goes to, or UINT32_MAX: with spread placement
  /// in the AZ with the fewest of `az_tasks` (its service's tasks per AZ) that has room, else
  /// anywhere; within that, the least free memory (then CPU) that fits: binpack.
  std::uint32_t place(Need need, const AzTasks& az_tasks) const;
  void reserve(std::uint32_t i, Need need);
  void release(std::uint32_t i, Need need, TimePoint now);
  /// A new instance (launching, or active at once when `active`) in `az` (default: the AZ with
  /// the fewest instances); returns its index.
  std::uint32_t add(std::uint16_t type, TimePoint now, bool active, int az = -1);
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
  Decision managed_scaling(const std::vector<Need>& waiting, TimePoint now);
  Decision reservation_alarms(const std::vector<Need>& waiting, TimePoint now);
  std::vector<std::uint32_t> empty_instances(std::uint32_t at_most) const;

  const ClusterConfig& cfg_;
  std::vector<InstanceType> types_;
  bool managed_;
  double scale_in_max_pct_;
  std::optional<Duration> idle_retire_;
  std::uint32_t spread_ = 0;
  InstanceType largest_, smallest_;  // per parameter over the types (managed scale-out)
  AzTasks az_instances_{};           // instances per AZ (not terminated)
  std::vector<Instance> instances_;
  std::vector<std::uint32_t> free_;
  std::uint32_t running_ = 0, active_ = 0;
  double active_vcpu_ = 0;
  std::uint32_t low_run_ = 0;
  bool acted_ = false;
  TimePoint last_action_{};
};

}  // namespace slsim::containers
