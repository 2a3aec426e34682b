#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <nlohmann/json.hpp>

#include "slsim/core/simulation.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/lambda/lambda_config.hpp"

namespace slsim {

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

enum Kind : std::uint32_t { kAttempt, kRequeue, kFinish, kPoll, kPcStart, kPcEnd };

enum Outcome : std::uint8_t {
  kCompleted,
  kFailedError,
  kFailedTimeout,
  kDroppedThrottled,
  kDroppedExpired
};

struct Request {
  TimePoint arrival{};
  Duration work{};
  FunctionId fn = 0;
  std::uint32_t ref_mb = 0;
  InvocationType type = InvocationType::kSync;
  std::uint16_t executions = 0;  // attempts that ran
  std::uint16_t throttled = 0;   // throttled attempts
  bool cold = false;
};

struct Env {
  FunctionId fn = 0;
  std::uint32_t request = kNone;
  std::uint32_t heap_pos = kNone;  // position in the idle-expiry heap, kNone when not idle
  std::uint32_t gen = 0;           // bumped when the environment leaves the idle pool
  TimePoint busy_since{}, deadline{};
  bool alive = false, busy = false, pc = false, doomed = false;
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

struct Fn {
  bool ready = false;
  LambdaFunctionConfig cfg;
  std::uint32_t memory_mb = 128;
  Duration timeout{};
  Distribution keep_alive, init;
  bool eni = false, init_billed = false, reserved = false;
  std::uint32_t cap = 0;  // reserved concurrency (if reserved)
  std::uint32_t busy = 0, pc_alive = 0, pc_busy = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> mru;  // (env, gen), back = most recent
  std::vector<std::uint32_t> pc_idle;
  std::size_t stale_mru = 0;  // expired environments still listed in mru
  double tokens = 0;
  TimePoint tokens_at{};
  std::deque<std::uint32_t> queue;  // SQS messages waiting
  std::uint32_t queue_busy = 0;
  std::optional<TimePoint> backlog_since;
  bool poll_scheduled = false;
  LambdaUsage usage;
  FunctionId id = 0;
};

class LambdaModel final : public Component {
 public:
  LambdaModel(Simulation& sim, WorkloadSource& src, const LambdaOptions& o, const RateCard& rc)
      : sim_(sim),
        src_(src),
        o_(o),
        rc_(rc),
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
    per_function_burst_ = rc_.rule("lambda.burst_per_function", o_.as_of) != 0;
    burst_ = o_.burst ? static_cast<double>(*o_.burst) : region_rule("lambda.burst");
    refill_per_s_ = rc_.rule("lambda.scale_per_min", o_.as_of) / 60.0;
    account_tokens_ = burst_;
    request_rate_ = rc_.rule("lambda.request_rate_per_concurrency", o_.as_of) * account_limit_;
    request_tokens_ = request_rate_;
    eni_era_ = region_rule_or("lambda.vpc_eni_cold_start", 0) != 0;
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
    std::uint64_t reserved_sum = 0;
    for (const auto& [name, cfg] : o_.functions) {
      if (cfg.reserved_concurrency) reserved_sum += *cfg.reserved_concurrency;
    }
    unreserved_cap_ = account_limit_ - static_cast<std::uint32_t>(reserved_sum);
    if (o_.record_timeseries) res_.timeseries.emplace_back();
    pull_arrival();
  }

  LambdaResult finish() {
    const TimePoint end = sim_.now();
    res_.span_s = to_seconds(end);
    expire_until(end);
    res_.mean_envs = envs_tw_.mean(end);
    res_.max_envs = envs_tw_.max();
    res_.mean_busy = busy_tw_.mean(end);
    res_.max_busy = busy_tw_.max();
    res_.mean_idle = res_.mean_envs - res_.mean_busy;
    for (auto& f : fns_) {
      if (!f.ready) continue;
      // Provisioned capacity is billed for the time each window is enabled, 5-minute rounded.
      const auto g = Duration{
          static_cast<std::int64_t>(
              f.cfg.provisioned.empty() ? 300 : rc_.rule("lambda.pc_granularity_s", o_.as_of)) *
          1'000'000};
      for (const auto& w : f.cfg.provisioned) {
        const Duration start = from_seconds(w.start_s);
        const Duration stop = w.end_s < 0 ? end.time_since_epoch() : from_seconds(w.end_s);
        if (stop <= start || w.count == 0) continue;
        const auto ms = static_cast<std::uint64_t>(ceil_to(stop - start, g).count() / 1000);
        f.usage.pc_capacity_mb_ms += static_cast<std::uint64_t>(w.count) * f.memory_mb * ms;
      }
      res_.usage.lambda.push_back(f.usage);
    }
    PricingOptions po;
    po.as_of = o_.as_of;
    po.region = o_.region;
    po.free_tier = o_.free_tier;
    if (o_.discount_pct > 0) po.discount_pct["lambda"] = o_.discount_pct;
    res_.bill = rc_.price(res_.usage, po);
    if (src_.skipped_rows() > 0) {
      const auto ex = src_.skipped_examples();
      note(fmt::format("{} malformed trace rows skipped{}", src_.skipped_rows(),
                       ex.empty() ? "" : " (first: " + ex.front() + ")"));
    }
    res_.notes = notes_;
    const auto& c = res_.counts;
    if (c.arrived != c.completed + c.failed() + c.dropped()) {
      throw std::logic_error(fmt::format("Lambda model lost invocations: {} arrived, {} ended",
                                         c.arrived, c.completed + c.failed() + c.dropped()));
    }
    return std::move(res_);
  }

