#pragma once
/// Configuration of container services: ECS services on EC2 (with their cluster's capacity
/// provider) and on Fargate.
///
/// Design notes: a configuration is a plain struct; `validate_containers` is the one gate every
/// front end goes through (scenario file, CLI flags, Python keywords). It checks the values
/// against the rules in force at `as_of` and throws `ConfigError(key, message)` with the
/// setting's public name (the scenario key, the Python keyword, the flag with `-` for `_`).
/// Every default is documented in docs/models.md ("ECS on EC2", "Fargate") with its source.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slsim/core/distribution.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/pricing/pricing.hpp"

namespace slsim {

/// The longest start-up or launch delay, seconds (one day): a delay distribution
/// (provisioning_s, startup_s, image_pull_s, instance_launch_s) must have its 99.99th percentile
/// within it, and the model caps rarer draws at it.
inline constexpr double kMaxStartDelay_s = 86'400;

/// Where a service's tasks run.
enum class LaunchType : std::uint8_t { kEc2, kFargate };
/// "ecs" (ECS on EC2) or "fargate".
std::string_view to_string(LaunchType t);

/// Who runs the EC2 instances of a deployment on EC2 (issue 24; docs/models.md, "ECS Managed
/// Instances" and "Lambda Managed Instances").
enum class Managed : std::uint8_t {
  kNone,    ///< ECS on EC2: the user's Auto Scaling group behind a capacity provider
  kEcs,     ///< Amazon ECS Managed Instances: AWS picks, launches and retires the instances
  kLambda,  ///< Lambda Managed Instances: each "task" is a Lambda execution environment
};

/// The runtime of a Lambda Managed Instances function: it sets the default number of requests
/// an execution environment serves at once, per vCPU.
enum class LambdaRuntime : std::uint8_t { kPython, kNodejs, kJava, kDotnet };
/// "python", "nodejs", "java" or "dotnet".
std::string_view to_string(LambdaRuntime r);
/// Parses to_string's names; throws ConfigError("runtime", ...) otherwise.
LambdaRuntime parse_lambda_runtime(std::string_view s);

/// What happens to the requests still in flight on a task when a Spot interruption stops it.
enum class SpotInFlight : std::uint8_t {
  kRetry,  ///< the load balancer's client retries them on another task (counted in `retries`)
  kFail,   ///< they fail (counted in `failed`)
};
std::string_view to_string(SpotInFlight s);
/// "retry" or "fail"; throws ConfigError("spot_in_flight", ...) otherwise.
SpotInFlight parse_spot_in_flight(std::string_view s);

/// The most Availability Zones a cluster may span (us-east-1 has six).
inline constexpr std::uint32_t kMaxAvailabilityZones = 6;

/// How ECS places a service's tasks on the cluster's instances.
enum class Placement : std::uint8_t {
  kSpread,   ///< spread across Availability Zones (ECS's default for service tasks)
  kBinpack,  ///< binpack on memory: the fewest instances
};
std::string_view to_string(Placement p);
/// "spread" or "binpack"; throws ConfigError("placement", ...) otherwise.
Placement parse_placement(std::string_view s);

/// The CPU credit option of burstable (T3, T4g) instances.
enum class CpuCredits : std::uint8_t {
  kUnlimited,  ///< bursts past the credit balance; surplus credits are billed (T3/T4g default)
  kStandard,   ///< CPU is held at the baseline once the credit balance is spent
};
std::string_view to_string(CpuCredits c);
/// "unlimited" or "standard"; throws ConfigError("cpu_credits", ...) otherwise.
CpuCredits parse_cpu_credits(std::string_view s);

/// One step of a step-scaling policy on the service's average CPU utilisation: when the
/// minute's CPU % is in [lower_pct, upper_pct), the desired count changes by `change` tasks.
struct StepAdjustment {
  double lower_pct = 0;
  double upper_pct = std::numeric_limits<double>::infinity();
  std::int32_t change = 0;
  bool operator==(const StepAdjustment&) const = default;
};

/// A scheduled action: at `at_s` seconds into every simulated day, the service's minimum and
/// maximum task counts become `min_tasks` and `max_tasks` (Application Auto Scaling scheduled
/// actions set MinCapacity/MaxCapacity).
struct ScheduledAction {
  double at_s = 0;
  std::uint32_t min_tasks = 0, max_tasks = 0;
  bool operator==(const ScheduledAction&) const = default;
};

/// One ECS service (a task definition and its scaling), on EC2 or Fargate.
struct ServiceConfig {
  /// Functions of the trace this service serves. Empty in the defaults: every function not
  /// named by a service becomes a service of its own with the defaults.
  std::vector<std::string> functions;
  // Settings marked "auto" are sized from the workload when left unset (size_containers,
  // slsim/containers/sizing.hpp; docs/models.md, "Sizing a service the user did not size"):
  // a value the user gives always wins.
  double vcpu = 0;       ///< task vCPU (Fargate: a valid size at as_of; EC2: 0.125..10); 0: auto
  double memory_gb = 0;  ///< task memory, GB (1 GB = 1,024 MiB); 0: auto
  Arch arch = Arch::kX86_64;
  std::uint32_t concurrency = 0;  ///< requests a task serves at once (its workers); 0: auto

