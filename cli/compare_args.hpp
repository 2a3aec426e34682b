#pragma once
// What `slsim report`, `breakeven` and `tune lambda` share: the workload (a scenario file or a
// TRACE), the platforms, the objectives, the bill's options, output and progress. Flags given
// override the scenario's [report] table one by one; flags not given never do.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "slsim/compare/scenario_compare.hpp"
#include "slsim/platform/config_error.hpp"
#include "trace_options.hpp"

namespace slsim::cli {

struct CompareArgs {
  std::string scenario;
  TraceArgs trace;
  std::vector<std::string> platforms;
  std::optional<double> slo_p99_ms, max_error_rate, max_cold_start_rate;
  std::optional<std::uint32_t> replications, threads, alb_azs;
  std::optional<std::uint64_t> seed;
  std::string as_of, region, front_door;
  bool no_free_tier = false, no_front_door = false;
  std::string format = "table", output;
  bool quiet = false;
  /// --part NAME=F,G; --objective PART.KEY=VALUE; --place PART=PLATFORM; --exclude
  /// [PART=]PLATFORM[,PLATFORM] (each repeatable; `slsim report` only).
  std::vector<std::string> parts, objectives, place, exclude;
  const CLI::App* cmd = nullptr;  ///< set by add_compare_args: tells which flags were given
};

/// Adds the shared flags (with units and defaults in their help); `with_parts`: the flags of
/// parts, their objectives, pins and exclusions (`slsim report`).
void add_compare_args(CLI::App* cmd, CompareArgs& a, bool with_platforms = true,
                      bool with_parts = false);

/// The parts flags over the scenario's [report] parts (a flag not given never overrides the
/// file): --part replaces the file's group of that name, --objective sets one objective of a
/// part, --place pins a part, --exclude adds exclusions. The syntax of each value is checked
/// here (UsageError naming the flag); what the values mean, by validate_parts.
void apply_parts_args(const CompareArgs& a, PartsSpec& p);

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

/// A flag's number: a finite decimal number ("12", "0.5", "1e3"; not "nan", "inf", "0x10" or
/// "1,5"), and `in_range(v)` when given. `allowed` says what is allowed, for the message:
/// "--slo-p99-ms: 'abc' is not a number; give a latency in milliseconds > 0". Ranges checked by
/// the library's validators are left to them (one validation path): pass no `in_range` there.
CLI::Validator number(const std::string& allowed, std::function<bool(double)> in_range = {});

/// The largest seed: as in a scenario file (TOML integers are signed 64-bit).
inline constexpr std::uint64_t kMaxSeed = 9'223'372'036'854'775'807ULL;
/// The most worker threads --threads takes (0 = one per core).
inline constexpr std::uint64_t kMaxThreads = 1024;

/// Writes `text` to stdout, or to the -o file atomically (a temporary file renamed over it).
/// Throws OutputError ("cannot write FILE: REASON", exit 1) when the file cannot be written.
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

/// A --fail-above-* threshold was asked for but cannot be checked (no platform can run the
/// workload, no figure to compare): says `why` on stderr ("slsim: error: --fail-above-usd: ...")
/// and returns the exit-3 error to throw. A gate never passes silently.
CLI::RuntimeError threshold_unchecked(const std::string& why);

}  // namespace slsim::cli
