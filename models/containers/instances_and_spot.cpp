// EC2 instances of the cluster and Spot interruptions (of tasks and of instances).

#include "container_model.hpp"

namespace slsim::containers {

std::optional<Duration> ContainerModel::spot_delay(double pct) {
  if (pct <= 0) return std::nullopt;
  const double per_hour = -std::log1p(-std::min(pct, 99.99) / 100) / kHoursPerMonth;
  const double hours = spot_rng_.exponential(1 / per_hour);
  if (hours > 1e6) return std::nullopt;
  return from_seconds(hours * 3600);
}

void ContainerModel::schedule_spot(std::uint32_t t) {
  TaskRec& k = tasks_[t];
  const ServiceConfig& cfg = *svcs_[k.service].cfg;
  if (!fargate_ || !cfg.spot) return;
  if (const auto d = spot_delay(cfg.spot_interruption_pct)) {
    sim_.schedule_in(*d, id_, kSpotNotice, t, k.gen);
  }
}

void ContainerModel::task_notice(std::uint32_t t) {
  TaskRec& k = tasks_[t];
  ++spot_interruptions_;
  const auto si = k.service;
  if (k.state == TaskState::kInService) {
    drain(t, true);
  } else {
    stop_task(t, true);
  }
  reconcile(si);  // the service scheduler replaces the task
}

void ContainerModel::instance_notice(std::uint32_t i) {
  ++spot_interruptions_;
  auto& in = (*cluster_)[i];
  if (in.state == InstanceState::kLaunching) {
    instance_end(i);
    return;
  }
  in.state = InstanceState::kDraining;
  std::vector<std::uint32_t> on;
  for (std::uint32_t t = 0; t < tasks_.size(); ++t) {
    const auto st = tasks_[t].state;
    if (tasks_[t].instance == i && st != TaskState::kStopped && st != TaskState::kWaiting) {
      on.push_back(t);
    }
  }
  std::vector<std::uint32_t> services;
  for (const auto t : on) {
    services.push_back(tasks_[t].service);
    if (tasks_[t].state == TaskState::kInService) {
      drain(t, true);
    } else if (tasks_[t].state == TaskState::kStarting) {
      stop_task(t, true);
    }
  }
  for (const auto si : services)
    reconcile(si);
  sim_.schedule_in(kSpotWarning, id_, kSpotEnd, i | kInstanceBit, in.generation);
}

void ContainerModel::retire_instance(std::uint32_t i) {
  auto& in = (*cluster_)[i];
  if (in.state == InstanceState::kDraining || in.state == InstanceState::kTerminated) return;
  if (in.state == InstanceState::kLaunching) {
    instance_end(i);
    return;
  }
  in.state = InstanceState::kDraining;
  in.retiring = true;
  std::vector<std::uint32_t> services;
  for (std::uint32_t t = 0; t < tasks_.size(); ++t) {
    const auto st = tasks_[t].state;
    if (tasks_[t].instance != i || st == TaskState::kStopped || st == TaskState::kWaiting) continue;
    services.push_back(tasks_[t].service);
    if (st == TaskState::kInService) {
      // It serves on until its replacement does (go_in_service), then drains.
      if (!tasks_[t].doomed) {
        tasks_[t].doomed = true;
        --svcs_[tasks_[t].service].active;
        ++svcs_[tasks_[t].service].doomed;
      }
    } else if (st == TaskState::kStarting) {
      stop_task(t, false);
    }
  }
  for (const auto si : services)
    reconcile(si);
  try_place();
  // What is still running when the drain time is over stops (its requests are retried).
  sim_.schedule_in(kRetireDrain, id_, kSpotEnd, i | kInstanceBit, in.generation);
}

void ContainerModel::instance_end(std::uint32_t i) {
  for (std::uint32_t t = 0; t < tasks_.size(); ++t) {
    const auto st = tasks_[t].state;
    if (tasks_[t].instance == i && st != TaskState::kStopped && st != TaskState::kWaiting) {
      const auto si = tasks_[t].service;
      stop_task(t, true);
      reconcile(si);
    }
  }
  end_instance(i);
  if (o_.cluster.instances > 0) new_instance(0, false);  // the group keeps its size
}

std::uint32_t ContainerModel::new_instance(std::uint16_t type, bool active, bool since_zero,
                                           int az) {
  const TimePoint now = sim_.now();
  const TimePoint launched = since_zero ? TimePoint{} : now;
  const auto i = cluster_->add(type, launched, active, az);
  ++instances_launched_;
  if (since_zero) {
    hosts_.add_since(TimePoint{}, now, 1);
    hosts_cpu_.add_since(TimePoint{}, now, cluster_->type(type).vcpu);
  } else {
    hosts_.add(now, 1);
    if (active) hosts_cpu_.add(now, cluster_->type(type).vcpu);
  }
  auto& in = (*cluster_)[i];
  if (!active) {
    const auto d = o_.cluster.instance_launch_s.value_or(instance_launch());
    sim_.schedule_in(start_delay(d, instance_rng_), id_, kInstanceReady, i, in.generation);
  }
  if (lifetime_ > Duration{0}) {
    // Instances launched together are not replaced together: each within an hour after its
    // lifetime, at a uniform offset.
    const Duration stagger = from_seconds(3600 * instance_rng_.uniform());
    sim_.schedule_at(std::max(now, launched + lifetime_ + stagger), id_, kRetire, i, in.generation);
  }
  if (o_.cluster.spot) {
    if (const auto d = spot_delay(o_.cluster.spot_interruption_pct)) {
      sim_.schedule_at(std::max(now, launched + *d), id_, kSpotNotice, i | kInstanceBit,
                       in.generation);
    }
  }
  return i;
}

void ContainerModel::end_instance(std::uint32_t i) {
  const TimePoint now = sim_.now();
  auto& in = (*cluster_)[i];
  const bool counted = in.state == InstanceState::kActive || in.state == InstanceState::kDraining;
  bill_instance(in, now);
  if (counted) hosts_cpu_.add(now, -cluster_->type(in.type).vcpu);
  hosts_.add(now, -1);
  cluster_->terminate(i);
}

}  // namespace slsim::containers
