// The container model: ECS services on EC2 or Fargate on the discrete-event engine. It owns the
// parts (load balancers, task pool, autoscalers, cluster) and handles their events.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "autoscaler.hpp"
#include "cluster.hpp"
#include "load_balancer.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/core/simulation.hpp"
#include "task_pool.hpp"

namespace slsim {

namespace {

using namespace containers;

enum Kind : std::uint32_t {
  kDone,           // a task's next request completion (arg task, generation done_gen)
  kReady,          // a task passed its health checks (arg task)
  kDrainEnd,       // a draining task's deregistration delay is over (arg task)
  kTick,           // one-minute datapoint: metrics, autoscaling, cluster scaling
  kInstanceReady,  // an EC2 instance registered with the cluster (arg instance)
  kSpotNotice,     // a Spot interruption warning (arg task, or instance | kInstanceBit)
  kSpotEnd,        // the interrupted capacity stops
  kLaunch,         // a service may launch tasks again (launch-rate tokens)
};
constexpr std::uint64_t kInstanceBit = std::uint64_t{1} << 40;

// ---- cited defaults (docs/models.md, "ECS on EC2" and "Fargate") ----
// Fargate: ENI provisioning "adds an overhead of several seconds" (ECS task recommendations);
// image pull and start with no image cache, 20-40 s in a VPC and about a minute for larger
// images (aws/containers-roadmap #358, #696): median 30 s, 99th percentile 75 s.
Distribution fargate_provisioning() {
  return Distribution::lognormal_from_median_p99(5, 15);
}
Distribution fargate_startup() {
  return Distribution::lognormal_from_median_p99(30, 75);
}
// EC2 with the image cached on the host: "launch times ... ~1-3 seconds" (containers-roadmap
// #696); a host without the image pulls it, "10-20 seconds" for larger images (ECS best
// practices, image pull behaviour).
Distribution ec2_provisioning() {
  return Distribution::lognormal_from_median_p99(0.5, 2);
}
Distribution ec2_startup() {
  return Distribution::lognormal_from_median_p99(1, 3);
}
Distribution ec2_image_pull() {
  return Distribution::uniform(10, 20);
}
// EC2 launch, boot and ECS agent registration: about 30 s to SSH (Percival, "EC2 boot time
// benchmarking", 2021), "one to two minutes" to first availability (ADMIN 65/2021):
// median 60 s, 99th percentile 150 s.
Distribution instance_launch() {
  return Distribution::lognormal_from_median_p99(60, 150);
}
// Spot notice: two minutes (EC2 Spot interruption notices; Fargate capacity providers).
constexpr Duration kSpotWarning = 120 * kSecond;
constexpr double kHoursPerMonth = 730;

/// A time-weighted quantity whose past can be amended (for services found late in the trace
/// whose initial tasks ran from time 0).
struct Level {
  double value = 0, max = 0, area = 0;  // area in value x microseconds
  TimePoint last{};
  void set(TimePoint t, double v) {
    area += value * static_cast<double>((t - last).count());
    last = t;
    value = v;
    max = std::max(max, v);
  }
  void add(TimePoint t, double d) { set(t, value + d); }
  void add_since(TimePoint since, TimePoint t, double d) {
    add(t, d);
    area += d * static_cast<double>((t - since).count());
  }
  double integral(TimePoint t) const {
    return area + value * static_cast<double>((t - last).count());
  }
  double mean(TimePoint t) const {
    const auto span = t.time_since_epoch().count();
    return span > 0 ? integral(t) / static_cast<double>(span) : value;
  }
};

struct Request {
  TimePoint arrival{};
  Duration solo{};
  std::uint32_t service = 0;
};

struct Service {
  std::string name;
  const ServiceConfig* cfg = nullptr;
  SharingTable table;
  std::unique_ptr<Autoscaler> scaler;
  LoadBalancer lb;
  Need need;
  Duration timeout{};
  double ref_vcpu = 0;  // > 0: every request's reference CPU (reference_memory_mb set)
  Distribution provisioning, startup, pull;
  std::uint32_t desired = 0, active = 0, in_service = 0;
  std::vector<std::uint32_t> tasks;  // alive tasks (any state but stopped)
  std::deque<std::uint32_t> launch_queue;
  bool launch_scheduled = false;
  double tokens = 0, per_s = 0, burst = 0;  // per-service launch rate (0: none)
  TimePoint tokens_at{};
  // One-minute metrics.
  double cpu_now = 0, cpu_area = 0, reserved_now = 0, reserved_area = 0;
  TimePoint metric_at{};
  std::uint64_t requests_minute = 0;
  std::uint32_t fargate_usage = 0;  // index into usage.fargate
};

class ContainerModel final : public Component {
 public:
  ContainerModel(Simulation& sim, WorkloadSource& src, const ContainerOptions& o,
                 const RateCard& rc)
      : sim_(sim),
        src_(src),
        o_(o),
        rc_(rc),
        fargate_(o.launch_type == LaunchType::kFargate),
        start_rng_(o.seed, 201),
        health_rng_(o.seed, 202),
        spot_rng_(o.seed, 203),
        instance_rng_(o.seed, 204) {
    validate_containers(o_, rc_);
    id_ = sim_.add(*this);
    res_.platform = std::string(to_string(o.launch_type));
    const auto g = static_cast<std::int64_t>(
        rc_.rule(fargate_ ? "fargate.granularity_s" : "ec2.granularity_s", o_.as_of));
    const auto m = static_cast<std::int64_t>(
        rc_.rule(fargate_ ? "fargate.minimum_s" : "ec2.minimum_s", o_.as_of));
    granularity_ = g * kSecond;
    minimum_ = m * kSecond;
    early_dereg_ = rc_.rule("elb.early_deregistration", o_.as_of) != 0;
    mb_per_vcpu_ = rc_.rule("lambda.mb_per_vcpu", o_.as_of);
    lambda_max_vcpu_ = rc_.rule("lambda.max_vcpu", o_.as_of);
    svc_per_min_ =
        rc_.rule(fargate_ ? "ecs.service_launch_per_min_fargate" : "ecs.service_launch_per_min_ec2",
                 o_.as_of);
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
        it.mem_mib = static_cast<std::uint32_t>(
            std::floor(shape.memory_gib * 1024 * o_.cluster.registered_memory_pct / 100) -
            o_.cluster.reserved_memory_mb);
        types.push_back(it);
        ec2_usage_.push_back(Ec2Usage{t, o_.cluster.spot, 0, 0});
      }
      const bool managed =
          o_.cluster.managed_scaling.value_or(rc_.rule("ecs.capacity_providers", o_.as_of) != 0);
      cluster_ = std::make_unique<Cluster>(o_.cluster, std::move(types), managed);
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
    if (!src_.memory_is_lambda_setting()) {
      bool all_ref = o_.defaults.reference_memory_mb > 0;
      for (const auto& [n, c] : o_.services)
        all_ref = all_ref && c.reference_memory_mb > 0;
      if (!all_ref) {
        note(
            "the trace's memory is not a Lambda setting: durations are taken as measured on "
            "one task alone (set reference_memory_mb to rescale them)");
      }
    }
    pull_arrival();
  }

