// The AWS Batch model: the component that owns jobs, job queues, the scheduler and attempts, on
// top of the EC2 pool (ec2_capacity.hpp), the Fargate task meter (fargate_tasks.hpp) and the job
// definitions (job_definitions.hpp). See slsim/batch/batch.hpp and docs/models.md ("AWS Batch").

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <stdexcept>

#include "../platform/function_tally.hpp"
#include "../platform/platform_part.hpp"
#include "ec2_capacity.hpp"
#include "fargate_tasks.hpp"
#include "job_definitions.hpp"
#include "slsim/batch/batch.hpp"
#include "slsim/core/rng.hpp"
#include "slsim/core/simulation.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/platform/duration_model.hpp"

namespace slsim {

namespace {

using batch_detail::Ec2Capacity;
using batch_detail::FargateTasks;
using batch_detail::JobSpec;
using batch_detail::kNone;

// kDrain (joint runs): an end-of-instant event that takes the buffered calls in.
enum Kind : std::uint32_t {
  kTick,
  kAttemptEnd,
  kIdleCheck,
  kInterrupt,
  kArrayFlush,
  kSubmit,
  kDrain
};
enum Result : std::uint8_t { kOk, kError, kTimeout, kInterrupted };

struct Job {
  TimePoint arrival{}, task_start{}, run_start{};
  Duration run{};
  FunctionId fn = 0;
  std::uint32_t env = kNone;   // compute environment of the current attempt
  std::uint32_t inst = kNone;  // EC2 instance of the current attempt
  std::uint32_t gen = 0;       // bumped when a pending end is cancelled (Spot interruption)
  std::uint16_t attempts = 0;
  std::uint8_t result = kOk;
  bool end_pending = false;
  bool cold = false;  // the current (last) attempt waited for a new instance or task
};

struct Env {
  std::string name;
  bool spot = false;
  std::unique_ptr<Ec2Capacity> ec2;       // EC2 and Spot
  std::unique_ptr<FargateTasks> fargate;  // Fargate and Fargate Spot
};

struct Queue {
  std::string name;
  std::int64_t priority = 1;
  std::vector<std::uint32_t> envs;
  bool fargate = false;
  std::deque<std::uint32_t> jobs;  // RUNNABLE, first in first out
};

struct ArrayGroup {
  std::vector<std::uint32_t> jobs;
  TimePoint first{};  // arrival of its first child
  TimePoint end{};    // first + array_window_s: its SubmitJob call, unless array_size comes first
  std::uint32_t gen = 0;
  bool flush_pending = false;
  bool deferred = false;  // the window ended while the trace was read behind the clock
};

// A SubmitJob call waiting for the quota: its jobs are submitted at `at`.
struct PendingCall {
  TimePoint at{};
  std::uint32_t job = kNone;         // a single job, or
  std::vector<std::uint32_t> array;  // an array job's children
};

// The longest a default AWS SDK client keeps retrying a throttled call: standard retry mode
// makes 3 attempts (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html,
// retrieved 2026-12-07), with exponential backoff and jitter from a 1 s base (up to 1 s, then
// up to 2 s between attempts): about 3 s. slsim's reading of the SDKs, used only to count calls.
constexpr double kSdkRetryWindowS = 3;

// Invocations read (not simulated) to name the synchronous functions of a workload Batch cannot
// run: a bounded pass, so refusing a month of traffic costs milliseconds, not minutes.
constexpr std::uint64_t kSyncScan = 100'000;

std::uint64_t pack(std::uint32_t env, std::uint32_t inst) {
  return (static_cast<std::uint64_t>(env) << 32) | inst;
}

class BatchModel final : public Component, public PlatformPart<BatchResult> {
 public:
  BatchModel(Simulation& sim, WorkloadSource& src, const BatchOptions& o, const RateCard& rc,
             PartContext context = {})
      : sim_(sim),
        src_(src),
        o_(o),
        rc_(rc),
        ctx_(std::move(context)),
        err_rng_(o.seed, 0xBA7C01),
        spot_rng_(o.seed, 0xBA7C02) {
    validate_batch_options(o_, rc_);
    id_ = sim_.add(*this);
    const Date d = o_.as_of;
    const Duration ec2_g = from_seconds(rc_.rule("ec2.granularity_s", d));
    const Duration ec2_m = from_seconds(rc_.rule("ec2.minimum_s", d));
    const auto reserved = static_cast<std::uint32_t>(rc_.rule("batch.reserved_memory_mib", d));
    max_lambda_vcpu_ = rc_.rule("lambda.max_vcpu", d);
    // SubmitJob: a fixed per-account, per-Region rate quota, as a bucket of one second's calls
    // (AWS publishes no burst: the bucket is slsim's assumption). A call over it is throttled;
    // slsim assumes a submitter that retries until accepted (a queue-driven submitter, or
    // EventBridge's target retries), up to max_submit_wait_s (see submit_call).
    const double tps = rc_.rule("batch.submit_job_tps", d);
    submit_tps_ = tps;
    max_submit_wait_ = from_seconds(o_.max_submit_wait_s);
    sdk_retry_window_ = from_seconds(kSdkRetryWindowS);
    submitted_max_ = static_cast<std::uint64_t>(rc_.rule("batch.submitted_jobs_max", d));
    submit_interval_ = from_seconds(1.0 / tps);
    submit_burst_ = from_seconds((std::max(1.0, tps) - 1.0) / tps);
    for (const auto& ce : o_.compute_environments) {
      Env e;
      e.name = ce.name;
      e.spot = ce.compute == BatchCompute::kSpot || ce.compute == BatchCompute::kFargateSpot;
      if (ce.compute == BatchCompute::kEc2 || ce.compute == BatchCompute::kSpot) {
        e.ec2 = std::make_unique<Ec2Capacity>(ce, rc_, d, o_.region, reserved, ec2_g, ec2_m);
      } else {
        e.fargate = std::make_unique<FargateTasks>(
            ce.max_vcpus, e.spot, from_seconds(rc_.rule("fargate.granularity_s", d)),
            from_seconds(rc_.rule("fargate.minimum_s", d)));
      }
      envs_.push_back(std::move(e));
    }
    auto env_index = [&](const std::string& n) {
      for (std::uint32_t i = 0; i < envs_.size(); ++i)
        if (envs_[i].name == n) return i;
      return kNone;  // unreachable after validation
    };
    std::vector<BatchJobQueue> qs = o_.queues;
    if (qs.empty()) qs.push_back(BatchJobQueue{});
    for (const auto& q : qs) {
      Queue x;
      x.name = q.name;
      x.priority = q.priority;
      if (q.compute_environments.empty()) {
        for (std::uint32_t i = 0; i < envs_.size(); ++i)
          x.envs.push_back(i);
      } else {
        for (const auto& n : q.compute_environments)
          x.envs.push_back(env_index(n));
      }
      x.fargate = !x.envs.empty() && envs_[x.envs.front()].fargate != nullptr;
      queues_.push_back(std::move(x));
    }
    for (std::uint32_t i = 0; i < queues_.size(); ++i)
      order_.push_back(i);
    // Higher priority first; equal priorities in the order they were given.
    std::stable_sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
      return queues_[a].priority > queues_[b].priority;
    });
    tick_ = from_seconds(o_.scheduler_interval_s);
    starting_ = from_seconds(o_.starting_s);
    container_start_ = from_seconds(o_.container_start_s);
    launch_ = from_seconds(o_.instance_launch_s);
    fargate_start_ = from_seconds(o_.fargate_start_s);
    scale_down_ = from_seconds(o_.scale_down_delay_s);
    spot_rate_ = o_.spot_interruptions_per_hour.value_or(kBatchDefaultSpotInterruptionsPerHour);
    res_.platform = "batch";
    // minvCpus and desiredvCpus: instances running from the start, of the cheapest type.
    for (std::uint32_t e = 0; e < envs_.size(); ++e) {
      if (!envs_[e].ec2) continue;
      const auto& ce = o_.compute_environments[e];
      const auto want =
          static_cast<std::uint64_t>(std::llround(ce.desired_vcpus.value_or(ce.min_vcpus) * 1000));
      while (envs_[e].ec2->alive_vcpu_milli() < want) {
        const std::uint32_t i = envs_[e].ec2->launch_ready(TimePoint{});
        launched(e, i, TimePoint{});
        idle(e, i, TimePoint{});
      }
    }
  }

