// Tests of the container model (ECS on EC2 and Fargate) against things outside it: Erlang C,
// processor sharing by hand, the target-tracking alarms, a bin-packing worked by hand, AWS's
// billing rules and `fargate_usage`.

#include "slsim/containers/containers.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "slsim/containers/options_io.hpp"
#include "slsim/core/confidence.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/array_source.hpp"
#include "slsim/workload/generators.hpp"
#include "trace.hpp"

using namespace slsim;

namespace {

const Date kAsOf{2024, 6, 1};

using container_test::Trace;

FargateOptions fixed_fargate(std::uint32_t tasks, double vcpu = 1, double memory_gb = 2) {
  FargateOptions o;
  o.as_of = kAsOf;
  o.defaults.vcpu = vcpu;
  o.defaults.memory_gb = memory_gb;
  o.defaults.tasks = tasks;
  o.defaults.concurrency = 1;  // one request at a time (M/M/c), not the auto concurrency
  o.defaults.lb_timeout_s = 4000;
  o.defaults.queue_size = 10'000'000;
  return o;
}

/// Erlang C: mean wait in queue of M/M/c with arrival rate lambda and service rate mu.
double erlang_c_wait(int c, double lambda, double mu) {
  const double a = lambda / mu, rho = a / c;
  double term = 1, sum = 0;  // a^k / k!
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term / (1 - rho);
  const double p_wait = top / (sum + top);
  return p_wait / (c * mu - lambda);
}

}  // namespace

TEST_CASE("Containers: a fixed service's mean queue wait matches Erlang C", "[containers]") {
  struct Case {
    int c;
    double rho;
  };
  for (const auto& [c, rho] : {Case{2, 0.5}, Case{5, 0.8}, Case{10, 0.93}}) {
    const double mu = 1.0;  // mean service 1 s
    const double lambda = rho * c * mu;
    std::vector<double> waits;
    for (std::uint64_t rep = 0; rep < 12; ++rep) {
      PoissonOptions p;
      p.rate_per_s = lambda;
      p.duration_s = 15'000;
      p.duration_ms = Distribution::exponential(1000 / mu);
      p.seed = 1000 + rep;
      p.memory_mb = 1769;  // measured at 1 vCPU: the 1-vCPU task's service time is the draw
      PoissonSource src(p);
      auto o = fixed_fargate(static_cast<std::uint32_t>(c));
      const auto r = simulate_fargate(src, o);
      REQUIRE(r.arrived == r.outcomes.completed);
      waits.push_back(r.figure("queue_wait_mean_ms") / 1000);
    }
    const auto ci = confidence_interval(waits, 0.99);
    const double expected = erlang_c_wait(c, lambda, mu);
    INFO("c=" << c << " rho=" << rho << " Erlang C " << expected << " s, simulated " << ci.mean
              << " +- " << ci.half_width);
    CHECK(ci.contains(expected));
  }
}

TEST_CASE("Containers: four CPU-bound requests on one vCPU take four times as long",
          "[containers]") {
  auto o = fixed_fargate(1);
  o.defaults.concurrency = 4;
  o.defaults.cpu_bound_fraction = 1;
  Trace one, four;
  one.add(0, 1000);
  for (int i = 0; i < 4; ++i)
    four.add(0, 1000);
  auto s1 = one.source();
  auto s4 = four.source();
  const auto r1 = simulate_fargate(*s1, o);
  const auto r4 = simulate_fargate(*s4, o);
  CHECK(r1.latency_completed_stats.mean() == Approx(1000).margin(0.01));
  CHECK(r4.latency_completed_stats.mean() == Approx(4000).margin(0.01));
  // Half CPU-bound: the I/O half does not stretch, the CPU half shares the vCPU with the others'
  // CPU halves (mean field, task_pool.hpp): its wall time x solves x = 0.5 (1 + 3 x / (0.5 + x)),
  // 2x^2 - 3x - 0.5 = 0, x = (3 + sqrt(13)) / 4; 1,000 x (0.5 + x) = 2,151.39 ms (sharing the
  // whole request would give 2,500).
  o.defaults.cpu_bound_fraction = 0.5;
  auto s4b = four.source();
  CHECK(simulate_fargate(*s4b, o).latency_completed_stats.mean() ==
        Approx(1000 * (0.5 + (3 + std::sqrt(13.0)) / 4)).margin(0.01));
  // Two vCPUs serve two serial requests at full speed each: 4 requests take 2x.
  auto o2 = fixed_fargate(1, 2, 4);
  o2.defaults.concurrency = 4;
  o2.defaults.cpu_bound_fraction = 1;
  auto s4c = four.source();
  CHECK(simulate_fargate(*s4c, o2).latency_completed_stats.mean() == Approx(2000).margin(0.01));
}

