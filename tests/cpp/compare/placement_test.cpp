// The placement search on hand-made figures: shared costs, objectives, pins, exclusions, and the
// local search beyond the exact limit.
#include "slsim/compare/placement.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

using namespace slsim;

namespace {

PartAlone runs(double usd, bool meets = true) {
  PartAlone a;
  a.can_run = true;
  a.meets = meets;
  a.monthly_usd = usd;
  if (!meets) a.why = "p99 above the objective";
  return a;
}

PartAlone cannot(const char* why) {
  PartAlone a;
  a.why = why;
  return a;
}

int bits(std::uint64_t m) {
  int n = 0;
  for (; m; m &= m - 1)
    ++n;
  return n;
}

/// `n` small services: on Lambda `lambda_each` each (nothing shared), on ECS `shared` (one load
/// balancer and cluster) plus `per_service` each.
PlacementInput services(int n, double lambda_each, double shared, double per_service) {
  PlacementInput in;
  in.platforms = {"lambda", "ecs"};
  for (int k = 0; k < n; ++k) {
    in.parts.push_back("svc" + std::to_string(k));
    in.alone.push_back({runs(lambda_each), runs(shared + per_service)});
  }
  in.group_cost = [=](std::size_t p, std::uint64_t mask) {
    const int m = bits(mask);
    return p == 0 ? lambda_each * m : shared + per_service * m;
  };
  return in;
}

}  // namespace

TEST_CASE("Placement: shared costs choose the mix that separate bills would not",
          "[compare][placement]") {
  // Each service alone: Lambda $30, ECS $20 shared + $15 = $35, so separate bills put all four
  // on Lambda ($120). Together on ECS: $20 + 4 x $15 = $80.
  auto in = services(4, 30, 20, 15);
  const auto c = search_placement(in);
  CHECK(c.exact);
  for (const auto& p : c.platform)
    CHECK(p == std::optional<std::size_t>(1));
  CHECK(c.monthly_usd == Approx(80));
  REQUIRE(c.best_single);
  CHECK(*c.best_single == 1);
  CHECK(c.best_single_usd == Approx(80));
  // One service alone: ECS $35 > Lambda $30.
  const auto one = search_placement(services(1, 30, 20, 15));
  CHECK(one.platform[0] == std::optional<std::size_t>(0));
  CHECK(one.monthly_usd == Approx(30));
}

TEST_CASE("Placement: the local search finds the consolidation too", "[compare][placement]") {
  auto in = services(6, 30, 20, 15);
  in.exact_limit = 1;
  const auto c = search_placement(in);
  CHECK_FALSE(c.exact);
  CHECK(c.monthly_usd == Approx(20 + 6 * 15));
  for (const auto& p : c.platform)
    CHECK(p == std::optional<std::size_t>(1));
}

TEST_CASE("Placement: each part goes where it meets its objectives", "[compare][placement]") {
  // An API (Lambda cheap), a queue consumer (Fargate cheap), a nightly job Lambda cannot run
  // and that misses its objective on Fargate; Batch runs it.
  PlacementInput in;
  in.platforms = {"lambda", "fargate", "batch"};
  in.parts = {"api", "worker", "nightly"};
  in.alone = {
      {runs(100), runs(150), cannot("synchronous invocations need a request/response path")},
      {runs(80), runs(40), runs(60)},
      {cannot("runs 40 min; Lambda's maximum timeout is 15 min"), runs(30, false), runs(5)}};
  in.group_cost = [&](std::size_t p, std::uint64_t mask) {
    double t = 0;
    for (std::size_t k = 0; k < 3; ++k)
      if (mask >> k & 1) t += in.alone[k][p].monthly_usd;
    return t;
  };
  const auto c = search_placement(in);
  CHECK(c.platform == std::vector<std::optional<std::size_t>>{0, 1, 2});
  CHECK(c.monthly_usd == Approx(145));
  CHECK(c.meets == std::vector<bool>{true, true, true});
  // No single platform meets every part's objectives (Lambda and Batch cannot run one part,
  // the nightly job misses its objective on Fargate).
  CHECK_FALSE(c.best_single);

  SECTION("a pin is honoured, and said when it misses") {
    in.pinned = {std::nullopt, std::nullopt, 1};
    const auto p = search_placement(in);
    CHECK(p.platform[2] == std::optional<std::size_t>(1));
    CHECK_FALSE(p.meets[2]);
  }
  SECTION("a pin where the part cannot run is refused, with the reason") {
    in.pinned = {std::nullopt, std::nullopt, 0};
    CHECK_THROWS_WITH(search_placement(in),
                      Catch::Contains("part 'nightly' is placed on lambda, which cannot run it: "
                                      "runs 40 min"));
  }
  SECTION("an exclusion moves the part to its next choice") {
    in.excluded = {{}, {1}, {}};
    const auto e = search_placement(in);
    CHECK(e.platform[1] == std::optional<std::size_t>(2));
  }
}

