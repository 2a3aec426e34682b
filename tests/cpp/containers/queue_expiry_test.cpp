// Review finding 1: a request whose wait in the load balancer's queue has passed lb_timeout_s
// leaves the queue when it expires, not at the next one-minute tick, so it does not take the place
// of a later request (which would be refused instead of queued).

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

TEST_CASE("Containers: expired requests free their queue place at once", "[containers]") {
  FargateOptions o;
  o.as_of = Date{2024, 6, 1};
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 2;
  o.defaults.tasks = 1;
  o.defaults.concurrency = 1;
  o.defaults.queue_size = 1;
  o.defaults.lb_timeout_s = 1;
  // By hand: A (100 s) takes the only task at 0 s and times out (504 at 1 s, the task still
  // works on it); B queues at 0.1 s and expires at 1.1 s; C at 5 s finds the queue empty, queues,
  // and expires at 6 s. Nothing is refused.
  Trace t;
  t.add(0, 100'000);
  t.add(0.1, 10);
  t.add(5, 10);
  auto src = t.source();
  const auto r = simulate_fargate(*src, o);
  CHECK(r.arrived == 3);
  CHECK(r.outcomes.refused == 0);
  CHECK(r.outcomes.timed_out == 3);
  CHECK(r.outcomes.completed == 0);
}
