// Issue 20: the single-platform comparison reports latency, errors and cold starts per part on
// every platform, against each part's own objectives.

#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "slsim/compare/compare.hpp"
#include "support/columns_source.hpp"

using namespace slsim;

namespace {

const Date kAsOf{2026, 11, 1};

/// "fast" (100 ms), "slow" (2,000 ms) and "mid" (500 ms) in turn, one call every 10 s.
WorkloadFactory three_functions() {
  WorkloadColumns c;
  const double ms[] = {100.0, 2000.0, 500.0};
  for (int i = 0; i < 600; ++i) {
    c.arrival_s.push_back(i * 10.0);
    c.function.push_back(static_cast<std::uint32_t>(i % 3));
    c.duration_ms.push_back(ms[i % 3]);
  }
  c.function_names = {"fast", "slow", "mid"};
  c.type.assign(c.arrival_s.size(), InvocationType::kSync);
  return fixed_workload(
      [c] { return std::make_unique<test::ColumnsSource>(c, std::nullopt, false); });
}

/// `n` functions "f0".."f{n-1}" in turn, 100 ms each, one call every 10 s, 4 calls each.
WorkloadFactory functions(int n) {
  WorkloadColumns c;
  for (int i = 0; i < 4 * n; ++i) {
    c.arrival_s.push_back(i * 10.0);
    c.function.push_back(static_cast<std::uint32_t>(i % n));
    c.duration_ms.push_back(100.0);
  }
  for (int k = 0; k < n; ++k)
    c.function_names.push_back("f" + std::to_string(k));
  c.type.assign(c.arrival_s.size(), InvocationType::kSync);
  return fixed_workload(
      [c] { return std::make_unique<test::ColumnsSource>(c, std::nullopt, false); });
}

std::vector<PlatformRunner> runners() {
  LambdaOptions l;
  l.as_of = kAsOf;
  l.defaults.memory_mb = 1769;
  FargateOptions f;
  f.as_of = kAsOf;
  f.defaults.vcpu = 1;
  f.defaults.memory_gb = 2;
  f.defaults.min_tasks = 1;
  f.defaults.max_tasks = 2;
  return {lambda_runner(l), fargate_runner(f)};
}

const PartFigures& find(const Comparison& c, const std::string& part, const std::string& pl) {
  for (const auto& p : c.by_part)
    if (p.part == part && p.platform == pl) return p;
  FAIL("no part " << part << " on " << pl);
  throw;
}

}  // namespace

TEST_CASE("Compare: figures per part on every platform, against each part's objectives",
          "[compare][parts]") {
  CompareOptions o;
  o.as_of = kAsOf;
  o.threads = 1;
  o.objectives.slo_p99_ms = 1000;
  o.parts.objectives["slow"].slo_p99_ms = 2500;
  o.parts.objectives["fast"].max_cold_start_rate = 0.001;
  const auto c = compare(three_functions(), runners(), o);
  REQUIRE(c.by_part.size() == 6);  // 3 parts x 2 platforms, parts first
  CHECK(c.by_part[0].part == "fast");
  CHECK(c.by_part[0].platform == "lambda");
  CHECK(c.by_part[1].platform == "fargate");
  CHECK(c.by_part[2].part == "slow");
  CHECK(c.by_part[4].part == "mid");
  for (const char* pl : {"lambda", "fargate"}) {
    CHECK(find(c, "fast", pl).p99_ms.mean == Approx(100).epsilon(0.02));
    CHECK(find(c, "slow", pl).p99_ms.mean == Approx(2000).epsilon(0.02));
    CHECK(find(c, "mid", pl).p99_ms.mean == Approx(500).epsilon(0.02));
    CHECK(find(c, "slow", pl).arrived.mean == 200);
    // The slow part meets its own 2.5 s objective, not the scenario-wide 1 s.
    CHECK(find(c, "slow", pl).meets_objectives());
    CHECK(find(c, "mid", pl).meets_objectives());
    CHECK(find(c, "fast", pl).objectives.slo_p99_ms == 1000);
    CHECK(find(c, "slow", pl).error_rate.mean == 0);
  }
  // Lambda's first call of "fast" starts cold (1 of 200 > 0.1%); Fargate's task is up.
  CHECK(find(c, "fast", "lambda").cold_start_rate.mean == Approx(1.0 / 200));
  CHECK(find(c, "fast", "lambda").missed == std::vector<std::string>{"cold starts"});
  CHECK(find(c, "fast", "fargate").meets_objectives());
  // The platform as a whole misses the 1 s objective: its p99 is the slow function's.
  CHECK(c.find("lambda")->figures.p99_ms.mean > 1000);
  const auto j = nlohmann::json::parse(c.to_json());
  REQUIRE(j["by_part"].size() == 6);
  CHECK(j["by_part"][0]["part"] == "fast");
  CHECK(j["by_part"][0]["meets_objectives"] == false);
  CHECK(j["by_part"][0]["missed"][0] == "cold starts");
}