  void handle(const Event& ev, Simulation& sim) override {
    expire_until(sim.now());
    switch (static_cast<Kind>(ev.kind)) {
      case kAttempt:
        attempt(static_cast<std::uint32_t>(ev.arg));
        break;
      case kRequeue:
        requeue(static_cast<std::uint32_t>(ev.arg));
        break;
      case kFinish:
        on_finish(static_cast<std::uint32_t>(ev.arg));
        break;
      case kPoll: {
        Fn& f = fns_[ev.arg];
        f.poll_scheduled = false;
        drain(f);
        break;
      }
      case kPcStart:
        pc_start(static_cast<FunctionId>(ev.arg >> 32), static_cast<std::uint32_t>(ev.arg));
        break;
      case kPcEnd:
        pc_end(static_cast<FunctionId>(ev.arg >> 32), static_cast<std::uint32_t>(ev.arg));
        break;
    }
  }

 private:
  // ---- configuration ---------------------------------------------------------------------------
  double region_rule(const std::string& base) const {
    try {
      return rc_.rule(base + "." + o_.region, o_.as_of);
    } catch (const PricingError&) {
      return rc_.rule(base + ".default", o_.as_of);
    }
  }
  double region_rule_or(const std::string& base, double fallback) const {
    try {
      return region_rule(base);
    } catch (const PricingError&) {
      return fallback;
    }
  }

  Fn& fn(FunctionId id, const Invocation* first) {
    if (id >= fns_.size()) fns_.resize(id + 1);
    Fn& f = fns_[id];
    if (f.ready) return f;
    f.ready = true;
    f.id = id;
    const auto& table = src_.functions();
    const std::string& name = table[id].name;
    const auto it = o_.functions.find(name);
    f.cfg = it != o_.functions.end() ? it->second : o_.defaults;
    // Memory: configured, else the trace's, rounded up to a size allowed at as_of.
    std::uint32_t mem = f.cfg.memory_mb;
    if (mem == 0) {
      const std::uint32_t trace_mb =
          first && first->memory_mb ? first->memory_mb : table[id].memory_mb;
      mem = trace_mb ? trace_mb : 128;
      const auto lo = static_cast<std::uint32_t>(rc_.rule("lambda.memory_min_mb", o_.as_of));
      const auto hi = static_cast<std::uint32_t>(rc_.rule("lambda.memory_max_mb", o_.as_of));
      const auto step = static_cast<std::uint32_t>(rc_.rule("lambda.memory_step_mb", o_.as_of));
      mem = std::max(mem, lo);
      mem = lo + (mem - lo + step - 1) / step * step;
      if (mem > hi) {
        note(fmt::format("function {}: trace memory above the {} MB limit; simulated at {} MB",
                         name, hi, hi));
        mem = hi;
      }
    }
    f.memory_mb = mem;
    const double max_timeout = rc_.rule("lambda.timeout_max_s", o_.as_of);
    f.timeout = from_seconds(f.cfg.timeout_s > 0 ? f.cfg.timeout_s : max_timeout);
    f.keep_alive = f.cfg.keep_alive_s       ? *f.cfg.keep_alive_s
                   : keep_min_ == keep_max_ ? Distribution::constant(keep_min_)
                                            : Distribution::uniform(keep_min_, keep_max_);
    f.init = f.cfg.init_ms ? *f.cfg.init_ms : default_init_ms(f.cfg.runtime, mem);
    f.eni = f.cfg.vpc && eni_era_;
    f.init_billed = init_billed_rule_ || f.cfg.runtime == Runtime::kCustom ||
                    f.cfg.runtime == Runtime::kContainer;
    f.reserved = f.cfg.reserved_concurrency.has_value();
    f.cap = f.reserved ? *f.cfg.reserved_concurrency : 0;
    f.tokens = burst_;
    f.tokens_at = sim_.now();
    f.usage.arch = f.cfg.arch;
    for (std::uint32_t w = 0; w < f.cfg.provisioned.size(); ++w) {
      const auto& win = f.cfg.provisioned[w];
      const TimePoint start{from_seconds(win.start_s)};
      // Provisioned environments are set up when the function is first seen, or at the start
      // of their window if that is later; they are warm and never expire.
      if (start <= sim_.now()) {
        pc_start(id, w);
      } else {
        sim_.schedule_at(start, id_, kPcStart, (std::uint64_t{id} << 32) | w);
      }
      if (win.end_s >= 0) {
        sim_.schedule_at(std::max(TimePoint{from_seconds(win.end_s)}, sim_.now()), id_, kPcEnd,
                         (std::uint64_t{id} << 32) | w);
      }
    }
    return f;
  }