  // ---- the arrival side (arrival_driver.hpp) ----------------------------------------------------
  // A single-platform run reads the trace no further while a SubmitJob call waits for the quota
  // (hold_until): the calls behind it are the unread part of the trace, so memory does not grow
  // with the backlog. An invocation read late (it arrived during the backlog) comes before the
  // events at now: a late array child joins its group before the group's window timer fires.
  // A joint run cannot hold the other parts' arrivals: the invocations that come while calls
  // wait are kept here (`held_`, one Invocation, 32 bytes, per call made during the backlog:
  // memory grows with the backlog, which a single-platform run avoids) and taken in at the end
  // of the instant the quota frees (kDrain), exactly as the single-platform run reads them late.
  void begin(const Invocation*) override {}
  TimePoint hold_until() const override { return ctx_.joint ? TimePoint::min() : quota_free_; }
  [[gnu::always_inline]] void accept(const Invocation& inv) override {
    if (ctx_.joint && (!held_.empty() || quota_free_ > sim_.now())) {
      held_.push_back(inv);
      schedule_drain();
      return;
    }
    take(inv);
  }
  /// Every arrival at now was handed over: in a joint run, array windows that ended now and
  /// waited for this instant's arrivals close (the lookahead was only a lower bound).
  void instant_done() override {
    if (ctx_.joint && held_.empty() && deferred_n_ > 0) flush_deferred();
  }
  void end_of_arrivals() override {
    ended_ = true;
    if (ctx_.joint && held_.empty()) {
      if (deferred_n_ > 0) flush_deferred();
      flush_partial_arrays();
    }
    if (!more() && live_ == 0) finished_ = true;
  }

