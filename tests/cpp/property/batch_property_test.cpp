// Randomised property test of the AWS Batch model over generated cases (platform_generator.hpp):
// 1–3 compute environments (EC2, Spot, Fargate, Fargate Spot as the date allows) with instance
// types or "optimal", min/desired/max vCPUs, job queues of one kind with priorities, job
// definitions per function (sizes, or sized from the trace's memory; retries; error
// probabilities; attempt timeouts; array jobs by size and window), scheduler and start-up
// timings, Spot reclaim rates, discounts, dates 2017–2026; workloads of the three invocation
// types, some running for minutes, past their timeouts.
//
// Properties, for every case the validator accepts:
//  1. every arrival ends in exactly one terminal state; one job record per arrival whose
//     outcomes add up to the same counts; the records' attempts add up to `attempts` and their
//     attempts after the first to `retries`; no job makes more attempts than its definition
//     allows; a timed-out attempt ran exactly its timeout, a completed one at most that;
//  2. no figure is negative, NaN or infinite; utilisation in [0, 1]; end >= start >= submit;
//     the makespan within the span; and a Little's-law bound: the completed jobs' run time is
//     at most the time-weighted jobs placed x the span;
//  3. the bill equals pricing the recorded usage through the rate card (as_of, region,
//     discounts, Spot discount) plus Batch's own zero line, and its total is its lines' sum;
//  4. the extra figures agree with the usage: instance-hours = billed instance-seconds / 3,600,
//     instance launches = instances billed, Fargate tasks = tasks billed (at most one per
//     attempt); failures need errors or interruptions; EC2/Fargate usage only with such
//     environments;
//  5. the same seed gives the same JSON, also on another thread.
// A third test case checks jobs on one Fargate environment without Spot, errors or arrays: the
// usage is exactly the sum of `slsim price fargate --tasks 1 --task-seconds T` (`fargate_usage`)
// over the jobs, T = container start + run time — a check independent of the model's meter.
//
// Cases: 10,000 (1,000 in the sanitizer build); $SLSIM_PROPERTY_CASES and
// $SLSIM_PROPERTY_SEED change them (case i uses seed base + i; a failure prints how to rerun it
// alone). See docs/testing.md.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "platform_generator.hpp"
#include "platform_properties.hpp"
#include "slsim/batch/batch.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/platform/duration_model.hpp"

using namespace slsim;
using property::bad;

