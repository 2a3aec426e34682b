// The container model's events, arrivals, routing, processor sharing and one-minute tick.

#include "container_model.hpp"

#include <fmt/format.h>

#include "slsim/containers/sizing.hpp"
#include "slsim/platform/duration_model.hpp"
#include "slsim/platform/impossible_error.hpp"

namespace slsim::containers {

ContainerModel::ContainerModel(Simulation& sim, WorkloadSource& src, const ContainerOptions& o,
                               const RateCard& rc, PartContext context)
    : sim_(sim),
      src_(src),
      o_(o),
      rc_(rc),
      ctx_(std::move(context)),
      fargate_(o.launch_type == LaunchType::kFargate),
      managed_(fargate_ ? Managed::kNone : o.managed),
      start_rng_(o.seed, 201),
      health_rng_(o.seed, 202),
      spot_rng_(o.seed, 203),
      instance_rng_(o.seed, 204),
      error_rng_(o.seed, 205) {
  validate_containers(o_, rc_);
  id_ = sim_.add(*this);
  if (const auto d = src_.declared_span_s(); d && *d > 0) span_end_ = TimePoint{from_seconds(*d)};
  res_.platform = std::string(platform_name(o));
  // Managed instances are replaced at the end of their lifetime: ECS Managed Instances' maximum
  // lifetime, Lambda Managed Instances' rotation (rules.csv; docs/models.md).
  if (managed_ != Managed::kNone) {
    const double days = rc_.rule(managed_ == Managed::kLambda ? "lambda_managed.rotation_days"
                                                              : "ecs_managed.replace_after_days",
                                 o_.as_of);
    lifetime_ = from_seconds(days * 86'400);
    if (managed_ == Managed::kLambda)
      max_work_ = from_seconds(rc_.rule("lambda.timeout_max_s", o_.as_of));
  }
  const auto g = static_cast<std::int64_t>(
      rc_.rule(fargate_ ? "fargate.granularity_s" : "ec2.granularity_s", o_.as_of));
  const auto m = static_cast<std::int64_t>(
      rc_.rule(fargate_ ? "fargate.minimum_s" : "ec2.minimum_s", o_.as_of));
  granularity_ = g * kSecond;
  minimum_ = m * kSecond;
  early_dereg_ = rc_.rule("elb.early_deregistration", o_.as_of) != 0;
  mb_per_vcpu_ = rc_.rule("lambda.mb_per_vcpu", o_.as_of);
  lambda_max_vcpu_ = rc_.rule("lambda.max_vcpu", o_.as_of);
  svc_per_min_ = rc_.rule(
      fargate_ ? "ecs.service_launch_per_min_fargate" : "ecs.service_launch_per_min_ec2", o_.as_of);
  if (fargate_) {
    acct_burst_ = rc_.rule("fargate.launch_burst", o_.as_of);
    acct_per_s_ = rc_.rule("fargate.launch_per_s", o_.as_of);
    acct_tokens_ = acct_burst_;
  } else {
    std::vector<InstanceType> types;
    for (const auto& t : o_.cluster.instance_types) {
      const auto shape = rc_.instance(t, o_.as_of, o_.region);
      InstanceType it;
      it.name = t;
      it.vcpu = shape.vcpu;
      it.cpu_units = static_cast<std::uint32_t>(std::llround(shape.vcpu * 1024));
      it.baseline_pct = rc_.rule_or("ec2.baseline_pct." + t, o_.as_of, 0);
      it.mem_mib = static_cast<std::uint32_t>(
          std::floor(shape.memory_gib * 1024 * o_.cluster.registered_memory_pct / 100) -
          o_.cluster.reserved_memory_mb);
      types.push_back(it);
      Ec2Usage u{t, o_.cluster.spot, 0, 0, 0};
      u.manager = managed_ == Managed::kLambda ? Ec2Manager::kLambda
                  : managed_ == Managed::kEcs  ? Ec2Manager::kEcs
                                               : Ec2Manager::kNone;
      ec2_usage_.push_back(u);
    }
    const bool managed =
        managed_ != Managed::kNone ||
        o_.cluster.managed_scaling.value_or(rc_.rule("ecs.capacity_providers", o_.as_of) != 0);
    // ECS Managed Instances retires an instance left idle for scaleInAfter seconds (-1: never).
    std::optional<Duration> idle_retire;
    if (managed_ == Managed::kEcs) {
      const double after =
          o_.cluster.scale_in_after_s.value_or(rc_.rule("ecs_managed.scale_in_after_s", o_.as_of));
      idle_retire = after < 0 ? Duration::max() : from_seconds(after);
    }
    cluster_ = std::make_unique<Cluster>(o_.cluster, std::move(types), managed,
                                         rc_.rule_or("ecs.managed_scale_in_max_pct", o_.as_of, 100),
                                         idle_retire, managed_ == Managed::kEcs ? 3 : 0);
    if (o_.cluster.instances > 0 || o_.cluster.min_instances > 0) {
      const auto n = std::max(o_.cluster.instances, o_.cluster.min_instances);
      for (std::uint32_t i = 0; i < n; ++i)
        new_instance(0, !o_.defaults.start_from_zero);
    }
  }
  for (const auto& [name, cfg] : o_.services) {
    const auto s = add_service(name, cfg);
    for (const auto& f : cfg.functions)
      by_name_[f] = s;
  }
  if (!fargate_ && o_.cluster.instance_warmup_s != ClusterConfig{}.instance_warmup_s) {
    note(
        "instance_warmup_s is not modelled: launching instances count as capacity for the "
        "waiting tasks until they register, whatever the warm-up");
  }
}

void ContainerModel::end_of_arrivals() {
  ended_ = true;
  drained_ = false;
  if (in_system_ == 0) enter_tail();
}

void ContainerModel::enter_tail() {
  // Capacity kept running after the traffic is billed over the workload's span (issue 19 #6):
  // the service and cluster live on, the autoscaler scaling in as it would, until the span ends.
  const TimePoint now = sim_.now();
  if (span_end_ > now) {
    if (!tick_scheduled_) {
      const auto m = kMinute.count();
      schedule_tick(TimePoint{Duration{(now.time_since_epoch().count() / m + 1) * m}});
    }
    tail_until_ = span_end_;
  } else {
    done(now);
  }
}

void ContainerModel::done(TimePoint end) {
  finished_ = true;
  end_ = end;
}

TimePoint ContainerModel::end_time() const {
  if (finished_) return end_;
  if (tail_until_ != TimePoint::max()) return tail_until_;
  return sim_.now();
}

void ContainerModel::handle(const Event& ev, Simulation&) {
  if (finished_) return;  // done: what is left in the queue is not this run's
  if (ev.time > tail_until_) {
    done(tail_until_);
    return;
  }
  on_event(ev);
  if (drained_) {  // the last request ended after the last arrival: the tail starts
    drained_ = false;
    enter_tail();
  }
}

void ContainerModel::on_event(const Event& ev) {
  switch (static_cast<Kind>(ev.kind)) {
    case kDone: {
      const auto t = static_cast<std::uint32_t>(ev.arg);
      if (tasks_[t].done_gen == ev.generation) on_done(t);
      break;
    }
    case kReady: {
      const auto t = static_cast<std::uint32_t>(ev.arg);
      if (tasks_[t].gen == ev.generation) on_ready(t);
      break;
    }
    case kDrainEnd: {
      const auto t = static_cast<std::uint32_t>(ev.arg);
      if (tasks_[t].gen == ev.generation) stop_task(t, false);
      break;
    }
    case kTick:
      tick_scheduled_ = false;
      on_tick();
      break;
    case kInstanceReady: {
      const auto i = static_cast<std::uint32_t>(ev.arg);
      if ((*cluster_)[i].generation == ev.generation) {
        cluster_->activate(i);
        hosts_cpu_.set(sim_.now(), cluster_->active_vcpu());
        try_place();
      }
      break;
    }
    case kSpotNotice:
      if (ev.arg & kInstanceBit) {
        const auto i = static_cast<std::uint32_t>(ev.arg & (kInstanceBit - 1));
        if ((*cluster_)[i].generation == ev.generation) instance_notice(i);
      } else {
        const auto t = static_cast<std::uint32_t>(ev.arg);
        if (tasks_[t].gen == ev.generation) task_notice(t);
      }
      break;
    case kSpotEnd:
      if (ev.arg & kInstanceBit) {
        const auto i = static_cast<std::uint32_t>(ev.arg & (kInstanceBit - 1));
        if ((*cluster_)[i].generation == ev.generation) instance_end(i);
      } else {
        const auto t = static_cast<std::uint32_t>(ev.arg);
        if (tasks_[t].gen == ev.generation) stop_task(t, true);
      }
      break;
    case kLaunch: {
      Service& s = svcs_[ev.arg];
      s.launch_scheduled = false;
      try_launch(static_cast<std::uint32_t>(ev.arg));
      break;
    }
    case kVisible:
      on_visible(static_cast<std::uint32_t>(ev.arg), ev.generation);
      break;
    case kRetire: {
      // First a replacement is launched; kReplaceLead later (arg | kInstanceBit) the old
      // instance drains onto it (docs/models.md, "Lambda Managed Instances").
      const auto i = static_cast<std::uint32_t>(ev.arg & (kInstanceBit - 1));
      if ((*cluster_)[i].generation != ev.generation) break;
      if (ev.arg & kInstanceBit) {
        retire_instance(i);
      } else if ((*cluster_)[i].state == InstanceState::kActive) {
        ++retired_;
        new_instance((*cluster_)[i].type, false);
        sim_.schedule_in(kReplaceLead, id_, kRetire, i | kInstanceBit, ev.generation);
      }
      break;
    }
  }
}

std::uint32_t ContainerModel::add_service(const std::string& name, const ServiceConfig& cfg) {
  const auto si = static_cast<std::uint32_t>(svcs_.size());
  svcs_.emplace_back();
  Service& s = svcs_.back();
  s.name = name;
  s.cfg = &cfg;
  s.table = SharingTable(cfg.vcpu, cfg.concurrency, cfg.cpu_bound_fraction, cfg.parallel_fraction);
  s.scaler = std::make_unique<Autoscaler>(cfg, managed_ == Managed::kLambda);
  s.need = {static_cast<std::uint32_t>(std::llround(cfg.vcpu * 1024)),
            static_cast<std::uint32_t>(std::llround(cfg.memory_gb * 1024))};
  s.timeout = from_seconds(cfg.lb_timeout_s);
  if (cfg.reference_memory_mb > 0) s.ref_vcpu = ref_vcpu(cfg.reference_memory_mb);
  s.provisioning =
      cfg.provisioning_s.value_or(fargate_ ? fargate_provisioning() : ec2_provisioning());
  s.startup = cfg.startup_s.value_or(fargate_ ? fargate_startup() : ec2_startup());
  s.pull = cfg.image_pull_s.value_or(ec2_image_pull());
  s.per_s = svc_per_min_ / 60.0;
  s.burst = svc_per_min_;
  s.tokens = s.burst;
  s.metric_at = sim_.now();
  if (fargate_) {
    FargateUsage u;
    u.arch = cfg.arch;
    u.spot = cfg.spot;
    std::uint32_t k = 0;
    for (; k < fargate_usage_.size(); ++k)
      if (fargate_usage_[k].arch == u.arch && fargate_usage_[k].spot == u.spot) break;
    if (k == fargate_usage_.size()) fargate_usage_.push_back(u);
    s.fargate_usage = k;
  }
  // The deployed service: its initial tasks run (and are healthy) from time 0, unless it
  // starts from zero.
  s.desired = s.scaler->initial_desired();
  if (cfg.start_from_zero) {
    reconcile(si);
  } else {
    for (std::uint32_t k = 0; k < s.desired; ++k)
      deploy_task(si);
  }
  return si;
}

double ContainerModel::ref_vcpu(std::uint32_t mb) const {
  return lambda_vcpu(mb, lambda_max_vcpu_, mb_per_vcpu_);
}

std::uint32_t ContainerModel::service_of(const Invocation& inv) {
  if (inv.function < fn_service_.size() && fn_service_[inv.function] != UINT32_MAX) {
    return fn_service_[inv.function];
  }
  if (inv.function >= fn_service_.size()) {
    fn_service_.resize(inv.function + 1, UINT32_MAX);
  }
  const auto& name = src_.functions()[inv.function].name;
  const auto it = by_name_.find(name);
  const auto s = it != by_name_.end() ? it->second : add_service(name, o_.defaults);
  fn_service_[inv.function] = s;
  fn_tally_.meet(inv.function);
  if (ctx_.overflow) {
    if (inv.function >= fn_spill_.size()) fn_spill_.resize(inv.function + 1, 0);
    fn_spill_[inv.function] = ctx_.spills && ctx_.spills(name) ? 1 : 0;
  }
  return s;
}

void ContainerModel::accept(const Invocation& inv) {
  // A Lambda Managed Instances function has Lambda's longest timeout (rule lambda.timeout_max_s,
  // 900 s since 2018-10-10): longer work cannot run there, as on Lambda (runners.cpp).
  if (managed_ == Managed::kLambda && inv.work > max_work_) {
    const auto& fns = src_.functions();
    throw ImpossibleError(fmt::format(
        "function '{}' runs {:.0f} s in one invocation; a Lambda function's maximum timeout on "
        "{} is {:.0f} s, on Managed Instances too",
        inv.function < fns.size() ? fns[inv.function].name : std::string("?"), to_seconds(inv.work),
        o_.as_of.str(), to_seconds(max_work_)));
  }
  last_progress_ = sim_.now();
  last_arrival_ = inv.arrival;
  const auto si = service_of(inv);
  Service& s = svcs_[si];
  // Spillover (docs/models.md, "Spillover"): a request that finds every healthy task at its
  // concurrency limit goes to the Lambda target group at once; it is not this part's arrival.
  if (inv.function < fn_spill_.size() && fn_spill_[inv.function] &&
      inv.type == InvocationType::kSync && s.lb.pick(s.cfg->concurrency) == UINT32_MAX) {
    ctx_.overflow->accept(inv);
    if (!tick_scheduled_) {
      const auto m = kMinute.count();
      schedule_tick(TimePoint{Duration{(sim_.now().time_since_epoch().count() / m + 1) * m}});
    }
    return;
  }
  ++res_.arrived;
  ++fn_tally_[inv.function].arrived;
  // Queue and async work is consumed from an SQS queue (sqs_consumer.cpp); only requests
  // (sync) pass the load balancer.
  const bool message = inv.type != InvocationType::kSync;
  if (!message) ++res_.attempts;  // a message's attempts are its receives
  const auto r = new_request();
  Request& q = reqs_[r];
  q.arrival = inv.arrival;
  q.service = si;
  q.fn = inv.function;
  q.solo = inv.work;
  q.cold = false;
  q.msg.reset(message);
  q.msg.async = message && inv.type == InvocationType::kAsync;
  const ServiceConfig& cfg = *s.cfg;
  // Measured at the service's reference_memory_mb, else at the size the source states: the one
  // rule every platform follows (docs/models.md, "Durations and memory").
  double ref = s.ref_vcpu;
  if (ref == 0) {
    if (const auto mb = measured_at_mb(0, inv, src_)) ref = ref_vcpu(mb);
  }
  if (!unscaled_noted_ && s.ref_vcpu == 0) {
    if (ref == 0) {
      unscaled_noted_ = true;
      note(
          "the trace's memory is not a Lambda setting: durations are taken as measured on one "
          "task alone (set reference_memory_mb to rescale them)");
    } else if (stated_memory_mb(inv, src_.functions()) == 0) {
      unscaled_noted_ = true;
      note(fmt::format(
          "the trace states no memory: its durations are taken as measured at {} MB (Lambda's "
          "default, on every platform) and rescaled to each task's vCPUs (state memory_mb or "
          "reference_memory_mb if they were measured at another size)",
          kUnstatedMemoryMb));
    }
  }
  if (ref > 0) {
    q.solo = scale_to_vcpu(inv.work, ref, cfg.vcpu, cfg.cpu_bound_fraction, cfg.parallel_fraction);
  }
  ++in_system_;
  if (message) {
    enqueue_message(r);
  } else {
    ++http_requests_;
    s.http_seen = true;
    route(r);
  }
  if (!tick_scheduled_) {
    const auto m = kMinute.count();
    schedule_tick(TimePoint{Duration{(sim_.now().time_since_epoch().count() / m + 1) * m}});
  }
}

void ContainerModel::route(std::uint32_t r) {
  Service& s = svcs_[reqs_[r].service];
  ++s.requests_minute;
  // Requests whose wait has passed the timeout left the queue then (504): they hold no place.
  expire_queue(s);
  const auto t = s.lb.pick(s.cfg->concurrency);
  if (t != UINT32_MAX) {
    admit(r, t);
    reschedule(t);
  } else if (s.lb.queue.size() < s.cfg->queue_size) {
    s.lb.queue.push_back(r);
  } else {
    // No room (Lambda Managed Instances: every execution environment is at its concurrency,
    // the request is throttled with a 429; a service: the load balancer's queue is full).
    ++s.refused_minute;
    end_request(r, Outcome::kRefused, sim_.now());
  }
}

void ContainerModel::admit(std::uint32_t r, std::uint32_t t) {
  const TimePoint now = sim_.now();
  TaskRec& k = tasks_[t];
  Service& s = svcs_[k.service];
  Request& q = reqs_[r];
  if (!q.msg.message) {  // a message's wait is its time visible, recorded when it ends
    const double wait_ms = to_millis(now - q.arrival);
    if (wait_ms > 0) {
      res_.queue_wait_ms.add(wait_ms);
    } else {
      ++zero_waits_;  // added to the sketch at once at the end
    }
    wait_mean_.add(wait_ms);
  }
  // Admissions that waited for a starting task; a request retried after a Spot interruption
  // is admitted again, so the share of cold requests counts each by its last admission.
  q.cold = k.in_service_at > q.arrival;
  if (q.cold) ++res_.cold_starts;
  k.advance(now, s.table);
  const auto n = k.n();
  k.slots.push_back({k.v + static_cast<double>(q.solo.count()), r});
  s.lb.set_load(k.lb_pos, n + 1);
  if (managed_ == Managed::kLambda) ++lambda_requests_;  // an invocation billed as a request
  set_cpu(s, s.table.cpu_used[n + 1] - s.table.cpu_used[n], 1);
  set_instance_cpu(t, s.table.cpu_used[n + 1] - s.table.cpu_used[n]);
}

void ContainerModel::reschedule(std::uint32_t t) {
  TaskRec& k = tasks_[t];
  if (k.slots.empty()) return;
  const Service& s = svcs_[k.service];
  const TimePoint at = k.next_finish(sim_.now(), s.table);
  if (k.has_due && k.due <= at) return;
  ++k.done_gen;
  k.due = at;
  k.has_due = true;
  sim_.schedule_at(at, id_, kDone, t, k.done_gen);
}

void ContainerModel::on_done(std::uint32_t t) {
  const TimePoint now = sim_.now();
  TaskRec& k = tasks_[t];
  k.has_due = false;
  Service& s = svcs_[k.service];
  k.advance(now, s.table);
  const auto before = k.n();
  for (std::size_t i = 0; i < k.slots.size();) {
    if (k.slots[i].finish_v <= k.v + 0.5) {
      const auto r = k.slots[i].request;
      k.slots[i] = k.slots.back();
      k.slots.pop_back();
      const auto& q = reqs_[r];
      if (q.msg.message) {
        message_done(r, now);
      } else if (now - q.arrival > s.timeout) {
        end_request(r, Outcome::kTimedOut, now);
      } else if (s.cfg->error_probability > 0 && error_rng_.uniform() < s.cfg->error_probability) {
        end_request(r, Outcome::kFailed, now);
      } else {
        end_request(r, Outcome::kCompleted, now);
      }
    } else {
      ++i;
    }
  }
  const auto n = k.n();
  set_cpu(s, s.table.cpu_used[n] - s.table.cpu_used[before],
          static_cast<double>(n) - static_cast<double>(before));
  set_instance_cpu(t, s.table.cpu_used[n] - s.table.cpu_used[before]);
  if (k.state == TaskState::kInService) {
    s.lb.set_load(k.lb_pos, n);
    if (n == 0 && s.active > s.desired && protects(s)) {
      // Its runs ended, so is its scale-in protection: the scale-in it held back stops it.
      drain(t, false);
      return;
    }
    serve_queue(t);
  } else if (k.state == TaskState::kDraining && n == 0 &&
             (early_dereg_ || k.spot_doomed || s.consumer_only())) {
    stop_task(t, false);
    return;
  }
  reschedule(t);
}

void ContainerModel::serve_queue(std::uint32_t t) {
  Service& s = svcs_[tasks_[t].service];
  while (tasks_[t].n() < s.cfg->concurrency && !s.lb.queue.empty()) {
    const auto r = s.lb.queue.front();
    s.lb.queue.pop_front();
    if (sim_.now() - reqs_[r].arrival >= s.timeout) {
      end_request(r, Outcome::kTimedOut, reqs_[r].arrival + s.timeout);
      continue;
    }
    admit(r, t);
  }
  if (!s.sqs.fifo.empty()) poll(tasks_[t].service, t);
}

void ContainerModel::expire_queue(Service& s) {
  while (!s.lb.queue.empty()) {
    const auto r = s.lb.queue.front();
    if (sim_.now() - reqs_[r].arrival < s.timeout) break;
    s.lb.queue.pop_front();
    end_request(r, Outcome::kTimedOut, reqs_[r].arrival + s.timeout);
  }
}

void ContainerModel::end_request(std::uint32_t r, Outcome o, TimePoint end) {
  const Request& q = reqs_[r];
  const Service& s = svcs_[q.service];
  FunctionTally& f = fn_tally_[q.fn];
  if (q.cold) {
    ++cold_requests_;
    ++f.cold;
  }
  auto& out = res_.outcomes;
  if (o == Outcome::kTimedOut) end = std::min(end, q.arrival + s.timeout);
  const double ms = to_millis(end - q.arrival);
  switch (o) {
    case Outcome::kCompleted:
      ++out.completed;
      ++f.outcomes.completed;
      f.latency_completed.add(ms);
      res_.latency_completed_stats.add(ms);
      break;
    case Outcome::kFailed:
      ++out.failed;
      ++f.outcomes.failed;
      break;
    case Outcome::kTimedOut:
      ++out.timed_out;
      ++f.outcomes.timed_out;
      break;
    case Outcome::kRefused:
      ++out.refused;
      ++f.outcomes.refused;
      break;
    case Outcome::kExpired:
      ++out.expired;
      ++f.outcomes.expired;
      break;
    case Outcome::kUnfinished:
      ++out.unfinished;
      ++f.outcomes.unfinished;
      break;
  }
  if (o == Outcome::kFailed || o == Outcome::kTimedOut) {
    // Merged with the completed ones at the end (one sketch update per request). A refused
    // request never ran (the load balancer's queue was full): counted, not a latency, as a
    // throttled Lambda invocation is not.
    f.latency_other.add(ms);
    latency_other_stats_.add(ms);
  }
  --in_system_;
  last_progress_ = sim_.now();
  if (!q.msg.busy()) free_reqs_.push_back(r);  // a message may still be queued or running
  if (in_system_ == 0 && !more()) drained_ = true;
}

std::uint32_t ContainerModel::new_request() {
  if (!free_reqs_.empty()) {
    const auto r = free_reqs_.back();
    free_reqs_.pop_back();
    return r;
  }
  reqs_.emplace_back();
  return static_cast<std::uint32_t>(reqs_.size() - 1);
}

void ContainerModel::touch(Service& s) {
  const TimePoint now = sim_.now();
  const auto dt = static_cast<double>((now - s.metric_at).count());
  s.cpu_area += s.cpu_now * dt;
  s.cpu_total += s.cpu_now * dt;
  s.reserved_area += s.reserved_now * dt;
  s.busy_area += s.busy_now * dt;
  s.metric_at = now;
}

void ContainerModel::set_cpu(Service& s, double delta, double busy) {
  if (delta == 0 && busy == 0) return;
  touch(s);
  s.cpu_now += delta;
  s.busy_now += busy;
  cpu_.add(sim_.now(), delta);
}

void ContainerModel::set_instance_cpu(std::uint32_t t, double delta) {
  if (fargate_ || delta == 0) return;
  const auto i = tasks_[t].instance;
  if (i == UINT32_MAX) return;
  auto& in = (*cluster_)[i];
  if (cluster_->type(in.type).baseline_pct <= 0) return;
  settle_credits(in, sim_.now());
  in.cpu_now = std::max(0.0, in.cpu_now + delta);
}

void ContainerModel::settle_credits(Instance& in, TimePoint now) {
  // Burstable performance instances (docs/models.md, "ECS on EC2"): credits are earned at the
  // baseline (baseline_pct of each vCPU) and spent by the CPU in use; at most 24 hours of
  // earnings accrue. Unlimited mode spends past zero; surplus credits are paid back by later
  // earnings, and those beyond 24 hours of earnings are charged at once.
  const auto& ty = cluster_->type(in.type);
  const double dt = static_cast<double>((now - in.cpu_at).count());
  in.cpu_at = now;
  if (dt <= 0) return;
  const double earn = ty.baseline_pct / 100 * ty.vcpu;  // vCPUs
  const double cap = earn * static_cast<double>((24 * kHour).count());
  in.credit_vcpu_us += (earn - in.cpu_now) * dt;
  if (in.credit_vcpu_us > cap) in.credit_vcpu_us = cap;
  if (in.credit_vcpu_us < -cap) {
    in.charged_vcpu_us += -cap - in.credit_vcpu_us;
    in.credit_vcpu_us = -cap;
  }
}

void ContainerModel::set_reserved(Service& s, double delta) {
  touch(s);
  s.reserved_now += delta;
  if (fargate_) hosts_cpu_.add(sim_.now(), delta);
}

void ContainerModel::schedule_tick(TimePoint at) {
  if (tick_scheduled_) return;
  tick_scheduled_ = true;
  sim_.schedule_at(at, id_, kTick);
}

void ContainerModel::on_tick() {
  const TimePoint now = sim_.now();
  std::uint32_t desired = 0, running = 0;
  for (std::uint32_t si = 0; si < svcs_.size(); ++si) {
    Service& s = svcs_[si];
    touch(s);
    Datapoint d;
    d.at = now;
    d.has_cpu = s.reserved_area > 0;
    d.cpu_pct = d.has_cpu ? 100 * s.cpu_area / s.reserved_area : 0;
    d.in_service = s.in_service;
    d.requests_per_task =
        static_cast<double>(s.requests_minute) / std::max<std::uint32_t>(1, s.in_service);
    d.has_requests = !s.consumer_only();
    d.backlog = backlog_datapoint(s, now);
    if (managed_ == Managed::kLambda && s.reserved_area > 0) {
      // Lambda Managed Instances scales on CPU and on "multi-concurrency saturation": the share
      // of the environments' request slots in use over the minute; requests throttled for want
      // of a slot count as demand beyond them.
      const double slots = s.reserved_area / s.cfg->vcpu * s.cfg->concurrency;
      double sat = slots > 0 ? 100 * s.busy_area / slots : 0;
      const auto served = s.requests_minute - s.refused_minute;
      if (s.refused_minute > 0) {
        sat = std::max(sat, 100.0 * static_cast<double>(s.requests_minute) /
                                static_cast<double>(std::max<std::uint64_t>(served, 1)));
      }
      d.saturation_pct = sat;
    }
    s.cpu_area = s.reserved_area = s.busy_area = 0;
    s.requests_minute = s.refused_minute = 0;
    expire_queue(s);
    const auto next = s.scaler->evaluate(d, s.desired);
    if (next != s.desired) {
      s.desired = next;
    }
    reconcile(si);
    desired += s.desired;
    running += s.in_service;
  }
  if (cluster_) {
    std::vector<Need> waiting;
    for (const auto t : unplaced_)
      if (tasks_[t].state == TaskState::kWaiting) waiting.push_back(svcs_[tasks_[t].service].need);
    const auto d = cluster_->evaluate(waiting, now);
    for (const auto i : d.terminate)
      end_instance(i);
    const std::uint16_t type = waiting.empty() ? 0 : cluster_->type_for(waiting.front());
    for (std::uint32_t k = 0; k < d.launch; ++k)
      new_instance(type, false);
  }
  if (o_.record_timeline) {
    res_.timeline.push_back(
        {to_seconds(now), desired, running, cluster_ ? cluster_->running() : 0});
  }
  // A safety bound: with work still in the system but nothing ended for 30 simulated days
  // (past SQS's longest retention and any load-balancer timeout), the run cannot make progress
  // (e.g. a service held at no task); it stops and what is left counts as unfinished.
  if (!more() && in_system_ > 0 && now - last_progress_ > 30 * 86'400 * kSecond &&
      now > span_end_) {
    note(
        fmt::format("the run stopped {} simulated days after the last arrival or end: {} "
                    "invocations could not finish (counted as unfinished)",
                    30, in_system_));
    done(now);
    return;
  }
  if (more() || in_system_ > 0 || now + kMinute <= span_end_) schedule_tick(now + kMinute);
}

void ContainerModel::note(std::string text) {
  if (notes_.size() < 10) notes_.push_back(std::move(text));
}

}  // namespace slsim::containers

namespace slsim {

namespace {

ContainerResult run_sized(WorkloadSource& workload, const ContainerOptions& sized,
                          const RateCard& rates, std::vector<std::string> first_notes) {
  Simulation sim;
  Lookahead ahead;
  containers::ContainerModel model(sim, workload, sized, rates, single_platform(ahead));
  drive(sim, workload, model, ahead);
  ContainerResult r = model.finish();
  r.notes.insert(r.notes.begin(), first_notes.begin(), first_notes.end());
  return r;
}

}  // namespace

ContainerResult simulate_containers(WorkloadSource& workload, const ContainerOptions& options,
                                    const RateCard& rates) {
  if (!needs_sizing(options)) return run_sized(workload, options, rates, {});
  validate_containers(options, rates);
  const ContainerOptions sized = size_containers(options, WorkloadProfile{}, rates);
  return run_sized(workload, sized, rates,
                   {"sized without a pass over the workload: " + describe_sizing(sized)});
}

ContainerResult simulate_containers(const WorkloadOpener& open, const ContainerOptions& options,
                                    const RateCard& rates) {
  if (!needs_sizing(options)) {
    auto src = open();
    return run_sized(*src, options, rates, {});
  }
  validate_containers(options, rates);
  WorkloadProfile profile;
  if (services_need_sizing(options)) {  // else only the instance type: no pass needed
    auto pass = open();
    profile = profile_workload(*pass);
  }
  const ContainerOptions sized = size_containers(options, profile, rates);
  auto src = open();
  return run_sized(*src, sized, rates,
                   {"sized from the trace: " + describe_sizing(sized, profile)});
}

std::unique_ptr<PlatformPart<ContainerResult>> make_container_part(Simulation& sim,
                                                                   WorkloadSource& src,
                                                                   const ContainerOptions& options,
                                                                   const RateCard& rates,
                                                                   PartContext context) {
  return std::make_unique<containers::ContainerModel>(sim, src, options, rates, std::move(context));
}

}  // namespace slsim