  BatchResult finish() override {
    // The run ends with the last job, or at the end of the workload's declared span if later:
    // the minvCpus instances kept running after the work are billed over the whole span, as
    // on every platform (issue 19 #6).
    TimePoint end = last_;
    if (const auto d = src_.declared_span_s(); d && *d > 0)
      end = std::max(end, TimePoint{from_seconds(*d)});
    for (std::uint32_t e = 0; e < envs_.size(); ++e) {
      if (!envs_[e].ec2) continue;
      for (const auto i : envs_[e].ec2->alive())
        terminate(e, i, end);
    }
    // RUNNABLE jobs the run could not place: reported, not lost.
    std::uint64_t runnable = 0;
    for (const auto& q : queues_) {
      runnable += q.jobs.size();
      for (const auto j : q.jobs) {
        FunctionTally& f = fn_tally_[jobs_[j].fn];
        ++f.outcomes.unfinished;
        if (jobs_[j].attempts > 0 && jobs_[j].cold) {  // its last attempt's
          ++cold_jobs_;
          ++f.cold;
        }
      }
      if (!o_.record_jobs) continue;
      for (const auto j : q.jobs)
        res_.jobs.push_back(
            {to_seconds(jobs_[j].arrival), -1, -1, jobs_[j].fn, jobs_[j].attempts, 3});
    }
    res_.outcomes.unfinished = runnable;
    close_backlog();
    if (submit_waited_ > 0 || submit_expired_calls_ > 0) {
      // slsim's assumption, not an SDK default: the submitter retries a throttled call until it
      // is accepted, up to max_submit_wait_s. A default AWS SDK client (standard retry mode)
      // makes 3 attempts, https://docs.aws.amazon.com/sdkref/latest/guide/
      // feature-retry-behavior.html (retrieved 2026-12-07), then raises the throttling error.
      const auto array_max = static_cast<std::uint64_t>(rc_.rule("batch.array_size_max", o_.as_of));
      note(fmt::format(
          "SubmitJob backlog: {} of {} SubmitJob calls waited for AWS Batch's quota of {:g} per "
          "second per account and Region "
          "(https://docs.aws.amazon.com/batch/latest/userguide/service_limits.html); slsim "
          "assumes a submitter that retries until accepted (such as a queue-driven submitter), "
          "up to max_submit_wait_s ({}). {} call(s) waited longer than {:g} s, which a default "
          "AWS SDK client (standard retry mode, 3 attempts: "
          "https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html) would "
          "have given up and failed; the longest backlog, {} jobs in {} calls from {}, took {} "
          "to drain, and each job's wait is part of its latency. An array job submits up to {} "
          "jobs in one call (array_size, array_window_s): those {} jobs would need {} call(s)",
          grouped(submit_waited_), grouped(submit_calls_), submit_tps_,
          seconds_text(o_.max_submit_wait_s), grouped(submit_beyond_sdk_), kSdkRetryWindowS,
          grouped(longest_jobs_), grouped(longest_calls_), seconds_text(to_seconds(longest_start_)),
          seconds_text(to_seconds(longest_drain_)), grouped(array_max), grouped(longest_jobs_),
          grouped((longest_jobs_ + array_max - 1) / array_max)));
    }
    if (overload_rate_ > submit_tps_) {
      note(fmt::format(
          "SubmitJob calls arrive at {:.4g}/s against a {:g}/s quota (for {} from {}); the "
          "backlog grows by {:.4g}/s; Batch cannot keep up without array jobs (array_size, "
          "array_window_s)",
          overload_rate_, submit_tps_, seconds_text(overload_span_s_),
          seconds_text(to_seconds(overload_start_)), overload_rate_ - submit_tps_));
    }
    if (submit_expired_calls_ > 0) {
      // EventBridge retries a failed target delivery for 24 hours by default, then drops the
      // event: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
      note(fmt::format(
          "{} job(s) in {} SubmitJob call(s) expired: they would have waited more than "
          "max_submit_wait_s ({}; the default is EventBridge's default retry window of 24 hours, "
          "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html) "
          "for the quota",
          grouped(res_.outcomes.expired), grouped(submit_expired_calls_),
          seconds_text(o_.max_submit_wait_s)));
    }
    if (refused_calls_ > 0) {
      note(fmt::format(
          "{} job(s) in {} SubmitJob call(s) refused: the account already had {} jobs waiting "
          "to run, AWS Batch's maximum of jobs in SUBMITTED state "
          "(https://docs.aws.amazon.com/batch/latest/userguide/service_limits.html); raise "
          "max_vcpus or spread the work",
          grouped(res_.outcomes.refused), grouped(refused_calls_), grouped(submitted_max_)));
    }
    if (runnable > 0) {
      note(
          fmt::format("{} job(s) still RUNNABLE at the end: no compute environment of their queue "
                      "could place them (min_vcpus filling max_vcpus with instances too small "
                      "for them)",
                      runnable));
    }
    res_.cold_invocations = cold_jobs_;
    res_.span_s = to_seconds(end);
    res_.instances_mean = jobs_tw_.mean(end);
    res_.instances_max = jobs_tw_.max();
    res_.hosts_mean = hosts_tw_.mean(end);
    res_.hosts_max = hosts_tw_.max();
    const double cap = cap_tw_.integral(end) + fargate_task_vcpu_s_;
    res_.utilisation = cap > 0 ? (busy_tw_.integral(end) + fargate_run_vcpu_s_) / cap : 0.0;
    // Usage: EC2 per (instance type, Spot), Fargate per capacity type; priced once.
    double instance_s = 0;
    std::uint64_t launches = 0, tasks = 0;
    for (const auto& e : envs_) {
      if (e.ec2) {
        instance_s += e.ec2->billed_instance_s();
        launches += e.ec2->launches();
        for (const auto& u : e.ec2->usage(e.spot)) {
          auto it =
              std::find_if(res_.usage.ec2.begin(), res_.usage.ec2.end(), [&](const Ec2Usage& x) {
                return x.instance_type == u.instance_type && x.spot == u.spot;
              });
          if (it == res_.usage.ec2.end()) {
            res_.usage.ec2.push_back(u);
            // The most instances alive at once, an upper bound per type (monthly cap).
            res_.usage.ec2.back().peak_instances =
                static_cast<std::uint64_t>(std::llround(hosts_tw_.max()));
          } else {
            it->instances += u.instances;
            it->instance_s += u.instance_s;
          }
        }
      } else {
        const FargateUsage& u = e.fargate->usage();
        tasks += u.tasks;
        if (u.tasks == 0) continue;
        auto it = std::find_if(res_.usage.fargate.begin(), res_.usage.fargate.end(),
                               [&](const FargateUsage& x) { return x.spot == u.spot; });
        if (it == res_.usage.fargate.end()) {
          res_.usage.fargate.push_back(u);
        } else {
          it->tasks += u.tasks;
          it->vcpu_milli_s += u.vcpu_milli_s;
          it->memory_mb_s += u.memory_mb_s;
        }
      }
    }
    PricingOptions po;
    po.as_of = o_.as_of;
    po.region = o_.region;
    if (o_.discount_pct > 0) {
      po.discount_pct["ec2"] = o_.discount_pct;
      po.discount_pct["fargate"] = o_.discount_pct;
    }
    if (o_.spot_discount_pct) {
      po.ec2_spot_discount_pct = o_.spot_discount_pct;
      po.fargate_spot_discount_pct = o_.spot_discount_pct;
    }
    res_.bill = rc_.price(res_.usage, po);
    // AWS Batch itself is free: "There is no additional charge for AWS Batch. You pay for AWS
    // resources (e.g. EC2 instances or Fargate jobs) you create"
    // (https://aws.amazon.com/batch/pricing/).
    res_.bill.items.push_back(LineItem{"batch", "AWS Batch (no additional charge)", 0, "", 0});
    note(
        "AWS Batch adds no charge of its own; the bill is the EC2 instances or Fargate tasks it "
        "ran (https://aws.amazon.com/batch/pricing/)");
    // Every job holds its vCPU through STARTING and the container's start (~7 s by default)
    // before it runs: jobs much shorter than that are mostly overhead, and AWS advises grouping
    // work into jobs of minutes ("grouping tasks so the jobs run 3-5 minutes",
    // https://docs.aws.amazon.com/batch/latest/userguide/bestpractice1.html). The model bills
    // what Batch does; the note says why the figure is high (review of issue 19, M2).
    const double overhead_s = o_.starting_s + o_.container_start_s;
    if (run_time_s_.count() > 0 && run_time_s_.mean() < overhead_s) {
      note(fmt::format(
          "jobs run {:.2g} s on average against about {:.0f} s of per-job overhead (STARTING "
          "{:g} s and container start {:g} s, each holding the job's vCPU), so most of the "
          "capacity billed is overhead: AWS advises grouping tasks so the jobs run 3-5 minutes "
          "(https://docs.aws.amazon.com/batch/latest/userguide/bestpractice1.html); packed into "
          "longer jobs (or on Lambda, or a queue consumer) this work costs far less",
          run_time_s_.mean(), overhead_s, o_.starting_s, o_.container_start_s));
    }
    if (src_.skipped_rows() > 0) {
      note(fmt::format("{} malformed trace rows skipped", src_.skipped_rows()));
    }
    res_.extra = {{"makespan_s", any_end_ ? to_seconds(last_end_ - first_arrival_) : 0.0},
                  {"interruptions", static_cast<double>(interruptions_)},
                  {"instances_interrupted", static_cast<double>(instances_interrupted_)},
                  {"errors", static_cast<double>(errors_)},
                  {"array_jobs", static_cast<double>(array_jobs_)},
                  {"instance_launches", static_cast<double>(launches)},
                  {"instance_hours", instance_s / 3600.0},
                  {"fargate_tasks", static_cast<double>(tasks)},
                  {"run_time_mean_s", run_time_s_.mean()},
                  {"runnable_max", static_cast<double>(runnable_max_)},
                  {"submit_calls", static_cast<double>(submit_calls_)},
                  {"submit_waited", static_cast<double>(submit_waited_)},
                  {"submit_beyond_sdk_retries", static_cast<double>(submit_beyond_sdk_)},
                  {"submit_expired", static_cast<double>(submit_expired_calls_)},
                  {"submit_refused", static_cast<double>(refused_calls_)},
                  {"submit_wait_max_s", to_seconds(submit_wait_max_)},
                  {"submit_backlog_max", static_cast<double>(backlog_max_)},
                  {"submit_backlog_drain_s", to_seconds(longest_drain_)}};
    res_.notes = notes_;
    // The platform's latency sketches are its jobs' functions' merged.
    record_functions(res_, src_.functions(), ctx_, fn_tally_,
                     [&](FunctionId id) { return id < specs_.size() && specs_[id].ready; });
    if (res_.arrived != res_.outcomes.total()) {
      throw std::logic_error(fmt::format("Batch model lost jobs: {} arrived, {} accounted for",
                                         res_.arrived, res_.outcomes.total()));
    }
    return std::move(res_);
  }

