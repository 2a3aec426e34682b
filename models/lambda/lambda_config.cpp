// The one validator of a Lambda configuration (see lambda_config.hpp). Every message names the
// public setting and what is allowed; dated facts carry their source here and in
// docs/scenarios.md.
#include "slsim/lambda/lambda_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "slsim/workload/negative_times.hpp"

namespace slsim {

namespace {

// Dates from which a setting exists (AWS announcements):
// (arm64 functions: the rule lambda.arm64_available in models/pricing/rules.csv.)
// container images: 2020-12-01,
//   https://aws.amazon.com/blogs/aws/new-for-aws-lambda-container-image-support/
// custom runtimes (the Runtime API, provided): 2018-11-29,
//   https://aws.amazon.com/about-aws/whats-new/2018/11/aws-lambda-now-supports-custom-runtimes-and-layers/
// maximum retry attempts and maximum event age for async invocations: 2019-11-25,
//   https://aws.amazon.com/about-aws/whats-new/2019/11/aws-lambda-supports-max-retry-attempts-event-age-asynchronous-invocations/
// provisioned concurrency: 2019-12-03,
//   https://aws.amazon.com/blogs/aws/new-provisioned-concurrency-for-lambda-functions/
const Date kContainerFrom(2020, 12, 1);
const Date kCustomRuntimeFrom(2018, 11, 29);
const Date kAsyncRetrySettingsFrom(2019, 11, 25);
const Date kProvisionedFrom(2019, 12, 3);

// SQS limits (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/
// sqs-visibility-timeout.html: 0 s to 12 hours; .../API_SetQueueAttributes.html: retention
// 60 s to 1,209,600 s; redrive maxReceiveCount 1 to 1,000).
constexpr double kMaxVisibilityTimeoutS = 43'200;
constexpr double kMinRetentionS = 60, kMaxRetentionS = 1'209'600;
constexpr std::uint32_t kMaxReceiveCount = 1000;

// Async maximum event age: 60 s to 6 hours (the invocation-async-retain-records page of the
// Lambda developer guide).
constexpr double kMinEventAgeS = 60, kMaxEventAgeS = 21'600;

// The longest simulated time slsim accepts (times are integer microseconds; 100 years keeps
// every sum far from overflow).
// The largest account concurrency limit slsim accepts (a user-given limit; AWS raises the
// default of 1,000 on request, to tens of thousands).
constexpr std::uint64_t kMaxAccountConcurrency = 10'000'000;

constexpr double kMaxSimulatedS = 100 * 365.25 * 86'400;

std::string num(double v) {
  // Short, never a 309-digit number.
  if (!std::isfinite(v)) return fmt::format("{}", v);
  if (std::fabs(v) >= 1e15) return fmt::format("{:.3g}", v);
  return fmt::format("{:.15g}", v);
}

class Checker {
 public:
  Checker(std::string prefix) : prefix_(std::move(prefix)) {}
  [[noreturn]] void fail(const std::string& key, const std::string& why) const {
    throw ConfigError(prefix_ + key, why);
  }
  void fraction(const std::string& key, double v) const {
    if (!(v >= 0 && v <= 1))
      fail(key, fmt::format("{} is not allowed: a number from 0 to 1", num(v)));
  }
  void range(const std::string& key, double v, double lo, double hi, const char* unit) const {
    if (!(v >= lo && v <= hi)) {
      fail(key, fmt::format("{} is not allowed: {} to {} {}", num(v),
                            grouped(static_cast<std::uint64_t>(lo)),
                            grouped(static_cast<std::uint64_t>(hi)), unit));
    }
  }
  // A time distribution: no negative values (a normal distribution, unbounded below, is
  // refused when negative in 0.1 % of draws or more, else clamped at 0: negative_times.hpp).
  void times(const std::string& key, const std::optional<Distribution>& d, double max,
             const char* max_text) const {
    if (!d) return;
    // A constant is shown as its number whichever way it was given ("-5" from a file, a flag or
    // Python alike).
    const std::string shown = d->family() == "constant" ? num(d->quantile(0.5)) : d->text();
    if (auto why = negative_times_problem(*d, shown); !why.empty()) fail(key, why);
    // The median and the p99 (a heavy tail such as lognormal(p99=1e300) would leave the clock).
    if (!(d->quantile(0.5) <= max) || !(d->quantile(0.99) <= max)) {
      fail(key, fmt::format("{} is longer than slsim simulates: at most {}", shown, max_text));
    }
  }

