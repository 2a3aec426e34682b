#pragma once
/// A workload held in memory as columns (for Python's `Workload.from_arrays` and for tests).

#include <memory>
#include <string>
#include <vector>

#include "slsim/workload/workload.hpp"

namespace slsim {

/// Columns of a workload. All vectors have the same length; `memory_mb` and `type` may be empty
/// (defaults then apply). Rows need not be sorted: they are ordered by arrival (stably) once.
struct WorkloadColumns {
  std::vector<double> arrival_s;
  std::vector<double> duration_ms;
  std::vector<std::uint32_t> function;  ///< index into function_names
  std::vector<std::string> function_names;
  std::vector<std::uint32_t> memory_mb;
  std::vector<InvocationType> type;
};

class ArraySource final : public WorkloadSource {
 public:
  /// Validates and sorts the columns once; the result is shared by every source opened from it.
  /// Throws std::invalid_argument naming the column and row of the first bad value.
  static std::shared_ptr<const std::vector<Invocation>> prepare(const WorkloadColumns& c,
                                                                FunctionTable& table);
  ArraySource(std::shared_ptr<const std::vector<Invocation>> rows, FunctionTable table);
  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return table_; }
  std::string describe() const override;
  bool memory_is_lambda_setting() const override { return true; }  ///< the caller's memory

 private:
  std::shared_ptr<const std::vector<Invocation>> rows_;
  FunctionTable table_;
  std::size_t pos_ = 0;
};

}  // namespace slsim
