// Parts of a system, their objectives, pins and exclusions: one validate function for the file,
// the flags and Python (issue 20).
#include "slsim/compare/parts_spec.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "slsim/compare/compare.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/scenario/scenario.hpp"

using namespace slsim;

namespace {

const std::vector<std::string> kFns{"api", "checkout", "orders", "nightly"};

// The key and message of validate_parts' error ("" when it passes).
std::pair<std::string, std::string> refusal(const PartsSpec& p,
                                            const std::vector<std::string>* fns = &kFns) {
  try {
    validate_parts(p, fns);
  } catch (const ConfigError& e) {
    return {e.key(), e.message()};
  }
  return {"", ""};
}

std::string write(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "slsim_parts_spec_test";
  std::filesystem::create_directories(dir);
  const auto f = (dir / name).string();
  std::ofstream(f) << text;
  return f;
}

const char* kWorkload =
    "as_of = 2026-11-01\n[workload]\ngenerator = \"poisson\"\nrate_per_s = 1\n"
    "duration_s = 60\nfunction = \"api\"\n";

}  // namespace

TEST_CASE("PartsSpec: parts are the groups and every other function alone", "[compare]") {
  PartsSpec p;
  p.groups = {{"web", {"checkout", "api"}}};
  CHECK(refusal(p).first.empty());
  const auto parts = resolve_parts(p, kFns);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0] == Part{"web", {"api", "checkout"}});
  CHECK(parts[1] == Part{"orders", {"orders"}});
  CHECK(parts[2] == Part{"nightly", {"nightly"}});
  CHECK(resolve_parts(PartsSpec{}, kFns).size() == 4);
  // A group may be named after one of its own functions.
  p.groups = {{"api", {"api", "checkout"}}};
  CHECK(refusal(p).first.empty());
}

TEST_CASE("PartsSpec: bad groups are refused naming the part", "[compare]") {
  PartsSpec p;
  p.groups = {{"web", {"api", "checkout"}}, {"mobile", {"api"}}};
  auto [key, why] = refusal(p, nullptr);  // found without the workload
  CHECK(key == "parts.mobile");
  CHECK_THAT(why, Catch::Contains("'api' is in two parts, 'web' and 'mobile'"));
  p.groups = {{"web", {}}};
  std::tie(key, why) = refusal(p, nullptr);
  CHECK(key == "parts.web");
  CHECK_THAT(why, Catch::Contains("has no functions"));
  p.groups = {{"web", {"api", "nosuch"}}};
  CHECK(refusal(p, nullptr).first.empty());  // the workload is needed to tell
  std::tie(key, why) = refusal(p);
  CHECK(key == "parts.web");
  CHECK_THAT(why, Catch::Contains("no function 'nosuch'") && Catch::Contains("api, checkout"));
  p.groups = {{"orders", {"api", "checkout"}}};
  std::tie(key, why) = refusal(p);
  CHECK(key == "parts.orders");
  CHECK_THAT(why, Catch::Contains("'orders' is the name of a function"));
}

TEST_CASE("PartsSpec: objectives per part, the scenario-wide ones as the default", "[compare]") {
  PartsSpec p;
  p.groups = {{"web", {"api", "checkout"}}};
  p.objectives["nightly"].slo_p99_ms = 3'000'000;
  p.objectives["web"].max_cold_start_rate = 0.05;
  CHECK(refusal(p).first.empty());
  Objectives all;
  all.slo_p99_ms = 2500;
  const Objectives n = part_objectives(p, "nightly", all);
  CHECK(*n.slo_p99_ms == 3'000'000);
  CHECK(*n.max_error_rate == kDefaultMaxErrorRate);
  const Objectives w = part_objectives(p, "web", all);
  CHECK(*w.slo_p99_ms == 2500);
  CHECK(*w.max_cold_start_rate == 0.05);
  CHECK(*part_objectives(p, "orders", all).slo_p99_ms == 2500);

  p.objectives["nosuch"].slo_p99_ms = 1;
  auto [key, why] = refusal(p);
  CHECK(key == "objectives.nosuch");
  CHECK_THAT(why,
             Catch::Contains("'nosuch' is not a part") && Catch::Contains("web, orders, nightly"));
  p.objectives.erase("nosuch");
  p.objectives["api"].slo_p99_ms = 1;  // in the group web
  std::tie(key, why) = refusal(p);
  CHECK(key == "objectives.api");
  CHECK_THAT(why, Catch::Contains("part 'web'"));
  p.objectives.erase("api");
  p.objectives["web"].max_error_rate = 2;
  std::tie(key, why) = refusal(p, nullptr);
  CHECK(key == "objectives.web.max_error_rate");
  CHECK_THAT(why, Catch::Contains("fraction from 0 to 1"));
}

