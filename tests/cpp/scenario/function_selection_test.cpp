// Selecting functions of a scenario's workload: generators and [[workloads]] as well as traces,
// and per-function tables naming functions outside the selection ignored for the run (issue 20).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "slsim/compare/scenario_compare.hpp"
#include "slsim/lambda/lambda_config.hpp"
#include "slsim/scenario/scenario.hpp"

using namespace slsim;

namespace {

std::set<std::string> invoked(const Scenario& s) {
  auto src = open_workload(s);
  Invocation inv;
  std::set<std::string> names;
  while (src->next(inv))
    names.insert(src->functions()[inv.function].name);
  return names;
}

Scenario default_scenario() {
  return load_scenario(std::string(SLSIM_EXAMPLES) + "/default.toml");
}

}  // namespace

TEST_CASE("Scenario: functions selects from a generator and [[workloads]]", "[scenario]") {
  Scenario s = default_scenario();
  CHECK(invoked(s) == std::set<std::string>{"api", "orders-consumer", "nightly-report"});
  s.functions = {"api"};
  CHECK(invoked(s) == std::set<std::string>{"api"});
  s.functions = {"nightly-report", "orders-consumer"};
  CHECK(invoked(s) == std::set<std::string>{"orders-consumer", "nightly-report"});
  CHECK(open_scenario_workload(s, 7, 1.0)->functions().size() <= 2);
}

TEST_CASE("Scenario: the selection is a file key too (top-level functions)", "[scenario]") {
  const auto dir = std::filesystem::temp_directory_path() / "slsim_function_selection_test";
  std::filesystem::create_directories(dir);
  const auto f = (dir / "s.toml").string();
  std::ofstream(f) << "as_of = 2026-11-01\nfunctions = [\"b\"]\n"
                      "[workload]\ngenerator = \"poisson\"\nrate_per_s = 1\nduration_s = 60\n"
                      "function = \"a\"\n"
                      "[[workloads]]\ngenerator = \"poisson\"\nrate_per_s = 1\nduration_s = 60\n"
                      "function = \"b\"\n";
  const Scenario s = load_scenario(f);
  CHECK(s.functions == std::vector<std::string>{"b"});
  CHECK(invoked(s) == std::set<std::string>{"b"});
  std::ofstream(f) << "as_of = 2026-11-01\nfunctions = \"b\"\n"
                      "[workload]\ngenerator = \"poisson\"\nrate_per_s = 1\nduration_s = 60\n";
  CHECK_THROWS_WITH(load_scenario(f), Catch::Contains(f + ": functions: must be a list"));
}

TEST_CASE("restrict_to_functions: tables naming functions outside the selection are dropped",
          "[scenario]") {
  Scenario s = default_scenario();
  REQUIRE(s.lambda.functions.count("nightly-report"));
  REQUIRE(s.fargate.services.count("nightly-report"));
  ServiceConfig two = s.fargate.defaults;
  two.functions = {"api", "orders-consumer"};
  s.ecs.services["web"] = two;
  s.ecs.services.erase("orders-consumer");
  BatchJobDefinition job;
  s.batch.functions["nightly-report"] = job;
  restrict_to_functions(s, {"api"});
  CHECK(s.lambda.functions.empty());
  CHECK(s.fargate.services.empty());
  CHECK(s.batch.functions.empty());
  REQUIRE(s.ecs.services.count("web"));
  CHECK(s.ecs.services.at("web").functions == std::vector<std::string>{"api"});
  CHECK(s.ecs.services.count("nightly-report") == 0);
  // The tables left name only functions of the selection: the existence checks pass.
  CHECK_NOTHROW(check_lambda_functions_exist(s.lambda, {"api"}));
  CHECK_NOTHROW(check_container_functions_exist(s.ecs, {"api"}));
  CHECK_NOTHROW(check_container_functions_exist(s.fargate, {"api"}));
  CHECK_NOTHROW(check_batch_functions_exist(s.batch, {"api"}));
}

TEST_CASE("selected_functions: the names the selection keeps, in workload order", "[scenario]") {
  Scenario s = default_scenario();
  const std::vector<std::string> all{"api", "orders-consumer", "nightly-report"};
  CHECK(selected_functions(s, all) == all);
  s.functions = {"nightly-report", "api"};
  CHECK(selected_functions(s, all) == std::vector<std::string>{"api", "nightly-report"});
  // The whole workload before any selection by name.
  s.functions = {"api"};
  const auto names = function_names(workload_factory(unselected(s)));
  CHECK(std::set<std::string>(names.begin(), names.end()) ==
        std::set<std::string>(all.begin(), all.end()));
}
