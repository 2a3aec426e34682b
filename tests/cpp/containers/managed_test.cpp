// Issue 24: Lambda Managed Instances (lambda-managed) and Amazon ECS Managed Instances
// (ecs-managed), on the container model (docs/models.md, "Lambda Managed Instances", "ECS
// Managed Instances").

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>

#include "slsim/compare/compare.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/containers/sizing.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/generators.hpp"
#include "trace.hpp"

using namespace slsim;

namespace {

const Date kAsOf{2026, 11, 1};

WorkloadFactory poisson(double rate_per_s, double duration_s, double work_ms,
                        std::uint32_t memory_mb = 1024, double p99_factor = 2) {
  return [=](std::uint64_t seed, double k) -> std::unique_ptr<WorkloadSource> {
    GeneratorOptions o;
    o.rate_per_s = rate_per_s * k;
    o.duration_s = duration_s;
    o.duration_ms = Distribution::lognormal_from_median_p99(work_ms, work_ms * p99_factor);
    o.function = "api";
    o.memory_mb = memory_mb;
    o.seed = seed;
    return std::make_unique<PoissonSource>(o);
  };
}

CompareOptions options() {
  CompareOptions o;
  o.as_of = kAsOf;
  o.seed = 3;
  o.free_tier = false;
  return o;
}

LambdaManagedOptions lmi(double cpu_bound = 0.5) {
  LambdaManagedOptions o;
  o.as_of = kAsOf;
  o.defaults.cpu_bound_fraction = cpu_bound;
  return o;
}

LambdaOptions lambda(std::uint32_t memory_mb = 1024) {
  LambdaOptions o;
  o.as_of = kAsOf;
  o.defaults.memory_mb = memory_mb;
  return o;
}

bool has_line(const CostBreakdown& c, const std::string& start) {
  for (const auto& l : c.lines)
    if (l.name.rfind(start, 0) == 0) return true;
  return false;
}

double line_usd(const Bill& b, const std::string& start) {
  double usd = 0;
  for (const auto& l : b.items)
    if (l.name.rfind(start, 0) == 0) usd += l.usd();
  return usd;
}

/// 10 messages/s of 100 ms for 2,000 s on Lambda Managed Instances, a fifth of the runs failing.
ContainerResult failing_worker(InvocationType type) {
  GeneratorOptions g;
  g.function = "worker";
  g.rate_per_s = 10;
  g.duration_s = 2000;
  g.duration_ms = Distribution::constant(100);
  g.type = type;
  g.seed = 4;
  PoissonSource src(g);
  auto o = lmi();
  o.defaults.error_probability = 0.2;
  return simulate_containers(src, size_containers(o, {}, RateCard::builtin()));
}

}  // namespace

TEST_CASE("Managed instances: AWS's Lambda Managed Instances pricing example, On-Demand",
          "[containers][managed]") {
  // https://aws.amazon.com/lambda/pricing/ (Lambda Managed Instances example): 100 M requests,
  // m7g.xlarge at $0.1632/h for 2,000 instance-hours; fee $0.1632 x 15% = $0.02448/h, $48.96;
  // requests $20. The example buys a Savings Plan for the instances; On-Demand they cost
  // 2,000 x $0.1632 = $326.40 and the fee is the same (it is on the On-Demand price).
  Usage u;
  Ec2Usage e{"m7g.xlarge", false, 1, 2000 * 3600};
  e.manager = Ec2Manager::kLambda;
  u.ec2.push_back(e);
  u.lambda_managed_requests = 100'000'000;
  PricingOptions po;
  po.as_of = kAsOf;
  const Bill b = RateCard::builtin().price(u, po);
  CHECK(line_usd(b, "EC2 m7g.xlarge") == Approx(326.40));
  CHECK(line_usd(b, "Lambda Managed Instances management fee") == Approx(48.96));
  CHECK(line_usd(b, "Lambda Managed Instances requests") == Approx(20.00));
  CHECK(b.total_usd() == Approx(395.36));
  // No duration line, no free tier.
  CHECK(line_usd(b, "Lambda duration") == 0);
  // A discount on the instances (a Savings Plan as discount_pct) leaves the fee alone.
  po.discount_pct["ec2"] = 72;
  const Bill d = RateCard::builtin().price(u, po);
  CHECK(line_usd(d, "Lambda Managed Instances management fee") == Approx(48.96));
  CHECK(line_usd(d, "ec2 discount") == Approx(-0.72 * 326.40).epsilon(1e-4));

  // ECS Managed Instances: a fee per instance-hour (12% of On-Demand, rules.csv).
  Usage v;
  Ec2Usage f{"m5.large", false, 1, 100 * 3600};
  f.manager = Ec2Manager::kEcs;
  v.ec2.push_back(f);
  const Bill c = RateCard::builtin().price(v, PricingOptions{kAsOf});
  CHECK(line_usd(c, "EC2 m5.large") == Approx(9.60));
  CHECK(line_usd(c, "ECS Managed Instances management fee") == Approx(1.15));
}

