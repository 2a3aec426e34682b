// ECS cluster auto scaling against AWS's documented rules: the bounded scale-in step (5 % of
// the Auto Scaling group before 2022-09-16, 50 % since) and the scale-out step with several
// instance types (computed on the largest type), and task placement across Availability Zones.
// docs/models.md, "ECS on EC2".

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "slsim/containers/containers.hpp"
#include "slsim/containers/options_io.hpp"
#include "slsim/platform/config_error.hpp"
#include "trace.hpp"

using namespace slsim;

namespace {

using container_test::Trace;

/// A request every 10 s for two hours (keeps the one-minute ticks going).
Trace steady_trace() {
  Trace t;
  for (int i = 0; i < 720; ++i)
    t.add(i * 10.0, 100);
  return t;
}

/// 40 tasks of 2 vCPU (one per m5.large) until 30 minutes in, then 2.
EcsOptions shrinking_service(Date as_of) {
  EcsOptions o;
  o.as_of = as_of;
  o.record_timeline = true;
  o.cluster.instance_types = {"m5.large"};
  auto& d = o.defaults;
  d.vcpu = 2;
  d.memory_gb = 4;
  d.min_tasks = 40;
  d.max_tasks = 40;
  d.schedule = {{1800, 2, 2}};
  return o;
}

}  // namespace

TEST_CASE("Cluster: managed scale-in removes a bounded share of the group per step",
          "[containers]") {
  // "Previously, Amazon ECS limited each scale-in step to reduce 5% ASG capacity at a time.
  // With today's launch ... up to 50%" (AWS What's New, 2022-09-16).
  struct Case {
    Date as_of;
    double pct;
  };
  for (const auto& [as_of, pct] : {Case{Date{2024, 6, 1}, 50}, Case{Date{2021, 6, 1}, 5}}) {
    auto o = shrinking_service(as_of);
    const auto t = steady_trace();
    auto src = t.source();
    const auto r = simulate_ecs(*src, o);
    REQUIRE(r.arrived == r.outcomes.total());
    REQUIRE(r.timeline.size() > 100);
    CHECK(r.timeline.front().instances == 40);
    std::uint32_t steps = 0;
    for (std::size_t i = 1; i < r.timeline.size(); ++i) {
      const auto before = r.timeline[i - 1].instances, after = r.timeline[i].instances;
      if (after >= before) continue;
      ++steps;
      const auto bound = std::max<std::uint32_t>(
          1, static_cast<std::uint32_t>(std::floor(pct / 100 * before + 1e-9)));
      INFO("as_of " << as_of.str() << ", minute " << i << ": " << before << " -> " << after);
      CHECK(before - after <= bound);
    }
    CHECK(r.timeline.back().instances == 2);
    // 50 %: 40 -> 20 -> 10 -> 5 -> 3 -> 2; 5 %: 2 instances a step at first, then 1.
    if (pct == 50) CHECK(steps == 5);
    if (pct == 5) CHECK(steps > 20);
  }
}

TEST_CASE("Cluster: with several instance types managed scale-out counts the largest type",
          "[containers]") {
  // The ECS guide ("Amazon ECS managed scaling behavior"): with several instance types in the
  // group, the instance count is computed for the largest type (the smallest only protects:
  // a task that fits no smallest instance is left out). 30 waiting (1 vCPU, 2 GB) tasks need
  // 4 m5.2xlarge (8 vCPU each), not 15 m5.large: the first step launches 4 instances.
  EcsOptions o;
  o.as_of = Date{2024, 6, 1};
  o.record_timeline = true;
  o.cluster.instance_types = {"m5.large", "m5.2xlarge"};
  auto& d = o.defaults;
  d.vcpu = 1;
  d.memory_gb = 2;
  d.min_tasks = 1;
  d.max_tasks = 32;
  d.schedule = {{600, 32, 32}};
  const auto t = steady_trace();
  auto src = t.source();
  const auto r = simulate_ecs(*src, o);
  REQUIRE(r.arrived == r.outcomes.total());
  std::uint32_t largest_step = 0;
  for (std::size_t i = 1; i < r.timeline.size(); ++i) {
    if (r.timeline[i].instances > r.timeline[i - 1].instances) {
      largest_step = std::max(largest_step, r.timeline[i].instances - r.timeline[i - 1].instances);
    }
  }
  CHECK(largest_step == 4);
  CHECK(r.timeline.back().running == 32);
}

