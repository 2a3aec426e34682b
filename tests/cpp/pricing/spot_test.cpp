// Issue 19, items 13 and 14: Fargate Spot on arm64 exists only from its launch (2024-09-06), and
// Spot discounts default to a typical figure, with AWS's advertised ceiling as the limit of the
// setting.

#include <catch2/catch.hpp>
#include <string>

#include "slsim/containers/containers.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/pricing/pricing.hpp"

using namespace slsim;

namespace {

const RateCard& rc() {
  return RateCard::builtin();
}

std::string pricing_error(const Usage& u, const PricingOptions& o) {
  try {
    rc().price(u, o);
  } catch (const PricingError& e) {
    return e.what();
  }
  return "";
}

Usage arm_spot() {
  Usage u;
  u.fargate.push_back(FargateUsage{Arch::kArm64, true, 1, 3'600'000, 2048 * 3600, 0});
  return u;
}

std::pair<std::string, std::string> refusal(const ContainerOptions& o) {
  try {
    validate_containers(o);
  } catch (const ConfigError& e) {
    return {e.key(), e.message()};
  }
  return {"", ""};
}

}  // namespace

TEST_CASE("Pricing: Fargate Spot on arm64 is refused before its launch on 2024-09-06",
          "[models][pricing]") {
  PricingOptions o;
  o.as_of = Date::parse("2024-09-05");
  CHECK_THAT(pricing_error(arm_spot(), o), Catch::Contains("2024-09-06"));
  CHECK_THAT(pricing_error(arm_spot(), o), Catch::Contains("arm64"));
  o.as_of = Date::parse("2024-09-06");
  CHECK(pricing_error(arm_spot(), o).empty());
  // x86_64 Fargate Spot is older (2019-12-03).
  Usage x86 = arm_spot();
  x86.fargate[0].arch = Arch::kX86_64;
  o.as_of = Date::parse("2022-01-01");
  CHECK(pricing_error(x86, o).empty());
}

TEST_CASE("Containers: a Fargate Spot service on arm64 before 2024-09-06 names spot",
          "[containers]") {
  FargateOptions f;
  f.as_of = Date::parse("2023-06-01");
  f.defaults.arch = Arch::kArm64;
  f.defaults.spot = true;
  const auto [key, msg] = refusal(f);
  CHECK(key == "spot");
  CHECK_THAT(msg, Catch::Contains("arm64") && Catch::Contains("2024-09-06"));
  f.as_of = Date::parse("2024-09-06");
  CHECK(refusal(f).first.empty());
  f.defaults.arch = Arch::kX86_64;
  f.as_of = Date::parse("2023-06-01");
  CHECK(refusal(f).first.empty());
}

TEST_CASE("Pricing: Spot discounts default to a typical figure below AWS's ceiling",
          "[models][pricing]") {
  const Date now = Date::parse("2026-11-01");
  const double fargate = rc().rule("fargate.spot_discount_pct", now);
  const double ec2 = rc().rule("ec2.spot_discount_pct", now);
  CHECK(fargate == Approx(67.04));
  CHECK(fargate < rc().rule("fargate.spot_discount_max_pct", now));
  CHECK(rc().rule("fargate.spot_discount_max_pct", now) == 70);
  CHECK(ec2 < rc().rule("ec2.spot_discount_max_pct", now));
  CHECK(rc().rule("ec2.spot_discount_max_pct", now) == 90);
  // The default shows in the bill's line.
  Usage u;
  u.fargate.push_back(FargateUsage{Arch::kX86_64, true, 1, 3'600'000, 2048 * 3600, 0});
  PricingOptions o;
  o.as_of = now;
  const Bill b = rc().price(u, o);
  CHECK(b.items.back().name == "Fargate Spot discount (67.04%)");
}

TEST_CASE("Pricing: a Spot discount above AWS's advertised ceiling is refused",
          "[models][pricing]") {
  const Date now = Date::parse("2026-11-01");
  Usage u;
  u.fargate.push_back(FargateUsage{Arch::kX86_64, true, 1, 3'600'000, 2048 * 3600, 0});
  PricingOptions o;
  o.as_of = now;
  o.fargate_spot_discount_pct = 70;  // the ceiling itself is allowed
  CHECK(pricing_error(u, o).empty());
  o.fargate_spot_discount_pct = 75;
  CHECK_THAT(pricing_error(u, o),
             Catch::StartsWith("spot_discount_pct 75") && Catch::Contains("up to 70"));
  CHECK_THROWS_AS(validate_spot_discount(rc(), "fargate", 75, now), PricingError);
  CHECK_NOTHROW(validate_spot_discount(rc(), "ec2", 90, now));
  CHECK_THROWS_AS(validate_spot_discount(rc(), "ec2", 91, now), PricingError);
}

TEST_CASE("Containers: spot_discount_pct is a setting, refused above the ceiling", "[containers]") {
  FargateOptions f;
  f.as_of = Date::parse("2026-11-01");
  f.defaults.spot = true;
  f.spot_discount_pct = 70;
  CHECK(refusal(f).first.empty());
  f.spot_discount_pct = 71;
  const auto [key, msg] = refusal(f);
  CHECK(key == "spot_discount_pct");
  CHECK_THAT(msg, Catch::Contains("70"));
}

TEST_CASE("Containers: spot_discount_pct without Spot capacity is refused", "[containers]") {
  FargateOptions f;
  f.as_of = Date::parse("2026-11-01");
  f.spot_discount_pct = 50;
  const auto [key, msg] = refusal(f);
  CHECK(key == "spot_discount_pct");
  CHECK_THAT(msg, Catch::Contains("Spot capacity only"));
  CHECK_THROWS_AS(validate_spot_discount(rc(), "fargate", false, 50.0, f.as_of), PricingError);
  CHECK_NOTHROW(validate_spot_discount(rc(), "fargate", false, std::nullopt, f.as_of));
}
