// Task life cycle: launch tokens, placement, start-up, health checks, drain and stop.

#include <fmt/format.h>

#include "container_model.hpp"

namespace slsim::containers {

std::uint32_t ContainerModel::new_task(std::uint32_t si) {
  std::uint32_t t;
  if (!free_tasks_.empty()) {
    t = free_tasks_.back();
    free_tasks_.pop_back();
  } else {
    t = static_cast<std::uint32_t>(tasks_.size());
    tasks_.emplace_back();
  }
  TaskRec& k = tasks_[t];
  const auto gen = k.gen + 1, done_gen = k.done_gen + 1;
  std::vector<Slot> slots = std::move(k.slots);
  slots.clear();
  k = TaskRec{};
  k.slots = std::move(slots);
  k.gen = gen;
  k.done_gen = done_gen;
  k.service = si;
  k.state = TaskState::kWaiting;
  k.created = sim_.now();
  k.in_service_at = TimePoint{Duration{INT64_MAX}};
  Service& s = svcs_[si];
  k.svc_pos = static_cast<std::uint32_t>(s.tasks.size());
  s.tasks.push_back(t);
  ++s.active;
  return t;
}

void ContainerModel::deploy_task(std::uint32_t si) {
  const auto t = new_task(si);
  Service& s = svcs_[si];
  TaskRec& k = tasks_[t];
  const TimePoint now = sim_.now();
  if (!fargate_) {
    auto i = cluster_->place(s.need, s.az_tasks);
    // A new instance is back-dated to time 0: the group must have had room for it all along,
    // not only now (it may have been at its maximum before instances were scaled in or
    // reclaimed; hosts_.max counts back-dated instances too).
    const bool can_add = cluster_->running() < o_.cluster.max_instances &&
                         o_.cluster.instances == 0 && hosts_.max + 1 <= o_.cluster.max_instances;
    // Spread ranks only the registered instances that fit (ECS guide, "Amazon ECS task
    // placement strategies"); the group's size comes from binpack ("This calculation uses a
    // binpack strategy", ECS guide, "Amazon ECS managed scaling behavior"): a task that fits
    // nowhere gets a new instance, which the Auto Scaling group puts in its AZ with the fewest
    // instances. 3 small tasks: 1 instance; with min_instances = 3, one task per AZ.
    if (i == UINT32_MAX) {
      if (!can_add) {
        note(
            fmt::format("service {}: the cluster has no room for an initial task; it waits "
                        "for capacity",
                        s.name));
        k.queued = true;
        unplaced_.push_back(t);
        return;
      }
      i = new_instance(cluster_->type_for(s.need), true, /*since_zero=*/true);
    }
    cluster_->reserve(i, s.need);
    ++s.az_tasks[(*cluster_)[i].az];
    k.instance = i;
    auto& in = (*cluster_)[i];
    if (!in.has_image(si)) in.images.push_back(si);
  }
  k.state = TaskState::kStarting;
  k.bill_from = TimePoint{};
  k.billing = true;
  tasks_alive_.add_since(TimePoint{}, now, 1);
  ++res_.extra_tasks_started;
  k.in_service_at = TimePoint{};
  go_in_service(t);
  if (fargate_) {
    // Its reserved vCPU counted from time 0 for the utilisation of tasks.
    hosts_cpu_.area += s.cfg->vcpu * static_cast<double>(now.time_since_epoch().count());
  }
  schedule_spot(t);
}

void ContainerModel::reconcile(std::uint32_t si) {
  Service& s = svcs_[si];
  while (s.active < s.desired) {
    const auto t = new_task(si);
    tasks_[t].queued = true;
    s.launch_queue.push_back(t);
  }
  if (s.active > s.desired) scale_in(si, s.active - s.desired);
  try_launch(si);
}

void ContainerModel::scale_in(std::uint32_t si, std::uint32_t count) {
  Service& s = svcs_[si];
  while (count-- > 0) {
    // Tasks not yet serving go first (the newest), then the serving task with the fewest
    // requests in flight (the newest on a tie).
    std::uint32_t best = UINT32_MAX;
    int best_rank = 99;
    for (auto it = s.tasks.rbegin(); it != s.tasks.rend(); ++it) {
      const TaskRec& k = tasks_[*it];
      int rank = 99;
      if (k.state == TaskState::kWaiting) rank = 0;
      if (k.state == TaskState::kStarting) rank = 1;
      if (k.state == TaskState::kInService) rank = 2;
      // ECS task scale-in protection: a consumer task with runs in progress is protected (it
      // sets ProtectionEnabled while it works), and scale-in stops only unprotected tasks; the
      // surplus is stopped when a protected task goes idle (on_done) or at a later tick.
      if (rank == 2 && k.n() > 0 && protects(s)) rank = 99;
      if (k.doomed) rank = 99;  // already on its way out (a retiring managed instance)
      if (rank < best_rank || (rank == 2 && best_rank == 2 && k.n() < tasks_[best].n())) {
        best = *it;
        best_rank = rank;
      }
    }
    if (best == UINT32_MAX || best_rank == 99) return;
    if (best_rank == 2) {
      drain(best, false);
    } else {
      stop_task(best, false);
    }
  }
}

void ContainerModel::try_launch(std::uint32_t si) {
  Service& s = svcs_[si];
  const TimePoint now = sim_.now();
  while (!s.launch_queue.empty()) {
    const auto t = s.launch_queue.front();
    if (tasks_[t].state != TaskState::kWaiting) {  // cancelled while waiting
      s.launch_queue.pop_front();
      release_task(t);
      continue;
    }
    refill(s.tokens, s.tokens_at, s.per_s, s.burst, now);
    refill(acct_tokens_, acct_at_, acct_per_s_, acct_burst_, now);
    const bool svc_ok = s.per_s == 0 || s.tokens >= 1;
    const bool acct_ok = acct_per_s_ == 0 || acct_tokens_ >= 1;
    if (!svc_ok || !acct_ok) {
      double wait_s = 0;
      if (!svc_ok) wait_s = std::max(wait_s, (1 - s.tokens) / s.per_s);
      if (!acct_ok) wait_s = std::max(wait_s, (1 - acct_tokens_) / acct_per_s_);
      if (!s.launch_scheduled) {
        s.launch_scheduled = true;
        sim_.schedule_in(std::max(from_seconds(wait_s), kMicrosecond), id_, kLaunch, si);
      }
      return;
    }
    if (s.per_s > 0) s.tokens -= 1;
    if (acct_per_s_ > 0) acct_tokens_ -= 1;
    s.launch_queue.pop_front();
    if (fargate_) {
      tasks_[t].queued = false;
      start_task(t);
    } else {
      unplaced_.push_back(t);
      try_place();
    }
  }
}

void ContainerModel::refill(double& tokens, TimePoint& at, double per_s, double burst,
                            TimePoint now) {
  if (per_s == 0) return;
  tokens = std::min(burst, tokens + per_s * to_seconds(now - at));
  at = now;
}

void ContainerModel::try_place() {
  for (std::size_t i = 0; i < unplaced_.size();) {
    const auto t = unplaced_[i];
    TaskRec& k = tasks_[t];
    if (k.state != TaskState::kWaiting) {
      unplaced_.erase(unplaced_.begin() + static_cast<std::ptrdiff_t>(i));
      release_task(t);
      continue;
    }
    const Service& s = svcs_[k.service];
    const auto in = cluster_->place(s.need, s.az_tasks);
    if (in == UINT32_MAX) {
      ++i;
      continue;
    }
    unplaced_.erase(unplaced_.begin() + static_cast<std::ptrdiff_t>(i));
    k.queued = false;
    cluster_->reserve(in, s.need);
    ++svcs_[k.service].az_tasks[(*cluster_)[in].az];
    k.instance = in;
    start_task(t);
  }
}

void ContainerModel::start_task(std::uint32_t t) {
  TaskRec& k = tasks_[t];
  Service& s = svcs_[k.service];
  const ServiceConfig& cfg = *s.cfg;
  const TimePoint now = sim_.now();
  k.state = TaskState::kStarting;
  const Duration prov = start_delay(s.provisioning, start_rng_);
  Duration up = start_delay(s.startup, start_rng_);
  if (!fargate_) {
    auto& in = (*cluster_)[k.instance];
    if (!in.has_image(k.service)) {
      up += start_delay(s.pull, start_rng_);
      in.images.push_back(k.service);
    }
  }
  // Health checks: the first at a uniform phase of the interval, then healthy_threshold - 1
  // more (ALB target group defaults: 30 s interval, 5 checks). A queue consumer has no target
  // group: it polls as soon as its container runs; nor has a Lambda Managed Instances execution
  // environment (Lambda's router sends it invocations once it is initialised).
  const double interval = cfg.health_check_interval_s;
  const Duration health =
      s.consumer_only() || managed_ == Managed::kLambda
          ? Duration{0}
          : from_seconds(health_rng_.uniform() * interval + (cfg.healthy_threshold - 1) * interval);
  k.bill_from = now + prov;
  k.billing = true;
  tasks_alive_.add(now, 1);
  ++res_.extra_tasks_started;
  sim_.schedule_at(now + prov + up + health, id_, kReady, t, k.gen);
  schedule_spot(t);
}

void ContainerModel::on_ready(std::uint32_t t) {
  TaskRec& k = tasks_[t];
  if (k.state != TaskState::kStarting) return;
  k.in_service_at = sim_.now();
  go_in_service(t);
}

void ContainerModel::go_in_service(std::uint32_t t) {
  TaskRec& k = tasks_[t];
  Service& s = svcs_[k.service];
  k.state = TaskState::kInService;
  k.v_at = sim_.now();
  k.lb_pos = s.lb.add(t, k.n());
  ++s.in_service;
  set_reserved(s, s.cfg->vcpu);
  serve_queue(t);
  reschedule(t);
  // A task replacing one on a retiring managed instance is serving: the old one drains now
  // (ECS's minimumHealthyPercent 100: the new task first).
  if (s.doomed > 0) {
    for (const auto d : s.tasks) {
      if (d != t && tasks_[d].doomed && tasks_[d].state == TaskState::kInService) {
        drain(d, false);
        break;
      }
    }
  }
}

void ContainerModel::deregister(std::uint32_t t) {
  TaskRec& k = tasks_[t];
  Service& s = svcs_[k.service];
  const auto moved = s.lb.remove(k.lb_pos);
  if (moved != UINT32_MAX) tasks_[moved].lb_pos = k.lb_pos;
  k.lb_pos = UINT32_MAX;
  --s.in_service;
}

void ContainerModel::drain(std::uint32_t t, bool spot) {
  TaskRec& k = tasks_[t];
  Service& s = svcs_[k.service];
  deregister(t);
  k.state = TaskState::kDraining;
  if (k.doomed) {
    k.doomed = false;  // no longer counted active since it was doomed
    --s.doomed;
  } else {
    --s.active;
  }
  ++k.gen;
  if (spot) {
    k.spot_doomed = true;
    const Duration grace = fargate_ ? from_seconds(s.cfg->stop_timeout_s) : kSpotWarning;
    sim_.schedule_in(grace, id_, kSpotEnd, t, k.gen);
  } else if (k.n() == 0 && (early_dereg_ || s.consumer_only())) {
    stop_task(t, false);
    return;
  } else {
    // A queue consumer has no target group to leave: ECS stops it (SIGTERM) and kills it
    // stop_timeout_s later; the messages it has not finished reappear after their visibility
    // timeout (sqs_consumer.cpp).
    const double grace_s =
        s.consumer_only() ? s.cfg->stop_timeout_s : s.cfg->deregistration_delay_s;
    sim_.schedule_in(from_seconds(grace_s), id_, kDrainEnd, t, k.gen);
  }
}

void ContainerModel::stop_task(std::uint32_t t, bool spot_end) {
  TaskRec& k = tasks_[t];
  Service& s = svcs_[k.service];
  const TimePoint now = sim_.now();
  const TaskState was = k.state;
  if (was == TaskState::kStopped) return;
  if (was == TaskState::kInService) deregister(t);
  if (k.doomed && was == TaskState::kInService) {
    k.doomed = false;  // no longer counted active since it was doomed
    --s.doomed;
  } else if (was == TaskState::kWaiting || was == TaskState::kStarting ||
             was == TaskState::kInService) {
    --s.active;
  }
  if (!k.slots.empty()) {
    k.advance(now, s.table);
    const auto n = k.n();
    const bool retry = spot_end && (fargate_ ? s.cfg->spot_in_flight : o_.cluster.spot_in_flight) ==
                                       SpotInFlight::kRetry;
    std::vector<Slot> slots = std::move(k.slots);
    k.slots.clear();
    set_cpu(s, -s.table.cpu_used[n], -static_cast<double>(n));
    set_instance_cpu(t, -s.table.cpu_used[n]);
    for (const auto& sl : slots) {
      if (reqs_[sl.request].msg.message) {
        if (!spot_end) ++runs_stopped_;  // by scale-in (unprotected) before the run ended
        abandon_run(sl.request);         // not deleted: back after its visibility timeout
      } else if (retry) {
        ++res_.attempts;
        ++res_.retries;
        route(sl.request);
      } else {
        end_request(sl.request, Outcome::kFailed, now);
      }
    }
    k.slots = std::move(slots);
    k.slots.clear();
  }
  if (was == TaskState::kInService || was == TaskState::kDraining) set_reserved(s, -s.cfg->vcpu);
  if (was != TaskState::kWaiting) {
    tasks_alive_.add(now, -1);
    ++res_.extra_tasks_stopped;
    bill_task(k, now);
    if (!fargate_ && k.instance != UINT32_MAX) {
      cluster_->release(k.instance, s.need, now);
      --s.az_tasks[(*cluster_)[k.instance].az];
      const auto& in = (*cluster_)[k.instance];
      if (in.retiring && in.tasks == 0 && in.state == InstanceState::kDraining) {
        sim_.schedule_in(Duration{0}, id_, kSpotEnd, k.instance | kInstanceBit, in.generation);
      }
    }
  }
  k.state = TaskState::kStopped;
  ++k.gen;
  ++k.done_gen;
  k.has_due = false;
  // Leave the service's task list.
  const auto last = s.tasks.back();
  s.tasks[k.svc_pos] = last;
  tasks_[last].svc_pos = k.svc_pos;
  s.tasks.pop_back();
  if (!k.queued) free_tasks_.push_back(t);
  if (!fargate_ && was != TaskState::kWaiting) try_place();
}

void ContainerModel::release_task(std::uint32_t t) {
  tasks_[t].queued = false;
  free_tasks_.push_back(t);
}

}  // namespace slsim::containers
