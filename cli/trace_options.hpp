#pragma once
// Options every command that reads a trace shares: format, companion files, selection.

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "slsim/scenario/scenario.hpp"
#include "slsim/workload/trace_io.hpp"

namespace slsim::cli {

/// Standard input copied once to a temporary file (removed when the last owner goes), so that a
/// command may read a TRACE given as '-' as often as it needs (a report reads it once per
/// platform).
class StdinCopy {
 public:
  StdinCopy();  ///< copies standard input; throws OutputError when the copy cannot be written
  ~StdinCopy();
  StdinCopy(const StdinCopy&) = delete;
  StdinCopy& operator=(const StdinCopy&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
};

struct TraceArgs {
  std::string path;
  std::string format = "auto";
  std::string durations, memory;
  std::string default_duration_ms;
  std::string function_name, log_group;  // Lambda logs
  std::uint32_t memory_mb = 0;
  std::uint64_t seed = 1;
  std::size_t sort_buffer_rows = 1'000'000;
  std::vector<std::string> functions;
  double start_s = 0, end_s = -1, time_scale = 1.0;
  double span_s = -1;  ///< --span-s (-1: not given)
  std::size_t top = 0;
  bool skip_bad_rows = false;
  const CLI::App* cmd = nullptr;  ///< set by add_trace_args: tells which flags the user gave
  /// Standard input's copy when TRACE is '-' (made on first use, kept while the args live).
  mutable std::shared_ptr<StdinCopy> stdin_copy;

  /// The file to read the TRACE from: `path`, or the copy of standard input when it is '-'.
  std::string readable_path() const;

  /// True when the user gave `flag` ("--top") on the command line.
  bool given(const char* flag) const;
};

/// Adds the positional TRACE and the trace options to `cmd`.
void add_trace_args(CLI::App* cmd, TraceArgs& a, bool trace_required = true);

/// The factory the options describe (validates them; throws std::invalid_argument).
SourceFactory make_trace_factory(const TraceArgs& a);

/// The one path from the trace flags to the workload a command runs: a TRACE replaces the
/// scenario's workload ([workload] and [[workloads]]) with that trace and the trace flags; without
/// a TRACE, each trace flag the user gave overrides the corresponding key of the scenario's
/// [workload] trace (a flag not given never does), and a given flag that does not apply to the
/// scenario's workload (a generator) is refused: UsageError naming the flag and why. --functions
/// applies to every workload (Scenario::functions: a trace, a generator, [[workloads]]). Call after
/// --seed is applied to `s` (it seeds Azure 2019 expansion unless --trace-seed is given).
void apply_trace_args(const TraceArgs& a, Scenario& s);

/// Selecting functions (issue 20), for a command about to run the scenario `s` on the platforms
/// `tables` ("lambda", "ecs", "fargate", "batch"): when `s` selects functions by name
/// (--functions, the top-level `functions` key, a lone trace's `functions` or `top_n`), when one
/// of those platforms' tables names functions, or when `force` is set, one streaming pass over the
/// whole workload (no selection by name) checks that every name is one of its functions
/// (--functions, the `functions` key, [lambda.functions.NAME], [ecs|fargate.services.NAME],
/// [batch.functions.NAME]; UsageError naming the flag or the file key: a typo is an error), calls
/// `also` with the names, then drops what names functions outside the selection for this run
/// (restrict_to_functions: deselected on purpose, not an error).
void select_functions(const TraceArgs& a, Scenario& s, const std::set<std::string>& tables,
                      bool force = false,
                      const std::function<void(const std::vector<std::string>&)>& also = {});

/// Names of the functions the workload invokes (one streaming pass).
std::vector<std::string> invoked_functions(const SourceFactory& open);

/// Throws UsageError naming the first function of --functions that is not in `names` (the
/// functions the workload invokes before any selection by name), and the workload's functions.
void check_selected_functions(const TraceArgs& a, const std::vector<std::string>& names);

}  // namespace slsim::cli
