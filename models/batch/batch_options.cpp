// Validation of a Batch configuration: the one gate for the scenario file, the CLI flags and
// the Python keywords. Every error is a ConfigError naming the public key.

#include "slsim/batch/batch_options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <set>

#include "slsim/platform/config_error.hpp"

namespace slsim {

std::string_view to_string(BatchCompute c) {
  switch (c) {
    case BatchCompute::kEc2:
      return "ec2";
    case BatchCompute::kSpot:
      return "spot";
    case BatchCompute::kFargate:
      return "fargate";
    case BatchCompute::kFargateSpot:
      return "fargate_spot";
  }
  return "ec2";
}

BatchCompute parse_batch_compute(std::string_view s) {
  std::string n(s);
  for (auto& ch : n)
    ch = ch == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (auto c : {BatchCompute::kEc2, BatchCompute::kSpot, BatchCompute::kFargate,
                 BatchCompute::kFargateSpot})
    if (to_string(c) == n) return c;
  throw ConfigError("compute",
                    fmt::format("'{}' is not one of ec2, spot, fargate, fargate_spot", s));
}

namespace {

std::string num(double v) {
  return fmt::format("{:.15g}", v);
}

void finite_at_least(const std::string& key, double v, double lo, const std::string& where = "") {
  if (!std::isfinite(v) || v < lo) {
    throw ConfigError(key, fmt::format("{}must be a number >= {}, got {}", where, num(lo), num(v)));
  }
}

// A time in seconds: 0 to a year (see kMaxSeconds).
void seconds(const std::string& key, double v, const std::string& where = "");

void fraction(const std::string& key, double v, const std::string& where) {
  if (!(v >= 0 && v <= 1)) {
    throw ConfigError(key, fmt::format("{}must be between 0 and 1, got {}", where, num(v)));
  }
}

// Largest job sizes slsim takes: far above any EC2 instance type or Fargate size, and small
// enough that milli-vCPUs and MiB stay exact in 32 bits (slsim bounds, not AWS limits; a job
// larger than every instance type of its queue is refused when its function first runs).
constexpr double kMaxJobVcpu = 100'000;
constexpr double kMaxJobMemoryGb = 1'000'000;

// maxvCpus is an Integer (Int32) in the AWS Batch API:
// https://docs.aws.amazon.com/batch/latest/APIReference/API_ComputeResource.html
// min/desired vCPUs start as instances, so slsim bounds them lower.
constexpr double kMaxVcpus = 2'147'483'647;
constexpr double kMaxStartVcpus = 1'000'000;

// Times (timeouts, delays, windows) at most a year: slsim's bound, far beyond any Batch job or
// delay, and well inside the simulation clock's range.
constexpr double kMaxSeconds = 365.0 * 24 * 3600;
// Spot reclaims per hour: 0 (none) or 1e-6 (a mean of 114 years between reclaims) to 3,600 (one
// a second); outside these the time to a reclaim leaves the clock's range or is nil. slsim bounds.
constexpr double kMinSpotRate = 1e-6;
constexpr double kMaxSpotRate = 3600;

void at_most(const std::string& key, double v, double hi, const std::string& where,
             const std::string& why) {
  if (v > hi) {
    throw ConfigError(
        key, fmt::format("{}must be at most {} ({}), got {}", where, num(hi), why, num(v)));
  }
}

void seconds(const std::string& key, double v, const std::string& where) {
  if (!std::isfinite(v) || v < 0 || v > kMaxSeconds) {
    throw ConfigError(
        key, fmt::format("{}must be 0 to {} s (a year), got {}", where, num(kMaxSeconds), num(v)));
  }
}

bool is_fargate(BatchCompute c) {
  return c == BatchCompute::kFargate || c == BatchCompute::kFargateSpot;
}

void validate_job(const BatchJobDefinition& j, const std::string& who, const BatchOptions& o,
                  const RateCard& rc) {
  const std::string where = who.empty() ? "" : fmt::format("function '{}': ", who);
  const Date d = o.as_of;
  finite_at_least("job_vcpu", j.vcpu, 0, where);
  finite_at_least("job_memory_gb", j.memory_gb, 0, where);
  at_most("job_vcpu", j.vcpu, kMaxJobVcpu, where, "slsim's bound, above any instance type");
  at_most("job_memory_gb", j.memory_gb, kMaxJobMemoryGb, where,
          "slsim's bound, above any instance type");
  if (j.memory_gb > 0 && j.memory_gb * 1024 < 4) {
    throw ConfigError("job_memory_gb",
                      where + "a job needs at least 4 MiB of memory (AWS Batch's minimum)");
  }
  const auto max_attempts = static_cast<std::int64_t>(rc.rule("batch.attempts_max", d));
  if (j.attempts < 1 || j.attempts > max_attempts) {
    throw ConfigError("attempts", fmt::format("{}must be {}, got {}", where,
                                              batch_whole_range("attempts", rc), j.attempts));
  }
  fraction("error_probability", j.error_probability, where);
  const double tmin = rc.rule("batch.timeout_min_s", d);
  if (!std::isfinite(j.timeout_s) || j.timeout_s < 0 || (j.timeout_s > 0 && j.timeout_s < tmin)) {
    throw ConfigError("timeout_s", fmt::format("{}must be 0 (no timeout) or at least {} s, got {}",
                                               where, num(tmin), num(j.timeout_s)));
  }
  seconds("timeout_s", j.timeout_s, where);
  if (j.timeout_s != std::floor(j.timeout_s)) {  // attemptDurationSeconds is an Integer
    throw ConfigError("timeout_s", fmt::format("{}must be a whole number of seconds "
                                               "(attemptDurationSeconds), got {}",
                                               where, num(j.timeout_s)));
  }
  const auto amin = static_cast<std::int64_t>(rc.rule("batch.array_size_min", d));
  const auto amax = static_cast<std::int64_t>(rc.rule("batch.array_size_max", d));
  if (j.array_size != 0 && (j.array_size < amin || j.array_size > amax)) {
    throw ConfigError("array_size", fmt::format("{}must be {}, got {}", where,
                                                batch_whole_range("array_size", rc), j.array_size));
  }
  seconds("array_window_s", j.array_window_s, where);
  if (j.reference_memory_mb != 0) {
    try {
      validate_lambda_memory(rc, j.reference_memory_mb, d);
    } catch (const PricingError& e) {
      throw ConfigError("reference_memory_mb", where + e.what());
    }
  }
  fraction("cpu_bound_fraction", j.cpu_bound_fraction, where);
  fraction("parallel_fraction", j.parallel_fraction, where);
  // The queue must exist, and its environments decide what sizes are valid.
  std::vector<std::string> names;
  const BatchJobQueue* queue = nullptr;
  for (const auto& q : o.queues) {
    names.push_back(q.name);
    if (q.name == j.queue) queue = &q;
  }
  if (!j.queue.empty() && !queue) {
    throw ConfigError(
        "queue",
        fmt::format("{}there is no job queue '{}'; queues: {}", where, j.queue,
                    o.queues.empty() ? "default" : fmt::format("{}", fmt::join(names, ", "))));
  }
  if (!queue && !o.queues.empty()) queue = &o.queues.front();
  bool fargate = false;
  for (const auto& ce : o.compute_environments) {
    const bool in_queue =
        !queue || queue->compute_environments.empty() ||
        std::find(queue->compute_environments.begin(), queue->compute_environments.end(),
                  ce.name) != queue->compute_environments.end();
    if (in_queue && is_fargate(ce.compute)) fargate = true;
  }
  if (fargate) {
    if (j.vcpu > 0 && j.memory_gb == 0) {  // memory from the function: the vCPU must be a size
      std::vector<double> vcpus;
      for (const auto& z : rc.fargate_sizes(d))
        vcpus.push_back(z.vcpu);
      std::sort(vcpus.begin(), vcpus.end());
      if (std::none_of(vcpus.begin(), vcpus.end(),
                       [&](double v) { return std::fabs(v - j.vcpu) <= 1e-9; })) {
        throw ConfigError(
            "job_vcpu", fmt::format("{}{} is not a Fargate task vCPU size on {}; sizes: {}", where,
                                    num(j.vcpu), d.str(), fmt::join(vcpus, ", ")));
      }
    }
    if (j.vcpu > 0 && j.memory_gb > 0) {
      try {
        validate_fargate_size(rc, j.vcpu, j.memory_gb, d);
      } catch (const PricingError& e) {
        throw ConfigError("job_vcpu", where + e.what());
      }
    }
  } else if (j.vcpu > 0 && j.vcpu != std::floor(j.vcpu)) {
    throw ConfigError("job_vcpu", fmt::format("{}jobs on EC2 take whole vCPUs (1 or more), got {}",
                                              where, num(j.vcpu)));
  }
}

}  // namespace

void validate_batch_options(const BatchOptions& o, const RateCard& rc) {
  const Date d = o.as_of;
  try {
    rc.check_as_of(d);
    rc.rule("batch.available", d);
  } catch (const PricingError&) {
    throw ConfigError("as_of", fmt::format("AWS Batch did not exist on {}: use a date from "
                                           "2017-01-05 (its general availability) on",
                                           d.str()));
  }
  if (o.compute_environments.empty()) {
    throw ConfigError("compute_environments", "give at least one compute environment");
  }
  std::set<std::string> ce_names;
  const auto known = rc.instance_types(d, o.region);
  const bool any_ec2 =
      std::any_of(o.compute_environments.begin(), o.compute_environments.end(),
                  [](const BatchComputeEnvironment& c) { return !is_fargate(c.compute); });
  if (any_ec2 && known.empty()) {
    // A date before the region's first EC2 prices is the date's fault, not the region's (nor
    // the instance types').
    Date first = d;
    bool later = false;
    for (int i = 0; i < 3660 && !later; ++i) {  // ten years, day by day (the error path only)
      first = Date(first.days() + std::chrono::days{1});
      later = !rc.instance_types(first, o.region).empty();
    }
    if (later) {
      throw ConfigError("as_of", fmt::format("slsim has no EC2 prices in {} on {}: they start on "
                                             "{}; use an as_of from then on",
                                             o.region, d.str(), first.str()));
    }
    throw ConfigError("region", fmt::format("slsim has no EC2 prices for {} on {}: use us-east-1",
                                            o.region, d.str()));
  }
  for (const auto& ce : o.compute_environments) {
    const std::string where = o.compute_environments.size() > 1
                                  ? fmt::format("compute environment '{}': ", ce.name)
                                  : std::string();
    if (ce.name.empty()) throw ConfigError("name", "a compute environment needs a name");
    if (!ce_names.insert(ce.name).second) {
      throw ConfigError("name", fmt::format("two compute environments are named '{}'", ce.name));
    }
    if (is_fargate(ce.compute)) {
      bool ok = true;
      try {
        ok = rc.rule("batch.fargate_available", d) > 0;
      } catch (const PricingError&) {
        ok = false;
      }
      if (!ok) {
        throw ConfigError("compute", fmt::format("{}AWS Batch on Fargate did not exist on {}: "
                                                 "it started on 2020-12-03; use ec2 or spot",
                                                 where, d.str()));
      }
      if (!ce.instance_types.empty()) {
        throw ConfigError("instance_types",
                          where + "Fargate compute environments have no instance types");
      }
      if (ce.min_vcpus != 0 || ce.desired_vcpus.value_or(0) != 0) {
        throw ConfigError(ce.min_vcpus != 0 ? "min_vcpus" : "desired_vcpus",
                          where + "does not apply to Fargate compute environments; leave it 0");
      }
    } else {
      for (const auto& t : ce.instance_types) {
        if (t == "optimal") continue;
        if (std::find(known.begin(), known.end(), t) == known.end()) {
          throw ConfigError("instance_types",
                            fmt::format("{}no EC2 instance type '{}' in {} on {}; known: optimal, "
                                        "{}",
                                        where, t, o.region, d.str(), fmt::join(known, ", ")));
        }
      }
      if (known.empty()) {
        throw ConfigError("region",
                          fmt::format("slsim has no EC2 prices for {} on {}", o.region, d.str()));
      }
    }
    finite_at_least("min_vcpus", ce.min_vcpus, 0, where);
    const double desired = ce.desired_vcpus.value_or(ce.min_vcpus);
    finite_at_least("desired_vcpus", desired, 0, where);
    if (!std::isfinite(ce.max_vcpus) || ce.max_vcpus <= 0) {
      throw ConfigError(
          "max_vcpus",
          fmt::format("{}must be more than 0 and at most {} (AWS Batch takes "
                      "maxvCpus as a 32-bit integer), got {}",
                      where, grouped(static_cast<std::uint64_t>(kMaxVcpus)), num(ce.max_vcpus)));
    }
    // AWS Batch takes maxvCpus as an Int32 (API ComputeResource); slsim starts the instances
    // for min/desired vCPUs at once, each simulated, so it bounds those lower.
    at_most("min_vcpus", ce.min_vcpus, kMaxStartVcpus, where,
            "slsim's bound: every instance is simulated");
    at_most("desired_vcpus", desired, kMaxStartVcpus, where,
            "slsim's bound: every instance is simulated");
    at_most("max_vcpus", ce.max_vcpus, kMaxVcpus, where, "AWS Batch takes a 32-bit integer");
    // AWS: minvCpus <= desiredvCpus <= maxvCpus, desiredvCpus optional (then min_vcpus).
    if (ce.max_vcpus < ce.min_vcpus) {
      throw ConfigError("max_vcpus", fmt::format("{}must be >= min_vcpus ({}), got {}", where,
                                                 num(ce.min_vcpus), num(ce.max_vcpus)));
    }
    if (desired < ce.min_vcpus || desired > ce.max_vcpus) {
      throw ConfigError("desired_vcpus",
                        fmt::format("{}must be from min_vcpus ({}) to max_vcpus ({}), got {}",
                                    where, num(ce.min_vcpus), num(ce.max_vcpus), num(desired)));
    }
  }
  const auto ce_max =
      static_cast<std::size_t>(rc.rule("batch.compute_environments_per_queue_max", d));
  std::set<std::string> q_names;
  for (const auto& q : o.queues) {
    if (q.name.empty()) throw ConfigError("queues", "a job queue needs a name");
    if (!q_names.insert(q.name).second) {
      throw ConfigError("queues", fmt::format("two job queues are named '{}'", q.name));
    }
    if (q.compute_environments.size() > ce_max) {
      throw ConfigError("compute_environments",
                        fmt::format("job queue '{}' has {} compute environments; at most {}",
                                    q.name, q.compute_environments.size(), ce_max));
    }
    int kinds = 0;
    for (const auto& n : q.compute_environments) {
      auto it = std::find_if(o.compute_environments.begin(), o.compute_environments.end(),
                             [&](const BatchComputeEnvironment& c) { return c.name == n; });
      if (it == o.compute_environments.end()) {
        throw ConfigError("compute_environments",
                          fmt::format("job queue '{}' names compute environment '{}', which is "
                                      "not defined; defined: {}",
                                      q.name, n, fmt::join(ce_names, ", ")));
      }
      kinds |= is_fargate(it->compute) ? 2 : 1;
    }
    if (q.compute_environments.empty()) {
      for (const auto& c : o.compute_environments)
        kinds |= is_fargate(c.compute) ? 2 : 1;
    }
    if (kinds == 3) {
      throw ConfigError("compute_environments",
                        fmt::format("job queue '{}' mixes EC2/Spot and Fargate compute "
                                    "environments; AWS Batch allows one kind per queue",
                                    q.name));
    }
  }
  if (o.queues.empty()) {
    int kinds = 0;
    for (const auto& c : o.compute_environments)
      kinds |= is_fargate(c.compute) ? 2 : 1;
    if (kinds == 3) {
      throw ConfigError("compute_environments",
                        "the default job queue would mix EC2/Spot and Fargate compute "
                        "environments; define queues, one kind each");
    }
  }
  validate_job(o.job, "", o, rc);
  for (const auto& [name, j] : o.functions)
    validate_job(j, name, o, rc);
  seconds("scheduler_interval_s", o.scheduler_interval_s);
  seconds("starting_s", o.starting_s);
  seconds("container_start_s", o.container_start_s);
  seconds("instance_launch_s", o.instance_launch_s);
  seconds("fargate_start_s", o.fargate_start_s);
  seconds("scale_down_delay_s", o.scale_down_delay_s);
  seconds("max_submit_wait_s", o.max_submit_wait_s);
  if (o.spot_interruptions_per_hour) {
    const double r = *o.spot_interruptions_per_hour;
    if (!(r == 0 || (r >= kMinSpotRate && r <= kMaxSpotRate))) {
      throw ConfigError("spot_interruptions_per_hour",
                        fmt::format("must be 0 (no reclaims) or from {} to {} per hour, got {}",
                                    num(kMinSpotRate), num(kMaxSpotRate), num(r)));
    }
  }
  if (o.spot_discount_pct && !(*o.spot_discount_pct >= 0 && *o.spot_discount_pct <= 100)) {
    throw ConfigError("spot_discount_pct",
                      fmt::format("must be between 0 and 100, got {}", num(*o.spot_discount_pct)));
  }
  // At most AWS's advertised ceiling for each Spot environment (Fargate Spot 70 %, EC2 Spot 90 %;
  // validate_spot_discount, issue 19).
  if (o.spot_discount_pct) {
    // As for ECS and Fargate (validate_containers): a Spot discount with no Spot compute would be
    // ignored, so it is refused.
    const bool any_spot = std::any_of(
        o.compute_environments.begin(), o.compute_environments.end(), [](const auto& ce) {
          return ce.compute == BatchCompute::kSpot || ce.compute == BatchCompute::kFargateSpot;
        });
    if (!any_spot) {
      throw ConfigError("spot_discount_pct",
                        fmt::format("{} applies to Spot compute only: set compute = spot (or "
                                    "fargate_spot), or remove spot_discount_pct",
                                    num(*o.spot_discount_pct)));
    }
    for (const auto& ce : o.compute_environments) {
      if (ce.compute != BatchCompute::kSpot && ce.compute != BatchCompute::kFargateSpot) continue;
      try {
        validate_spot_discount(rc, ce.compute == BatchCompute::kSpot ? "ec2" : "fargate",
                               *o.spot_discount_pct, d);
      } catch (const PricingError& e) {
        const std::string what = e.what();
        throw ConfigError("spot_discount_pct", what.substr(what.find(' ') + 1));
      }
    }
  }
  if (!(o.discount_pct >= 0 && o.discount_pct <= 100)) {
    throw ConfigError("discount_pct",
                      fmt::format("must be between 0 and 100, got {}", num(o.discount_pct)));
  }
}

std::string batch_whole_range(const std::string& key, const RateCard& rc) {
  // The rules have not changed since AWS Batch began: today's are every date's.
  const Date d = Date::today();
  auto n = [&](const char* rule) { return grouped(static_cast<std::uint64_t>(rc.rule(rule, d))); };
  if (key == "attempts") return fmt::format("a whole number from 1 to {}", n("batch.attempts_max"));
  return fmt::format("0 (no array jobs) or a whole number from {} to {}", n("batch.array_size_min"),
                     n("batch.array_size_max"));
}

std::int64_t batch_whole(const std::string& key, double v, const RateCard& rc) {
  // Far beyond both ranges, and exact in a double.
  if (!(std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)) {
    throw ConfigError(key, fmt::format("must be {}, got {}", batch_whole_range(key, rc), num(v)));
  }
  return static_cast<std::int64_t>(v);
}

void check_batch_functions_exist(const BatchOptions& o, const std::vector<std::string>& names) {
  for (const auto& [name, j] : o.functions) {
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    const std::size_t shown = std::min<std::size_t>(names.size(), 10);
    throw ConfigError(
        "functions." + name,
        fmt::format("the workload has no function '{}'; its functions: {}{}", name,
                    shown == 0
                        ? std::string("(none)")
                        : fmt::format("{}", fmt::join(names.begin(), names.begin() + shown, ", ")),
                    names.size() > shown ? fmt::format(" and {} more", names.size() - shown)
                                         : std::string()));
  }
}

}  // namespace slsim
