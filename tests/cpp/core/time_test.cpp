#include "slsim/core/time.hpp"

#include <catch2/catch.hpp>

using namespace slsim;
using std::chrono::milliseconds;

TEST_CASE("Time: ceil_to rounds up to the granularity exactly", "[core]") {
  CHECK(ceil_to(Duration{0}, kMillisecond) == Duration{0});
  CHECK(ceil_to(Duration{1}, kMillisecond) == kMillisecond);
  CHECK(ceil_to(Duration{1000}, kMillisecond) == kMillisecond);
  CHECK(ceil_to(Duration{1001}, kMillisecond) == 2 * kMillisecond);
  // AWS's own examples: 27.40 ms -> 100 ms under 100 ms rounding; 27.55 ms -> 28 ms under 1 ms.
  CHECK(ceil_to(from_millis(27.40), milliseconds(100)) == milliseconds(100));
  CHECK(ceil_to(from_millis(27.55), kMillisecond) == milliseconds(28));
  CHECK(ceil_to(from_millis(385), milliseconds(100)) == milliseconds(400));
  CHECK(ceil_to(from_millis(400), milliseconds(100)) == milliseconds(400));
  CHECK(ceil_to(from_millis(400.001), milliseconds(100)) == milliseconds(500));
  CHECK_THROWS_AS(ceil_to(Duration{-1}, kMillisecond), std::invalid_argument);
  CHECK_THROWS_AS(ceil_to(Duration{5}, Duration{0}), std::invalid_argument);
}

TEST_CASE("Time: billable applies granularity then minimum", "[core]") {
  // Fargate / EC2: per second with a one-minute minimum.
  CHECK(billable(from_seconds(12.2), kSecond, kMinute) == kMinute);
  CHECK(billable(from_seconds(60.0), kSecond, kMinute) == kMinute);
  CHECK(billable(from_seconds(60.2), kSecond, kMinute) == 61 * kSecond);
  CHECK(billable(Duration{0}, kSecond, kMinute) == kMinute);
  CHECK(at_least(5 * kSecond, kMinute) == kMinute);
}

TEST_CASE("Time: conversions from seconds and milliseconds", "[core]") {
  CHECK(from_seconds(1.5) == Duration{1'500'000});
  CHECK(from_millis(0.0015) == Duration{2});  // 1.5 us rounds to nearest
  CHECK(to_seconds(Duration{2'500'000}) == 2.5);
  CHECK(to_millis(Duration{1'500}) == 1.5);
  CHECK_THROWS_AS(from_seconds(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  CHECK_THROWS_AS(from_seconds(1e20), std::invalid_argument);
}
