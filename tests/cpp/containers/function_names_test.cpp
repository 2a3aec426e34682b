// Container services and Batch job definitions must name functions of the workload, as
// [lambda.functions.NAME] must (check_lambda_functions_exist).
#include <catch2/catch.hpp>

#include "slsim/batch/batch_options.hpp"
#include "slsim/containers/service.hpp"
#include "slsim/platform/config_error.hpp"

using namespace slsim;

TEST_CASE("check_container_functions_exist: a service naming no function is refused",
          "[containers]") {
  const std::vector<std::string> names{"f", "g"};
  FargateOptions o;
  ServiceConfig api;
  api.functions = {"f", "g"};
  o.services["api"] = api;
  CHECK_NOTHROW(check_container_functions_exist(o, names));

  o.services["api"].functions = {"f", "F"};
  try {
    check_container_functions_exist(o, names);
    FAIL("a misspelled function was accepted");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "services.api.functions");
    CHECK(e.message() == "'F' is not a function of the workload; its functions: f, g");
  }

  // A service without a functions list serves the function of its name.
  FargateOptions n;
  ServiceConfig nosuch;
  nosuch.functions = {"nosuch"};
  n.services["nosuch"] = nosuch;
  try {
    check_container_functions_exist(n, names);
    FAIL("a service named after no function was accepted");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "services.nosuch");
    CHECK_THAT(e.message(),
               Catch::Contains("no function 'nosuch'") && Catch::Contains("its functions: f, g"));
  }
}

TEST_CASE("check_batch_functions_exist: a job definition naming no function is refused",
          "[batch]") {
  BatchOptions o;
  o.functions["f"] = BatchJobDefinition{};
  CHECK_NOTHROW(check_batch_functions_exist(o, {"f"}));
  o.functions["nosuch"] = BatchJobDefinition{};
  try {
    check_batch_functions_exist(o, {"f"});
    FAIL("a misspelled function was accepted");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "functions.nosuch");
    CHECK(e.message() == "the workload has no function 'nosuch'; its functions: f");
  }
}