namespace {

constexpr std::uint64_t kSeedOffset = 5'000'000;  // Batch cases apart from the others' seeds

struct Coverage : property::Refusals {
  std::uint64_t completed = 0, failed = 0, timed_out = 0, unfinished = 0, retries = 0;
  std::uint64_t interruptions = 0, arrays = 0, fargate_tasks = 0, launches = 0, cold = 0;
  std::uint64_t before_fargate = 0, with_fargate = 0;
};

double extra(const BatchResult& r, std::string_view name) {
  for (const auto& [k, v] : r.extra)
    if (k == name) return v;
  return -1;
}

bool is_fargate(BatchCompute c) {
  return c == BatchCompute::kFargate || c == BatchCompute::kFargateSpot;
}

std::string check_case(const property::PlatformCase<BatchOptions>& k, Coverage& cov) {
  std::ostringstream why;
  const auto& o = k.options;
  const auto& rc = RateCard::builtin();
  auto src = property::open_trace(k.trace);
  BatchResult r;
  // Refused by validate_batch_options, or a job no environment of its queue can hold (the
  // model refuses it when the function first arrives).
  if (auto refused = property::run_case([&] { return simulate_batch(src, o); }, r, cov))
    return *refused;
  const std::uint64_t n = k.trace.arrival_s.size();

  // 1, 2. The shared shape, then the job records.
  property::check_shape(r, n, why);
  if (r.platform != "batch") why << "platform '" << r.platform << "'; ";
  if (r.outcomes.expired != 0) why << "expired jobs; ";
  if (r.jobs.size() != r.arrived) why << r.jobs.size() << " job records != arrived; ";
  // Record outcomes: 0 completed, 1 failed, 2 timed out, 3 unfinished, 4 refused (a SubmitJob
  // call over the quota, on main from cd61133: never RUNNABLE, no attempt).
  std::uint64_t by_outcome[5] = {}, attempts = 0, retries = 0;
  // The function ids of the records are the source's; names map them back to definitions.
  const auto& table = src.functions();
  for (const auto& j : r.jobs) {
    if (j.outcome > 4) {
      why << "job outcome " << int{j.outcome} << "; ";
      break;
    }
    ++by_outcome[j.outcome];
    attempts += j.attempts;
    retries += j.attempts > 1 ? j.attempts - 1u : 0u;
    if (j.function >= table.size()) {
      why << "job of unknown function " << j.function << "; ";
      break;
    }
    const auto it = o.functions.find(table[j.function].name);
    const BatchJobDefinition& def = it != o.functions.end() ? it->second : o.job;
    if (j.attempts > def.attempts)
      why << "a job made " << j.attempts << " attempts of " << def.attempts << "; ";
    if (bad(j.arrival_s)) why << "job submitted at " << j.arrival_s << "; ";
    if (j.outcome == 3 || j.outcome == 4) {
      if (j.end_s != -1) why << "an unfinished or refused job with an end; ";
      if (j.outcome == 4 && j.attempts != 0) why << "a refused job with attempts; ";
      continue;
    }
    if (j.attempts == 0) why << "a job ended without an attempt; ";
    if (!(j.start_s >= j.arrival_s - 1e-9 && j.end_s >= j.start_s - 1e-9) || bad(j.end_s)) {
      why << "job submitted " << j.arrival_s << ", started " << j.start_s << ", ended " << j.end_s
          << "; ";
    }
    const double ran = j.end_s - j.start_s;
    if (j.outcome == 2 && (def.timeout_s == 0 || std::fabs(ran - def.timeout_s) > 1e-6))
      why << "a job timed out after " << ran << " s, timeout " << def.timeout_s << " s; ";
    if (j.outcome == 0 && def.timeout_s > 0 && ran > def.timeout_s + 1e-6)
      why << "a job completed after " << ran << " s, past its timeout " << def.timeout_s << "; ";
  }
  const std::uint64_t counts[5] = {r.outcomes.completed, r.outcomes.failed, r.outcomes.timed_out,
                                   r.outcomes.unfinished, r.outcomes.refused};
  for (int i = 0; i < 5; ++i) {
    if (by_outcome[i] != counts[i])
      why << "records of outcome " << i << ": " << by_outcome[i] << " != " << counts[i] << "; ";
  }
  if (attempts != r.attempts)
    why << "records' attempts " << attempts << " != " << r.attempts << "; ";
  if (retries != r.retries) why << "records' retries " << retries << " != " << r.retries << "; ";

  const double errors = extra(r, "errors"), interruptions = extra(r, "interruptions");
  for (const char* name : {"makespan_s", "interruptions", "instances_interrupted", "errors",
                           "array_jobs", "instance_launches", "instance_hours", "fargate_tasks",
                           "run_time_mean_s", "runnable_max"}) {
    if (extra(r, name) < 0) why << "extra figure " << name << " missing; ";
  }
  if (errors + interruptions > static_cast<double>(r.attempts))
    why << "errors + interruptions > attempts; ";
  if (static_cast<double>(r.outcomes.failed) > errors + interruptions)
    why << "failed jobs without errors or interruptions; ";
  if (extra(r, "array_jobs") > static_cast<double>(r.arrived)) why << "more arrays than jobs; ";
  if (extra(r, "runnable_max") > static_cast<double>(r.arrived)) why << "runnable_max > jobs; ";
  if (extra(r, "makespan_s") > r.span_s + 1e-6) why << "makespan beyond the span; ";
  // The run ends with the work: after the last job's end (or the last arrival and its array
  // window) only scale-down checks and one scheduler pass remain. (A job retried and then left
  // RUNNABLE ended an attempt the records do not show: not checked then.)
  const bool hidden_end = std::any_of(r.jobs.begin(), r.jobs.end(), [](const BatchJobRecord& j) {
    return j.outcome == 3 && j.attempts > 0;
  });
  if (n > 0 && !hidden_end) {
    double window_s = o.job.array_window_s;
    for (const auto& [name, def] : o.functions)
      window_s = std::max(window_s, def.array_window_s);
    const double last_end = k.trace.arrival_s.front() + extra(r, "makespan_s");
    const double work_end = std::max(k.trace.arrival_s.back() + window_s, last_end);
    if (r.span_s > work_end + o.scale_down_delay_s + o.scheduler_interval_s + 1e-3)
      why << "the run went on to " << r.span_s << " s, the work ended at " << work_end << " s; ";
  }
  // Little's law, as a bound: the completed jobs' run time is part of the time jobs were placed.
  const double run_s = extra(r, "run_time_mean_s") * static_cast<double>(r.outcomes.completed);
  if (run_s > r.instances_mean * r.span_s * (1 + 1e-9) + 1e-6)
    why << "completed jobs ran " << run_s << " s, jobs placed only " << r.instances_mean * r.span_s
        << " job-s; ";

  // 3. The bill: the priced usage, then Batch's own zero line.
  PricingOptions po;
  po.as_of = o.as_of;
  po.region = o.region;
  if (o.discount_pct > 0) po.discount_pct["ec2"] = po.discount_pct["fargate"] = o.discount_pct;
  if (o.spot_discount_pct)
    po.ec2_spot_discount_pct = po.fargate_spot_discount_pct = o.spot_discount_pct;
  Bill own = r.bill;
  if (own.items.empty() || own.items.back().platform != "batch" || own.items.back().cents != 0) {
    why << "no zero AWS Batch line last on the bill; ";
  } else {
    own.items.pop_back();
  }
  try {
    const Bill priced = rc.price(r.usage, po);
    if (!property::same_bill(priced, own))
      why << "bill " << property::bill_text(own) << "!= priced usage "
          << property::bill_text(priced) << "; ";
  } catch (const std::exception& e) {
    why << "the recorded usage does not price: " << e.what() << "; ";
  }

  // 4. Extra figures against the usage.
  bool any_ec2 = false, any_fargate = false;
  for (const auto& ce : o.compute_environments)
    (is_fargate(ce.compute) ? any_fargate : any_ec2) = true;
  std::uint64_t instances = 0, instance_s = 0, tasks = 0;
  for (const auto& u : r.usage.ec2) {
    instances += u.instances;
    instance_s += u.instance_s;
    if (u.instance_s < u.instances * 60) why << "instances billed under the 60 s minimum; ";
  }
  for (const auto& u : r.usage.fargate)
    tasks += u.tasks;
  if (std::fabs(extra(r, "instance_hours") * 3600 - static_cast<double>(instance_s)) >
      1e-6 * static_cast<double>(instance_s) + 1e-6)
    why << "instance_hours " << extra(r, "instance_hours") << " != billed " << instance_s
        << " instance-s; ";
  if (extra(r, "instance_launches") != static_cast<double>(instances))
    why << extra(r, "instance_launches") << " instances launched, " << instances << " billed; ";
  if (extra(r, "fargate_tasks") != static_cast<double>(tasks))
    why << extra(r, "fargate_tasks") << " Fargate tasks, " << tasks << " billed; ";
  if (tasks > r.attempts) why << "more Fargate tasks than attempts; ";
  // maxvCpus caps each EC2 environment, "exceeded by at most one instance": n instances of at
  // least `smallest` vCPUs each, all but the last launched under the cap.
  double smallest = 1e9, host_cap = 0;
  for (const auto& t : rc.instance_types(o.as_of, o.region))
    smallest = std::min(smallest, rc.instance(t, o.as_of, o.region).vcpu);
  for (const auto& ce : o.compute_environments)
    if (!is_fargate(ce.compute))
      host_cap += std::floor(std::max(ce.max_vcpus, ce.desired_vcpus.value_or(0)) / smallest) + 1;
  if (r.hosts_max > host_cap)
    why << "hosts_max " << r.hosts_max << " > the environments' max_vcpus allow (" << host_cap
        << " instances); ";
  if (!any_ec2 && (instances > 0 || r.hosts_max > 0))
    why << "EC2 instances without EC2 environments; ";
  if (!any_fargate && tasks > 0) why << "Fargate tasks without Fargate environments; ";

  // 5. Same seed, same JSON.
  property::check_same_json(
      r,
      [&k] {
        auto s = property::open_trace(k.trace);
        return simulate_batch(s, k.options);
      },
      why);

  cov.completed += r.outcomes.completed;
  cov.failed += r.outcomes.failed;
  cov.timed_out += r.outcomes.timed_out;
  cov.unfinished += r.outcomes.unfinished;
  cov.retries += r.retries;
  cov.cold += r.cold_starts;
  cov.interruptions += static_cast<std::uint64_t>(std::max(0.0, interruptions));
  cov.arrays += static_cast<std::uint64_t>(std::max(0.0, extra(r, "array_jobs")));
  cov.fargate_tasks += tasks;
  cov.launches += instances;
  cov.before_fargate += o.as_of < Date(2020, 12, 3);
  cov.with_fargate += any_fargate;
  return why.str();
}

}  // namespace