  void note(std::string s) {
    if (notes_.size() < 10) notes_.push_back(std::move(s));
  }

  // ---- arrivals
  // ----------------------------------------------------------------------------------
  // Arrivals are not queued as events: the run loop compares the next arrival with the next
  // event (events at the same time go first) and calls on_arrival directly.
  void pull_arrival() {
    has_pending_ = src_.next(pending_);
    if (has_pending_ && pending_.arrival < last_arrival_) {
      throw std::logic_error("the workload is not sorted by arrival");
    }
    if (has_pending_) last_arrival_ = pending_.arrival;
  }

 public:
  /// Runs the simulation to the end.
  void run() {
    while (has_pending_) {
      sim_.run_until(pending_.arrival);
      expire_until(sim_.now());
      on_arrival();
    }
    sim_.run();
  }

 private:
  void on_arrival() {
    const Invocation inv = pending_;
    pull_arrival();
    Fn& f = fn(inv.function, &inv);
    ++res_.counts.arrived;
    sample().arrivals++;
    const std::uint32_t r = new_request();
    Request& q = reqs_[r];
    q.arrival = inv.arrival;
    q.work = inv.work;
    q.fn = inv.function;
    q.ref_mb = f.cfg.reference_memory_mb ? f.cfg.reference_memory_mb
                                         : (inv.memory_mb ? inv.memory_mb : f.memory_mb);
    q.type = f.cfg.invocation.value_or(inv.type);
    if (q.type == InvocationType::kQueue) {
      f.queue.push_back(r);
      drain(f);
    } else {
      attempt(r);
    }
  }

