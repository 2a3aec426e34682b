// The break-even grid's inputs and points: the scale range is checked in one place (the CLI's
// --scale and Python's scale= both reach validate_breakeven), and points print as the 4-digit
// decimals they are rounded to.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "slsim/compare/explore.hpp"
#include "slsim/platform/config_error.hpp"

using namespace slsim;

TEST_CASE("validate_breakeven: multipliers from 0.001 to 10000, finite, MIN <= MAX", "[compare]") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_NOTHROW(validate_breakeven({0.001, 10000, 7}));
  CHECK_NOTHROW(validate_breakeven({0.1, 100, 7}));
  CHECK_NOTHROW(validate_breakeven({2, 2, 1}));
  for (const BreakevenOptions o :
       {BreakevenOptions{1, 1e12, 7}, BreakevenOptions{1, 1e300, 7}, BreakevenOptions{1e-300, 1, 7},
        BreakevenOptions{0, 1, 7}, BreakevenOptions{-1, 1, 7}, BreakevenOptions{nan, 1, 7},
        BreakevenOptions{1, inf, 7}, BreakevenOptions{1, nan, 7}, BreakevenOptions{0.0009, 1, 7},
        BreakevenOptions{1, 10001, 7}}) {
    try {
      validate_breakeven(o);
      FAIL("accepted " << o.scale_min << ":" << o.scale_max);
    } catch (const ConfigError& e) {
      CHECK(e.key() == "scale");
      CHECK_THAT(e.message(), Catch::Contains("0.001 <= MIN <= MAX <= 10000"));
    }
  }
}

TEST_CASE("log_grid: points are the doubles nearest their 4-digit decimals", "[compare]") {
  const auto g = log_grid(0.1, 1, 3);
  REQUIRE(g.size() == 3);
  CHECK(fmt::format("{}", g[1]) == "0.3162");  // was 0.31620000000000004
  CHECK(g[1] == 0.3162);
  const auto h = log_grid(0.001, 0.01, 4);
  REQUIRE(h.size() == 4);
  CHECK(fmt::format("{} {} {} {}", h[0], h[1], h[2], h[3]) == "0.001 0.002154 0.004642 0.01");
  const auto k = log_grid(1, 10000, 9);
  CHECK(fmt::format("{}", k[1]) == "3.162");
  CHECK(k.back() == 10000);
}
