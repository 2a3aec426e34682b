#pragma once
/// A system of parts on one clock: each function of a workload runs on the platform it is placed
/// on (Lambda, ECS on EC2, Fargate, AWS Batch, Lambda Managed Instances or ECS Managed
/// Instances), and every platform model shares one `Simulation`.
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
///
/// Spillover (docs/models.md, "Spillover"): a function placed `fargate+lambda`, `ecs+lambda` or
/// `ecs-managed+lambda` is an HTTP service whose overflow goes to Lambda. One Application Load
/// Balancer is in front of both: the service's tasks are one target group, the Lambda function a
/// second one (ALB targets Lambda functions). A request that arrives when every healthy task of the
/// service is at its per-task concurrency limit (the load balancer finds no free slot) goes to the
/// Lambda function at once instead of waiting in the ALB's queue: it is then an invocation of that
/// function on the Lambda platform of the system (its usage, cold starts, concurrency and free
/// tier shared with the Lambda parts; no API Gateway: the ALB is its front door). The HTTP
/// services of a system (ECS, Fargate, ECS Managed Instances and the spilled requests) share
/// that one ALB (`SystemResult::alb`).
///
/// The platforms of 2025 (issue 24) are container models of their own (`make_container_part`,
/// as ECS and Fargate): ECS Managed Instances ("ecs-managed") is a service platform behind the
/// system's ALB like ECS and Fargate, and may spill to Lambda as they do; Lambda Managed
/// Instances ("lambda-managed") has no load balancer: its functions are invoked as Lambda
/// functions are, so its HTTP requests pass Lambda's front door (API Gateway or function URLs),
/// counted apart from Lambda's own (`SystemResult::lambda_managed_http`), and it spills to
/// nothing (no load balancer to send an overflow; a request no execution environment has room
/// for is throttled, as the container model says).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "slsim/batch/batch.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/pricing/pricing.hpp"
#include "slsim/workload/profile.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

/// A platform a function can be placed on.
enum class SystemPlatform : std::uint8_t {
  kLambda,
  kEcs,
  kFargate,
  kBatch,
  kLambdaManaged,  ///< Lambda Managed Instances (a container model: LambdaManagedOptions)
  kEcsManaged,     ///< Amazon ECS Managed Instances (a container model: EcsManagedOptions)
};

/// "lambda", "ecs", "fargate", "batch", "lambda-managed" or "ecs-managed" (the names of the
/// comparison's platforms).
std::string_view to_string(SystemPlatform p);
/// Parses what to_string writes; nullopt for anything else.
std::optional<SystemPlatform> parse_system_platform(std::string_view s);
/// True for the platforms whose HTTP requests pass the system's one Application Load Balancer:
/// the services of ECS, Fargate and ECS Managed Instances.
bool behind_alb(SystemPlatform p);

/// Where a function is placed: a platform and, for a service behind the ALB (ECS, Fargate, ECS
/// Managed Instances), whether its overflow spills to Lambda ("fargate+lambda", "ecs+lambda",
/// "ecs-managed+lambda").
struct SystemPlacement {
  SystemPlatform platform = SystemPlatform::kLambda;
  bool spill = false;
  bool operator==(const SystemPlacement&) const = default;
};

/// A platform's name (to_string(SystemPlatform)), or "ecs+lambda", "fargate+lambda" or
/// "ecs-managed+lambda".
std::string to_string(SystemPlacement p);
/// Parses what to_string(SystemPlacement) writes; nullopt for anything else (a spill from
/// Lambda, Batch or Lambda Managed Instances, which have no load balancer to overflow from, is
/// nothing).
std::optional<SystemPlacement> parse_system_placement(std::string_view s);