  void handle(const Event& ev, Simulation& sim) override {
    if (finished_) return;  // done: what is left in the queue is not this run's
    switch (static_cast<Kind>(ev.kind)) {
      case kDrain:
        drain_pending_ = false;
        drain();
        break;
      case kTick:
        tick_pending_ = false;
        --live_;
        last_ = sim.now();
        schedule_jobs(sim.now());
        break;
      case kAttemptEnd: {
        Job& j = jobs_[ev.arg];
        if (!j.end_pending || j.gen != ev.generation) return;  // cancelled
        j.end_pending = false;
        --live_;
        last_ = sim.now();
        end_attempt(static_cast<std::uint32_t>(ev.arg), static_cast<Result>(j.result), sim.now());
        break;
      }
      case kIdleCheck: {
        const auto e = static_cast<std::uint32_t>(ev.arg >> 32);
        const auto i = static_cast<std::uint32_t>(ev.arg);
        auto& in = envs_[e].ec2->instance(i);
        if (!in.alive || !in.idle_check_pending || in.idle_gen != ev.generation) return;
        in.idle_check_pending = false;
        --live_;
        last_ = sim.now();
        if (in.jobs.empty() && envs_[e].ec2->above_min_without(i)) {
          terminate(e, i, sim.now());
          request_tick(sim.now());  // room under max_vcpus for a job that waited
        }
        break;
      }
      case kInterrupt: {
        const auto e = static_cast<std::uint32_t>(ev.arg >> 32);
        const auto i = static_cast<std::uint32_t>(ev.arg);
        auto& in = envs_[e].ec2->instance(i);
        if (!in.alive || in.life != ev.generation) return;
        last_ = sim.now();
        ++instances_interrupted_;
        const std::vector<std::uint32_t> on = in.jobs;
        for (const auto j : on) {
          Job& b = jobs_[j];
          if (b.end_pending) {
            b.end_pending = false;
            ++b.gen;
            --live_;
          }
          end_attempt(j, kInterrupted, sim.now());
        }
        if (in.idle_check_pending) {
          in.idle_check_pending = false;
          --live_;
        }
        terminate(e, i, sim.now());
        // AWS keeps minvCpus: a reclaimed instance below it is replaced (with the launch delay).
        // The replacement gets no scale-down check: it is needed for minvCpus (a job placed on
        // it schedules one when it ends), and a check would keep the run alive after the work,
        // reclaim after reclaim (finding P6).
        while (envs_[e].ec2->below_min()) {
          const std::uint32_t k = envs_[e].ec2->launch_ready(sim.now(), launch_);
          launched(e, k, sim.now());
        }
        request_tick(sim.now());
        break;
      }
      case kArrayFlush: {
        ArrayGroup& g = groups_[ev.arg];
        if (!g.flush_pending || g.gen != ev.generation) return;
        last_ = sim.now();
        if (next_at_or_before(g.end)) {
          // The trace is read behind the clock (a SubmitJob backlog holds it): invocations that
          // arrived inside this window may still be unread. The array closes when reading
          // passes its window's end (flush_deferred), with its call made at that end.
          g.flush_pending = false;
          ++g.gen;
          --live_;
          g.deferred = true;
          ++deferred_n_;
          deferred_min_ = std::min(deferred_min_, g.end);
          break;
        }
        flush(static_cast<FunctionId>(ev.arg), sim.now(), std::min(sim.now(), g.end));
        break;
      }
      case kSubmit: {  // the head waiting SubmitJob call is accepted now
        --live_;
        last_ = sim.now();
        PendingCall c = std::move(calls_.front());
        calls_.pop_front();
        if (c.job != kNone) {
          accept(&c.job, 1, sim.now());
        } else {
          accept(c.array.data(), c.array.size(), sim.now());
        }
        break;
      }
    }
    if (!more() && live_ == 0) finished_ = true;
  }

 private:
  void note(std::string s) {
    if (notes_.size() < 10) notes_.push_back(std::move(s));
  }

  // ---- arrivals and array jobs ---------------------------------------------------------------

  // More arrivals may come: calls held here, or the driver holds one and this part was not told
  // they ended.
  bool more() const { return !held_.empty() || (!ended_ && ctx_.ahead->more); }
  // An arrival not yet taken in arrives at or before t: the first held call, else the driver's
  // next arrival (in a joint run a lower bound on this part's next arrival).
  bool next_at_or_before(TimePoint t) const {
    if (!held_.empty()) return held_.front().arrival <= t;
    return !ended_ && ctx_.ahead->more && ctx_.ahead->next <= t;
  }

  [[gnu::always_inline]] void take(const Invocation& inv) {
    on_arrival(inv);
    if (deferred_n_ > 0) flush_deferred();
    if (!more()) flush_partial_arrays();
  }

  void schedule_drain() {
    if (drain_pending_) return;
    drain_pending_ = true;
    sim_.schedule_last_at(std::max(quota_free_, sim_.now()), id_, kDrain);
  }

  // The end of the instant the quota was to free: the held calls are taken in, in order, while
  // the quota lets them (every one arrived before now: they are read late).
  void drain() {
    while (!held_.empty()) {
      if (quota_free_ > sim_.now()) {
        schedule_drain();
        return;
      }
      const Invocation inv = held_.front();
      held_.pop_front();
      take(inv);
    }
    if (!more() && live_ == 0) finished_ = true;
  }

  // A function's job definition, set up at its first invocation (the hot path is one test).
  [[gnu::always_inline]] JobSpec& spec(const Invocation& inv) {
    if (inv.function < specs_.size() && specs_[inv.function].ready) return specs_[inv.function];
    return new_spec(inv);
  }
  [[gnu::noinline]] JobSpec& new_spec(const Invocation& inv) {
    if (inv.function >= specs_.size()) {
      specs_.resize(inv.function + 1);
      groups_.resize(inv.function + 1);
    }
    JobSpec& s = specs_[inv.function];
    if (s.ready) return s;
    const auto& table = src_.functions();
    const std::string name =
        inv.function < table.size() ? table[inv.function].name : fmt::format("#{}", inv.function);
    const auto it = o_.functions.find(name);
    s.def = it != o_.functions.end() ? it->second : o_.job;
    s.queue = 0;
    for (std::uint32_t q = 0; q < queues_.size(); ++q)
      if (queues_[q].name == s.def.queue) s.queue = q;
    const Queue& q = queues_[s.queue];
    const std::uint32_t fn_mb = stated_memory_mb(inv, table);
    batch_detail::resolve_size(s, name, fn_mb, q.fargate, rc_, o_.as_of);
    s.timeout = from_seconds(s.def.timeout_s);
    s.max_lambda_vcpu = max_lambda_vcpu_;
    if (q.fargate) {
      // A task larger than every environment's max_vcpus could never start: an error, as on EC2.
      bool fits = false;
      double most = 0;
      for (const auto e : q.envs) {
        fits = fits || envs_[e].fargate->can_hold(s.vcpu_milli);
        most = std::max(most, envs_[e].fargate->max_vcpus());
      }
      if (!fits) {
        throw ConfigError(
            "job_vcpu", fmt::format("function '{}' needs {:g} vCPU per job, more than the "
                                    "max_vcpus of every Fargate compute environment of job queue "
                                    "'{}' (the largest is {:g}); raise max_vcpus or lower job_vcpu",
                                    name, s.vcpu_milli / 1000.0, q.name, most));
      }
    } else {
      bool fits = false;
      const batch_detail::InstanceType* largest = nullptr;
      for (const auto e : q.envs) {
        if (envs_[e].ec2->can_hold(s.vcpu_milli, s.mib)) fits = true;
        const auto& l = envs_[e].ec2->largest();
        if (!largest || l.vcpu_milli > largest->vcpu_milli ||
            (l.vcpu_milli == largest->vcpu_milli && l.memory_mib > largest->memory_mib))
          largest = &l;
      }
      if (!fits) {
        // Name the resource that does not fit (vCPUs first).
        std::uint32_t most_vcpu = 0;
        for (const auto e : q.envs)
          for (const auto& t : envs_[e].ec2->types())
            most_vcpu = std::max(most_vcpu, t.vcpu_milli);
        throw ConfigError(
            s.vcpu_milli > most_vcpu ? "job_vcpu" : "job_memory_gb",
            fmt::format("function '{}' needs {:g} vCPU and {:g} GB per job, which no instance type "
                        "of job queue '{}' can hold; the largest available is {} ({:g} vCPU, "
                        "{:g} GiB, of which {} MiB for jobs)",
                        name, s.vcpu_milli / 1000.0, s.mib / 1024.0, q.name, largest->name,
                        largest->vcpu_milli / 1000.0, largest->memory_gib, largest->memory_mib));
      }
    }
    if (s.def.vcpu == 0 || s.def.memory_gb == 0) {
      note(fmt::format("function '{}': jobs of {:g} vCPU and {:g} GB (sized from its {} MB)", name,
                       s.vcpu_milli / 1000.0, s.mib / 1024.0, fn_mb ? fn_mb : kUnstatedMemoryMb));
    }
    s.ready = true;
    fn_tally_.meet(inv.function);
    return s;
  }

