#pragma once
// The container model: ECS services on EC2 or Fargate on the discrete-event engine. It owns the
// parts (load balancers, task pool, autoscalers, cluster) and handles their events. Private to
// models/containers/; its members are defined by area: container_model.cpp (events, arrivals,
// routing, processor sharing, the one-minute tick), task_lifecycle.cpp (launch, placement,
// start-up, drain, stop), instances_and_spot.cpp (EC2 instances, Spot), billing.cpp (bills and
// the result), sqs_consumer.cpp (queue consumers: the SQS queue of a service whose functions
// receive queue or async work, with no load balancer).

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "../platform/function_tally.hpp"
#include "../platform/platform_part.hpp"
#include "autoscaler.hpp"
#include "cluster.hpp"
#include "load_balancer.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/core/simulation.hpp"
#include "sqs_queue.hpp"
#include "task_pool.hpp"

namespace slsim::containers {

enum Kind : std::uint32_t {
  kDone,           // a task's next request completion (arg task, generation done_gen)
  kReady,          // a task passed its health checks (arg task)
  kDrainEnd,       // a draining task's deregistration delay is over (arg task)
  kTick,           // one-minute datapoint: metrics, autoscaling, cluster scaling
  kInstanceReady,  // an EC2 instance registered with the cluster (arg instance)
  kSpotNotice,     // a Spot interruption warning (arg task, or instance | kInstanceBit)
  kSpotEnd,        // the interrupted capacity stops
  kLaunch,         // a service may launch tasks again (launch-rate tokens)
  kVisible,        // a message's visibility timeout ended (arg request, generation its receive)
  kRetire,         // a managed instance reached its lifetime (arg instance): it is replaced
};
constexpr std::uint64_t kInstanceBit = std::uint64_t{1} << 40;

// ---- cited defaults (docs/models.md, "ECS on EC2" and "Fargate") ----
// Fargate: ENI provisioning "adds an overhead of several seconds" (ECS task recommendations);
// image pull and start with no image cache, 20-40 s in a VPC and about a minute for larger
// images (aws/containers-roadmap #358, #696): median 30 s, 99th percentile 75 s.
inline Distribution fargate_provisioning() {
  return Distribution::lognormal_from_median_p99(5, 15);
}
inline Distribution fargate_startup() {
  return Distribution::lognormal_from_median_p99(30, 75);
}
// EC2 with the image cached on the host: "launch times ... ~1-3 seconds" (containers-roadmap
// #696); a host without the image pulls it, "10-20 seconds" for larger images (ECS best
// practices, image pull behaviour).
inline Distribution ec2_provisioning() {
  return Distribution::lognormal_from_median_p99(0.5, 2);
}
inline Distribution ec2_startup() {
  return Distribution::lognormal_from_median_p99(1, 3);
}
inline Distribution ec2_image_pull() {
  return Distribution::uniform(10, 20);
}
// EC2 launch, boot and ECS agent registration: about 30 s to SSH (Percival, "EC2 boot time
// benchmarking", 2021), "one to two minutes" to first availability (ADMIN 65/2021):
// median 60 s, 99th percentile 150 s.
inline Distribution instance_launch() {
  return Distribution::lognormal_from_median_p99(60, 150);
}
/// A start-up or launch delay drawn from `d`, capped at kMaxStartDelay_s (validation holds the
/// 99.99th percentile within it; the cap keeps rarer draws from overflowing time).
inline Duration start_delay(const Distribution& d, RngStream& rng) {
  const double s = d.sample(rng);
  return from_seconds(std::isfinite(s) ? std::clamp(s, 0.0, kMaxStartDelay_s) : kMaxStartDelay_s);
}
// Spot notice: two minutes (EC2 Spot interruption notices; Fargate capacity providers).
constexpr Duration kSpotWarning = 120 * kSecond;
// Lambda's asynchronous invocations: three attempts (MaximumRetryAttempts 2 by default) within
// a maximum event age of six hours (invocation-async-error-handling.html).
constexpr std::uint32_t kLambdaAsyncAttempts = 3;
constexpr double kLambdaAsyncMaxAgeS = 21'600;
// A retired managed instance stops this long after it stopped taking tasks, at the latest: its
// tasks are replaced and drain (slsim's choice; AWS publishes no figure, docs/models.md "Lambda
// Managed Instances"); it stops as soon as it holds no task.
constexpr Duration kRetireDrain = 1800 * kSecond;
// A managed instance's replacement is launched this long before it drains (an instance launch's
// 99th percentile is 150 s, instance_launch()).
constexpr Duration kReplaceLead = 180 * kSecond;
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
  /// Adds `d` now and back to `since`, which is time 0 in every use (a service found late
  /// whose initial tasks ran from the start): the level was `d` higher over the whole past, so
  /// its maximum is too (for a later `since` this maximum would be an upper bound).
  void add_since(TimePoint since, TimePoint t, double d) {
    const double past_max = max + d;
    add(t, d);
    area += d * static_cast<double>((t - since).count());
    max = std::max(max, past_max);
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
  FunctionId fn = 0;
  bool cold = false;  // its last admission waited for a task still starting
  MessageState msg;   // a queue message's SQS state (sqs_queue.hpp)
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
  double busy_now = 0, busy_area = 0;
  double cpu_total = 0;  // vCPU x microseconds used over the run  // requests in flight (Lambda
                         // Managed Instances' saturation)
  TimePoint metric_at{};
  std::uint64_t requests_minute = 0, refused_minute = 0;
  std::uint32_t doomed = 0;         // doomed tasks still in service (retiring managed instances)
  std::uint32_t fargate_usage = 0;  // index into usage.fargate
  // Queue consumer (sqs_consumer.cpp).
  SqsQueue sqs;
  bool http_seen = false, messages_seen = false;
  double message_work_us = 0;  // solo work of the messages so far (for the backlog target)
  std::uint64_t messages = 0;
  /// Only queue work so far: no load balancer, no health checks, no request metric.
  bool consumer_only() const { return messages_seen && !http_seen; }
  AzTasks az_tasks{};  // EC2: tasks placed per Availability Zone (for spread)
};

class ContainerModel final : public Component, public PlatformPart<ContainerResult> {
 public:
  ContainerModel(Simulation& sim, WorkloadSource& src, const ContainerOptions& o,
                 const RateCard& rc, PartContext context = {});

