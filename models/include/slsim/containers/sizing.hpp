#pragma once
/// Sizing the container services the user did not size: what an engineer would deploy for the
/// trace (docs/models.md, "Sizing a service the user did not size").
///
/// Design notes: only settings left "auto" are chosen (vcpu, memory_gb or concurrency 0;
/// min_tasks, max_tasks or target_cpu_pct unset; initial_tasks 0); a value the user gave always
/// wins. Every function served by the defaults becomes a service of its own, sized from its own
/// profile. The sized options pass through validate_containers like any other.

#include <set>
#include <string>

#include "slsim/containers/service.hpp"
#include "slsim/workload/profile.hpp"

namespace slsim {

/// AWS's recommended scaling policy for an ECS service is target tracking on average CPU
/// utilisation (ECS developer guide, service-autoscaling-stepscaling.html, "We strongly recommend
/// that you use target tracking scaling policies"); the target is slsim's choice within AWS's
/// guidance to leave headroom below the utilisation at which the service degrades
/// (capacity-autoscaling-best-practice.html).
inline constexpr double kAutoTargetCpuPct = 70;

/// `o` with every auto setting chosen from `profile` (a pass over the workload it will run).
/// With an empty profile (no pass possible) the tasks are sized from the settings alone: one to
/// ten tasks. Throws ConfigError for a setting no size can satisfy. The HTTP services of the
/// functions in `spill` (a named service: when it serves only such functions) overflow to
/// Lambda in a joint run (slsim/system/system.hpp): they are sized for their base load, at least
/// one task, with no head-room for short bursts (docs/models.md, "Spillover").
ContainerOptions size_containers(const ContainerOptions& o, const WorkloadProfile& profile,
                                 const RateCard& rates = RateCard::builtin(),
                                 const std::set<std::string>& spill = {});

/// One line for people: "1 vCPU / 2 GB tasks, 6 requests each, 2-4 tasks, target 70% CPU";
/// a queue `consumer` names its backlog target ("..., target backlog 60 s of work per task").
std::string describe_service(const ServiceConfig& s, bool consumer = false);

/// The sizing of every service of sized options, for the report's configuration line: one
/// service's description, or "N services (LO-HI tasks), busiest NAME: ..." (the service with
/// the most invocations in `profile`; "e.g." the first with no profile).
std::string describe_sizing(const ContainerOptions& sized, const WorkloadProfile& profile = {});

/// How long target tracking takes from the start of a burst to a new task serving requests, s:
/// 3 one-minute datapoints above the target, the task's provisioning and start-up (medians) and
/// the load balancer's health checks (about 6 minutes on Fargate with the defaults). Sizing
/// holds the peak minute in min_tasks when the trace's bursts are shorter than this.
double scale_out_reaction_s(const ServiceConfig& s, LaunchType lt);

/// The CPU % a task of `s` shows with every request slot busy (the ceiling of
/// ECSServiceAverageCPUUtilization for this task size, concurrency and duration model).
double saturated_cpu_pct(const ServiceConfig& s);

/// Warnings about settings that cannot work as the user probably meant (max_tasks without a
/// scaling policy, a CPU target the tasks cannot reach, min_tasks 0 with only a CPU policy),
/// for the result's notes. A queue `consumer` scales on its backlog per task.
std::vector<std::string> service_warnings(const std::string& name, const ServiceConfig& s,
                                          bool consumer = false);

}  // namespace slsim