  /// Runs until the last request has ended: the simulation ends with the workload, so tasks and
  /// instances are billed until then.
  void run() {
    while (has_pending_) {
      sim_.run_until(pending_.arrival);
      on_arrival();
    }
    if (in_system_ > 0) sim_.run();
  }

  ContainerResult finish();

  void handle(const Event& ev, Simulation&) override {
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
    }
  }

 private:
  struct TaskRec : Task {
    std::uint32_t gen = 0;       // life events (ready, drain end, Spot)
    std::uint32_t done_gen = 0;  // completion events
    std::uint32_t svc_pos = 0;   // index in its service's task list
    TimePoint due{};             // time of the pending completion event (when has_due)
    bool has_due = false;
    bool queued = false;  // in a launch queue or waiting for a place
  };

  // ---- services -----------------------------------------------------------------------------
  std::uint32_t add_service(const std::string& name, const ServiceConfig& cfg) {
    const auto si = static_cast<std::uint32_t>(svcs_.size());
    svcs_.emplace_back();
    Service& s = svcs_.back();
    s.name = name;
    s.cfg = &cfg;
    s.table =
        SharingTable(cfg.vcpu, cfg.concurrency, cfg.cpu_bound_fraction, cfg.parallel_fraction);
    s.scaler = std::make_unique<Autoscaler>(cfg);
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

  double ref_vcpu(std::uint32_t mb) const { return std::min(mb / mb_per_vcpu_, lambda_max_vcpu_); }

  std::uint32_t service_of(const Invocation& inv) {
    if (inv.function < fn_service_.size() && fn_service_[inv.function] != UINT32_MAX) {
      return fn_service_[inv.function];
    }
    if (inv.function >= fn_service_.size()) fn_service_.resize(inv.function + 1, UINT32_MAX);
    const auto& name = src_.functions()[inv.function].name;
    const auto it = by_name_.find(name);
    const auto s = it != by_name_.end() ? it->second : add_service(name, o_.defaults);
    fn_service_[inv.function] = s;
    return s;
  }

  // ---- arrivals and routing -----------------------------------------------------------------
  void pull_arrival() {
    has_pending_ = src_.next(pending_);
    if (has_pending_ && pending_.arrival < last_arrival_) {
      throw std::logic_error("the workload is not sorted by arrival");
    }
    if (has_pending_) last_arrival_ = pending_.arrival;
  }

  void on_arrival() {
    const Invocation inv = pending_;
    pull_arrival();
    const auto si = service_of(inv);
    Service& s = svcs_[si];
    ++res_.arrived;
    ++res_.attempts;
    const auto r = new_request();
    Request& q = reqs_[r];
    q.arrival = inv.arrival;
    q.service = si;
    q.solo = inv.work;
    const ServiceConfig& cfg = *s.cfg;
    double ref = s.ref_vcpu;
    if (ref == 0 && src_.memory_is_lambda_setting()) {
      const auto mb = inv.memory_mb ? inv.memory_mb : src_.functions()[inv.function].memory_mb;
      if (mb) ref = ref_vcpu(mb);
    }
    if (ref > 0) {
      q.solo =
          scale_to_vcpu(inv.work, ref, cfg.vcpu, cfg.cpu_bound_fraction, cfg.parallel_fraction);
    }
    ++in_system_;
    route(r);
    if (!tick_scheduled_) {
      const auto m = kMinute.count();
      schedule_tick(TimePoint{Duration{(sim_.now().time_since_epoch().count() / m + 1) * m}});
    }
  }

  void route(std::uint32_t r) {
    Service& s = svcs_[reqs_[r].service];
    ++s.requests_minute;
    const auto t = s.lb.pick(s.cfg->concurrency);
    if (t != UINT32_MAX) {
      admit(r, t);
      reschedule(t);
    } else if (s.lb.queue.size() < s.cfg->queue_size) {
      s.lb.queue.push_back(r);
    } else {
      end_request(r, Outcome::kRefused, sim_.now());
    }
  }

  void admit(std::uint32_t r, std::uint32_t t) {
    const TimePoint now = sim_.now();
    TaskRec& k = tasks_[t];
    Service& s = svcs_[k.service];
    Request& q = reqs_[r];
    const double wait_ms = to_millis(now - q.arrival);
    if (wait_ms > 0) {
      res_.queue_wait_ms.add(wait_ms);
    } else {
      ++zero_waits_;  // added to the sketch at once at the end
    }
    wait_mean_.add(wait_ms);
    if (k.in_service_at > q.arrival) ++res_.cold_starts;
    k.advance(now, s.table);
    const auto n = k.n();
    k.slots.push_back({k.v + static_cast<double>(q.solo.count()), r});
    s.lb.set_load(k.lb_pos, n + 1);
    set_cpu(s, s.table.cpu_used[n + 1] - s.table.cpu_used[n]);
  }

  /// Keeps the task's next-completion event right. A pending event that is not later than the
  /// new completion time is kept (it re-checks when it fires), so an arrival that only stretches
  /// the others' work schedules nothing.
  void reschedule(std::uint32_t t) {
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

  void on_done(std::uint32_t t) {
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
        end_request(r, now - q.arrival > s.timeout ? Outcome::kTimedOut : Outcome::kCompleted, now);
      } else {
        ++i;
      }
    }
    const auto n = k.n();
    set_cpu(s, s.table.cpu_used[n] - s.table.cpu_used[before]);
    if (k.state == TaskState::kInService) {
      s.lb.set_load(k.lb_pos, n);
      serve_queue(t);
    } else if (k.state == TaskState::kDraining && n == 0 && (early_dereg_ || k.spot_doomed)) {
      stop_task(t, false);
      return;
    }
    reschedule(t);
  }

