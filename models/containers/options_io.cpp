// Container settings by public name, from text (scenario tables, CLI flags, Python keywords).

#include "slsim/containers/options_io.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "slsim/platform/config_error.hpp"
#include "sqs_queue.hpp"

namespace slsim {

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  if (trim(s).empty()) return out;
  std::size_t start = 0;
  for (;;) {
    const auto p = s.find(sep, start);
    out.push_back(
        trim(s.substr(start, p == std::string_view::npos ? s.size() - start : p - start)));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

double number(std::string_view key, std::string_view text) {
  const auto t = trim(text);
  if (t == "inf") return std::numeric_limits<double>::infinity();
  double v = 0;
  const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || t.empty()) {
    throw ConfigError(std::string(key), fmt::format("'{}' is not a number", text));
  }
  return v;
}

// What a whole-number setting allows, for its parse error (validate_service and
// validate_cluster state the same ranges for a parsed value).
std::string whole_allowed(std::string_view key) {
  if (key == "max_tasks") return "1 to 5,000 tasks, or auto";
  if (key == "min_tasks" || key == "initial_tasks") return "0 to 5,000 tasks, or auto";
  if (key == "tasks") return "0 (autoscaling) to 5,000 tasks";
  if (key == "concurrency") return "1 to 10,000 requests per task, or auto";
  if (key == "availability_zones")
    return fmt::format("1 to {} Availability Zones", kMaxAvailabilityZones);
  if (key == "healthy_threshold") return "2 to 10 checks";
  return "a whole number >= 0";
}

std::uint32_t whole(std::string_view key, std::string_view text) {
  const double v = number(key, text);
  if (!(v >= 0 && v <= 4'294'967'295.0) || v != std::floor(v)) {
    throw ConfigError(std::string(key),
                      fmt::format("'{}' is not allowed: use {}", text, whole_allowed(key)));
  }
  return static_cast<std::uint32_t>(v);
}

bool boolean(std::string_view key, std::string_view text) {
  const auto t = trim(text);
  if (t == "true" || t == "1") return true;
  if (t == "false" || t == "0") return false;
  throw ConfigError(std::string(key), fmt::format("'{}' is not allowed: use true or false", text));
}

Distribution dist(std::string_view key, std::string_view text) {
  try {
    return Distribution::parse(trim(text));
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string(key), e.what());
  }
}

std::string num_text(double v) {
  return std::isinf(v) ? "inf" : fmt::format("{}", v);
}

}  // namespace

const std::vector<std::string>& container_service_keys() {
  static const std::vector<std::string> keys{"functions",
                                             "vcpu",
                                             "memory_gb",
                                             "arch",
                                             "concurrency",
                                             "tasks",
                                             "min_tasks",
                                             "max_tasks",
                                             "initial_tasks",
                                             "start_from_zero",
                                             "target_cpu_pct",
                                             "target_requests_per_task",
                                             "scale_out_cooldown_s",
                                             "scale_in_cooldown_s",
                                             "step_scaling",
                                             "schedule",
                                             "queue_size",
                                             "lb_timeout_s",
                                             "deregistration_delay_s",
                                             "health_check_interval_s",
                                             "healthy_threshold",
                                             "provisioning_s",
                                             "startup_s",
                                             "image_pull_s",
                                             "cpu_bound_fraction",
                                             "parallel_fraction",
                                             "reference_memory_mb",
                                             "visibility_timeout_s",
                                             "max_receive_count",
                                             "message_retention_s",
                                             "target_backlog_per_task",
                                             "acceptable_latency_s",
                                             "error_probability",
                                             "scale_in_protection",
                                             "storage_gb",
                                             "spot",
                                             "spot_interruption_pct",
                                             "stop_timeout_s",
                                             "spot_in_flight",
                                             "assign_public_ip",
                                             "spot_discount_pct"};
  return keys;
}

