// Issue 20, spillover and the system's one load balancer: a service sized for its base load
// whose overflow goes to Lambda on the same clock (`fargate+lambda`, `ecs+lambda`), and one ALB
// for every HTTP service of a joint run.

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "slsim/platform/config_error.hpp"
#include "slsim/system/system.hpp"
#include "slsim/workload/array_source.hpp"
#include "slsim/workload/generators.hpp"
#include "slsim/workload/mix_source.hpp"

using namespace slsim;

namespace {

Date as_of() {
  return Date::parse("2026-11-01");
}

SystemOptions options() {
  SystemOptions o;
  o.lambda.as_of = as_of();
  o.ecs.as_of = as_of();
  o.fargate.as_of = as_of();
  o.batch.as_of = as_of();
  return o;
}

// A trace in memory: (arrival s, duration ms, function, type) rows.
struct Row {
  double arrival_s, duration_ms;
  std::uint32_t function;
  InvocationType type;
};

WorkloadOpener trace(std::vector<Row> rows, std::vector<std::string> names) {
  return [rows, names] {
    WorkloadColumns c;
    for (const auto& r : rows) {
      c.arrival_s.push_back(r.arrival_s);
      c.duration_ms.push_back(r.duration_ms);
      c.function.push_back(r.function);
      c.type.push_back(r.type);
    }
    c.function_names = names;
    FunctionTable t;
    auto prepared = ArraySource::prepare(c, t);
    return std::unique_ptr<WorkloadSource>(std::make_unique<ArraySource>(prepared, t));
  };
}

GeneratorSpec poisson(const std::string& fn, double rate, double duration_s, double work_ms,
                      InvocationType type, std::uint64_t seed) {
  GeneratorSpec g;
  g.common.function = fn;
  g.common.rate_per_s = rate;
  g.common.duration_s = duration_s;
  g.common.duration_ms = Distribution::lognormal_from_median_p99(work_ms, 4 * work_ms);
  g.common.type = type;
  g.common.seed = seed;
  return g;
}

WorkloadOpener mix(std::vector<GeneratorSpec> parts) {
  return [parts] {
    std::vector<std::unique_ptr<WorkloadSource>> v;
    for (const auto& g : parts)
      v.push_back(make_generator(g));
    return std::unique_ptr<WorkloadSource>(std::make_unique<MixSource>(std::move(v)));
  };
}

// The rows of a generator's invocations, `offset_s` later, as function `fn`.
void add_rows(std::vector<Row>& rows, const GeneratorSpec& g, double offset_s, std::uint32_t fn) {
  auto src = make_generator(g);
  Invocation inv;
  while (src->next(inv))
    rows.push_back(
        {to_seconds(inv.arrival.time_since_epoch()) + offset_s, to_millis(inv.work), fn, inv.type});
}

// A bursty API: 5 requests/s all along and a 4-minute burst at 60/s every 30 minutes (shorter
// than the scale-out reaction, so a service alone keeps tasks for the burst all the time), and
// (`events`) asynchronous events at 3/s as function 1.
WorkloadOpener bursty_api(bool events = false) {
  std::vector<Row> rows;
  add_rows(rows, poisson("api", 5, 3 * 3600, 100, InvocationType::kSync, 51), 0, 0);
  for (int k = 0; k < 6; ++k)
    add_rows(rows, poisson("api", 60, 240, 100, InvocationType::kSync, 60 + k), 600 + 1800.0 * k,
             0);
  if (events) add_rows(rows, poisson("events", 3, 3 * 3600, 50, InvocationType::kAsync, 70), 0, 1);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.arrival_s < b.arrival_s; });
  return trace(
      rows, events ? std::vector<std::string>{"api", "events"} : std::vector<std::string>{"api"});
}

double extra(const PlatformResult& r, const std::string& key) {
  for (const auto& [k, v] : r.extra)
    if (k == key) return v;
  return -1;
}

