#pragma once
/// Summary statistics of a workload, computed in one streaming pass.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "slsim/core/quantile_sketch.hpp"
#include "slsim/core/stats.hpp"
#include "slsim/workload/lambda_logs.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

struct TraceSummary {
  std::string source;
  std::uint64_t invocations = 0;
  std::size_t functions = 0;
  double first_arrival_s = 0, last_arrival_s = 0;
  double span_s = 0;             ///< last - first arrival
  double mean_rate_per_s = 0;    ///< invocations / span
  double peak_rate_per_s = 0;    ///< busiest whole second
  double peak_rate_per_min = 0;  ///< busiest whole minute
  double interarrival_cv = 0;    ///< coefficient of variation of gaps
  std::uint64_t sync = 0, async = 0, queue = 0;
  double duration_ms_mean = 0;
  double duration_ms_p50 = 0, duration_ms_p90 = 0, duration_ms_p99 = 0, duration_ms_max = 0;
  double memory_mb_p50 = 0, memory_mb_p90 = 0, memory_mb_p99 = 0,
         memory_mb_max = 0;  ///< over invocations that state a memory
  struct Top {
    std::string function;
    std::uint64_t invocations;
    double share;
  };
  std::vector<Top> top_functions;  ///< by volume, at most 10
  std::uint64_t skipped_rows = 0;  ///< malformed rows skipped (skip_bad_rows only)
  std::vector<std::string> skipped_examples;

  /// What Lambda logs observed over the invocations summarised (present for Lambda logs only):
  /// the cold starts Lambda actually had, their init durations, and what was billed, for
  /// comparing with a simulation of the same workload.
  struct LambdaLogs {
    LambdaBilledTotals billed;   ///< requests, billed ms, billed MB-ms, cold starts
    double cold_start_rate = 0;  ///< cold starts / invocations
    double init_ms_mean = 0, init_ms_p50 = 0, init_ms_p90 = 0, init_ms_p99 = 0,
           init_ms_max = 0;  ///< over cold starts
    double max_memory_used_mb_p50 = 0, max_memory_used_mb_max = 0;
  };
  std::optional<LambdaLogs> lambda_logs;
};

/// Consumes the whole source and summarises it (constant memory in the trace length; per-function
/// counters grow with the number of functions).
TraceSummary summarize(WorkloadSource& source, std::size_t top_n = 10);

/// The summary as a JSON object (the schema of `slsim trace stats --format json`, and of
/// `Workload.stats()` in Python).
std::string to_json(const TraceSummary& s);

}  // namespace slsim