TEST_CASE("Cluster: binpack sizes the group, so 3 small tasks share one instance by default",
          "[containers]") {
  // ECS guide, "Amazon ECS managed scaling behavior": the instances to launch are computed for
  // the tasks that have no place, and "This calculation uses a binpack strategy"; spread (the
  // service default, ECS guide "Amazon ECS task placement strategies") only ranks the
  // registered instances that fit. Three 0.25-vCPU tasks fit one m5.large, whatever the
  // placement strategy or the number of AZs.
  Trace t;
  t.add(1, 100);
  EcsOptions o;
  o.as_of = Date{2024, 6, 1};
  o.cluster.instance_types = {"m5.large"};
  o.defaults.vcpu = 0.25;
  o.defaults.memory_gb = 0.5;
  o.defaults.tasks = 3;
  REQUIRE(o.cluster.placement == Placement::kSpread);
  {
    auto src = t.source();
    const auto r = simulate_ecs(*src, o);
    CHECK(r.hosts_max == 1);
    REQUIRE(r.usage.ec2.size() == 1);
    CHECK(r.usage.ec2[0].instances == 1);
  }
  {
    o.cluster.availability_zones = 2;
    auto src = t.source();
    CHECK(simulate_ecs(*src, o).hosts_max == 1);
  }
  {
    o.cluster.placement = Placement::kBinpack;
    auto src = t.source();
    CHECK(simulate_ecs(*src, o).hosts_max == 1);
  }
  {
    // A fixed cluster of 3 instances (one per AZ): 6 tasks, 2 per AZ.
    o.cluster.placement = Placement::kSpread;
    o.cluster.availability_zones = 3;
    o.cluster.instances = 3;
    o.defaults.tasks = 6;
    auto src = t.source();
    const auto r = simulate_ecs(*src, o);
    CHECK(r.hosts_max == 3);
    CHECK(r.instances_max == 6);
  }
}

TEST_CASE("Cluster: spread puts one task per AZ when instances exist in several AZs",
          "[containers]") {
  // min_instances = 3 t3.medium (one per AZ, the Auto Scaling group balances its AZs) and 3
  // tasks of 0.5 vCPU sharing 0.8 vCPU of CPU-bound work. Spread: one task per instance,
  // about 0.27 vCPU each, below the 0.4-vCPU baseline: no surplus CPU credits. Binpack: all 3
  // on one instance, 0.8 vCPU busy: 0.4 vCPU-hours an hour above the baseline.
  Trace t;
  for (int i = 0; i < 11'520; ++i)
    t.add(i * 0.625, 1000);  // 2 hours; 0.5 vCPU-seconds each on a 0.5-vCPU task
  EcsOptions o;
  o.as_of = Date{2024, 6, 1};
  o.cluster.instance_types = {"t3.medium"};
  o.cluster.min_instances = 3;
  auto& d = o.defaults;
  d.vcpu = 0.5;
  d.memory_gb = 0.5;
  d.tasks = 3;
  d.concurrency = 8;
  d.cpu_bound_fraction = 1;
  const auto surplus = [&](Placement p) {
    o.cluster.placement = p;
    auto src = t.source();
    const auto r = simulate_ecs(*src, o);
    CHECK(r.arrived == r.outcomes.total());
    CHECK(r.hosts_max == 3);
    for (const auto& l : r.bill.items)
      if (l.name.find("CPU credits") != std::string::npos) return l.quantity;
    return 0.0;
  };
  CHECK(surplus(Placement::kSpread) == 0.0);
  CHECK(surplus(Placement::kBinpack) == Approx(0.8).margin(0.1));
}

TEST_CASE("Cluster: placement, availability_zones and cpu_credits are validated by name",
          "[containers]") {
  EcsOptions o;
  o.as_of = Date{2024, 6, 1};
  ServiceConfig& d = o.defaults;
  set_container_option(o, d, "placement", "binpack");
  CHECK(o.cluster.placement == Placement::kBinpack);
  set_container_option(o, d, "availability_zones", "2");
  CHECK(o.cluster.availability_zones == 2);
  set_container_option(o, d, "cpu_credits", "standard");
  CHECK(o.cluster.cpu_credits == CpuCredits::kStandard);
  const auto key_of = [&](const char* k, const char* v) {
    try {
      EcsOptions e = o;
      set_container_option(e, e.defaults, k, v);
      validate_containers(e);
    } catch (const ConfigError& err) {
      return err.key() + ": " + err.message();
    }
    return std::string("accepted");
  };
  CHECK_THAT(key_of("placement", "random"), Catch::StartsWith("placement: 'random'"));
  CHECK_THAT(key_of("cpu_credits", "turbo"), Catch::StartsWith("cpu_credits: 'turbo'"));
  CHECK_THAT(key_of("availability_zones", "0"), Catch::StartsWith("availability_zones: 0"));
  CHECK_THAT(key_of("availability_zones", "7"), Catch::StartsWith("availability_zones: 7"));
}