TEST_CASE("Managed instances: a steady API shows both platforms' bills", "[containers][managed]") {
  // 50 requests/s with 80 ms median work: both platforms run it, each with an EC2 line and a
  // management fee line; Lambda Managed Instances adds Lambda's requests and no duration.
  const auto wl = poisson(50, 1800, 80);
  EcsManagedOptions em;
  em.as_of = kAsOf;
  const auto c = compare(wl, {lambda_managed_runner(lmi()), ecs_managed_runner(em)}, options());
  const auto* l = c.find("lambda-managed");
  const auto* e = c.find("ecs-managed");
  REQUIRE(l);
  REQUIRE(e);
  REQUIRE_FALSE(l->impossible);
  REQUIRE_FALSE(e->impossible);
  for (const auto* p : {l, e}) {
    const auto& r = p->runs[0];
    CHECK(r.outcomes.total() == r.arrived);
    CHECK(r.outcomes.completed == r.arrived);
    CHECK(has_line(p->costs[0], "EC2 "));
    CHECK(has_line(p->costs[0], p == l ? "Lambda Managed Instances management fee"
                                       : "ECS Managed Instances management fee"));
  }
  CHECK(has_line(l->costs[0], "Lambda Managed Instances requests"));
  CHECK_FALSE(has_line(l->costs[0], "Lambda duration"));
  CHECK_FALSE(has_line(l->costs[0], "Application Load Balancer"));
  CHECK(has_line(e->costs[0], "Application Load Balancer"));
  // Three instances at least (Lambda's capacity provider), no per-request cold start.
  CHECK(l->runs[0].hosts_mean >= 3 - 1e-9);
  CHECK(l->runs[0].cold_starts == 0);
  CHECK_THAT(l->label, Catch::Contains("Lambda Managed Instances"));
  CHECK_THAT(e->label, Catch::Contains("ECS Managed Instances ("));  // the type AWS would pick
}

TEST_CASE("Managed instances: steady I/O-heavy volume is cheaper on Lambda Managed Instances",
          "[containers][managed]") {
  // 300 requests/s of 200 ms, 90% waiting on I/O, at 2 GB: Lambda bills every millisecond of
  // waiting (300 x 0.2 s x 2 GB = 120 GB-s per second, ~$5,250 a month); environments of 1 vCPU
  // serve 16 requests each at once on shared instances.
  const auto wl = poisson(300, 1800, 200, 2048);
  const auto c =
      compare(wl, {lambda_runner(lambda(2048)), lambda_managed_runner(lmi(0.1))}, options());
  REQUIRE(c.recommendation.platform);
  CHECK(*c.recommendation.platform == "lambda-managed");
  const auto* l = c.find("lambda");
  const auto* m = c.find("lambda-managed");
  CHECK(m->figures.monthly_usd.mean < 0.5 * l->figures.monthly_usd.mean);
  CHECK(m->runs[0].outcomes.refused == 0);
  // The reason is in the report: Lambda is dearer by so much a month.
  bool said = false;
  for (const auto& [name, why] : c.recommendation.reasons)
    said = said || (name == "lambda" && why.find("more expensive") != std::string::npos);
  CHECK(said);
}

