// Review finding 3: step scaling cooldowns as Application Auto Scaling applies them
// (StepScalingPolicyConfiguration.Cooldown, docs/models.md "ECS autoscaling"): a scale-out
// during the cooldown after a scale-in happens at once; during a scale-out's cooldown only the
// part of a larger step beyond what was already added is applied.

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <vector>

#include "slsim/containers/containers.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/array_source.hpp"
#include "trace.hpp"

using namespace slsim;

namespace {

using container_test::Trace;

}  // namespace

namespace {

FargateOptions stepping_service() {
  FargateOptions o;
  o.as_of = Date{2024, 6, 1};
  auto& d = o.defaults;
  d.vcpu = 1;
  d.memory_gb = 2;
  d.concurrency = 1;
  d.cpu_bound_fraction = 1;
  d.min_tasks = 1;
  d.max_tasks = 20;
  d.initial_tasks = 3;
  d.queue_size = 10'000'000;
  d.lb_timeout_s = 4000;
  d.scale_in_cooldown_s = 300;
  d.scale_out_cooldown_s = 300;
  d.provisioning_s = Distribution::constant(0);
  d.startup_s = Distribution::constant(1000);  // new tasks do not serve within the test
  d.step_scaling = {{0, 20, -1}, {60, 90, 2}, {90, 1e9, 3}};
  o.record_timeline = true;
  return o;
}

std::uint32_t desired_at(const ContainerResult& r, double s) {
  for (const auto& x : r.timeline)
    if (std::fabs(x.time_s - s) < 1e-6) return x.desired;
  FAIL("no sample at " << s);
  return 0;
}

}  // namespace

TEST_CASE("Containers: a step scale-out is not held by a scale-in cooldown", "[containers]") {
  auto o = stepping_service();
  // Minute 0-60 idle (one tiny request): CPU ~0%, step -1 at 60 s (3 -> 2). From 60 s, 20
  // erlangs of CPU-bound work: the two tasks are busy (CPU >= 90%), step +3 at 120 s, within
  // the scale-in's cooldown.
  Trace t;
  t.add(1, 1);
  for (int i = 0; i < 20 * 240; ++i)
    t.add(60 + i / 20.0, 1000);
  auto src = t.source();
  const auto r = simulate_fargate(*src, o);
  REQUIRE(r.arrived == r.outcomes.total());
  CHECK(desired_at(r, 60) == 2);
  CHECK(desired_at(r, 120) == 5);
  // During the scale-out's cooldown the same +3 step adds nothing more.
  CHECK(desired_at(r, 180) == 5);
  CHECK(desired_at(r, 240) == 5);
}

TEST_CASE("Containers: a larger step in a scale-out cooldown adds only the difference",
          "[containers]") {
  auto o = stepping_service();
  o.defaults.initial_tasks = 4;
  o.defaults.step_scaling = {{0, 20, -1}, {60, 90, 1}, {90, 1e9, 3}};
  // Minute 0-60: 4 tasks, 3 erlangs: CPU 75%, step +1 at 60 s (4 -> 5). Minute 60-120: 8
  // erlangs on the 4 serving tasks: CPU 100%, step +3 within the cooldown: only 3 - 1 = 2 more
  // (5 -> 7).
  Trace t;
  for (int i = 0; i < 3 * 60; ++i)
    t.add(i / 3.0, 1000);
  for (int i = 0; i < 8 * 120; ++i)
    t.add(60 + i / 8.0, 1000);
  auto src = t.source();
  const auto r = simulate_fargate(*src, o);
  REQUIRE(r.arrived == r.outcomes.total());
  CHECK(desired_at(r, 60) == 5);
  CHECK(desired_at(r, 120) == 7);
}

TEST_CASE("Containers: target tracking and step scaling together: the larger count wins",
          "[containers]") {
  // Review finding 4: AWS allows several policies on a service and applies the one giving the
  // most capacity (API_PutScalingPolicy).
  auto o = stepping_service();
  o.defaults.initial_tasks = 2;
  o.defaults.target_cpu_pct = 50;
  o.defaults.step_scaling = {{90, 1e9, 5}};
  // 20 erlangs from 0 s on two tasks: CPU 100%. The step acts on the first datapoint (2 -> 7);
  // target tracking fires on the third (ceil(2 x 100 / 50) = 4) and asks for less: 7 stays.
  Trace t;
  for (int i = 0; i < 20 * 240; ++i)
    t.add(i / 20.0, 1000);
  auto src = t.source();
  const auto r = simulate_fargate(*src, o);
  REQUIRE(r.arrived == r.outcomes.total());
  CHECK(desired_at(r, 60) == 7);
  CHECK(desired_at(r, 180) == 7);
  CHECK(desired_at(r, 240) == 7);  // new tasks are still starting: nothing more is asked
}