TEST_CASE("Containers: a late request shares the CPU only while it overlaps", "[containers]") {
  auto o = fixed_fargate(1);
  o.defaults.concurrency = 2;
  o.defaults.cpu_bound_fraction = 1;
  Trace t;
  t.add(0, 1000);    // alone for 0.5 s (0.5 s of work), then shared: 0.5 s of work at half speed
  t.add(0.5, 1000);  // shares 0.5..1.5 (0.5 s of work), then alone 0.5 s
  auto src = t.source();
  const auto r = simulate_fargate(*src, o);
  CHECK(r.latency_completed_stats.mean() == Approx(1500).margin(0.01));
  CHECK(r.latency_completed_stats.max() == Approx(1500).margin(0.01));
}

TEST_CASE("Containers: target tracking waits for its datapoints, settles, and scales in late",
          "[containers]") {
  FargateOptions o;
  o.as_of = kAsOf;
  auto& d = o.defaults;
  d.vcpu = 1;
  d.memory_gb = 2;
  d.concurrency = 1;
  d.cpu_bound_fraction = 1;
  d.min_tasks = 2;
  d.max_tasks = 50;
  d.target_cpu_pct = 50;
  d.queue_size = 10'000'000;
  d.lb_timeout_s = 4000;
  d.provisioning_s = Distribution::constant(0);
  d.startup_s = Distribution::constant(70);
  d.health_check_interval_s = 5;
  d.healthy_threshold = 2;  // ready 75..80 s after launch
  o.record_timeline = true;
  // 1/s for 10 minutes, 9.4/s (4.7 erlangs of 0.5 s requests) for an hour, then 1/s again.
  Trace t;
  for (double a = 0; a < 600; a += 1)
    t.add(a, 500);
  for (int i = 0; i < 9.4 * 3600; ++i)
    t.add(600 + i / 9.4, 500);
  for (double a = 4200; a < 7200; a += 1)
    t.add(a, 500);
  auto src = t.source();
  const auto r = simulate_fargate(*src, o);
  REQUIRE(r.arrived == r.outcomes.total());
  auto at = [&](double s) {
    for (const auto& x : r.timeline)
      if (std::fabs(x.time_s - s) < 1e-6) return x;
    FAIL("no sample at " << s);
    return ScalingSample{};
  };
  // Datapoints of minutes 10, 11, 12 are high: the alarm fires at 780 s; nothing serves
  // before 780 s + 75 s of start-up.
  CHECK(at(720).desired == 2);
  CHECK(at(780).desired == 4);  // ceil(2 x 100% / 50%)
  CHECK(at(840).running == 2);
  CHECK(at(900).running >= 4);
  // Settled where target tracking puts it: ceil(4.7 erlangs x 100 / 50) = 10.
  CHECK(at(4200).desired == 10);
  CHECK(at(4200).running == 10);
  // Load falls at 4200 s: the low alarm needs 15 datapoints (4260 ... 5100 s).
  CHECK(at(5040).desired == 10);
  CHECK(at(5100).desired == 2);
  CHECK(r.figure("scale_outs") >= 2);
}

