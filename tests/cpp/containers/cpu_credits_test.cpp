// Burstable instances (T3, T4g) in unlimited mode bill the CPU credits they spend beyond what
// they earn. docs/models.md, "ECS on EC2".

#include <catch2/catch.hpp>
#include <string>

#include "slsim/containers/containers.hpp"
#include "slsim/containers/options_io.hpp"
#include "slsim/platform/config_error.hpp"
#include "trace.hpp"

using namespace slsim;

namespace {

using container_test::Trace;

/// One fixed 2-vCPU task on `type`, a request a second of `ms` single-threaded CPU work for a
/// day: on average ms / 1000 vCPUs busy.
ContainerResult day_at(const char* type, double ms) {
  Trace t;
  for (int i = 0; i < 86'400; ++i)
    t.add(i, ms);
  EcsOptions o;
  o.as_of = Date{2024, 6, 1};
  o.cluster.instance_types = {type};
  o.cluster.associate_public_ip = false;  // the instance and its credits alone
  auto& d = o.defaults;
  d.vcpu = 2;
  d.memory_gb = 3;
  d.tasks = 1;
  d.concurrency = 8;
  d.cpu_bound_fraction = 1;
  auto src = t.source();
  return simulate_ecs(*src, o);
}

const LineItem* credits_line(const Bill& b) {
  for (const auto& l : b.items)
    if (l.name.find("CPU credits") != std::string::npos) return &l;
  return nullptr;
}

}  // namespace

TEST_CASE("Cluster: an unlimited t3.medium at 80% CPU for a day bills its surplus credits",
          "[containers]") {
  // t3.medium: 2 vCPU, baseline 20% per vCPU = 0.4 vCPU (24 credits an hour; at most 576 =
  // 9.6 vCPU-hours banked, or owed). 1.6 vCPU busy: 1.2 vCPU-hours a hour above the baseline,
  // 28.8 in a day, at $0.05 per vCPU-hour (Linux, us-east-1): $1.44 on top of 24 instance-hours
  // at $0.0416 ($1.00): 2.44x the instance alone.
  const auto r = day_at("t3.medium", 1600);
  REQUIRE(r.arrived == r.outcomes.total());
  CHECK(r.outcomes.completed == r.arrived);
  const auto* line = credits_line(r.bill);
  REQUIRE(line != nullptr);
  CHECK(line->platform == "ec2");
  CHECK(line->unit == "vCPU-hours");
  CHECK(line->quantity == Approx(28.8).margin(0.05));
  CHECK(line->usd() == Approx(1.44).margin(0.01));
  CHECK(r.bill.total_usd() / 0.9984 == Approx(2.44).margin(0.01));
}

TEST_CASE("Cluster: no credit line below the baseline, nor on a type that does not burst",
          "[containers]") {
  CHECK(credits_line(day_at("t3.medium", 300).bill) == nullptr);  // 0.3 of 0.4 vCPU
  CHECK(credits_line(day_at("m5.large", 1600).bill) == nullptr);
}

TEST_CASE("Cluster: cpu_credits standard is refused until it is modelled", "[containers]") {
  EcsOptions o;
  o.as_of = Date{2024, 6, 1};
  o.cluster.cpu_credits = CpuCredits::kStandard;
  try {
    validate_containers(o);
    FAIL("standard accepted");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "cpu_credits");
    CHECK_THAT(e.message(), Catch::Contains("use unlimited"));
  }
}
