#include "slsim/pricing/pricing.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <functional>
#include <string>

using namespace slsim;

namespace {

const RateCard& rc() {
  return RateCard::builtin();
}

Bill price_lambda(const LambdaPriceInput& in, const std::string& as_of, bool free_tier = true) {
  PricingOptions o;
  o.as_of = Date::parse(as_of);
  o.free_tier = free_tier;
  Usage u;
  u.lambda.push_back(lambda_usage(rc(), in, o.as_of));
  return rc().price(u, o);
}

Bill price_fargate(const FargatePriceInput& in, const std::string& as_of) {
  PricingOptions o;
  o.as_of = Date::parse(as_of);
  Usage u;
  u.fargate.push_back(fargate_usage(rc(), in, o.as_of));
  return rc().price(u, o);
}

std::int64_t cents_of(const Bill& b, const std::string& name_prefix) {
  for (const auto& i : b.items)
    if (i.name.rfind(name_prefix, 0) == 0) return i.cents;
  FAIL("no line item " << name_prefix);
  return 0;
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const PricingError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("Pricing: AWS Lambda pricing page example 1 of 2018 ($18.74)", "[models][pricing]") {
  // https://aws.amazon.com/lambda/pricing/ as of 2018: 512 MB, 3M invocations of 1 s, free tier:
  // compute 1,100,000 GB-s x $0.00001667 = $18.34, requests 2M x $0.20/M = $0.40.
  LambdaPriceInput in;
  in.memory_mb = 512;
  in.requests = 3'000'000;
  in.duration_ms = 1000;
  const Bill b = price_lambda(in, "2018-07-19");
  CHECK(cents_of(b, "Lambda duration") == 1834);
  CHECK(cents_of(b, "Lambda requests") == 40);
  CHECK(b.total_cents() == 1874);
  CHECK(b.items[1].quantity == Approx(1'100'000));
}

TEST_CASE("Pricing: AWS Lambda pricing page example 2 of 2018 ($11.63)", "[models][pricing]") {
  // 128 MB, 30M invocations of 200 ms: 750,000 - 400,000 = 350,000 GB-s x $0.00001667 = $5.83
  // (5.8345 rounded), 29M requests x $0.20/M = $5.80.
  LambdaPriceInput in;
  in.memory_mb = 128;
  in.requests = 30'000'000;
  in.duration_ms = 200;
  const Bill b = price_lambda(in, "2018-07-19");
  CHECK(cents_of(b, "Lambda duration") == 583);
  CHECK(cents_of(b, "Lambda requests") == 580);
  CHECK(b.total_cents() == 1163);
}

TEST_CASE("Pricing: today's Lambda example, 1,536 MB x 3M x 120 ms ($2.73)", "[models][pricing]") {
  // 3M x 0.12 s x 1.5 GB = 540,000 GB-s; minus 400,000 free = 140,000 x $0.0000166667 = $2.33;
  // requests $0.40.
  LambdaPriceInput in;
  in.memory_mb = 1536;
  in.requests = 3'000'000;
  in.duration_ms = 120;
  const Bill b = price_lambda(in, "2026-11-01");
  CHECK(cents_of(b, "Lambda duration") == 233);
  CHECK(b.total_cents() == 273);
  // Without the free tier: 540,000 x 0.0000166667 = $9.00, 3M requests = $0.60.
  CHECK(price_lambda(in, "2026-11-01", false).total_cents() == 900 + 60);
  // arm64: 140,000 x $0.0000133334 = $1.87.
  in.arch = Arch::kArm64;
  CHECK(cents_of(price_lambda(in, "2026-11-01"), "Lambda duration") == 187);
}

TEST_CASE("Pricing: Provisioned Concurrency example ($41.91)", "[models][pricing]") {
  // AWS Lambda pricing page (Dec 2020): 1,024 MB, 1,000 provisioned for 2 hours, 1.2M
  // invocations of 1 s: capacity 7.2M GB-s x $0.0000041667 = $30.00; duration 1.2M GB-s x
  // $0.0000097222 = $11.67; requests 1.2M x $0.20/M = $0.24. No free tier for PC.
  LambdaPriceInput in;
  in.memory_mb = 1024;
  in.provisioned_concurrency = 1000;
  in.provisioned_hours = 2;
  in.provisioned_requests = 1'200'000;
  in.provisioned_duration_ms = 1000;
  const Bill b = price_lambda(in, "2021-01-15");
  CHECK(cents_of(b, "Lambda provisioned concurrency") == 3000);
  CHECK(cents_of(b, "Lambda duration with provisioned") == 1167);
  CHECK(cents_of(b, "Lambda requests") == 24);
  CHECK(b.total_cents() == 4191);
  // Enabled time rounds up to 5 minutes: 2 h 1 s bills as 2 h 5 min.
  in.provisioned_hours = 2 + 1.0 / 3600;
  const auto b2 = price_lambda(in, "2021-01-15");
  CHECK(b2.items.size() == b.items.size());
  // 1000 GB x 7,500 s x 0.0000041667 = 31.25
  CHECK(cents_of(b2, "Lambda provisioned concurrency") == 3125);
  CHECK(error_of([&] {
          price_lambda(in, "2019-06-01");
        }).find("provisioned concurrency exists from 2019-12-03") != std::string::npos);
}

TEST_CASE("Pricing: AWS Fargate pricing page examples 1-3", "[models][pricing]") {
  // Example 1: 5 tasks x 600 s a day x 30 days, 1 vCPU, 2 GB, 30 GB storage, Linux/x86:
  // $1.01 + $0.22 + $0.03 = $1.26.
  FargatePriceInput in;
  in.vcpu = 1;
  in.memory_gb = 2;
  in.tasks = 5 * 30;
  in.task_seconds = 600;
  in.storage_gb = 30;
  Bill b = price_fargate(in, "2026-11-01");
  CHECK(cents_of(b, "Fargate vCPU") == 101);
  CHECK(cents_of(b, "Fargate memory") == 22);
  CHECK(cents_of(b, "Fargate ephemeral") == 3);
  CHECK(b.total_cents() == 126);
  // Example 2: the same on Linux/ARM: $0.81 + $0.18 + $0.03 = $1.02.
  in.arch = Arch::kArm64;
  b = price_fargate(in, "2026-11-01");
  CHECK(b.total_cents() == 102);
  // Example 3: 10 pods x 1 h a day x 30 days, 0.25 vCPU, 1 GB: $3.04 + $1.33 = $4.37.
  FargatePriceInput e3;
  e3.vcpu = 0.25;
  e3.memory_gb = 1;
  e3.tasks = 10 * 30;
  e3.task_seconds = 3600;
  b = price_fargate(e3, "2026-11-01");
  CHECK(cents_of(b, "Fargate vCPU") == 304);
  CHECK(cents_of(b, "Fargate memory") == 133);
  CHECK(b.total_cents() == 437);
  // 2018 prices (before the January 2019 cut): 75 vCPU-h x $0.0506 + 300 GB-h x $0.0127.
  b = price_fargate(e3, "2018-07-01");
  CHECK(cents_of(b, "Fargate vCPU") == 380);  // 3.795
  CHECK(cents_of(b, "Fargate memory") == 381);
}

TEST_CASE("Pricing: Lambda rounding at the 1 ms and 100 ms boundaries", "[models][pricing]") {
  using std::chrono::milliseconds;
  const Date before = Date::parse("2020-11-30"), after = Date::parse("2020-12-01");
  CHECK(lambda_billed_duration(rc(), from_millis(27.40), before) == milliseconds(100));
  CHECK(lambda_billed_duration(rc(), from_millis(100), before) == milliseconds(100));
  CHECK(lambda_billed_duration(rc(), from_millis(100.001), before) == milliseconds(200));
  CHECK(lambda_billed_duration(rc(), from_millis(385), before) == milliseconds(400));
  CHECK(lambda_billed_duration(rc(), from_millis(27.55), after) == milliseconds(28));
  CHECK(lambda_billed_duration(rc(), from_millis(1.001), after) == milliseconds(2));
  CHECK(lambda_billed_duration(rc(), from_millis(0), after) == milliseconds(0));
  // In a bill: 1M x 101 ms at 1,024 MB, no free tier.
  LambdaPriceInput in;
  in.memory_mb = 1024;
  in.requests = 1'000'000;
  in.duration_ms = 101;
  // 100 ms era: 1M x 0.2 s x 1 GB = 200,000 GB-s x 0.00001667 = $3.334 -> $3.33
  CHECK(cents_of(price_lambda(in, "2020-11-30", false), "Lambda duration") == 333);
  // 1 ms era: 101,000 GB-s x 0.0000166667 = $1.6833 -> $1.68
  CHECK(cents_of(price_lambda(in, "2020-12-01", false), "Lambda duration") == 168);
}

TEST_CASE("Pricing: tier boundaries are exact to the GB-s", "[models][pricing]") {
  PricingOptions o;
  o.as_of = Date::parse("2026-11-01");
  o.free_tier = false;
  auto duration_cents = [&](Arch arch, std::uint64_t gb_s) {
    Usage u;
    LambdaUsage l;
    l.arch = arch;
    l.duration_mb_ms = gb_s * 1'024'000;
    u.lambda.push_back(l);
    return rc().price(u, o).items.at(0).cents;
  };
  // x86: 6e9 GB-s x 0.0000166667 = 100,000.20; the next 1,000,000 GB-s at 0.000015 = $15.
  CHECK(duration_cents(Arch::kX86_64, 6'000'000'000ULL) == 10'000'020);
  CHECK(duration_cents(Arch::kX86_64, 6'001'000'000ULL) == 10'000'020 + 1500);
  // Past 15e9: 6e9 x 0.0000166667 + 9e9 x 0.000015 + 1e6 x 0.0000133334.
  CHECK(duration_cents(Arch::kX86_64, 15'001'000'000ULL) == 10'000'020 + 13'500'000 + 1333);
  // arm64 breakpoints are 7.5e9 and 18.75e9 GB-s.
  CHECK(duration_cents(Arch::kArm64, 7'500'000'000ULL) == 10'000'050);  // 7.5e9 x 0.0000133334
  CHECK(duration_cents(Arch::kArm64, 7'501'000'000ULL) == 10'000'050 + 1200);
  // Before tiered pricing (2022-08-08) all usage is at the first rate.
  o.as_of = Date::parse("2022-08-07");
  CHECK(duration_cents(Arch::kX86_64, 6'001'000'000ULL) == 10'001'687);  // 6.001e9 x 0.0000166667
}

TEST_CASE("Pricing: the free tier never goes below zero and is shared by architectures",
          "[models][pricing]") {
  PricingOptions o;
  o.as_of = Date::parse("2026-11-01");
  Usage u;
  LambdaUsage x86, arm;
  x86.arch = Arch::kX86_64;
  x86.requests = 10;
  x86.duration_mb_ms = 300'000ULL * 1'024'000;  // 300,000 GB-s
  arm.arch = Arch::kArm64;
  arm.requests = 10;
  arm.duration_mb_ms = 300'000ULL * 1'024'000;
  u.lambda = {x86, arm};
  const Bill b = rc().price(u, o);
  for (const auto& i : b.items)
    CHECK(i.cents >= 0);
  CHECK(cents_of(b, "Lambda requests") == 0);
  CHECK(cents_of(b, "Lambda duration (x86_64)") == 0);  // 300,000 < 400,000 free
  // arm64 gets what is left: 200,000 GB-s x 0.0000133334 = $2.67
  CHECK(cents_of(b, "Lambda duration (arm64)") == 267);
}

TEST_CASE("Pricing: Fargate one-minute minimum and per-second rounding", "[models][pricing]") {
  const Date d = Date::parse("2026-11-01");
  FargatePriceInput in;
  in.vcpu = 1;
  in.memory_gb = 2;
  in.tasks = 1;
  in.task_seconds = 5;
  CHECK(fargate_usage(rc(), in, d).vcpu_milli_s == 60'000);  // billed as 60 s
  in.task_seconds = 60.2;
  CHECK(fargate_usage(rc(), in, d).vcpu_milli_s == 61'000);  // rounded up to the second
  in.task_seconds = 0;
  CHECK(fargate_usage(rc(), in, d).memory_mb_s == 60 * 2048);
  Ec2PriceInput e;
  e.instance_type = "m5.large";
  e.hours = 10.0 / 3600;
  CHECK(ec2_usage(rc(), e, d, "us-east-1").instance_s == 60);
  // Before per-second billing (2017-10-02) EC2 billed whole hours.
  CHECK(rc().rule("ec2.minimum_s", Date::parse("2017-06-01")) == 3600);
  CHECK(rc().rule("ec2.minimum_s", Date::parse("2017-10-02")) == 60);
}

TEST_CASE("Pricing: EC2 on-demand, Spot and platform discounts as line items",
          "[models][pricing]") {
  PricingOptions o;
  o.as_of = Date::parse("2026-11-01");
  Usage u;
  Ec2PriceInput e;
  e.instance_type = "m5.large";
  e.instances = 3;
  e.hours = 730;
  u.ec2.push_back(ec2_usage(rc(), e, o.as_of, o.region));
  Bill b = rc().price(u, o);
  CHECK(b.total_cents() == 21024);  // 3 x 730 h x $0.096
  e.spot = true;
  u.ec2 = {ec2_usage(rc(), e, o.as_of, o.region)};
  o.ec2_spot_discount_pct = 60;
  b = rc().price(u, o);
  REQUIRE(b.items.size() == 2);
  CHECK(b.items[1].cents == -12614);  // 60% of 210.24 = 126.144
  CHECK(b.total_cents() == 21024 - 12614);
  o.discount_pct["ec2"] = 10;
  b = rc().price(u, o);
  CHECK(b.items.back().name == "ec2 discount (10%)");
  CHECK(b.items.back().cents == -841);  // 10% of (210.24 - 126.144) = 8.4096
}

TEST_CASE("Pricing: impossible configurations say what is allowed", "[models][pricing]") {
  const Date now = Date::parse("2026-11-01");
  CHECK_THAT(error_of([&] { validate_lambda_memory(rc(), 20'000, now); }),
             Catch::Contains("allowed are 128 to 10240 MB in 1 MB steps"));
  CHECK_THAT(error_of([&] { validate_lambda_memory(rc(), 100, now); }),
             Catch::Contains("Lambda memory 100 MB is not allowed"));
  CHECK_THAT(error_of([&] { validate_lambda_memory(rc(), 1000, Date::parse("2019-01-01")); }),
             Catch::Contains("allowed are 128 to 3008 MB in 64 MB steps"));
  CHECK(error_of([&] { validate_lambda_memory(rc(), 1024, Date::parse("2019-01-01")); }) ==
        "no error");
  CHECK(error_of([&] { validate_lambda_memory(rc(), 10240, now); }) == "no error");
  const auto fg = error_of([&] { validate_fargate_size(rc(), 0.25, 16, now); });
  CHECK_THAT(fg, Catch::Contains("no task size of 0.25 vCPU with 16 GB"));
  CHECK_THAT(fg, Catch::Contains("0.25 vCPU: 0.5, 1, 2 GB"));
  CHECK_THAT(fg, Catch::Contains("2 vCPU: 4-16 in 1 GB steps"));
  CHECK_THAT(error_of([&] { validate_fargate_size(rc(), 16, 64, Date::parse("2021-01-01")); }),
             Catch::Contains("allowed:"));
  CHECK(error_of([&] { validate_fargate_size(rc(), 16, 64, now); }) == "no error");
  CHECK_THAT(error_of([&] { rc().check_as_of(Date::parse("2013-12-31")); }),
             Catch::Contains("before 2014-11-13"));
  CHECK_THAT(error_of([&] { price_fargate(FargatePriceInput{}, "2016-01-01"); }),
             Catch::Contains("Fargate did not exist"));
  LambdaPriceInput arm;
  arm.arch = Arch::kArm64;
  arm.requests = 1;
  arm.duration_ms = 5;
  CHECK_THAT(error_of([&] { price_lambda(arm, "2020-06-01"); }),
             Catch::Contains("Lambda on arm64 did not exist on 2020-06-01"));
  CHECK_THAT(error_of([&] { rc().instance("x9.huge", now, "us-east-1"); }),
             Catch::Contains("known: t3.medium, c5.large"));
  LambdaPriceInput too_long;
  too_long.duration_ms = 400'000;
  too_long.requests = 1;
  CHECK_THAT(error_of([&] { price_lambda(too_long, "2018-07-01"); }),
             Catch::Contains("maximum timeout of 300 s"));
  CHECK(error_of([&] { price_lambda(too_long, "2019-07-01"); }) == "no error");
}

TEST_CASE("Pricing: a user's own rate card file replaces the built-in one", "[models][pricing]") {
  const std::string rates =
      "service,item,region,arch,unit,tier_from,tier_to,price_usd,effective_from,effective_to,"
      "source\n"
      "lambda,request,us-east-1,any,request,0,,0.000001,2014-11-13,,negotiated\n"
      "lambda,duration,us-east-1,x86_64,GB-s,0,,0.00001,2014-11-13,,negotiated, see contract 7\n";
  const std::string rules =
      "rule,value,effective_from,effective_to,source\n"
      "earliest_as_of,2014-11-13,2014-11-13,,x\n"
      "lambda.free_requests,0,2014-11-13,,x\nlambda.free_gb_s,0,2014-11-13,,x\n";
  const std::string ec2 =
      "instance_type,arch,vcpu,memory_gib,region,price_usd_per_hour,effective_from,effective_to,"
      "source\n";
  const std::string sizes =
      "vcpu,mem_min_gb,mem_max_gb,mem_step_gb,effective_from,effective_to,source\n";
  const auto card = RateCard::parse(rates, rules, ec2, sizes, "mine");
  PricingOptions o;
  o.as_of = Date::parse("2024-01-01");
  Usage u;
  LambdaUsage l;
  l.requests = 1'000'000;
  l.duration_mb_ms = 100'000ULL * 1'024'000;
  u.lambda.push_back(l);
  const Bill b = card.price(u, o);
  CHECK(b.total_cents() == 100 + 100);
  CHECK_THROWS_WITH(
      RateCard::parse(rates + "lambda,request,us-east-1,any,request,0,,abc,2014-11-13,,s\n", rules,
                      ec2, sizes, "mine"),
      Catch::Contains("mine/rates.csv:4:8: price 'abc'"));
}

TEST_CASE("Pricing: Bill JSON has the documented shape", "[models][pricing]") {
  LambdaPriceInput in;
  in.memory_mb = 512;
  in.requests = 3'000'000;
  in.duration_ms = 1000;
  const auto j = price_lambda(in, "2018-07-19").to_json();
  CHECK_THAT(j, Catch::StartsWith("{\"total_usd\":18.74,\"as_of\":\"2018-07-19\",\"region\":\"us-"
                                  "east-1\",\"line_items\":["));
}

// ---- monthly allowances and tiers over a simulated span (issue 11, item 2) --------------------

namespace {

Usage lambda_gb_s(std::uint64_t requests, std::uint64_t gb_s) {
  LambdaUsage l;
  l.requests = requests;
  l.duration_mb_ms = gb_s * 1024 * 1000;
  Usage u;
  u.lambda.push_back(l);
  return u;
}

const LineItem* item(const Bill& b, const std::string& prefix) {
  for (const auto& i : b.items)
    if (i.name.rfind(prefix, 0) == 0) return &i;
  return nullptr;
}

constexpr double kDay = 86'400;

}  // namespace

TEST_CASE("RateCard: the free tier is prorated to the span, 730 hours a month", "[pricing]") {
  // One day = 24 / 730 of a month: floor(1,000,000 x 24 / 730) = 32,876 free requests, so
  // 831,124 billed x $0.20 per million = $0.166 -> $0.17; 13,150 GB-s free covers 10,800.
  PricingOptions o;
  o.as_of = Date::parse("2024-06-01");
  o.span_s = kDay;
  const Bill b = rc().price(lambda_gb_s(864'000, 10'800), o);
  REQUIRE(item(b, "Lambda requests"));
  CHECK(item(b, "Lambda requests")->quantity == 831'124);
  CHECK(item(b, "Lambda requests")->cents == 17);
  CHECK(item(b, "Lambda duration")->cents == 0);
  // Without a span the usage is one month's: all of it is free.
  o.span_s.reset();
  CHECK(rc().price(lambda_gb_s(864'000, 10'800), o).total_cents() == 0);
  // A span must be a positive time.
  o.span_s = -1;
  CHECK_THROWS_AS(rc().price(lambda_gb_s(1, 1), o), PricingError);
}

TEST_CASE("RateCard: duration tier breakpoints apply once per month of the span", "[pricing]") {
  // 12 billion GB-s in two months: 6 billion a month, all in the first tier (x86, 2024):
  // 12e9 x $0.0000166667 = $200,000.40. As one month it would cross into the second tier.
  PricingOptions o;
  o.as_of = Date::parse("2024-06-01");
  o.free_tier = false;
  o.span_s = 2 * kBillingMonthS;
  CHECK(rc().price(lambda_gb_s(0, 12'000'000'000ULL), o).total_cents() == 20'000'040);
  o.span_s.reset();
  CHECK(rc().price(lambda_gb_s(0, 12'000'000'000ULL), o).total_cents() == 10'000'020 + 9'000'000);
}

TEST_CASE("RateCard: a span cut into runs costs the same as the whole, beyond rounding",
          "[pricing]") {
  // 90 days of 300 M requests and 20 billion GB-s (over the 6-billion tier each month), against
  // three 30-day runs of a third each.
  PricingOptions whole, part;
  whole.as_of = part.as_of = Date::parse("2024-06-01");
  whole.span_s = 90 * kDay;
  part.span_s = 30 * kDay;
  const auto all = rc().price(lambda_gb_s(300'000'000, 20'000'000'001ULL), whole);
  const auto third = rc().price(lambda_gb_s(100'000'000, 6'666'666'667ULL), part);
  CHECK(std::llabs(all.total_cents() - 3 * third.total_cents()) <= 3);
  CHECK(all.total_cents() > 0);
}

TEST_CASE("RateCard: price_monthly scales a span's usage to 730 hours, allowances once",
          "[pricing]") {
  // One day of 864,000 requests and 10,800 GB-s is 26,280,000 requests and 328,500 GB-s a
  // month: 25,280,000 requests billed ($5.056 -> $5.06), the GB-s all free.
  PricingOptions o;
  o.as_of = Date::parse("2024-06-01");
  const Bill b = rc().price_monthly(lambda_gb_s(864'000, 10'800), kDay, o);
  CHECK(item(b, "Lambda requests")->quantity == 25'280'000);
  CHECK(b.total_cents() == 506);
  // A month's usage over a month is priced as it is.
  o.span_s.reset();
  CHECK(rc().price_monthly(lambda_gb_s(5'000'000, 500'000), kBillingMonthS, o).total_cents() ==
        rc().price(lambda_gb_s(5'000'000, 500'000), o).total_cents());
}

// Issue 12 review 5: every output of a bill (table, CSV, JSON) shows the same lines: the gross
// quantity of an item the free tier covered, then a "free tier: ITEM" line with what it covered.
// AWS's example: 5M requests of 200 ms at 1,024 MB less the 1M requests and 400,000 GB-s free.
TEST_CASE("Bill::lines: gross items and free-tier lines add up to the total", "[pricing]") {
  LambdaPriceInput in;
  in.memory_mb = 1024;
  in.requests = 5'000'000;
  in.duration_ms = 200;
  const Bill net = price_lambda(in, "2026-11-01");
  const Bill whole = price_lambda(in, "2026-11-01", false);
  const auto lines = net.lines(&whole);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].name == "Lambda requests");
  CHECK(lines[0].quantity == 5'000'000);
  CHECK(lines[1].name == "free tier: Lambda requests");
  CHECK(lines[1].quantity == 1'000'000);
  CHECK(lines[1].cents == -20);           // 1M requests at $0.20 per million
  CHECK(lines[2].quantity == 1'000'000);  // GB-s, gross
  CHECK(lines[3].name == "free tier: " + lines[2].name);
  CHECK(lines[3].quantity == 400'000);
  CHECK(lines[3].cents <= 0);
  std::int64_t sum = 0;
  for (const auto& l : lines)
    sum += l.cents;
  CHECK(sum == net.total_cents());
  // JSON carries the same lines.
  const std::string j = net.to_json(&whole);
  CHECK(j.find("\"free tier: Lambda requests\"") != std::string::npos);
  CHECK(j.find("\"quantity\":5000000") != std::string::npos);
  // Without the free-tier bill, the items as priced.
  CHECK(net.lines().size() == net.items.size());
}