TEST_CASE("Batch property: generated configurations keep every invariant", "[property][batch]") {
  const int cases = property::case_count();
  const std::uint64_t base = property::base_seed() + kSeedOffset;
  Coverage cov;
  int failed = 0;
  for (int i = 0; i < cases; ++i) {
    const auto k = property::batch_case(base + static_cast<std::uint64_t>(i));
    const std::string why = check_case(k, cov);
    if (!why.empty() && ++failed <= 5) {
      FAIL_CHECK("batch case seed " << k.seed << " (rerun: SLSIM_PROPERTY_SEED="
                                    << k.seed - kSeedOffset << " SLSIM_PROPERTY_CASES=1): " << why);
    }
  }
  INFO(cases << " cases, " << cov.ran << " ran, " << cov.refused_config << " refused");
  if (property::verbose()) {
    WARN("batch: " << cases << " cases, " << cov.ran << " ran, " << cov.refused_config
                   << " refused; jobs completed " << cov.completed << ", failed " << cov.failed
                   << ", timed out " << cov.timed_out << ", unfinished " << cov.unfinished
                   << "; retries " << cov.retries << ", interruptions " << cov.interruptions
                   << ", array jobs " << cov.arrays << ", Fargate tasks " << cov.fargate_tasks
                   << ", instances " << cov.launches << ", cold starts " << cov.cold
                   << "; cases before Batch on Fargate " << cov.before_fargate
                   << ", with Fargate environments " << cov.with_fargate);
  }
  if (property::verbose()) WARN("refused by setting: " << cov.by_setting());
  CHECK(failed == 0);
  CHECK(cov.refused_config * 4 <= static_cast<std::uint64_t>(cases));  // most cases run
  if (cases < 1000) return;
  CHECK(cov.completed > 0);
  CHECK(cov.failed > 0);
  CHECK(cov.timed_out > 0);
  CHECK(cov.retries > 0);
  CHECK(cov.interruptions > 0);
  CHECK(cov.arrays > 0);
  CHECK(cov.fargate_tasks > 0);
  CHECK(cov.launches > 0);
  CHECK(cov.cold > 0);
  CHECK(cov.before_fargate > 0);
  CHECK(cov.with_fargate > 0);
}

