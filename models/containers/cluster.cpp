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

Cluster::Cluster(const ClusterConfig& cfg, std::vector<InstanceType> types, bool managed,
                 double scale_in_max_pct, std::optional<Duration> idle_retire, std::uint32_t spread)
    : cfg_(cfg),
      types_(std::move(types)),
      managed_(managed),
      scale_in_max_pct_(scale_in_max_pct),
      idle_retire_(idle_retire),
      spread_(spread) {
  largest_ = smallest_ = types_.front();
  for (const auto& t : types_) {
    largest_.cpu_units = std::max(largest_.cpu_units, t.cpu_units);
    largest_.mem_mib = std::max(largest_.mem_mib, t.mem_mib);
    smallest_.cpu_units = std::min(smallest_.cpu_units, t.cpu_units);
    smallest_.mem_mib = std::min(smallest_.mem_mib, t.mem_mib);
  }
}

std::uint16_t Cluster::type_for(Need need) const {
  for (std::size_t t = 0; t < types_.size(); ++t) {
    if (need.cpu_units <= types_[t].cpu_units && need.mem_mib <= types_[t].mem_mib) {
      return static_cast<std::uint16_t>(t);
    }
  }
  return 0;  // validation guarantees a fit
}

std::uint32_t Cluster::place(Need need, const AzTasks& az_tasks) const {
  // ECS task placement strategies (docs/models.md, "ECS on EC2"): service tasks default to
  // spread on attribute:ecs.availability-zone; binpack on memory when so configured.
  const bool spread = cfg_.placement == Placement::kSpread;
  std::uint32_t best = UINT32_MAX;
  for (std::uint32_t i = 0; i < instances_.size(); ++i) {
    const auto& in = instances_[i];
    if (in.state != InstanceState::kActive) continue;
    if (in.cpu_free < need.cpu_units || in.mem_free < need.mem_mib) continue;
    if (best == UINT32_MAX) {
      best = i;
      continue;
    }
    const auto& b = instances_[best];
    if (spread && az_tasks[in.az] != az_tasks[b.az]) {
      if (az_tasks[in.az] < az_tasks[b.az]) best = i;
      continue;
    }
    if (in.mem_free < b.mem_free || (in.mem_free == b.mem_free && in.cpu_free < b.cpu_free)) {
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

std::uint32_t Cluster::add(std::uint16_t type, TimePoint now, bool active, int az) {
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
  if (az < 0) {
    // The Auto Scaling group launches into the AZ with the fewest instances (AZ balance).
    az = 0;
    for (std::uint32_t z = 1; z < cfg_.availability_zones; ++z)
      if (az_instances_[z] < az_instances_[static_cast<std::size_t>(az)]) az = static_cast<int>(z);
  }
  in.az = static_cast<std::uint8_t>(az);
  ++az_instances_[in.az];
  in.state = InstanceState::kLaunching;
  in.cpu_free = types_[type].cpu_units;
  in.mem_free = types_[type].mem_mib;
  in.launched = now;
  in.empty_since = now;
  in.cpu_at = now;
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
  --az_instances_[in.az];
  in.state = InstanceState::kTerminated;
  ++in.generation;
  free_.push_back(i);
}

std::vector<std::uint32_t> Cluster::empty_instances(std::uint32_t at_most) const {
  // The Auto Scaling group's default termination policy first keeps its AZs balanced: take
  // empty instances from the AZ with the most instances, one at a time.
  AzTasks left = az_instances_;
  std::vector<std::uint32_t> out;
  std::vector<bool> taken(instances_.size(), false);
  while (out.size() < at_most) {
    std::uint32_t pick = UINT32_MAX;
    for (std::uint32_t i = 0; i < instances_.size(); ++i) {
      const auto& in = instances_[i];
      if (taken[i] || in.state != InstanceState::kActive || in.tasks != 0) continue;
      if (pick == UINT32_MAX || left[in.az] > left[instances_[pick].az]) pick = i;
    }
    if (pick == UINT32_MAX) break;
    taken[pick] = true;
    --left[instances_[pick].az];
    out.push_back(pick);
  }
  return out;
}

Cluster::Decision Cluster::evaluate(const std::vector<Need>& waiting, TimePoint now) {
  if (cfg_.instances > 0) return {};  // a fixed cluster: the group only replaces instances
  return managed_ ? managed_scaling(waiting, now) : reservation_alarms(waiting, now);
}

Cluster::Decision Cluster::managed_scaling(const std::vector<Need>& waiting, TimePoint now) {
  // N: instances needed. Waiting tasks first fill the launching instances (they are warming up
  // for them), then new instances of the first type that fits, first fit: "This calculation
  // uses a binpack strategy" whatever the services' placement strategy (spread only ranks the
  // instances that exist; the group balances new instances over its AZs in add()).
  std::uint32_t needed = 0;
  std::vector<Need> room;  // free room of launching and hypothetical new instances
  std::vector<std::uint16_t> room_type;
  std::uint32_t draining = 0;  // retired managed instances: replaced before they stop
  std::uint32_t tasks = static_cast<std::uint32_t>(waiting.size());
  for (const auto& in : instances_) {
    if (in.state == InstanceState::kDraining && in.retiring) ++draining;
    if (in.state == InstanceState::kActive) tasks += in.tasks;
    if (in.state == InstanceState::kLaunching) {
      room.push_back({in.cpu_free, in.mem_free});
      room_type.push_back(in.type);
    } else if (in.state == InstanceState::kActive && in.tasks > 0) {
      ++needed;
    }
  }
  std::uint32_t launching = static_cast<std::uint32_t>(room.size());
  std::uint32_t extra = 0;
  const bool mixed = types_.size() > 1;
  for (const auto& need : waiting) {
    // Several instance types: a task that fits no smallest instance (per parameter) is left
    // out; new instances are counted as the largest (per parameter), "the maximum calculated
    // instance count" (ECS guide, "Amazon ECS managed scaling behavior",
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-scaling-behavior.html,
    // as read 2026). The ECS API reference (ManagedScaling.minimumScalingStepSize) and the
    // CloudFormation ManagedScaling page said that with several instance types or AZs ECS
    // "will scale up by the exact minimum scaling step size value and will ignore both the
    // maximum scaling step size as well as the capacity demand"; slsim follows the guide (the
    // sentence is gone from the current SDK references; docs/models.md, "ECS on EC2").
    if (mixed && (need.cpu_units > smallest_.cpu_units || need.mem_mib > smallest_.mem_mib)) {
      continue;
    }
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
      const auto& t = mixed ? largest_ : types_[type_for(need)];
      room.push_back({t.cpu_units - need.cpu_units, t.mem_mib - need.mem_mib});
      ++extra;
    }
  }
  needed += launching + extra;
  // ECS Managed Instances spreads a service "across at least 3 instances in different
  // Availability Zones when possible ... Availability Zone spread takes precedence over bin
  // packing" (managed-instance-auto-scaling.html).
  needed = std::max(needed, std::min(spread_, tasks));
  const auto desired = static_cast<std::uint32_t>(
      std::clamp<double>(std::ceil(needed * 100.0 / cfg_.target_capacity_pct - 1e-9),
                         cfg_.min_instances, cfg_.max_instances));
  Decision d;
  const std::uint32_t serving = running_ - draining;
  if (desired > serving) {
    low_run_ = 0;
    d.launch = std::clamp(desired - serving, cfg_.min_scaling_step, cfg_.max_scaling_step);
    d.launch = std::min(d.launch, cfg_.max_instances - std::min(cfg_.max_instances, serving));
  } else if (idle_retire_) {
    // ECS Managed Instances: an instance idle for scaleInAfter is retired (idle instance
    // detection,
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-infrastructure-optimization.html),
    // the group kept at its minimum.
    low_run_ = 0;
    const std::uint32_t keep = std::max(cfg_.min_instances, std::min(spread_, tasks));
    if (*idle_retire_ != Duration::max() && serving > keep) {
      std::uint32_t left = serving - keep;
      for (const auto i : empty_instances(serving)) {
        if (now - instances_[i].empty_since >= *idle_retire_ && left > 0) {
          d.terminate.push_back(i);
          --left;
        }
      }
    }
  } else if (desired < running_) {
    // Once the low alarm holds, each minute's step removes at most scale_in_max_pct_ of the
    // group (at least one instance): 5 % before 2022-09-16, 50 % since (rules.csv
    // ecs.managed_scale_in_max_pct; AWS Containers blog "Faster Scaling-in for Amazon ECS
    // Cluster Auto Scaling").
    if (++low_run_ >= kScaleInDatapoints) {
      const auto bound = std::max<std::uint32_t>(
          1, static_cast<std::uint32_t>(std::floor(scale_in_max_pct_ / 100 * running_ + 1e-9)));
      d.terminate = empty_instances(std::min(running_ - desired, bound));
    }
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
