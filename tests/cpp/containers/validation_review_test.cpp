// Review findings 5 and 7: settings that would have no effect are refused, and a refusal names
// the setting at fault and what is allowed.

#include <catch2/catch.hpp>
#include <string>

#include "slsim/containers/containers.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/array_source.hpp"

using namespace slsim;

namespace {

const Date kAsOf{2024, 6, 1};

/// The key and message of the ConfigError `o` is refused with ("" when it is accepted).
std::pair<std::string, std::string> refusal(const ContainerOptions& o) {
  try {
    validate_containers(o);
  } catch (const ConfigError& e) {
    return {e.key(), e.message()};
  }
  return {"", ""};
}

EcsOptions ecs() {
  EcsOptions e;
  e.as_of = kAsOf;
  e.defaults.vcpu = 1;
  e.defaults.memory_gb = 1;
  e.cluster.instance_types = {"m5.large"};  // the user's (auto is sized with the tasks)
  return e;
}

}  // namespace

TEST_CASE("Containers: Fargate-only task settings are refused on EC2", "[containers]") {
  REQUIRE(refusal(ecs()).first.empty());
  {
    auto e = ecs();
    e.defaults.storage_gb = 500;
    const auto [key, msg] = refusal(e);
    CHECK(key == "storage_gb");
    CHECK_THAT(msg, Catch::Contains("Fargate"));
  }
  {
    auto e = ecs();
    e.defaults.stop_timeout_s = 1e9;
    CHECK(refusal(e).first == "stop_timeout_s");
  }
  {
    auto e = ecs();
    e.defaults.spot_interruption_pct = 20;
    CHECK(refusal(e).first == "spot_interruption_pct");
  }
  {
    auto e = ecs();
    e.defaults.spot_in_flight = SpotInFlight::kFail;
    CHECK(refusal(e).first == "spot_in_flight");
  }
  {
    FargateOptions f;
    f.as_of = kAsOf;
    f.defaults.image_pull_s = Distribution::constant(5);
    CHECK(refusal(f).first == "image_pull_s");
  }
}

TEST_CASE("Containers: a task's architecture must match the instance types", "[containers]") {
  auto e = ecs();
  e.defaults.arch = Arch::kArm64;
  const auto [key, msg] = refusal(e);
  CHECK(key == "arch");
  CHECK_THAT(msg, Catch::Contains("m5.large"));
  e.cluster.instance_types = {"m6g.large"};
  CHECK(refusal(e).first.empty());
  e.defaults.arch = Arch::kX86_64;
  CHECK(refusal(e).first == "arch");
}

TEST_CASE("Containers: counts that contradict each other are refused", "[containers]") {
  {
    FargateOptions f;
    f.as_of = kAsOf;
    f.defaults.tasks = 2;
    f.defaults.initial_tasks = 50;
    const auto [key, msg] = refusal(f);
    CHECK(key == "initial_tasks");
    CHECK_THAT(msg, Catch::Contains("tasks"));
  }
  {
    auto e = ecs();
    e.cluster.instances = 50;
    e.cluster.max_instances = 10;
    const auto [key, msg] = refusal(e);
    CHECK(key == "instances");
    CHECK_THAT(msg, Catch::Contains("max_instances"));
  }
}

TEST_CASE("Containers: a task that fits no instance names the setting at fault", "[containers]") {
  {
    auto e = ecs();
    e.defaults.vcpu = 4;  // m5.large has 2 vCPU
    const auto [key, msg] = refusal(e);
    CHECK(key == "vcpu");
    CHECK_THAT(msg, Catch::Contains("2 vCPU"));
  }
  {
    auto e = ecs();
    e.cluster.reserved_memory_mb = 8000;  // leaves less than 1 GB of an m5.large's 8 GiB
    CHECK(refusal(e).first == "reserved_memory_mb");
  }
  {
    auto e = ecs();
    e.defaults.memory_gb = 30000;
    const auto [key, msg] = refusal(e);
    CHECK(key == "memory_gb");
    CHECK_THAT(msg, Catch::Contains("24576"));
  }
}

TEST_CASE("Containers: an unknown region is refused before the run", "[containers]") {
  FargateOptions f;
  f.as_of = kAsOf;
  f.region = "mars-north-1";
  CHECK(refusal(f).first == "region");
  auto e = ecs();
  e.region = "mars-north-1";
  CHECK(refusal(e).first == "region");
}

TEST_CASE("Containers: an instance warm-up that is not modelled is noted", "[containers]") {
  auto e = ecs();
  e.cluster.instance_warmup_s = 60;
  WorkloadColumns c;
  c.arrival_s = {0, 1};
  c.duration_ms = {10, 10};
  c.function = {0, 0};
  c.function_names = {"api"};
  FunctionTable table;
  auto rows = ArraySource::prepare(c, table);
  ArraySource src(rows, table);
  const auto r = simulate_ecs(src, e);
  bool noted = false;
  for (const auto& n : r.notes)
    noted = noted || n.find("instance_warmup_s") != std::string::npos;
  CHECK(noted);
}
