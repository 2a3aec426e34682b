#pragma once
// Options every command that reads a trace shares: format, companion files, selection.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "slsim/workload/trace_io.hpp"

namespace slsim::cli {

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
  std::size_t top = 0;
  bool skip_bad_rows = false;
};

/// Adds the positional TRACE and the trace options to `cmd`.
void add_trace_args(CLI::App* cmd, TraceArgs& a, bool trace_required = true);

/// The factory the options describe (validates them; throws std::invalid_argument).
SourceFactory make_trace_factory(const TraceArgs& a);

/// Throws UsageError naming the first function of --functions that is not in `names` (the
/// functions the selected workload invokes).
void check_selected_functions(const TraceArgs& a, const std::vector<std::string>& names);

}  // namespace slsim::cli
