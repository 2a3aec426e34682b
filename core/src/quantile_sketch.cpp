#include "slsim/core/quantile_sketch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace slsim {

QuantileSketch::QuantileSketch(double relative_accuracy, std::size_t max_buckets)
    : alpha_(relative_accuracy), max_buckets_(max_buckets) {
  if (!(relative_accuracy > 0 && relative_accuracy < 1)) {
    throw std::invalid_argument(fmt::format(
        "QuantileSketch: relative accuracy must be in (0, 1), got {}", relative_accuracy));
  }
  if (max_buckets < 16) throw std::invalid_argument("QuantileSketch: max_buckets must be >= 16");
  gamma_ = (1 + alpha_) / (1 - alpha_);
  log_gamma_ = std::log(gamma_);
  min_positive_ = std::numeric_limits<double>::min() * gamma_;
}

double QuantileSketch::value_of(int k) const {
  return 2.0 * std::pow(gamma_, k) / (gamma_ + 1.0);
}

void QuantileSketch::add(double x, std::uint64_t n) {
  if (!(x >= 0) || !std::isfinite(x)) {
    throw std::invalid_argument(
        fmt::format("QuantileSketch: values must be finite and >= 0, got {}", x));
  }
  if (n == 0) return;
  if (count_ == 0) {
    min_ = max_ = x;
  } else {
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }
  count_ += n;
  if (x < min_positive_) {
    zero_count_ += n;
    return;
  }
  int k = key(x);
  if (counts_.empty()) {
    offset_ = k;
    counts_.assign(1, 0);
  } else if (k < offset_) {
    const auto grow = static_cast<std::size_t>(offset_ - k);
    if (counts_.size() + grow > max_buckets_) {
      // Collapse: values below the kept range join the lowest kept bucket.
      const std::size_t room = max_buckets_ - counts_.size();
      counts_.insert(counts_.begin(), room, 0);
      offset_ -= static_cast<int>(room);
      k = offset_;
    } else {
      counts_.insert(counts_.begin(), grow, 0);
      offset_ = k;
    }
  } else if (k >= offset_ + static_cast<int>(counts_.size())) {
    const auto need = static_cast<std::size_t>(k - offset_) + 1;
    if (need > max_buckets_) {
      // Keep the high end exact: drop the lowest buckets into the new lowest one.
      const std::size_t drop = need - max_buckets_;
      std::uint64_t moved = 0;
      for (std::size_t i = 0; i < std::min(drop, counts_.size()); ++i)
        moved += counts_[i];
      if (drop >= counts_.size()) {
        counts_.assign(1, 0);
        counts_[0] = moved;
      } else {
        counts_.erase(counts_.begin(), counts_.begin() + static_cast<std::ptrdiff_t>(drop));
        counts_[0] += moved;
      }
      offset_ += static_cast<int>(drop);
    }
    counts_.resize(static_cast<std::size_t>(k - offset_) + 1, 0);
  }
  counts_[static_cast<std::size_t>(k - offset_)] += n;
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (other.alpha_ != alpha_)
    throw std::invalid_argument("QuantileSketch: merge needs equal accuracy");
  if (other.count_ == 0) return;
  const double old_min = count_ ? min_ : other.min_, old_max = count_ ? max_ : other.max_;
  // Fast path (the same keys, as the accuracy is the same): when both ranges fit the cap
  // together, counts add bucket by bucket, without a logarithm per bucket. Exactly what adding
  // each bucket's values would give.
  if (!other.counts_.empty()) {
    const int lo = counts_.empty() ? other.offset_ : std::min(offset_, other.offset_);
    const int hi = counts_.empty()
                       ? other.offset_ + static_cast<int>(other.counts_.size())
                       : std::max(offset_ + static_cast<int>(counts_.size()),
                                  other.offset_ + static_cast<int>(other.counts_.size()));
    if (static_cast<std::size_t>(hi - lo) <= max_buckets_) {
      if (counts_.empty()) {
        counts_.assign(other.counts_.size(), 0);
        offset_ = other.offset_;
      } else {
        if (lo < offset_)
          counts_.insert(counts_.begin(), static_cast<std::size_t>(offset_ - lo), 0);
        offset_ = lo;
        counts_.resize(static_cast<std::size_t>(hi - lo), 0);
      }
      const auto shift = static_cast<std::size_t>(other.offset_ - offset_);
      for (std::size_t i = 0; i < other.counts_.size(); ++i)
        counts_[shift + i] += other.counts_[i];
      zero_count_ += other.zero_count_;
      count_ += other.count_;
      min_ = std::min(old_min, other.min_);
      max_ = std::max(old_max, other.max_);
      return;
    }
  }
  if (other.zero_count_) add(0.0, other.zero_count_);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) {
    if (other.counts_[i])
      add(other.value_of(other.offset_ + static_cast<int>(i)), other.counts_[i]);
  }
  min_ = std::min(old_min, other.min_);
  max_ = std::max(old_max, other.max_);
}

double QuantileSketch::quantile(double q) const {
  if (!(q >= 0 && q <= 1))
    throw std::invalid_argument(fmt::format("quantile: q must be in [0, 1], got {}", q));
  if (count_ == 0) return 0.0;
  if (q == 0.0) return min_;
  if (q == 1.0) return max_;
  const auto rank = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(count_ - 1)));
  if (rank < zero_count_) return 0.0;
  std::uint64_t seen = zero_count_;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen > rank) {
      return std::clamp(value_of(offset_ + static_cast<int>(i)), min_, max_);
    }
  }
  return max_;
}

}  // namespace slsim