  // The arrival side (arrival_driver.hpp). The run goes on until the last request has ended and
  // to the end of the workload's declared span (WorkloadSource::declared_span_s), whichever is
  // later: capacity kept running after the traffic (min tasks, min instances) is billed over the
  // whole span, the autoscaler still ticking (scale-in goes on after the last request). Then
  // the model is done and ignores its events left in the queue (`end_time`).
  void begin(const Invocation*) override {}
  TimePoint hold_until() const override { return TimePoint::min(); }
  void accept(const Invocation& inv) override;
  void instant_done() override {}
  void end_of_arrivals() override;

  ContainerResult finish() override;
  void handle(const Event& ev, Simulation&) override;

 private:
  struct TaskRec : Task {
    std::uint32_t gen = 0;       // life events (ready, drain end, Spot)
    std::uint32_t done_gen = 0;  // completion events
    std::uint32_t svc_pos = 0;   // index in its service's task list
    TimePoint due{};             // time of the pending completion event (when has_due)
    bool has_due = false;
    bool queued = false;  // in a launch queue or waiting for a place
    // On a retiring managed instance: still serving, no longer counted active (its replacement
    // is); it drains when a task of its service goes into service.
    bool doomed = false;
  };

  // ---- services -----------------------------------------------------------------------------
  std::uint32_t add_service(const std::string& name, const ServiceConfig& cfg);
  double ref_vcpu(std::uint32_t mb) const;
  std::uint32_t service_of(const Invocation& inv);

  // ---- arrivals and routing -----------------------------------------------------------------
  /// More arrivals may come (the driver holds one, and this part was not told they ended).
  bool more() const { return !ended_ && ctx_.ahead->more; }
  /// The last request ended after the last arrival (or there was none): the tail to the end of
  /// the declared span, or the end of the run.
  void enter_tail();
  void done(TimePoint end);
  /// The end of this model's run: where it was done, else the end of its tail, else now().
  TimePoint end_time() const;
  void on_event(const Event& ev);
  void route(std::uint32_t r);
  void admit(std::uint32_t r, std::uint32_t t);

  /// Keeps the task's next-completion event right. A pending event that is not later than the
  /// new completion time is kept (it re-checks when it fires), so an arrival that only stretches
  /// the others' work schedules nothing.
  void reschedule(std::uint32_t t);
  void on_done(std::uint32_t t);

