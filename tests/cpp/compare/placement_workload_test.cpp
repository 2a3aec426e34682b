#include "slsim/compare/placement_workload.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "slsim/compare/compare.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/scenario/scenario.hpp"
#include "slsim/workload/mix_source.hpp"
#include "support/poisson_part.hpp"

using namespace slsim;

namespace {

/// Two hours of an API (2 req/s, 100 ms) and a queue worker (0.2 msg/s, 3 s).
WorkloadFactory two_parts() {
  return [](std::uint64_t seed, double) -> std::unique_ptr<WorkloadSource> {
    std::vector<std::unique_ptr<WorkloadSource>> s;
    s.push_back(test::poisson_part("api", 2, 2 * 3600, 100, seed));
    s.push_back(
        test::poisson_part("worker", 0.2, 2 * 3600, 3000, seed + 1, InvocationType::kQueue));
    return std::make_unique<MixSource>(std::move(s));
  };
}

PlatformRunner runner_of(const std::string& platform, const std::vector<std::string>&) {
  const Date as_of(2026, 11, 1);
  if (platform == "lambda") {
    LambdaOptions o;
    o.as_of = as_of;
    return lambda_runner(o);
  }
  FargateOptions o;
  o.as_of = as_of;
  return fargate_runner(o);
}

}  // namespace

TEST_CASE("place_workload: the parts of a workload placed as place_parts places them",
          "[compare][placement]") {
  CompareOptions o;
  o.as_of = Date(2026, 11, 1);
  o.threads = 2;
  o.objectives.slo_p99_ms = 2000;
  o.parts.objectives["worker"].slo_p99_ms = 60'000;
  const std::vector<std::string> functions{"api", "worker"};
  const auto r = place_workload(two_parts(), functions, {"lambda", "fargate"}, runner_of, o);
  REQUIRE(r);
  std::vector<PlacementPart> parts(2);
  parts[0].name = "api";
  parts[0].functions = {"api"};
  parts[0].objectives = o.objectives;
  parts[1].name = "worker";
  parts[1].functions = {"worker"};
  parts[1].objectives = o.objectives;
  parts[1].objectives.slo_p99_ms = 60'000;
  // The platforms with their spillover (fargate+lambda), as place_workload offers them.
  CHECK(r->to_json() == place_parts(two_parts(), parts, with_spillover({"lambda", "fargate"}),
                                    with_spillover(runner_of), o)
                            .to_json());

  SECTION("a pin and an exclusion reach the search") {
    o.parts.place["api"] = "fargate";
    o.parts.exclude["worker"] = {"lambda"};
    const auto q = place_workload(two_parts(), functions, {"lambda", "fargate"}, runner_of, o);
    REQUIRE(q);
    CHECK(q->parts[0].platform == "fargate");
    CHECK(q->parts[1].platform == "fargate");
  }
  SECTION("one part (a group of both functions) has no placement") {
    o.parts.objectives.clear();
    o.parts.groups.push_back({"all", {"api", "worker"}});
    CHECK_FALSE(place_workload(two_parts(), functions, {"lambda", "fargate"}, runner_of, o));
  }
  SECTION("objectives for a part the workload does not have are refused, keyed") {
    o.parts.objectives["nosuch"].slo_p99_ms = 5;
    try {
      place_workload(two_parts(), functions, {"lambda", "fargate"}, runner_of, o);
      FAIL("no error");
    } catch (const ConfigError& e) {
      CHECK(e.key() == "objectives.nosuch");
    }
  }
}

TEST_CASE("load_scenario_text: a scenario's text reads as its file", "[scenario]") {
  const std::string path = std::string(SLSIM_EXAMPLES) + "/default.toml";
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const Scenario a = load_scenario(path);
  const Scenario b = load_scenario_text(text, path);
  CHECK(a.name == b.name);
  CHECK(a.seed == b.seed);
  CHECK(a.as_of == b.as_of);
  CHECK(a.more_workloads.size() == b.more_workloads.size());
  CHECK(a.lambda.functions.size() == b.lambda.functions.size());
  CHECK(a.report.parts == b.report.parts);
  CHECK(b.file == path);
  CHECK_THROWS_WITH(load_scenario_text("seed = -1\n", "/x/y.toml"),
                    Catch::StartsWith("/x/y.toml: seed: -1 is not allowed"));
  CHECK_THROWS_WITH(load_scenario_text("seed = \n", "/x/y.toml"),
                    Catch::StartsWith("/x/y.toml:1:"));
}
