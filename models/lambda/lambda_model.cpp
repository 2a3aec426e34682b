#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <nlohmann/json.hpp>

#include "../platform/function_tally.hpp"
#include "../platform/platform_part.hpp"
#include "slsim/core/simulation.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/lambda/lambda_config.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/platform/duration_model.hpp"
#include "slsim/platform/impossible_error.hpp"

namespace slsim {

namespace {
// A sampled keep-alive or init time is capped at 100 years (the bound lambda_config.cpp puts on
// their median and p99), so a distribution's far tail cannot leave the integer clock.
constexpr double kMaxSampledS = 100 * 365.25 * 86'400;
}  // namespace

std::string_view to_string(Runtime r) {
  switch (r) {
    case Runtime::kPython:
      return "python";
    case Runtime::kNodejs:
      return "nodejs";
    case Runtime::kJava:
      return "java";
    case Runtime::kDotnet:
      return "dotnet";
    case Runtime::kGo:
      return "go";
    case Runtime::kCustom:
      return "custom";
    case Runtime::kContainer:
      return "container";
  }
  return "python";
}

Runtime parse_runtime(std::string_view s) {
  for (auto r : {Runtime::kPython, Runtime::kNodejs, Runtime::kJava, Runtime::kDotnet, Runtime::kGo,
                 Runtime::kCustom, Runtime::kContainer}) {
    if (to_string(r) == s) return r;
  }
  throw PricingError(fmt::format(
      "runtime '{}' is not one of python, nodejs, java, dotnet, go, custom, container", s));
}

Distribution default_init_ms(Runtime runtime, std::uint32_t memory_mb) {
  // Median and upper end of the 95% band of cold-start latency, Mikhail Shilkov, "Cold Starts in
  // AWS Lambda" (mikhail.io/serverless/coldstarts/aws/, data of January 2021), fitted as
  // log-normal: sigma = ln(p97.5 / median) / 1.96.
  double median = 220, p975 = 530;
  switch (runtime) {
    case Runtime::kPython:
      median = 220;
      p975 = 530;
      break;
    case Runtime::kNodejs:
      median = 260;
      p975 = 600;
      break;
    case Runtime::kGo:
      median = 310;
      p975 = 660;
      break;
    case Runtime::kCustom:
      median = 310;
      p975 = 660;
      break;  // as Go (provided runtimes)
    case Runtime::kJava:
      median = 370;
      p975 = 690;
      break;
    case Runtime::kDotnet:
      median = 520;
      p975 = 830;
      break;  // at 2 GB and more
    case Runtime::kContainer:
      median = 790;
      p975 = 1400;
      break;
  }
  const double sigma = std::log(p975 / median) / 1.959963984540054;
  const double m = std::clamp<double>(memory_mb, 128, 2048);
  if (runtime == Runtime::kDotnet) {
    // .NET cold starts shrink with memory: 1.70 s median at small sizes (Shilkov, Feb 2019) to
    // 0.52 s at 2 GB (Jan 2021); log-linear in log2(memory) between 128 MB and 2 GB.
    const double w = std::log2(m / 128.0) / 4.0;
    median = std::exp(std::log(1700.0) + w * (std::log(520.0) - std::log(1700.0)));
  } else {
    // Other runtimes are ~8% slower at 128 MB than at 2 GB (Wang et al., ATC'18: 265 vs 246 ms).
    median *= 1.0 + 0.078 * (2048.0 - m) / 1920.0;
  }
  return Distribution::lognormal(std::log(median), sigma);
}

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

enum Kind : std::uint32_t {
  kAttempt,
  kPollerFree,
  kFinish,
  kPoll,
  kPcStart,
  kPcEnd,
  kVisible,
  kExpire
};

enum Outcome : std::uint8_t {
  kCompleted,
  kFailedError,
  kFailedTimeout,
  kDroppedThrottled,
  kDroppedExpired
};

struct Request {
  TimePoint arrival{};
  TimePoint started{};  // start of the last attempt that ran
  Duration work{};
  std::uint32_t fn = 0;  // the function's slot
  std::uint32_t ref_mb = 0;
  std::uint32_t vis_gen = 0;  // bumped at each SQS receive and when the slot is reused
  InvocationType type = InvocationType::kSync;
  std::uint16_t executions = 0;  // attempts that ran
  std::uint16_t throttled = 0;   // throttled attempts
  std::uint16_t receives = 0;    // SQS receives (throttled ones included)
  std::uint16_t inflight = 0;    // executions running now (SQS may run a message twice)
  std::uint8_t last_fail = 0;  // SQS: result of the last execution that failed (1 error, 2 timeout)
  bool cold = false;
  bool accepted = false;  // async: accepted by the invoke API (Lambda retries it from now on)
  bool ended = false;     // reached its terminal state
  bool queued = false;    // SQS: in its function's queue (visible)
};

struct Env {
  std::uint32_t fn = 0;  // the function's slot
  std::uint32_t request = kNone;
  std::uint32_t heap_pos = kNone;  // position in the idle-expiry heap, kNone when not idle
  std::uint32_t gen = 0;           // bumped when the environment leaves the idle pool
  TimePoint busy_since{}, deadline{};
  bool alive = false, busy = false, pc = false, doomed = false;
  bool first = false;       // the running attempt is its invocation's first run
  std::uint8_t result = 0;  // outcome of the running attempt: 0 ok, 1 error, 2 timeout
};

// Min-heap of idle on-demand environments by expiry deadline, indexed so that an environment
// that is reused leaves it at once (the heap holds exactly the idle environments).
class IdleHeap {
 public:
  explicit IdleHeap(std::vector<Env>& envs) : envs_(envs) {}
  bool empty() const { return heap_.empty(); }
  std::uint32_t top() const { return heap_.front(); }
  void push(std::uint32_t e) {
    heap_.push_back(e);
    envs_[e].heap_pos = static_cast<std::uint32_t>(heap_.size() - 1);
    up(heap_.size() - 1);
  }
  void remove(std::uint32_t e) {
    const std::size_t i = envs_[e].heap_pos;
    envs_[e].heap_pos = kNone;
    const std::uint32_t last = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) return;
    heap_[i] = last;
    envs_[last].heap_pos = static_cast<std::uint32_t>(i);
    up(i);
    down(envs_[last].heap_pos);
  }

 private:
  bool less(std::uint32_t a, std::uint32_t b) const {
    return envs_[a].deadline < envs_[b].deadline;
  }
  void set(std::size_t i, std::uint32_t e) {
    heap_[i] = e;
    envs_[e].heap_pos = static_cast<std::uint32_t>(i);
  }
  void up(std::size_t i) {
    const std::uint32_t e = heap_[i];
    while (i > 0) {
      const std::size_t p = (i - 1) / 2;
      if (!less(e, heap_[p])) break;
      set(i, heap_[p]);
      i = p;
    }
    set(i, e);
  }
  void down(std::size_t i) {
    const std::uint32_t e = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && less(heap_[c + 1], heap_[c])) ++c;
      if (!less(heap_[c], e)) break;
      set(i, heap_[c]);
      i = c;
    }
    set(i, e);
  }
  std::vector<Env>& envs_;
  std::vector<std::uint32_t> heap_;
};

