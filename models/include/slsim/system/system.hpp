#pragma once
/// A system of parts on one clock: each function of a workload runs on the platform it is placed
/// on (Lambda, ECS on EC2, Fargate or AWS Batch), and every platform model shares one
/// `Simulation`.
///
/// Design notes: one driver streams the workload (reading one invocation ahead, no further) and
/// hands each arrival to a router; the router sends it to the model of the function's platform,
/// which accepts it on the shared clock (docs/models.md, "One engine, many parts"). There is one
/// model per platform: the functions placed on one platform share it, so they share what that
/// platform shares (one load balancer and cluster for the ECS services, one account concurrency
/// and free tier on Lambda, one set of Batch compute environments). Models on different
/// platforms share nothing but the clock, so each platform's result is the one it would give
/// alone on its own functions — given the workload's invocations per function (a profile), so
/// the router can tell each platform when its last arrival came; without it, every platform is
/// told at the end of the workload, and a container service or Batch environment lives on (and
/// is billed) to then. Two approximations against running each platform alone, both about ties:
/// (1) a Lambda function with provisioned concurrency whose window starts before the platform's
/// first arrival is set up at that arrival and counted from its window's start (as for a
/// function met late); (2) a Batch array window that ends exactly when an invocation of another
/// platform arrives closes after that instant's arrivals instead of at once. A single-platform
/// run (simulate_lambda, simulate_containers, simulate_batch) is the one-part case of the same
/// driver, with today's numbers.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "slsim/batch/batch.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/pricing/pricing.hpp"
#include "slsim/workload/profile.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

/// A platform a function can be placed on.
enum class SystemPlatform : std::uint8_t { kLambda, kEcs, kFargate, kBatch };

/// "lambda", "ecs", "fargate" or "batch".
std::string_view to_string(SystemPlatform p);
/// Parses "lambda", "ecs", "fargate" or "batch"; nullopt for anything else.
std::optional<SystemPlatform> parse_system_platform(std::string_view s);

struct SystemOptions {
  /// Where each function runs, by function name.
  std::map<std::string, SystemPlatform> placement;
  /// Where a function the placement does not name runs; unset: such a function is an error
  /// (ConfigError, key "placement").
  std::optional<SystemPlatform> others;
  /// Each platform's options, as for its single-platform run (`ecs.launch_type` must be EC2 and
  /// `fargate.launch_type` Fargate). Only the platforms something is placed on are run.
  LambdaOptions lambda;
  EcsOptions ecs;
  FargateOptions fargate;
  BatchOptions batch;
  /// The workload's profile (profile_workload): its invocations per function tell the router
  /// when each platform's last arrival came, and size the container services left auto from
  /// their own functions. Unset: every platform is told at the end of the workload, and auto
  /// services are sized without a pass (one to ten tasks). It must describe the same workload.
  std::optional<WorkloadProfile> profile;
};

/// Each platform's result over the functions it ran (empty for a platform nothing is placed
/// on): the same results and bills as its single-platform run.
struct SystemResult {
  std::optional<LambdaResult> lambda;
  std::optional<ContainerResult> ecs, fargate;
  std::optional<BatchResult> batch;
};

/// Runs `workload` as one system on one Simulation. Throws ConfigError for options a platform
/// refuses (as its single-platform run does) or a function placed nowhere, the platforms' own
/// errors (ImpossibleError, BatchCannotRunError) when a platform cannot run what is placed on
/// it, TraceError for malformed input, std::logic_error for an unsorted workload or a profile
/// that does not match it.
SystemResult simulate_system(WorkloadSource& workload, const SystemOptions& options,
                             const RateCard& rates = RateCard::builtin());

/// The same over the workload `open` gives: one profile pass first (unless `options.profile` is
/// set), then the run.
SystemResult simulate_system(const WorkloadOpener& open, const SystemOptions& options,
                             const RateCard& rates = RateCard::builtin());

}  // namespace slsim