TEST_CASE("Managed instances: sparse traffic pays for three idle instances",
          "[containers][managed]") {
  // One request a minute: Lambda costs cents, Lambda Managed Instances three instances.
  const auto wl = poisson(1.0 / 60, 3600, 200);
  const auto c = compare(wl, {lambda_runner(lambda()), lambda_managed_runner(lmi())}, options());
  REQUIRE(c.recommendation.platform);
  CHECK(*c.recommendation.platform == "lambda");
  const auto* m = c.find("lambda-managed");
  CHECK(m->figures.monthly_usd.mean > 100 * c.find("lambda")->figures.monthly_usd.mean);
  CHECK(m->runs[0].hosts_mean == Approx(3));
  // Three environments of 1 vCPU need no more than three large instances (not xlarge: the
  // instance choice counted the unused defaults once).
  CHECK_THAT(m->label, Catch::Contains(".large)"));
  // The reason: the instances are billed whether or not requests come.
  bool said = false;
  for (const auto& n : m->runs[0].notes)
    said = said || n.find("whether or not requests come") != std::string::npos;
  CHECK(said);
}

TEST_CASE("Managed instances: a jump faster than the scaling throttles Lambda Managed Instances",
          "[containers][managed]") {
  // 10 requests/s for 20 minutes, then 80/s (eight times) for 10 minutes: more than doubling
  // within five minutes throttles while Lambda Managed Instances scales ("If your traffic more
  // than doubles within 5 minutes, you may see throttles"); Lambda on demand scales 1,000
  // environments every 10 seconds and throttles nothing.
  // A hand-made trace: arrivals evenly spaced, the rate stepping up at 1,200 s.
  container_test::Trace t;
  double at = 0;
  while (at < 1800) {
    t.add(at, 500);
    at += at < 1200 ? 0.1 : 0.0125;
  }
  LambdaManagedOptions o = lmi(1.0);  // CPU-bound: 1 vCPU serves 2 requests/s of 500 ms
  o.defaults.reference_memory_mb = 2048;
  o.defaults.max_tasks = 100;     // sized without a pass over the trace: room to scale
  o.defaults.initial_tasks = 10;  // 10/s of 0.5 vCPU-s at the 50 % target: the steady state
  auto src = t.source();
  ContainerOptions sized = size_containers(o, {}, RateCard::builtin());
  const auto r = simulate_containers(*src, sized);
  CHECK(r.outcomes.total() == r.arrived);
  // Every throttle comes after the jump (the same run cut before it throttles nothing).
  CHECK(r.outcomes.refused > 0);
  container_test::Trace before;
  for (std::size_t i = 0; i < t.arrival_s.size() && t.arrival_s[i] < 1200; ++i)
    before.add(t.arrival_s[i], t.duration_ms[i]);
  auto src0 = before.source();
  CHECK(simulate_containers(*src0, sized).outcomes.refused == 0);

  LambdaOptions lo = lambda(2048);
  auto src2 = t.source();
  const auto d = simulate_lambda(*src2, lo);
  CHECK(d.outcomes.total() == d.arrived);
  CHECK(d.outcomes.refused == 0);
}

TEST_CASE("Managed instances: traffic that nearly doubles at once is served while it scales",
          "[containers][managed]") {
  // AWS: Lambda Managed Instances "scale to handle traffic doubling within five minutes by
  // default" (the target leaves half the capacity free): 10 -> 18 requests/s throttles nothing
  // (an exact doubling runs the environments at 100 % CPU until the new ones serve).
  container_test::Trace t;
  double at = 0;
  while (at < 1800) {
    t.add(at, 500);
    at += at < 1200 ? 0.1 : 0.1 / 1.8;
  }
  LambdaManagedOptions o = lmi(1.0);
  o.defaults.reference_memory_mb = 2048;
  o.defaults.max_tasks = 100;     // sized without a pass over the trace: room to scale
  o.defaults.initial_tasks = 10;  // 10/s of 0.5 vCPU-s at the 50 % target: the steady state
  auto src = t.source();
  const auto r = simulate_containers(*src, size_containers(o, {}, RateCard::builtin()));
  CHECK(r.outcomes.total() == r.arrived);
  CHECK(r.outcomes.refused == 0);
  CHECK(r.figure("scale_outs") > 0);
}

