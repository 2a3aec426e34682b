#pragma once
/// Selecting part of a workload (functions, a time window, the top-N functions by volume) and
/// replaying it faster or slower. Works on any source, streaming.

#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slsim/workload/workload.hpp"

namespace slsim {

/// Opens a fresh stream over the same workload (a source can be read more than once this way).
using SourceFactory = std::function<std::unique_ptr<WorkloadSource>()>;

struct SelectOptions {
  std::vector<std::string> functions;                      ///< keep only these (empty = all)
  double start_s = 0;                                      ///< keep arrivals at or after this time
  double end_s = std::numeric_limits<double>::infinity();  ///< ...and before this time
  std::size_t top_n = 0;    ///< keep the N functions with most invocations in the window (0 = all)
  double time_scale = 1.0;  ///< replay k times faster: arrival' = start + (arrival - start) / k
  bool rebase = false;      ///< shift arrivals so the window starts at 0
  /// The period the whole trace stands for, in its own time from 0 (s): a nightly batch whose
  /// jobs arrive within a second is one day (86,400). Overrides what the format says (an Azure
  /// 2019 day file); the window takes its part of it, as of a generator's duration_s. Every
  /// arrival must fall within it (validate_span_s, and the source throws ConfigError("span_s")
  /// for a later arrival). Unset: a trace's span ends at its last arrival.
  std::optional<double> span_s;

  bool is_identity() const {
    return functions.empty() && start_s == 0 && end_s == std::numeric_limits<double>::infinity() &&
           top_n == 0 && time_scale == 1.0 && !rebase && !span_s;
  }
};

/// The one check of a declared span (SelectOptions::span_s, the scenario key span_s, the flag
/// --span-s, the Python keyword span_s): a finite number of seconds > 0, at most 100 years.
/// Throws ConfigError("span_s", ...). Arrivals after it are refused as the trace is read.
void validate_span_s(std::optional<double> span_s);

/// Applies `options` to the workload `open` produces. Top-N needs one counting pass over the
/// source first (so `open` is called twice). Throws std::invalid_argument for bad options.
std::unique_ptr<WorkloadSource> select(const SourceFactory& open, const SelectOptions& options);

/// Keeps only the invocations of the functions named in `functions` (empty: every function), on
/// any source (a generator, a mix of several, a trace). Unlike `select`, the result has a function
/// table of its own that lists only the functions kept (ids in order of first arrival), so a model
/// never sets anything up for a function left out. A name the workload does not have keeps
/// nothing (callers check the names: `function_names`). Streaming; one table look-up per arrival.
std::unique_ptr<WorkloadSource> keep_functions(std::unique_ptr<WorkloadSource> source,
                                               std::vector<std::string> functions);

/// Names of the functions the workload invokes, in order of first arrival (one streaming pass).
std::vector<std::string> function_names(const SourceFactory& open);

}  // namespace slsim
