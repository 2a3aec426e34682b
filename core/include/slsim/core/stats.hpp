#pragma once
/// Streaming statistics: running moments and time-weighted averages.
///
/// Design notes: everything here is O(1) memory and mergeable, so per-thread or per-replication
/// results combine exactly. Moments use Welford's update (and Chan et al. for merging).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "slsim/core/time.hpp"

namespace slsim {

/// Count, mean, variance, min and max of a stream of values.
class RunningStats {
 public:
  void add(double x) {
    ++n_;
    const double d = x - mean_;
    mean_ += d / static_cast<double>(n_);
    m2_ += d * (x - mean_);
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }

  /// Combines another stream's statistics into this one (Chan et al.).
  void merge(const RunningStats& o) {
    if (o.n_ == 0) return;
    if (n_ == 0) {
      *this = o;
      return;
    }
    const double n = static_cast<double>(n_ + o.n_);
    const double d = o.mean_ - mean_;
    mean_ += d * static_cast<double>(o.n_) / n;
    m2_ += o.m2_ + d * d * static_cast<double>(n_) * static_cast<double>(o.n_) / n;
    n_ += o.n_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
  }

  std::uint64_t count() const { return n_; }
  /// Mean (0 when empty).
  double mean() const { return mean_; }
  /// Unbiased sample variance (0 with fewer than two values).
  double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
  double stddev() const { return std::sqrt(variance()); }
  /// Smallest value (+inf when empty).
  double min() const { return min_; }
  /// Largest value (-inf when empty).
  double max() const { return max_; }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0, m2_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

/// Count, sum, mean, min and max without a division per value (for hot paths where the
/// variance is not needed). The sum is a double: relative error about n·1e-16.
class MeanAccumulator {
 public:
  void add(double x) {
    ++n_;
    sum_ += x;
    min_ = x < min_ ? x : min_;
    max_ = x > max_ ? x : max_;
  }
  void merge(const MeanAccumulator& o) {
    n_ += o.n_;
    sum_ += o.sum_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
  }
  std::uint64_t count() const { return n_; }
  double sum() const { return sum_; }
  /// Mean (0 when empty).
  double mean() const { return n_ ? sum_ / static_cast<double>(n_) : 0.0; }
  double min() const { return min_; }
  double max() const { return max_; }

 private:
  std::uint64_t n_ = 0;
  double sum_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

/// Time-weighted mean and maximum of a piecewise-constant quantity (instance count,
/// concurrency, queue length). Call `set(t, v)` whenever the value changes; times must not
/// decrease.
class TimeWeighted {
 public:
  explicit TimeWeighted(TimePoint start = TimePoint{}, double initial = 0.0)
      : start_(start), last_(start), value_(initial), max_(initial) {}

  /// The value becomes `v` at time `t` (t >= the previous change).
  void set(TimePoint t, double v) {
    advance(t);
    value_ = v;
    max_ = std::max(max_, v);
  }
  /// Adds `delta` to the value at time `t`.
  void add(TimePoint t, double delta) { set(t, value_ + delta); }

  double value() const { return value_; }
  double max() const { return max_; }
  /// Integral of the value over [start, t], in value·seconds.
  double integral(TimePoint t) const {
    const double extra = t > last_ ? value_ * static_cast<double>((t - last_).count()) : 0.0;
    return (area_us_ + extra) * 1e-6;
  }
  /// Time-weighted mean over [start, end] (the current value when end == start).
  double mean(TimePoint end) const {
    const auto span_us = (end - start_).count();
    if (span_us <= 0) return value_;
    const double extra = end > last_ ? value_ * static_cast<double>((end - last_).count()) : 0.0;
    return (area_us_ + extra) / static_cast<double>(span_us);
  }

 private:
  // The area is kept in value·microseconds: no division on the hot path.
  void advance(TimePoint t) {
    if (t > last_) {
      area_us_ += value_ * static_cast<double>((t - last_).count());
      last_ = t;
    }
  }
  TimePoint start_, last_;
  double value_, max_;
  double area_us_ = 0.0;
};

}  // namespace slsim
