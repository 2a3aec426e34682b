#include "cluster.hpp"

#include <algorithm>
#include <cmath>

namespace slsim::containers {

// Managed scaling's alarms (docs/models.md, "ECS on EC2"): scale out on one datapoint above the
// target capacity, scale in after 15 one-minute datapoints below it, as the Auto Scaling
// group's target-tracking alarms do.
constexpr std::uint32_t kScaleInDatapoints = 15;
// Before capacity providers (December 2019): a common setup of the time, not an AWS default:
// +1 instance when the cluster's CPU or memory reservation exceeds 75%, -1 empty instance after
// 15 minutes below 25%, with the Auto Scaling group's default 300 s cooldown.
constexpr double kLegacyHighPct = 75, kLegacyLowPct = 25;
constexpr Duration kLegacyCooldown = 300 * kSecond;

Cluster::Cluster(const ClusterConfig& cfg, std::vector<InstanceType> types, bool managed)
    : cfg_(cfg), types_(std::move(types)), managed_(managed) {}

std::uint16_t Cluster::type_for(Need need) const {
  for (std::size_t t = 0; t < types_.size(); ++t) {
    if (need.cpu_units <= types_[t].cpu_units && need.mem_mib <= types_[t].mem_mib) {
      return static_cast<std::uint16_t>(t);
    }
  }
  return 0;  // validation guarantees a fit
}

std::uint32_t Cluster::place(Need need) const {
  std::uint32_t best = UINT32_MAX;
  for (std::uint32_t i = 0; i < instances_.size(); ++i) {
    const auto& in = instances_[i];
    if (in.state != InstanceState::kActive) continue;
    if (in.cpu_free < need.cpu_units || in.mem_free < need.mem_mib) continue;
    if (best == UINT32_MAX || in.mem_free < instances_[best].mem_free ||
        (in.mem_free == instances_[best].mem_free && in.cpu_free < instances_[best].cpu_free)) {
      best = i;
    }
  }
  return best;
}

void Cluster::reserve(std::uint32_t i, Need need) {
  auto& in = instances_[i];
  in.cpu_free -= need.cpu_units;
  in.mem_free -= need.mem_mib;
  ++in.tasks;
}

void Cluster::release(std::uint32_t i, Need need, TimePoint now) {
  auto& in = instances_[i];
  in.cpu_free += need.cpu_units;
  in.mem_free += need.mem_mib;
  if (--in.tasks == 0) in.empty_since = now;
}

std::uint32_t Cluster::add(std::uint16_t type, TimePoint now, bool active) {
  std::uint32_t i;
  if (!free_.empty()) {
    i = free_.back();
    free_.pop_back();
  } else {
    i = static_cast<std::uint32_t>(instances_.size());
    instances_.emplace_back();
  }
  auto& in = instances_[i];
  const auto gen = in.generation + 1;
  in = Instance{};
  in.generation = gen;
  in.type = type;
  in.state = InstanceState::kLaunching;
  in.cpu_free = types_[type].cpu_units;
  in.mem_free = types_[type].mem_mib;
  in.launched = now;
  in.empty_since = now;
  ++running_;
  if (active) activate(i);
  return i;
}

void Cluster::activate(std::uint32_t i) {
  auto& in = instances_[i];
  if (in.state != InstanceState::kLaunching) return;
  in.state = InstanceState::kActive;
  ++active_;
  active_vcpu_ += types_[in.type].vcpu;
}

void Cluster::terminate(std::uint32_t i) {
  auto& in = instances_[i];
  if (in.state == InstanceState::kTerminated) return;
  if (in.state == InstanceState::kActive || in.state == InstanceState::kDraining) {
    --active_;
    active_vcpu_ -= types_[in.type].vcpu;
  }
  --running_;
  in.state = InstanceState::kTerminated;
  ++in.generation;
  free_.push_back(i);
}

std::vector<std::uint32_t> Cluster::empty_instances(std::uint32_t at_most) const {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < instances_.size() && out.size() < at_most; ++i) {
    const auto& in = instances_[i];
    if (in.state == InstanceState::kActive && in.tasks == 0) out.push_back(i);
  }
  return out;
}

