#pragma once
/// Quantile sketch with bounded relative error (DDSketch, Masson et al., VLDB 2019).
///
/// Design notes: a value x > 0 goes to bucket ceil(log_gamma(x)) with
/// gamma = (1 + alpha) / (1 - alpha); every value in a bucket is within relative error alpha of
/// the bucket's representative 2·gamma^i / (gamma + 1). So the reported q-quantile is within
/// alpha (relative) of the exact sample quantile of the same rank. Buckets are a dense vector over
/// the range of keys seen, capped at `max_buckets` (the lowest buckets collapse into one when the
/// cap is hit, which only affects the smallest values). Memory is therefore constant in the
/// number of values. Zero (and values below `min_positive`) are counted apart.

#include <cstddef>
#include <cmath>
#include <cstdint>
#include <vector>

namespace slsim {

class QuantileSketch {
 public:
  /// `relative_accuracy` alpha in (0, 1); the default 0.005 guarantees 1% with margin.
  explicit QuantileSketch(double relative_accuracy = 0.005, std::size_t max_buckets = 4096);

  /// Adds a value >= 0 (throws std::invalid_argument for negative or non-finite values).
  void add(double x) {
    // Fast path: a positive value whose bucket already exists.
    if (count_ > 0 && x >= min_positive_ && x <= max_) {
      const int i = key(x) - offset_;
      if (i >= 0 && i < static_cast<int>(counts_.size())) {
        ++counts_[static_cast<std::size_t>(i)];
        ++count_;
        if (x < min_) min_ = x;
        return;
      }
    }
    add(x, 1);
  }
  void add(double x, std::uint64_t count);
  /// Adds every value of another sketch with the same accuracy (throws otherwise).
  void merge(const QuantileSketch& other);

  /// The q-quantile (q in [0, 1]) as the value of rank floor(q·(n-1)) in sorted order,
  /// within the relative accuracy. Returns 0 for an empty sketch.
  double quantile(double q) const;

  std::uint64_t count() const { return count_; }
  double relative_accuracy() const { return alpha_; }
  double min() const { return min_; }
  double max() const { return max_; }
  /// Number of allocated buckets (for memory checks).
  std::size_t bucket_count() const { return counts_.size(); }

 private:
  int key(double x) const {
    return static_cast<int>(std::ceil(std::log(x) / log_gamma_));
  }
  double value_of(int k) const;

  double alpha_, gamma_, log_gamma_, min_positive_;
  std::size_t max_buckets_;
  std::vector<std::uint64_t> counts_;  // counts_[i] is bucket offset_ + i
  int offset_ = 0;
  std::uint64_t zero_count_ = 0, count_ = 0;
  double min_ = 0, max_ = 0;
};

}  // namespace slsim