TEST_CASE("Containers: binpack on EC2 needs the instances counted by hand", "[containers]") {
  // m5.large: 2 vCPU (2,048 units), 8 GiB of which 97.5% registers: floor(7987.2) = 7,987 MiB.
  //  a: 3 x (1 vCPU, 4 GB)    -> two never share an instance (8,192 > 7,987): 3 instances,
  //                              each left with 1,024 units and 3,891 MiB.
  //  b: 4 x (0.5 vCPU, 1 GB)  -> binpack fills instance 0, then 1 (CPU-bound): 2 per instance.
  //  c: 2 x (0.25 vCPU, 3 GB) -> c1 on instance 2 (819 MiB left), c2 fits nowhere: a 4th.
  // Totals (5.5 vCPU, 22,528 MiB) would suggest 3 instances; binpacking needs 4.
  EcsOptions o;
  o.as_of = kAsOf;
  o.cluster.instance_types = {"m5.large"};
  o.cluster.placement = Placement::kBinpack;
  auto svc = [&](const char* name, std::uint32_t n, double vcpu, double mem) {
    ServiceConfig s;
    s.functions = {name};
    s.tasks = n;
    s.vcpu = vcpu;
    s.memory_gb = mem;
    o.services[name] = s;
  };
  svc("a", 3, 1, 4);
  svc("b", 4, 0.5, 1);
  svc("c", 2, 0.25, 3);
  Trace none;
  auto src = none.source();
  const auto r = simulate_ecs(*src, o);
  CHECK(r.hosts_max == 4);
  CHECK(r.instances_max == 9);
  REQUIRE(r.usage.ec2.size() == 1);
  CHECK(r.usage.ec2[0].instances == 4);
}

TEST_CASE("Containers: Fargate and EC2 billing rounding", "[containers]") {
  auto o = fixed_fargate(1);
  {
    Trace t;  // the task lives 0..30 s: billed 60 s
    t.add(29, 1000);
    auto src = t.source();
    const auto r = simulate_fargate(*src, o);
    REQUIRE(r.usage.fargate.size() == 1);
    CHECK(r.usage.fargate[0].vcpu_milli_s == 60 * 1000);
    CHECK(r.usage.fargate[0].memory_mb_s == 60 * 2048);
  }
  {
    Trace t;  // 0..61.2 s: billed 62 s
    t.add(60.2, 1000);
    auto src = t.source();
    const auto r = simulate_fargate(*src, o);
    CHECK(r.usage.fargate[0].vcpu_milli_s == 62 * 1000);
  }
  {
    EcsOptions e;
    e.as_of = kAsOf;
    e.defaults.tasks = 1;
    Trace t;  // the instance lives 0..90 s: billed 90 s
    t.add(89, 1000);
    auto src = t.source();
    const auto r = simulate_ecs(*src, e);
    REQUIRE(r.usage.ec2.size() == 1);
    CHECK(r.usage.ec2[0].instance_s == 90);
    CHECK(r.usage.ec2[0].instances == 1);
  }
}

TEST_CASE("Containers: a fixed Fargate service's bill equals fargate_usage", "[containers]") {
  auto o = fixed_fargate(3, 0.5, 1);
  Trace t;
  for (int i = 0; i < 1000; ++i)
    t.add(i, 500);
  auto src = t.source();
  const auto r = simulate_fargate(*src, o);  // ends at 999.5 s: each task billed 1,000 s
  FargatePriceInput in;
  in.vcpu = 0.5;
  in.memory_gb = 1;
  in.tasks = 3;
  in.task_seconds = 999.5;
  const auto u = fargate_usage(RateCard::builtin(), in, kAsOf);
  REQUIRE(r.usage.fargate.size() == 1);
  CHECK(r.usage.fargate[0].vcpu_milli_s == u.vcpu_milli_s);
  CHECK(r.usage.fargate[0].memory_mb_s == u.memory_mb_s);
  Usage expected;
  expected.fargate.push_back(u);
  PricingOptions po;
  po.as_of = kAsOf;
  CHECK(r.bill.total_cents() == RateCard::builtin().price(expected, po).total_cents());
}

TEST_CASE("Containers: a full queue refuses, a long wait times out", "[containers]") {
  auto o = fixed_fargate(1);
  o.defaults.queue_size = 2;
  o.defaults.lb_timeout_s = 5;
  Trace t;
  for (int i = 0; i < 5; ++i)
    t.add(0, 4000);
  // One is served (0..4 s), two queue, two are refused. The first queued starts at 4 s and
  // would end at 8 s, past the 5 s timeout: the load balancer answers 504 at 5 s. The second
  // is still queued at 5 s: timed out too.
  auto src = t.source();
  const auto r = simulate_fargate(*src, o);
  CHECK(r.arrived == 5);
  CHECK(r.outcomes.completed == 1);
  CHECK(r.outcomes.refused == 2);
  CHECK(r.outcomes.timed_out == 2);
  CHECK(r.latency_ms.max() == Approx(5000).epsilon(0.01));
  // Refused at once by the full queue, the two never ran: counted, not in the latency (like a
  // throttled Lambda invocation), so they do not pull the percentiles down to 0 ms.
  CHECK(r.latency_stats.count() == 3);
  CHECK(r.latency_ms.quantile(0.0) > 3000);
}