  // A synchronous invocation: AWS Batch has no request/response path (SubmitJob's response holds
  // only the job's ARN, name and ID: https://docs.aws.amazon.com/batch/latest/APIReference/
  // API_SubmitJob.html, API version 2016-08-10, in force since 2017-01-05). Reads on (without
  // simulating) up to kSyncScan more invocations to name the synchronous functions ("such as"
  // when it stopped before the end), then throws.
  // `first` is the invocation being taken in, not yet counted; the driver holds the next one.
  // In a joint run only this part's functions count.
  [[noreturn]] void cannot_run_sync(const Invocation& first) {
    std::vector<std::uint64_t> sync;  // synchronous invocations per function id
    std::vector<bool> other;          // functions with queue or async invocations
    auto count = [&](const Invocation& inv) {
      const auto f = inv.function;
      if (f >= sync.size()) {
        sync.resize(f + 1, 0);
        other.resize(f + 1, false);
      }
      if (inv.type == InvocationType::kSync) {
        ++sync[f];
      } else {
        other[f] = true;
      }
    };
    const auto& table0 = src_.functions();
    auto mine = [&](const Invocation& inv) {
      return !ctx_.joint || (inv.function < table0.size() && ctx_.owned(table0[inv.function].name));
    };
    count(first);
    for (std::size_t k = 0; k < specs_.size() && k < other.size(); ++k)
      other[k] = other[k] || specs_[k].ready;  // already ran as queue or async work
    for (std::size_t k = other.size(); k < specs_.size(); ++k) {
      if (!specs_[k].ready) continue;
      sync.resize(k + 1, 0);
      other.resize(k + 1, false);
      other[k] = true;
    }
    Invocation inv;
    std::uint64_t read = 1;
    bool all = true;
    for (const auto& h : held_) {
      if (mine(h)) count(h);
      ++read;
    }
    bool have = ctx_.ahead->more;
    if (have) inv = *ctx_.ahead->held;
    for (; have; have = src_.next(inv)) {
      if (mine(inv)) count(inv);
      if (++read >= kSyncScan) {
        all = false;  // a day at 1,000/s took 3.3 s to read to the end: name examples instead
        break;
      }
    }
    const auto& table = src_.functions();
    auto name = [&](std::size_t f) {
      return f < table.size() ? table[static_cast<FunctionId>(f)].name : fmt::format("#{}", f);
    };
    auto list = [&](const std::vector<std::size_t>& ids) {
      std::string s;
      for (std::size_t k = 0; k < ids.size() && k < 5; ++k)
        s += (k ? ", '" : "'") + name(ids[k]) + "'";
      if (ids.size() > 5) s += fmt::format(" and {} more", grouped(ids.size() - 5));
      return s;
    };
    std::vector<std::size_t> sync_fns, rest;
    std::uint64_t n = 0;
    for (std::size_t f = 0; f < sync.size(); ++f) {
      if (sync[f] > 0) {
        sync_fns.push_back(f);
        n += sync[f];
      } else if (other[f]) {
        rest.push_back(f);
      }
    }
    const std::string counted =
        all ? fmt::format("{} synchronous invocation{}", grouped(n), n == 1 ? "" : "s")
            : fmt::format(
                  "{} synchronous invocation{} in the first {} read; slsim read no "
                  "further",
                  grouped(n), n == 1 ? "" : "s", grouped(read));
    std::string why = fmt::format(
        "synchronous invocations need a request/response path: {}{} {} {} synchronously ({}), "
        "and AWS Batch only queues jobs (SubmitJob returns a job ID, never the job's result)",
        all ? "" : "e.g. ", sync_fns.size() == 1 ? "function" : "functions", list(sync_fns),
        sync_fns.size() == 1 ? "is invoked" : "are invoked", counted);
    if (!rest.empty()) {
      why += fmt::format(
          "; the workload's queue and async functions ({}{}) could run on Batch on "
          "their own",
          all ? "" : "e.g. ", list(rest));
    }
    if (rest.empty()) {
      why +=
          "; if they are jobs rather than requests, mark them async or queue: the trace's "
          "invocation column (sync when absent), `slsim simulate --platform batch --invocation "
          "async`, a generator's invocation, or in Python "
          "Workload.from_arrays(..., invocation=[\"async\", ...])";
    }
    throw BatchCannotRunError(why);
  }

  [[gnu::always_inline]] void on_arrival(const Invocation& inv) {
    if (inv.type == InvocationType::kSync) cannot_run_sync(inv);
    const TimePoint now = sim_.now();
    last_ = now;
    JobSpec& s = spec(inv);
    ++res_.arrived;
    ++fn_tally_[inv.function].arrived;
    if (!any_arrival_) {
      first_arrival_ = inv.arrival;
      any_arrival_ = true;
    }
    const std::uint32_t j = new_job();
    Job& b = jobs_[j];
    b.arrival = inv.arrival;
    b.fn = inv.function;
    // Measured at the job definition's reference_memory_mb, else at the size the source states:
    // the one rule every platform follows (docs/models.md, "Durations and memory").
    b.run =
        batch_detail::run_time(s, inv.work, measured_at_mb(s.def.reference_memory_mb, inv, src_));
    if (s.def.array_size == 0 && s.def.array_window_s == 0) {
      // One SubmitJob call, made at the invocation's arrival (it may be read later, after a
      // backlog): submitted now, or when the quota lets it in.
      const TimePoint at = submit_call(inv.arrival, 1);
      if (at == kNever) {
        expire(&j, 1);
      } else if (at <= now) {
        accept(&j, 1, now);
      } else {
        wait_call(PendingCall{at, j, {}});
      }
      return;
    }
    ArrayGroup& g = groups_[inv.function];
    const Duration window = from_seconds(s.def.array_window_s);
    // Read after a backlog, an invocation past its group's window starts the next group: groups
    // follow arrival times, not the time the trace was read.
    if (!g.jobs.empty() && window.count() > 0 && inv.arrival > g.end)
      flush(inv.function, now, g.end);
    if (g.jobs.empty()) {
      g.first = inv.arrival;
      g.end = inv.arrival + window;
      if (window.count() > 0) {
        g.flush_pending = true;
        ++live_;
        sim_.schedule_at(std::max(now, g.end), id_, kArrayFlush, inv.function, g.gen);
      }
    }
    g.jobs.push_back(j);
    if (s.def.array_size > 0 && g.jobs.size() >= static_cast<std::size_t>(s.def.array_size))
      flush(inv.function, now, inv.arrival);
  }

