#pragma once
/// Workloads: streams of invocations sorted by arrival.
///
/// Design notes: a workload is pulled one invocation at a time (`next`), so a trace is never
/// loaded whole and memory does not grow with its length. Sources own a function table that maps
/// function ids to names and per-function defaults.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "slsim/workload/invocation.hpp"
#include "slsim/workload/trace_error.hpp"

namespace slsim {

/// Names and defaults of the functions a workload invokes.
class FunctionTable {
 public:
  struct Function {
    std::string name;
    std::uint32_t memory_mb = 0;  ///< default memory (0 = scenario default)
  };
  /// Id of `name`, adding it (with `memory_mb`) when new.
  FunctionId intern(std::string_view name, std::uint32_t memory_mb = 0);
  const Function& operator[](FunctionId id) const { return functions_[id]; }
  std::size_t size() const { return functions_.size(); }
  const std::vector<Function>& all() const { return functions_; }

 private:
  std::vector<Function> functions_;
  std::unordered_map<std::string, FunctionId> index_;
};

/// A stream of invocations in non-decreasing arrival order.
class WorkloadSource {
 public:
  virtual ~WorkloadSource() = default;
  /// Writes the next invocation and returns true, or returns false at the end.
  /// Throws TraceError (trace_error.hpp) for malformed input.
  virtual bool next(Invocation& out) = 0;
  /// The functions seen so far (readers add functions as they meet them).
  virtual const FunctionTable& functions() const = 0;
  /// A one-line description for reports ("slsim CSV trace x.csv", "poisson 5/s for 3600 s").
  virtual std::string describe() const = 0;
  /// Rows a reader skipped because they were malformed (only with skip_bad_rows), and the
  /// errors of the first few (file:line:column: reason).
  virtual std::uint64_t skipped_rows() const { return 0; }
  virtual std::vector<std::string> skipped_examples() const { return {}; }
  /// True when the invocations' `memory_mb` is the Lambda memory their durations were measured
  /// at (slsim CSV, Lambda logs, arrays, generators' memory_mb), so every platform rescales
  /// durations from it (slsim/platform/duration_model.hpp, measured_at_mb). Azure traces give a
  /// memory footprint, which says nothing about CPU: false.
  virtual bool memory_is_lambda_setting() const { return false; }
  /// What the trace observed on Lambda about the invocation last returned by next() (Lambda
  /// logs: billed duration, init duration, cold start), or null when the trace says nothing.
  virtual const LambdaObservation* observation() const { return nullptr; }
  /// The period the workload covers when it says so (a generator's duration_s, an Azure 2019
  /// day, a trace's declared SelectOptions::span_s, in its own time from 0), in seconds; else
  /// nothing, and its span ends at its last arrival.
  virtual std::optional<double> declared_span_s() const { return std::nullopt; }
};

/// Counts and remembers the first few skipped rows (for readers with skip_bad_rows).
class SkippedRows {
 public:
  static constexpr std::size_t kExamples = 5;
  void add(const std::string& error) {
    ++count_;
    if (examples_.size() < kExamples) examples_.push_back(error);
  }
  std::uint64_t count() const { return count_; }
  const std::vector<std::string>& examples() const { return examples_; }

  /// Calls `parse(have_row)` until it returns. A TraceError thrown after the row was read
  /// (`have_row` set) is recorded and the next row tried when `skip` is on; any other error
  /// (opening or reading the file, or with `skip` off) propagates.
  template <class Parse>
  bool read(bool skip, Parse&& parse) {
    for (;;) {
      bool have_row = false;
      try {
        return parse(have_row);
      } catch (const TraceError& e) {
        if (!skip || !have_row) throw;
        add(e.what());
      }
    }
  }

 private:
  std::uint64_t count_ = 0;
  std::vector<std::string> examples_;
};

}  // namespace slsim