// One function's state. Functions live in slots: a slot is made when a function is first
// invoked, or at the start for a function with provisioned concurrency (which exists whatever
// the traffic).
struct Fn {
  bool ready = false;
  // Set up (for its provisioned concurrency) before any invocation, with neither a configured
  // nor a listed memory: the memory is the first invocation's, else 128 MB.
  bool memory_pending = false;
  std::string name;
  LambdaFunctionConfig cfg;
  std::uint32_t memory_mb = kUnstatedMemoryMb;
  Duration timeout{};
  Duration visibility{};  // SQS visibility timeout (queue invocations)
  bool visibility_noted = false;
  Distribution keep_alive, init;
  bool eni = false, init_billed = false, reserved = false;
  std::uint32_t cap = 0;  // reserved concurrency (if reserved)
  std::uint32_t busy = 0, pc_alive = 0, pc_busy = 0;
  std::uint32_t alive = 0;  // environments (on-demand and provisioned)
  // VPC era: the ENIs attached for the function's environments, in attachment order, by the
  // time each is (or was) ready; environments fill them in that order.
  std::vector<TimePoint> eni_ready;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> mru;  // (env, gen), back = most recent
  std::vector<std::uint32_t> pc_idle;
  std::vector<std::uint32_t> pc_made;  // by window: environments its start created (billed)
  std::size_t stale_mru = 0;           // expired environments still listed in mru
  double tokens = 0;
  TimePoint tokens_at{};
  std::deque<std::uint32_t> queue;  // SQS messages waiting
  std::uint32_t queue_busy = 0;     // pollers holding a message (or backing off a throttle)
  std::optional<TimePoint> backlog_since;
  bool poll_scheduled = false;
  std::uint64_t expired_after_failing = 0;  // SQS messages that failed until retention ran out
  LambdaUsage usage;
  FunctionId id = kNone;  // kNone: not met in the workload yet (its tally: tallies_[id])
};

class LambdaModel final : public Component, public PlatformPart<LambdaResult> {
 public:
  LambdaModel(Simulation& sim, WorkloadSource& src, const LambdaOptions& o, const RateCard& rc,
              PartContext context = {})
      : sim_(sim),
        src_(src),
        o_(o),
        rc_(rc),
        ctx_(std::move(context)),
        init_rng_(o.seed, 101),
        keep_rng_(o.seed, 102),
        error_rng_(o.seed, 103),
        backoff_rng_(o.seed, 104),
        eni_rng_(o.seed, 105) {
    id_ = sim_.add(*this);
    validate_lambda(o_, rc_);  // the one validator (lambda_config.cpp); throws ConfigError
    rc_.check_as_of(o_.as_of);
    account_limit_ =
        o_.account_concurrency
            ? o_.account_concurrency
            : static_cast<std::uint32_t>(rc_.rule("lambda.account_concurrency", o_.as_of));
    unreserved_min_ = static_cast<std::uint32_t>(rc_.rule("lambda.unreserved_min", o_.as_of));
    granularity_ = Duration{
        static_cast<std::int64_t>(rc_.rule("lambda.duration_granularity_ms", o_.as_of)) * 1000};
    max_vcpu_ = rc_.rule("lambda.max_vcpu", o_.as_of);
    mb_per_vcpu_ = rc_.rule("lambda.mb_per_vcpu", o_.as_of);
    ephemeral_included_mb_ =
        static_cast<std::uint32_t>(rc_.rule("lambda.ephemeral_included_mb", o_.as_of));
    per_function_burst_ = rc_.rule("lambda.burst_per_function", o_.as_of) != 0;
    burst_ = o_.burst ? static_cast<double>(*o_.burst) : region_rule("lambda.burst");
    refill_per_s_ = rc_.rule("lambda.scale_per_min", o_.as_of) / 60.0;
    account_tokens_ = burst_;
    request_rate_ = rc_.rule("lambda.request_rate_per_concurrency", o_.as_of) * account_limit_;
    request_tokens_ = request_rate_;
    eni_era_ = region_rule_or("lambda.vpc_eni_cold_start", 0) != 0;
    if (eni_era_) {
      // The ENI attachment of the era before Hyperplane, and how many environments shared one.
      const double median = rc_.rule("lambda.vpc_eni_median_ms", o_.as_of);
      const double p975 = rc_.rule("lambda.vpc_eni_p975_ms", o_.as_of);
      eni_penalty_ = p975 > median
                         ? Distribution::lognormal(std::log(median),
                                                   std::log(p975 / median) / 1.959963984540054)
                         : Distribution::constant(median);
      eni_mb_ = rc_.rule("lambda.vpc_eni_gb_per_eni", o_.as_of) * 1024.0;
    }
    init_billed_rule_ = rc_.rule("lambda.init_billed_zip_managed", o_.as_of) != 0;
    sqs_initial_ = rc_.rule("lambda.sqs_pollers_initial", o_.as_of);
    sqs_per_min_ = rc_.rule("lambda.sqs_pollers_per_min", o_.as_of);
    sqs_max_ = rc_.rule("lambda.sqs_pollers_max", o_.as_of);
    retry1_ = from_seconds(rc_.rule("lambda.async_retry_delay1_s", o_.as_of));
    retry2_ = from_seconds(rc_.rule("lambda.async_retry_delay2_s", o_.as_of));
    backoff_min_s_ = rc_.rule("lambda.async_throttle_backoff_min_s", o_.as_of);
    backoff_max_s_ = rc_.rule("lambda.async_throttle_backoff_max_s", o_.as_of);
    keep_min_ = rc_.rule("lambda.keep_alive_min_s", o_.as_of);
    keep_max_ = rc_.rule("lambda.keep_alive_max_s", o_.as_of);
    max_memory_mb_ = static_cast<std::uint32_t>(rc_.rule("lambda.memory_max_mb", o_.as_of));
    std::uint64_t reserved_sum = 0;
    for (const auto& [name, cfg] : o_.functions) {
      if (cfg.reserved_concurrency) reserved_sum += *cfg.reserved_concurrency;
    }
    unreserved_cap_ = account_limit_ - static_cast<std::uint32_t>(reserved_sum);
    if (o_.record_timeseries) res_.timeseries.emplace_back();
  }

  // ---- the arrival side (arrival_driver.hpp) ----------------------------------------------------
  /// Sets up the span and provisioned concurrency: before any event in a single-platform run; at
  /// the model's first arrival (or the end, when it has none) in a joint run, where a provisioned
  /// window that started earlier is set up then and counted from its start, as for a function
  /// met late.
  void begin(const Invocation* first) override {
    running_ = ctx_.joint;
    // The simulated span starts at the first arrival (shifting every arrival by a constant
    // changes nothing but absolute times), or at the start of an earlier provisioned window
    // that has an end: such a window is billed whole, as AWS bills it.
    const TimePoint never{Duration{std::numeric_limits<std::int64_t>::max()}};
    origin_ = first ? first->arrival : never;
    auto earlier_window = [&](const LambdaFunctionConfig& c) {
      for (const auto& w : c.provisioned) {
        if (w.end_s >= 0 && w.count > 0 && w.end_s > w.start_s)
          origin_ = std::min(origin_, TimePoint{from_seconds(std::max(0.0, w.start_s))});
      }
    };
    for (const auto& [name, cfg] : o_.functions)
      earlier_window(cfg);
    earlier_window(o_.defaults);
    if (origin_ == never) origin_ = TimePoint{};
    envs_tw_ = TimeWeighted(origin_);
    busy_tw_ = TimeWeighted(origin_);
    span_end_ = origin_;
    envs_at_end_ = envs_tw_;
    busy_at_end_ = busy_tw_;
    // Provisioned concurrency exists from its window's start whatever the traffic: set up the
    // functions that have it now (the named ones, and every function the workload lists so far
    // when the defaults have it).
    for (const auto& [name, cfg] : o_.functions) {
      if (!cfg.provisioned.empty()) named_slots_[name] = make_slot(name, cfg, 0);
    }
    if (!o_.defaults.provisioned.empty()) {
      const auto& table = src_.functions();
      for (FunctionId id = 0; id < table.size(); ++id)
        if (ctx_.owned(table[id].name)) slot(id, nullptr);
    }
    running_ = true;
  }
  TimePoint hold_until() const override { return TimePoint::min(); }
  /// An arrival, at now() == inv.arrival: idle environments past their keep-alive leave first.
  [[gnu::always_inline]] void accept(const Invocation& inv) override {
    expire_until(sim_.now());
    on_arrival(inv);
  }
  void instant_done() override {}
  void end_of_arrivals() override {}

