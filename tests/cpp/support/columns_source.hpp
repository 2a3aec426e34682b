#pragma once
// Workloads held in memory for the C++ tests: invocations of one function at given times, and a
// source over any columns that can declare a span (as a generator's duration_s does) or say
// whether its memory is Lambda's setting.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "slsim/workload/array_source.hpp"

namespace slsim::test {

/// Invocations of one function `name` at `arrival_s`, each `work_ms` of work, of one type.
inline WorkloadColumns one_function(const std::vector<double>& arrival_s, double work_ms,
                                    std::string name = "api",
                                    InvocationType type = InvocationType::kSync) {
  WorkloadColumns c;
  c.arrival_s = arrival_s;
  c.duration_ms.assign(arrival_s.size(), work_ms);
  c.function.assign(arrival_s.size(), 0);
  c.function_names = {std::move(name)};
  c.type.assign(arrival_s.size(), type);
  return c;
}

/// A source over columns (sorted by ArraySource::prepare).
class ColumnsSource final : public WorkloadSource {
 public:
  explicit ColumnsSource(const WorkloadColumns& c, std::optional<double> span_s = std::nullopt,
                         bool lambda_memory = true)
      : span_s_(span_s), lambda_memory_(lambda_memory) {
    FunctionTable t;
    auto rows = ArraySource::prepare(c, t);
    src_ = std::make_unique<ArraySource>(rows, t);
  }
  bool next(Invocation& out) override { return src_->next(out); }
  const FunctionTable& functions() const override { return src_->functions(); }
  std::string describe() const override { return "test rows"; }
  std::optional<double> declared_span_s() const override { return span_s_; }
  bool memory_is_lambda_setting() const override { return lambda_memory_; }

 private:
  std::unique_ptr<ArraySource> src_;
  std::optional<double> span_s_;
  bool lambda_memory_;
};

}  // namespace slsim::test