TEST_CASE("Placement: a part no platform meets goes where it runs cheapest",
          "[compare][placement]") {
  PlacementInput in;
  in.platforms = {"lambda", "ecs"};
  in.parts = {"slow"};
  in.alone = {{runs(10, false), runs(20, false)}};
  in.group_cost = [&](std::size_t p, std::uint64_t) { return in.alone[0][p].monthly_usd; };
  const auto c = search_placement(in);
  CHECK(c.platform[0] == std::optional<std::size_t>(0));
  CHECK_FALSE(c.meets[0]);
}

TEST_CASE("Placement: inputs that disagree are refused", "[compare][placement]") {
  PlacementInput in;
  CHECK_THROWS_AS(search_placement(in), std::invalid_argument);
  in.platforms = {"lambda"};
  in.parts = {"a"};
  CHECK_THROWS_AS(search_placement(in), std::invalid_argument);  // no alone[] row
}

// ---- place_parts: a system of three parts, simulated ---------------------------------------

#include <memory>
#include <vector>

#include "slsim/batch/batch.hpp"
#include "slsim/compare/compare.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/workload/mix_source.hpp"
#include "support/default_runner.hpp"
#include "support/poisson_part.hpp"

namespace {

/// A day: an API (5 req/s, 100 ms), a queue worker (1 msg/s, 2 s) and one 40-minute job at 02:00.
WorkloadFactory day_system() {
  return [](std::uint64_t seed, double) -> std::unique_ptr<WorkloadSource> {
    std::vector<std::unique_ptr<WorkloadSource>> s;
    s.push_back(test::poisson_part("api", 5, 6 * 3600, 100, seed));
    s.push_back(test::poisson_part("worker", 1, 6 * 3600, 2000, seed + 1, InvocationType::kQueue));
    ScheduleOptions nightly;
    nightly.at_s = 7200;
    nightly.duration_s = 6 * 3600;
    nightly.duration_ms = Distribution::constant(40 * 60'000);
    nightly.memory_mb = 2048;
    nightly.function = "nightly";
    nightly.type = InvocationType::kAsync;
    s.push_back(std::make_unique<ScheduleSource>(nightly));
    return std::make_unique<MixSource>(std::move(s));
  };
}

// Each platform with its default options (the library's platform_runners).
const auto runner_for = test::default_runner;

}  // namespace

TEST_CASE("Placement: each part of a system goes where it can run and meets its objectives",
          "[compare][placement]") {
  std::vector<PlacementPart> parts(3);
  parts[0].name = "api";
  parts[0].functions = {"api"};
  parts[0].objectives.slo_p99_ms = 2500;
  parts[1].name = "worker";
  parts[1].functions = {"worker"};
  parts[1].objectives.slo_p99_ms = 120'000;
  parts[2].name = "nightly";
  parts[2].functions = {"nightly"};
  parts[2].objectives.slo_p99_ms = 3 * 3600 * 1000.0;
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  o.threads = 2;
  const auto r = place_parts(day_system(), parts, {"lambda", "fargate", "batch"}, runner_for, o);
  INFO(r.to_json());
  REQUIRE(r.parts.size() == 3);
  // The API cannot run on Batch (synchronous), the 40-minute job not on Lambda.
  CHECK(r.parts[0].platform != "batch");
  CHECK(r.parts[2].platform != "lambda");
  for (const auto& p : r.parts) {
    CHECK(p.meets_objectives);
    CHECK(p.monthly_usd > 0);
  }
  // The mix costs what its platforms' bills add up to, and no more than the best single one.
  double lines = 0;
  for (const auto& [platform, l] : r.line_items)
    lines += l.monthly_usd;
  CHECK(lines == Approx(r.monthly_usd).epsilon(1e-9));
  double shares = 0;
  for (const auto& p : r.parts)
    shares += p.monthly_usd;
  CHECK(shares == Approx(r.monthly_usd).epsilon(1e-9));
  if (r.best_single) CHECK(r.monthly_usd <= r.best_single_usd + 1e-9);
  // Deterministic whatever the threads.
  o.threads = 1;
  CHECK(place_parts(day_system(), parts, {"lambda", "fargate", "batch"}, runner_for, o).to_json() ==
        r.to_json());

  SECTION("the mix re-simulated as one system costs what its platforms' group runs cost") {
    // Parts on different platforms share nothing here (no ALB on two platforms, no spillover),
    // so the joint run's bill is the search's figure; without the platforms' options (a runner
    // without system_options) the bill is the group runs', line for line the same.
    CHECK(r.joint);
    CHECK(r.monthly_usd == Approx(r.search_usd).epsilon(1e-9));
    const auto without = [](const std::string& p, const std::vector<std::string>& f) {
      PlatformRunner x = runner_for(p, f);
      x.system_options = nullptr;
      return x;
    };
    const auto g = place_parts(day_system(), parts, {"lambda", "fargate", "batch"}, without, o);
    INFO(g.to_json());
    CHECK_FALSE(g.joint);
    CHECK(g.monthly_usd == Approx(r.monthly_usd).epsilon(1e-9));
    REQUIRE(g.line_items.size() == r.line_items.size());
    for (std::size_t i = 0; i < g.line_items.size(); ++i) {
      CHECK(g.line_items[i].first == r.line_items[i].first);
      CHECK(g.line_items[i].second.name == r.line_items[i].second.name);
      CHECK(g.line_items[i].second.usd == Approx(r.line_items[i].second.usd).epsilon(1e-9));
    }
  }
  SECTION("a pin that cannot run is refused with the reason") {
    parts[2].place = "lambda";
    CHECK_THROWS_WITH(
        place_parts(day_system(), parts, {"lambda", "fargate", "batch"}, runner_for, o),
        Catch::Contains("part 'nightly' is placed on lambda, which cannot run it"));
  }
  SECTION("an unknown platform in a pin is refused, naming the key") {
    parts[0].place = "ec2";
    CHECK_THROWS_WITH(
        place_parts(day_system(), parts, {"lambda", "fargate", "batch"}, runner_for, o),
        Catch::Contains("'ec2' is not a platform of this comparison (one of: lambda, fargate, "
                        "batch)"));
  }
}

// ---- the bundled default scenario ----------------------------------------------------------

#include "slsim/compare/scenario_compare.hpp"
#include "slsim/scenario/scenario.hpp"

TEST_CASE("Placement: the default scenario places each part where it meets its own objectives",
          "[compare][placement][scenario]") {
  const auto s = load_scenario(std::string(SLSIM_EXAMPLES) + "/default.toml");
  const auto placed = place_scenario(s);
  REQUIRE(placed);
  const auto& p = *placed;
  INFO(p.to_json());
  REQUIRE(p.parts.size() == 3);
  for (const auto& part : p.parts) {
    INFO(part.part);
    CHECK(part.meets_objectives);
    CHECK_FALSE(part.platform.empty());
  }
  // The 40-minute nightly report cannot run on Lambda, the API not on Batch.
  for (const auto& part : p.parts) {
    if (part.part == "nightly-report") CHECK(part.platform != "lambda");
    if (part.part == "api") CHECK(part.platform != "batch");
  }
  // The mix was re-simulated as one system: its bill is that run's (the API's overflow and the
  // consumer share Lambda's free tier there, which the search's sum of group runs counts twice).
  CHECK(p.joint);
  CHECK(p.monthly_usd >= p.search_usd - 1e-9);
  // Never dearer than the best single platform, which the comparison recommends.
  const auto c = compare_scenario(s);
  if (c.recommendation.platform) {
    REQUIRE(p.best_single);
    CHECK(*p.best_single == *c.recommendation.platform);
    CHECK(p.best_single_usd == Approx(c.find(*p.best_single)->figures.monthly_usd.mean));
    CHECK(p.monthly_usd <= p.best_single_usd + 1e-9);
  }
}

// ---- spillover and the one load balancer of a mix --------------------------------------------

namespace {

/// Three hours: a bursty HTTP API, a steady HTTP web service and a queue worker.
WorkloadFactory services_and_worker() {
  return [](std::uint64_t seed, double) -> std::unique_ptr<WorkloadSource> {
    std::vector<std::unique_ptr<WorkloadSource>> s;
    BurstyOptions api;
    api.rate_per_s = 5;
    api.burst_factor = 12;
    api.burst_fraction = 0.05;
    api.mean_burst_s = 60;
    api.duration_s = 3 * 3600;
    api.duration_ms = Distribution::constant(150);
    api.memory_mb = 512;
    api.function = "api";
    api.seed = seed;
    s.push_back(std::make_unique<BurstySource>(api));
    s.push_back(test::poisson_part("web", 3, 3 * 3600, 80, seed + 1));
    s.push_back(test::poisson_part("worker", 1, 3 * 3600, 1000, seed + 2, InvocationType::kQueue));
    return std::make_unique<MixSource>(std::move(s));
  };
}

PlatformRunner any_runner(const std::string& platform, const std::vector<std::string>& f) {
  if (platform == "ecs") {
    EcsOptions o;
    o.as_of = Date(2026, 11, 1);
    return ecs_runner(o);
  }
  return runner_for(platform, f);
}

std::vector<PlacementPart> three_parts() {
  std::vector<PlacementPart> parts(3);
  const char* names[] = {"api", "web", "worker"};
  for (int i = 0; i < 3; ++i) {
    parts[i].name = names[i];
    parts[i].functions = {names[i]};
    parts[i].objectives.slo_p99_ms = 30'000;
  }
  return parts;
}

const CostLine* line(const PlacementResult& r, const std::string& platform,
                     const std::string& name) {
  for (const auto& [p, l] : r.line_items)
    if (p == platform && l.name == name) return &l;
  return nullptr;
}

int lines_named(const PlacementResult& r, const std::string& name) {
  int n = 0;
  for (const auto& [p, l] : r.line_items)
    n += l.name == name;
  return n;
}

}  // namespace

TEST_CASE("Placement: spillover is offered for every part and billed on both sides",
          "[compare][placement]") {
  const auto platforms = with_spillover({"lambda", "fargate", "batch"});
  CHECK(platforms == std::vector<std::string>{"lambda", "fargate", "batch", "fargate+lambda"});
  CHECK(with_spillover({"ecs", "fargate"}) == std::vector<std::string>{"ecs", "fargate"});
  auto parts = three_parts();
  parts[0].place = "fargate+lambda";  // the bursty API: its service and its overflow
  parts[1].place = "fargate";
  parts[2].place = "lambda";
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  o.threads = 2;
  const auto runner = with_spillover(any_runner);
  const auto r = place_parts(services_and_worker(), parts, platforms, runner, o);
  INFO(r.to_json());
  REQUIRE(r.joint);
  CHECK(r.parts[0].platform == "fargate+lambda");
  CHECK_THAT(r.parts[0].why, Catch::Contains("of its requests overflowed to Lambda"));
  // The overflow's Lambda requests are billed with the worker's, under one free tier; no API
  // Gateway (the worker has no HTTP requests, the overflow came through the ALB).
  const CostLine* requests = line(r, "lambda", "Lambda requests");
  REQUIRE(requests);
  CHECK(requests->quantity > 3 * 3600 * 1 * 0.9);  // the worker's ~10,800 messages and more
  CHECK(lines_named(r, "API Gateway HTTP API requests") == 0);
  // One ALB for the API and the web service, both on Fargate.
  CHECK(lines_named(r, "Application Load Balancer hours") == 1);
  double shares = 0, lines = 0;
  for (const auto& p : r.parts)
    shares += p.monthly_usd;
  for (const auto& [p, l] : r.line_items)
    lines += l.monthly_usd;
  CHECK(shares == Approx(r.monthly_usd).epsilon(1e-9));
  CHECK(lines == Approx(r.monthly_usd).epsilon(1e-6));

  SECTION("a queue-only part cannot spill: the pin is refused with the reason") {
    parts[2].place = "fargate+lambda";
    CHECK_THROWS_WITH(place_parts(services_and_worker(), parts, platforms, runner, o),
                      Catch::Contains("part 'worker' is placed on fargate+lambda, which cannot "
                                      "run it") &&
                          Catch::Contains("no HTTP requests to spill"));
  }
}

TEST_CASE("Placement: HTTP services on ECS and on Fargate share one load balancer in the mix",
          "[compare][placement]") {
  auto parts = three_parts();
  parts[0].place = "fargate";
  parts[1].place = "ecs";
  parts[2].place = "lambda";
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  o.threads = 2;
  const auto r =
      place_parts(services_and_worker(), parts, {"lambda", "ecs", "fargate"}, any_runner, o);
  INFO(r.to_json());
  REQUIRE(r.joint);
  CHECK(lines_named(r, "Application Load Balancer hours") == 1);
  CHECK(lines_named(r, "Public IPv4 addresses (load balancer, 3 zones)") == 1);
  // The search summed two platforms' bills, each with its own ALB: the joint run pays one.
  const CostLine* alb = line(r, "ecs", "Application Load Balancer hours");
  REQUIRE(alb);
  CHECK(r.monthly_usd < r.search_usd - alb->monthly_usd * 0.99);
}

TEST_CASE("Placement: more parts than a placement runs one by one are not placed, and said so",
          "[compare][placement]") {
  std::vector<PlacementPart> parts(kMaxPlacedParts + 1);
  for (std::size_t k = 0; k < parts.size(); ++k) {
    parts[k].name = "f" + std::to_string(k);
    parts[k].functions = {parts[k].name};
  }
  int runners = 0;
  const auto counting = [&](const std::string& p, const std::vector<std::string>& f) {
    ++runners;
    return runner_for(p, f);
  };
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  const auto r = place_parts(day_system(), parts, {"lambda", "fargate"}, counting, o);
  CHECK(r.skipped);
  CHECK(r.parts.empty());
  CHECK_FALSE(r.recommended());
  CHECK(runners == 0);  // nothing ran
  CHECK_THAT(r.summary, Catch::Contains("not placed: 33 parts are more than the 32") &&
                            Catch::Contains("--part NAME=F1,F2"));
}

TEST_CASE("Placement: small services that only pay off together on one cluster behind one ALB",
          "[compare][placement]") {
  // Four steady HTTP services (5 req/s, 300 ms, 512 MB). Alone, each is cheaper on Lambda than
  // on ECS (an ECS service alone pays an ALB and its instances); the sum of separate bills
  // therefore puts all four on Lambda. Together on ECS they share one ALB and bin-pack one
  // cluster, and that costs less than four Lambda bills: the placement must find it.
  const auto four = [](std::uint64_t seed, double) -> std::unique_ptr<WorkloadSource> {
    std::vector<std::unique_ptr<WorkloadSource>> s;
    for (int i = 0; i < 4; ++i)
      s.push_back(test::poisson_part("svc" + std::to_string(i), 5, 2 * 3600, 300,
                                     seed + static_cast<std::uint64_t>(i)));
    return std::make_unique<MixSource>(std::move(s));
  };
  std::vector<PlacementPart> parts(4);
  for (int i = 0; i < 4; ++i) {
    parts[i].name = "svc" + std::to_string(i);
    parts[i].functions = {parts[i].name};
    parts[i].objectives.slo_p99_ms = 3000;
  }
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  o.threads = 2;
  const auto r = place_parts(four, parts, {"lambda", "ecs"}, any_runner, o);
  INFO(r.to_json());
  REQUIRE(r.joint);
  for (const auto& p : r.parts) {
    CHECK(p.platform == "ecs");
    // Alone, Lambda was the cheaper for each: the naive sum would have chosen it.
    CHECK_THAT(p.why, Catch::Contains("cheaper together than on lambda alone"));
  }
  CHECK(lines_named(r, "Application Load Balancer hours") == 1);
  REQUIRE(r.best_single);
  CHECK(*r.best_single == "ecs");
}

TEST_CASE("Placement: a spillover's figures per part hold both sides' requests",
          "[compare][placement]") {
  // The bursty API spills; its figures by part on fargate+lambda count every request, the
  // service's and the overflow's (the Lambda side's figures per function are merged in).
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  const auto runner = with_spillover(any_runner);
  const auto c = compare(services_and_worker(), {runner("fargate+lambda", {})}, o);
  INFO(c.to_json());
  REQUIRE_FALSE(c.platforms.front().impossible);
  const auto& run = c.platforms.front().runs.front();
  double spilled = 0;
  for (const auto& [k, v] : run.extra)
    if (k == "spilled_to_lambda") spilled += v;
  CHECK(spilled > 0);
  std::uint64_t api = 0;
  {
    auto w = services_and_worker()(o.seed, 1.0);
    Invocation inv;
    while (w->next(inv))
      api += w->functions()[inv.function].name == "api";
  }
  bool found = false;
  for (const auto& f : c.by_part) {
    if (f.part != "api") continue;
    found = true;
    CHECK(f.arrived.mean == Approx(static_cast<double>(api)));
  }
  CHECK(found);
}