 private:
  std::string prefix_;
};

double rule_or(const RateCard& rc, const char* name, Date as_of, double fallback) {
  try {
    return rc.rule(name, as_of);
  } catch (const PricingError&) {
    return fallback;
  }
}

// The most provisioned environments in force at any one time (overlapping windows add up).
std::uint32_t peak_provisioned(const std::vector<ProvisionedWindow>& ws) {
  std::vector<std::pair<double, std::int64_t>> edges;
  for (const auto& w : ws) {
    edges.emplace_back(w.start_s, static_cast<std::int64_t>(w.count));
    if (w.end_s >= 0) edges.emplace_back(w.end_s, -static_cast<std::int64_t>(w.count));
  }
  // Ends before starts at the same instant: a window ending when another starts does not overlap.
  std::sort(edges.begin(), edges.end());
  std::int64_t cur = 0, peak = 0;
  for (const auto& [t, d] : edges) {
    cur += d;
    peak = std::max(peak, cur);
  }
  return static_cast<std::uint32_t>(peak);
}

const char* provisioned_key(const LambdaFunctionConfig& c) {
  const bool simple =
      c.provisioned.size() == 1 && c.provisioned[0].start_s == 0 && c.provisioned[0].end_s < 0;
  return simple ? "provisioned_concurrency" : "provisioned";
}

}  // namespace

double effective_timeout_s(const LambdaFunctionConfig& c, const RateCard& rates, Date as_of) {
  return c.timeout_s > 0 ? c.timeout_s : rates.rule("lambda.timeout_max_s", as_of);
}

double effective_visibility_timeout_s(const LambdaFunctionConfig& c, const RateCard& rates,
                                      Date as_of) {
  if (c.visibility_timeout_s) return *c.visibility_timeout_s;
  return std::min(6 * effective_timeout_s(c, rates, as_of), kMaxVisibilityTimeoutS);
}

void validate_lambda_function(const LambdaFunctionConfig& c, const RateCard& rc, Date as_of,
                              const std::string& key_prefix) {
  const Checker k(key_prefix);
  const std::string on = as_of.str();
  if (c.memory_mb) {
    try {
      validate_lambda_memory(rc, c.memory_mb, as_of);
    } catch (const PricingError& e) {
      const auto lo = rc.rule("lambda.memory_min_mb", as_of);
      const auto hi = rc.rule("lambda.memory_max_mb", as_of);
      const auto step = rc.rule("lambda.memory_step_mb", as_of);
      k.fail("memory_mb",
             fmt::format("{} MB is not allowed on {}: allowed are {} to {} MB in {} MB steps",
                         c.memory_mb, on, num(lo), num(hi), num(step)));
    }
  }
  if (c.arch == Arch::kArm64 && rc.rule_or("lambda.arm64_available", as_of, 0) == 0) {
    const auto from = rc.first_in_force("lambda.arm64_available", 1);
    k.fail("arch",
           from ? fmt::format("arm64 Lambda functions exist from {} (as_of is {})", from->str(), on)
                : std::string("arm64 Lambda functions do not exist in this rate card"));
  }
  if (c.runtime == Runtime::kContainer && as_of < kContainerFrom) {
    k.fail("runtime",
           fmt::format("container images exist from {} (as_of is {})", kContainerFrom.str(), on));
  }
  if (c.runtime == Runtime::kCustom && as_of < kCustomRuntimeFrom) {
    k.fail("runtime", fmt::format("custom runtimes exist from {} (as_of is {})",
                                  kCustomRuntimeFrom.str(), on));
  }
  const double max_timeout = rc.rule("lambda.timeout_max_s", as_of);
  if (!(c.timeout_s == 0 || (c.timeout_s >= 1 && c.timeout_s <= max_timeout &&
                             c.timeout_s == std::floor(c.timeout_s)))) {
    k.fail("timeout_s", fmt::format("{} is not allowed on {}: allowed are 1 to {} s, in whole "
                                    "seconds (0 = the maximum)",
                                    num(c.timeout_s), on, num(max_timeout)));
  }
  if (c.max_retry_attempts > 2) {
    k.fail("max_retry_attempts", fmt::format("{} is not allowed: 0, 1 or 2", c.max_retry_attempts));
  }
  k.range("max_event_age_s", c.max_event_age_s, kMinEventAgeS, kMaxEventAgeS, "s");
  if (as_of < kAsyncRetrySettingsFrom) {
    if (c.max_retry_attempts != 2) {
      k.fail("max_retry_attempts",
             fmt::format("the async retry settings exist from {} (as_of is {}); before, Lambda "
                         "always retried twice: leave max_retry_attempts at 2",
                         kAsyncRetrySettingsFrom.str(), on));
    }
    if (c.max_event_age_s != kMaxEventAgeS) {
      k.fail("max_event_age_s",
             fmt::format("the async retry settings exist from {} (as_of is {}); before, events "
                         "were kept up to 6 hours: leave max_event_age_s at 21,600",
                         kAsyncRetrySettingsFrom.str(), on));
    }
  }
  k.fraction("error_probability", c.error_probability);
  k.fraction("cpu_bound_fraction", c.cpu_bound_fraction);
  k.fraction("parallel_fraction", c.parallel_fraction);
  if (c.reference_memory_mb > 0 && c.reference_memory_mb > 1 << 20) {
    k.fail("reference_memory_mb", "must be at most 1,048,576 MB");
  }
  if (c.client_retry.max_attempts < 1) {
    k.fail("client_max_attempts", "must be at least 1 (1 = no retries)");
  }
  k.range("client_base_backoff_ms", c.client_retry.base_backoff_ms, 0, 3'600'000, "ms");
  k.range("client_max_backoff_ms", c.client_retry.max_backoff_ms, 0, 3'600'000, "ms");
  // SQS visibility timeouts are whole seconds (SetQueueAttributes: "An integer from 0 to
  // 43,200"; https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/
  // API_SetQueueAttributes.html).
  if (c.visibility_timeout_s &&
      !(*c.visibility_timeout_s >= 0 && *c.visibility_timeout_s <= kMaxVisibilityTimeoutS &&
        *c.visibility_timeout_s == std::floor(*c.visibility_timeout_s))) {
    k.fail(
        "visibility_timeout_s",
        fmt::format("{} is not allowed: 0 to {} s, in whole seconds", num(*c.visibility_timeout_s),
                    grouped(static_cast<std::uint64_t>(kMaxVisibilityTimeoutS))));
  }
  if (c.max_receive_count > kMaxReceiveCount) {
    k.fail("max_receive_count",
           fmt::format("{} is not allowed: 1 to 1,000 (0 = no dead-letter queue)",
                       c.max_receive_count));
  }
  k.range("message_retention_s", c.message_retention_s, kMinRetentionS, kMaxRetentionS, "s");
  if (c.queue_max_concurrency) {
    if (rc.rule_or("lambda.sqs_max_concurrency_available", as_of, 0) == 0) {
      const auto from = rc.first_in_force("lambda.sqs_max_concurrency_available", 1);
      k.fail("queue_max_concurrency",
             fmt::format("the SQS event source's maximum concurrency exists from {} (as_of is {})",
                         from ? from->str() : std::string("a later date"), on));
    }
    if (*c.queue_max_concurrency < 2 || *c.queue_max_concurrency > 1000) {
      k.fail("queue_max_concurrency",
             fmt::format("{} is not allowed: 2 to 1,000", *c.queue_max_concurrency));
    }
  }
  if (c.invocation == InvocationType::kQueue) {
    // AWS refuses an SQS event source mapping whose queue's visibility timeout is shorter than
    // the function timeout (CreateEventSourceMapping: "Queue visibility timeout ... is less than
    // Function timeout"); https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
    const double t = effective_timeout_s(c, rc, as_of);
    if (c.visibility_timeout_s && *c.visibility_timeout_s < t) {
      k.fail("visibility_timeout_s",
             fmt::format("{} s is shorter than the function timeout {} s{}: AWS refuses such a "
                         "queue event source; give a visibility timeout of at least the function "
                         "timeout",
                         num(*c.visibility_timeout_s), num(t),
                         c.timeout_s > 0 ? "" : " (timeout_s 0 = the maximum)"));
    }
  }
  const auto eph_lo =
      static_cast<std::uint32_t>(rule_or(rc, "lambda.ephemeral_included_mb", as_of, 512));
  const auto eph_hi = static_cast<std::uint32_t>(rc.rule("lambda.ephemeral_max_mb", as_of));
  if (c.ephemeral_mb < eph_lo || c.ephemeral_mb > eph_hi) {
    k.fail("ephemeral_mb", eph_lo == eph_hi
                               ? fmt::format("{} MB is not allowed on {}: ephemeral storage is "
                                             "fixed at {} MB then",
                                             c.ephemeral_mb, on, eph_lo)
                               : fmt::format("{} MB is not allowed on {}: {} to {} MB",
                                             c.ephemeral_mb, on, eph_lo, grouped(eph_hi)));
  }
  k.times("keep_alive_s", c.keep_alive_s, kMaxSimulatedS, "100 years");
  k.times("init_ms", c.init_ms, kMaxSimulatedS * 1000, "100 years");
  if (!c.provisioned.empty()) {
    const char* pk = provisioned_key(c);
    if (as_of < kProvisionedFrom) {
      k.fail(pk, fmt::format("provisioned concurrency exists from {} (as_of is {})",
                             kProvisionedFrom.str(), on));
    }
    for (const auto& w : c.provisioned) {
      if (!(std::isfinite(w.start_s) && w.start_s >= 0 && w.start_s <= kMaxSimulatedS)) {
        k.fail(pk, fmt::format("a window's start_s {} is not allowed: a time from 0 s to 100 years",
                               num(w.start_s)));
      }
      if (w.end_s > kMaxSimulatedS) {
        k.fail(pk,
               fmt::format("a window's end_s {} is not allowed: at most 100 years", num(w.end_s)));
      }
      if (!std::isfinite(w.end_s) || (w.end_s >= 0 && w.end_s <= w.start_s)) {
        k.fail(pk, fmt::format("the window from {} s to {} s ends before it starts: end_s must "
                               "be after start_s (or < 0 for the end of the run)",
                               num(w.start_s), num(w.end_s)));
      }
      if (w.count == 0) k.fail(pk, "each window needs a count >= 1");
    }
    const std::uint32_t peak = peak_provisioned(c.provisioned);
    if (c.reserved_concurrency && peak > *c.reserved_concurrency) {
      k.fail(pk, fmt::format("{} environments at once exceed the reserved concurrency {}: "
                             "provisioned concurrency fits within the reservation",
                             peak, *c.reserved_concurrency));
    }
  }
}

void validate_lambda(const LambdaOptions& o, const RateCard& rc) {
  try {
    rc.check_as_of(o.as_of);
  } catch (const PricingError& e) {
    // The key is the front end's to add ("--as-of: ", "FILE: as_of: "): never both.
    std::string what = e.what();
    if (what.rfind("as_of ", 0) == 0) what.erase(0, 6);
    throw ConfigError("as_of", what);
  }
  validate_lambda_function(o.defaults, rc, o.as_of);
  if (o.defaults.reserved_concurrency) {
    throw ConfigError("reserved_concurrency",
                      "is set per function (in [lambda.functions.NAME], or for every function of "
                      "the workload with --reserved-concurrency)");
  }
  for (const auto& [name, c] : o.functions)
    validate_lambda_function(c, rc, o.as_of, "functions." + name + ".");
  if (o.burst && *o.burst == 0) throw ConfigError("burst", "must be at least 1");
  if (!(o.discount_pct >= 0 && o.discount_pct <= 100)) {
    throw ConfigError("discount_pct", fmt::format("{} is not allowed: a percentage from 0 to 100",
                                                  num(o.discount_pct)));
  }
  // Account concurrency: any positive limit (new accounts have limits below 100). AWS keeps
  // `unreserved_min` (100) unreserved: that restricts reservations, not the limit itself
  // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
  const auto limit = static_cast<std::uint64_t>(
      o.account_concurrency ? o.account_concurrency
                            : rc.rule("lambda.account_concurrency", o.as_of));
  const auto keep = static_cast<std::uint64_t>(rule_or(rc, "lambda.unreserved_min", o.as_of, 100));
  const std::uint64_t reservable = limit > keep ? limit - keep : 0;
  std::uint64_t reserved = 0;
  for (const auto& [name, c] : o.functions) {
    if (!c.reserved_concurrency || *c.reserved_concurrency == 0) continue;
    reserved += *c.reserved_concurrency;
    if (reserved > reservable) {
      throw ConfigError(
          "functions." + name + ".reserved_concurrency",
          reservable == 0
              ? fmt::format("nothing can be reserved: the account's concurrency limit is {} and "
                            "at least {} must stay unreserved",
                            grouped(limit), grouped(keep))
              : fmt::format("reserved concurrency adds up to {} over the functions, but at least "
                            "{} of the account's {} must stay unreserved: reserve at most {} in "
                            "all",
                            grouped(reserved), grouped(keep), grouped(limit), grouped(reservable)));
    }
  }
  // Provisioned concurrency of a function without a reservation comes out of the unreserved
  // pool, which must keep `keep` free as well.
  const std::uint64_t unreserved_pc_cap = reservable > reserved ? reservable - reserved : 0;
  auto check_unreserved_pc = [&](const LambdaFunctionConfig& c, const std::string& prefix) {
    if (c.provisioned.empty() || c.reserved_concurrency) return;
    const std::uint32_t peak = peak_provisioned(c.provisioned);
    if (peak > unreserved_pc_cap) {
      throw ConfigError(prefix + provisioned_key(c),
                        fmt::format("{} environments exceed what the account leaves for "
                                    "provisioned concurrency: at most {} (the limit {}, less {} "
                                    "reserved and {} that must stay unreserved)",
                                    grouped(peak), grouped(unreserved_pc_cap), grouped(limit),
                                    grouped(reserved), grouped(keep)));
    }
  };
  check_unreserved_pc(o.defaults, "");
  for (const auto& [name, c] : o.functions)
    check_unreserved_pc(c, "functions." + name + ".");
}

void set_lambda_choice(LambdaFunctionConfig& c, const std::string& key, const std::string& value) {
  // The user's word, shortened: a message never echoes a whole file.
  const std::string shown = value.size() <= 40 ? value : value.substr(0, 36) + "...";
  if (key == "arch") {
    try {
      c.arch = parse_arch(value);
    } catch (const std::invalid_argument&) {
      throw ConfigError(key, fmt::format("'{}' is not allowed: x86_64 or arm64", shown));
    }
  } else if (key == "runtime") {
    try {
      c.runtime = parse_runtime(value);
    } catch (const std::invalid_argument&) {
      throw ConfigError(key, fmt::format("'{}' is not allowed: python, nodejs, java, dotnet, go, "
                                         "custom or container",
                                         shown));
    }
  } else if (key == "invocation") {
    const auto t = parse_invocation_type(value);
    if (!t) throw ConfigError(key, fmt::format("'{}' is not allowed: sync, async or queue", shown));
    c.invocation = *t;
  } else {
    throw std::logic_error("set_lambda_choice: not a word setting: " + key);
  }
}

void validate_account_concurrency(std::uint64_t limit) {
  if (limit < 1 || limit > kMaxAccountConcurrency) {
    throw ConfigError("account_concurrency",
                      fmt::format("{} is not allowed: 1 to {} concurrent executions",
                                  grouped(limit), grouped(kMaxAccountConcurrency)));
  }
}

void check_lambda_functions_exist(const LambdaOptions& o, const std::vector<std::string>& names) {
  for (const auto& [name, c] : o.functions) {
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::vector<std::string> shown(
        names.begin(),
        names.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(names.size(), 10)));
    throw ConfigError(
        "functions." + name,
        fmt::format("the workload has no function '{}'; its functions: {}{}", name,
                    shown.empty() ? "(none)" : fmt::format("{}", fmt::join(shown, ", ")),
                    names.size() > shown.size()
                        ? fmt::format(" and {} more", names.size() - shown.size())
                        : ""));
  }
}

}  // namespace slsim
