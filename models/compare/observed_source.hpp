#pragma once
// A workload source that passes invocations through and remembers what the comparison needs
// about them: HTTP (sync) requests per hour for the front door, and the longest work per
// function for impossibility checks. Private to models/compare/.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "slsim/compare/cost.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim::compare_detail {

class ObservedSource final : public WorkloadSource {
 public:
  explicit ObservedSource(WorkloadSource& inner) : inner_(inner) {}
  bool next(Invocation& out) override {
    if (!inner_.next(out)) return false;
    ++arrivals_;
    const auto t_us = out.arrival.time_since_epoch().count();
    last_us_ = std::max(last_us_, t_us);
    if (out.type == InvocationType::kSync) {
      const auto h = static_cast<std::size_t>(t_us / 3'600'000'000LL);
      if (http_.per_hour.size() <= h) http_.per_hour.resize(h + 1, 0);
      ++http_.per_hour[h];
      ++http_.requests;
    }
    if (max_work_.size() <= out.function) max_work_.resize(out.function + 1, Duration{0});
    if (out.work > max_work_[out.function]) max_work_[out.function] = out.work;
    return true;
  }
  const FunctionTable& functions() const override { return inner_.functions(); }
  std::string describe() const override { return inner_.describe(); }
  std::uint64_t skipped_rows() const override { return inner_.skipped_rows(); }
  std::vector<std::string> skipped_examples() const override { return inner_.skipped_examples(); }
  bool memory_is_lambda_setting() const override { return inner_.memory_is_lambda_setting(); }
  std::optional<double> declared_span_s() const override { return inner_.declared_span_s(); }

  const HttpTraffic& http() const { return http_; }
  std::uint64_t arrivals() const { return arrivals_; }
  /// The workload's span, the same for every platform: the period a generator or a trace
  /// declares (duration_s, span_s), else from time 0 of the trace to its last arrival (seconds).
  double span_s() const {
    return std::max(declared_span_s().value_or(0.0), static_cast<double>(last_us_) / 1e6);
  }
  /// Longest work of each function id seen (Duration{0} for ids never seen).
  const std::vector<Duration>& max_work() const { return max_work_; }

 private:
  WorkloadSource& inner_;
  HttpTraffic http_;
  std::uint64_t arrivals_ = 0;
  std::int64_t last_us_ = 0;
  std::vector<Duration> max_work_;
};

}  // namespace slsim::compare_detail
