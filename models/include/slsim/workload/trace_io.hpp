#pragma once
/// Opening a trace in any supported format, and writing slsim CSV.

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slsim/core/distribution.hpp"
#include "slsim/workload/workload_filter.hpp"

namespace slsim {

enum class TraceFormat { kAuto, kSlsim, kAzure2021, kAzure2019, kLambdaLogs };

/// "auto", "slsim", "azure2021", "azure2019" or "lambda-logs"; throws std::invalid_argument
/// otherwise.
TraceFormat parse_trace_format(std::string_view s);
/// The name parse_trace_format reads.
std::string_view to_string(TraceFormat f);

/// Reads the first line of `path` and says which format it is: Azure 2021 and 2019 by their
/// headers, Lambda logs by a first character '{' or '[' (JSON) or an ISO 8601 timestamp (S3
/// export), anything else slsim CSV (whose reader explains a bad header). Throws TraceError
/// for an empty file. Not for standard input (which cannot be read twice): trace_factory
/// detects it itself.
TraceFormat detect_trace_format(const std::string& path);
/// The same from a trace's first line.
TraceFormat detect_trace_format_from_line(std::string_view first_line);

struct TraceOptions {
  TraceFormat format = TraceFormat::kAuto;
  std::uint32_t memory_mb = 0;                      ///< default memory where the trace has none
  std::uint64_t seed = 1;                           ///< Azure 2019 expansion
  std::string durations_path, memory_path;          ///< Azure 2019 companion files
  std::optional<Distribution> default_duration_ms;  ///< Azure 2019: functions without durations
  std::size_t sort_buffer_rows = 1'000'000;         ///< Azure 2021 reorder buffer
  bool skip_bad_rows = false;  ///< slsim CSV, Azure 2021, Lambda logs: skip (count) bad rows
  std::string function;        ///< Lambda logs: the function's name (default: from log_group)
  std::string log_group;       ///< Lambda logs: "/aws/lambda/NAME" names the function NAME
  SelectOptions select;        ///< subset and time scaling
};

/// The trace formats that read the trace setting `key` (its scenario key: durations, memory,
/// duration_ms, sort_buffer_rows, function, log_group, memory_mb, skip_bad_rows, seed); empty
/// when every format reads it. A setting given for a format that does not read it is refused by
/// the front ends, never silently ignored.
std::vector<TraceFormat> trace_setting_formats(std::string_view key);

/// A factory that opens the trace (with the selection applied) each time it is called.
/// `path` "-" (or "/dev/stdin") reads standard input: its format is detected from the first
/// line here, and the factory can then open it once; a second open (a second pass, such as
/// top-N selection needs) throws TraceError saying to save the input to a file.
SourceFactory trace_factory(std::string path, TraceOptions options);

/// Reads a whole trace held in memory, as trace_factory would read it from a file, and returns
/// the number of invocations; throws TraceError or std::invalid_argument for bad input. The
/// entry point for fuzzing the readers. Azure 2019 takes its companion files' contents in
/// `durations` and `memory` (empty `memory` = none).
std::uint64_t read_trace_from_memory(std::string_view data, const TraceOptions& options,
                                     std::string_view durations = {}, std::string_view memory = {});

/// Writes the workload as slsim CSV (header included) and returns the number of rows. Function
/// names are quoted as RFC 4180 requires (commas, quotes, line ends, surrounding spaces), so
/// the CSV reader reads back exactly what was written.
std::uint64_t write_csv(WorkloadSource& source, std::FILE* out);
/// Same, to a file path; throws std::runtime_error if the file cannot be written.
std::uint64_t write_csv(WorkloadSource& source, const std::string& path);

}  // namespace slsim