TEST_CASE("Containers: validation names the key and what is allowed", "[containers]") {
  FargateOptions o;
  o.as_of = kAsOf;
  o.defaults.vcpu = 1;
  o.defaults.memory_gb = 1;
  try {
    validate_containers(o);
    FAIL("accepted 1 vCPU with 1 GB");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "memory_gb");
    CHECK_THAT(e.message(), Catch::Contains("1 vCPU: 2-8"));
  }
  o.defaults.memory_gb = 2;
  o.defaults.vcpu = 3;
  CHECK_THROWS_AS(validate_containers(o), ConfigError);
  o.defaults.vcpu = 1;
  o.defaults.arch = Arch::kArm64;
  o.as_of = Date{2020, 1, 1};
  try {
    validate_containers(o);
    FAIL("accepted arm64 in 2020");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "arch");
  }
  EcsOptions e;
  e.as_of = kAsOf;
  e.cluster.instance_types = {"m9.huge"};
  try {
    validate_containers(e);
    FAIL("accepted an unknown instance type");
  } catch (const ConfigError& x) {
    CHECK(x.key() == "instance_type");
  }
  e.cluster.instance_types = {"m5.large"};
  e.defaults.vcpu = 1;
  e.defaults.memory_gb = 8;  // more than an m5.large registers
  try {
    validate_containers(e);
    FAIL("accepted a task larger than the instance");
  } catch (const ConfigError& x) {
    CHECK(x.key() == "memory_gb");
  }
  e.defaults.memory_gb = 1;
  e.cluster.managed_scaling = true;
  e.as_of = Date{2018, 6, 1};
  CHECK_THROWS_AS(validate_containers(e), ConfigError);
}

TEST_CASE("Containers: nothing is lost over randomised scenarios", "[containers]") {
  RngStream rng(7, 0);
  const double sizes[][2] = {{0.25, 0.5}, {0.5, 1}, {1, 2}, {2, 4}};
  for (int k = 0; k < 1000; ++k) {
    const bool ec2 = rng.bernoulli(0.5);
    ContainerOptions o;
    o.launch_type = ec2 ? LaunchType::kEc2 : LaunchType::kFargate;
    o.as_of = rng.bernoulli(0.3) ? Date{2019, 3, 1} : Date{2024, 6, 1};
    o.seed = k;
    o.record_timeline = rng.bernoulli(0.2);
    auto& d = o.defaults;
    const auto& sz = sizes[rng.below(4)];
    d.vcpu = sz[0];
    d.memory_gb = sz[1];
    d.concurrency = 1 + static_cast<std::uint32_t>(rng.below(8));
    d.cpu_bound_fraction = rng.uniform();
    d.queue_size = static_cast<std::uint32_t>(rng.below(50));
    d.lb_timeout_s = 1 + rng.uniform() * 30;
    d.deregistration_delay_s = rng.uniform() * 60;
    d.start_from_zero = rng.bernoulli(0.2);
    d.provisioning_s = Distribution::uniform(0, 10);
    d.startup_s = Distribution::uniform(1, 20);
    d.health_check_interval_s = 5;
    d.healthy_threshold = 2;
    const auto mode = rng.below(4);
    if (mode == 0) {
      d.tasks = 1 + static_cast<std::uint32_t>(rng.below(4));
    } else {
      d.min_tasks = static_cast<std::uint32_t>(rng.below(3));
      d.max_tasks = *d.min_tasks + 1 + static_cast<std::uint32_t>(rng.below(10));
      if (mode == 1) d.target_cpu_pct = 20 + rng.uniform() * 60;
      if (mode == 2) d.target_requests_per_task = 10 + rng.uniform() * 100;
      if (mode == 3) {
        d.step_scaling = {{0, 20, -1}, {60, 80, 1}, {80, 1000, 3}};
        d.scale_out_cooldown_s = 60;
        d.schedule = {{600, 1, *d.max_tasks}};
      }
      d.scale_in_cooldown_s = 60;
    }
    if (ec2) {
      o.cluster.instance_types = {"c5.large", "m5.xlarge"};
      o.cluster.max_instances = 1 + static_cast<std::uint32_t>(rng.below(6));
      if (rng.bernoulli(0.3)) {
        o.cluster.instances = 1 + static_cast<std::uint32_t>(rng.below(3));
        o.cluster.max_instances = std::max(o.cluster.max_instances, o.cluster.instances);
      }
      o.cluster.spot = rng.bernoulli(0.3);
      o.cluster.spot_interruption_pct = 99;  // often, to exercise it
      o.cluster.spot_in_flight = rng.bernoulli(0.5) ? SpotInFlight::kRetry : SpotInFlight::kFail;
      o.cluster.instance_launch_s = Distribution::uniform(10, 90);
    } else if (o.as_of >= Date{2020, 1, 1}) {
      d.spot = rng.bernoulli(0.3);
      d.spot_interruption_pct = 99;
      d.spot_in_flight = rng.bernoulli(0.5) ? SpotInFlight::kRetry : SpotInFlight::kFail;
    }
    // A small bursty trace: calm, a burst, calm.
    Trace t;
    const double base = 0.2 + rng.uniform() * 3, burst = base * (1 + rng.uniform() * 10);
    const double len = 300 + rng.uniform() * 1500;
    double a = 0;
    while (a < len) {
      const double rate = (a > len / 3 && a < len / 2) ? burst : base;
      a += rng.exponential(1 / rate);
      t.add(a, 10 + rng.exponential(400));
    }
    auto src = t.source();
    INFO("scenario " << k);
    const auto r = simulate_containers(*src, o);
    REQUIRE(r.arrived == t.arrival_s.size());
    REQUIRE(r.arrived == r.outcomes.total());
    REQUIRE(r.outcomes.unfinished == 0);
    REQUIRE(r.bill.total_cents() >= 0);
  }
}

