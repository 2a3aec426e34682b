// Issue 24 in the placement of parts: lambda-managed and ecs-managed are platforms a part can be
// pinned to, excluded from or placed on; the mix's joint run bills them (their lines reach the
// mix's bill and the parts' shares), ECS Managed Instances behind the system's one ALB, Lambda
// Managed Instances behind Lambda's front door.
#include <catch2/catch.hpp>
#include <memory>
#include <vector>

#include "slsim/compare/compare.hpp"
#include "slsim/compare/parts_spec.hpp"
#include "slsim/compare/placement.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/system/system.hpp"
#include "slsim/workload/mix_source.hpp"
#include "support/default_runner.hpp"
#include "support/poisson_part.hpp"

using namespace slsim;

namespace {

/// Two hours of an API (10 req/s, 80 ms), a web service (4 req/s, 60 ms) and a queue worker
/// (0.5 msg/s, 1 s).
WorkloadFactory api_web_worker() {
  return [](std::uint64_t seed, double) -> std::unique_ptr<WorkloadSource> {
    std::vector<std::unique_ptr<WorkloadSource>> s;
    s.push_back(test::poisson_part("api", 10, 2 * 3600, 80, seed));
    s.push_back(test::poisson_part("web", 4, 2 * 3600, 60, seed + 1));
    s.push_back(
        test::poisson_part("worker", 0.5, 2 * 3600, 1000, seed + 2, InvocationType::kQueue));
    return std::make_unique<MixSource>(std::move(s));
  };
}

// Each platform with its default options (the library's platform_runners).
const auto runner_for = test::default_runner;

std::vector<PlacementPart> three_parts() {
  std::vector<PlacementPart> parts(3);
  const char* names[] = {"api", "web", "worker"};
  for (int i = 0; i < 3; ++i) {
    parts[i].name = names[i];
    parts[i].functions = {names[i]};
    parts[i].objectives.slo_p99_ms = 30'000;
  }
  return parts;
}

std::vector<CostLine> lines_of(const PlacementResult& r, const std::string& platform) {
  std::vector<CostLine> out;
  for (const auto& [p, l] : r.line_items)
    if (p == platform) out.push_back(l);
  return out;
}

const CostLine* line(const PlacementResult& r, const std::string& platform,
                     const std::string& name) {
  for (const auto& [p, l] : r.line_items)
    if (p == platform && l.name == name) return &l;
  return nullptr;
}

int lines_named(const PlacementResult& r, const std::string& name) {
  int n = 0;
  for (const auto& [p, l] : r.line_items)
    n += l.name == name;
  return n;
}

void check_totals(const PlacementResult& r) {
  double shares = 0, lines = 0;
  for (const auto& p : r.parts)
    shares += p.monthly_usd;
  for (const auto& [p, l] : r.line_items)
    lines += l.monthly_usd;
  CHECK(shares == Approx(r.monthly_usd).epsilon(1e-9));
  CHECK(lines == Approx(r.monthly_usd).epsilon(1e-6));
}

}  // namespace

TEST_CASE("Placement: the 2025 platforms are placement platforms", "[compare][placement]") {
  const auto& p = placement_platforms();
  CHECK(std::find(p.begin(), p.end(), "lambda-managed") != p.end());
  CHECK(std::find(p.begin(), p.end(), "ecs-managed") != p.end());
  PartsSpec spec;
  spec.place["api"] = "lambda-managed";
  spec.exclude["web"] = {"ecs-managed"};
  CHECK_NOTHROW(validate_parts(spec, nullptr));
  // Every platform excluded, the 2025 ones too, is refused; leaving one of them is not.
  spec = PartsSpec{};
  spec.exclude["web"] = {"lambda", "ecs", "fargate", "batch", "lambda-managed"};
  CHECK_NOTHROW(validate_parts(spec, nullptr));
  spec.exclude["web"].push_back("ecs-managed");
  CHECK_THROWS_AS(validate_parts(spec, nullptr), ConfigError);
  // No overflow from Lambda Managed Instances to Lambda (no load balancer to send it); an ECS
  // Managed Instances service's, yes.
  spec = PartsSpec{};
  spec.place["api"] = "lambda-managed+lambda";
  CHECK_THROWS_AS(validate_parts(spec, nullptr), ConfigError);
  spec.place["api"] = "ecs-managed+lambda";
  CHECK_NOTHROW(validate_parts(spec, nullptr));
  CHECK(with_spillover({"lambda", "lambda-managed", "ecs-managed"}) ==
        std::vector<std::string>{"lambda", "lambda-managed", "ecs-managed", "ecs-managed+lambda"});
}