TEST_CASE("Managed instances: before launch they cannot run", "[containers][managed]") {
  auto o = lmi();
  o.as_of = Date{2025, 6, 1};
  try {
    validate_containers(o);
    FAIL("accepted a date before launch");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "as_of");
    CHECK_THAT(e.message(), Catch::Contains("launched on 2025-11-30"));
  }
  EcsManagedOptions em;
  em.as_of = Date{2025, 6, 1};
  CHECK_THROWS_WITH(validate_containers(em), Catch::Contains("launched on 2025-09-30"));
  // In a comparison: "cannot run", and the others go on.
  CompareOptions co = options();
  co.as_of = Date{2025, 6, 1};
  auto l = lambda();
  l.as_of = co.as_of;
  const auto c = compare(poisson(5, 600, 100), {lambda_runner(l), lambda_managed_runner(o)}, co);
  REQUIRE(c.find("lambda-managed")->impossible);
  CHECK_THAT(*c.find("lambda-managed")->impossible, Catch::Contains("launched on 2025-11-30"));
  CHECK(c.recommendation.platform == std::optional<std::string>("lambda"));
}

TEST_CASE("Managed instances: Lambda's longest timeout holds on Managed Instances",
          "[containers][managed]") {
  // A 20-minute job: Lambda Managed Instances cannot run it (900 s), ECS Managed Instances can.
  const auto wl = [](std::uint64_t seed, double) -> std::unique_ptr<WorkloadSource> {
    GeneratorOptions g;
    g.function = "report";
    g.rate_per_s = 1.0 / 600;
    g.duration_s = 3600;
    g.duration_ms = Distribution::constant(1'200'000);
    g.type = InvocationType::kAsync;
    g.seed = seed;
    return std::make_unique<PoissonSource>(g);
  };
  EcsManagedOptions em;
  em.as_of = kAsOf;
  const auto c = compare(wl, {lambda_managed_runner(lmi()), ecs_managed_runner(em)}, options());
  REQUIRE(c.find("lambda-managed")->impossible);
  CHECK_THAT(*c.find("lambda-managed")->impossible, Catch::Contains("900 s"));
  CHECK_FALSE(c.find("ecs-managed")->impossible);
}

TEST_CASE("Managed instances: bad settings name the key", "[containers][managed]") {
  const auto key_of = [](const ContainerOptions& o) {
    try {
      validate_containers(o);
    } catch (const ConfigError& e) {
      return e.key();
    }
    return std::string("(accepted)");
  };
  auto o = lmi();
  o.defaults.memory_per_vcpu_gb = 3;
  CHECK(key_of(o) == "memory_per_vcpu_gb");
  o = lmi();
  o.defaults.memory_gb = 1;
  CHECK(key_of(o) == "memory_mb");
  o = lmi();
  o.defaults.memory_gb = 3;  // 1.5 vCPU at 2 GB per vCPU
  CHECK(key_of(o) == "memory_mb");
  o = lmi();
  o.cluster.instance_types = {"t3.medium"};
  CHECK(key_of(o) == "instance_type");
  o = lmi();
  o.cluster.instance_types = {"m9z.large"};
  CHECK(key_of(o) == "instance_type");
  o = lmi();
  o.defaults.concurrency = 5000;
  CHECK(key_of(o) == "concurrency");
  o = lmi();
  o.defaults.min_tasks = 0;
  CHECK(key_of(o) == "min_environments");
  o = lmi();
  o.cluster.spot = true;
  CHECK(key_of(o) == "spot");
  EcsManagedOptions e;
  e.as_of = kAsOf;
  e.cluster.scale_in_after_s = 7200;
  CHECK(key_of(e) == "scale_in_after_s");
  e.cluster.scale_in_after_s = -1;
  CHECK(key_of(e) == "(accepted)");
  e.as_of = Date{2025, 10, 15};
  e.cluster.spot = true;
  CHECK(key_of(e) == "spot");  // Spot from 2025-12-18
  EcsOptions plain;
  plain.as_of = kAsOf;
  plain.cluster.scale_in_after_s = 60;
  CHECK(key_of(plain) == "scale_in_after_s");
  // Memory beyond the limit of the date: 32 GB from 2026-03-27.
  o = lmi();
  o.defaults.memory_gb = 32;
  CHECK(key_of(o) == "(accepted)");
  o.as_of = Date{2026, 1, 15};
  CHECK(key_of(o) == "memory_mb");
}