TEST_CASE("Containers: Spot interruptions drain, replace, and retry or fail", "[containers]") {
  // 4 erlangs of 8 s requests for 200 hours: at 99.99% a month (a hazard of 0.0126 per hour),
  // 6 tasks see about 15 interruptions, 3 instances about 7.5.
  Trace t;
  for (int i = 0; i < 200 * 1800; ++i)
    t.add(i * 2.0, 8000);
  for (const auto mode : {SpotInFlight::kRetry, SpotInFlight::kFail}) {
    FargateOptions o = fixed_fargate(6);
    o.defaults.spot = true;
    o.defaults.spot_interruption_pct = 99.99;  // about one interruption per task every 80 h
    o.defaults.spot_in_flight = mode;
    o.defaults.stop_timeout_s = 1;  // shorter than a request: some are cut off
    o.seed = 11;
    auto src = t.source();
    const auto r = simulate_fargate(*src, o);
    INFO(r.to_json());
    CHECK(r.arrived == r.outcomes.total());
    // Every interruption starts a replacement.
    CHECK(r.figure("spot_interruptions") >= 5);
    CHECK(r.figure("tasks_started") == 6 + r.figure("spot_interruptions"));
    if (mode == SpotInFlight::kRetry) {
      CHECK(r.retries > 0);
      CHECK(r.outcomes.failed == 0);
    } else {
      CHECK(r.retries == 0);
      CHECK(r.outcomes.failed > 0);
    }
    REQUIRE(r.usage.fargate.size() == 1);
    CHECK(r.usage.fargate[0].spot);
  }
  // EC2 Spot: the instance's tasks move to a new instance.
  EcsOptions e;
  e.as_of = kAsOf;
  e.defaults.tasks = 5;
  e.defaults.vcpu = 1;
  e.defaults.memory_gb = 2;
  e.defaults.lb_timeout_s = 4000;
  e.defaults.queue_size = 1'000'000;
  e.cluster.spot = true;
  e.cluster.spot_interruption_pct = 99.99;
  e.cluster.instance_types = {"m5.large"};
  e.seed = 5;
  auto src = t.source();
  const auto r = simulate_ecs(*src, e);
  INFO(r.to_json());
  CHECK(r.arrived == r.outcomes.completed + r.outcomes.failed);
  CHECK(r.figure("spot_interruptions") >= 2);
  CHECK(r.figure("instances_launched") >= 3 + r.figure("spot_interruptions"));
  // Two minutes of notice drain 8 s requests completely: nothing is cut off.
  CHECK(r.retries == 0);
  CHECK(r.outcomes.failed == 0);
  CHECK(r.usage.ec2.at(0).spot);
}

