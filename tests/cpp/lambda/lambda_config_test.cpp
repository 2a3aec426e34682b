// The one Lambda validator (issue 12 "One validation path", issue 11 items 4 and 10): every
// configuration mistake is a ConfigError naming the public setting and what is allowed.
#include "slsim/lambda/lambda_config.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "slsim/workload/array_source.hpp"
#include "slsim/workload/generators.hpp"

using namespace slsim;

namespace {

LambdaOptions at(const std::string& as_of) {
  LambdaOptions o;
  o.as_of = Date::parse(as_of);
  return o;
}

// The key of the ConfigError `o` raises ("" when valid).
std::string error_key(const LambdaOptions& o) {
  try {
    validate_lambda(o);
  } catch (const ConfigError& e) {
    return e.key();
  }
  return "";
}

std::string error_message(const LambdaOptions& o) {
  try {
    validate_lambda(o);
  } catch (const ConfigError& e) {
    return e.message();
  }
  return "";
}

}  // namespace

TEST_CASE("validate_lambda: the defaults are valid in every era", "[lambda][config]") {
  for (const char* d : {"2014-11-13", "2018-07-01", "2020-06-01", "2026-11-01"}) {
    CHECK(error_key(at(d)).empty());
  }
}

TEST_CASE("validate_lambda: timeouts are whole seconds from 1 to the era's maximum",
          "[lambda][config]") {
  auto o = at("2026-11-01");
  for (double bad :
       {-1.0, 0.5, 1.5, 901.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    o.defaults.timeout_s = bad;
    CHECK(error_key(o) == "timeout_s");
  }
  o.defaults.timeout_s = 0.5;
  CHECK_THAT(error_message(o), Catch::Contains("allowed are 1 to 900 s, in whole seconds"));
  for (double good : {0.0, 1.0, 30.0, 900.0}) {
    o.defaults.timeout_s = good;
    CHECK(error_key(o).empty());
  }
  o = at("2018-07-01");
  o.defaults.timeout_s = 600;
  CHECK_THAT(error_message(o), Catch::Contains("allowed are 1 to 300 s"));
}

TEST_CASE("validate_lambda: probabilities, times and counts", "[lambda][config]") {
  auto o = at("2026-11-01");
  o.defaults.error_probability = -0.1;
  CHECK(error_key(o) == "error_probability");
  o.defaults.error_probability = std::nan("");
  CHECK(error_key(o) == "error_probability");
  o = at("2026-11-01");
  o.defaults.init_ms = Distribution::constant(-100);
  CHECK(error_key(o) == "init_ms");
  o.defaults.init_ms = Distribution::parse("lognormal(median=200,p99=900)");
  CHECK(error_key(o).empty());
  o.defaults.keep_alive_s = Distribution::parse("uniform(low=-5,high=10)");
  CHECK(error_key(o) == "keep_alive_s");
  o.defaults.keep_alive_s = Distribution::constant(1e20);  // no internal overflow message
  CHECK(error_key(o) == "keep_alive_s");
  o.defaults.keep_alive_s.reset();
  o.defaults.provisioned = {{1e20, -1, 1}};
  CHECK(error_key(o) == "provisioned");
  o = at("2026-11-01");
  o.defaults.max_retry_attempts = 3;
  CHECK_THAT(error_message(o), Catch::Contains("0, 1 or 2"));
  o = at("2026-11-01");
  o.defaults.max_event_age_s = 30;
  CHECK(error_key(o) == "max_event_age_s");
  o = at("2026-11-01");
  o.defaults.max_receive_count = 5000;
  CHECK(error_key(o) == "max_receive_count");
  o = at("2026-11-01");
  o.defaults.message_retention_s = 10;
  CHECK(error_key(o) == "message_retention_s");
  o = at("2026-11-01");
  o.defaults.memory_mb = 100;
  CHECK(error_key(o) == "memory_mb");
  CHECK_THAT(error_message(o), Catch::Contains("128 to 10240 MB"));
  o = at("2026-11-01");
  o.discount_pct = 120;
  CHECK(error_key(o) == "discount_pct");
}

TEST_CASE("validate_lambda: errors name the function's setting", "[lambda][config]") {
  auto o = at("2026-11-01");
  LambdaFunctionConfig f;
  f.timeout_s = -1;
  o.functions["api"] = f;
  CHECK(error_key(o) == "functions.api.timeout_s");
  // No internal rule name or C++ function name reaches the message.
  CHECK_THAT(error_message(o), !Catch::Contains("lambda.") && !Catch::Contains("from_seconds"));
}

TEST_CASE("validate_lambda: a queue's visibility timeout must cover the function timeout",
          "[lambda][config]") {
  auto o = at("2026-11-01");
  o.defaults.invocation = InvocationType::kQueue;
  o.defaults.timeout_s = 60;
  o.defaults.visibility_timeout_s = 30;
  CHECK(error_key(o) == "visibility_timeout_s");
  CHECK_THAT(error_message(o), Catch::Contains("shorter than the function timeout 60 s"));
  o.defaults.visibility_timeout_s = 60;
  CHECK(error_key(o).empty());
  o.defaults.timeout_s = 0;  // the era's maximum, 900 s
  CHECK(error_key(o) == "visibility_timeout_s");
}

TEST_CASE("validate_lambda: reservations keep 100 unreserved; the limit itself may be lower",
          "[lambda][config]") {
  auto o = at("2026-11-01");
  LambdaFunctionConfig f;
  f.reserved_concurrency = 950;
  o.functions["api"] = f;
  CHECK(error_key(o) == "functions.api.reserved_concurrency");
  CHECK_THAT(error_message(o), Catch::Contains("reserve at most 900"));
  f.reserved_concurrency = 0;  // a function switched off: allowed
  o.functions["api"] = f;
  CHECK(error_key(o).empty());
  o = at("2026-11-01");
  o.defaults.reserved_concurrency = 5;
  CHECK(error_key(o) == "reserved_concurrency");
  // Issue 11 item 4: a new account's limit of 50 is allowed; nothing can be reserved in it, and
  // the message has no underflowed number.
  o = at("2026-11-01");
  o.account_concurrency = 50;
  CHECK(error_key(o).empty());
  f.reserved_concurrency = 10;
  o.functions["api"] = f;
  CHECK(error_key(o) == "functions.api.reserved_concurrency");
  CHECK_THAT(error_message(o),
             Catch::Contains("nothing can be reserved") && !Catch::Contains("4294967"));
}

TEST_CASE("Lambda: an account limit below 100 simulates (issue 11 item 4)", "[lambda][config]") {
  // 100 requests at once, 1 s each, on an account limited to 50: 50 run, 50 are throttled.
  WorkloadColumns c;
  c.function_names = {"fn"};
  for (int i = 0; i < 100; ++i) {
    c.arrival_s.push_back(0);
    c.duration_ms.push_back(1000);
    c.function.push_back(0);
  }
  auto o = at("2026-11-01");
  o.defaults.memory_mb = 1024;
  o.account_concurrency = 50;
  FunctionTable table;
  auto rows = ArraySource::prepare(c, table);
  ArraySource src(rows, table);
  const auto r = simulate_lambda(src, o);
  CHECK(r.counts.arrived == 100);
  CHECK(r.counts.completed == 50);
  CHECK(r.counts.dropped_throttled == 50);
  CHECK(r.max_busy == 50);
}

TEST_CASE("validate_lambda: provisioned concurrency windows (issue 11 item 10)",
          "[lambda][config]") {
  auto o = at("2026-11-01");
  LambdaFunctionConfig f;
  f.reserved_concurrency = 10;
  // Two overlapping windows of 6 need 12 at once: more than the 10 reserved.
  f.provisioned = {{0, 600, 6}, {300, 900, 6}};
  o.functions["api"] = f;
  CHECK(error_key(o) == "functions.api.provisioned");
  CHECK_THAT(error_message(o), Catch::Contains("12 environments at once"));
  // Back to back they fit.
  o.functions["api"].provisioned = {{0, 600, 6}, {600, 900, 6}};
  CHECK(error_key(o).empty());
  // An inverted window.
  o.functions["api"].provisioned = {{600, 300, 2}};
  CHECK(error_key(o) == "functions.api.provisioned");
  CHECK_THAT(error_message(o), Catch::Contains("ends before it starts"));
  // Before provisioned concurrency existed: the date, not an internal rule name.
  o = at("2019-06-01");
  o.defaults.provisioned = {{0, -1, 2}};
  CHECK(error_key(o) == "provisioned_concurrency");
  CHECK(error_message(o) == "provisioned concurrency exists from 2019-12-03 (as_of is 2019-06-01)");
  // Above what the account leaves unreserved.
  o = at("2026-11-01");
  o.defaults.provisioned = {{0, -1, 950}};
  CHECK(error_key(o) == "provisioned_concurrency");
}

TEST_CASE("validate_lambda: settings before they existed (issue 11 item 10)", "[lambda][config]") {
  auto o = at("2020-06-01");
  o.defaults.runtime = Runtime::kContainer;
  CHECK(error_key(o) == "runtime");
  CHECK_THAT(error_message(o), Catch::Contains("container images exist from 2020-12-01"));
  o = at("2021-01-01");
  o.defaults.runtime = Runtime::kContainer;
  CHECK(error_key(o).empty());
  o = at("2018-06-01");
  o.defaults.runtime = Runtime::kCustom;
  CHECK_THAT(error_message(o), Catch::Contains("custom runtimes exist from 2018-11-29"));
  o = at("2019-06-01");
  o.defaults.max_retry_attempts = 0;
  CHECK(error_key(o) == "max_retry_attempts");
  CHECK_THAT(error_message(o), Catch::Contains("2019-11-25"));
  o = at("2019-06-01");
  o.defaults.max_event_age_s = 3600;
  CHECK(error_key(o) == "max_event_age_s");
  o = at("2020-06-01");
  o.defaults.arch = Arch::kArm64;
  CHECK_THAT(error_message(o), Catch::Contains("arm64 Lambda functions exist from 2021-09-29"));
}

TEST_CASE("simulate_lambda: goes through the same validator", "[lambda][config]") {
  PoissonOptions p;
  p.rate_per_s = 1;
  p.duration_s = 10;
  PoissonSource src(p);
  auto o = at("2026-11-01");
  o.defaults.timeout_s = 0.5;
  CHECK_THROWS_AS(simulate_lambda(src, o), ConfigError);
}

TEST_CASE("check_lambda_functions_exist: a configured function the workload lacks",
          "[lambda][config]") {
  auto o = at("2026-11-01");
  o.functions["nosuch"] = LambdaFunctionConfig{};
  CHECK_NOTHROW(check_lambda_functions_exist(at("2026-11-01"), {"api"}));
  try {
    check_lambda_functions_exist(o, {"api", "worker"});
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "functions.nosuch");
    CHECK_THAT(e.message(),
               Catch::Contains("no function 'nosuch'") && Catch::Contains("api, worker"));
  }
}