  /// Gives queued requests to task `t` while it has free slots.
  void serve_queue(std::uint32_t t) {
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
  }

  void expire_queue(Service& s) {
    while (!s.lb.queue.empty()) {
      const auto r = s.lb.queue.front();
      if (sim_.now() - reqs_[r].arrival < s.timeout) break;
      s.lb.queue.pop_front();
      end_request(r, Outcome::kTimedOut, reqs_[r].arrival + s.timeout);
    }
  }

  enum class Outcome { kCompleted, kFailed, kTimedOut, kRefused, kUnfinished };

  void end_request(std::uint32_t r, Outcome o, TimePoint end) {
    const Request& q = reqs_[r];
    const Service& s = svcs_[q.service];
    auto& out = res_.outcomes;
    if (o == Outcome::kTimedOut) end = std::min(end, q.arrival + s.timeout);
    const double ms = to_millis(end - q.arrival);
    switch (o) {
      case Outcome::kCompleted:
        ++out.completed;
        res_.latency_completed_ms.add(ms);
        res_.latency_completed_stats.add(ms);
        break;
      case Outcome::kFailed:
        ++out.failed;
        break;
      case Outcome::kTimedOut:
        ++out.timed_out;
        break;
      case Outcome::kRefused:
        ++out.refused;
        break;
      case Outcome::kUnfinished:
        ++out.unfinished;
        break;
    }
    if (o != Outcome::kUnfinished && o != Outcome::kCompleted) {
      // Merged with the completed ones at the end (one sketch update per request).
      latency_other_.add(ms);
      latency_other_stats_.add(ms);
    }
    --in_system_;
    free_reqs_.push_back(r);
    if (in_system_ == 0 && !has_pending_) sim_.stop();
  }