TEST_CASE("Managed instances: environments are sized from the runtime and the trace",
          "[containers][managed]") {
  auto o = lmi();
  o.defaults.runtime = LambdaRuntime::kNodejs;
  o.defaults.memory_per_vcpu_gb = 4;
  const auto s = size_containers(o, {}, RateCard::builtin());
  CHECK(s.defaults.memory_gb == 4);  // 2 GB at least, whole vCPUs at 4 GB each
  CHECK(s.defaults.vcpu == 1);
  CHECK(s.defaults.concurrency == 64);  // Node.js: 64 per vCPU
  CHECK(s.defaults.target_cpu_pct == std::optional<double>(50));
  CHECK(s.defaults.min_tasks == std::optional<std::uint32_t>(3));
  REQUIRE(s.cluster.instance_types.size() == 1);
  // AWS picks C, M or R instances for Lambda Managed Instances, never a burstable one.
  const auto t = s.cluster.instance_types.front();
  CHECK((t[0] == 'c' || t[0] == 'm' || t[0] == 'r'));
}

// ---- outside review of issue 24 ---------------------------------------------------------------

TEST_CASE("Managed instances: replacing instances keeps the service up", "[containers][managed]") {
  // Review 1: at 14 days every instance was drained at once (3 -> 0 environments, requests
  // refused). A replacement is launched first, instances launched together are replaced apart.
  const auto wl = poisson(0.5, 16 * 86'400.0, 200);
  auto src = wl(5, 1.0);
  auto o = lmi();
  o.record_timeline = true;
  const auto r = simulate_containers(*src, size_containers(o, {}, RateCard::builtin()));
  CHECK(r.outcomes.total() == r.arrived);
  CHECK(r.outcomes.refused == 0);
  CHECK(r.figure("instances_retired") >= 3);
  std::uint32_t least = UINT32_MAX;
  for (const auto& s : r.timeline)
    if (s.time_s > 13.9 * 86'400) least = std::min(least, s.running);
  CHECK(least >= 2);

  EcsManagedOptions e;
  e.as_of = kAsOf;
  e.defaults.min_tasks = 2;
  auto src2 = wl(5, 1.0);
  const auto er = simulate_containers(*src2, size_containers(e, {}, RateCard::builtin()));
  CHECK(er.outcomes.completed == er.arrived);
  CHECK(er.figure("instances_retired") >= 1);
}

TEST_CASE("Managed instances: ECS Managed Instances spreads tasks over three instances",
          "[containers][managed]") {
  // Review 2: "distribution across at least 3 instances in different Availability Zones when
  // possible" (managed-instance-auto-scaling.html); and the general-purpose types.
  EcsManagedOptions e;
  e.as_of = kAsOf;
  e.defaults.vcpu = 0.5;
  e.defaults.memory_gb = 1;
  e.defaults.concurrency = 4;
  e.defaults.min_tasks = 3;
  e.defaults.max_tasks = 6;
  const auto sized = size_containers(e, {}, RateCard::builtin());
  REQUIRE(sized.cluster.instance_types.size() == 1);
  CHECK(sized.cluster.instance_types.front()[0] == 'm');
  auto src = poisson(20, 3600, 80)(2, 1.0);
  const auto r = simulate_containers(*src, sized);
  CHECK(r.hosts_mean >= 2.9);
}

TEST_CASE("Managed instances: asynchronous invocations follow Lambda's retry rules",
          "[containers][managed]") {
  // Review 3: two retries, then the event fails (0.2^3 = 0.8 % of them).
  const auto r = failing_worker(InvocationType::kAsync);
  CHECK(r.outcomes.total() == r.arrived);
  const double failed = static_cast<double>(r.arrived - r.outcomes.completed) / r.arrived;
  CHECK(failed == Approx(0.008).margin(0.003));
}

TEST_CASE("Managed instances: environments up to 32 GB and 16 vCPU", "[containers][managed]") {
  // Review 4: ECS's 10-vCPU task limit refused AWS's largest environments.
  auto o = lmi();
  o.defaults.memory_gb = 32;  // 16 vCPU at 2 GB each
  CHECK_NOTHROW(validate_containers(o));
  const auto sized = size_containers(o, {}, RateCard::builtin());
  CHECK(sized.defaults.vcpu == 16);
  auto src = poisson(2, 600, 200)(1, 1.0);
  const auto r = simulate_containers(*src, sized);
  CHECK(r.outcomes.completed == r.arrived);
  o.defaults.memory_gb = 34;
  CHECK_THROWS_WITH(validate_containers(o), Catch::Contains("2048 to 32768 MB"));
}

TEST_CASE("Managed instances: traffic quadrupling within five minutes throttles",
          "[containers][managed]") {
  // Review 6: "If your traffic more than doubles within 5 minutes, you may see throttles" —
  // a ramp doubling every 150 s throttled nothing; the environments now at most double in five
  // minutes.
  container_test::Trace t;
  double at = 0, rate = 5;
  while (at < 2400) {
    t.add(at, 500);
    if (at >= 1200 && rate < 80) rate = 5 * std::pow(2.0, (at - 1200) / 150);
    at += 1 / rate;
  }
  auto o = lmi(1.0);
  o.defaults.reference_memory_mb = 2048;
  o.defaults.max_tasks = 200;
  o.defaults.initial_tasks = 5;
  auto src = t.source();
  const auto r = simulate_containers(*src, size_containers(o, {}, RateCard::builtin()));
  CHECK(r.outcomes.total() == r.arrived);
  CHECK(r.outcomes.refused > 0);
}

TEST_CASE("Managed instances: errors in Lambda's words, and settings AWS does not offer",
          "[containers][managed]") {
  // Review 9 and 10.
  auto o = lmi();
  o.defaults.min_tasks = 5;
  o.defaults.max_tasks = 2;
  try {
    validate_containers(o);
    FAIL("accepted");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "min_environments");
    CHECK_THAT(e.message(), Catch::Contains("max_environments"));
    CHECK_THAT(e.message(), !Catch::Contains("tasks"));
  }
  o = lmi();
  o.cluster.min_instances = 1;
  CHECK_THROWS_WITH(validate_containers(o), Catch::Contains("3 instances at least"));
  o = lmi();
  o.defaults.target_cpu_pct = 0;
  CHECK_THROWS_WITH(validate_containers(o), Catch::Contains("always scales"));
  o = lmi();
  o.defaults.memory_gb = 8;
  o.cluster.instance_types = {"c5.large"};
  try {
    validate_containers(o);
    FAIL("accepted");
  } catch (const TaskFitError& e) {  // the platform cannot run it: "cannot run" in a report
    CHECK_THAT(e.message(), Catch::Contains("4 vCPU"));
    CHECK(e.key() == "memory_mb");
  }
}

TEST_CASE("Managed instances: a steady load is served from the start, with no public address",
          "[containers][managed]") {
  // Review 11 and 12: the first minute's environments at the target's share of their slots;
  // Lambda Managed Instances' instances have no public IPv4 line.
  const auto wl = poisson(300, 900, 200, 2048);
  const auto c = compare(wl, {lambda_managed_runner(lmi(0.02))}, options());
  const auto& r = c.platforms[0].runs[0];
  CHECK(r.outcomes.refused == 0);
  CHECK_FALSE(has_line(c.platforms[0].costs[0], "Public IPv4"));
}

TEST_CASE("Managed instances: queue work keeps its queue's retry rules", "[containers][managed]") {
  // Second review 2: only asynchronous invocations follow Lambda's async rules; an SQS queue
  // retries until its retention period (4 days), as on Lambda and ECS.
  const auto r = failing_worker(InvocationType::kQueue);
  CHECK(r.outcomes.total() == r.arrived);
  CHECK(r.outcomes.completed == r.arrived);
}