bool has_note(const PlatformResult& r, const std::string& text) {
  for (const auto& n : r.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("System: a spill placement parses and prints", "[system]") {
  const auto p = parse_system_placement("fargate+lambda");
  REQUIRE(p);
  CHECK(p->platform == SystemPlatform::kFargate);
  CHECK(p->spill);
  CHECK(to_string(*p) == "fargate+lambda");
  const auto e = parse_system_placement("ecs+lambda");
  REQUIRE(e);
  CHECK(e->platform == SystemPlatform::kEcs);
  CHECK(e->spill);
  const auto l = parse_system_placement("lambda");
  REQUIRE(l);
  CHECK(l->platform == SystemPlatform::kLambda);
  CHECK_FALSE(l->spill);
  CHECK_FALSE(parse_system_placement("lambda+lambda"));
  CHECK_FALSE(parse_system_placement("batch+lambda"));
  CHECK_FALSE(parse_system_placement("fargate+"));
  SystemOptions o;
  o.place("api", *p);
  CHECK(o.placement.at("api") == SystemPlatform::kFargate);
  CHECK(o.spill.count("api") == 1);
  o.place("api", *l);
  CHECK(o.spill.count("api") == 0);
}

TEST_CASE("System: spillover by hand, one task of one slot and three requests at once",
          "[system]") {
  // One healthy task serving one request at a time; three requests arrive at the same instant:
  // the first is served, the other two find every task full and go to Lambda at once.
  SystemOptions o = options();
  o.place("api", {SystemPlatform::kFargate, true});
  o.fargate.defaults.tasks = 1;
  o.fargate.defaults.concurrency = 1;
  o.fargate.defaults.vcpu = 0.25;
  o.fargate.defaults.memory_gb = 0.5;
  const auto open = trace({{10, 500, 0, InvocationType::kSync},
                           {10, 500, 0, InvocationType::kSync},
                           {10, 500, 0, InvocationType::kSync},
                           {12, 500, 0, InvocationType::kSync}},
                          {"api"});
  const SystemResult r = simulate_system(open, o);
  REQUIRE(r.fargate);
  REQUIRE(r.lambda);
  CHECK(r.fargate->arrived == 2);  // the first at 10 s and the one at 12 s (the task is free)
  CHECK(r.lambda->arrived == 2);
  CHECK(r.spilled.at("api") == 2);
  CHECK(extra(*r.fargate, "spilled_to_lambda") == 2);
  CHECK(has_note(*r.fargate, "api: 50.0% of requests (2) overflowed to Lambda"));
  CHECK(r.fargate->arrived == r.fargate->outcomes.total());
  CHECK(r.lambda->arrived == r.lambda->outcomes.total());
  CHECK(r.lambda->outcomes.completed == 2);
  CHECK(r.lambda->cold_invocations == 2);  // two environments, both cold
  // The Lambda side is billed: two requests (within the free tier, so priced at $0 but
  // recorded).
  REQUIRE(r.lambda->usage.lambda.size() == 1);
  CHECK(r.lambda->usage.lambda[0].requests == 2);
  // One ALB in front of both target groups: all four requests pass it.
  REQUIRE(r.alb);
  CHECK(r.alb->owner == SystemPlatform::kFargate);
  CHECK(r.alb->requests == 4);
  CHECK(r.alb->lambda_target_requests == 2);
  CHECK(r.alb->per_hour == std::vector<std::uint64_t>{4});
  CHECK(r.alb->lambda_target_per_hour == std::vector<std::uint64_t>{2});
  CHECK(extra(*r.fargate, "alb_lcu_hours") == Approx(4.0 / (25.0 * 3600)));
  // Without a profile (every platform ends with the workload): the same run.
  auto src = open();
  const SystemResult u = simulate_system(*src, o);
  REQUIRE(u.lambda);
  CHECK(u.lambda->arrived == 2);
  CHECK(u.lambda->outcomes.total() == 2);
  CHECK(u.fargate->arrived == 2);
  CHECK(u.spilled.at("api") == 2);
  CHECK(u.lambda->to_json() == r.lambda->to_json());
  CHECK(u.fargate->bill.total_usd() == r.fargate->bill.total_usd());
}

TEST_CASE("System: spillover serves a bursty API with fewer tasks than the service alone",
          "[system]") {
  const auto open = bursty_api();
  SystemOptions alone = options();
  alone.place("api", {SystemPlatform::kFargate, false});
  SystemOptions spill = options();
  spill.place("api", {SystemPlatform::kFargate, true});
  const SystemResult a = simulate_system(open, alone);
  const SystemResult s = simulate_system(open, spill);
  REQUIRE(a.fargate);
  REQUIRE(s.fargate);
  REQUIRE(s.lambda);
  CHECK_FALSE(a.lambda);
  CHECK(a.spilled.empty());
  INFO("alone: " << a.fargate->instances_mean << " tasks, spill: " << s.fargate->instances_mean);
  CHECK(s.fargate->instances_mean < 0.75 * a.fargate->instances_mean);
  // Overflow counted, on both sides; the arrivals add up across them.
  const std::uint64_t spilled = s.spilled.at("api");
  CHECK(spilled > 0);
  CHECK(s.lambda->arrived == spilled);
  CHECK(extra(*s.fargate, "spilled_to_lambda") == static_cast<double>(spilled));
  CHECK(s.fargate->arrived + s.lambda->arrived == a.fargate->arrived);
  CHECK(s.fargate->arrived == s.fargate->outcomes.total());
  CHECK(s.lambda->arrived == s.lambda->outcomes.total());
  // Both sides billed; the Lambda side's usage is the spilled requests.
  REQUIRE(s.lambda->usage.lambda.size() == 1);
  CHECK(s.lambda->usage.lambda[0].requests == spilled);
  CHECK(s.lambda->usage.lambda[0].duration_mb_ms > 0);
  CHECK(s.fargate->bill.total_usd() > 0);
  CHECK(s.fargate->bill.total_usd() < a.fargate->bill.total_usd());
  CHECK_FALSE(s.lambda->bill.items.empty());
  // The ALB saw every request (the service's and the spilled ones).
  REQUIRE(s.alb);
  CHECK(s.alb->requests == a.fargate->arrived);
  CHECK(s.alb->lambda_target_requests == spilled);
  // A seed gives the same run.
  const SystemResult again = simulate_system(open, spill);
  CHECK(again.fargate->to_json() == s.fargate->to_json());
  CHECK(again.lambda->to_json() == s.lambda->to_json());
}

TEST_CASE("System: ECS spills to the Lambda part that runs other functions", "[system]") {
  // The spilled requests join the Lambda platform's own functions: one model, one free tier.
  const auto open = bursty_api(true);
  SystemOptions o = options();
  o.place("api", {SystemPlatform::kEcs, true});
  o.place("events", {SystemPlatform::kLambda, false});
  const SystemResult r = simulate_system(open, o);
  REQUIRE(r.ecs);
  REQUIRE(r.lambda);
  const std::uint64_t spilled = r.spilled.at("api");
  CHECK(spilled > 0);
  std::uint64_t total = 0;
  {
    auto src = open();
    Invocation inv;
    while (src->next(inv))
      ++total;
  }
  CHECK(r.ecs->arrived + r.lambda->arrived == total);
  CHECK(r.ecs->arrived == r.ecs->outcomes.total());
  CHECK(r.lambda->arrived == r.lambda->outcomes.total());
  CHECK(r.lambda->usage.lambda.size() == 2);  // api (spilled) and events
  // Lambda's own front door has no HTTP requests: the events are async, the spilled requests
  // came through the ALB.
  CHECK(r.lambda_http.requests == 0);
  CHECK(r.alb->lambda_target_requests == spilled);
}

TEST_CASE("System: Lambda's own HTTP requests are counted for its front door", "[system]") {
  const auto open = trace({{1, 100, 0, InvocationType::kSync},
                           {3700, 100, 0, InvocationType::kSync},
                           {3800, 100, 1, InvocationType::kAsync},
                           {3900, 100, 2, InvocationType::kSync}},
                          {"api", "events", "web"});
  SystemOptions o = options();
  o.placement = {{"api", SystemPlatform::kLambda},
                 {"events", SystemPlatform::kLambda},
                 {"web", SystemPlatform::kFargate}};
  const SystemResult r = simulate_system(open, o);
  CHECK(r.lambda_http.requests == 2);
  CHECK(r.lambda_http.per_hour == std::vector<std::uint64_t>{1, 1});
  REQUIRE(r.alb);
  CHECK(r.alb->owner == SystemPlatform::kFargate);
  CHECK(r.alb->per_hour == std::vector<std::uint64_t>{0, 1});
}

TEST_CASE("System: a queue or async function cannot spill", "[system]") {
  const auto open = trace({{1, 100, 0, InvocationType::kSync}, {2, 100, 1, InvocationType::kQueue}},
                          {"api", "worker"});
  SystemOptions o = options();
  o.place("api", {SystemPlatform::kFargate, false});
  o.place("worker", {SystemPlatform::kFargate, true});
  try {
    simulate_system(open, o);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "placement");
    CHECK_THAT(e.what(), Catch::Contains("'worker'"));
    CHECK_THAT(e.what(), Catch::Contains("queue or async"));
  }
  // Without a profile the first message says it.
  auto src = open();
  CHECK_THROWS_AS(simulate_system(*src, o), ConfigError);
  // A spill from a platform that has no load balancer is refused too.
  SystemOptions lam = options();
  lam.placement["api"] = SystemPlatform::kLambda;
  lam.placement["worker"] = SystemPlatform::kLambda;
  lam.spill = {"api"};
  try {
    simulate_system(open, lam);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "placement");
    CHECK_THAT(e.what(), Catch::Contains("'api'"));
  }
}