  /// Gives queued requests to task `t` while it has free slots.
  void serve_queue(std::uint32_t t);
  void expire_queue(Service& s);

  enum class Outcome { kCompleted, kFailed, kTimedOut, kRefused, kExpired, kUnfinished };

  void end_request(std::uint32_t r, Outcome o, TimePoint end);
  std::uint32_t new_request();

  // ---- queue consumers (sqs_consumer.cpp) ------------------------------------------------------
  /// A new message: visible in its service's queue, received at once by a free task.
  void enqueue_message(std::uint32_t r);
  /// Receives visible messages while a task has a free slot (`prefer` first, when it is in
  /// service). Schedules completions of tasks other than `prefer`.
  void poll(std::uint32_t si, std::uint32_t prefer = UINT32_MAX);
  /// A message's retention period (s) and receives before it fails (0: none), by its kind.
  double retention_s(const Request& q) const;
  std::uint32_t max_receives(const Request& q) const;
  /// Drops the head of the visible queue when it was deleted or is past the retention period.
  bool drop_head(Service& s);
  void receive(std::uint32_t r, std::uint32_t t);
  void on_visible(std::uint32_t r, std::uint32_t gen);
  /// A run of message r ended on its task: deleted (completed) unless it failed.
  void message_done(std::uint32_t r, TimePoint now);
  /// A run of message r was cut short (its task stopped): the message reappears when its
  /// visibility timeout ends.
  void abandon_run(std::uint32_t r);
  void end_message(std::uint32_t r, Outcome o, TimePoint end);
  /// The backlog datapoint of a consumer's minute (nullopt: no backlog policy).
  std::optional<BacklogDatapoint> backlog_datapoint(Service& s, TimePoint now);
  /// What is left at the end: visible messages expire or are unfinished.
  void finish_messages(TimePoint end);
  void message_figures();
  void lambda_managed_notes();

  // ---- metrics ------------------------------------------------------------------------------
  void touch(Service& s);
  /// `delta` more vCPUs and `busy` more requests in flight on the service's tasks.
  void set_cpu(Service& s, double delta, double busy);
  /// EC2: task `t`'s instance has `delta` more vCPUs busy (burstable types keep credits).
  void set_instance_cpu(std::uint32_t t, double delta);
  /// Burstable instance `in`: its credit balance brought to now (earned at the baseline, spent
  /// at `cpu_now`, at most 24 hours of earnings banked or, unlimited, owed; beyond that the
  /// surplus is charged at once).
  void settle_credits(Instance& in, TimePoint now);
  void set_reserved(Service& s, double delta);

  // ---- task life cycle ----------------------------------------------------------------------
  std::uint32_t new_task(std::uint32_t si);

  /// A task of the deployed service at time 0 (in service since 0, its instance too).
  void deploy_task(std::uint32_t si);

  /// Makes the number of active tasks match the desired count.
  void reconcile(std::uint32_t si);
  void scale_in(std::uint32_t si, std::uint32_t count);
  /// A consumer service whose busy tasks have scale-in protection (ServiceConfig).
  static bool protects(const Service& s) { return s.consumer_only() && s.cfg->scale_in_protection; }
  void try_launch(std::uint32_t si);
  static void refill(double& tokens, TimePoint& at, double per_s, double burst, TimePoint now);

  /// Places waiting tasks on registered instances (binpack), in order; those that fit nowhere
  /// keep waiting.
  void try_place();
  void start_task(std::uint32_t t);
  void on_ready(std::uint32_t t);
  void go_in_service(std::uint32_t t);
  void deregister(std::uint32_t t);

  /// Scale-in or Spot: the task leaves the load balancer and finishes its requests.
  void drain(std::uint32_t t, bool spot);

  /// Stops a task: its requests still in flight fail (or, after a Spot interruption, are
  /// retried when so configured); its bill and its instance's room are settled.
  void stop_task(std::uint32_t t, bool spot_end);

  /// Frees a task that was cancelled while queued, once it leaves its queue.
  void release_task(std::uint32_t t);
  void bill_task(const TaskRec& k, TimePoint now);