  // Submits function fn's array job, its SubmitJob call made at `call` (<= now: its window's end
  // or its last child's arrival, which may be earlier than now after a backlog).
  void flush(FunctionId fn, TimePoint now, TimePoint call) {
    ArrayGroup& g = groups_[fn];
    if (g.flush_pending) {
      g.flush_pending = false;
      ++g.gen;
      --live_;
    }
    if (g.deferred) {
      g.deferred = false;
      --deferred_n_;
    }
    if (g.jobs.empty()) return;
    ++array_jobs_;
    const TimePoint at = submit_call(call, g.jobs.size());
    if (at == kNever || at <= now) {
      if (at == kNever) {
        expire(g.jobs.data(), g.jobs.size());
      } else {
        accept(g.jobs.data(), g.jobs.size(), now);
      }
      g.jobs.clear();
    } else {
      wait_call(PendingCall{at, kNone, std::move(g.jobs)});
      g.jobs = {};
    }
  }

  // Closes the deferred arrays whose window ended before the next unread arrival (all of them at
  // the end of the trace), in the order of their windows' ends: an invocation joins the array
  // its arrival time belongs to, however late the trace is read.
  void flush_deferred() {
    if (next_at_or_before(deferred_min_)) return;
    while (deferred_n_ > 0) {
      FunctionId best = 0;
      bool found = false;
      for (FunctionId f = 0; f < groups_.size(); ++f) {
        if (groups_[f].deferred && (!found || groups_[f].end < groups_[best].end)) {
          best = f;
          found = true;
        }
      }
      if (next_at_or_before(groups_[best].end)) {
        deferred_min_ = groups_[best].end;
        return;
      }
      flush(best, sim_.now(), groups_[best].end);
    }
    deferred_min_ = TimePoint::max();
  }

  void flush_partial_arrays() {
    std::uint64_t partial = 0;
    for (FunctionId f = 0; f < groups_.size(); ++f) {
      if (groups_[f].jobs.empty() || groups_[f].flush_pending) continue;  // windows flush alone
      ++partial;
      flush(f, sim_.now(), sim_.now());
    }
    if (partial > 0) {
      note(fmt::format("{} array job(s) smaller than array_size submitted at the end of the trace",
                       partial));
    }
  }

  std::uint32_t new_job() {
    if (!free_jobs_.empty()) {
      const std::uint32_t j = free_jobs_.back();
      free_jobs_.pop_back();
      const std::uint32_t gen = jobs_[j].gen + 1;
      jobs_[j] = Job{};
      jobs_[j].gen = gen;
      return j;
    }
    jobs_.emplace_back();
    return static_cast<std::uint32_t>(jobs_.size() - 1);
  }

  // One SubmitJob call made at `call` (one job, or one array job of `jobs` children): returns
  // when AWS accepts it. The quota is a generic cell rate algorithm (calls spaced by
  // submit_interval_, with a burst allowance); a call over it is throttled
  // (TooManyRequestsException) and retried by the caller's SDK until it gets in, so the calls
  // over the quota drain at its rate, first come first served. Calls are made in
  // non-decreasing acceptance order, so `last_at_` is the latest acceptance.
  // A call that would wait longer than max_submit_wait_s is given up: it returns kNever, takes
  // no place in the quota, and its jobs expire.
  [[gnu::always_inline]] TimePoint submit_call(TimePoint call, std::uint64_t jobs) {
    ++submit_calls_;
    const TimePoint at = std::max(call, submit_tat_ - submit_burst_);
    if (at - call > sdk_retry_window_) ++submit_beyond_sdk_;
    if (at > call) {
      if (run_len_ == 0 && run_made_ == 0) run_start_ = call;
      ++run_made_;
      run_last_call_ = std::max(run_last_call_, call);
    }
    if (at - call > max_submit_wait_) {
      ++submit_expired_calls_;
      return kNever;
    }
    submit_tat_ = std::max(submit_tat_, at) + submit_interval_;
    if (at > call) {
      ++submit_waited_;
      submit_wait_max_ = std::max(submit_wait_max_, at - call);
      // Calls still waiting when this one was made: the run of waiting calls before it,
      // accepted submit_interval_ apart up to last_at_.
      std::uint64_t ahead = 0;
      if (run_len_ > 0 && last_at_ > call) {
        ahead = std::min<std::uint64_t>(
            run_len_,
            static_cast<std::uint64_t>((last_at_ - call - Duration{1}) / submit_interval_) + 1);
      }
      backlog_max_ = std::max(backlog_max_, ahead + 1);
      if (run_len_ == 0) run_jobs_ = 0;
      ++run_len_;
      run_jobs_ += jobs;
      run_end_ = at;
    } else {
      close_backlog();
    }
    last_at_ = at;
    return at;
  }

  // The end of a run of waiting calls: remembers the longest.
  void close_backlog() {
    if (run_len_ == 0 && run_made_ == 0) return;
    if (run_len_ > 0 && (run_end_ - run_start_ > longest_drain_ || longest_calls_ == 0)) {
      longest_drain_ = run_end_ - run_start_;
      longest_start_ = run_start_.time_since_epoch();
      longest_calls_ = run_len_;
      longest_jobs_ = run_jobs_;
    }
    // The calls made during the backlog, over the time they were made: a sustained rate above
    // the quota when they were made over at least 10 s (a burst at one instant is not).
    const double span = to_seconds(run_last_call_ - run_start_);
    if (span >= 10) {
      const double rate = static_cast<double>(run_made_) / span;
      if (rate > overload_rate_) {
        overload_rate_ = rate;
        overload_start_ = run_start_.time_since_epoch();
        overload_span_s_ = span;
      }
    }
    run_len_ = 0;
    run_made_ = 0;
  }

  // Jobs whose SubmitJob call AWS accepted at `now`: SUBMITTED, then RUNNABLE in their queue,
  // unless the account already has the most jobs waiting AWS allows ("Maximum number of jobs in
  // SUBMITTED state | 1000000", https://docs.aws.amazon.com/batch/latest/userguide/
  // service_limits.html, retrieved 2026-12-07; slsim counts every job accepted and not yet
  // started, as it models no separate SUBMITTED and RUNNABLE times): then the call is refused.
  [[gnu::always_inline]] void accept(const std::uint32_t* js, std::size_t n, TimePoint now) {
    if (runnable_ + n > submitted_max_) {
      ++refused_calls_;
      for (std::size_t k = 0; k < n; ++k)
        end_unrun(js[k], 4);
      res_.outcomes.refused += n;
      return;
    }
    for (std::size_t k = 0; k < n; ++k)
      submit(js[k], now);
  }