TEST_CASE("PartsSpec: pins and exclusions", "[compare]") {
  PartsSpec p;
  p.place["api"] = "lambda";
  p.exclude["nightly"] = {"lambda"};
  p.exclude_all = {"batch"};
  CHECK(refusal(p).first.empty());
  const std::vector<std::string> all{"lambda", "ecs", "fargate", "batch"};
  CHECK(allowed_platforms(p, "api", all) == std::vector<std::string>{"lambda"});
  CHECK(allowed_platforms(p, "nightly", all) == std::vector<std::string>{"ecs", "fargate"});
  CHECK(allowed_platforms(p, "orders", all) ==
        std::vector<std::string>{"lambda", "ecs", "fargate"});

  p.place["api"] = "k8s";
  auto [key, why] = refusal(p, nullptr);
  CHECK(key == "place.api");
  CHECK_THAT(why, Catch::Contains("'k8s' is not a platform; allowed: lambda, ecs, fargate, batch"));
  p.place["api"] = "batch";
  std::tie(key, why) = refusal(p, nullptr);
  CHECK(key == "place.api");
  CHECK_THAT(why, Catch::Contains("excluded"));
  p.place = {{"nosuch", "lambda"}};
  std::tie(key, why) = refusal(p);
  CHECK(key == "place.nosuch");
  CHECK_THAT(why, Catch::Contains("not a part"));
  p.place.clear();
  p.exclude_all = {"lambda", "ecs", "fargate", "batch", "lambda-managed", "ecs-managed"};
  CHECK(refusal(p, nullptr).first == "exclude");
  p.exclude_all = {"ecs", "fargate", "batch", "lambda-managed", "ecs-managed"};
  CHECK(refusal(p, nullptr).first == "exclude.nightly");
  // The 2025 platforms are platforms too: with one of them left, a part has somewhere to go.
  p.exclude_all = {"ecs", "fargate", "batch", "ecs-managed"};
  CHECK_NOTHROW(validate_parts(p, nullptr));
  // A spillover is out with either of its sides.
  p.exclude_all = {"lambda"};
  p.exclude.clear();
  CHECK(allowed_platforms(p, "api", {"lambda", "fargate", "fargate+lambda"}) ==
        std::vector<std::string>{"fargate"});
}

TEST_CASE("PartsSpec: a run of some functions drops the settings of the parts left out",
          "[compare]") {
  PartsSpec p;
  p.groups = {{"web", {"api", "checkout"}}, {"jobs", {"orders", "nightly"}}};
  p.objectives["jobs"].slo_p99_ms = 10;
  p.objectives["web"].slo_p99_ms = 20;
  p.place["jobs"] = "batch";
  const PartsSpec r = restrict_parts(p, {"api"});
  REQUIRE(r.groups.size() == 1);
  CHECK(r.groups[0] == PartGroup{"web", {"api"}});
  CHECK(r.objectives.size() == 1);
  CHECK(r.objectives.count("web"));
  CHECK(r.place.empty());
  const std::vector<std::string> api{"api"};
  CHECK_NOTHROW(validate_parts(r, &api));
}

TEST_CASE("Scenario: [report.parts], [report.objectives.PART], [report.place], exclude",
          "[scenario]") {
  const auto f = write("ok.toml", std::string(kWorkload) +
                                      "[[workloads]]\ngenerator = \"schedule\"\nfunction = "
                                      "\"nightly\"\nduration_s = 86400\nduration_ms = 60000\n"
                                      "[report]\nslo_p99_ms = 2500\nexclude = [\"batch\"]\n"
                                      "[report.parts]\nweb = [\"api\"]\n"
                                      "[report.objectives.nightly]\nslo_p99_ms = 120000\n"
                                      "[report.place]\nweb = \"lambda\"\n"
                                      "nightly = { exclude = [\"lambda\"] }\n");
  const Scenario s = load_scenario(f);
  const PartsSpec& p = s.report.parts;
  REQUIRE(p.groups.size() == 1);
  CHECK(p.groups[0] == PartGroup{"web", {"api"}});
  CHECK(*p.objectives.at("nightly").slo_p99_ms == 120000);
  CHECK(p.place.at("web") == "lambda");
  CHECK(p.exclude.at("nightly") == std::vector<std::string>{"lambda"});
  CHECK(p.exclude_all == std::vector<std::string>{"batch"});
}

TEST_CASE("Scenario: bad parts are refused naming the file key", "[scenario]") {
  auto refused = [](const std::string& name, const std::string& report) {
    const auto f = write(name, std::string(kWorkload) + report);
    try {
      load_scenario(f);
    } catch (const ScenarioError& e) {
      return std::string(e.what()).substr(f.size());
    }
    return std::string("accepted");
  };
  CHECK_THAT(refused("two.toml", "[report.parts]\na = [\"api\"]\nb = [\"api\"]\n"),
             Catch::StartsWith(": [report.parts] b: 'api' is in two parts"));
  CHECK_THAT(refused("empty.toml", "[report.parts]\na = []\n"),
             Catch::StartsWith(": [report.parts] a: the part 'a' has no functions"));
  CHECK_THAT(refused("notlist.toml", "[report.parts]\na = \"api\"\n"),
             Catch::StartsWith(": [report.parts] a: must be a list of function names"));
  CHECK_THAT(refused("obj.toml", "[report.objectives.api]\nslo_p99_ms = -1\n"),
             Catch::StartsWith(": [report.objectives.api] slo_p99_ms: must be a number"));
  CHECK_THAT(refused("objkey.toml", "[report.objectives.api]\np99 = 1\n"),
             Catch::StartsWith(": [report.objectives.api] p99: unknown key"));
  CHECK_THAT(refused("place.toml", "[report.place]\napi = \"k8s\"\n"),
             Catch::StartsWith(": [report.place] api: 'k8s' is not a platform; allowed: lambda"));
  CHECK_THAT(refused("placex.toml", "[report.place]\napi = { exclude = [\"x\"] }\n"),
             Catch::StartsWith(": [report.place] api: 'x' is not a platform"));
  CHECK_THAT(refused("ex.toml", "[report]\nexclude = [\"x\"]\n"),
             Catch::StartsWith(": [report] exclude: 'x' is not a platform"));
}
