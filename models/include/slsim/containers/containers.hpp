#pragma once
/// ECS services on EC2 and on Fargate: a load balancer, a task pool with processor sharing, an
/// autoscaler and (on EC2) a capacity provider, replaying a workload invocation by invocation.
///
/// Design notes: one component on the engine owns small parts (models/containers/): the load
/// balancer (least outstanding requests, a bounded queue, a timeout), the task pool (each
/// task's vCPUs shared by its requests), the autoscaler (one-minute datapoints, target
/// tracking, step scaling, scheduled actions), the cluster (binpack placement, managed scaling,
/// Spot). Arrivals are handed over one at a time by the driver (docs/models.md, "One engine, many
/// parts"), requests and tasks live in flat vectors with free lists, so memory does not grow
/// with the trace. Every arrival ends in exactly one terminal
/// state (completed, failed, timed_out, refused, or unfinished); the model checks
/// arrived == outcomes.total() before returning.

#include <functional>
#include <memory>

#include "slsim/containers/service.hpp"
#include "slsim/platform/result.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

/// The result of a container simulation: the shared result shape. `instances_*` are tasks,
/// `hosts_*` EC2 instances, `utilisation` the mean CPU of tasks (Fargate) or instances (EC2);
/// container-only counts are `extra` figures (tasks_started, tasks_stopped, instances_launched,
/// spot_interruptions, scale_outs, scale_ins, queue_wait_mean_ms, ...).
struct ContainerResult : PlatformResult {
  /// The extra figure `name`, or `fallback` when absent.
  double figure(std::string_view name, double fallback = 0) const {
    for (const auto& [k, v] : extra)
      if (k == name) return v;
    return fallback;
  }
};

/// Simulates `workload` on ECS services (EC2 or Fargate, by `options.launch_type`). Validates
/// the options first (ConfigError); throws TraceError for malformed input. Settings left auto
/// are sized without a pass over the workload (one to ten tasks; a note says so): the overload
/// taking an opener sizes them from the trace.
ContainerResult simulate_containers(WorkloadSource& workload, const ContainerOptions& options,
                                    const RateCard& rates = RateCard::builtin());

/// Opens a fresh stream of a workload (each call starts from its beginning).
using WorkloadOpener = std::function<std::unique_ptr<WorkloadSource>()>;

/// Simulates the workload `open` gives, first sizing the services the options leave auto from
/// one pass over it (size_containers, slsim/containers/sizing.hpp; no pass when nothing is
/// auto). The result's notes say the sizing chosen.
ContainerResult simulate_containers(const WorkloadOpener& open, const ContainerOptions& options,
                                    const RateCard& rates = RateCard::builtin());

/// ECS services on EC2 instances.
inline ContainerResult simulate_ecs(WorkloadSource& workload, const EcsOptions& options,
                                    const RateCard& rates = RateCard::builtin()) {
  return simulate_containers(workload, options, rates);
}

/// ECS services on Fargate.
inline ContainerResult simulate_fargate(WorkloadSource& workload, const FargateOptions& options,
                                        const RateCard& rates = RateCard::builtin()) {
  return simulate_containers(workload, options, rates);
}

}  // namespace slsim
