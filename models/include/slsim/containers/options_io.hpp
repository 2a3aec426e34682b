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

/// Whether `key` takes a number (and nothing else): front ends with typed values (a scenario
/// file, a Python keyword) refuse a string for it, as Lambda's settings do.
bool container_key_is_number(std::string_view key);

/// Sets one setting. On EC2, cluster keys go to `o.cluster` unless `service_only` (a per-service
/// table, where they are refused); service keys go to `s`. Throws ConfigError(key, what is
/// allowed) for an unknown key or a malformed value (ranges are checked by validate_*).
void set_container_option(ContainerOptions& o, ServiceConfig& s, std::string_view key,
                          std::string_view value, bool service_only = false);

/// The settings of `s` that differ from a default ServiceConfig, as (key, text) pairs in the
/// forms set_container_option reads (for reprs and round trips).
std::vector<std::pair<std::string, std::string>> changed_service_options(const ServiceConfig& s);

}  // namespace slsim
