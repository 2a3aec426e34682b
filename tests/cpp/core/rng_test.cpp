#include "slsim/core/rng.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

using namespace slsim;

TEST_CASE("RngStream: xoshiro256** and SplitMix64 match their reference outputs", "[core][rng]") {
  // Reference vectors of the published algorithms (Blackman & Vigna): state {1,2,3,4}.
  auto x = RngStream::from_state(1, 2, 3, 4);
  CHECK(x.next_u64() == 11520ULL);
  CHECK(x.next_u64() == 0ULL);
  CHECK(x.next_u64() == 1509978240ULL);
  CHECK(x.next_u64() == 1215971899390074240ULL);
  std::uint64_t sm = 1234567;
  CHECK(splitmix64(sm) == 6457827717110365317ULL);
  CHECK(splitmix64(sm) == 3203168211198807973ULL);
  CHECK(splitmix64(sm) == 9817491932198370423ULL);
}

TEST_CASE("RngStream: streams are reproducible and independent by seed and stream id",
          "[core][rng]") {
  RngStream a(1, 0), b(1, 0), c(1, 1), d(2, 0);
  std::vector<std::uint64_t> va, vb, vc, vd;
  for (int i = 0; i < 8; ++i) {
    va.push_back(a.next_u64());
    vb.push_back(b.next_u64());
    vc.push_back(c.next_u64());
    vd.push_back(d.next_u64());
  }
  CHECK(va == vb);
  CHECK(va != vc);  // another stream
  CHECK(va != vd);  // another seed
}

TEST_CASE("RngStream: uniform, below and exponential have the right moments", "[core][rng]") {
  RngStream r(123);
  const int n = 1'000'000;
  double su = 0, se = 0;
  std::vector<int> hist(7, 0);
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    su += u;
    se += r.exponential(3.0);
    ++hist[r.below(7)];
  }
  CHECK(std::fabs(su / n - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  CHECK(std::fabs(se / n - 3.0) < 5 * 3.0 / std::sqrt(n));
  for (int h : hist)
    CHECK(std::fabs(h - n / 7.0) < 5 * std::sqrt(n / 7.0));
  const double o = r.uniform_open();
  CHECK(o > 0.0);
  CHECK(o < 1.0);
}