  LambdaResult finish() override {
    // The span ends at the last arrival, the end of the last first run of an invocation or
    // the end of a provisioned window, whichever is last: retries, redeliveries and expiries
    // after it (an SQS message failing for its 4-day retention, async retries up to 6 h) are
    // billed but stretch neither the time averages nor the monthly allowances' proration.
    const TimePoint end = span_end_;
    if (!at_end_taken_) take_span_end();
    res_.platform = "lambda";
    res_.span_s = to_seconds(end - origin_);
    // Provisioned environments of functions met late count from their window's start.
    const double alive_s = envs_at_end_.integral(end) + retro_env_s_;
    res_.instances_mean = res_.span_s > 0 ? alive_s / res_.span_s : envs_at_end_.mean(end);
    res_.instances_max = envs_tw_.max();
    res_.mean_busy = busy_at_end_.mean(end);
    res_.max_busy = busy_tw_.max();
    res_.mean_idle = res_.instances_mean - res_.mean_busy;
    res_.utilisation = alive_s > 0 ? busy_at_end_.integral(end) / alive_s : 0.0;
    if (last_event_ > end) {
      note(fmt::format(
          "retries, redeliveries or expiries went on for {:.0f} s after the span (the last "
          "arrival or first run, {:.3f} s): their runs are billed, but the time averages and the "
          "monthly allowances' proration cover the span only",
          to_seconds(last_event_ - end), res_.span_s));
    }
    for (auto& f : fns_) {
      if (!f.ready) continue;
      // Provisioned capacity is billed for the time each window is enabled within the span,
      // 5-minute rounded.
      if (!f.cfg.provisioned.empty()) {
        // A window with no end stays enabled to the end of the workload's declared span when
        // the traffic ends earlier: kept-running capacity is billed over the whole span, as on
        // every platform (issue 19 #6).
        TimePoint pc_end = end;
        if (const auto d = src_.declared_span_s(); d && *d > 0)
          pc_end = std::max(pc_end, TimePoint{from_seconds(*d)});
        const Duration g{static_cast<std::int64_t>(rc_.rule("lambda.pc_granularity_s", o_.as_of)) *
                         1'000'000};
        for (const auto& w : f.cfg.provisioned) {
          const auto [start, stop] = pc_window(w, pc_end);
          if (stop <= start || w.count == 0) continue;
          const auto ms = static_cast<std::uint64_t>(ceil_to(stop - start, g).count() / 1000);
          // The environments the window made: fewer than its count when the account could not
          // hold them (never billed for environments that did not exist).
          const std::uint64_t made =
              f.pc_made[static_cast<std::size_t>(&w - f.cfg.provisioned.data())];
          f.usage.pc_capacity_mb_ms += made * f.memory_mb * ms;
          f.usage.peak_pc_mb += made * f.memory_mb;  // every window at once: an upper bound
        }
      }
      if (f.expired_after_failing > 0) {
        note(fmt::format(
            "function {}: {} queue messages failed on every receive and, with no dead-letter "
            "queue (max_receive_count 0), were retried until the {} s retention period expired",
            f.name, f.expired_after_failing, f.cfg.message_retention_s));
      }
      res_.usage.lambda.push_back(f.usage);
    }
    PricingOptions po;
    po.as_of = o_.as_of;
    po.region = o_.region;
    po.free_tier = o_.free_tier;
    // Monthly allowances and tiers apply per month of the span (prorated): the workload's
    // declared span when it is longer than the traffic, as `slsim report` prorates them (one
    // span, issue 19 #8).
    if (res_.span_s > 0) po.span_s = res_.span_s;
    if (const auto d = src_.declared_span_s(); d && *d > po.span_s.value_or(0)) po.span_s = *d;
    if (o_.discount_pct > 0) po.discount_pct["lambda"] = o_.discount_pct;
    res_.bill = rc_.price(res_.usage, po);
    if (src_.skipped_rows() > 0) {
      const auto ex = src_.skipped_examples();
      note(fmt::format("{} malformed trace rows skipped{}", src_.skipped_rows(),
                       ex.empty() ? "" : " (first: " + ex.front() + ")"));
    }
    res_.notes = notes_;
    auto& c = res_.counts;
    res_.arrived = c.arrived;
    res_.outcomes.completed = c.completed;
    res_.outcomes.failed = c.failed_error;
    res_.outcomes.timed_out = c.failed_timeout;
    res_.outcomes.refused = c.dropped_throttled;
    res_.outcomes.expired = c.dropped_expired;
    res_.attempts = c.attempts;
    res_.retries = c.retries;
    res_.cold_starts = c.cold_starts;
    res_.cold_invocations = cold_invocations_;
    // The platform's latency sketches are its functions' merged.
    record_functions(res_, src_.functions(), ctx_, tallies_,
                     [&](FunctionId id) { return id < slot_of_.size() && slot_of_[id] != kNone; });
    res_.extra = {{"cold_start_probability", res_.cold_start_probability()},
                  {"throttles", static_cast<double>(c.throttles)},
                  {"timeouts", static_cast<double>(c.timeouts)},
                  {"errors", static_cast<double>(c.errors)},
                  {"to_destination", static_cast<double>(c.to_destination)},
                  {"provisioned_served", static_cast<double>(c.provisioned_served)},
                  {"busy_mean", res_.mean_busy},
                  {"busy_max", res_.max_busy},
                  {"idle_mean", res_.mean_idle}};
    if (c.arrived != res_.outcomes.total()) {
      throw std::logic_error(fmt::format("Lambda model lost invocations: {} arrived, {} ended",
                                         c.arrived, res_.outcomes.total()));
    }
    return std::move(res_);
  }

  void handle(const Event& ev, Simulation& sim) override {
    // Events that find nothing to do (a visibility timeout of a deleted message, a poll of an
    // empty queue) change no state: they neither touch the statistics nor extend the span.
    if (ev.kind == kVisible) {
      const Request& q = reqs_[static_cast<std::uint32_t>(ev.arg)];
      if (q.vis_gen != static_cast<std::uint32_t>(ev.arg >> 32) || q.ended) return;
    } else if (ev.kind == kPoll || ev.kind == kPollerFree) {
      Fn& f = fns_[ev.arg];
      if (ev.kind == kPoll) f.poll_scheduled = false;
      if (ev.kind == kPollerFree) --f.queue_busy;
      if (f.queue.empty()) return;
    }
    if (!at_end_taken_ && sim.now() > span_end_) take_span_end();
    last_event_ = sim.now();
    expire_until(sim.now());
    switch (static_cast<Kind>(ev.kind)) {
      case kAttempt:
        attempt(static_cast<std::uint32_t>(ev.arg));
        break;
      case kPollerFree:
      case kPoll:
        drain(fns_[ev.arg]);
        break;
      case kFinish:
        on_finish(static_cast<std::uint32_t>(ev.arg));
        break;
      case kPcStart:
        pc_start(static_cast<std::uint32_t>(ev.arg >> 32), static_cast<std::uint32_t>(ev.arg));
        break;
      case kPcEnd:
        pc_end(static_cast<std::uint32_t>(ev.arg >> 32), static_cast<std::uint32_t>(ev.arg));
        break;
      case kVisible:
        visible(static_cast<std::uint32_t>(ev.arg), static_cast<std::uint32_t>(ev.arg >> 32));
        break;
      case kExpire:
        end(static_cast<std::uint32_t>(ev.arg), kDroppedExpired);
        break;
    }
  }

