#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "slsim/batch/batch.hpp"
#include "slsim/scenario/scenario.hpp"

using namespace slsim;

namespace {

std::string write_scenario(const std::string& name, const std::string& batch_table) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << "as_of = 2026-11-01\n[workload]\ngenerator = \"poisson\"\n"
                         "rate_per_s = 1\nduration_s = 60\n"
                      << batch_table;
  return path.string();
}

std::string load_error(const std::string& path) {
  try {
    load_scenario(path);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(none)";
}

}  // namespace

TEST_CASE("Scenario: the [batch] table of examples/batch.toml", "[batch]") {
  const Scenario s = load_scenario(std::string(SLSIM_EXAMPLES) + "/batch.toml");
  const BatchOptions& o = s.batch;
  CHECK(o.as_of == Date(2026, 11, 1));
  CHECK(o.seed == 7);
  REQUIRE(o.compute_environments.size() == 2);
  CHECK(o.compute_environments[0].name == "spot");
  CHECK(o.compute_environments[0].compute == BatchCompute::kSpot);
  CHECK(o.compute_environments[0].instance_types ==
        std::vector<std::string>{"c5.xlarge", "m5.xlarge"});
  CHECK(o.compute_environments[0].max_vcpus == 32);
  CHECK(o.compute_environments[1].compute == BatchCompute::kEc2);
  REQUIRE(o.queues.size() == 2);
  CHECK(o.queues[0].priority == 10);
  CHECK(o.queues[0].compute_environments == std::vector<std::string>{"spot", "on-demand"});
  CHECK(o.job.attempts == 3);
  CHECK(o.job.timeout_s == 3600);
  REQUIRE(o.functions.count("nightly-export") == 1);
  const auto& ex = o.functions.at("nightly-export");
  CHECK(ex.vcpu == 4);
  CHECK(ex.queue == "nightly");
  CHECK(ex.attempts == 3);  // from [batch]
  CHECK(o.functions.at("thumbnails").timeout_s == 900);
  // And it runs: the nightly export completes on Batch.
  auto wl = open_workload(s);
  const auto r = simulate_batch(*wl, o);
  CHECK(r.arrived == 108);
  CHECK(r.outcomes.total() == 108);
  CHECK(r.outcomes.unfinished == 0);
}

TEST_CASE("Scenario: [batch] errors name the file, the key and what is allowed", "[batch]") {
  auto e = load_error(write_scenario("slsim_batch_a.toml", "[batch]\nattempts = 12\n"));
  CHECK(e.find("slsim_batch_a.toml") != std::string::npos);
  CHECK(e.find("attempts: must be a whole number from 1 to 10") != std::string::npos);
  CHECK(e.find("1 to 10") != std::string::npos);
  e = load_error(write_scenario("slsim_batch_b.toml", "[batch]\nmax_vcpu = 4\n"));
  CHECK(e.find("max_vcpu: unknown key") != std::string::npos);
  CHECK(e.find("max_vcpus") != std::string::npos);  // in the list of allowed keys
  e = load_error(write_scenario("slsim_batch_c.toml",
                                "[batch]\nmax_vcpus = 8\n[[batch.compute_environments]]\n"
                                "name = \"a\"\n"));
  CHECK(e.find("max_vcpus") != std::string::npos);
  e = load_error(write_scenario("slsim_batch_d.toml",
                                "[batch]\n[[batch.queues]]\nname = \"q\"\n"
                                "compute_environments = [\"nope\"]\n"));
  CHECK(e.find("nope") != std::string::npos);
  e = load_error(write_scenario("slsim_batch_e.toml", "[batch]\ncompute = \"lambda\"\n"));
  CHECK(e.find("compute") != std::string::npos);
  CHECK(e.find("fargate_spot") != std::string::npos);
  CHECK(load_error(write_scenario("slsim_batch_f.toml",
                                  "[batch]\ncompute = \"fargate\"\n"
                                  "job_vcpu = 1\njob_memory_gb = 2\n")) == "(none)");
}
