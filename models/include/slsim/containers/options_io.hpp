#pragma once
/// Container settings by their public names, from text: what the scenario tables, the CLI's
/// flags and Python's keywords all go through, so a setting has one name and one parser.
///
/// Value forms: numbers; `true`/`false`; distributions as a number or a spec such as
/// `lognormal(median=30,p99=75)`; lists comma-separated (`functions`, `instance_type`);
/// `step_scaling` as `lower:upper:change` items separated by `;` (upper may be `inf`);
/// `schedule` as `at_s:min_tasks:max_tasks` items separated by `;`.

#include <string>
#include <string_view>
#include <vector>

#include "slsim/containers/service.hpp"

namespace slsim {

/// Keys of a service (the [fargate] / [ecs] defaults and [*.services.NAME] tables).
const std::vector<std::string>& container_service_keys();
/// Keys of the EC2 cluster (only in [ecs]; `spot*` there mean EC2 Spot instances).
const std::vector<std::string>& container_cluster_keys();
/// The keys of a platform on EC2 (issue 24). kNone: ECS on EC2's (the functions above).
/// kEcs (ECS Managed Instances, [ecs_managed]): ECS's service keys; the cluster's without the
/// Auto Scaling group's own (managed_scaling, target_capacity_pct, instances, ...), plus
/// scale_in_after_s. kLambda (Lambda Managed Instances, [lambda_managed]): a function's keys in
/// Lambda's names (memory_mb, memory_per_vcpu_gb, concurrency, runtime, min_environments,
/// max_environments, ...) and the capacity provider's (instance_type, min_instances,
/// max_instances).
const std::vector<std::string>& container_service_keys(Managed m);
const std::vector<std::string>& container_cluster_keys(Managed m);

/// Whether `key` takes a number (and nothing else): front ends with typed values (a scenario
/// file, a Python keyword) refuse a string for it, as Lambda's settings do.
bool container_key_is_number(std::string_view key);

/// Sets one setting. On EC2, cluster keys go to `o.cluster` unless `service_only` (a per-service
/// table, where they are refused); service keys go to `s`. Throws ConfigError(key, what is
/// allowed) for an unknown key or a malformed value (ranges are checked by validate_*).
/// The keys are those of `o`'s platform (`o.managed` on EC2): another platform's key is refused
/// saying whose it is. Lambda Managed Instances: memory_mb sets memory_gb (MB / 1,024),
/// min_environments / max_environments set min_tasks / max_tasks, and an explicit concurrency
/// of 0 is refused (0 in the struct is the runtime's default).
void set_container_option(ContainerOptions& o, ServiceConfig& s, std::string_view key,
                          std::string_view value, bool service_only = false);

/// The settings of `s` that differ from a default ServiceConfig, as (key, text) pairs in the
/// forms set_container_option reads (for reprs and round trips).
std::vector<std::pair<std::string, std::string>> changed_service_options(const ServiceConfig& s);
/// The same for a service of platform `m`: kLambda names the settings as [lambda_managed] does
/// and compares with LambdaManagedOptions' defaults; the others as above.
std::vector<std::pair<std::string, std::string>> changed_service_options(const ServiceConfig& s,
                                                                         Managed m);

/// `o` moved to the day its platform launched when `o.as_of` is before it (not_launched), else
/// `o` as it is: what a comparison's front end validates (a scenario table, Python's
/// slsim.compare), so that the values are checked by the rules the platform launched with and
/// the comparison says it "cannot run" rather than refusing the settings.
ContainerOptions at_launch_if_not_launched(const ContainerOptions& o,
                                           const RateCard& rates = RateCard::builtin());

}  // namespace slsim
