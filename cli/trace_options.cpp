#include "trace_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "cli_support.hpp"

namespace slsim::cli {

void add_trace_args(CLI::App* cmd, TraceArgs& a, bool trace_required) {
  auto* t = cmd->add_option("trace", a.path,
                            "Trace file ('-' = standard input): slsim CSV, Azure 2021 "
                            "(app,func,end_timestamp,duration), Azure 2019 "
                            "invocations_per_function, or Lambda logs (REPORT lines)");
  if (trace_required) t->required();
  cmd->add_option("--trace-format", a.format, "Trace format (default: from the header)")
      ->check(CLI::IsMember({"auto", "slsim", "azure2021", "azure2019", "lambda-logs"}));
  cmd->add_option(
      "--log-group", a.log_group,
      "Lambda logs: the log group they came from (/aws/lambda/NAME names the function)");
  cmd->add_option("--function-name", a.function_name,
                  "Lambda logs: the function's name (default: from --log-group, else the file "
                  "name)");
  cmd->add_option("--durations", a.durations, "Azure 2019: function_durations_percentiles file");
  cmd->add_option("--memory", a.memory, "Azure 2019: app_memory_percentiles file");
  cmd->add_option("--default-duration-ms", a.default_duration_ms,
                  "Azure 2019: duration for functions without percentiles (number or "
                  "distribution)");
  cmd->add_option("--trace-memory-mb", a.memory_mb, "Memory for invocations the trace gives none")
      ->check(whole(0, 1 << 20));
  cmd->add_option("--trace-seed", a.seed, "Seed for expanding Azure 2019 counts")
      ->capture_default_str()
      ->check(whole(0, 9'223'372'036'854'775'807ULL));
  cmd->add_option("--sort-buffer-rows", a.sort_buffer_rows,
                  "Azure 2021, Lambda logs: rows held to put arrivals in order")
      ->capture_default_str()
      ->check(whole(1, 1'000'000'000));
  cmd->add_option("--functions", a.functions, "Keep only these functions (comma-separated)")
      ->delimiter(',');
  cmd->add_option("--start-s", a.start_s, "Keep arrivals at or after this time (s)")
      ->check(real(0, 9e12));
  cmd->add_option("--end-s", a.end_s, "Keep arrivals before this time (s)")->check(positive(9e12));
  cmd->add_option("--top", a.top, "Keep the N functions with most invocations")
      ->check(whole(0, 1'000'000'000));
  cmd->add_flag(
      "--skip-bad-rows", a.skip_bad_rows,
      "Skip malformed rows (slsim CSV, Azure 2021, Lambda logs) and report how many, instead of "
      "failing");
  cmd->add_option("--time-scale", a.time_scale,
                  "Replay K times faster (K > 0; times must stay within 100 years)")
      ->check(positive(1e9));
}

SourceFactory make_trace_factory(const TraceArgs& a) {
  TraceOptions o;
  o.format = parse_trace_format(a.format);
  o.durations_path = a.durations;
  o.memory_path = a.memory;
  o.memory_mb = a.memory_mb;
  o.seed = a.seed;
  o.sort_buffer_rows = a.sort_buffer_rows;
  o.skip_bad_rows = a.skip_bad_rows;
  o.function = a.function_name;
  o.log_group = a.log_group;
  if (!a.default_duration_ms.empty())
    o.default_duration_ms = Distribution::parse(a.default_duration_ms);
  o.select.functions = a.functions;
  o.select.start_s = a.start_s;
  o.select.end_s = a.end_s < 0 ? std::numeric_limits<double>::infinity() : a.end_s;
  o.select.top_n = a.top;
  o.select.time_scale = a.time_scale;
  return trace_factory(a.path, o);
}

void check_selected_functions(const TraceArgs& a, const std::vector<std::string>& names) {
  for (const auto& f : a.functions) {
    if (std::find(names.begin(), names.end(), f) == names.end()) {
      throw UsageError(
          fmt::format("--functions: the workload has no function '{}' in the "
                      "selected window",
                      f));
    }
  }
}

}  // namespace slsim::cli