TEST_CASE("Containers: same seed, same result", "[containers]") {
  FargateOptions o;
  o.as_of = kAsOf;
  o.defaults.target_cpu_pct = 50;
  o.defaults.max_tasks = 20;
  o.defaults.spot = true;
  o.defaults.spot_interruption_pct = 90;
  auto run = [&] {
    PoissonOptions p;
    p.rate_per_s = 20;
    p.duration_s = 1800;
    p.duration_ms = Distribution::exponential(200);
    PoissonSource src(p);
    return simulate_fargate(src, o);
  };
  const auto a = run(), b = run();
  CHECK(a.to_json() == b.to_json());
}

TEST_CASE("Containers: settings round-trip through their text form", "[containers]") {
  ServiceConfig s;
  s.functions = {"a", "b"};
  s.vcpu = 2;
  s.memory_gb = 4;
  s.arch = Arch::kArm64;
  s.concurrency = 12;
  s.min_tasks = 2;
  s.max_tasks = 40;
  s.step_scaling = {{0, 20, -1}, {70, std::numeric_limits<double>::infinity(), 3}};
  s.schedule = {{28'800, 3, 40}};
  s.startup_s = Distribution::lognormal_from_median_p99(20, 60);
  s.spot = true;
  s.spot_in_flight = SpotInFlight::kFail;
  s.cpu_bound_fraction = 0.8;
  ContainerOptions o;
  ServiceConfig back;
  for (const auto& [k, v] : changed_service_options(s))
    set_container_option(o, back, k, v);
  CHECK(back == s);
  CHECK(changed_service_options(ServiceConfig{}).empty());
  // Unknown keys and malformed values name the key.
  try {
    set_container_option(o, back, "vcpus", "1");
    FAIL("accepted an unknown key");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "vcpus");
    CHECK_THAT(e.message(), Catch::Contains("vcpu"));
  }
  CHECK_THROWS_AS(set_container_option(o, back, "step_scaling", "1:2"), ConfigError);
  CHECK_THROWS_AS(set_container_option(o, back, "tasks", "-1"), ConfigError);
  // On EC2, cluster keys go to the cluster, and are refused in a service table.
  EcsOptions e;
  set_container_option(e, e.defaults, "instance_type", "m5.large, c5.large");
  CHECK(e.cluster.instance_types == std::vector<std::string>{"m5.large", "c5.large"});
  set_container_option(e, e.defaults, "spot", "true");
  CHECK(e.cluster.spot);
  CHECK_FALSE(e.defaults.spot);
  CHECK_THROWS_AS(set_container_option(e, back, "instances", "3", true), ConfigError);
}

TEST_CASE("Containers: requests-per-target tracking and managed scaling of the cluster",
          "[containers]") {
  // 10 requests a second = 600 a minute; a target of 60 per task needs 10 tasks. On EC2 two
  // (1 vCPU, 2 GB) tasks fill an m5.large: managed scaling at 100% settles at 5 instances.
  Trace t;
  for (int i = 0; i < 10 * 3600; ++i)
    t.add(i * 0.1, 100);
  EcsOptions o;
  o.as_of = kAsOf;
  o.record_timeline = true;
  auto& d = o.defaults;
  d.vcpu = 1;
  d.memory_gb = 2;
  d.concurrency = 10;
  d.min_tasks = 1;
  d.max_tasks = 30;
  d.target_requests_per_task = 60;
  o.cluster.instance_types = {"m5.large"};
  auto src = t.source();
  const auto r = simulate_ecs(*src, o);
  REQUIRE(r.arrived == r.outcomes.total());
  REQUIRE(!r.timeline.empty());
  const auto& last = r.timeline.back();
  CHECK(last.desired == 10);
  CHECK(last.running == 10);
  CHECK(last.instances == 5);
  CHECK(r.hosts_max == 5);
  CHECK(r.outcomes.completed == r.arrived);
  // The same on Fargate: 10 tasks, no instances.
  FargateOptions f;
  f.as_of = kAsOf;
  f.record_timeline = true;
  f.defaults = d;
  auto src2 = t.source();
  const auto rf = simulate_fargate(*src2, f);
  CHECK(rf.timeline.back().desired == 10);
  CHECK(rf.timeline.back().instances == 0);
  CHECK(rf.hosts_max == 0);
}
