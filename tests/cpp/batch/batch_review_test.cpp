// Tests written for the outside review of the Batch model (each failed on the code before its
// fix): sizes and settings out of range refused naming the key, Spot capacity kept at min_vcpus,
// a Fargate job larger than max_vcpus refused, instance memory as ECS registers it.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "slsim/batch/batch.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/scenario/scenario.hpp"
#include "support/columns_source.hpp"

using namespace slsim;

namespace {

/// Queue jobs of one function at the given times and durations; memory not Lambda's setting.
test::ColumnsSource source(const std::vector<double>& arrival_s,
                           const std::vector<double>& duration_s, std::string name = "fn") {
  auto c = test::one_function(arrival_s, 0, std::move(name), InvocationType::kQueue);
  for (std::size_t i = 0; i < duration_s.size(); ++i)
    c.duration_ms[i] = duration_s[i] * 1000;
  return test::ColumnsSource(c, std::nullopt, false);
}

BatchOptions ec2() {
  BatchOptions o;
  o.as_of = Date::parse("2026-11-01");
  o.compute_environments[0].instance_types = {"c5.xlarge"};
  o.job.vcpu = 2;
  o.job.memory_gb = 3;
  return o;
}

BatchOptions fargate() {
  BatchOptions o;
  o.as_of = Date::parse("2026-11-01");
  o.compute_environments[0].compute = BatchCompute::kFargate;
  o.job.vcpu = 1;
  o.job.memory_gb = 2;
  return o;
}

// The key of the ConfigError validation throws, and its message.
std::pair<std::string, std::string> refused(const BatchOptions& o) {
  try {
    validate_batch_options(o);
  } catch (const ConfigError& e) {
    return {e.key(), e.message()};
  }
  return {"(none)", ""};
}

std::string key_of(const BatchOptions& o) {
  return refused(o).first;
}

std::string scenario_error(const std::string& name, const std::string& batch_table) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << "as_of = 2026-11-01\n[workload]\ngenerator = \"poisson\"\n"
                         "rate_per_s = 1\nduration_s = 60\n[batch]\n"
                      << batch_table;
  try {
    load_scenario(path.string());
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(none)";
}

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("BatchOptions: job sizes too large to represent are refused, not wrapped", "[batch]") {
  auto o = ec2();
  o.job.vcpu = 4294968;  // * 1000 wraps a uint32 to 704 milli-vCPUs
  auto [key, msg] = refused(o);
  CHECK(key == "job_vcpu");
  CHECK(has(msg, "at most"));
  o.job.vcpu = 1e10;
  CHECK(key_of(o) == "job_vcpu");
  o = ec2();
  o.job.memory_gb = 4194304.5;  // * 1024 wraps to 512 MiB
  CHECK(key_of(o) == "job_memory_gb");
  // And a run never starts with a wrapped size.
  auto s = source({0}, {10});
  o = ec2();
  o.job.vcpu = 4294968;
  CHECK_THROWS_AS(simulate_batch(s, o), ConfigError);
}

TEST_CASE("BatchOptions: min, desired and max vCPUs have an upper bound", "[batch]") {
  auto o = ec2();
  o.compute_environments[0].max_vcpus = 1e12;  // AWS takes an Int32
  auto [key, msg] = refused(o);
  CHECK(key == "max_vcpus");
  CHECK(has(msg, "2147483647"));
  o.compute_environments[0].max_vcpus = 1e33;
  CHECK(key_of(o) == "max_vcpus");
  o = ec2();
  o.compute_environments[0].min_vcpus = 1e12;
  o.compute_environments[0].desired_vcpus = 1e12;
  o.compute_environments[0].max_vcpus = 1e12;
  CHECK(key_of(o) == "min_vcpus");
  o.compute_environments[0].max_vcpus = 2e9;
  o.compute_environments[0].min_vcpus = 0;
  o.compute_environments[0].desired_vcpus = 2e9;
  CHECK(key_of(o) == "desired_vcpus");
  auto f = fargate();
  f.compute_environments[0].max_vcpus = 1.8e16;
  CHECK(key_of(f) == "max_vcpus");
}

TEST_CASE("BatchOptions: times too large for the clock are refused naming the key", "[batch]") {
  const auto base = ec2();
  auto o = base;
  o.job.timeout_s = 1e300;
  CHECK(key_of(o) == "timeout_s");
  o = base;
  o.job.array_window_s = 1e300;
  CHECK(key_of(o) == "array_window_s");
  o = base;
  o.scheduler_interval_s = 1e300;
  CHECK(key_of(o) == "scheduler_interval_s");
  o = base;
  o.instance_launch_s = 1e300;
  CHECK(key_of(o) == "instance_launch_s");
  o = base;
  o.scale_down_delay_s = 1e300;
  CHECK(key_of(o) == "scale_down_delay_s");
  o = base;
  o.starting_s = 1e300;
  CHECK(key_of(o) == "starting_s");
  o = base;
  o.container_start_s = 1e300;
  CHECK(key_of(o) == "container_start_s");
  o = base;
  o.fargate_start_s = 1e300;
  CHECK(key_of(o) == "fargate_start_s");
  o = base;
  o.spot_interruptions_per_hour = 1e-300;  // a mean time between reclaims beyond the clock
  auto [key, msg] = refused(o);
  CHECK(key == "spot_interruptions_per_hour");
  CHECK(has(msg, "0"));
  o.spot_interruptions_per_hour = 1e300;
  CHECK(key_of(o) == "spot_interruptions_per_hour");
  o.spot_interruptions_per_hour = 0;  // no reclaims
  CHECK(key_of(o) == "(none)");
}

TEST_CASE("BatchOptions: a negative Spot interruption rate is refused, not the default",
          "[batch]") {
  auto o = ec2();
  o.spot_interruptions_per_hour = -5;
  CHECK(key_of(o) == "spot_interruptions_per_hour");
  o.spot_interruptions_per_hour = -1;
  CHECK(key_of(o) == "spot_interruptions_per_hour");
}

TEST_CASE("BatchOptions: min_vcpus alone is allowed; max below min blames max_vcpus", "[batch]") {
  auto o = ec2();
  o.compute_environments[0].min_vcpus = 4;  // desiredvCpus is optional on AWS
  CHECK(key_of(o) == "(none)");
  o.compute_environments[0].min_vcpus = 16;
  o.compute_environments[0].max_vcpus = 8;
  auto [key, msg] = refused(o);
  CHECK(key == "max_vcpus");
  CHECK(has(msg, "min_vcpus"));
  // A desired given below min is still refused.
  o = ec2();
  o.compute_environments[0].min_vcpus = 8;
  o.compute_environments[0].desired_vcpus = 4;
  CHECK(key_of(o) == "desired_vcpus");
  // min alone keeps min_vcpus running from the start.
  o = ec2();
  o.compute_environments[0].min_vcpus = 8;
  auto s = source({100}, {10});
  const auto r = simulate_batch(s, o);
  CHECK(r.hosts_max == 2);
  CHECK(r.outcomes.completed == 1);
}

TEST_CASE("BatchModel: Spot capacity kept for min_vcpus is replaced after an interruption",
          "[batch]") {
  // min = desired = max = 8 vCPUs of c5.xlarge (two instances), one reclaim per instance-hour,
  // one job of 20,000 s: AWS keeps minvCpus, so two instances stay (launching or running) for
  // the whole run, and they are billed for it.
  auto o = ec2();
  auto& ce = o.compute_environments[0];
  ce.compute = BatchCompute::kSpot;
  ce.desired_vcpus = ce.min_vcpus = ce.max_vcpus = 8;
  o.spot_interruptions_per_hour = 1;
  o.job.attempts = 10;
  o.seed = 3;
  auto s = source({0}, {20'000});
  const auto r = simulate_batch(s, o);
  CHECK(r.outcomes.total() == 1);
  double interrupted = 0, billed_h = 0;
  for (const auto& [k, v] : r.extra) {
    if (k == "instances_interrupted") interrupted = v;
    if (k == "instance_hours") billed_h = v;
  }
  REQUIRE(interrupted > 0);
  CHECK(r.hosts_mean == Approx(2).epsilon(0.01));
  CHECK(billed_h * 3600 >= 2 * r.span_s - 1e-6);
}

TEST_CASE("BatchModel: a Fargate job larger than max_vcpus stops the run with an error",
          "[batch]") {
  auto o = fargate();
  o.job.vcpu = 4;
  o.job.memory_gb = 8;
  o.compute_environments[0].max_vcpus = 2;
  auto s = source({0}, {10}, "encode");
  try {
    simulate_batch(s, o);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "job_vcpu");
    CHECK(has(e.message(), "encode"));
    CHECK(has(e.message(), "max_vcpus"));
  }
}

TEST_CASE("BatchModel: an instance offers jobs the memory ECS registers, not its nominal memory",
          "[batch]") {
  // c5.xlarge: 8 GiB = 8,192 MiB nominal; ECS registers about 97.5% (7,987 MiB), and Batch's
  // agent reserves 32 MiB of that: 7,955 MiB for jobs. A 7.9 GB (8,090 MiB) job does not fit.
  auto o = ec2();
  o.job.memory_gb = 7.9;
  auto s = source({0}, {10});
  try {
    simulate_batch(s, o);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "job_memory_gb");
    CHECK(has(e.message(), "7955 MiB"));
  }
  o.job.memory_gb = 7955.0 / 1024;  // exactly what is registered for jobs: fits
  auto s2 = source({0}, {10});
  CHECK(simulate_batch(s2, o).outcomes.completed == 1);
}

TEST_CASE("Scenario: [batch] attempts and array_size errors say what AWS allows", "[batch]") {
  auto e = scenario_error("slsim_batch_attempts.toml", "attempts = -1\n");
  CHECK(has(e, "[batch] attempts"));
  CHECK(has(e, "1 to 10"));
  e = scenario_error("slsim_batch_array.toml", "array_size = -3\n");
  CHECK(has(e, "[batch] array_size"));
  CHECK(has(e, "2 to 10,000"));
}

TEST_CASE("BatchOptions: timeout_s takes whole seconds; a Fargate vCPU must be a Fargate size",
          "[batch]") {
  auto o = ec2();
  o.job.timeout_s = 60.5;  // attemptDurationSeconds is an integer
  CHECK(key_of(o) == "timeout_s");
  auto f = fargate();
  f.job.vcpu = 0.3;
  f.job.memory_gb = 0;
  auto [key, msg] = refused(f);
  CHECK(key == "job_vcpu");
  CHECK(has(msg, "0.25"));
}