TEST_CASE("validate_lambda: SQS visibility timeouts are whole seconds (issue 12 review item 4)",
          "[lambda][config]") {
  auto o = at("2024-05-01");
  o.defaults.visibility_timeout_s = 1.5;
  CHECK(error_key(o) == "visibility_timeout_s");
  CHECK(error_message(o) == "1.5 is not allowed: 0 to 43,200 s, in whole seconds");
  o.defaults.visibility_timeout_s = 43'201;
  CHECK(error_key(o) == "visibility_timeout_s");
  o.defaults.visibility_timeout_s = 43'200;
  CHECK(error_key(o).empty());
  o.defaults.visibility_timeout_s = 0;
  CHECK(error_key(o).empty());
}

TEST_CASE(
    "validate_account_concurrency: a user-given limit is 1 to 10,000,000 (issue 12 review "
    "item 2)",
    "[lambda][config]") {
  auto message = [](std::uint64_t v) -> std::string {
    try {
      validate_account_concurrency(v);
    } catch (const ConfigError& e) {
      CHECK(e.key() == "account_concurrency");
      return e.message();
    }
    return "";
  };
  CHECK(message(0) == "0 is not allowed: 1 to 10,000,000 concurrent executions");
  CHECK(message(10'000'001) == "10,000,001 is not allowed: 1 to 10,000,000 concurrent executions");
  CHECK(message(1).empty());
  CHECK(message(10'000'000).empty());
}

TEST_CASE(
    "validate_lambda: an as_of before the prices is not named twice (issue 12 review "
    "item 6)",
    "[lambda][config]") {
  const auto o = at("2010-01-01");
  CHECK(error_key(o) == "as_of");
  CHECK_THAT(error_message(o), Catch::StartsWith("2010-01-01 is before "));
}
