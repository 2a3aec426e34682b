#pragma once
// A workload source that passes on the invocations of some functions only, and declares the
// whole workload's span (a part run alone is still one part of the same day). Private to
// models/compare/ (the placement's runs of one part or a group of parts).

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "slsim/workload/workload.hpp"

namespace slsim::compare_detail {

class SelectedSource final : public WorkloadSource {
 public:
  SelectedSource(std::unique_ptr<WorkloadSource> inner, const std::vector<std::string>& functions,
                 double span_s)
      : inner_(std::move(inner)), selected_(functions.begin(), functions.end()), span_s_(span_s) {
    grow();
  }
  bool next(Invocation& out) override {
    while (inner_->next(out)) {
      // A function the table did not list when the selection was made (a reader that grows
      // its table while reading) is looked up then.
      if (out.function >= keep_.size()) grow();
      if (out.function < keep_.size() && keep_[out.function]) return true;
    }
    return false;
  }
  const FunctionTable& functions() const override { return inner_->functions(); }
  std::string describe() const override { return inner_->describe(); }
  std::uint64_t skipped_rows() const override { return inner_->skipped_rows(); }
  std::vector<std::string> skipped_examples() const override { return inner_->skipped_examples(); }
  bool memory_is_lambda_setting() const override { return inner_->memory_is_lambda_setting(); }
  std::optional<double> declared_span_s() const override { return span_s_; }

 private:
  void grow() {
    const auto& table = inner_->functions();
    const auto old = keep_.size();
    keep_.resize(table.size(), false);
    for (std::size_t id = old; id < table.size(); ++id)
      keep_[id] = selected_.count(table[static_cast<FunctionId>(id)].name) > 0;
  }
  std::unique_ptr<WorkloadSource> inner_;
  std::unordered_set<std::string> selected_;
  std::vector<bool> keep_;
  double span_s_;
};

}  // namespace slsim::compare_detail