  // ---- Spot -----------------------------------------------------------------------------------
  /// Time to the next interruption of one unit of Spot capacity: exponential, with the monthly
  /// reclaimed share `pct` (the Spot Instance Advisor's "frequency of interruption").
  std::optional<Duration> spot_delay(double pct);
  void schedule_spot(std::uint32_t t);
  void task_notice(std::uint32_t t);
  void instance_notice(std::uint32_t i);
  void instance_end(std::uint32_t i);
  /// A managed instance at the end of its lifetime (ECS Managed Instances' maximum lifetime,
  /// Lambda Managed Instances' rotation): it takes no new tasks, its tasks drain and are
  /// replaced elsewhere, and it stops kRetireDrain later.
  void retire_instance(std::uint32_t i);

  // ---- instances ------------------------------------------------------------------------------
  std::uint32_t new_instance(std::uint16_t type, bool active, bool since_zero = false, int az = -1);
  void end_instance(std::uint32_t i);
  void bill_instance(Instance& in, TimePoint now);
  /// Fills the usage groups' peak capacity (an upper bound) for the monthly projection's cap.
  void set_peaks();

  // ---- the one-minute tick ------------------------------------------------------------------
  void schedule_tick(TimePoint at);
  void on_tick();
  void note(std::string text);

  Simulation& sim_;
  WorkloadSource& src_;
  const ContainerOptions& o_;
  const RateCard& rc_;
  PartContext ctx_;
  bool fargate_;
  Managed managed_;
  Duration lifetime_{};                  // a managed instance's lifetime (0: none)
  Duration max_work_ = Duration::max();  // Lambda Managed Instances: Lambda's longest timeout
  std::uint64_t retired_ = 0, lambda_requests_ = 0;
  ComponentId id_ = 0;
  RngStream start_rng_, health_rng_, spot_rng_, instance_rng_, error_rng_;
  Duration granularity_{kSecond}, minimum_{kMinute};
  bool early_dereg_ = true;
  double mb_per_vcpu_ = 1769, lambda_max_vcpu_ = 6, svc_per_min_ = 0;
  double acct_tokens_ = 0, acct_per_s_ = 0, acct_burst_ = 0;
  TimePoint acct_at_{};

  bool tick_scheduled_ = false;
  bool ended_ = false;     // told that no more arrivals come
  bool drained_ = false;   // the last request ended after the last arrival, in this event
  bool finished_ = false;  // done: events are ignored from now on
  TimePoint end_{};        // when it was done
  TimePoint tail_until_ = TimePoint::max();  // in the tail: events after this are not handled
  bool unscaled_noted_ = false;  // a duration without a measured size was met (noted once)
  std::vector<Service> svcs_;
  std::unordered_map<std::string, std::uint32_t> by_name_;
  std::vector<std::uint32_t> fn_service_;
  std::vector<std::uint8_t> fn_spill_;  // FunctionId -> spills to ctx_.overflow (joint runs)
  std::vector<Request> reqs_;
  std::vector<std::uint32_t> free_reqs_;
  std::vector<TaskRec> tasks_;
  std::vector<std::uint32_t> free_tasks_;
  std::vector<std::uint32_t> unplaced_;
  std::unique_ptr<Cluster> cluster_;
  std::uint64_t in_system_ = 0;

  TimePoint last_progress_{};  // the last arrival's end or arrival (safety bound)
  TimePoint last_arrival_{};   // the latest arrival accepted (the span when none is declared)
  TimePoint span_end_{};       // the workload's declared span (0: none)
  Level tasks_alive_, hosts_, cpu_, hosts_cpu_;  // hosts_cpu_: vCPU capacity (tasks or hosts)
  MeanAccumulator wait_mean_;
  std::uint64_t zero_waits_ = 0;
  FunctionTallies fn_tally_{o_.record_functions};  // by FunctionId (function_tally.hpp)
  RunningStats latency_other_stats_;               // requests that ended but did not complete
  std::uint64_t spot_interruptions_ = 0, instances_launched_ = 0;
  std::uint64_t cold_requests_ = 0;  // ended requests whose last admission was cold
  std::uint64_t http_requests_ = 0;  // arrivals through the load balancer (sync)
  std::uint64_t receives_ = 0, dead_lettered_ = 0, expired_after_failing_ = 0;
  std::uint64_t received_while_running_ = 0, failed_runs_ = 0, runs_stopped_ = 0;
  std::vector<FargateUsage> fargate_usage_;
  std::vector<Ec2Usage> ec2_usage_;
  std::vector<std::string> notes_;

  struct Res : ContainerResult {
    std::uint64_t extra_tasks_started = 0, extra_tasks_stopped = 0;
  } res_;
};

}  // namespace slsim::containers
