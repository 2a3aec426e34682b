// Issue 19 #15: public IPv4 addresses are billed $0.005 per IP-hour from 2024-02-01
// (https://aws.amazon.com/vpc/pricing/): the ALB's (one per enabled Availability Zone), and each
// Fargate task or EC2 instance given one.

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "slsim/compare/compare.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/containers/options_io.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/generators.hpp"

using namespace slsim;

namespace {

std::unique_ptr<WorkloadSource> day_of_requests(std::uint64_t seed) {
  GeneratorOptions g;
  g.rate_per_s = 0.2;
  g.duration_s = 86'400;
  g.duration_ms = Distribution::constant(100);
  g.function = "api";
  g.seed = seed;
  return std::make_unique<PoissonSource>(g);
}

FargateOptions one_task(Date as_of) {
  FargateOptions o;
  o.as_of = as_of;
  o.defaults.vcpu = 0.5;
  o.defaults.memory_gb = 1;
  o.defaults.tasks = 1;
  return o;
}

const CostLine* find_line(const CostBreakdown& c, const std::string& prefix) {
  for (const auto& l : c.lines)
    if (l.name.rfind(prefix, 0) == 0) return &l;
  return nullptr;
}

const LineItem* find_item(const Bill& b, const std::string& prefix) {
  for (const auto& l : b.items)
    if (l.name.rfind(prefix, 0) == 0) return &l;
  return nullptr;
}

}  // namespace

TEST_CASE("Cost: an internet-facing ALB's public IPv4 addresses, from 2024-02-01", "[ipv4]") {
  // Two Availability Zones (ALB's minimum), one public address each: 2 x 730 x $0.005 = $7.30
  // a month, 48 IP-hours a day.
  CompareOptions co;
  co.as_of = Date(2026, 11, 1);
  co.front_door.alb_availability_zones = 2;
  auto wl = [](std::uint64_t seed, double) { return day_of_requests(seed); };
  const auto c = compare(wl, {fargate_runner(one_task(co.as_of))}, co);
  const auto* l = find_line(c.platforms[0].costs[0], "Public IPv4 addresses (load balancer");
  REQUIRE(l != nullptr);
  CHECK(l->quantity == Approx(48));
  CHECK(l->monthly_usd == Approx(7.30));
  CHECK(l->usd == Approx(0.24));
  // Three zones: $10.95 a month.
  co.front_door.alb_availability_zones = 3;
  const auto c3 = compare(wl, {fargate_runner(one_task(co.as_of))}, co);
  CHECK(find_line(c3.platforms[0].costs[0], "Public IPv4 addresses (load balancer")->monthly_usd ==
        Approx(10.95));
  // Before 2024-02-01 an in-use public address was free: no line.
  co.as_of = Date(2023, 6, 1);
  co.front_door.alb_availability_zones = 2;
  const auto old = compare(wl, {fargate_runner(one_task(co.as_of))}, co);
  CHECK(find_line(old.platforms[0].costs[0], "Public IPv4") == nullptr);
}

TEST_CASE("Cost: an ALB needs two Availability Zones", "[ipv4]") {
  FrontDoorOptions o;
  o.alb_availability_zones = 1;
  try {
    validate_front_door(o);
    FAIL("one zone accepted");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "alb_availability_zones");
  }
}

TEST_CASE("Containers: a task or instance with a public IPv4 address is billed for it",
          "[ipv4][containers]") {
  const Date as_of(2026, 11, 1);
  {
    // Private subnets (no longer the default, network_review_test.cpp): no address, no line.
    auto o = one_task(as_of);
    set_container_option(o, o.defaults, "assign_public_ip", "false");
    auto src = day_of_requests(1);
    const auto r = simulate_fargate(*src, o);
    CHECK(find_item(r.bill, "Public IPv4") == nullptr);
  }
  {
    auto o = one_task(as_of);
    set_container_option(o, o.defaults, "assign_public_ip", "true");
    auto src = day_of_requests(1);
    const auto r = simulate_fargate(*src, o);
    const auto* l = find_item(r.bill, "Public IPv4 addresses (Fargate tasks)");
    REQUIRE(l != nullptr);
    CHECK(l->quantity == Approx(24).margin(0.01));  // one task all day
    CHECK(l->usd() == Approx(0.12));
  }
  {
    EcsOptions o;
    o.as_of = as_of;
    o.defaults.tasks = 1;
    o.cluster.instances = 1;
    set_container_option(o, o.defaults, "associate_public_ip", "true");
    auto src = day_of_requests(1);
    const auto r = simulate_ecs(*src, o);
    const auto* l = find_item(r.bill, "Public IPv4 addresses (EC2 instances)");
    REQUIRE(l != nullptr);
    CHECK(l->quantity == Approx(24).margin(0.01));
  }
  {
    // On Fargate the instance setting is refused, naming the key.
    auto o = one_task(as_of);
    CHECK_THROWS_AS(set_container_option(o, o.defaults, "associate_public_ip", "true"),
                    ConfigError);
  }
}
