// The placement search on hand-made figures: shared costs, objectives, pins, exclusions, and the
// local search beyond the exact limit.
#include "slsim/compare/placement.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

using namespace slsim;

namespace {

PartAlone runs(double usd, bool meets = true) {
  PartAlone a;
  a.can_run = true;
  a.meets = meets;
  a.monthly_usd = usd;
  if (!meets) a.why = "p99 above the objective";
  return a;
}

PartAlone cannot(const char* why) {
  PartAlone a;
  a.why = why;
  return a;
}

int bits(std::uint64_t m) {
  int n = 0;
  for (; m; m &= m - 1)
    ++n;
  return n;
}

/// `n` small services: on Lambda `lambda_each` each (nothing shared), on ECS `shared` (one load
/// balancer and cluster) plus `per_service` each.
PlacementInput services(int n, double lambda_each, double shared, double per_service) {
  PlacementInput in;
  in.platforms = {"lambda", "ecs"};
  for (int k = 0; k < n; ++k) {
    in.parts.push_back("svc" + std::to_string(k));
    in.alone.push_back({runs(lambda_each), runs(shared + per_service)});
  }
  in.group_cost = [=](std::size_t p, std::uint64_t mask) {
    const int m = bits(mask);
    return p == 0 ? lambda_each * m : shared + per_service * m;
  };
  return in;
}

}  // namespace

TEST_CASE("Placement: shared costs choose the mix that separate bills would not",
          "[compare][placement]") {
  // Each service alone: Lambda $30, ECS $20 shared + $15 = $35, so separate bills put all four
  // on Lambda ($120). Together on ECS: $20 + 4 x $15 = $80.
  auto in = services(4, 30, 20, 15);
  const auto c = search_placement(in);
  CHECK(c.exact);
  for (const auto& p : c.platform)
    CHECK(p == std::optional<std::size_t>(1));
  CHECK(c.monthly_usd == Approx(80));
  REQUIRE(c.best_single);
  CHECK(*c.best_single == 1);
  CHECK(c.best_single_usd == Approx(80));
  // One service alone: ECS $35 > Lambda $30.
  const auto one = search_placement(services(1, 30, 20, 15));
  CHECK(one.platform[0] == std::optional<std::size_t>(0));
  CHECK(one.monthly_usd == Approx(30));
}

TEST_CASE("Placement: the local search finds the consolidation too", "[compare][placement]") {
  auto in = services(6, 30, 20, 15);
  in.exact_limit = 1;
  const auto c = search_placement(in);
  CHECK_FALSE(c.exact);
  CHECK(c.monthly_usd == Approx(20 + 6 * 15));
  for (const auto& p : c.platform)
    CHECK(p == std::optional<std::size_t>(1));
}

TEST_CASE("Placement: each part goes where it meets its objectives", "[compare][placement]") {
  // An API (Lambda cheap), a queue consumer (Fargate cheap), a nightly job Lambda cannot run
  // and that misses its objective on Fargate; Batch runs it.
  PlacementInput in;
  in.platforms = {"lambda", "fargate", "batch"};
  in.parts = {"api", "worker", "nightly"};
  in.alone = {
      {runs(100), runs(150), cannot("synchronous invocations need a request/response path")},
      {runs(80), runs(40), runs(60)},
      {cannot("runs 40 min; Lambda's maximum timeout is 15 min"), runs(30, false), runs(5)}};
  in.group_cost = [&](std::size_t p, std::uint64_t mask) {
    double t = 0;
    for (std::size_t k = 0; k < 3; ++k)
      if (mask >> k & 1) t += in.alone[k][p].monthly_usd;
    return t;
  };
  const auto c = search_placement(in);
  CHECK(c.platform == std::vector<std::optional<std::size_t>>{0, 1, 2});
  CHECK(c.monthly_usd == Approx(145));
  CHECK(c.meets == std::vector<bool>{true, true, true});
  // No single platform meets every part's objectives (Lambda and Batch cannot run one part,
  // the nightly job misses its objective on Fargate).
  CHECK_FALSE(c.best_single);

  SECTION("a pin is honoured, and said when it misses") {
    in.pinned = {std::nullopt, std::nullopt, 1};
    const auto p = search_placement(in);
    CHECK(p.platform[2] == std::optional<std::size_t>(1));
    CHECK_FALSE(p.meets[2]);
  }
  SECTION("a pin where the part cannot run is refused, with the reason") {
    in.pinned = {std::nullopt, std::nullopt, 0};
    CHECK_THROWS_WITH(search_placement(in),
                      Catch::Contains("part 'nightly' is placed on lambda, which cannot run it: "
                                      "runs 40 min"));
  }
  SECTION("an exclusion moves the part to its next choice") {
    in.excluded = {{}, {1}, {}};
    const auto e = search_placement(in);
    CHECK(e.platform[1] == std::optional<std::size_t>(2));
  }
}

TEST_CASE("Placement: a part no platform meets goes where it runs cheapest",
          "[compare][placement]") {
  PlacementInput in;
  in.platforms = {"lambda", "ecs"};
  in.parts = {"slow"};
  in.alone = {{runs(10, false), runs(20, false)}};
  in.group_cost = [&](std::size_t p, std::uint64_t) { return in.alone[0][p].monthly_usd; };
  const auto c = search_placement(in);
  CHECK(c.platform[0] == std::optional<std::size_t>(0));
  CHECK_FALSE(c.meets[0]);
}

TEST_CASE("Placement: inputs that disagree are refused", "[compare][placement]") {
  PlacementInput in;
  CHECK_THROWS_AS(search_placement(in), std::invalid_argument);
  in.platforms = {"lambda"};
  in.parts = {"a"};
  CHECK_THROWS_AS(search_placement(in), std::invalid_argument);  // no alone[] row
}