Cluster::Decision Cluster::evaluate(const std::vector<Need>& waiting, TimePoint now) {
  if (cfg_.instances > 0) return {};  // a fixed cluster: the group only replaces instances
  return managed_ ? managed_scaling(waiting) : reservation_alarms(waiting, now);
}

Cluster::Decision Cluster::managed_scaling(const std::vector<Need>& waiting) {
  // N: instances needed. Waiting tasks first fill the launching instances (they are warming up
  // for them), then new instances of the first type that fits, first fit.
  std::uint32_t needed = 0;
  std::vector<Need> room;  // free room of launching and hypothetical new instances
  std::vector<std::uint16_t> room_type;
  for (const auto& in : instances_) {
    if (in.state == InstanceState::kLaunching) {
      room.push_back({in.cpu_free, in.mem_free});
      room_type.push_back(in.type);
    } else if (in.state == InstanceState::kActive && in.tasks > 0) {
      ++needed;
    }
  }
  std::uint32_t launching = static_cast<std::uint32_t>(room.size());
  std::uint32_t extra = 0;
  for (const auto& need : waiting) {
    bool placed = false;
    for (auto& r : room) {
      if (r.cpu_units >= need.cpu_units && r.mem_mib >= need.mem_mib) {
        r.cpu_units -= need.cpu_units;
        r.mem_mib -= need.mem_mib;
        placed = true;
        break;
      }
    }
    if (!placed) {
      const auto& t = types_[type_for(need)];
      room.push_back({t.cpu_units - need.cpu_units, t.mem_mib - need.mem_mib});
      ++extra;
    }
  }
  needed += launching + extra;
  const auto desired = static_cast<std::uint32_t>(
      std::clamp<double>(std::ceil(needed * 100.0 / cfg_.target_capacity_pct - 1e-9),
                         cfg_.min_instances, cfg_.max_instances));
  Decision d;
  if (desired > running_) {
    low_run_ = 0;
    d.launch = std::clamp(desired - running_, cfg_.min_scaling_step, cfg_.max_scaling_step);
    d.launch = std::min(d.launch, cfg_.max_instances - running_);
  } else if (desired < running_) {
    if (++low_run_ >= kScaleInDatapoints) d.terminate = empty_instances(running_ - desired);
  } else {
    low_run_ = 0;
  }
  return d;
}

Cluster::Decision Cluster::reservation_alarms(const std::vector<Need>& waiting, TimePoint now) {
  double cpu_reg = 0, cpu_used = 0, mem_reg = 0, mem_used = 0;
  std::uint32_t launching = 0;
  for (const auto& in : instances_) {
    if (in.state == InstanceState::kLaunching) ++launching;
    if (in.state != InstanceState::kActive) continue;
    const auto& t = types_[in.type];
    cpu_reg += t.cpu_units;
    mem_reg += t.mem_mib;
    cpu_used += t.cpu_units - in.cpu_free;
    mem_used += t.mem_mib - in.mem_free;
  }
  // With no registered instance, waiting tasks raise the alarm (an empty cluster reads 100%).
  const double pct = cpu_reg > 0 ? 100 * std::max(cpu_used / cpu_reg, mem_used / mem_reg)
                                 : (waiting.empty() ? 0 : 100);
  Decision d;
  if (acted_ && now - last_action_ < kLegacyCooldown) return d;
  if (pct > kLegacyHighPct && launching == 0 && running_ < cfg_.max_instances) {
    d.launch = 1;
    low_run_ = 0;
  } else if (pct < kLegacyLowPct) {
    if (++low_run_ >= kScaleInDatapoints && running_ > cfg_.min_instances) {
      d.terminate = empty_instances(1);
    }
  } else {
    low_run_ = 0;
  }
  if (d.launch || !d.terminate.empty()) {
    acted_ = true;
    last_action_ = now;
    low_run_ = 0;
  }
  return d;
}

}  // namespace slsim::containers