 private:
  // ---- configuration ---------------------------------------------------------------------------
  // A rule by region: the region's own rows when it has any (at any date), else the default's.
  // A region whose own rule has expired does not fall back to the default.
  std::string region_rule_name(const std::string& base) const {
    const std::string own = base + "." + o_.region;
    return rc_.has_rule(own) ? own : base + ".default";
  }
  double region_rule(const std::string& base) const {
    return rc_.rule(region_rule_name(base), o_.as_of);
  }
  double region_rule_or(const std::string& base, double fallback) const {
    return rc_.rule_or(region_rule_name(base), o_.as_of, fallback);
  }

  // The slot of function `id`, made (with the first invocation's memory) when new.
  Fn& slot(FunctionId id, const Invocation* first) {
    if (id < slot_of_.size() && slot_of_[id] != kNone) return fns_[slot_of_[id]];
    if (id >= slot_of_.size()) slot_of_.resize(id + 1, kNone);
    const auto& table = src_.functions();
    const std::string& name = table[id].name;
    std::uint32_t s = kNone;
    if (const auto it = named_slots_.find(name); it != named_slots_.end()) {
      s = it->second;  // set up at the start for its provisioned concurrency
      named_slots_.erase(it);
    } else {
      const auto it2 = o_.functions.find(name);
      const std::uint32_t trace_mb =
          first && first->memory_mb ? first->memory_mb : table[id].memory_mb;
      s = make_slot(name, it2 != o_.functions.end() ? it2->second : o_.defaults, trace_mb);
    }
    slot_of_[id] = s;
    fns_[s].id = id;
    tallies_.meet(id);
    return fns_[s];
  }

  std::uint32_t make_slot(const std::string& name, const LambdaFunctionConfig& cfg,
                          std::uint32_t trace_mb) {
    const auto s = static_cast<std::uint32_t>(fns_.size());
    fns_.emplace_back();
    Fn& f = fns_.back();
    f.ready = true;
    f.name = name;
    f.cfg = cfg;
    f.memory_pending = f.cfg.memory_mb == 0 && trace_mb == 0;
    set_memory(f, trace_mb);
    const double max_timeout = rc_.rule("lambda.timeout_max_s", o_.as_of);
    f.timeout = from_seconds(f.cfg.timeout_s > 0 ? f.cfg.timeout_s : max_timeout);
    f.visibility = from_seconds(effective_visibility_timeout_s(f.cfg, rc_, o_.as_of));
    f.keep_alive = f.cfg.keep_alive_s       ? *f.cfg.keep_alive_s
                   : keep_min_ == keep_max_ ? Distribution::constant(keep_min_)
                                            : Distribution::uniform(keep_min_, keep_max_);
    f.eni = f.cfg.vpc && eni_era_;
    f.init_billed = init_billed_rule_ || f.cfg.runtime == Runtime::kCustom ||
                    f.cfg.runtime == Runtime::kContainer;
    f.reserved = f.cfg.reserved_concurrency.has_value();
    f.cap = f.reserved ? *f.cfg.reserved_concurrency : 0;
    f.tokens = burst_;
    f.tokens_at = sim_.now();
    f.usage.arch = f.cfg.arch;
    // Provisioned environments are set up at their window's start (clipped to the start of the
    // span); they are warm and never expire.
    const TimePoint far{Duration{std::numeric_limits<std::int64_t>::max()}};
    f.pc_made.assign(f.cfg.provisioned.size(), 0);
    for (std::uint32_t w = 0; w < f.cfg.provisioned.size(); ++w) {
      const auto [start, stop] = pc_window(f.cfg.provisioned[w], far);
      if (stop <= start) continue;
      const std::uint64_t arg = (std::uint64_t{s} << 32) | w;
      const TimePoint now = sim_.now();
      if (running_ && TimePoint{start} <= now) {
        // Met after its window started (a streaming reader lists a function at its first
        // invocation): its environments are made now, before that invocation, and counted in
        // the time averages from the window's start.
        const bool ended = TimePoint{stop} <= now;
        pc_start(s, w, !ended);
        retro_env_s_ += static_cast<double>(f.pc_made[w]) *
                        to_seconds(std::min(TimePoint{stop}, now) - TimePoint{start});
        if (TimePoint{start} < now) {
          note(
              fmt::format("function {}: met at {:.3f} s, after its provisioned window started: "
                          "its environments count (and are billed) from the window's start, "
                          "but took no account concurrency before",
                          name, to_seconds(now - origin_)));
        }
        if (!ended && f.cfg.provisioned[w].end_s >= 0)
          sim_.schedule_at(TimePoint{stop}, id_, kPcEnd, arg);
        continue;
      }
      sim_.schedule_at(TimePoint{start}, id_, kPcStart, arg);
      if (f.cfg.provisioned[w].end_s >= 0) sim_.schedule_at(TimePoint{stop}, id_, kPcEnd, arg);
    }
    return s;
  }

  // Memory: configured, else the function's stated memory (stated_memory_mb), else 128 MB,
  // rounded up to a size allowed at as_of; the default INIT distribution depends on it. A
  // stated memory above Lambda's maximum cannot run.
  void set_memory(Fn& f, std::uint32_t trace_mb) {
    std::uint32_t mem = f.cfg.memory_mb;
    if (mem == 0) {
      mem = trace_mb ? trace_mb : kUnstatedMemoryMb;  // Lambda's default (CreateFunction)
      const auto lo = static_cast<std::uint32_t>(rc_.rule("lambda.memory_min_mb", o_.as_of));
      const auto step = static_cast<std::uint32_t>(rc_.rule("lambda.memory_step_mb", o_.as_of));
      if (mem > max_memory_mb_) too_much_memory(f, mem);
      mem = std::max(mem, lo);
      mem = std::min(lo + (mem - lo + step - 1) / step * step, max_memory_mb_);
    }
    f.memory_mb = mem;
    f.init = f.cfg.init_ms ? *f.cfg.init_ms : default_init_ms(f.cfg.runtime, mem);
  }

  // A provisioned window's [start, stop) in simulated time: a window with an end is whole (the
  // span covers it); an open one (the `provisioned_concurrency` count) runs from its start, or
  // the span's start if later, to `end`.
  std::pair<Duration, Duration> pc_window(const ProvisionedWindow& w, TimePoint end) const {
    if (w.end_s >= 0) return {from_seconds(std::max(0.0, w.start_s)), from_seconds(w.end_s)};
    return {std::max(from_seconds(w.start_s), origin_.time_since_epoch()), end.time_since_epoch()};
  }

  void note(std::string s) {
    if (notes_.size() < 10) notes_.push_back(std::move(s));
  }

  // Lambda offers at most max_memory_mb_ (10,240 MB since 2020-12-01, 3,008 MB before: rule
  // lambda.memory_max_mb, https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html):
  // a function that needs more cannot run there. It is not run at the maximum: the trace says it
  // needs more memory than that, and a configured memory_mb is the only way to say otherwise.
  [[noreturn]] void too_much_memory(const Fn& f, std::uint32_t mb) const {
    throw ImpossibleError(fmt::format(
        "function '{}' uses {} MB of memory; Lambda's maximum on {} is {} MB (set memory_mb to "
        "run it at a size Lambda offers)",
        f.name, grouped(mb), o_.as_of.str(), grouped(max_memory_mb_)));
  }