  // ---- how many tasks
  std::uint32_t tasks = 0;                            ///< > 0: a fixed task count (no autoscaling)
  std::optional<std::uint32_t> min_tasks, max_tasks;  ///< unset: auto (from the trace)
  std::uint32_t initial_tasks = 0;  ///< tasks at time 0 (0: auto, min_tasks, or tasks when fixed)
  bool start_from_zero = false;     ///< true: the initial tasks (and instances) start at time 0
                                    ///< with their start-up delays (a cold deployment)

  // ---- autoscaling (Application Auto Scaling)
  /// > 0: target tracking on ECSServiceAverageCPUUtilization; 0: none; unset: auto (70% when
  /// the service has no other scaling policy and its CPU can show saturation)
  std::optional<double> target_cpu_pct;
  double target_requests_per_task = 0;  ///< > 0: target tracking on ALBRequestCountPerTarget
                                        ///< (requests per task per minute)
  double scale_out_cooldown_s = 300;    ///< default for ECS services (Application Auto Scaling)
  double scale_in_cooldown_s = 300;
  std::vector<StepAdjustment> step_scaling;  ///< step scaling on CPU %, one datapoint
  std::vector<ScheduledAction> schedule;     ///< scheduled actions (time of the simulated day)

  // ---- load balancer (ALB, least outstanding requests)
  std::uint32_t queue_size = 1000;      ///< requests that may wait when every task is full
  double lb_timeout_s = 60;             ///< ALB idle timeout: a request older than this times out
  double deregistration_delay_s = 300;  ///< a draining task's longest wait for its requests
  double health_check_interval_s = 30;
  std::uint32_t healthy_threshold = 5;  ///< passing checks before a new task gets requests

  // ---- start-up (seconds); unset = the launch type's cited default
  std::optional<Distribution> provisioning_s;  ///< placement and ENI, before the image pull
  std::optional<Distribution> startup_s;       ///< image pull (Fargate) and container start
  std::optional<Distribution> image_pull_s;    ///< EC2: pull on a host without the image

  // ---- duration model (slsim/platform/duration_model.hpp)
  double cpu_bound_fraction = 0.5;
  double parallel_fraction = 0.0;
  std::uint32_t reference_memory_mb = 0;  ///< Lambda memory the trace was measured at (0: the
                                          ///< trace's when it is a Lambda setting)

  // ---- queue consumer: a service whose functions receive queue or async invocations polls an
  // SQS queue (no load balancer); the Lambda model's names for the same queue settings
  /// A received message reappears this long after its receive unless its run deleted it, whole
  /// seconds; unset: auto (sized above the longest run of the service's functions in the trace,
  /// sizing.hpp; 30 s, SQS's default, when there is no pass over the workload)
  std::optional<double> visibility_timeout_s;
  std::uint32_t max_receive_count = 0;   ///< receives before the dead-letter queue (0 = no DLQ)
  double message_retention_s = 345'600;  ///< SQS default 4 days (60 s to 14 days)
  /// > 0: target tracking on the backlog per task (visible messages / running tasks); 0: the
  /// target is acceptable_latency_s / the time a task takes per message (AWS's formula)
  double target_backlog_per_task = 0;
  double acceptable_latency_s = 60;  ///< the backlog target's latency (0 with no target: none)
  double error_probability = 0;      ///< per run, in [0, 1]: the run fails (a message is not
                                     ///< deleted; an HTTP request fails)
  /// ECS task scale-in protection for a consumer: a task with runs in progress is not stopped
  /// by scale-in until they end (the pattern AWS documents for queue processing)
  bool scale_in_protection = true;

  // ---- Fargate only
  double storage_gb = 20;  ///< ephemeral storage (20 GB included)
  bool spot = false;       ///< Fargate Spot
  /// Fargate: each task gets a public IPv4 address (awsvpcConfiguration assignPublicIp), billed
  /// $0.005 per IP-hour from 2024-02-01. Default true: tasks in public subnets, the cheapest
  /// network in which a task can pull its image ("a public subnet and be assigned a public IP
  /// address or a private subnet that has a route to the internet or a NAT gateway", ECS guide,
  /// "Cannot pull container image"); the ECS console's service form turns it on (the API's
  /// own default is DISABLED). false: private subnets, whose NAT gateway or VPC endpoints slsim
  /// does not bill (a note says so; docs/models.md, "Public IPv4 addresses").
  bool assign_public_ip = true;
  double spot_interruption_pct = 5;  ///< % of Spot capacity reclaimed per month
  double stop_timeout_s = 30;        ///< SIGTERM to SIGKILL after a Fargate Spot warning
  SpotInFlight spot_in_flight = SpotInFlight::kRetry;