  std::uint32_t new_request() {
    if (!free_reqs_.empty()) {
      const auto r = free_reqs_.back();
      free_reqs_.pop_back();
      return r;
    }
    reqs_.emplace_back();
    return static_cast<std::uint32_t>(reqs_.size() - 1);
  }

  // ---- metrics ------------------------------------------------------------------------------
  void touch(Service& s) {
    const TimePoint now = sim_.now();
    const auto dt = static_cast<double>((now - s.metric_at).count());
    s.cpu_area += s.cpu_now * dt;
    s.reserved_area += s.reserved_now * dt;
    s.metric_at = now;
  }
  void set_cpu(Service& s, double delta) {
    if (delta == 0) return;
    touch(s);
    s.cpu_now += delta;
    cpu_.add(sim_.now(), delta);
  }
  void set_reserved(Service& s, double delta) {
    touch(s);
    s.reserved_now += delta;
    if (fargate_) hosts_cpu_.add(sim_.now(), delta);
  }

  // ---- task life cycle ----------------------------------------------------------------------
  std::uint32_t new_task(std::uint32_t si) {
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

  /// A task of the deployed service at time 0 (in service since 0, its instance too).
  void deploy_task(std::uint32_t si) {
    const auto t = new_task(si);
    Service& s = svcs_[si];
    TaskRec& k = tasks_[t];
    const TimePoint now = sim_.now();
    if (!fargate_) {
      auto i = cluster_->place(s.need);
      if (i == UINT32_MAX) {
        if (cluster_->running() >= o_.cluster.max_instances || o_.cluster.instances > 0) {
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

  /// Makes the number of active tasks match the desired count.
  void reconcile(std::uint32_t si) {
    Service& s = svcs_[si];
    while (s.active < s.desired) {
      const auto t = new_task(si);
      tasks_[t].queued = true;
      s.launch_queue.push_back(t);
    }
    if (s.active > s.desired) scale_in(si, s.active - s.desired);
    try_launch(si);
  }

  void scale_in(std::uint32_t si, std::uint32_t count) {
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
        if (rank < best_rank || (rank == 2 && best_rank == 2 && k.n() < tasks_[best].n())) {
          best = *it;
          best_rank = rank;
        }
      }
      if (best == UINT32_MAX) return;
      if (best_rank == 2) {
        drain(best, false);
      } else {
        stop_task(best, false);
      }
    }
  }

  void try_launch(std::uint32_t si) {
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

  static void refill(double& tokens, TimePoint& at, double per_s, double burst, TimePoint now) {
    if (per_s == 0) return;
    tokens = std::min(burst, tokens + per_s * to_seconds(now - at));
    at = now;
  }

  /// Places waiting tasks on registered instances (binpack), in order; those that fit nowhere
  /// keep waiting.
  void try_place() {
    for (std::size_t i = 0; i < unplaced_.size();) {
      const auto t = unplaced_[i];
      TaskRec& k = tasks_[t];
      if (k.state != TaskState::kWaiting) {
        unplaced_.erase(unplaced_.begin() + static_cast<std::ptrdiff_t>(i));
        release_task(t);
        continue;
      }
      const Service& s = svcs_[k.service];
      const auto in = cluster_->place(s.need);
      if (in == UINT32_MAX) {
        ++i;
        continue;
      }
      unplaced_.erase(unplaced_.begin() + static_cast<std::ptrdiff_t>(i));
      k.queued = false;
      cluster_->reserve(in, s.need);
      k.instance = in;
      start_task(t);
    }
  }

  void start_task(std::uint32_t t) {
    TaskRec& k = tasks_[t];
    Service& s = svcs_[k.service];
    const ServiceConfig& cfg = *s.cfg;
    const TimePoint now = sim_.now();
    k.state = TaskState::kStarting;
    const Duration prov = from_seconds(s.provisioning.sample(start_rng_));
    Duration up = from_seconds(s.startup.sample(start_rng_));
    if (!fargate_) {
      auto& in = (*cluster_)[k.instance];
      if (!in.has_image(k.service)) {
        up += from_seconds(s.pull.sample(start_rng_));
        in.images.push_back(k.service);
      }
    }
    // Health checks: the first at a uniform phase of the interval, then healthy_threshold - 1
    // more (ALB target group defaults: 30 s interval, 5 checks).
    const double interval = cfg.health_check_interval_s;
    const Duration health =
        from_seconds(health_rng_.uniform() * interval + (cfg.healthy_threshold - 1) * interval);
    k.bill_from = now + prov;
    k.billing = true;
    tasks_alive_.add(now, 1);
    ++res_.extra_tasks_started;
    sim_.schedule_at(now + prov + up + health, id_, kReady, t, k.gen);
    schedule_spot(t);
  }

  void on_ready(std::uint32_t t) {
    TaskRec& k = tasks_[t];
    if (k.state != TaskState::kStarting) return;
    k.in_service_at = sim_.now();
    go_in_service(t);
  }

  void go_in_service(std::uint32_t t) {
    TaskRec& k = tasks_[t];
    Service& s = svcs_[k.service];
    k.state = TaskState::kInService;
    k.v_at = sim_.now();
    k.lb_pos = s.lb.add(t, k.n());
    ++s.in_service;
    set_reserved(s, s.cfg->vcpu);
    serve_queue(t);
    reschedule(t);
  }

  void deregister(std::uint32_t t) {
    TaskRec& k = tasks_[t];
    Service& s = svcs_[k.service];
    const auto moved = s.lb.remove(k.lb_pos);
    if (moved != UINT32_MAX) tasks_[moved].lb_pos = k.lb_pos;
    k.lb_pos = UINT32_MAX;
    --s.in_service;
  }

  /// Scale-in or Spot: the task leaves the load balancer and finishes its requests.
  void drain(std::uint32_t t, bool spot) {
    TaskRec& k = tasks_[t];
    Service& s = svcs_[k.service];
    deregister(t);
    k.state = TaskState::kDraining;
    --s.active;
    ++k.gen;
    if (spot) {
      k.spot_doomed = true;
      const Duration grace = fargate_ ? from_seconds(s.cfg->stop_timeout_s) : kSpotWarning;
      sim_.schedule_in(grace, id_, kSpotEnd, t, k.gen);
    } else if (k.n() == 0 && early_dereg_) {
      stop_task(t, false);
      return;
    } else {
      sim_.schedule_in(from_seconds(s.cfg->deregistration_delay_s), id_, kDrainEnd, t, k.gen);
    }
  }

  /// Stops a task: its requests still in flight fail (or, after a Spot interruption, are
  /// retried when so configured); its bill and its instance's room are settled.
  void stop_task(std::uint32_t t, bool spot_end) {
    TaskRec& k = tasks_[t];
    Service& s = svcs_[k.service];
    const TimePoint now = sim_.now();
    const TaskState was = k.state;
    if (was == TaskState::kStopped) return;
    if (was == TaskState::kInService) deregister(t);
    if (was == TaskState::kWaiting || was == TaskState::kStarting || was == TaskState::kInService) {
      --s.active;
    }
    if (!k.slots.empty()) {
      k.advance(now, s.table);
      const auto n = k.n();
      const bool retry = spot_end && (fargate_ ? s.cfg->spot_in_flight
                                               : o_.cluster.spot_in_flight) == SpotInFlight::kRetry;
      std::vector<Slot> slots = std::move(k.slots);
      k.slots.clear();
      set_cpu(s, -s.table.cpu_used[n]);
      for (const auto& sl : slots) {
        if (retry) {
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

  /// Frees a task that was cancelled while queued, once it leaves its queue.
  void release_task(std::uint32_t t) {
    tasks_[t].queued = false;
    free_tasks_.push_back(t);
  }

  void bill_task(const TaskRec& k, TimePoint now) {
    if (!fargate_ || !k.billing || now <= k.bill_from) return;
    const Service& s = svcs_[k.service];
    const auto secs = static_cast<std::uint64_t>(
        billable(now - k.bill_from, granularity_, minimum_).count() / kSecond.count());
    FargateUsage& u = fargate_usage_[s.fargate_usage];
    ++u.tasks;
    u.vcpu_milli_s += secs * static_cast<std::uint64_t>(std::llround(s.cfg->vcpu * 1000));
    u.memory_mb_s += secs * static_cast<std::uint64_t>(std::llround(s.cfg->memory_gb * 1024));
    u.storage_gb_s += secs * static_cast<std::uint64_t>(s.cfg->storage_gb - 20);
  }

  // ---- Spot -----------------------------------------------------------------------------------
  /// Time to the next interruption of one unit of Spot capacity: exponential, with the monthly
  /// reclaimed share `pct` (the Spot Instance Advisor's "frequency of interruption").
  std::optional<Duration> spot_delay(double pct) {
    if (pct <= 0) return std::nullopt;
    const double per_hour = -std::log1p(-std::min(pct, 99.99) / 100) / kHoursPerMonth;
    const double hours = spot_rng_.exponential(1 / per_hour);
    if (hours > 1e6) return std::nullopt;
    return from_seconds(hours * 3600);
  }

  void schedule_spot(std::uint32_t t) {
    TaskRec& k = tasks_[t];
    const ServiceConfig& cfg = *svcs_[k.service].cfg;
    if (!fargate_ || !cfg.spot) return;
    if (const auto d = spot_delay(cfg.spot_interruption_pct)) {
      sim_.schedule_in(*d, id_, kSpotNotice, t, k.gen);
    }
  }

  void task_notice(std::uint32_t t) {
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

  void instance_notice(std::uint32_t i) {
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

  void instance_end(std::uint32_t i) {
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

  // ---- instances ------------------------------------------------------------------------------
  std::uint32_t new_instance(std::uint16_t type, bool active, bool since_zero = false) {
    const TimePoint now = sim_.now();
    const TimePoint launched = since_zero ? TimePoint{} : now;
    const auto i = cluster_->add(type, launched, active);
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
      sim_.schedule_in(from_seconds(d.sample(instance_rng_)), id_, kInstanceReady, i,
                       in.generation);
    }
    if (o_.cluster.spot) {
      if (const auto d = spot_delay(o_.cluster.spot_interruption_pct)) {
        sim_.schedule_at(std::max(now, launched + *d), id_, kSpotNotice, i | kInstanceBit,
                         in.generation);
      }
    }
    return i;
  }

  void end_instance(std::uint32_t i) {
    const TimePoint now = sim_.now();
    auto& in = (*cluster_)[i];
    const bool counted = in.state == InstanceState::kActive || in.state == InstanceState::kDraining;
    bill_instance(in, now);
    if (counted) hosts_cpu_.add(now, -cluster_->type(in.type).vcpu);
    hosts_.add(now, -1);
    cluster_->terminate(i);
  }

  void bill_instance(const Instance& in, TimePoint now) {
    const auto secs = static_cast<std::uint64_t>(
        billable(now - in.launched, granularity_, minimum_).count() / kSecond.count());
    Ec2Usage& u = ec2_usage_[in.type];
    ++u.instances;
    u.instance_s += secs;
  }

  // ---- the one-minute tick ------------------------------------------------------------------
  void schedule_tick(TimePoint at) {
    if (tick_scheduled_) return;
    tick_scheduled_ = true;
    sim_.schedule_at(at, id_, kTick);
  }

  void on_tick() {
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
      s.cpu_area = s.reserved_area = 0;
      s.requests_minute = 0;
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
        if (tasks_[t].state == TaskState::kWaiting)
          waiting.push_back(svcs_[tasks_[t].service].need);
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
    if (has_pending_ || in_system_ > 0) schedule_tick(now + kMinute);
  }

  void note(std::string text) {
    if (notes_.size() < 10) notes_.push_back(std::move(text));
  }

  Simulation& sim_;
  WorkloadSource& src_;
  const ContainerOptions& o_;
  const RateCard& rc_;
  bool fargate_;
  ComponentId id_ = 0;
  RngStream start_rng_, health_rng_, spot_rng_, instance_rng_;
  Duration granularity_{kSecond}, minimum_{kMinute};
  bool early_dereg_ = true;
  double mb_per_vcpu_ = 1769, lambda_max_vcpu_ = 6, svc_per_min_ = 0;
  double acct_tokens_ = 0, acct_per_s_ = 0, acct_burst_ = 0;
  TimePoint acct_at_{};

  Invocation pending_;
  bool has_pending_ = false, tick_scheduled_ = false;
  TimePoint last_arrival_{};
  std::vector<Service> svcs_;
  std::unordered_map<std::string, std::uint32_t> by_name_;
  std::vector<std::uint32_t> fn_service_;
  std::vector<Request> reqs_;
  std::vector<std::uint32_t> free_reqs_;
  std::vector<TaskRec> tasks_;
  std::vector<std::uint32_t> free_tasks_;
  std::vector<std::uint32_t> unplaced_;
  std::unique_ptr<Cluster> cluster_;
  std::uint64_t in_system_ = 0;

  Level tasks_alive_, hosts_, cpu_, hosts_cpu_;  // hosts_cpu_: vCPU capacity (tasks or hosts)
  MeanAccumulator wait_mean_;
  std::uint64_t zero_waits_ = 0;
  QuantileSketch latency_other_;  // requests that ended but did not complete
  RunningStats latency_other_stats_;
  std::uint64_t spot_interruptions_ = 0, instances_launched_ = 0;
  std::vector<FargateUsage> fargate_usage_;
  std::vector<Ec2Usage> ec2_usage_;
  std::vector<std::string> notes_;

  struct Res : ContainerResult {
    std::uint64_t extra_tasks_started = 0, extra_tasks_stopped = 0;
  } res_;
};

ContainerResult ContainerModel::finish() {
  const TimePoint end = sim_.now();
  // What is left: queued requests time out or are unfinished; tasks and instances stop.
  for (auto& s : svcs_) {
    while (!s.lb.queue.empty()) {
      const auto r = s.lb.queue.front();
      s.lb.queue.pop_front();
      const bool late = end - reqs_[r].arrival >= s.timeout;
      end_request(r, late ? Outcome::kTimedOut : Outcome::kUnfinished, end);
    }
  }
  for (std::uint32_t t = 0; t < tasks_.size(); ++t) {
    TaskRec& k = tasks_[t];
    if (k.state == TaskState::kStopped) continue;
    for (const auto& sl : k.slots)
      end_request(sl.request, Outcome::kUnfinished, end);
    k.slots.clear();
    if (k.state != TaskState::kWaiting) bill_task(k, end);
  }
  if (cluster_) {
    for (std::uint32_t i = 0; i < cluster_->instances().size(); ++i) {
      const auto& in = cluster_->instances()[i];
      if (in.state != InstanceState::kTerminated) bill_instance(in, end);
    }
  }
  res_.span_s = to_seconds(end);
  if (zero_waits_ > 0) res_.queue_wait_ms.add(0.0, zero_waits_);
  res_.latency_ms = res_.latency_completed_ms;
  res_.latency_ms.merge(latency_other_);
  res_.latency_stats = res_.latency_completed_stats;
  res_.latency_stats.merge(latency_other_stats_);
  res_.instances_mean = tasks_alive_.mean(end);
  res_.instances_max = tasks_alive_.max;
  res_.hosts_mean = hosts_.mean(end);
  res_.hosts_max = hosts_.max;
  const double capacity = hosts_cpu_.integral(end);
  res_.utilisation = capacity > 0 ? std::min(1.0, cpu_.integral(end) / capacity) : 0;
  for (const auto& u : fargate_usage_)
    if (u.tasks > 0) res_.usage.fargate.push_back(u);
  for (const auto& u : ec2_usage_)
    if (u.instances > 0) res_.usage.ec2.push_back(u);
  PricingOptions po;
  po.as_of = o_.as_of;
  po.region = o_.region;
  if (o_.discount_pct > 0) po.discount_pct[fargate_ ? "fargate" : "ec2"] = o_.discount_pct;
  res_.bill = rc_.price(res_.usage, po);
  std::uint64_t outs = 0, ins = 0;
  for (const auto& s : svcs_) {
    outs += s.scaler->scale_outs();
    ins += s.scaler->scale_ins();
  }
  auto& x = res_.extra;
  x.emplace_back("services", static_cast<double>(svcs_.size()));
  x.emplace_back("tasks_started", static_cast<double>(res_.extra_tasks_started));
  x.emplace_back("tasks_stopped", static_cast<double>(res_.extra_tasks_stopped));
  x.emplace_back("scale_outs", static_cast<double>(outs));
  x.emplace_back("scale_ins", static_cast<double>(ins));
  x.emplace_back("spot_interruptions", static_cast<double>(spot_interruptions_));
  if (cluster_) x.emplace_back("instances_launched", static_cast<double>(instances_launched_));
  x.emplace_back("queue_wait_mean_ms", wait_mean_.mean());
  // The load balancer's billable quantities (not priced here: the rate card has no
  // load-balancer meter yet). One ALB for the deployment, "each partial hour ... billed as a
  // full hour"; LCUs on the new-connections dimension (25 per second per LCU), one connection per
  // request: LCU-hours = requests / (25 x 3,600). docs/models.md, "Load balancer".
  x.emplace_back("alb_hours", std::ceil(res_.span_s / 3600));
  x.emplace_back("alb_lcu_hours", static_cast<double>(res_.arrived) / (25.0 * 3600));
  if (src_.skipped_rows() > 0) {
    const auto ex = src_.skipped_examples();
    note(fmt::format("{} malformed trace rows skipped{}", src_.skipped_rows(),
                     ex.empty() ? "" : " (first: " + ex.front() + ")"));
  }
  res_.notes = notes_;
  if (res_.arrived != res_.outcomes.total()) {
    throw std::logic_error(fmt::format("container model lost requests: {} arrived, {} ended",
                                       res_.arrived, res_.outcomes.total()));
  }
  ContainerResult out = std::move(static_cast<ContainerResult&>(res_));
  return out;
}

}  // namespace

ContainerResult simulate_containers(WorkloadSource& workload, const ContainerOptions& options,
                                    const RateCard& rates) {
  Simulation sim;
  ContainerModel model(sim, workload, options, rates);
  model.run();
  return model.finish();
}

}  // namespace slsim