  // ---- arrivals
  // ----------------------------------------------------------------------------------
  // Arrivals are not queued as events: the driver compares the next arrival with the next
  // event (events at the same time go first) and calls accept directly.
  [[gnu::always_inline]] void on_arrival(const Invocation& arrival) {
    const Invocation inv = arrival;  // a copy the compiler need not reload after stores
    last_event_ = inv.arrival;
    const std::uint32_t s = slot_index(inv);
    Fn& f = fns_[s];
    if (f.memory_pending) {
      // Set up before its first invocation without a memory: the first invocation's memory
      // (its provisioned capacity is billed at it, at the end).
      f.memory_pending = false;
      if (inv.memory_mb) {
        set_memory(f, inv.memory_mb);
        if (f.eni) attach_enis_now(f);
      }
    }
    ++res_.counts.arrived;
    ++tallies_[f.id].arrived;
    sample().arrivals++;
    const std::uint32_t r = new_request();
    Request& q = reqs_[r];
    q.arrival = inv.arrival;
    q.work = inv.work;
    q.fn = s;
    // A function run at its stated memory: an invocation stating more than Lambda offers
    // cannot run (Lambda has no larger size to run it at).
    if (f.cfg.memory_mb == 0 && inv.memory_mb > max_memory_mb_) too_much_memory(f, inv.memory_mb);
    // Measured at the function's reference_memory_mb, else at its stated memory: the one rule
    // every platform follows (docs/models.md, "Durations and memory").
    const std::uint32_t measured = measured_at_mb(f.cfg.reference_memory_mb, inv, src_);
    q.ref_mb = measured ? measured : f.memory_mb;
    q.type = f.cfg.invocation.value_or(inv.type);
    if (q.type == InvocationType::kQueue) {
      q.queued = true;
      f.queue.push_back(r);
      drain(f);
    } else {
      attempt(r);
    }
    extend_span(inv.arrival);
  }

  // The span reaches `t` (an arrival, the end of a first run, the end of a provisioned
  // window). The time averages as they stand at the span's end are copied lazily, by the first
  // event after it (most events extend the span: no copy on the hot path).
  void extend_span(TimePoint t) {
    if (t < span_end_) return;
    span_end_ = t;
    at_end_taken_ = false;
  }
  void take_span_end() {
    envs_at_end_ = envs_tw_;
    busy_at_end_ = busy_tw_;
    at_end_taken_ = true;
  }

  std::uint32_t slot_index(const Invocation& inv) {
    if (inv.function < slot_of_.size() && slot_of_[inv.function] != kNone)
      return slot_of_[inv.function];
    slot(inv.function, &inv);
    return slot_of_[inv.function];
  }

  std::uint32_t new_request() {
    if (!free_reqs_.empty()) {
      const auto r = free_reqs_.back();
      free_reqs_.pop_back();
      // Keep the generation growing, so events of the slot's previous request are stale.
      const std::uint32_t gen = reqs_[r].vis_gen + 1;
      reqs_[r] = Request{};
      reqs_[r].vis_gen = gen;
      return r;
    }
    reqs_.emplace_back();
    return static_cast<std::uint32_t>(reqs_.size() - 1);
  }

  // ---- capacity
  // ----------------------------------------------------------------------------------
  void refill(double& tokens, TimePoint& at) {
    const TimePoint now = sim_.now();
    tokens = std::min(burst_, tokens + refill_per_s_ * to_seconds(now - at));
    at = now;
  }

  // Can `f` take one more on-demand invocation (concurrency only)?
  bool concurrency_free(const Fn& f) const {
    if (f.reserved) return f.busy - f.pc_busy + f.pc_alive < f.cap;
    return unreserved_used_ < unreserved_cap_;
  }

  // Can an idle provisioned environment of `f` take an invocation? A function's concurrency is
  // its in-flight requests, provisioned or on-demand, and reserved concurrency is its maximum
  // (https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html, as of
  // 2024-11; provisioned concurrency counts against the reservation, lambda_config.cpp refuses
  // more provisioned than reserved). Normally busy on-demand +
  // provisioned allocated <= reserved already, but a provisioned window that starts while
  // on-demand invocations still run can exceed it for their remaining time: its environments
  // then wait until the function is below its reservation (finding F2, docs/testing.md).
  bool pc_free(const Fn& f) const { return !f.reserved || f.busy < f.cap; }

  // ---- attempts
  // ----------------------------------------------------------------------------------
  // Tries to run request r now; on a throttle applies the invocation type's rule.
  void attempt(std::uint32_t r) {
    Request& q = reqs_[r];
    Fn& f = fns_[q.fn];
    ++res_.counts.attempts;
    if (q.executions + q.throttled > 0) ++res_.counts.retries;
    std::uint32_t e = kNone;
    bool cold = false;
    // The invoke API's request rate: an account-wide bucket of one second's worth, refilled at
    // 10 x the concurrency limit per second. It meters the callers' requests: sync invocations
    // and async ones until Lambda accepts them. Lambda's own retries of an accepted async event
    // and the SQS pollers (an AWS source) do not draw from it.
    const bool from_caller =
        q.type == InvocationType::kSync || (q.type == InvocationType::kAsync && !q.accepted);
    if (request_rate_ > 0 && from_caller) {
      const TimePoint now = sim_.now();
      request_tokens_ = std::min(
          request_rate_, request_tokens_ + request_rate_ * to_seconds(now - request_tokens_at_));
      request_tokens_at_ = now;
      if (request_tokens_ < 1) {
        throttle(r, true);
        return;
      }
      request_tokens_ -= 1;
    }
    if (q.type == InvocationType::kAsync) q.accepted = true;
    if (!f.pc_idle.empty() && pc_free(f)) {
      e = f.pc_idle.back();
      f.pc_idle.pop_back();
      ++f.pc_busy;
    } else if (concurrency_free(f)) {
      e = pop_idle(f);
      if (e == kNone) {
        double& tokens = per_function_burst_ ? f.tokens : account_tokens_;
        TimePoint& at = per_function_burst_ ? f.tokens_at : account_tokens_at_;
        refill(tokens, at);
        if (tokens >= 1) {
          tokens -= 1;
          e = new_env(f);
          cold = true;
        }
      }
      if (e != kNone && !f.reserved) ++unreserved_used_;
    }
    if (e == kNone) {
      throttle(r, false);
      return;
    }
    run(r, e, cold);
  }