const std::vector<std::string>& container_cluster_keys() {
  static const std::vector<std::string> keys{"instance_type",
                                             "instances",
                                             "min_instances",
                                             "max_instances",
                                             "target_capacity_pct",
                                             "instance_warmup_s",
                                             "min_scaling_step",
                                             "max_scaling_step",
                                             "instance_launch_s",
                                             "reserved_memory_mb",
                                             "registered_memory_pct",
                                             "managed_scaling",
                                             "placement",
                                             "availability_zones",
                                             "cpu_credits",
                                             "spot",
                                             "spot_interruption_pct",
                                             "spot_in_flight",
                                             "associate_public_ip"};
  return keys;
}

namespace {

// The Auto Scaling group's own settings: AWS runs the instances of ECS Managed Instances.
constexpr std::string_view kAsgKeys[] = {
    "managed_scaling",    "target_capacity_pct",   "instance_warmup_s",
    "min_scaling_step",   "max_scaling_step",      "instances",
    "reserved_memory_mb", "registered_memory_pct", "instance_launch_s"};

bool is_asg_key(std::string_view k) {
  for (const auto a : kAsgKeys)
    if (a == k) return true;
  return false;
}

bool contains(const std::vector<std::string>& keys, std::string_view k) {
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

// The keys of Lambda Managed Instances that no other platform has.
bool lambda_managed_only(std::string_view k) {
  return k == "memory_mb" || k == "memory_per_vcpu_gb" || k == "runtime" ||
         k == "min_environments" || k == "max_environments";
}

// The scenario table of the options' platform: "ecs", "fargate", "ecs_managed", "lambda_managed".
std::string table_of(const ContainerOptions& o) {
  std::string t(platform_name(o));
  std::replace(t.begin(), t.end(), '-', '_');
  return t;
}

}  // namespace

const std::vector<std::string>& container_service_keys(Managed m) {
  // A Lambda Managed Instances function: Lambda's names (an execution environment is a task).
  static const std::vector<std::string> lambda{
      "functions",        "memory_mb",          "memory_per_vcpu_gb", "concurrency",
      "runtime",          "min_environments",   "max_environments",   "arch",
      "target_cpu_pct",   "cpu_bound_fraction", "parallel_fraction",  "reference_memory_mb",
      "error_probability"};
  return m == Managed::kLambda ? lambda : container_service_keys();
}

const std::vector<std::string>& container_cluster_keys(Managed m) {
  // The capacity provider of Lambda Managed Instances (AllowedInstanceTypes, its scaling limits).
  static const std::vector<std::string> lambda{"instance_type", "min_instances", "max_instances"};
  // ECS Managed Instances: ECS on EC2's cluster without the Auto Scaling group's own settings,
  // plus the idle-instance delay (infrastructureOptimization.scaleInAfter).
  static const std::vector<std::string> ecs = [] {
    std::vector<std::string> keys;
    for (const auto& k : container_cluster_keys())
      if (!is_asg_key(k)) keys.push_back(k);
    keys.push_back("scale_in_after_s");
    return keys;
  }();
  switch (m) {
    case Managed::kLambda:
      return lambda;
    case Managed::kEcs:
      return ecs;
    case Managed::kNone:
      break;
  }
  return container_cluster_keys();
}

bool container_key_is_number(std::string_view key) {
  static constexpr std::string_view kNumbers[] = {
      "vcpu", "memory_gb", "concurrency", "tasks", "min_tasks", "max_tasks", "initial_tasks",
      "target_cpu_pct", "target_requests_per_task", "scale_out_cooldown_s", "scale_in_cooldown_s",
      "queue_size", "lb_timeout_s", "deregistration_delay_s", "health_check_interval_s",
      "healthy_threshold", "cpu_bound_fraction", "parallel_fraction", "reference_memory_mb",
      "visibility_timeout_s", "max_receive_count", "message_retention_s", "target_backlog_per_task",
      "acceptable_latency_s", "error_probability", "storage_gb", "spot_interruption_pct",
      "stop_timeout_s",
      // the EC2 cluster
      "instances", "min_instances", "max_instances", "target_capacity_pct", "instance_warmup_s",
      "min_scaling_step", "max_scaling_step", "reserved_memory_mb", "registered_memory_pct",
      "availability_zones", "scale_in_after_s",
      // Lambda Managed Instances
      "memory_mb", "memory_per_vcpu_gb", "min_environments", "max_environments"};
  for (const auto k : kNumbers)
    if (k == key) return true;
  return false;
}

namespace {

void set_service_option(const ContainerOptions& o, ServiceConfig& s, const std::string& k,
                        std::string_view v);

// One setting of an EC2 cluster (a key of container_cluster_keys(managed)).
void set_cluster_option(ClusterConfig& c, const std::string& k, std::string_view v) {
  if (k == "instance_type") {
    // auto: the smallest m5 type that holds the sized tasks (sizing.hpp)
    c.instance_types = trim(v) == "auto" ? std::vector<std::string>{} : split(v, ',');
    if (trim(v) != "auto" && c.instance_types.empty())
      throw ConfigError(k, "name at least one EC2 instance type, or auto");
  } else if (k == "instances") {
    c.instances = whole(k, v);
  } else if (k == "min_instances") {
    c.min_instances = whole(k, v);
  } else if (k == "max_instances") {
    c.max_instances = whole(k, v);
  } else if (k == "target_capacity_pct") {
    c.target_capacity_pct = number(k, v);
  } else if (k == "instance_warmup_s") {
    c.instance_warmup_s = number(k, v);
  } else if (k == "min_scaling_step") {
    c.min_scaling_step = whole(k, v);
  } else if (k == "max_scaling_step") {
    c.max_scaling_step = whole(k, v);
  } else if (k == "instance_launch_s") {
    c.instance_launch_s = dist(k, v);
  } else if (k == "reserved_memory_mb") {
    c.reserved_memory_mb = whole(k, v);
  } else if (k == "registered_memory_pct") {
    c.registered_memory_pct = number(k, v);
  } else if (k == "managed_scaling") {
    c.managed_scaling = boolean(k, v);
  } else if (k == "placement") {
    c.placement = parse_placement(trim(v));
  } else if (k == "availability_zones") {
    c.availability_zones = whole(k, v);
  } else if (k == "cpu_credits") {
    c.cpu_credits = parse_cpu_credits(trim(v));
  } else if (k == "spot") {
    c.spot = boolean(k, v);
  } else if (k == "spot_interruption_pct") {
    c.spot_interruption_pct = number(k, v);
  } else if (k == "spot_in_flight") {
    c.spot_in_flight = parse_spot_in_flight(trim(v));
  } else if (k == "associate_public_ip") {
    c.associate_public_ip = boolean(k, v);
  } else if (k == "scale_in_after_s") {
    // Seconds, or -1: off (an idle instance is kept); auto: AWS's default. Its range is
    // validate_cluster's.
    if (trim(v) == "auto") {
      c.scale_in_after_s.reset();
    } else {
      c.scale_in_after_s = number(k, v);
    }
  }
}

// A Lambda Managed Instances function's setting (Lambda's names) or its capacity provider's.
void set_lambda_managed_option(ContainerOptions& o, ServiceConfig& s, const std::string& k,
                               std::string_view v, bool service_only) {
  const auto& svc = container_service_keys(Managed::kLambda);
  const auto& cluster = container_cluster_keys(Managed::kLambda);
  if (!contains(svc, k) && !contains(cluster, k)) {
    std::vector<std::string> all = svc;
    all.insert(all.end(), cluster.begin(), cluster.end());
    const bool known = contains(container_service_keys(), k) ||
                       contains(container_cluster_keys(), k) ||
                       contains(container_cluster_keys(Managed::kEcs), k);
    throw ConfigError(
        k, fmt::format("{}; Lambda Managed Instances settings: {}",
                       known ? "is not a Lambda Managed Instances setting" : "unknown setting",
                       fmt::join(all, ", ")));
  }
  if (contains(cluster, k)) {
    if (service_only) {
      throw ConfigError(k,
                        "is a setting of the capacity provider: set it in [lambda_managed], not "
                        "in a function's table");
    }
    set_cluster_option(o.cluster, k, v);
    return;
  }
  const bool is_auto = trim(v) == "auto";
  if (is_auto) {
    if (k == "memory_mb") {
      s.memory_gb = 0;
    } else if (k == "memory_per_vcpu_gb") {
      s.memory_per_vcpu_gb = 0;
    } else if (k == "concurrency") {
      s.concurrency = 0;
    } else if (k == "min_environments") {
      s.min_tasks.reset();
    } else if (k == "max_environments") {
      s.max_tasks.reset();
    } else if (k == "target_cpu_pct") {
      s.target_cpu_pct.reset();
    } else {
      throw ConfigError(k,
                        "'auto' is not allowed here: auto applies to memory_mb, "
                        "memory_per_vcpu_gb, concurrency, min_environments, max_environments, "
                        "target_cpu_pct and instance_type");
    }
    return;
  }
  if (k == "memory_mb") {
    const double mb = number(k, v);
    if (!(mb > 0 && mb <= 4'294'967'295.0) || mb != std::floor(mb)) {
      throw ConfigError(k, fmt::format("'{}' is not allowed: use a whole number of MB (an "
                                       "execution environment's memory), or auto",
                                       trim(v)));
    }
    s.memory_gb = mb / 1024;  // 1 GB = 1,024 MB, as Lambda counts
  } else if (k == "memory_per_vcpu_gb") {
    const double r = number(k, v);
    // 0 is how the struct says auto: a user's 0 is refused rather than silently defaulted.
    if (r == 0)
      throw ConfigError(k, "0 is not allowed: give the GB of memory per vCPU, or leave it unset");
    s.memory_per_vcpu_gb = r;
  } else if (k == "concurrency") {
    const double c = number(k, v);
    if (!(c >= 1 && c <= 4'294'967'295.0) || c != std::floor(c)) {
      // 0 inside the struct means the runtime's default.
      throw ConfigError(
          k, fmt::format("'{}' is not allowed: the requests an execution environment serves at "
                         "once must be at least 1 (a whole number); leave it unset for the "
                         "runtime's default "
                         "(python 16, nodejs 64, java/dotnet 32 per vCPU)",
                         trim(v)));
    }
    s.concurrency = static_cast<std::uint32_t>(c);
  } else if (k == "runtime") {
    s.runtime = parse_lambda_runtime(trim(v));
  } else if (k == "min_environments") {
    s.min_tasks = whole(k, v);
  } else if (k == "max_environments") {
    s.max_tasks = whole(k, v);
  } else {
    // Named as on ECS: functions, arch, target_cpu_pct and the duration model's.
    set_service_option(o, s, k, v);
  }
}

// The platform of the options, as a message names it.
std::string_view platform_label(const ContainerOptions& o) {
  if (o.launch_type == LaunchType::kFargate) return "Fargate";
  return o.managed == Managed::kEcs ? "ECS Managed Instances" : "ECS on EC2";
}

}  // namespace

void set_container_option(ContainerOptions& o, ServiceConfig& s, std::string_view key,
                          std::string_view v, bool service_only) {
  const std::string k(key);
  const bool ec2 = o.launch_type == LaunchType::kEc2;
  const Managed managed = ec2 ? o.managed : Managed::kNone;
  if (managed == Managed::kLambda) {
    set_lambda_managed_option(o, s, k, v, service_only);
    return;
  }
  const std::string table = table_of(o);
  if (managed == Managed::kEcs && is_asg_key(k)) {
    throw ConfigError(k, fmt::format("AWS manages the instances of ECS Managed Instances; {} is "
                                     "an ECS-on-EC2 setting ([ecs])",
                                     k));
  }
  if (lambda_managed_only(k)) {
    throw ConfigError(k, fmt::format("is a Lambda Managed Instances setting ([lambda_managed]), "
                                     "not one of {}",
                                     platform_label(o)));
  }
  if (k == "scale_in_after_s" && managed != Managed::kEcs) {
    throw ConfigError(k, fmt::format("is an ECS Managed Instances setting ([ecs_managed]): AWS "
                                     "retires its idle instances after it; not one of {}",
                                     platform_label(o)));
  }
  const auto is_cluster = [&] { return contains(container_cluster_keys(managed), k); };
  if (k == "spot_discount_pct") {
    // One bill per platform: the Spot discount is the table's ([fargate] / [ecs]), not a
    // service's. Checked against AWS's ceiling by validate_containers.
    if (service_only) {
      throw ConfigError(k, fmt::format("is a setting of the whole platform: set it in [{}], not "
                                       "in a service",
                                       table));
    }
    o.spot_discount_pct = number(k, v);
    return;
  }
  if (ec2 && is_cluster()) {
    if (service_only) {
      throw ConfigError(
          k, fmt::format("is a setting of the cluster: set it in [{}], not in a service", table));
    }
    set_cluster_option(o.cluster, k, v);
    return;
  }
  set_service_option(o, s, k, v);
}

namespace {

// One setting of a service (ECS's names), after the platform's own keys were handled.
void set_service_option(const ContainerOptions& o, ServiceConfig& s, const std::string& k,
                        std::string_view v) {
  const bool ec2 = o.launch_type == LaunchType::kEc2;
  const Managed managed = ec2 ? o.managed : Managed::kNone;
  const std::string table = table_of(o);
  const auto is_cluster = [&] { return contains(container_cluster_keys(managed), k); };
  // "auto" leaves a sized setting to be chosen from the workload (slsim/containers/sizing.hpp).
  const bool is_auto = trim(v) == "auto";
  if (is_auto) {
    if (k == "vcpu") {
      s.vcpu = 0;
    } else if (k == "memory_gb") {
      s.memory_gb = 0;
    } else if (k == "concurrency") {
      s.concurrency = 0;
    } else if (k == "min_tasks") {
      s.min_tasks.reset();
    } else if (k == "max_tasks") {
      s.max_tasks.reset();
    } else if (k == "target_cpu_pct") {
      s.target_cpu_pct.reset();
    } else if (k == "initial_tasks") {
      s.initial_tasks = 0;
    } else if (k == "visibility_timeout_s") {
      s.visibility_timeout_s.reset();
    } else {
      throw ConfigError(k,
                        "'auto' is not allowed here: auto applies to vcpu, memory_gb, "
                        "concurrency, min_tasks, max_tasks, initial_tasks, target_cpu_pct, "
                        "visibility_timeout_s and instance_type");
    }
    return;
  }
  const auto positive = [&](double x) {
    // 0 is how the struct says auto: a user's 0 is refused rather than silently sized.
    if (x == 0) {
      throw ConfigError(k,
                        "0 is not allowed: give a positive value, or auto to size it from "
                        "the workload");
    }
    return x;
  };
  if (k == "associate_public_ip") {
    throw ConfigError(k,
                      "is a setting of an ECS cluster's instances; a Fargate task's public "
                      "address is assign_public_ip");
  }
  if (k == "functions") {
    s.functions = split(v, ',');
  } else if (k == "vcpu") {
    s.vcpu = positive(number(k, v));
  } else if (k == "memory_gb") {
    s.memory_gb = positive(number(k, v));
  } else if (k == "arch") {
    try {
      s.arch = parse_arch(trim(v));
    } catch (const PricingError& e) {
      throw ConfigError(k, e.what());
    }
  } else if (k == "concurrency") {
    s.concurrency = static_cast<std::uint32_t>(positive(whole(k, v)));
  } else if (k == "tasks") {
    s.tasks = whole(k, v);
  } else if (k == "min_tasks") {
    s.min_tasks = whole(k, v);
  } else if (k == "max_tasks") {
    s.max_tasks = whole(k, v);
  } else if (k == "initial_tasks") {
    s.initial_tasks = whole(k, v);
  } else if (k == "start_from_zero") {
    s.start_from_zero = boolean(k, v);
  } else if (k == "target_cpu_pct") {
    s.target_cpu_pct = number(k, v);
  } else if (k == "target_requests_per_task") {
    s.target_requests_per_task = number(k, v);
  } else if (k == "scale_out_cooldown_s") {
    s.scale_out_cooldown_s = number(k, v);
  } else if (k == "scale_in_cooldown_s") {
    s.scale_in_cooldown_s = number(k, v);
  } else if (k == "step_scaling") {
    s.step_scaling.clear();
    for (const auto& item : split(v, ';')) {
      const auto f = split(item, ':');
      if (f.size() != 3) {
        throw ConfigError(k, fmt::format("'{}' is not lower:upper:change (CPU %, CPU % or inf, "
                                         "tasks)",
                                         item));
      }
      const double ch = number(k, f[2]);
      if (ch != std::floor(ch) || std::fabs(ch) > 10'000) {
        throw ConfigError(k, fmt::format("change '{}' is not a whole number of tasks", f[2]));
      }
      s.step_scaling.push_back({number(k, f[0]), number(k, f[1]), static_cast<std::int32_t>(ch)});
    }
  } else if (k == "schedule") {
    s.schedule.clear();
    for (const auto& item : split(v, ';')) {
      const auto f = split(item, ':');
      if (f.size() != 3) {
        throw ConfigError(k, fmt::format("'{}' is not at_s:min_tasks:max_tasks", item));
      }
      s.schedule.push_back({number(k, f[0]), whole(k, f[1]), whole(k, f[2])});
    }
  } else if (k == "queue_size") {
    s.queue_size = whole(k, v);
  } else if (k == "lb_timeout_s") {
    s.lb_timeout_s = number(k, v);
  } else if (k == "deregistration_delay_s") {
    s.deregistration_delay_s = number(k, v);
  } else if (k == "health_check_interval_s") {
    s.health_check_interval_s = number(k, v);
  } else if (k == "healthy_threshold") {
    s.healthy_threshold = whole(k, v);
  } else if (k == "provisioning_s") {
    s.provisioning_s = dist(k, v);
  } else if (k == "startup_s") {
    s.startup_s = dist(k, v);
  } else if (k == "image_pull_s") {
    s.image_pull_s = dist(k, v);
  } else if (k == "cpu_bound_fraction") {
    s.cpu_bound_fraction = number(k, v);
  } else if (k == "parallel_fraction") {
    s.parallel_fraction = number(k, v);
  } else if (k == "reference_memory_mb") {
    s.reference_memory_mb = whole(k, v);
  } else if (k == "visibility_timeout_s") {
    s.visibility_timeout_s = number(k, v);
  } else if (k == "max_receive_count") {
    // One message for every value that is not allowed (the validator's, sqs_queue.hpp).
    const double x = number(k, v);
    if (!(x >= 0 && x <= containers::kSqsMaxReceiveCount && x == std::floor(x))) {
      throw ConfigError(
          k, fmt::format("'{}' is not allowed: {}", trim(v), containers::kMaxReceiveCountRule));
    }
    s.max_receive_count = static_cast<std::uint32_t>(x);
  } else if (k == "message_retention_s") {
    s.message_retention_s = number(k, v);
  } else if (k == "target_backlog_per_task") {
    s.target_backlog_per_task = number(k, v);
  } else if (k == "acceptable_latency_s") {
    s.acceptable_latency_s = number(k, v);
  } else if (k == "error_probability") {
    s.error_probability = number(k, v);
  } else if (k == "scale_in_protection") {
    s.scale_in_protection = boolean(k, v);
  } else if (k == "storage_gb") {
    s.storage_gb = number(k, v);
  } else if (k == "spot") {
    s.spot = boolean(k, v);
  } else if (k == "spot_interruption_pct") {
    s.spot_interruption_pct = number(k, v);
  } else if (k == "stop_timeout_s") {
    s.stop_timeout_s = number(k, v);
  } else if (k == "spot_in_flight") {
    s.spot_in_flight = parse_spot_in_flight(trim(v));
  } else if (k == "assign_public_ip") {
    if (ec2) {
      throw ConfigError(k, fmt::format("is a Fargate task's setting (tasks on EC2 instances get no "
                                       "public address); an instance's is associate_public_ip in "
                                       "[{}]",
                                       table));
    }
    s.assign_public_ip = boolean(k, v);
  } else {
    if (!ec2 && is_cluster())
      throw ConfigError(k, "is a setting of ECS on EC2 clusters, not Fargate");
    std::vector<std::string> all = container_service_keys();
    if (ec2) {
      const auto& cluster = container_cluster_keys(managed);
      all.insert(all.end(), cluster.begin(), cluster.end());
    }
    throw ConfigError(k, fmt::format("unknown setting; known: {}", fmt::join(all, ", ")));
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> changed_service_options(const ServiceConfig& s) {
  const ServiceConfig d;
  std::vector<std::pair<std::string, std::string>> out;
  const auto n = [&](const char* k, double a, double b) {
    if (a != b) out.emplace_back(k, num_text(a));
  };
  if (s.functions != d.functions)
    out.emplace_back("functions", fmt::format("{}", fmt::join(s.functions, ",")));
  n("vcpu", s.vcpu, d.vcpu);
  n("memory_gb", s.memory_gb, d.memory_gb);
  if (s.arch != d.arch) out.emplace_back("arch", std::string(to_string(s.arch)));
  n("concurrency", s.concurrency, d.concurrency);
  n("tasks", s.tasks, d.tasks);
  if (s.min_tasks) out.emplace_back("min_tasks", fmt::format("{}", *s.min_tasks));
  if (s.max_tasks) out.emplace_back("max_tasks", fmt::format("{}", *s.max_tasks));
  n("initial_tasks", s.initial_tasks, d.initial_tasks);
  if (s.start_from_zero) out.emplace_back("start_from_zero", "true");
  if (s.target_cpu_pct) out.emplace_back("target_cpu_pct", num_text(*s.target_cpu_pct));
  n("target_requests_per_task", s.target_requests_per_task, d.target_requests_per_task);
  n("scale_out_cooldown_s", s.scale_out_cooldown_s, d.scale_out_cooldown_s);
  n("scale_in_cooldown_s", s.scale_in_cooldown_s, d.scale_in_cooldown_s);
  if (!s.step_scaling.empty()) {
    std::vector<std::string> items;
    for (const auto& st : s.step_scaling)
      items.push_back(
          fmt::format("{}:{}:{}", num_text(st.lower_pct), num_text(st.upper_pct), st.change));
    out.emplace_back("step_scaling", fmt::format("{}", fmt::join(items, ";")));
  }
  if (!s.schedule.empty()) {
    std::vector<std::string> items;
    for (const auto& a : s.schedule)
      items.push_back(fmt::format("{}:{}:{}", num_text(a.at_s), a.min_tasks, a.max_tasks));
    out.emplace_back("schedule", fmt::format("{}", fmt::join(items, ";")));
  }
  n("queue_size", s.queue_size, d.queue_size);
  n("lb_timeout_s", s.lb_timeout_s, d.lb_timeout_s);
  n("deregistration_delay_s", s.deregistration_delay_s, d.deregistration_delay_s);
  n("health_check_interval_s", s.health_check_interval_s, d.health_check_interval_s);
  n("healthy_threshold", s.healthy_threshold, d.healthy_threshold);
  if (s.provisioning_s) out.emplace_back("provisioning_s", s.provisioning_s->spec());
  if (s.startup_s) out.emplace_back("startup_s", s.startup_s->spec());
  if (s.image_pull_s) out.emplace_back("image_pull_s", s.image_pull_s->spec());
  n("cpu_bound_fraction", s.cpu_bound_fraction, d.cpu_bound_fraction);
  n("parallel_fraction", s.parallel_fraction, d.parallel_fraction);
  n("reference_memory_mb", s.reference_memory_mb, d.reference_memory_mb);
  if (s.visibility_timeout_s)
    out.emplace_back("visibility_timeout_s", num_text(*s.visibility_timeout_s));
  n("max_receive_count", s.max_receive_count, d.max_receive_count);
  n("message_retention_s", s.message_retention_s, d.message_retention_s);
  n("target_backlog_per_task", s.target_backlog_per_task, d.target_backlog_per_task);
  n("acceptable_latency_s", s.acceptable_latency_s, d.acceptable_latency_s);
  n("error_probability", s.error_probability, d.error_probability);
  if (s.scale_in_protection != d.scale_in_protection)
    out.emplace_back("scale_in_protection", s.scale_in_protection ? "true" : "false");
  n("storage_gb", s.storage_gb, d.storage_gb);
  if (s.spot) out.emplace_back("spot", "true");
  n("spot_interruption_pct", s.spot_interruption_pct, d.spot_interruption_pct);
  n("stop_timeout_s", s.stop_timeout_s, d.stop_timeout_s);
  if (s.spot_in_flight != d.spot_in_flight)
    out.emplace_back("spot_in_flight", std::string(to_string(s.spot_in_flight)));
  if (s.assign_public_ip != d.assign_public_ip)
    out.emplace_back("assign_public_ip", s.assign_public_ip ? "true" : "false");
  return out;
}

std::vector<std::pair<std::string, std::string>> changed_service_options(const ServiceConfig& s,
                                                                         Managed m) {
  if (m != Managed::kLambda) return changed_service_options(s);
  const ServiceConfig d = LambdaManagedOptions().defaults;
  std::vector<std::pair<std::string, std::string>> out;
  const auto n = [&](const char* k, double a, double b) {
    if (a != b) out.emplace_back(k, num_text(a));
  };
  if (s.functions != d.functions)
    out.emplace_back("functions", fmt::format("{}", fmt::join(s.functions, ",")));
  n("memory_mb", s.memory_gb * 1024, d.memory_gb * 1024);
  n("memory_per_vcpu_gb", s.memory_per_vcpu_gb, d.memory_per_vcpu_gb);
  n("concurrency", s.concurrency, d.concurrency);
  if (s.runtime != d.runtime) out.emplace_back("runtime", std::string(to_string(s.runtime)));
  if (s.min_tasks) out.emplace_back("min_environments", fmt::format("{}", *s.min_tasks));
  if (s.max_tasks) out.emplace_back("max_environments", fmt::format("{}", *s.max_tasks));
  if (s.arch != d.arch) out.emplace_back("arch", std::string(to_string(s.arch)));
  if (s.target_cpu_pct) out.emplace_back("target_cpu_pct", num_text(*s.target_cpu_pct));
  n("cpu_bound_fraction", s.cpu_bound_fraction, d.cpu_bound_fraction);
  n("parallel_fraction", s.parallel_fraction, d.parallel_fraction);
  n("reference_memory_mb", s.reference_memory_mb, d.reference_memory_mb);
  n("error_probability", s.error_probability, d.error_probability);
  return out;
}

ContainerOptions at_launch_if_not_launched(const ContainerOptions& o, const RateCard& rates) {
  if (!not_launched(o, rates)) return o;
  const char* rule =
      o.managed == Managed::kLambda ? "lambda_managed.available" : "ecs_managed.available";
  ContainerOptions at = o;
  if (const auto from = rates.first_in_force(rule, 1)) at.as_of = *from;
  return at;
}

}  // namespace slsim