TEST_CASE("Placement: each runner's options reach its own platform of the joint run",
          "[compare][placement]") {
  SystemOptions s;
  const Date as_of(2026, 11, 1);
  LambdaManagedOptions lm;
  lm.as_of = as_of;
  lm.defaults.concurrency = 7;
  EcsManagedOptions em;
  em.as_of = as_of;
  em.defaults.concurrency = 9;
  EcsOptions ecs;
  ecs.as_of = as_of;
  ecs.defaults.concurrency = 11;
  lambda_managed_runner(lm).system_options(s);
  ecs_managed_runner(em).system_options(s);
  ecs_runner(ecs).system_options(s);
  CHECK(s.lambda_managed.defaults.concurrency == 7);
  CHECK(s.lambda_managed.managed == Managed::kLambda);
  CHECK(s.ecs_managed.defaults.concurrency == 9);
  CHECK(s.ecs_managed.managed == Managed::kEcs);
  CHECK(s.ecs.defaults.concurrency == 11);
  CHECK(s.ecs.managed == Managed::kNone);
}

TEST_CASE("Placement: parts pinned to Lambda and ECS Managed Instances are billed in the mix",
          "[compare][placement]") {
  auto parts = three_parts();
  parts[0].place = "lambda-managed";
  parts[1].place = "ecs-managed";
  parts[2].place = "ecs";
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  o.threads = 2;
  const auto r = place_parts(api_web_worker(), parts,
                             {"lambda", "lambda-managed", "ecs-managed", "ecs"}, runner_for, o);
  INFO(r.to_json());
  REQUIRE(r.joint);
  REQUIRE(r.parts.size() == 3);
  CHECK(r.parts[0].platform == "lambda-managed");
  CHECK(r.parts[1].platform == "ecs-managed");
  CHECK(r.parts[2].platform == "ecs");
  for (const auto& p : r.parts)
    CHECK(p.monthly_usd > 0);
  // Each platform's bill from the joint run: the instances of both managed platforms.
  bool ec2_lm = false, ec2_em = false;
  for (const auto& l : lines_of(r, "lambda-managed"))
    ec2_lm = ec2_lm || l.name.rfind("EC2 ", 0) == 0;
  for (const auto& l : lines_of(r, "ecs-managed"))
    ec2_em = ec2_em || l.name.rfind("EC2 ", 0) == 0;
  CHECK(ec2_lm);
  CHECK(ec2_em);
  // Lambda Managed Instances' HTTP requests pass API Gateway (no ALB); the web service's pass
  // the system's one ALB (the queue worker on ECS has no HTTP requests: ECS Managed Instances
  // owns it).
  const CostLine* api_gw = line(r, "lambda-managed", "API Gateway HTTP API requests");
  REQUIRE(api_gw);
  CHECK(api_gw->quantity > 2 * 3600 * 10 * 0.95);
  CHECK(lines_named(r, "API Gateway HTTP API requests") == 1);
  CHECK(lines_named(r, "Application Load Balancer hours") == 1);
  CHECK(line(r, "ecs-managed", "Application Load Balancer hours"));
  check_totals(r);
}

