// Review finding 2: the CPU a request uses under Amdahl's law. A request whose work is
// partly parallel (0 < parallel_fraction < 1) on a task of several vCPUs runs at
// cpu_speed(vcpu, p) vCPUs, not on all of them (slsim/platform/duration_model.hpp).

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

TEST_CASE("Containers: a partly parallel request uses cpu_speed of the task's vCPUs",
          "[containers]") {
  FargateOptions o;
  o.as_of = Date{2024, 6, 1};
  o.defaults.vcpu = 2;
  o.defaults.memory_gb = 4;
  o.defaults.tasks = 1;
  o.defaults.concurrency = 1;
  o.defaults.cpu_bound_fraction = 1;
  o.defaults.parallel_fraction = 0.5;
  o.defaults.queue_size = 1000;
  o.defaults.lb_timeout_s = 4000;
  // Back to back, one request at a time, for 100 s: the task is never idle. By hand, Amdahl:
  // speed = 1 / ((1 - 0.5) + 0.5 / 2) = 4/3 vCPU busy of 2, utilisation 2/3.
  Trace t;
  for (int i = 0; i < 100; ++i)
    t.add(i, 1000);
  auto src = t.source();
  const auto r = simulate_fargate(*src, o);
  REQUIRE(r.outcomes.completed == 100);
  CHECK(r.utilisation == Approx(2.0 / 3.0).epsilon(0.01));
}

TEST_CASE("Containers: serial and fully parallel requests keep their CPU use", "[containers]") {
  for (const double p : {0.0, 1.0}) {
    FargateOptions o;
    o.as_of = Date{2024, 6, 1};
    o.defaults.vcpu = 2;
    o.defaults.memory_gb = 4;
    o.defaults.tasks = 1;
    o.defaults.cpu_bound_fraction = 1;
    o.defaults.parallel_fraction = p;
    o.defaults.lb_timeout_s = 4000;
    Trace t;
    for (int i = 0; i < 100; ++i)
      t.add(i, 1000);
    auto src = t.source();
    const auto r = simulate_fargate(*src, o);
    // Serial: one vCPU of two; fully parallel: both.
    CHECK(r.utilisation == Approx(p == 0 ? 0.5 : 1.0).epsilon(0.01));
  }
}
