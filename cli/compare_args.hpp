#pragma once
// What `slsim report`, `breakeven` and `tune lambda` share: the workload (a scenario file or a
// TRACE), the platforms, the objectives, the bill's options, output and progress. Flags given
// override the scenario's [report] table one by one; flags not given never do.

#include <CLI/CLI.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "slsim/compare/scenario_compare.hpp"
#include "slsim/platform/config_error.hpp"
#include "cli_support.hpp"
#include "trace_options.hpp"

namespace slsim::cli {

struct CompareArgs {
  std::string scenario;
  TraceArgs trace;
  std::vector<std::string> platforms;
  std::optional<double> slo_p99_ms, max_error_rate, max_cold_start_rate;
  std::optional<std::uint32_t> replications, threads;
  std::optional<std::uint64_t> seed;
  std::string as_of, region, front_door;
  bool no_free_tier = false, no_front_door = false;
  std::string format = "table", output;
  bool quiet = false;
};

/// Adds the shared flags (with units and defaults in their help).
void add_compare_args(CLI::App* cmd, CompareArgs& a, bool with_platforms = true);

/// The scenario, workload, runners and options the flags describe.
struct PreparedCompare {
  Scenario scenario;
  WorkloadFactory workload;
  std::vector<PlatformRunner> runners;
  CompareOptions options;
  ReportSettings settings;  ///< the scenario's [report] with the flags applied
};

/// Throws std::invalid_argument naming the flag (or ScenarioError naming the file).
PreparedCompare prepare_compare(const CompareArgs& a, bool need_runners = true);

/// The flag of a setting's public name: "memory_mb" -> "--memory-mb".


/// Writes `text` to stdout, or to the -o file atomically (a temporary file renamed over it).
/// Throws std::runtime_error when the file cannot be written.
void emit(const std::string& output, const std::string& text);

/// True when colour may be used on stdout: a terminal, no -o, NO_COLOR unset, TERM not "dumb".
bool use_colour(const std::string& output);

/// A progress bar on stderr for runs longer than about a second, only when stderr is a terminal
/// and not --quiet.
class Progress {
 public:
  explicit Progress(bool quiet);
  ~Progress();
  void operator()(std::size_t done, std::size_t total);

 private:
  bool enabled_ = false, shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

/// Thrown by a command when a --fail-above-* threshold is breached: exit code 3.
CLI::RuntimeError threshold_breached();

}  // namespace slsim::cli
