// Review of issue 19, W6 / M7 / C4: the default container network is one that can pull its
// image and is billed (public subnets, a public IPv4 address per Fargate task or EC2 instance,
// $0.005 per IP-hour from 2024-02-01, https://aws.amazon.com/vpc/pricing/); private subnets say
// that their NAT gateway is not billed; options that would be ignored are refused by the one
// validator.

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>

#include "slsim/batch/batch.hpp"
#include "slsim/compare/compare.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/containers/options_io.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/generators.hpp"

using namespace slsim;

namespace {

std::unique_ptr<WorkloadSource> day_of(InvocationType type) {
  GeneratorOptions g;
  g.rate_per_s = 0.2;
  g.duration_s = 86'400;
  g.duration_ms = Distribution::constant(100);
  g.function = "api";
  g.type = type;
  g.seed = 1;
  return std::make_unique<PoissonSource>(g);
}

template <class Options>
Options one_task(Date as_of) {
  Options o;
  o.as_of = as_of;
  o.defaults.vcpu = 0.5;
  o.defaults.memory_gb = 1;
  o.defaults.tasks = 1;
  return o;
}

const LineItem* find_item(const Bill& b, const std::string& prefix) {
  for (const auto& l : b.items)
    if (l.name.rfind(prefix, 0) == 0) return &l;
  return nullptr;
}

bool any_note(const std::vector<std::string>& notes, const std::string& part) {
  for (const auto& n : notes)
    if (n.find(part) != std::string::npos) return true;
  return false;
}

std::string key_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.key();
  }
  return "(none)";
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.message();
  }
  return "(none)";
}

}  // namespace

TEST_CASE("Containers: by default a Fargate task has a billed public IPv4 address",
          "[containers][ipv4]") {
  // One task all day: 24 IP-hours, $0.12 at $0.005 per IP-hour.
  auto src = day_of(InvocationType::kSync);
  const auto r = simulate_fargate(*src, one_task<FargateOptions>(Date(2026, 11, 1)));
  const auto* l = find_item(r.bill, "Public IPv4 addresses (Fargate tasks)");
  REQUIRE(l != nullptr);
  CHECK(l->quantity == Approx(24).margin(0.01));
  CHECK(l->usd() == Approx(0.12));
  CHECK_FALSE(any_note(r.notes, "NAT gateway"));
  // Before 2024-02-01 an address in use was free: the same network, no charge.
  auto old_src = day_of(InvocationType::kSync);
  const auto old = simulate_fargate(*old_src, one_task<FargateOptions>(Date(2023, 6, 1)));
  const auto* ol = find_item(old.bill, "Public IPv4");
  CHECK((ol == nullptr || ol->usd() == 0));
}

TEST_CASE("Containers: by default an ECS instance has a billed public IPv4 address",
          "[containers][ipv4]") {
  auto o = one_task<EcsOptions>(Date(2026, 11, 1));
  o.cluster.instances = 1;
  auto src = day_of(InvocationType::kSync);
  const auto r = simulate_ecs(*src, o);
  const auto* l = find_item(r.bill, "Public IPv4 addresses (EC2 instances)");
  REQUIRE(l != nullptr);
  CHECK(l->quantity == Approx(24).margin(0.01));
  CHECK_FALSE(any_note(r.notes, "NAT gateway"));
}

TEST_CASE("Containers: private subnets say their NAT gateway is not billed", "[containers][ipv4]") {
  {
    auto o = one_task<FargateOptions>(Date(2026, 11, 1));
    set_container_option(o, o.defaults, "assign_public_ip", "false");
    auto src = day_of(InvocationType::kQueue);
    const auto r = simulate_fargate(*src, o);
    CHECK(find_item(r.bill, "Public IPv4") == nullptr);
    CHECK(any_note(r.notes, "NAT gateway"));
    CHECK(any_note(r.notes, "assign_public_ip"));
  }
  {
    auto o = one_task<EcsOptions>(Date(2026, 11, 1));
    o.cluster.instances = 1;
    set_container_option(o, o.defaults, "associate_public_ip", "false");
    auto src = day_of(InvocationType::kSync);
    const auto r = simulate_ecs(*src, o);
    CHECK(find_item(r.bill, "Public IPv4") == nullptr);
    CHECK(any_note(r.notes, "NAT gateway"));
    CHECK(any_note(r.notes, "associate_public_ip"));
  }
}