  // A throttled attempt: `by_rate` when the invoke API's request rate refused it.
  void throttle(std::uint32_t r, bool by_rate) {
    Request& q = reqs_[r];
    Fn& f = fns_[q.fn];
    ++res_.counts.throttles;
    ++q.throttled;
    sample().throttles++;
    const TimePoint now = sim_.now();
    // An async request the invoke API refused goes back to its caller, as a sync one does.
    const bool to_caller =
        q.type == InvocationType::kSync || (q.type == InvocationType::kAsync && by_rate);
    if (to_caller) {
      const auto& cr = f.cfg.client_retry;
      if (q.throttled < cr.max_attempts) {
        const double cap_ms =
            std::min(cr.max_backoff_ms, cr.base_backoff_ms * std::ldexp(1.0, q.throttled - 1));
        sim_.schedule_in(from_millis(backoff_rng_.uniform() * cap_ms), id_, kAttempt, r);
      } else {
        end(r, kDroppedThrottled);
      }
      return;
    }
    switch (q.type) {
      case InvocationType::kSync:
        break;  // handled above
      case InvocationType::kAsync: {
        // Lambda retries throttled events with exponential backoff (1 s doubling to 5 min)
        // until the event is older than its maximum age; it expires then. AWS does not publish
        // its jitter; slsim draws each wait uniformly in [d/2, d] of the doubling step d ("equal
        // jitter"), so events throttled together do not retry in lockstep.
        const double step_s = std::min(
            backoff_max_s_, backoff_min_s_ * std::ldexp(1.0, std::min<int>(q.throttled - 1, 30)));
        const double delay_s = step_s * (0.5 + 0.5 * backoff_rng_.uniform());
        const TimePoint next = now + from_seconds(delay_s);
        const TimePoint deadline = q.arrival + from_seconds(f.cfg.max_event_age_s);
        if (next > deadline) {
          ++res_.counts.to_destination;
          sim_.schedule_at(std::max(deadline, now), id_, kExpire, r);
        } else {
          sim_.schedule_at(next, id_, kAttempt, r);
        }
        break;
      }
      case InvocationType::kQueue:
        // The poller received the message and could not invoke: the message stays invisible
        // until its visibility timeout (the receive counts), and the poller backs off 1 s.
        sim_.schedule_in(kSecond, id_, kPollerFree, q.fn);
        break;
    }
  }

  std::uint32_t new_env(Fn& f) {
    std::uint32_t e;
    if (!free_envs_.empty()) {
      e = free_envs_.back();
      free_envs_.pop_back();
    } else {
      envs_.emplace_back();
      e = static_cast<std::uint32_t>(envs_.size() - 1);
    }
    Env& v = envs_[e];
    const auto gen = v.gen + 1;
    v = Env{};
    v.gen = gen;
    v.fn = static_cast<std::uint32_t>(&f - fns_.data());
    v.alive = true;
    ++f.alive;
    ++alive_;
    envs_tw_.set(sim_.now(), alive_);
    sample_envs();
    return e;
  }

  void destroy_env(std::uint32_t e) {
    Env& v = envs_[e];
    Fn& f = fns_[v.fn];
    v.alive = false;
    ++v.gen;
    --alive_;
    --f.alive;
    // VPC era: ENIs no longer needed by the function's environments are released.
    if (f.eni) {
      while (f.eni_ready.size() > enis_needed(f))
        f.eni_ready.pop_back();
    }
    free_envs_.push_back(e);
  }

  // ENIs the function's environments need: one per `eni_mb_` of their memory (rounded up).
  // Provisioned environments attach their ENIs while being provisioned: ready now.
  void attach_enis_now(Fn& f) {
    while (f.eni_ready.size() < enis_needed(f))
      f.eni_ready.push_back(sim_.now());
  }

  std::uint32_t enis_needed(const Fn& f) const {
    return static_cast<std::uint32_t>(
        std::ceil(static_cast<double>(f.alive) * f.memory_mb / eni_mb_ - 1e-9));
  }

  void run(std::uint32_t r, std::uint32_t e, bool cold) {
    Request& q = reqs_[r];
    Fn& f = fns_[q.fn];
    Env& v = envs_[e];
    const TimePoint now = sim_.now();
    v.busy = true;
    v.request = r;
    v.busy_since = now;
    ++f.busy;
    ++busy_;
    busy_tw_.set(now, busy_);
    ++q.executions;
    ++q.inflight;
    v.first = q.executions == 1;
    q.cold = cold;
    q.started = now;
    Duration init{0}, eni{0};
    if (cold) {
      ++res_.counts.cold_starts;
      sample().cold_starts++;
      init = from_millis(std::clamp(f.init.sample(init_rng_), 0.0, kMaxSampledS * 1000));
      if (f.eni) {
        // One ENI served several environments of the function (about eni_mb_ of their memory
        // each): a cold start attaches a new one only when the function needs more, and
        // otherwise joins the newest ENI (the one with room), waiting for it if it is still
        // being attached — not for a slower one attached before.
        if (enis_needed(f) > f.eni_ready.size()) {
          eni = from_millis(std::max(0.0, eni_penalty_.sample(eni_rng_)));
          f.eni_ready.push_back(now + eni);
        } else if (!f.eni_ready.empty() && f.eni_ready.back() > now) {
          eni = f.eni_ready.back() - now;
        }
      }
    }
    const Duration exec = scale_duration(q.work, q.ref_mb, f.memory_mb, f.cfg.cpu_bound_fraction,
                                         f.cfg.parallel_fraction, max_vcpu_, mb_per_vcpu_);
    Duration ran = exec;
    v.result = 0;
    if (exec > f.timeout) {
      ran = f.timeout;
      v.result = 2;
    } else if (f.cfg.error_probability > 0 && error_rng_.bernoulli(f.cfg.error_probability)) {
      v.result = 1;
    }
    // Billing: every attempt that runs is a request; duration rounded per the as_of rule; INIT
    // added where it is billed (never the ENI attachment).
    const Duration billed =
        ceil_to(ran + (cold && f.init_billed ? init : Duration{0}), granularity_);
    const auto billed_ms = static_cast<std::uint64_t>(billed.count() / 1000);
    if (v.pc) {
      ++f.usage.pc_requests;
      f.usage.pc_duration_mb_ms += billed_ms * f.memory_mb;
      ++res_.counts.provisioned_served;
    } else {
      ++f.usage.requests;
      f.usage.duration_mb_ms += billed_ms * f.memory_mb;
    }
    if (f.cfg.ephemeral_mb > ephemeral_included_mb_)
      f.usage.ephemeral_mb_ms += billed_ms * (f.cfg.ephemeral_mb - ephemeral_included_mb_);
    sim_.schedule_in(eni + init + ran, id_, kFinish, e);
    sample_envs();
  }

  void on_finish(std::uint32_t e) {
    Env& v = envs_[e];
    const std::uint32_t r = v.request;
    Request& q = reqs_[r];
    Fn& f = fns_[v.fn];
    const TimePoint now = sim_.now();
    const bool first = v.first;
    res_.env_time_s.add(to_seconds(now - v.busy_since));
    v.busy = false;
    v.request = kNone;
    --f.busy;
    --busy_;
    --q.inflight;
    busy_tw_.set(now, busy_);
    if (v.pc) {
      --f.pc_busy;
      if (v.doomed) {
        // Its window ended while it was busy: it goes now, and returns its concurrency.
        --f.pc_alive;
        if (!f.reserved) --unreserved_used_;
        destroy_env(e);
        envs_tw_.set(now, alive_);
      } else {
        f.pc_idle.push_back(e);
      }
    } else {
      if (!f.reserved) --unreserved_used_;
      v.deadline =
          now + from_seconds(std::clamp(f.keep_alive.sample(keep_rng_), 0.0, kMaxSampledS));
      f.mru.emplace_back(e, v.gen);
      idle_heap_.push(e);
    }
    const std::uint8_t result = v.result;
    if (result != 0) {
      ++res_.counts.errors;
      if (result == 2) ++res_.counts.timeouts;
    }
    if (q.type == InvocationType::kQueue) {
      --f.queue_busy;
      // Success deletes the message (a duplicate still running finds it deleted); a failure
      // leaves it to reappear when its visibility timeout, counted from the receive, ends.
      if (q.ended) {
        if (q.inflight == 0 && !q.queued) free_reqs_.push_back(r);
      } else if (result == 0) {
        end(r, kCompleted);
      } else {
        q.last_fail = result;
      }
    } else if (result == 0) {
      end(r, kCompleted);
    } else {
      const Outcome fail = result == 2 ? kFailedTimeout : kFailedError;
      if (q.type == InvocationType::kSync) {
        end(r, fail);
      } else {
        // Async function errors (and timeouts) are retried up to max_retry_attempts: one
        // minute, then two minutes later; what still fails goes to the on-failure destination.
        const std::uint32_t done_retries = q.executions - 1u;
        const TimePoint next = now + (done_retries == 0 ? retry1_ : retry2_);
        if (done_retries < f.cfg.max_retry_attempts &&
            to_seconds(next - q.arrival) <= f.cfg.max_event_age_s) {
          sim_.schedule_at(next, id_, kAttempt, r);
        } else {
          ++res_.counts.to_destination;
          end(r, fail);
        }
      }
    }
    if (!f.queue.empty()) drain(f);
    sample_envs();
    if (first) extend_span(now);
  }