  // Jobs whose SubmitJob call waited max_submit_wait_s without getting in: the submitter gave up.
  void expire(const std::uint32_t* js, std::size_t n) {
    for (std::size_t k = 0; k < n; ++k)
      end_unrun(js[k], 5);
    res_.outcomes.expired += n;
  }

  // A job that never ran (refused 4, expired 5): recorded on request, its slot freed.
  void end_unrun(std::uint32_t j, std::uint8_t outcome) {
    FunctionTally& f = fn_tally_[jobs_[j].fn];
    ++(outcome == 4 ? f.outcomes.refused : f.outcomes.expired);
    if (o_.record_jobs) {
      res_.jobs.push_back({to_seconds(jobs_[j].arrival), -1, -1, jobs_[j].fn, 0, outcome});
    }
    free_jobs_.push_back(j);
  }

  // A call that waits for the quota: its jobs are submitted at c.at (kSubmit).
  void wait_call(PendingCall c) {
    quota_free_ = std::max(quota_free_, c.at);
    ++live_;
    sim_.schedule_at(c.at, id_, kSubmit);
    calls_.push_back(std::move(c));
  }

  // "0.045 s", "199 s", "45.2 min", "20.0 h".
  static std::string seconds_text(double s) {
    if (s < 10) return fmt::format("{:.2g} s", s);
    if (s < 600) return fmt::format("{:.0f} s", s);
    if (s < 7200) return fmt::format("{:.1f} min", s / 60);
    return fmt::format("{:.1f} h", s / 3600);
  }

  [[gnu::always_inline]] void submit(std::uint32_t j, TimePoint now) {
    Queue& q = queues_[specs_[jobs_[j].fn].queue];
    q.jobs.push_back(j);
    ++runnable_;
    runnable_max_ = std::max(runnable_max_, runnable_);
    request_tick(now);
  }

  // ---- the scheduler ---------------------------------------------------------------------------

  void request_tick(TimePoint now) {
    if (tick_pending_) return;
    bool waiting = false;
    for (const auto& q : queues_)
      waiting = waiting || !q.jobs.empty();
    if (!waiting) return;
    const TimePoint t = tick_.count() > 0 ? TimePoint{ceil_to(now.time_since_epoch(), tick_)} : now;
    tick_pending_ = true;
    ++live_;
    sim_.schedule_at(t, id_, kTick);
  }

  void schedule_jobs(TimePoint now) {
    for (const auto qi : order_) {
      Queue& q = queues_[qi];
      while (!q.jobs.empty()) {
        const std::uint32_t j = q.jobs.front();
        bool placed = false;
        for (const auto e : q.envs) {
          if (try_place(j, e, now)) {
            placed = true;
            break;
          }
        }
        if (!placed) break;  // first in, first out: the head waits, and so does the queue
        q.jobs.pop_front();
        --runnable_;
      }
    }
  }

  bool try_place(std::uint32_t j, std::uint32_t e, TimePoint now) {
    Job& b = jobs_[j];
    const JobSpec& s = specs_[b.fn];
    Env& env = envs_[e];
    if (env.fargate) {
      if (!env.fargate->has_room(s.vcpu_milli)) return false;
      env.fargate->start(s.vcpu_milli);
      b.env = e;
      b.inst = kNone;
      b.task_start = now + starting_ + fargate_start_;
      ++res_.cold_starts;  // every Fargate attempt is a new task
      b.cold = true;
      begin_attempt(j, b.task_start, now);
      return true;
    }
    Ec2Capacity& cap = *env.ec2;
    std::uint32_t i = cap.find_room(s.vcpu_milli, s.mib);
    if (i == kNone) {
      i = cap.launch_for(s.vcpu_milli, s.mib, now, launch_);
      if (i == kNone) return false;
      launched(e, i, now);
    }
    auto& in = cap.instance(i);
    if (in.idle_check_pending) {  // taking a job cancels the scale-down
      in.idle_check_pending = false;
      --live_;
    }
    cap.assign(i, j, s.vcpu_milli, s.mib);
    busy_tw_.add(now, s.vcpu_milli / 1000.0);
    b.env = e;
    b.inst = i;
    const TimePoint started = std::max(now + starting_, in.ready);
    b.cold = in.ready > now + starting_;
    if (b.cold) ++res_.cold_starts;  // waited for a new instance
    b.task_start = started;
    begin_attempt(j, started, now);
    return true;
  }

  void begin_attempt(std::uint32_t j, TimePoint container_start, TimePoint now) {
    Job& b = jobs_[j];
    const JobSpec& s = specs_[b.fn];
    ++b.attempts;
    ++res_.attempts;
    if (b.attempts > 1) ++res_.retries;
    b.run_start = container_start + container_start_;
    TimePoint end;
    if (s.timeout.count() > 0 && b.run > s.timeout) {
      end = b.run_start + s.timeout;
      b.result = kTimeout;
    } else {
      end = b.run_start + b.run;
      b.result =
          s.def.error_probability > 0 && err_rng_.bernoulli(s.def.error_probability) ? kError : kOk;
    }
    const Env& env = envs_[b.env];
    if (env.fargate && env.spot && spot_rate_ > 0) {
      const TimePoint cut = b.task_start + from_seconds(spot_rng_.exponential(3600.0 / spot_rate_));
      if (cut < end) {
        end = cut;
        b.result = kInterrupted;
      }
    }
    b.end_pending = true;
    ++live_;
    sim_.schedule_at(end, id_, kAttemptEnd, j, b.gen);
    jobs_tw_.add(now, 1);
  }