TEST_CASE("Compare: a group's functions are merged into one part", "[compare][parts]") {
  CompareOptions o;
  o.as_of = kAsOf;
  o.threads = 1;
  o.replications = 2;
  o.parts.groups.push_back({"web", {"fast", "mid"}});
  const auto c = compare(three_functions(), runners(), o);
  REQUIRE(c.by_part.size() == 4);
  const auto& web = find(c, "web", "fargate");
  CHECK(web.functions == std::vector<std::string>{"fast", "mid"});
  CHECK(web.arrived.mean == 400);
  CHECK(web.arrived.n == 2);
  // 200 calls at 100 ms and 200 at 500 ms: the p99 is the slower function's.
  CHECK(web.p99_ms.mean == Approx(500).epsilon(0.02));
  // One part only: nothing per part.
  CompareOptions one = o;
  one.parts.groups = {{"all", {"fast", "slow", "mid"}}};
  CHECK(compare(three_functions(), runners(), one).by_part.empty());
}

TEST_CASE("Compare: more parts than kMaxPartsByPart give no figures per part, and none are recorded",
          "[compare][parts]") {
  CompareOptions o;
  o.as_of = kAsOf;
  o.threads = 1;
  const auto c = compare(functions(40), runners(), o);
  CHECK(c.parts == 40);
  CHECK(c.by_part.empty());
  for (const auto& p : c.platforms) {
    REQUIRE_FALSE(p.impossible);
    CHECK(p.runs.front().functions.empty());  // the models stopped recording them
    CHECK(p.runs.front().arrived == 160);
  }
  const auto j = nlohmann::json::parse(c.to_json());
  CHECK(j["by_part"] == nlohmann::json::array());
  CHECK(j["parts"] == 40);
}

TEST_CASE("Compare: 40 functions grouped into 3 parts have figures per part", "[compare][parts]") {
  CompareOptions o;
  o.as_of = kAsOf;
  o.threads = 1;
  PartGroup a{"a", {}}, b{"b", {}};
  for (int k = 0; k < 40; ++k)
    (k < 20 ? a : b).functions.push_back("f" + std::to_string(k));
  b.functions.pop_back();  // f39 is a part of its own
  o.parts.groups = {a, b};
  const auto c = compare(functions(40), runners(), o);
  CHECK(c.parts == 3);
  REQUIRE(c.by_part.size() == 6);
  CHECK(c.by_part[0].part == "a");
  CHECK(c.by_part[0].arrived.mean == 80);
  CHECK(c.by_part[5].part == "f39");
  CHECK(c.by_part[5].arrived.mean == 4);
}

TEST_CASE("Compare: a workload of one part records no figures per function beyond its one",
          "[compare][parts]") {
  CompareOptions o;
  o.as_of = kAsOf;
  o.threads = 1;
  const auto c = compare(functions(1), runners(), o);
  CHECK(c.parts == 1);
  CHECK(c.by_part.empty());
  CHECK(nlohmann::json::parse(c.to_json()).count("by_part") == 0);
  for (const auto& p : c.platforms)
    CHECK(p.runs.front().functions.size() <= 1);
}
