#pragma once
/// Opening a trace in any supported format, and writing slsim CSV.

#include <cstdio>
#include <optional>
#include <string>

#include "slsim/core/distribution.hpp"
#include "slsim/workload/workload_filter.hpp"

namespace slsim {

enum class TraceFormat { kAuto, kSlsim, kAzure2021, kAzure2019 };

/// "auto", "slsim", "azure2021" or "azure2019"; throws std::invalid_argument otherwise.
TraceFormat parse_trace_format(std::string_view s);

/// Reads the header of `path` and says which format it is; throws TraceError if none fits.
TraceFormat detect_trace_format(const std::string& path);

struct TraceOptions {
  TraceFormat format = TraceFormat::kAuto;
  std::uint32_t memory_mb = 0;                      ///< default memory where the trace has none
  std::uint64_t seed = 1;                           ///< Azure 2019 expansion
  std::string durations_path, memory_path;          ///< Azure 2019 companion files
  std::optional<Distribution> default_duration_ms;  ///< Azure 2019: functions without durations
  std::size_t sort_buffer_rows = 1'000'000;         ///< Azure 2021 reorder buffer
  bool skip_bad_rows = false;  ///< slsim CSV and Azure 2021: skip (and count) malformed rows
  SelectOptions select;        ///< subset and time scaling
};

/// A factory that opens the trace (with the selection applied) each time it is called.
SourceFactory trace_factory(std::string path, TraceOptions options);

/// Writes the workload as slsim CSV (header included) and returns the number of rows.
std::uint64_t write_csv(WorkloadSource& source, std::FILE* out);
/// Same, to a file path; throws std::runtime_error if the file cannot be written.
std::uint64_t write_csv(WorkloadSource& source, const std::string& path);

}  // namespace slsim