TEST_CASE("System: ECS and Fargate HTTP services share one ALB", "[system]") {
  std::vector<GeneratorSpec> parts;
  parts.push_back(poisson("web", 4, 1800, 60, InvocationType::kSync, 81));
  parts.push_back(poisson("api", 6, 1800, 60, InvocationType::kSync, 82));
  const auto open = mix(parts);
  SystemOptions o = options();
  o.place("web", {SystemPlatform::kEcs, false});
  o.place("api", {SystemPlatform::kFargate, false});
  const SystemResult r = simulate_system(open, o);
  REQUIRE(r.ecs);
  REQUIRE(r.fargate);
  REQUIRE(r.alb);
  CHECK(r.alb->owner == SystemPlatform::kEcs);
  CHECK(r.alb->requests == r.ecs->arrived + r.fargate->arrived);
  CHECK(r.alb->lambda_target_requests == 0);
  std::uint64_t hours = 0;
  for (const auto n : r.alb->per_hour)
    hours += n;
  CHECK(hours == r.alb->requests);
  // One ALB-hours figure, on the owner, with the LCUs of the combined traffic; the other says
  // whose ALB it shares.
  CHECK(extra(*r.ecs, "alb_hours") == 1);
  CHECK(extra(*r.ecs, "alb_lcu_hours") ==
        Approx(static_cast<double>(r.alb->requests) / (25.0 * 3600)));
  CHECK(extra(*r.fargate, "alb_hours") == -1);
  CHECK(extra(*r.fargate, "alb_lcu_hours") == -1);
  CHECK(has_note(*r.fargate, "shares the system's Application Load Balancer (billed with ecs)"));
  // Each platform's bill is still the rate card's price of its own recorded usage.
  PricingOptions po;
  po.as_of = as_of();
  CHECK(r.ecs->bill.total_usd() == RateCard::builtin().price(r.ecs->usage, po).total_usd());
  CHECK(r.fargate->bill.total_usd() == RateCard::builtin().price(r.fargate->usage, po).total_usd());
  // One HTTP platform alone: its own ALB, figures as before.
  SystemOptions one = options();
  one.placement = {{"web", SystemPlatform::kEcs}, {"api", SystemPlatform::kEcs}};
  const SystemResult u = simulate_system(open, one);
  REQUIRE(u.alb);
  CHECK(u.alb->owner == SystemPlatform::kEcs);
  CHECK(u.alb->requests == u.ecs->arrived);
  CHECK(extra(*u.ecs, "alb_hours") == 1);
}
