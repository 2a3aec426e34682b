// Review finding 6: start-up and launch delays are bounded (99.99th percentile at most one
// day) so that no sampled delay can overflow the simulation's time.

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

TEST_CASE("Containers: a start-up delay beyond a day is refused", "[containers]") {
  FargateOptions o;
  o.as_of = Date{2024, 6, 1};
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 2;
  o.defaults.start_from_zero = true;
  o.defaults.provisioning_s = Distribution::constant(5e12);
  Trace t;
  t.add(0, 10);
  {
    auto src = t.source();
    try {
      simulate_fargate(*src, o);
      FAIL("accepted a provisioning delay of 5e12 s");
    } catch (const ConfigError& e) {
      CHECK(e.key() == "provisioning_s");
      CHECK_THAT(e.message(), Catch::Contains("86400"));
    }
  }
  o.defaults.provisioning_s.reset();
  o.defaults.startup_s = Distribution::lognormal_from_median_p99(30, 1e9);
  CHECK_THROWS_AS(validate_containers(o), ConfigError);

  EcsOptions e;
  e.as_of = Date{2024, 6, 1};
  e.defaults.start_from_zero = true;
  e.cluster.instance_launch_s = Distribution::constant(5e12);
  try {
    validate_containers(e);
    FAIL("accepted an instance launch delay of 5e12 s");
  } catch (const ConfigError& x) {
    CHECK(x.key() == "instance_launch_s");
  }
}

TEST_CASE("Containers: a heavy-tailed start-up within bounds runs", "[containers]") {
  // p99.99 under a day, but draws far in the tail are possible: they are capped, not overflowed.
  FargateOptions o;
  o.as_of = Date{2024, 6, 1};
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 2;
  o.defaults.start_from_zero = true;
  o.defaults.min_tasks = 5;
  o.defaults.lb_timeout_s = 4000;
  o.defaults.startup_s = Distribution::lognormal_from_median_p99(1, 1000);
  Trace t;
  for (int i = 0; i < 50; ++i)
    t.add(i, 10);
  auto src = t.source();
  const auto r = simulate_fargate(*src, o);
  CHECK(r.arrived == r.outcomes.total());
}
