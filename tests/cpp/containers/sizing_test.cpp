// Issue 19 item 1: container services the user did not size are sized from the trace.
#include "slsim/containers/sizing.hpp"

#include <catch2/catch.hpp>

#include "slsim/compare/compare.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/containers/options_io.hpp"
#include "slsim/workload/generators.hpp"

using namespace slsim;

namespace {

WorkloadFactory steady(double rate_per_s, double duration_s, double work_ms) {
  return [=](std::uint64_t seed, double k) -> std::unique_ptr<WorkloadSource> {
    GeneratorOptions o;
    o.rate_per_s = rate_per_s * k;
    o.duration_s = duration_s;
    o.duration_ms = Distribution::constant(work_ms);
    o.function = "api";
    o.seed = seed;
    return std::make_unique<PoissonSource>(o);
  };
}

CompareOptions options() {
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  o.seed = 3;
  return o;
}

}  // namespace

TEST_CASE("Sizing: a bare steady API at 20-300 req/s meets a 2.5 s p99 on ECS and Fargate",
          "[containers][sizing]") {
  // The "must show": no [fargate]/[ecs] settings, a steady 200 ms API. Before sizing,
  // one 0.25-vCPU task serving one request at a time refused or timed out most requests.
  for (const double rate : {20.0, 50.0, 100.0, 300.0}) {
    CAPTURE(rate);
    LambdaOptions lo;
    lo.as_of = Date(2026, 11, 1);
    EcsOptions eo;
    eo.as_of = lo.as_of;
    FargateOptions fo;
    fo.as_of = lo.as_of;
    CompareOptions co = options();
    co.objectives.slo_p99_ms = 2'500;
    const auto c = compare(steady(rate, 600, 200),
                           {lambda_runner(lo), ecs_runner(eo), fargate_runner(fo)}, co);
    for (const char* name : {"ecs", "fargate"}) {
      CAPTURE(name);
      const auto* p = c.find(name);
      REQUIRE(p);
      REQUIRE_FALSE(p->impossible);
      CHECK(p->figures.p99_ms.mean <= 2'500);
      CHECK(p->figures.error_rate.mean < 0.01);
      CHECK(p->label.find("sized from the trace") != std::string::npos);
      CHECK(p->label.find("at 70% CPU") != std::string::npos);
    }
    // The recommendation follows cost: the cheapest of the platforms that qualify.
    REQUIRE(c.recommendation.platform);
    const std::string& won = *c.recommendation.platform;
    for (const auto& p : c.platforms) {
      if (p.impossible || p.figures.error_rate.mean >= 0.01 || p.figures.p99_ms.mean > 2'500)
        continue;
      CHECK(c.find(won)->figures.monthly_usd.mean <= p.figures.monthly_usd.mean + 1e-9);
    }
    if (rate >= 300) CHECK(won != "lambda");  // the issue: 300 req/s recommended Lambda
  }
}

TEST_CASE("Sizing: auto settings are chosen, the user's win", "[containers][sizing]") {
  WorkloadProfile p;
  FunctionProfile f;
  f.name = "api";
  f.invocations = 60 * 600;
  f.peak_per_minute = 60 * 66;
  f.first_minute = 60 * 60;
  f.first_s = 0;
  f.last_s = 600;
  f.mean_work_s = 0.2;
  f.memory_mb = 1024;
  p.functions.push_back(f);
  p.memory_is_lambda_setting = true;
  FargateOptions o;
  o.as_of = Date(2026, 11, 1);
  const auto sized = size_containers(o, p);
  REQUIRE(sized.services.count("api"));
  const auto& s = sized.services.at("api");
  CHECK(s.vcpu == 1);  // 1,024 MB needs 0.58 vCPU on Lambda: the smallest Fargate size above
  CHECK(s.memory_gb == 2);
  CHECK(s.target_cpu_pct == kAutoTargetCpuPct);
  CHECK(saturated_cpu_pct(s) > kAutoTargetCpuPct);  // the CPU metric can see saturation
  CHECK(*s.min_tasks >= 2);
  CHECK(*s.max_tasks >= *s.min_tasks);
  CHECK(service_warnings("api", s).empty());

  // Explicit values always win.
  FargateOptions u = o;
  set_container_option(u, u.defaults, "vcpu", "2");
  set_container_option(u, u.defaults, "concurrency", "3");
  set_container_option(u, u.defaults, "max_tasks", "7");
  const auto t = size_containers(u, p).services.at("api");
  CHECK(t.vcpu == 2);
  CHECK(t.memory_gb == 4);
  CHECK(t.concurrency == 3);
  CHECK(*t.max_tasks == 7);
  CHECK(*t.min_tasks <= 7);

  // No CPU target (explicitly 0): the request slots are still sized to show saturation.
  FargateOptions n = o;
  set_container_option(n, n.defaults, "target_cpu_pct", "0");
  const auto v = size_containers(n, p).services.at("api");
  CHECK(v.target_cpu_pct == 0);
  CHECK(v.concurrency == s.concurrency);
}

TEST_CASE("Sizing: warnings for settings that cannot scale", "[containers][sizing]") {
  ServiceConfig s;
  s.vcpu = 0.25;
  s.memory_gb = 0.5;
  s.concurrency = 1;
  s.min_tasks = 1;
  s.max_tasks = 10;
  s.target_cpu_pct = 0;  // explicitly none
  const auto w = service_warnings("", s);
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("max_tasks 10 is never reached") != std::string::npos);
  // One request at a time with cpu_bound_fraction 0.5 reads 50% CPU at most.
  s.target_cpu_pct = 60;
  CHECK(saturated_cpu_pct(s) == Approx(50));
  const auto v = service_warnings("", s);
  REQUIRE(v.size() == 1);
  CHECK(v[0].find("target_cpu_pct 60% is never reached") != std::string::npos);
  // The warning reaches the result's notes.
  FargateOptions o;
  o.as_of = Date(2026, 11, 1);
  o.defaults = s;
  auto src = steady(5, 120, 100)(1, 1);
  const auto r = simulate_containers(*src, o);
  bool noted = false;
  for (const auto& n : r.notes)
    noted = noted || n.find("target_cpu_pct 60% is never reached") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("Sizing: 'auto' and 0 from text", "[containers][sizing]") {
  FargateOptions o;
  set_container_option(o, o.defaults, "vcpu", "1");
  set_container_option(o, o.defaults, "vcpu", "auto");
  CHECK(o.defaults.vcpu == 0);
  CHECK_THROWS_WITH(set_container_option(o, o.defaults, "vcpu", "0"), Catch::Contains("auto"));
  CHECK_THROWS_WITH(set_container_option(o, o.defaults, "queue_size", "auto"),
                    Catch::Contains("not allowed"));
}
