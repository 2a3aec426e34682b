// Issue 24: the settings of Lambda Managed Instances and ECS Managed Instances by their public
// names (options_io.hpp): each platform's keys, what they set, and the refusal of another
// platform's settings. Ranges are validate_containers'.

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "slsim/containers/options_io.hpp"
#include "slsim/platform/config_error.hpp"

using namespace slsim;

namespace {

bool has(const std::vector<std::string>& keys, const std::string& k) {
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

std::string refusal(ContainerOptions& o, const std::string& key, const std::string& value,
                    bool service_only = false) {
  try {
    set_container_option(o, o.defaults, key, value, service_only);
  } catch (const ConfigError& e) {
    CHECK(e.key() == key);
    return e.message();
  }
  FAIL("accepted " << key << " = " << value);
  return "";
}

}  // namespace

TEST_CASE("Containers: Lambda Managed Instances settings by their Lambda names", "[containers]") {
  const auto& svc = container_service_keys(Managed::kLambda);
  const auto& cluster = container_cluster_keys(Managed::kLambda);
  for (const char* k :
       {"functions", "memory_mb", "memory_per_vcpu_gb", "concurrency", "runtime",
        "min_environments", "max_environments", "arch", "cpu_bound_fraction", "parallel_fraction",
        "reference_memory_mb", "error_probability", "target_cpu_pct"})
    CHECK(has(svc, k));
  CHECK(cluster == std::vector<std::string>{"instance_type", "min_instances", "max_instances"});
  for (const char* k : {"vcpu", "memory_gb", "queue_size", "tasks", "min_tasks", "spot"})
    CHECK_FALSE(has(svc, k));

  LambdaManagedOptions o;
  set_container_option(o, o.defaults, "memory_mb", "4096");
  CHECK(o.defaults.memory_gb == 4);
  set_container_option(o, o.defaults, "memory_per_vcpu_gb", "4");
  CHECK(o.defaults.memory_per_vcpu_gb == 4);
  set_container_option(o, o.defaults, "concurrency", "8");
  CHECK(o.defaults.concurrency == 8);
  set_container_option(o, o.defaults, "runtime", "java");
  CHECK(o.defaults.runtime == LambdaRuntime::kJava);
  set_container_option(o, o.defaults, "min_environments", "2");
  set_container_option(o, o.defaults, "max_environments", "30");
  CHECK(o.defaults.min_tasks == 2u);
  CHECK(o.defaults.max_tasks == 30u);
  set_container_option(o, o.defaults, "target_cpu_pct", "60");
  CHECK(o.defaults.target_cpu_pct == 60);
  set_container_option(o, o.defaults, "instance_type", "c5.xlarge");
  CHECK(o.cluster.instance_types == std::vector<std::string>{"c5.xlarge"});
  set_container_option(o, o.defaults, "min_instances", "4");
  CHECK(o.cluster.min_instances == 4u);
  set_container_option(o, o.defaults, "concurrency", "auto");
  CHECK(o.defaults.concurrency == 0u);

  // 0 is how the struct says auto: an explicit 0 is refused.
  const auto zero = refusal(o, "concurrency", "0");
  CHECK_THAT(zero, Catch::Contains("must be at least 1"));
  CHECK_THAT(zero, Catch::Contains("python 16, nodejs 64, java/dotnet 32 per vCPU"));
  CHECK_THAT(refusal(o, "runtime", "ruby"), Catch::Contains("python, nodejs, java or dotnet"));
  CHECK_THAT(refusal(o, "memory_mb", "lots"), Catch::Contains("not a number"));
  // Another platform's settings: not Lambda Managed Instances', with the ones that are.
  for (const char* k :
       {"queue_size", "lb_timeout_s", "vcpu", "tasks", "spot", "memory_gb", "assign_public_ip",
        "step_scaling", "spot_discount_pct", "managed_scaling", "scale_in_after_s"}) {
    const auto m = refusal(o, k, "1");
    CHECK_THAT(m, Catch::Contains("not a Lambda Managed Instances setting"));
    CHECK_THAT(m, Catch::Contains("memory_per_vcpu_gb"));
  }
  CHECK_THAT(refusal(o, "colour", "1"), Catch::Contains("memory_mb"));
  // The capacity provider's settings are the table's, not a function's.
  CHECK_THAT(refusal(o, "instance_type", "c5.large", true), Catch::Contains("[lambda_managed]"));

  // Round trip of a function's settings in Lambda's names.
  ServiceConfig back = o.defaults;
  back = LambdaManagedOptions().defaults;
  for (const auto& [k, v] : changed_service_options(o.defaults, Managed::kLambda))
    set_container_option(o, back, k, v, true);
  CHECK(back == o.defaults);
  CHECK(changed_service_options(LambdaManagedOptions().defaults, Managed::kLambda).empty());
}

TEST_CASE("Containers: ECS Managed Instances has ECS's settings but the Auto Scaling group's",
          "[containers]") {
  CHECK(container_service_keys(Managed::kEcs) == container_service_keys());
  CHECK(container_service_keys(Managed::kNone) == container_service_keys());
  CHECK(container_cluster_keys(Managed::kNone) == container_cluster_keys());
  const auto& cluster = container_cluster_keys(Managed::kEcs);
  CHECK(has(cluster, "scale_in_after_s"));
  CHECK(has(cluster, "instance_type"));
  CHECK(has(cluster, "spot"));
  CHECK_FALSE(has(container_cluster_keys(), "scale_in_after_s"));

  EcsManagedOptions o;
  set_container_option(o, o.defaults, "scale_in_after_s", "600");
  CHECK(o.cluster.scale_in_after_s == 600.0);
  set_container_option(o, o.defaults, "scale_in_after_s", "-1");  // off
  CHECK(o.cluster.scale_in_after_s == -1.0);
  set_container_option(o, o.defaults, "scale_in_after_s", "auto");
  CHECK_FALSE(o.cluster.scale_in_after_s.has_value());
  set_container_option(o, o.defaults, "spot", "true");
  CHECK(o.cluster.spot);
  set_container_option(o, o.defaults, "vcpu", "0.5");
  CHECK(o.defaults.vcpu == 0.5);
  for (const char* k : {"managed_scaling", "target_capacity_pct", "instance_warmup_s",
                        "min_scaling_step", "max_scaling_step", "instances", "reserved_memory_mb",
                        "registered_memory_pct", "instance_launch_s"}) {
    const auto m = refusal(o, k, "1");
    CHECK_THAT(m, Catch::Contains("AWS manages the instances of ECS Managed Instances"));
    CHECK_THAT(m, Catch::Contains(std::string(k) + " is an ECS-on-EC2 setting"));
  }
  CHECK_THAT(refusal(o, "scale_in_after_s", "soon"), Catch::Contains("not a number"));
  CHECK_THAT(refusal(o, "memory_per_vcpu_gb", "2"), Catch::Contains("Lambda Managed Instances"));
  CHECK_THAT(refusal(o, "scale_in_after_s", "60", true), Catch::Contains("[ecs_managed]"));

  // ECS on EC2 has no scale_in_after_s.
  EcsOptions e;
  CHECK_THROWS_AS(set_container_option(e, e.defaults, "scale_in_after_s", "60"), ConfigError);
  CHECK_THROWS_AS(set_container_option(e, e.defaults, "memory_mb", "2048"), ConfigError);
}

TEST_CASE("Containers: a comparison's managed settings before the launch are checked at it",
          "[containers]") {
  LambdaManagedOptions o;
  o.as_of = Date(2025, 1, 1);
  CHECK_THROWS_AS(validate_containers(o), ConfigError);  // simulate refuses the date
  const auto at = at_launch_if_not_launched(o);
  CHECK(at.as_of == Date(2025, 11, 30));
  CHECK_NOTHROW(validate_containers(at));
  o.defaults.concurrency = 0;
  o.defaults.memory_per_vcpu_gb = 4;
  CHECK(at_launch_if_not_launched(o).defaults == o.defaults);  // only the date moves
  EcsManagedOptions e;
  e.as_of = Date(2025, 1, 1);
  CHECK(at_launch_if_not_launched(e).as_of == Date(2025, 9, 30));
  e.as_of = Date(2026, 11, 1);
  CHECK(at_launch_if_not_launched(e).as_of == Date(2026, 11, 1));
  EcsOptions ecs;
  ecs.as_of = Date(2019, 1, 1);
  CHECK(at_launch_if_not_launched(ecs).as_of == Date(2019, 1, 1));
}