  void end(std::uint32_t r, Outcome o) {
    Request& q = reqs_[r];
    auto& c = res_.counts;
    FunctionTally& f = tallies_[fns_[q.fn].id];
    const TimePoint now = sim_.now();
    const double ms = to_millis(now - q.arrival);
    // latency_ms (every ended invocation that ran at least once: a request refused or expired
    // without ever running has no latency to report, only its count) is latency_completed_ms
    // merged with the others' at the end: one sketch insertion per invocation.
    if (q.executions > 0) {
      res_.latency_stats.add(ms);
      res_.queue_wait_ms.add(to_millis(q.started - q.arrival));
      if (o != kCompleted) f.latency_other.add(ms);
    }
    switch (o) {
      case kCompleted:
        ++c.completed;
        ++f.outcomes.completed;
        f.latency_completed.add(ms);
        res_.latency_completed_stats.add(ms);
        break;
      case kFailedError:
        ++c.failed_error;
        ++f.outcomes.failed;
        break;
      case kFailedTimeout:
        ++c.failed_timeout;
        ++f.outcomes.timed_out;
        break;
      case kDroppedThrottled:
        ++c.dropped_throttled;
        ++f.outcomes.refused;
        break;
      case kDroppedExpired:
        ++c.dropped_expired;
        ++f.outcomes.expired;
        break;
    }
    if (o_.record_invocations) {
      res_.records.push_back({to_seconds(q.arrival), to_seconds(now), ms, fns_[q.fn].id,
                              static_cast<std::uint16_t>(q.executions + q.throttled), q.cold,
                              static_cast<std::uint8_t>(o)});
    }
    if (q.cold) {  // its last run started cold
      ++cold_invocations_;
      ++f.cold;
    }
    q.ended = true;
    if (q.inflight == 0 && !q.queued) free_reqs_.push_back(r);
  }

  // ---- idle pool (lazy but exact expiry) -------------------------------------------------------
  std::uint32_t pop_idle(Fn& f) {
    while (!f.mru.empty()) {
      const auto [e, gen] = f.mru.back();
      f.mru.pop_back();
      Env& v = envs_[e];
      if (!v.alive || v.gen != gen || v.busy) {  // stale entry (the env expired)
        if (f.stale_mru > 0) --f.stale_mru;
        continue;
      }
      ++v.gen;
      idle_heap_.remove(e);
      return e;
    }
    return kNone;
  }

  void expire_until(TimePoint now) {
    while (!idle_heap_.empty() && envs_[idle_heap_.top()].deadline <= now) {
      const std::uint32_t e = idle_heap_.top();
      const TimePoint deadline = envs_[e].deadline;
      idle_heap_.remove(e);
      Fn& f = fns_[envs_[e].fn];
      destroy_env(e);
      envs_tw_.set(deadline, alive_);
      // The expired environment's MRU entry is stale now; keep each MRU list proportional to
      // the function's live idle environments.
      if (++f.stale_mru > 64 && 2 * f.stale_mru > f.mru.size()) compact(f);
    }
  }

  void compact(Fn& f) {
    std::erase_if(f.mru, [&](const auto& p) {
      const Env& v = envs_[p.first];
      return !v.alive || v.gen != p.second || v.busy;
    });
    f.stale_mru = 0;
  }

  // ---- SQS event source
  // --------------------------------------------------------------------------
  void drain(Fn& f) {
    const TimePoint now = sim_.now();
    while (!f.queue.empty()) {
      const std::uint32_t r = f.queue.front();
      Request& q = reqs_[r];
      if (q.ended) {  // deleted by a run that finished while the message was visible again
        f.queue.pop_front();
        q.queued = false;
        if (q.inflight == 0) free_reqs_.push_back(r);
        continue;
      }
      if (to_seconds(now - q.arrival) > f.cfg.message_retention_s) {
        f.queue.pop_front();
        q.queued = false;
        if (q.receives > 0 && f.cfg.max_receive_count == 0) ++f.expired_after_failing;
        end(r, kDroppedExpired);
        continue;
      }
      if (!f.backlog_since) f.backlog_since = now;
      // Pollers: the initial number plus sqs_per_min per minute of backlog (integer arithmetic,
      // so the next increase is never scheduled at the current time by rounding), at most the
      // event source's maximum concurrency when it is set.
      const std::int64_t per_min = static_cast<std::int64_t>(sqs_per_min_);
      const std::int64_t elapsed_us = (now - *f.backlog_since).count();
      const std::int64_t added = elapsed_us * per_min / kMinute.count();
      auto pollers = static_cast<std::uint32_t>(std::min<std::int64_t>(
          static_cast<std::int64_t>(sqs_max_), static_cast<std::int64_t>(sqs_initial_) + added));
      const bool capped = f.cfg.queue_max_concurrency && pollers >= *f.cfg.queue_max_concurrency;
      if (capped) pollers = *f.cfg.queue_max_concurrency;
      if (f.queue_busy >= pollers) {
        // Wait for a poller: one finishing, or the next one added by scaling.
        if (pollers < sqs_max_ && !capped) {
          const std::int64_t next_us = ((added + 1) * kMinute.count() + per_min - 1) / per_min;
          schedule_poll(f, *f.backlog_since + Duration{next_us});
        }
        return;
      }
      f.queue.pop_front();
      q.queued = false;
      ++f.queue_busy;
      // A receive: the message is invisible for the visibility timeout from now.
      ++q.receives;
      ++q.vis_gen;
      if (!f.visibility_noted) note_visibility(f);
      sim_.schedule_at(now + f.visibility, id_, kVisible, (std::uint64_t{q.vis_gen} << 32) | r);
      attempt(r);
    }
    f.backlog_since.reset();
  }

  // Says the visibility timeout of a queue-triggered function once: the default (6 times the
  // function timeout, https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html),
  // or a warning when one set is shorter than the function timeout (messages still running
  // reappear and run again; AWS refuses to create such an event source mapping).
  void note_visibility(Fn& f) {
    f.visibility_noted = true;
    const double v = to_seconds(f.visibility), t = to_seconds(f.timeout);
    if (!f.cfg.visibility_timeout_s) {
      note(
          fmt::format("function {}: SQS visibility timeout {:g} s, 6 times its {:g} s timeout "
                      "as AWS advises for a queue that triggers a function "
                      "(https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html; "
                      "set visibility_timeout_s to change it)",
                      f.name, v, t));
    } else if (v < t) {
      note(
          fmt::format("warning: function {}: visibility_timeout_s {:g} s is shorter than its "
                      "{:g} s timeout: a message still running reappears and runs again, and "
                      "AWS refuses such an event source mapping; AWS advises at least 6 times "
                      "the timeout (https://docs.aws.amazon.com/lambda/latest/dg/"
                      "services-sqs-configure.html)",
                      f.name, v, t));
    }
  }

