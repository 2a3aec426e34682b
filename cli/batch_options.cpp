#include "batch_options.hpp"

#include <fmt/format.h>

#include <iostream>
#include <set>
#include <stdexcept>

#include "bill_output.hpp"
#include "cli_support.hpp"
#include "containers_options.hpp"
#include "slsim/batch/batch.hpp"
#include "slsim/platform/config_error.hpp"
#include "trace_options.hpp"

namespace slsim::cli {

void add_batch_args(CLI::App* cmd, BatchArgs& a) {
  const std::string g = "AWS Batch (--platform batch)";  // simulate_command.cpp: kBatchGroup
  cmd->add_option("--compute", a.compute, "Batch: ec2, spot, fargate or fargate_spot")->group(g);
  cmd->add_option("--instance-types,--instance-type", a.instance_types,
                  "EC2 instance types: Batch's (or optimal); ecs, ecs-managed and "
                  "lambda-managed: the cluster's or capacity provider's (comma-separated)")
      ->group(g)
      ->delimiter(',');
  cmd->add_option("--min-vcpus", a.min_vcpus, "Batch: minvCpus")->group(g);
  cmd->add_option("--desired-vcpus", a.desired_vcpus, "Batch: desiredvCpus")->group(g);
  cmd->add_option("--max-vcpus", a.max_vcpus, "Batch: maxvCpus")->group(g);
  cmd->add_option("--job-vcpu", a.job_vcpu, "Batch: vCPUs per job")->group(g);
  cmd->add_option("--job-memory-gb", a.job_memory_gb, "Batch: memory per job (GB)")->group(g);
  cmd->add_option("--attempts", a.attempts, "Batch: retry strategy attempts (1-10)")->group(g);
  cmd->add_option("--array-size", a.array_size, "Batch: invocations per array job")->group(g);
  cmd->add_option("--array-window-s", a.array_window_s, "Batch: array job time window (s)")
      ->group(g);
  cmd->add_option("--scheduler-interval-s", a.scheduler_interval_s, "Batch: scheduler interval (s)")
      ->group(g);
  cmd->add_option("--starting-s", a.starting_s, "Batch: STARTING phase (s)")->group(g);
  cmd->add_option("--container-start-s", a.container_start_s, "Batch: container start (s)")
      ->group(g);
  cmd->add_option("--instance-launch-s", a.instance_launch_s,
                  "Batch: EC2 launch and registration (s)")
      ->group(g);
  cmd->add_option("--fargate-start-s", a.fargate_start_s, "Batch: Fargate task provisioning (s)")
      ->group(g);
  cmd->add_option("--scale-down-delay-s", a.scale_down_delay_s,
                  "Batch: idle time before an instance is terminated (s)")
      ->group(g);
  cmd->add_option("--max-submit-wait-s", a.max_submit_wait_s,
                  "Batch: a SubmitJob call throttled longer than this expires (s; default 86400, "
                  "EventBridge's 24 h retry window)")
      ->group(g);
  cmd->add_option("--spot-interruptions-per-hour", a.spot_interruptions_per_hour,
                  "Batch: Spot reclaims per instance- or task-hour")
      ->group(g);
  cmd->add_option("--spot-discount-pct", a.spot_discount_pct, "Batch: Spot discount (%)")->group(g);
}

namespace {

std::vector<Table> batch_tables(const BatchResult& r) {
  // One value per row (tidy CSV: one value per cell), as for Lambda.
  Table t{"AWS Batch", {{"metric", "value"}}};
  t.id = "batch";
  auto row = [&](std::string k, std::string v) { t.rows.push_back({std::move(k), std::move(v)}); };
  auto count = [&](std::string k, std::uint64_t v) { row(std::move(k), fmt::format("{}", v)); };
  const auto& o = r.outcomes;
  count("jobs", r.arrived);
  count("completed", o.completed);
  count("failed", o.failed);
  count("timed out", o.timed_out);
  count("unfinished", o.unfinished);
  count("refused", o.refused);  // SubmitJob refused at the jobs-waiting quota
  count("expired", o.expired);  // SubmitJob throttled past max_submit_wait_s
  count("attempts", r.attempts);
  count("retries", r.retries);
  // Latency of nothing is unknown, not 0.
  auto s = [](const QuantileSketch& q, double p) {
    return q.count() ? fixed(q.quantile(p) / 1000, 1) : std::string("n/a");
  };
  row("latency (submit to end) mean (s)",
      r.latency_ms.count() ? fixed(r.latency_stats.mean() / 1000, 1) : std::string("n/a"));
  row("latency p50 (s)", s(r.latency_ms, 0.5));
  row("latency p90 (s)", s(r.latency_ms, 0.9));
  row("latency p99 (s)", s(r.latency_ms, 0.99));
  row("queue wait p50 (s)", s(r.queue_wait_ms, 0.5));
  row("queue wait p99 (s)", s(r.queue_wait_ms, 0.99));
  row("jobs running mean", fixed(r.instances_mean, 2));
  row("jobs running max", fixed(r.instances_max, 0));
  row("EC2 instances mean", fixed(r.hosts_mean, 2));
  row("EC2 instances max", fixed(r.hosts_max, 0));
  row("vCPU utilisation (%)", fixed(100 * r.utilisation, 1));
  for (const auto& [k, v] : r.extra)
    row(k, fmt::format("{:g}", v));
  t.notes = r.notes;
  Table bill = bill_table(r.bill, "AWS Batch bill");
  bill.id = "batch_bill";
  return {t, bill};
}

}  // namespace

void run_batch(const Scenario& s, const BatchArgs& a, std::optional<double> timeout_s,
               std::optional<double> error_probability, const SourceFactory& open, Format f,
               const std::string& output) {
  BatchOptions o = s.batch;
  o.as_of = s.as_of;
  o.region = s.region;
  o.seed = s.seed;
  std::set<std::string> given;  // public keys set by a flag
  auto set = [&](const char* key, auto& target, const auto& value) {
    if (value) {
      target = *value;
      given.insert(key);
    }
  };
  try {
    if (a.compute) {
      given.insert("compute");
      const BatchCompute c = parse_batch_compute(*a.compute);
      for (auto& ce : o.compute_environments) {
        const bool fargate = c == BatchCompute::kFargate || c == BatchCompute::kFargateSpot;
        const bool was_fargate =
            ce.compute == BatchCompute::kFargate || ce.compute == BatchCompute::kFargateSpot;
        if (fargate && !was_fargate) {  // what only EC2 environments have no longer applies
          ce.instance_types.clear();
          ce.min_vcpus = 0;
          ce.desired_vcpus.reset();
        }
        ce.compute = c;
      }
    }
    for (auto& ce : o.compute_environments) {
      if (!a.instance_types.empty()) {
        ce.instance_types = a.instance_types;
        given.insert("instance_types");
      }
      set("min_vcpus", ce.min_vcpus, a.min_vcpus);
      set("desired_vcpus", ce.desired_vcpus, a.desired_vcpus);
      set("max_vcpus", ce.max_vcpus, a.max_vcpus);
    }
    auto job = [&](BatchJobDefinition& j) {
      set("job_vcpu", j.vcpu, a.job_vcpu);
      set("job_memory_gb", j.memory_gb, a.job_memory_gb);
      if (a.attempts) {
        given.insert("attempts");
        j.attempts = batch_whole("attempts", *a.attempts);
      }
      if (a.array_size) {
        given.insert("array_size");
        j.array_size = batch_whole("array_size", *a.array_size);
      }
      set("array_window_s", j.array_window_s, a.array_window_s);
      set("timeout_s", j.timeout_s, timeout_s);
      set("error_probability", j.error_probability, error_probability);
    };
    job(o.job);
    for (auto& [name, j] : o.functions)
      job(j);
    set("scheduler_interval_s", o.scheduler_interval_s, a.scheduler_interval_s);
    set("starting_s", o.starting_s, a.starting_s);
    set("container_start_s", o.container_start_s, a.container_start_s);
    set("instance_launch_s", o.instance_launch_s, a.instance_launch_s);
    set("fargate_start_s", o.fargate_start_s, a.fargate_start_s);
    set("scale_down_delay_s", o.scale_down_delay_s, a.scale_down_delay_s);
    set("max_submit_wait_s", o.max_submit_wait_s, a.max_submit_wait_s);
    set("spot_interruptions_per_hour", o.spot_interruptions_per_hour,
        a.spot_interruptions_per_hour);
    if (a.spot_discount_pct) {
      o.spot_discount_pct = *a.spot_discount_pct;
      given.insert("spot_discount_pct");
    }
    if (!o.functions.empty()) {
      // [batch.functions.NAME] must name a function of the workload (one extra streaming pass),
      // as [lambda.functions.NAME] must.
      try {
        check_batch_functions_exist(o, invoked_functions(open));
      } catch (const ConfigError& e) {
        throw UsageError(names_error_in_file(e, s.file, "batch"));
      }
    }
    auto wl = with_progress(open());
    const BatchResult r = simulate_batch(*wl, o);
    write_result(output, [&](std::ostream& os) {
      if (f == Format::kJson) {
        os << r.to_json() << "\n";
      } else {
        write_tables(os, batch_tables(r), f);
      }
    });
  } catch (const ConfigError& e) {
    std::string where;
    std::string message = e.message();
    if (given.count(e.key())) {
      where = flag_of(e.key());
      // Its advice in the Batch flags' names (each the key, dashed): "--compute spot".
      static const std::set<std::string> kFlags{"compute",
                                                "instance_types",
                                                "min_vcpus",
                                                "desired_vcpus",
                                                "max_vcpus",
                                                "job_vcpu",
                                                "job_memory_gb",
                                                "attempts",
                                                "array_size",
                                                "array_window_s",
                                                "scheduler_interval_s",
                                                "starting_s",
                                                "container_start_s",
                                                "instance_launch_s",
                                                "fargate_start_s",
                                                "scale_down_delay_s",
                                                "max_submit_wait_s",
                                                "spot_interruptions_per_hour",
                                                "spot_discount_pct",
                                                "timeout_s",
                                                "error_probability"};
      message = advice_as_flags(message, flag_spelling([](const std::string& k) {
                                  return kFlags.count(k) ? std::optional<bool>(true) : std::nullopt;
                                }));
    } else if (!s.file.empty() && !e.key().empty()) {
      where = fmt::format("{}: batch.{}", s.file, e.key());
    } else {
      where = e.key();
    }
    throw std::invalid_argument(where.empty() ? message : where + ": " + message);
  }
}

}  // namespace slsim::cli