TEST_CASE("Placement: ECS Managed Instances and ECS share one ALB in the mix",
          "[compare][placement]") {
  auto parts = three_parts();
  parts[0].place = "ecs";
  parts[1].place = "ecs-managed";
  parts[2].place = "lambda";
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  o.threads = 2;
  const auto r =
      place_parts(api_web_worker(), parts, {"lambda", "ecs", "ecs-managed"}, runner_for, o);
  INFO(r.to_json());
  REQUIRE(r.joint);
  CHECK(lines_named(r, "Application Load Balancer hours") == 1);
  CHECK(line(r, "ecs", "Application Load Balancer hours"));
  // The search summed two platforms' bills, each with its own ALB: the joint run pays one.
  const CostLine* alb = line(r, "ecs", "Application Load Balancer hours");
  REQUIRE(alb);
  CHECK(r.monthly_usd < r.search_usd - alb->monthly_usd * 0.99);
  // Both services carry a share of the ALB.
  CHECK(r.parts[0].monthly_usd > 0);
  CHECK(r.parts[1].monthly_usd > 0);
  check_totals(r);
}

TEST_CASE("Placement: Lambda and Lambda Managed Instances price one API Gateway",
          "[compare][placement]") {
  // API Gateway's request tiers are the account's: the two platforms' HTTP requests are priced
  // together and split by requests, each side's line holding its own requests.
  auto parts = three_parts();
  parts[0].place = "lambda-managed";
  parts[1].place = "lambda";
  parts[2].place = "lambda";
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  o.threads = 2;
  const auto r = place_parts(api_web_worker(), parts, {"lambda", "lambda-managed"}, runner_for, o);
  INFO(r.to_json());
  REQUIRE(r.joint);
  const CostLine* lm = line(r, "lambda-managed", "API Gateway HTTP API requests");
  const CostLine* l = line(r, "lambda", "API Gateway HTTP API requests");
  REQUIRE(lm);
  REQUIRE(l);
  CHECK(lm->quantity > 2.2 * l->quantity);  // 10 req/s against 4
  CHECK(lm->usd / lm->quantity == Approx(l->usd / l->quantity).epsilon(1e-9));
  CHECK_FALSE(line(r, "lambda", "Application Load Balancer hours"));
  check_totals(r);

  SECTION("an exclusion keeps a part off Lambda Managed Instances") {
    parts[0].place.reset();
    parts[0].exclude = {"lambda-managed"};
    const auto q =
        place_parts(api_web_worker(), parts, {"lambda", "lambda-managed"}, runner_for, o);
    CHECK(q.parts[0].platform == "lambda");
  }
}

TEST_CASE("Placement: a part pinned to ecs-managed+lambda runs on both sides",
          "[compare][placement]") {
  auto parts = three_parts();
  parts[0].place = "ecs-managed+lambda";
  parts[1].place = "ecs-managed";
  parts[2].place = "lambda";
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  o.threads = 2;
  const auto platforms = with_spillover({"lambda", "ecs-managed"});
  const auto r = place_parts(api_web_worker(), parts, platforms, with_spillover(runner_for), o);
  INFO(r.to_json());
  REQUIRE(r.joint);
  CHECK(r.parts[0].platform == "ecs-managed+lambda");
  CHECK_THAT(r.parts[0].why, Catch::Contains("of its requests overflowed to Lambda"));
  // One ALB for the API (with its Lambda target group) and the web service.
  CHECK(lines_named(r, "Application Load Balancer hours") == 1);
  CHECK(line(r, "ecs-managed", "Application Load Balancer hours"));
  CHECK(line(r, "lambda", "Lambda requests"));
  check_totals(r);
}

TEST_CASE("Placement: before ECS Managed Instances launched, its spillover cannot run either",
          "[compare][placement]") {
  // 2025-06-01: before 2025-09-30. The comparison goes on without it (no error for the run).
  const auto runner =
      with_spillover([](const std::string& platform, const std::vector<std::string>&) {
        const Date as_of(2025, 6, 1);
        if (platform == "ecs-managed") {
          EcsManagedOptions o;
          o.as_of = as_of;
          return ecs_managed_runner(o);
        }
        LambdaOptions o;
        o.as_of = as_of;
        return lambda_runner(o);
      });
  CompareOptions o;
  o.as_of = Date(2025, 6, 1);
  const auto c = compare(api_web_worker(), {runner("ecs-managed+lambda", {"api"})}, o);
  REQUIRE(c.platforms.front().impossible);
  CHECK_THAT(*c.platforms.front().impossible,
             Catch::Contains("Amazon ECS Managed Instances launched on 2025-09-30"));
}