  // The visibility timeout of receive `gen` of message r ended.
  void visible(std::uint32_t r, std::uint32_t gen) {
    Request& q = reqs_[r];
    if (q.vis_gen != gen || q.ended) return;  // deleted, or received again since
    Fn& f = fns_[q.fn];
    if (f.cfg.max_receive_count > 0 && q.receives >= f.cfg.max_receive_count) {
      // Received max_receive_count times without being deleted: to the dead-letter queue.
      ++res_.counts.to_destination;
      // Its outcome: a timeout if the last run that ended timed out, throttled if it never
      // ran, else failed.
      end(r, q.last_fail == 2    ? kFailedTimeout
             : q.executions == 0 ? kDroppedThrottled
                                 : kFailedError);
      return;
    }
    q.queued = true;
    f.queue.push_back(r);
    drain(f);
  }

  void schedule_poll(Fn& f, TimePoint at) {
    if (f.poll_scheduled) return;
    f.poll_scheduled = true;
    sim_.schedule_at(std::max(at, sim_.now()), id_, kPoll,
                     static_cast<std::uint64_t>(&f - fns_.data()));
  }

  // ---- provisioned concurrency
  // -------------------------------------------------------------------
  // `create` false: a window that ended before its function was met; only counted.
  void pc_start(std::uint32_t s, std::uint32_t w, bool create = true) {
    Fn& f = fns_[s];
    const std::uint32_t want = f.cfg.provisioned[w].count;
    // Provisioned environments are taken from the function's reserved or the unreserved pool.
    std::uint32_t& made = f.pc_made[w];
    if (!create) {
      made = f.reserved ? want : std::min(want, unreserved_cap_ - unreserved_used_);
      return;
    }
    for (made = 0; made < want; ++made) {
      if (!f.reserved && unreserved_used_ >= unreserved_cap_) {
        note(
            fmt::format("function {}: provisioned concurrency limited by the account "
                        "concurrency: {} of {} environments made (and billed)",
                        f.name, made, want));
        break;
      }
      const auto e = new_env(f);
      envs_[e].pc = true;
      ++f.pc_alive;
      if (!f.reserved) ++unreserved_used_;
      f.pc_idle.push_back(e);
    }
    // Their ENIs are attached while they are provisioned, before they take invocations.
    if (f.eni) attach_enis_now(f);
  }

  void pc_end(std::uint32_t s, std::uint32_t w) {
    Fn& f = fns_[s];
    std::uint32_t drop = f.pc_made[w];
    while (drop > 0 && !f.pc_idle.empty()) {
      const auto e = f.pc_idle.back();
      f.pc_idle.pop_back();
      --f.pc_alive;
      if (!f.reserved) --unreserved_used_;
      destroy_env(e);
      --drop;
    }
    envs_tw_.set(sim_.now(), alive_);
    for (auto& v : envs_) {
      if (drop == 0) break;
      if (v.alive && v.pc && v.busy && !v.doomed && v.fn == s) {
        v.doomed = true;
        --drop;
      }
    }
    extend_span(sim_.now());
  }

  // ---- time series
  // -------------------------------------------------------------------------------
  SecondSample& sample() {
    if (!o_.record_timeseries) return sink_;
    const auto s =
        static_cast<std::size_t>(sim_.now().time_since_epoch().count() / kSecond.count());
    if (s >= res_.timeseries.size()) {
      // Seconds without events carry the state they started with.
      SecondSample carry;
      carry.busy_max = busy_;
      carry.envs_max = alive_;
      res_.timeseries.resize(s + 1, carry);
    }
    return res_.timeseries[s];
  }
  void sample_envs() {
    if (!o_.record_timeseries) return;
    auto& s = sample();
    s.busy_max = std::max<std::uint32_t>(s.busy_max, busy_);
    s.envs_max = std::max<std::uint32_t>(s.envs_max, alive_);
  }

  Simulation& sim_;
  WorkloadSource& src_;
  const LambdaOptions& o_;
  const RateCard& rc_;
  PartContext ctx_;
  ComponentId id_ = 0;
  RngStream init_rng_, keep_rng_, error_rng_, backoff_rng_, eni_rng_;
  // VPC ENI attachment before Hyperplane (rules lambda.vpc_eni_median_ms and _p975_ms).
  Distribution eni_penalty_ = Distribution::constant(0);
  double eni_mb_ = 3072;  // memory of environments one ENI serves (rule lambda.vpc_eni_gb_per_eni)

  TimePoint origin_{};
  TimePoint last_event_{};              // the last event that changed state
  TimePoint span_end_{};                // the end of the span (see finish)
  std::vector<Fn> fns_;                 // by slot
  std::vector<std::uint32_t> slot_of_;  // FunctionId -> slot (kNone: none yet)
  FunctionTallies tallies_{
      o_.record_functions};  // by FunctionId: counted where the platform's are (function_tally.hpp)
  std::map<std::string, std::uint32_t> named_slots_;  // set up at the start, not yet invoked
  std::vector<Request> reqs_;
  std::vector<std::uint32_t> free_reqs_;
  std::vector<Env> envs_;
  std::vector<std::uint32_t> free_envs_;
  IdleHeap idle_heap_{envs_};
  std::uint32_t alive_ = 0, busy_ = 0, unreserved_used_ = 0, unreserved_cap_ = 0;
  std::uint32_t account_limit_ = 1000, unreserved_min_ = 100, ephemeral_included_mb_ = 512;
  Duration granularity_{1000};
  double max_vcpu_ = 6, mb_per_vcpu_ = 1769, burst_ = 1000, refill_per_s_ = 100,
         account_tokens_ = 0;
  TimePoint account_tokens_at_{};
  double request_rate_ = 0, request_tokens_ = 0;  // invoke requests per second (0: unlimited)
  TimePoint request_tokens_at_{};
  bool per_function_burst_ = true, eni_era_ = false, init_billed_rule_ = false;
  std::uint32_t max_memory_mb_ = 0;  // Lambda's largest memory at as_of
  double sqs_initial_ = 5, sqs_per_min_ = 300, sqs_max_ = 1000;
  Duration retry1_{}, retry2_{};
  double backoff_min_s_ = 1, backoff_max_s_ = 300, keep_min_ = 300, keep_max_ = 420;
  TimeWeighted envs_tw_, busy_tw_;
  TimeWeighted envs_at_end_, busy_at_end_;  // as they stood at the end of the span
  bool at_end_taken_ = false;               // envs_at_end_ and busy_at_end_ are current
  std::uint64_t cold_invocations_ = 0;      // ended invocations whose last run started cold
  bool running_ = false;                    // begin's set-up is done
  double retro_env_s_ = 0;  // env-seconds of provisioned windows before their function was met
  SecondSample sink_;       // written when no time series is recorded; never read
  LambdaResult res_;
  std::vector<std::string> notes_;
};

}  // namespace

LambdaResult simulate_lambda(WorkloadSource& workload, const LambdaOptions& options,
                             const RateCard& rates) {
  Simulation sim;
  Lookahead ahead;
  LambdaModel model(sim, workload, options, rates, single_platform(ahead));
  drive(sim, workload, model, ahead);
  return model.finish();
}

std::unique_ptr<PlatformPart<LambdaResult>> make_lambda_part(Simulation& sim, WorkloadSource& src,
                                                             const LambdaOptions& options,
                                                             const RateCard& rates,
                                                             PartContext context) {
  return std::make_unique<LambdaModel>(sim, src, options, rates, std::move(context));
}

}  // namespace slsim