  void end_attempt(std::uint32_t j, Result r, TimePoint now) {
    Job& b = jobs_[j];
    const JobSpec& s = specs_[b.fn];
    Env& env = envs_[b.env];
    if (env.fargate) {
      const Duration alive = now > b.task_start ? now - b.task_start : Duration{0};
      env.fargate->stop(s.vcpu_milli, s.mib, alive);
      const double v = s.vcpu_milli / 1000.0;
      fargate_task_vcpu_s_ += v * to_seconds(alive);
      if (now > b.run_start) fargate_run_vcpu_s_ += v * to_seconds(now - b.run_start);
      if (r == kInterrupted) ++instances_interrupted_;  // a Fargate Spot task reclaimed
    } else {
      Ec2Capacity& cap = *env.ec2;
      cap.release(b.inst, j, s.vcpu_milli, s.mib);
      busy_tw_.add(now, -(s.vcpu_milli / 1000.0));
      if (cap.instance(b.inst).jobs.empty() && cap.instance(b.inst).alive && r != kInterrupted) {
        idle(b.env, b.inst, now);
      }
    }
    jobs_tw_.add(now, -1);
    if (b.run_start > now) b.run_start = now;  // stopped before it ran
    const bool retry = (r == kError || r == kInterrupted) && b.attempts < s.def.attempts;
    if (r == kError) ++errors_;
    if (r == kInterrupted) ++interruptions_;
    if (retry) {
      Queue& q = queues_[s.queue];  // back to RUNNABLE, at the tail of its queue
      q.jobs.push_back(j);
      ++runnable_;
      runnable_max_ = std::max(runnable_max_, runnable_);
    } else {
      const double latency_ms = to_millis(now - b.arrival);
      FunctionTally& f = fn_tally_[b.fn];
      (r == kOk ? f.latency_completed : f.latency_other).add(latency_ms);
      res_.latency_stats.add(latency_ms);
      res_.queue_wait_ms.add(to_millis(b.run_start - b.arrival));
      switch (r) {
        case kOk:
          ++res_.outcomes.completed;
          ++f.outcomes.completed;
          res_.latency_completed_stats.add(latency_ms);
          run_time_s_.add(to_seconds(now - b.run_start));
          break;
        case kTimeout:
          ++res_.outcomes.timed_out;  // AWS does not retry an attempt stopped at its timeout
          ++f.outcomes.timed_out;
          break;
        case kError:
        case kInterrupted:
          ++res_.outcomes.failed;
          ++f.outcomes.failed;
          break;
      }
      last_end_ = std::max(last_end_, now);
      any_end_ = true;
      if (b.cold) {
        ++cold_jobs_;
        ++f.cold;
      }
      if (o_.record_jobs) {
        res_.jobs.push_back({to_seconds(b.arrival), to_seconds(b.run_start), to_seconds(now), b.fn,
                             b.attempts,
                             static_cast<std::uint8_t>(r == kOk        ? 0
                                                       : r == kTimeout ? 2
                                                                       : 1)});
      }
      free_jobs_.push_back(j);
    }
    request_tick(now);
  }

  // ---- instances
  // ---------------------------------------------------------------------------------

  void launched(std::uint32_t e, std::uint32_t i, TimePoint now) {
    const auto& in = envs_[e].ec2->instance(i);
    hosts_tw_.add(now, 1);
    cap_tw_.add(now, envs_[e].ec2->types()[in.type].vcpu_milli / 1000.0);
    if (envs_[e].spot && spot_rate_ > 0) {
      const TimePoint at = now + from_seconds(spot_rng_.exponential(3600.0 / spot_rate_));
      sim_.schedule_at(at, id_, kInterrupt, pack(e, i), in.life);  // not "live": may never fire
    }
  }

  void idle(std::uint32_t e, std::uint32_t i, TimePoint now) {
    auto& in = envs_[e].ec2->instance(i);
    if (in.idle_check_pending) return;
    in.idle_check_pending = true;
    ++live_;
    sim_.schedule_at(now + scale_down_, id_, kIdleCheck, pack(e, i), in.idle_gen);
  }

  void terminate(std::uint32_t e, std::uint32_t i, TimePoint now) {
    Ec2Capacity& cap = *envs_[e].ec2;
    auto& in = cap.instance(i);
    if (in.idle_check_pending) {
      in.idle_check_pending = false;
      --live_;
    }
    hosts_tw_.add(now, -1);
    cap_tw_.add(now, -(cap.types()[in.type].vcpu_milli / 1000.0));
    cap.terminate(i, now);
  }

  Simulation& sim_;
  WorkloadSource& src_;
  const BatchOptions& o_;
  const RateCard& rc_;
  PartContext ctx_;
  RngStream err_rng_, spot_rng_;
  ComponentId id_ = 0;
  std::vector<Env> envs_;
  std::vector<Queue> queues_;
  std::vector<std::uint32_t> order_;
  std::vector<JobSpec> specs_;
  std::vector<ArrayGroup> groups_;
  std::vector<Job> jobs_;
  std::vector<std::uint32_t> free_jobs_;
  bool tick_pending_ = false, any_arrival_ = false, any_end_ = false;
  bool ended_ = false;           // told that no more arrivals come
  bool finished_ = false;        // no work and no arrivals left: events are ignored from now on
  bool drain_pending_ = false;   // a kDrain is scheduled (joint runs)
  std::deque<Invocation> held_;  // joint runs: calls made while the SubmitJob backlog waits
  TimePoint last_{}, first_arrival_{}, last_end_{};
  std::uint64_t live_ = 0;  // pending events that matter (not Spot interruptions far ahead)
  Duration tick_{}, starting_{}, container_start_{}, launch_{}, fargate_start_{}, scale_down_{};
  double spot_rate_ = 0, max_lambda_vcpu_ = 6;
  TimeWeighted jobs_tw_, hosts_tw_, cap_tw_, busy_tw_;
  double fargate_task_vcpu_s_ = 0, fargate_run_vcpu_s_ = 0;
  std::uint64_t cold_jobs_ = 0;                    // jobs whose last attempt started cold
  FunctionTallies fn_tally_{o_.record_functions};  // by FunctionId (function_tally.hpp)
  RunningStats run_time_s_;
  std::uint64_t interruptions_ = 0, instances_interrupted_ = 0, errors_ = 0, array_jobs_ = 0;
  std::uint64_t runnable_ = 0, runnable_max_ = 0;
  static constexpr TimePoint kNever = TimePoint::max();
  // Calls that waited longer than a default SDK client retries; calls given up after
  // max_submit_wait_s; calls refused at the SUBMITTED quota (submitted_max_ jobs waiting).
  Duration sdk_retry_window_{0}, max_submit_wait_{0};
  std::uint64_t submit_beyond_sdk_ = 0, submit_expired_calls_ = 0, refused_calls_ = 0;
  std::uint64_t submitted_max_ = 1'000'000, run_made_ = 0;
  TimePoint run_last_call_{};
  double overload_rate_ = 0, overload_span_s_ = 0;
  Duration overload_start_{0};
  std::uint32_t deferred_n_ = 0;               // arrays whose window ended, not yet closed
  TimePoint deferred_min_ = TimePoint::max();  // the earliest end among them
  // SubmitJob rate quota (generic cell rate algorithm) and the calls waiting for it.
  Duration submit_interval_{0}, submit_burst_{0};
  double submit_tps_ = 50;
  TimePoint submit_tat_{}, last_at_{}, quota_free_{};
  std::deque<PendingCall> calls_;
  std::uint64_t submit_calls_ = 0, submit_waited_ = 0, backlog_max_ = 0;
  Duration submit_wait_max_{0};
  // The current run of waiting calls and the longest one (its first call to its last accepted).
  std::uint64_t run_len_ = 0, run_jobs_ = 0, longest_calls_ = 0, longest_jobs_ = 0;
  TimePoint run_start_{}, run_end_{};
  Duration longest_drain_{0}, longest_start_{0};
  BatchResult res_;
  std::vector<std::string> notes_;
};

}  // namespace

BatchResult simulate_batch(WorkloadSource& workload, const BatchOptions& options,
                           const RateCard& rates) {
  Simulation sim;
  Lookahead ahead;
  BatchModel model(sim, workload, options, rates, single_platform(ahead));
  drive(sim, workload, model, ahead);
  return model.finish();
}

std::unique_ptr<PlatformPart<BatchResult>> make_batch_part(Simulation& sim, WorkloadSource& src,
                                                           const BatchOptions& options,
                                                           const RateCard& rates,
                                                           PartContext context) {
  return std::make_unique<BatchModel>(sim, src, options, rates, std::move(context));
}

}  // namespace slsim