  // ---- Lambda Managed Instances only: a task is an execution environment, `memory_gb` its
  // memory (2 GB and up), `concurrency` the requests it serves at once
  /// Memory per vCPU of an execution environment, GB: 2, 4 or 8 (its vCPUs are memory_gb / this);
  /// 0: auto (2, Lambda's default)
  double memory_per_vcpu_gb = 0;
  /// Sets `concurrency` when it is auto: the runtime's default per vCPU times the vCPUs
  LambdaRuntime runtime = LambdaRuntime::kPython;

  bool operator==(const ServiceConfig&) const = default;
};

/// The cluster of an ECS-on-EC2 deployment: an Auto Scaling group behind a capacity provider.
struct ClusterConfig {
  /// From the rate card, in preference; empty: auto (the smallest m5 type that holds the
  /// largest task, m5.large at least; chosen by size_containers, sizing.hpp)
  std::vector<std::string> instance_types;
  std::uint32_t instances = 0;  ///< > 0: a fixed cluster size (no managed scaling)
  std::uint32_t min_instances = 0, max_instances = 100;
  double target_capacity_pct = 100;  ///< managed scaling target (ECS default 100)
  double instance_warmup_s = 300;    ///< ECS default
  std::uint32_t min_scaling_step = 1, max_scaling_step = 10'000;  ///< ECS defaults
  std::optional<Distribution> instance_launch_s;  ///< launch, boot and agent registration
  std::uint32_t reserved_memory_mb = 0;           ///< ECS_RESERVED_MEMORY (agent default 0)
  double registered_memory_pct = 97.5;            ///< memory the agent registers, % of nominal
  std::optional<bool> managed_scaling;            ///< unset: capacity providers when as_of allows
  Placement placement = Placement::kSpread;       ///< every service's task placement strategy
  std::uint32_t availability_zones = 3;           ///< AZs the Auto Scaling group balances over
  /// Burstable instance types only (T3/T4g...: refused when no instance type bursts); unset:
  /// unlimited, AWS's default for T3/T4g.
  std::optional<CpuCredits> cpu_credits;
  bool spot = false;
  double spot_interruption_pct = 5;  ///< % of Spot capacity reclaimed per month
  /// Each instance gets a public IPv4 address (launch template AssociatePublicIpAddress), billed
  /// $0.005 per IP-hour from 2024-02-01. Default true: instances in public subnets (the default
  /// VPC's subnets give every instance launched in them one), through which the ECS agent
  /// registers and pulls images. false: private subnets, whose NAT gateway slsim does not bill
  /// (a note says so).
  bool associate_public_ip = true;
  SpotInFlight spot_in_flight = SpotInFlight::kRetry;
  /// ECS Managed Instances: an instance left without tasks is retired after this long, s
  /// (infrastructureOptimization.scaleInAfter); unset: AWS's default (rules.csv
  /// ecs_managed.scale_in_after_s). Lambda Managed Instances and ECS on EC2: not used.
  std::optional<double> scale_in_after_s;
  bool operator==(const ClusterConfig&) const = default;
};

/// Options of a container simulation (ECS on EC2 or Fargate).
struct ContainerOptions {
  LaunchType launch_type = LaunchType::kFargate;
  /// Who runs the instances (EC2 only): the user (ECS on EC2), ECS or Lambda (Managed Instances).
  Managed managed = Managed::kNone;
  ServiceConfig defaults;                         ///< for functions no service names
  std::map<std::string, ServiceConfig> services;  ///< named services (full configs)
  ClusterConfig cluster;                          ///< EC2 only
  Date as_of;
  std::string region = "us-east-1";
  std::uint64_t seed = 1;
  double discount_pct = 0;  ///< applied to the platform's charges (Savings Plans)
  /// Spot discount in percent (Fargate Spot services, or an [ecs] Spot cluster); unset: the rate
  /// card's typical figure (fargate.spot_discount_pct, ec2.spot_discount_pct), at most AWS's
  /// advertised ceiling (70 % Fargate Spot, 90 % EC2 Spot).
  std::optional<double> spot_discount_pct;
  bool record_timeline = false;  ///< one ScalingSample per simulated minute
  /// Per-function figures (PlatformResult::functions) when the run meets at most this many
  /// functions; 0 (the default): none, and a run of many functions costs what a run of one
  /// does. kRecordEveryFunction: always. The platform's own figures are the same either way.
  /// Set by the comparison (for its "By part" figures) and by simulate_system, not a user key.
  std::size_t record_functions = 0;
};

/// ECS services on EC2 instances.
struct EcsOptions : ContainerOptions {
  EcsOptions() { launch_type = LaunchType::kEc2; }
};
/// ECS services on Fargate.
struct FargateOptions : ContainerOptions {
  FargateOptions() { launch_type = LaunchType::kFargate; }
};
/// ECS services on Amazon ECS Managed Instances: the cluster's instance type is chosen by AWS
/// (slsim: the cheapest type of the rate card that fits the tasks, when left auto), billed as
/// EC2 plus a management fee per instance-hour; idle instances retire after scale_in_after_s.
struct EcsManagedOptions : ContainerOptions {
  EcsManagedOptions() {
    launch_type = LaunchType::kEc2;
    managed = Managed::kEcs;
    cluster.max_instances = 1000;  // AWS scales the instances; slsim's bound
  }
};
/// Lambda functions on Lambda Managed Instances: each service is a function's execution
/// environments (tasks) on a capacity provider's instances (the cluster, three at least),
/// scaled on CPU and concurrency; a request no environment has room for is throttled (refused).
/// Billed as EC2, a management fee on the instances' On-Demand price and Lambda's requests.
struct LambdaManagedOptions : ContainerOptions {
  LambdaManagedOptions();
};

/// The platform's name: "ecs", "fargate", "ecs-managed" or "lambda-managed".
std::string_view platform_name(const ContainerOptions& o);

/// True when the service still has settings to size from the workload (vcpu, memory_gb,
/// concurrency, min_tasks, max_tasks or target_cpu_pct unset).
bool needs_sizing(const ServiceConfig& s);
/// True when some service of `o` (or its defaults) needs sizing, or (ECS on EC2) the cluster's
/// instance type is left auto.
bool needs_sizing(const ContainerOptions& o);
/// True when some service of `o` (or its defaults) needs a pass over the workload to be sized.
bool services_need_sizing(const ContainerOptions& o);

/// SQS's default visibility timeout, s: a consumer's when no pass over the workload sizes it.
inline constexpr double kSqsDefaultVisibilityTimeoutS = 30;

/// A task that fits on none of the cluster's instance types (ECS on EC2): the configuration is
/// valid, the deployment cannot run it. `slsim simulate` refuses it as a configuration error; a
/// comparison says ECS "cannot run" and goes on with the other platforms.
class TaskFitError : public ConfigError {
 public:
  using ConfigError::ConfigError;
};

/// Checks one service at `as_of` (Fargate sizes, ranges, scaling settings). `launch_type` says
/// which rules apply. Throws ConfigError(key, what is allowed).
/// `ecs_task_limits`: ECS's task CPU range on EC2 (0.125 to 10 vCPU) applies (not to Lambda
/// Managed Instances' environments, up to 16 vCPU).
void validate_service(const ServiceConfig& s, LaunchType launch_type, Date as_of,
                      const RateCard& rates = RateCard::builtin(), bool ecs_task_limits = true);
/// Checks a cluster at `as_of` (instance types known in the region, ranges).
void validate_cluster(const ClusterConfig& c, Date as_of, std::string_view region,
                      const RateCard& rates = RateCard::builtin());
/// Whether AWS may pick instance `type` for the managed instances of `o` when the user names
/// none: no burstable type (EC2 attribute-based selection excludes them by default), and for
/// Lambda Managed Instances only the C, M and R families, large and up.
bool managed_instance_type_allowed(const ContainerOptions& o, std::string_view type,
                                   const RateCard& rates = RateCard::builtin());
/// Why the platform of `o` cannot run at `o.as_of` (it had not launched: "Lambda Managed
/// Instances launched on 2025-11-30 (as_of is ...)"), or nullopt. validate_containers refuses such
/// options (ConfigError "as_of"); a comparison says the platform cannot run.
std::optional<std::string> not_launched(const ContainerOptions& o,
                                        const RateCard& rates = RateCard::builtin());
/// Checks everything (defaults, every service, the cluster on EC2; as_of within slsim's data;
/// no function in two services; every task fits an instance type).
void validate_containers(const ContainerOptions& o, const RateCard& rates = RateCard::builtin());

/// Checks that every function a named service serves is one of `names` (the functions the
/// workload invokes); a service without a `functions` list serves the function of its name.
/// Throws ConfigError("services.NAME.functions", ...) naming the workload's functions, or
/// ConfigError("services.NAME", ...) when the service serves the function of its name.
void check_container_functions_exist(const ContainerOptions& o,
                                     const std::vector<std::string>& names);

/// Leaves out of `o` the services of functions `kept` says no to (a run of some functions only,
/// or a platform's share of a system): a service serving several functions keeps those kept,
/// and goes when none is; a service without a `functions` list serves the function of its name.
void restrict_services(ContainerOptions& o, const std::function<bool(const std::string&)>& kept);

}  // namespace slsim