  std::uint32_t new_request() {
    if (!free_reqs_.empty()) {
      const auto r = free_reqs_.back();
      free_reqs_.pop_back();
      reqs_[r] = Request{};
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

  // ---- attempts
  // ---------------------------------------------------------------------------------- Tries to run
  // request r now; on a throttle applies the invocation type's rule.
  void attempt(std::uint32_t r) {
    Request& q = reqs_[r];
    Fn& f = fns_[q.fn];
    ++res_.counts.attempts;
    if (q.executions + q.throttled > 0) ++res_.counts.retries;
    std::uint32_t e = kNone;
    bool cold = false;
    // The invoke API's request rate (sync and async; queue pollers are an AWS source): an
    // account-wide bucket of one second's worth, refilled at 10 x the concurrency limit per s.
    if (request_rate_ > 0 && q.type != InvocationType::kQueue) {
      const TimePoint now = sim_.now();
      request_tokens_ = std::min(
          request_rate_, request_tokens_ + request_rate_ * to_seconds(now - request_tokens_at_));
      request_tokens_at_ = now;
      if (request_tokens_ < 1) {
        throttle(r);
        return;
      }
      request_tokens_ -= 1;
    }
    if (!f.pc_idle.empty()) {
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
      throttle(r);
      return;
    }
    run(r, e, cold);
  }

  void throttle(std::uint32_t r) {
    Request& q = reqs_[r];
    Fn& f = fns_[q.fn];
    ++res_.counts.throttles;
    ++q.throttled;
    sample().throttles++;
    const TimePoint now = sim_.now();
    switch (q.type) {
      case InvocationType::kSync: {
        const auto& cr = f.cfg.client_retry;
        if (q.throttled < cr.max_attempts) {
          const double cap_ms =
              std::min(cr.max_backoff_ms, cr.base_backoff_ms * std::ldexp(1.0, q.throttled - 1));
          sim_.schedule_in(from_millis(backoff_rng_.uniform() * cap_ms), id_, kAttempt, r);
        } else {
          end(r, kDroppedThrottled);
        }
        break;
      }
      case InvocationType::kAsync: {
        // Lambda retries throttled events with exponential backoff (1 s doubling to 5 min)
        // until the maximum event age.
        const double delay_s = std::min(
            backoff_max_s_, backoff_min_s_ * std::ldexp(1.0, std::min<int>(q.throttled - 1, 30)));
        const TimePoint next = now + from_seconds(delay_s);
        if (to_seconds(next - q.arrival) > f.cfg.max_event_age_s) {
          ++res_.counts.to_destination;
          end(r, kDroppedExpired);
        } else {
          sim_.schedule_at(next, id_, kAttempt, r);
        }
        break;
      }
      case InvocationType::kQueue:
        // The poller could not invoke: the message stays at the head of the queue.
        f.queue.push_front(r);
        --f.queue_busy;
        schedule_poll(f, now + kSecond);
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
    v.fn = f.id;
    v.alive = true;
    ++alive_;
    envs_tw_.set(sim_.now(), alive_);
    sample_envs();
    return e;
  }

  void destroy_env(std::uint32_t e) {
    Env& v = envs_[e];
    v.alive = false;
    ++v.gen;
    --alive_;
    free_envs_.push_back(e);
  }

  void run(std::uint32_t r, std::uint32_t e, bool cold) {
    Request& q = reqs_[r];
    Fn& f = fns_[q.fn];
    Env& v = envs_[e];
    v.busy = true;
    v.request = r;
    v.busy_since = sim_.now();
    ++f.busy;
    ++busy_;
    busy_tw_.set(sim_.now(), busy_);
    ++q.executions;
    q.cold = cold;
    Duration init{0}, eni{0};
    if (cold) {
      ++res_.counts.cold_starts;
      sample().cold_starts++;
      init = from_millis(std::max(0.0, f.init.sample(init_rng_)));
      if (f.eni) eni = from_millis(eni_penalty_.sample(eni_rng_));
    }
    const Duration exec = scale_duration(q.work, q.ref_mb, f.memory_mb, f.cfg.cpu_bound_fraction,
                                         f.cfg.parallel_fraction, max_vcpu_);
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
    f.usage.ephemeral_mb_ms += billed_ms * (f.cfg.ephemeral_mb - 512);
    sim_.schedule_in(eni + init + ran, id_, kFinish, e);
    sample_envs();
  }

  void on_finish(std::uint32_t e) {
    Env& v = envs_[e];
    const std::uint32_t r = v.request;
    Request& q = reqs_[r];
    Fn& f = fns_[v.fn];
    const TimePoint now = sim_.now();
    res_.env_time_s.add(to_seconds(now - v.busy_since));
    v.busy = false;
    v.request = kNone;
    --f.busy;
    --busy_;
    busy_tw_.set(now, busy_);
    if (v.pc) {
      --f.pc_busy;
      if (v.doomed) {
        --f.pc_alive;
        destroy_env(e);
        envs_tw_.set(now, alive_);
      } else {
        f.pc_idle.push_back(e);
      }
    } else {
      if (!f.reserved) --unreserved_used_;
      v.deadline = now + from_seconds(std::max(0.0, f.keep_alive.sample(keep_rng_)));
      f.mru.emplace_back(e, v.gen);
      idle_heap_.push(e);
    }
    const std::uint8_t result = v.result;
    if (q.type == InvocationType::kQueue) --f.queue_busy;
    if (result == 0) {
      end(r, kCompleted);
    } else {
      ++res_.counts.errors;
      if (result == 2) ++res_.counts.timeouts;
      const Outcome fail = result == 2 ? kFailedTimeout : kFailedError;
      switch (q.type) {
        case InvocationType::kSync:
          end(r, fail);
          break;
        case InvocationType::kAsync: {
          // Function errors (and timeouts) are retried up to max_retry_attempts: one minute,
          // then two minutes later; what still fails goes to the on-failure destination.
          const std::uint32_t done_retries = q.executions - 1u;
          const TimePoint next = now + (done_retries == 0 ? retry1_ : retry2_);
          if (done_retries < f.cfg.max_retry_attempts &&
              to_seconds(next - q.arrival) <= f.cfg.max_event_age_s) {
            sim_.schedule_at(next, id_, kAttempt, r);
          } else {
            ++res_.counts.to_destination;
            end(r, fail);
          }
          break;
        }
        case InvocationType::kQueue: {
          // The message reappears after the visibility timeout; after max_receive_count
          // receives it goes to the dead-letter queue.
          if (f.cfg.max_receive_count > 0 && q.executions >= f.cfg.max_receive_count) {
            ++res_.counts.to_destination;
            end(r, fail);
          } else {
            sim_.schedule_at(now + from_seconds(f.cfg.visibility_timeout_s), id_, kRequeue, r);
          }
          break;
        }
      }
    }
    if (!f.queue.empty()) drain(f);
    sample_envs();
  }

  void end(std::uint32_t r, Outcome o) {
    Request& q = reqs_[r];
    auto& c = res_.counts;
    const TimePoint now = sim_.now();
    switch (o) {
      case kCompleted: {
        ++c.completed;
        const double ms = to_millis(now - q.arrival);
        res_.latency_ms.add(ms);
        res_.latency_stats.add(ms);
        break;
      }
      case kFailedError:
        ++c.failed_error;
        break;
      case kFailedTimeout:
        ++c.failed_timeout;
        break;
      case kDroppedThrottled:
        ++c.dropped_throttled;
        break;
      case kDroppedExpired:
        ++c.dropped_expired;
        break;
    }
    if (o_.record_invocations) {
      res_.records.push_back({to_seconds(q.arrival), to_seconds(now), to_millis(now - q.arrival),
                              q.fn, static_cast<std::uint16_t>(q.executions + q.throttled), q.cold,
                              static_cast<std::uint8_t>(o)});
    }
    free_reqs_.push_back(r);
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

  // ---- SQS pollers
  // -------------------------------------------------------------------------------
  void drain(Fn& f) {
    const TimePoint now = sim_.now();
    while (!f.queue.empty()) {
      const std::uint32_t r = f.queue.front();
      Request& q = reqs_[r];
      if (to_seconds(now - q.arrival) > f.cfg.message_retention_s) {
        f.queue.pop_front();
        end(r, kDroppedExpired);
        continue;
      }
      if (!f.backlog_since) f.backlog_since = now;
      // Pollers: the initial number plus sqs_per_min per minute of backlog (integer arithmetic,
      // so the next increase is never scheduled at the current time by rounding).
      const std::int64_t per_min = static_cast<std::int64_t>(sqs_per_min_);
      const std::int64_t elapsed_us = (now - *f.backlog_since).count();
      const std::int64_t added = elapsed_us * per_min / kMinute.count();
      const auto pollers = static_cast<std::uint32_t>(std::min<std::int64_t>(
          static_cast<std::int64_t>(sqs_max_), static_cast<std::int64_t>(sqs_initial_) + added));
      if (f.queue_busy >= pollers) {
        // Wait for a poller: one finishing, or the next one added by scaling.
        if (pollers < sqs_max_) {
          const std::int64_t next_us = ((added + 1) * kMinute.count() + per_min - 1) / per_min;
          schedule_poll(f, *f.backlog_since + Duration{next_us});
        }
        return;
      }
      f.queue.pop_front();
      ++f.queue_busy;
      attempt(r);  // a throttle puts the message back and schedules a poll
      if (!f.queue.empty() && f.queue.front() == r) return;
    }
    f.backlog_since.reset();
  }

  void requeue(std::uint32_t r) {
    Fn& f = fns_[reqs_[r].fn];
    f.queue.push_back(r);
    drain(f);
  }

  void schedule_poll(Fn& f, TimePoint at) {
    if (f.poll_scheduled) return;
    f.poll_scheduled = true;
    sim_.schedule_at(std::max(at, sim_.now()), id_, kPoll, f.id);
  }

  // ---- provisioned concurrency
  // -------------------------------------------------------------------
  void pc_start(FunctionId id, std::uint32_t w) {
    Fn& f = fns_[id];
    const std::uint32_t want = f.cfg.provisioned[w].count;
    // Provisioned environments are taken from the function's reserved or the unreserved pool.
    for (std::uint32_t i = 0; i < want; ++i) {
      if (!f.reserved && unreserved_used_ >= unreserved_cap_) {
        note(fmt::format("function {}: provisioned concurrency limited by the account concurrency",
                         src_.functions()[id].name));
        break;
      }
      const auto e = new_env(f);
      envs_[e].pc = true;
      ++f.pc_alive;
      if (!f.reserved) ++unreserved_used_;
      f.pc_idle.push_back(e);
    }
  }

  void pc_end(FunctionId id, std::uint32_t w) {
    Fn& f = fns_[id];
    std::uint32_t drop = f.cfg.provisioned[w].count;
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
      if (v.alive && v.pc && v.busy && !v.doomed && v.fn == id) {
        v.doomed = true;
        --drop;
      }
    }
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
  ComponentId id_ = 0;
  RngStream init_rng_, keep_rng_, error_rng_, backoff_rng_, eni_rng_;
  // VPC ENI attachment at cold start before Hyperplane: median 6.7 s (Shilkov, April 2019),
  // "can get up to 17 seconds" (taken as the 97.5th percentile).
  Distribution eni_penalty_ =
      Distribution::lognormal(std::log(6700.0), std::log(17000.0 / 6700.0) / 1.959963984540054);

  Invocation pending_;
  bool has_pending_ = false;
  TimePoint last_arrival_{};
  std::vector<Fn> fns_;
  std::vector<Request> reqs_;
  std::vector<std::uint32_t> free_reqs_;
  std::vector<Env> envs_;
  std::vector<std::uint32_t> free_envs_;
  IdleHeap idle_heap_{envs_};
  std::uint32_t alive_ = 0, busy_ = 0, unreserved_used_ = 0, unreserved_cap_ = 0;
  std::uint32_t account_limit_ = 1000, unreserved_min_ = 100;
  Duration granularity_{1000};
  double max_vcpu_ = 6, burst_ = 1000, refill_per_s_ = 100, account_tokens_ = 0;
  TimePoint account_tokens_at_{};
  double request_rate_ = 0, request_tokens_ = 0;  // invoke requests per second (0: unlimited)
  TimePoint request_tokens_at_{};
  bool per_function_burst_ = true, eni_era_ = false, init_billed_rule_ = false;
  double sqs_initial_ = 5, sqs_per_min_ = 300, sqs_max_ = 1000;
  Duration retry1_{}, retry2_{};
  double backoff_min_s_ = 1, backoff_max_s_ = 300, keep_min_ = 300, keep_max_ = 420;
  TimeWeighted envs_tw_, busy_tw_;
  SecondSample sink_;  // written when no time series is recorded; never read
  LambdaResult res_;
  std::vector<std::string> notes_;
};

}  // namespace

LambdaResult simulate_lambda(WorkloadSource& workload, const LambdaOptions& options,
                             const RateCard& rates) {
  Simulation sim;
  LambdaModel model(sim, workload, options, rates);
  model.run();
  return model.finish();
}

std::string LambdaResult::to_json() const {
  const auto& c = counts;
  nlohmann::ordered_json j;
  j["platform"] = "lambda";
  j["invocations"] = {{"arrived", c.arrived},
                      {"completed", c.completed},
                      {"failed", c.failed()},
                      {"throttled", c.throttles},
                      {"dropped", c.dropped()},
                      {"timed_out", c.timeouts},
                      {"retries", c.retries},
                      {"cold_starts", c.cold_starts},
                      {"attempts", c.attempts},
                      {"errors", c.errors},
                      {"to_destination", c.to_destination},
                      {"provisioned_served", c.provisioned_served}};
  j["terminal"] = {{"completed", c.completed},
                   {"failed_error", c.failed_error},
                   {"failed_timeout", c.failed_timeout},
                   {"dropped_throttled", c.dropped_throttled},
                   {"dropped_expired", c.dropped_expired}};
  j["cold_start_probability"] = cold_start_probability();
  j["latency_ms"] = {
      {"mean", latency_stats.mean()},     {"p50", latency_ms.quantile(0.5)},
      {"p90", latency_ms.quantile(0.9)},  {"p95", latency_ms.quantile(0.95)},
      {"p99", latency_ms.quantile(0.99)}, {"max", latency_ms.count() ? latency_ms.max() : 0.0}};
  j["instances"] = {{"mean", mean_envs},
                    {"max", max_envs},
                    {"mean_busy", mean_busy},
                    {"max_busy", max_busy},
                    {"mean_idle", mean_idle}};
  j["span_s"] = span_s;
  j["notes"] = notes;
  j["cost"] = nlohmann::ordered_json::parse(bill.to_json());
  return j.dump();
}

}  // namespace slsim
