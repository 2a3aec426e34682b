#include "slsim/core/stats.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "slsim/core/confidence.hpp"
#include "slsim/core/distribution.hpp"
#include "slsim/core/quantile_sketch.hpp"

using namespace slsim;

TEST_CASE("QuantileSketch: within 1% of exact quantiles of 1e6 samples", "[core][stats]") {
  const std::vector<Distribution> dists{
      Distribution::lognormal(-0.38, 2.36), Distribution::exponential(1991),
      Distribution::uniform(0, 1), Distribution::burr_xii(11.652, 0.221, 107.083)};
  std::uint64_t seed = 1;
  for (const auto& d : dists) {
    RngStream rng(seed++);
    QuantileSketch sk;
    std::vector<double> xs(1'000'000);
    for (auto& x : xs) {
      x = d.sample(rng);
      sk.add(x);
    }
    std::sort(xs.begin(), xs.end());
    for (double q : {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0}) {
      const auto rank =
          static_cast<std::size_t>(std::floor(q * static_cast<double>(xs.size() - 1)));
      const double exact = xs[rank];
      const double est = sk.quantile(q);
      INFO(d.spec() << " q=" << q << " exact=" << exact << " sketch=" << est);
      CHECK(std::fabs(est - exact) <= 0.01 * exact);
    }
    CHECK(sk.count() == xs.size());
    CHECK(sk.bucket_count() <= 4096);  // constant memory
  }
}

TEST_CASE("QuantileSketch: zeros, merge, bad input", "[core][stats]") {
  QuantileSketch a, b;
  for (int i = 0; i < 100; ++i)
    a.add(0.0);
  for (int i = 1; i <= 100; ++i)
    b.add(i);
  CHECK(a.quantile(0.5) == 0.0);
  a.merge(b);
  CHECK(a.count() == 200);
  CHECK(a.quantile(0.25) == 0.0);
  CHECK(a.quantile(0.75) == Approx(50).epsilon(0.01));
  CHECK(a.max() == 100);
  CHECK(a.min() == 0);
  CHECK_THROWS_AS(a.add(-1), std::invalid_argument);
  CHECK_THROWS_AS(a.add(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(a.quantile(2), std::invalid_argument);
  QuantileSketch empty;
  CHECK(empty.quantile(0.5) == 0.0);
}

TEST_CASE("QuantileSketch: values spanning 1e-6 to 1e12 stay bounded", "[core][stats]") {
  QuantileSketch sk(0.005, 1024);
  for (double x = 1e-6; x < 1e12; x *= 1.001)
    sk.add(x);
  CHECK(sk.bucket_count() <= 1024);
  // The upper end keeps its accuracy after collapsing the lowest buckets.
  CHECK(sk.quantile(0.99) == Approx(std::pow(10.0, -6 + 18 * 0.99)).epsilon(0.011));
}

TEST_CASE("TimeWeighted: mean and max of a step function", "[core][stats]") {
  TimeWeighted tw;                    // starts at 0 with value 0
  tw.set(TimePoint{kSecond}, 2);      // 0 on [0,1)
  tw.set(TimePoint{3 * kSecond}, 5);  // 2 on [1,3)
  tw.set(TimePoint{4 * kSecond}, 1);  // 5 on [3,4)
  // 1 on [4,6)
  CHECK(tw.integral(TimePoint{6 * kSecond}) == Approx(0 + 4 + 5 + 2));
  CHECK(tw.mean(TimePoint{6 * kSecond}) == Approx(11.0 / 6));
  CHECK(tw.max() == 5);
  tw.add(TimePoint{6 * kSecond}, 2);
  CHECK(tw.value() == 3);
}

TEST_CASE("RunningStats: moments and merge", "[core][stats]") {
  RunningStats a, b, all;
  for (int i = 1; i <= 10; ++i) {
    (i <= 4 ? a : b).add(i);
    all.add(i);
  }
  a.merge(b);
  CHECK(a.count() == 10);
  CHECK(a.mean() == Approx(5.5));
  CHECK(a.variance() == Approx(all.variance()));
  CHECK(all.variance() == Approx(9.1666666667));
  CHECK(a.min() == 1);
  CHECK(a.max() == 10);
}

TEST_CASE("confidence_interval: Student t against a textbook value", "[core][stats]") {
  // n = 5, mean 10, s = 2: 95% half-width = t(0.975, 4) * 2 / sqrt(5), t = 2.776445.
  const std::vector<double> v{8, 9, 10, 11, 12};  // s = sqrt(2.5)
  const auto ci = confidence_interval(v, 0.95);
  CHECK(ci.mean == Approx(10));
  CHECK(ci.half_width == Approx(2.776445 * std::sqrt(2.5) / std::sqrt(5.0)).epsilon(1e-6));
  CHECK(ci.contains(11));
  CHECK_FALSE(ci.contains(12));
  CHECK_THROWS_AS(confidence_interval(std::vector<double>{1.0}), std::invalid_argument);
  CHECK_THROWS_AS(confidence_interval(v, 1.5), std::invalid_argument);
}