TEST_CASE("Containers: the network setting is written back when it is not the default",
          "[containers][ipv4]") {
  ServiceConfig s;
  s.assign_public_ip = false;
  bool found = false;
  for (const auto& [k, v] : changed_service_options(s))
    found = found || (k == "assign_public_ip" && v == "false");
  CHECK(found);
  CHECK(changed_service_options(ServiceConfig{}).empty());
}

TEST_CASE("Cluster: cpu_credits on instance types that do not burst is refused", "[containers]") {
  EcsOptions o = one_task<EcsOptions>(Date(2026, 11, 1));
  o.cluster.instance_types = {"m5.large"};
  CHECK(key_of([&] { validate_containers(o); }) == "(none)");  // left unset: fine
  set_container_option(o, o.defaults, "cpu_credits", "unlimited");
  CHECK(key_of([&] { validate_containers(o); }) == "cpu_credits");
  CHECK_THAT(message_of([&] { validate_containers(o); }), Catch::Contains("m5.large"));
  o.cluster.instance_types = {"t3.medium"};
  CHECK(key_of([&] { validate_containers(o); }) == "(none)");
  o.cluster.instance_types = {"m5.large", "t3.medium"};  // one of them bursts
  CHECK(key_of([&] { validate_containers(o); }) == "(none)");
}

TEST_CASE("Service: min_tasks or max_tasks with a fixed task count names the fixed count",
          "[containers]") {
  FargateOptions o = one_task<FargateOptions>(Date(2026, 11, 1));
  o.defaults.tasks = 3;
  o.defaults.min_tasks = 5;
  CHECK(key_of([&] { validate_containers(o); }) == "min_tasks");
  const auto m = message_of([&] { validate_containers(o); });
  CHECK_THAT(m, Catch::Contains("fixed count of 3 tasks"));
  CHECK_THAT(m, !Catch::Contains("max_tasks (3)"));
  o.defaults.min_tasks.reset();
  o.defaults.max_tasks = 2;
  CHECK(key_of([&] { validate_containers(o); }) == "max_tasks");
  o.defaults.max_tasks = 3;  // the same count: nothing contradicts it
  CHECK(key_of([&] { validate_containers(o); }) == "(none)");
}

TEST_CASE("Batch: spot_discount_pct with On-Demand compute is refused", "[batch]") {
  BatchOptions o;
  o.as_of = Date(2026, 11, 1);
  o.compute_environments[0].compute = BatchCompute::kEc2;
  o.spot_discount_pct = 50;
  CHECK(key_of([&] { validate_batch_options(o); }) == "spot_discount_pct");
  CHECK_THAT(message_of([&] { validate_batch_options(o); }), Catch::Contains("Spot"));
  o.compute_environments[0].compute = BatchCompute::kSpot;
  CHECK(key_of([&] { validate_batch_options(o); }) == "(none)");
}

TEST_CASE("Cost: alb_availability_zones with no front door is refused", "[ipv4]") {
  FrontDoorOptions o;
  o.enabled = false;
  o.alb_availability_zones = 4;
  CHECK(key_of([&] { validate_front_door(o); }) == "alb_availability_zones");
  o.enabled = true;
  CHECK(key_of([&] { validate_front_door(o); }) == "(none)");
}

TEST_CASE("Cost: alb_availability_zones on a workload with no HTTP requests is noted", "[ipv4]") {
  CompareOptions co;
  co.as_of = Date(2026, 11, 1);
  co.front_door.alb_availability_zones = 4;
  auto wl = [](std::uint64_t, double) { return day_of(InvocationType::kQueue); };
  const auto c = compare(wl, {fargate_runner(one_task<FargateOptions>(co.as_of))}, co);
  CHECK(any_note(c.platforms[0].runs[0].notes, "alb_availability_zones"));
  // Left at its default, nothing to say.
  CompareOptions d;
  d.as_of = co.as_of;
  const auto c2 = compare(wl, {fargate_runner(one_task<FargateOptions>(d.as_of))}, d);
  CHECK_FALSE(any_note(c2.platforms[0].runs[0].notes, "alb_availability_zones"));
}
