#pragma once
// `slsim simulate --platform batch`: the AWS Batch flags (same names as the [batch] keys, with
// '-' for '_') and the run. A flag the user did not give never overrides the scenario file.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "output.hpp"
#include "slsim/scenario/scenario.hpp"

namespace slsim::cli {

struct BatchArgs {
  std::optional<std::string> compute;
  std::vector<std::string> instance_types;
  std::optional<double> min_vcpus, desired_vcpus, max_vcpus, job_vcpu, job_memory_gb,
      array_window_s, scheduler_interval_s, starting_s, container_start_s, instance_launch_s,
      fargate_start_s, scale_down_delay_s, spot_interruptions_per_hour, spot_discount_pct,
      max_submit_wait_s;
  // Any number: batch_whole refuses what is not allowed, naming the range (not CLI11's "Could
  // not convert").
  std::optional<double> attempts, array_size;
};

/// Registers the Batch flags on `simulate`.
void add_batch_args(CLI::App* cmd, BatchArgs& a);

/// Builds the options from the scenario's [batch] table and the flags given (`timeout_s` and
/// `error_probability` are the shared --timeout-s / --error-probability flags, empty when not
/// given), runs the model on `wl` and prints the result. ConfigErrors name the flag (when it was
/// given) or the scenario key. [batch.functions.NAME] naming no function of the workload is a
/// UsageError naming the file. The result goes to `output` ("" or "-": standard output; a file
/// via a temporary file).
void run_batch(const Scenario& s, const BatchArgs& a, std::optional<double> timeout_s,
               std::optional<double> error_probability, const SourceFactory& open, Format f,
               const std::string& output = "");

}  // namespace slsim::cli