TEST_CASE("Batch property: the generator is deterministic", "[property][batch]") {
  const auto a = property::batch_case(777);
  const auto b = property::batch_case(777);
  CHECK(a.trace.arrival_s == b.trace.arrival_s);
  CHECK(a.options.as_of == b.options.as_of);
  CHECK(a.options.compute_environments.size() == b.options.compute_environments.size());
  CHECK(a.options.functions.size() == b.options.functions.size());
  CHECK(property::batch_case(778).trace.arrival_s != a.trace.arrival_s);
}

TEST_CASE("Batch property: Fargate jobs meter what slsim price computes", "[property][batch]") {
  const int cases = std::max(1, property::case_count() / 5);
  const std::uint64_t base = property::base_seed() + kSeedOffset + 3'000'000;
  const auto& rc = RateCard::builtin();
  int failed = 0, ran = 0;
  for (int i = 0; i < cases; ++i) {
    const std::uint64_t seed = base + static_cast<std::uint64_t>(i);
    property::Draw d(seed);
    auto trace = property::random_trace(d);
    property::stretch_durations(d, trace);
    property::batch_work(trace);
    trace.memory_mb.clear();  // durations measured at reference_memory_mb, else 128 MB
    // Arrivals at least 0.1 s apart: no SubmitJob call is over AWS Batch's rate quota (50 a
    // second), so every invocation becomes a job.
    for (std::size_t j = 1; j < trace.arrival_s.size(); ++j)
      trace.arrival_s[j] = std::max(trace.arrival_s[j], trace.arrival_s[j - 1] + 0.1);
    BatchOptions o;
    o.as_of = Date(static_cast<int>(d.integer(2021, 2026)), static_cast<unsigned>(d.integer(1, 12)),
                   static_cast<unsigned>(d.integer(1, 28)));
    // One job size for every function, on one Fargate environment; no errors, Spot or arrays.
    const auto sizes = rc.fargate_sizes(o.as_of);
    const auto& z = d.pick(sizes);
    o.job = property::random_job(d, rc, o.as_of, true, "");
    o.job.vcpu = z.vcpu;
    o.job.memory_gb = d.pick(z.memory_gb);
    o.job.error_probability = 0;
    o.job.array_size = 0;
    o.job.array_window_s = 0;
    o.functions.clear();
    BatchComputeEnvironment ce;
    ce.compute = BatchCompute::kFargate;
    ce.max_vcpus = std::max(z.vcpu, static_cast<double>(d.integer(1, 32)));
    o.compute_environments = {ce};
    o.scheduler_interval_s = std::floor(d.uniform(0, 20));
    o.container_start_s = d.chance(0.5) ? 2.0 : std::floor(d.uniform(0, 90));
    o.seed = seed;
    auto src = property::open_trace(trace);
    BatchResult r;
    try {
      r = simulate_batch(src, o);
    } catch (const std::exception& e) {
      FAIL_CHECK("case seed " << seed
                              << " (rerun: SLSIM_PROPERTY_SEED=" << seed - kSeedOffset - 3'000'000
                              << " SLSIM_PROPERTY_CASES=5): failed: " << e.what());
      ++failed;
      continue;
    }
    ++ran;
    // Each job is one task, billed from its container start to its end: container_start_s +
    // its run time (the trace's duration rescaled to the task's vCPU, or the timeout).
    FargateUsage want;
    for (std::size_t j = 0; j < trace.arrival_s.size(); ++j) {
      // Measured at reference_memory_mb, else at the 128 MB of a trace stating none.
      const std::uint32_t ref_mb =
          o.job.reference_memory_mb ? o.job.reference_memory_mb : kUnstatedMemoryMb;
      Duration run = from_millis(trace.duration_ms[j]);
      if (ref_mb > 0) {
        const double ref_vcpu = std::min(ref_mb / rc.rule("lambda.mb_per_vcpu", o.as_of),
                                         rc.rule("lambda.max_vcpu", o.as_of));
        run =
            scale_to_vcpu(run, ref_vcpu, z.vcpu, o.job.cpu_bound_fraction, o.job.parallel_fraction);
      }
      if (o.job.timeout_s > 0) run = std::min(run, from_seconds(o.job.timeout_s));
      FargatePriceInput in;
      in.vcpu = o.job.vcpu;
      in.memory_gb = o.job.memory_gb;
      in.tasks = 1;
      in.task_seconds = to_seconds(from_seconds(o.container_start_s) + run);
      const auto u = fargate_usage(rc, in, o.as_of);
      want.tasks += u.tasks;
      want.vcpu_milli_s += u.vcpu_milli_s;
      want.memory_mb_s += u.memory_mb_s;
    }
    FargateUsage got;
    for (const auto& u : r.usage.fargate) {
      got.tasks += u.tasks;
      got.vcpu_milli_s += u.vcpu_milli_s;
      got.memory_mb_s += u.memory_mb_s;
    }
    const bool same = got.tasks == want.tasks && got.vcpu_milli_s == want.vcpu_milli_s &&
                      got.memory_mb_s == want.memory_mb_s;
    if (!same && ++failed <= 5) {
      FAIL_CHECK(
          "case seed " << seed << " (rerun: SLSIM_PROPERTY_SEED=" << seed - kSeedOffset - 3'000'000
                       << " SLSIM_PROPERTY_CASES=5): metered " << got.tasks << " tasks, "
                       << got.vcpu_milli_s << " mvCPU-s, " << got.memory_mb_s
                       << " MB-s; slsim price gives " << want.tasks << ", " << want.vcpu_milli_s
                       << ", " << want.memory_mb_s << " (" << z.vcpu << " vCPU, " << o.job.memory_gb
                       << " GB, as_of " << o.as_of.str() << ")");
    }
  }
  INFO(cases << " cases, " << ran << " ran");
  CHECK(failed == 0);
  CHECK(ran == cases);
}