struct SystemOptions {
  /// Where each function runs, by function name.
  std::map<std::string, SystemPlatform> placement;
  /// Functions whose service (placed on ECS, Fargate or ECS Managed Instances) spills its
  /// overflow to Lambda: HTTP (synchronous) functions only; a function here placed elsewhere,
  /// or one with queue or async invocations, is an error (ConfigError, key "placement", naming
  /// it). A spilling service left auto is sized for its base load (docs/models.md,
  /// "Spillover").
  std::set<std::string> spill;
  /// Places `function` (its platform in `placement`, and in `spill` or not).
  void place(const std::string& function, SystemPlacement p) {
    placement[function] = p.platform;
    if (p.spill) {
      spill.insert(function);
    } else {
      spill.erase(function);
    }
  }
  /// Where a function the placement does not name runs; unset: such a function is an error
  /// (ConfigError, key "placement").
  std::optional<SystemPlatform> others;
  /// Each platform's options, as for its single-platform run (`ecs` on EC2 without Managed
  /// Instances, `fargate` on Fargate, `lambda_managed` and `ecs_managed` on EC2 managed by
  /// Lambda and by ECS: ConfigError "launch_type" or "managed" otherwise). Only the platforms
  /// something is placed on are run.
  LambdaOptions lambda;
  EcsOptions ecs;
  FargateOptions fargate;
  BatchOptions batch;
  LambdaManagedOptions lambda_managed;
  EcsManagedOptions ecs_managed;
  /// The workload's profile (profile_workload): its invocations per function tell the router
  /// when each platform's last arrival came, and size the container services left auto from
  /// their own functions. Unset: every platform is told at the end of the workload, and auto
  /// services are sized without a pass (one to ten tasks). It must describe the same workload.
  std::optional<WorkloadProfile> profile;
};

/// The options of container platform `p` in `o` (`ecs`, `fargate`, `lambda_managed` or
/// `ecs_managed`); throws std::invalid_argument for Lambda and Batch.
ContainerOptions& system_container_options(SystemOptions& o, SystemPlatform p);

/// Each platform's result over the functions it ran (empty for a platform nothing is placed
/// on): the same results and bills as its single-platform run, with its figures per function
/// (`PlatformResult::functions`, whatever the options' `record_functions`).
struct SystemResult {
  std::optional<LambdaResult> lambda;
  std::optional<ContainerResult> ecs, fargate;
  std::optional<BatchResult> batch;
  std::optional<ContainerResult> lambda_managed, ecs_managed;
  /// Requests each spilling function sent to Lambda, by name (every function of
  /// `SystemOptions::spill` the workload invokes, 0 included). They are in the Lambda result
  /// (arrived, outcomes, usage, bill), not the service's; the service's result counts them as
  /// the extra figure `spilled_to_lambda` and says so in a note.
  std::map<std::string, std::uint64_t> spilled;
  /// The system's one Application Load Balancer: in front of every HTTP (synchronous) request
  /// of the ECS, Fargate and ECS Managed Instances services (`behind_alb`), spilled ones
  /// included. Its billable figures (`alb_hours` over the longest span among them,
  /// `alb_lcu_hours` of the combined traffic) are on the owner's result; the other service
  /// platforms' results have none and a note naming the owner. The ALB is priced where the front
  /// door is (slsim/compare/cost.hpp, `add_front_door` with `per_hour` and
  /// `lambda_target_per_hour` as the HTTP traffic),
  /// once, on the owner's cost: no platform's recorded usage holds it, so each platform's bill
  /// stays the rate card's price of its own usage. Unset: no HTTP service.
  struct Alb {
    /// The first of ECS, Fargate and ECS Managed Instances that has HTTP requests (so a system
    /// without ECS Managed Instances keeps the owner it had before them).
    SystemPlatform owner = SystemPlatform::kEcs;
    std::uint64_t requests = 0;  ///< every request through it
    /// Of them, the requests sent to a Lambda target group (spilled): the processed-bytes LCU
    /// dimension is 0.4 GB per LCU-hour for Lambda targets, 1 GB for the others.
    std::uint64_t lambda_target_requests = 0;
    std::vector<std::uint64_t> per_hour;  ///< requests in hour h (arrival time / 3,600 s)
    /// Of them, those sent to a Lambda target in hour h (HttpTraffic::lambda_target_per_hour).
    std::vector<std::uint64_t> lambda_target_per_hour;
  };
  std::optional<Alb> alb;
  /// The Lambda platform's own HTTP (synchronous) requests, for its front door (API Gateway or
  /// function URLs; slsim/compare/cost.hpp, `add_front_door`): the spilled requests are not
  /// among them (their front door is the ALB).
  struct Http {
    std::uint64_t requests = 0;
    std::vector<std::uint64_t> per_hour;  ///< requests in hour h (arrival time / 3,600 s)
  };
  Http lambda_http;
  /// The Lambda Managed Instances platform's HTTP requests: its functions are invoked as Lambda
  /// functions are, through the same kind of front door (API Gateway or function URLs; no ALB).
  /// API Gateway's request tiers are the account's, so a caller pricing both platforms' front
  /// doors prices the two counts together (the placement's joint run does, and splits the
  /// charge between them by requests).
  Http lambda_managed_http;
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
