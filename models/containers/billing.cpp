// Bills (per task on Fargate, per instance on EC2) and the result.

#include <fmt/format.h>

#include "container_model.hpp"
#include "slsim/containers/sizing.hpp"

namespace slsim::containers {

void ContainerModel::bill_task(const TaskRec& k, TimePoint now) {
  // Billed from the start of the image pull, at least the minimum: a task stopped before it
  // (still provisioning) is not billed; one that started is, even in a run of 0 s.
  if (!fargate_ || !k.billing || now < k.bill_from) return;
  const Service& s = svcs_[k.service];
  const auto secs = static_cast<std::uint64_t>(
      billable(now - k.bill_from, granularity_, minimum_).count() / kSecond.count());
  FargateUsage& u = fargate_usage_[s.fargate_usage];
  ++u.tasks;
  u.vcpu_milli_s += secs * static_cast<std::uint64_t>(std::llround(s.cfg->vcpu * 1000));
  u.memory_mb_s += secs * static_cast<std::uint64_t>(std::llround(s.cfg->memory_gb * 1024));
  u.storage_gb_s += secs * static_cast<std::uint64_t>(s.cfg->storage_gb - 20);
  // A task given a public IPv4 address (assign_public_ip) holds it while it is billed.
  if (s.cfg->assign_public_ip) u.public_ipv4_s += secs;
}

// An instance is billed from its launch request to its termination. AWS bills from the running
// state (pending is "Not billed", EC2 guide "Instance state changes"): the model includes the
// pending seconds, a small overstatement kept because slsim has no sourced pending time
// (docs/models.md, "ECS on EC2").
void ContainerModel::bill_instance(Instance& in, TimePoint now) {
  const auto secs = static_cast<std::uint64_t>(
      billable(now - in.launched, granularity_, minimum_).count() / kSecond.count());
  Ec2Usage& u = ec2_usage_[in.type];
  ++u.instances;
  u.instance_s += secs;
  if (cluster_->type(in.type).baseline_pct > 0) {
    // Unlimited mode: the surplus still owed when the instance stops (or the run ends) is
    // charged with what was charged along the way.
    settle_credits(in, now);
    const double owed = in.charged_vcpu_us + std::max(0.0, -in.credit_vcpu_us);
    u.surplus_credit_vcpu_ms += static_cast<std::uint64_t>(std::llround(owed / 1000));
  }
  if (o_.cluster.associate_public_ip) u.public_ipv4_s += secs;
}

// Lambda Managed Instances pays for capacity whether or not requests come: a function whose
// work fills a sliver of its execution environments (sparse traffic, a nightly job) pays for
// idle instances (AWS: it suits "steady-state workloads"; docs/models.md). Said per function.
void ContainerModel::lambda_managed_notes() {
  const double span_s = to_seconds(std::max(span_end_, last_arrival_));
  if (span_s <= 0) return;
  for (const auto& s : svcs_) {
    const double floor = static_cast<double>(s.cfg->min_tasks.value_or(0));
    const double slots_s = floor * span_s * s.cfg->vcpu;
    // The CPU its requests used, vCPU-seconds, against the floor's vCPUs over the span.
    const double used_s = s.cpu_total / 1e6;
    if (floor <= 0 || used_s >= 0.05 * slots_s) continue;
    note(fmt::format(
        "function {} keeps {:.0f} execution environments running all along for work that uses "
        "{:.1f}% of their CPU: Lambda Managed Instances bills the instances under them whether "
        "or not requests come (it suits steady traffic); traffic this sparse costs less on "
        "Lambda on demand",
        s.name, floor, 100 * used_s / slots_s));
  }
}

// Upper bounds of the capacity billed at once, for the monthly projection's cap (issue 19 #7):
// the most tasks alive times the largest task of the group; the most instances alive.
void ContainerModel::set_peaks() {
  const auto tasks = static_cast<std::uint64_t>(std::llround(tasks_alive_.max));
  for (std::uint32_t k = 0; k < fargate_usage_.size(); ++k) {
    FargateUsage& u = fargate_usage_[k];
    std::uint64_t vcpu = 0, mem = 0, storage = 0;
    for (const auto& s : svcs_) {
      if (s.fargate_usage != k) continue;
      vcpu = std::max<std::uint64_t>(vcpu, std::llround(s.cfg->vcpu * 1000));
      mem = std::max<std::uint64_t>(mem, std::llround(s.cfg->memory_gb * 1024));
      storage = std::max(storage, static_cast<std::uint64_t>(s.cfg->storage_gb - 20));
    }
    u.peak_vcpu_milli = tasks * vcpu;
    u.peak_memory_mb = tasks * mem;
    u.peak_storage_gb = tasks * storage;
    u.peak_tasks = tasks;
  }
  for (auto& u : ec2_usage_)
    u.peak_instances = static_cast<std::uint64_t>(std::llround(hosts_.max));
}

ContainerResult ContainerModel::finish() {
  const TimePoint end = end_time();
  // What is left: queued requests time out or are unfinished, visible messages expire or are
  // unfinished; tasks and instances stop.
  finish_messages(end);
  for (auto& s : svcs_) {
    while (!s.lb.queue.empty()) {
      const auto r = s.lb.queue.front();
      s.lb.queue.pop_front();
      const bool late = end - reqs_[r].arrival >= s.timeout;
      end_request(r, late ? Outcome::kTimedOut : Outcome::kUnfinished, end);
    }
  }
  for (std::uint32_t t = 0; t < tasks_.size(); ++t) {
    TaskRec& k = tasks_[t];
    if (k.state == TaskState::kStopped) continue;
    for (const auto& sl : k.slots) {
      const auto& m = reqs_[sl.request].msg;
      if (m.message) {
        abandon_run(sl.request);
        if (m.ended) continue;  // a second run of a message already ended
        end_message(sl.request, Outcome::kUnfinished, end);
      } else {
        end_request(sl.request, Outcome::kUnfinished, end);
      }
    }
    k.slots.clear();
    if (k.state != TaskState::kWaiting) bill_task(k, end);
  }
  if (cluster_) {
    for (std::uint32_t i = 0; i < cluster_->instances().size(); ++i) {
      auto& in = (*cluster_)[i];
      if (in.state != InstanceState::kTerminated) bill_instance(in, end);
    }
  }
  res_.cold_invocations = cold_requests_;
  // The workload's span (its declared period, else its last arrival), one span with the report;
  // the run's end, after requests or messages drained past it, is worked_s.
  res_.span_s = to_seconds(std::max(span_end_, last_arrival_));
  res_.worked_s = to_seconds(end);
  if (zero_waits_ > 0) res_.queue_wait_ms.add(0.0, zero_waits_);
  // The platform's latency sketches are its functions' merged.
  record_functions(res_, src_.functions(), ctx_, fn_tally_, [&](FunctionId id) {
    return id < fn_service_.size() && fn_service_[id] != UINT32_MAX;
  });
  res_.latency_stats = res_.latency_completed_stats;
  res_.latency_stats.merge(latency_other_stats_);
  res_.instances_mean = tasks_alive_.mean(end);
  res_.instances_max = tasks_alive_.max;
  res_.hosts_mean = hosts_.mean(end);
  res_.hosts_max = hosts_.max;
  const double capacity = hosts_cpu_.integral(end);
  res_.utilisation = capacity > 0 ? std::min(1.0, cpu_.integral(end) / capacity) : 0;
  set_peaks();
  for (const auto& u : fargate_usage_)
    if (u.tasks > 0) res_.usage.fargate.push_back(u);
  for (const auto& u : ec2_usage_)
    if (u.instances > 0) res_.usage.ec2.push_back(u);
  res_.usage.lambda_managed_requests = lambda_requests_;
  PricingOptions po;
  po.as_of = o_.as_of;
  po.region = o_.region;
  if (o_.discount_pct > 0) po.discount_pct[fargate_ ? "fargate" : "ec2"] = o_.discount_pct;
  (fargate_ ? po.fargate_spot_discount_pct : po.ec2_spot_discount_pct) = o_.spot_discount_pct;
  res_.bill = rc_.price(res_.usage, po);
  std::uint64_t outs = 0, ins = 0;
  for (const auto& s : svcs_) {
    outs += s.scaler->scale_outs();
    ins += s.scaler->scale_ins();
  }
  auto& x = res_.extra;
  x.emplace_back("services", static_cast<double>(svcs_.size()));
  x.emplace_back("tasks_started", static_cast<double>(res_.extra_tasks_started));
  x.emplace_back("tasks_stopped", static_cast<double>(res_.extra_tasks_stopped));
  x.emplace_back("scale_outs", static_cast<double>(outs));
  x.emplace_back("scale_ins", static_cast<double>(ins));
  x.emplace_back("spot_interruptions", static_cast<double>(spot_interruptions_));
  if (cluster_) x.emplace_back("instances_launched", static_cast<double>(instances_launched_));
  if (managed_ != Managed::kNone)
    x.emplace_back("instances_retired", static_cast<double>(retired_));
  x.emplace_back("queue_wait_mean_ms", wait_mean_.mean());
  // The load balancer's billable quantities (not priced here: the rate card has no
  // load-balancer meter yet). One ALB for the deployment, "each partial hour ... billed as a
  // full hour"; LCUs on the new-connections dimension (25 per second per LCU), one connection per
  // request: LCU-hours = requests / (25 x 3,600). docs/models.md, "Load balancer".
  // Only requests pass a load balancer: a service of queue consumers has none.
  // Lambda Managed Instances has none: its functions are invoked through Lambda's API.
  if (http_requests_ > 0 && managed_ != Managed::kLambda) {
    x.emplace_back("alb_hours", std::ceil(res_.span_s / 3600));
    x.emplace_back("alb_lcu_hours", static_cast<double>(http_requests_) / (25.0 * 3600));
  }
  message_figures();
  // The network (docs/models.md, "Public IPv4 addresses"). By default tasks (Fargate) or
  // instances (EC2) are in public subnets with a public IPv4 address, billed above: the cheapest
  // network in which a task can pull its image. Without one they are in private subnets and need
  // a NAT gateway (or VPC endpoints for ECR, S3 and CloudWatch Logs), which slsim does not bill.
  bool private_subnets = false;
  for (const auto& s : svcs_)
    private_subnets = private_subnets || (fargate_ && !s.cfg->assign_public_ip);
  private_subnets = private_subnets ||
                    (!fargate_ && !o_.cluster.associate_public_ip && managed_ != Managed::kLambda);
  if (private_subnets) {
    note(fmt::format(
        "{} without a public IPv4 address ({} = false) run in private subnets: the "
        "NAT gateway or VPC endpoints they need to pull images and reach AWS are not "
        "in this bill (a NAT gateway is billed per hour in each Availability Zone and per GB "
        "processed, https://aws.amazon.com/vpc/pricing/)",
        fargate_ ? "tasks" : "instances", fargate_ ? "assign_public_ip" : "associate_public_ip"));
  }
  if (managed_ == Managed::kLambda) lambda_managed_notes();
  if (src_.skipped_rows() > 0) {
    const auto ex = src_.skipped_examples();
    note(fmt::format("{} malformed trace rows skipped{}", src_.skipped_rows(),
                     ex.empty() ? "" : " (first: " + ex.front() + ")"));
  }
  // Warnings about settings that cannot scale, first among the notes: once the run knows
  // which services consume a queue (they scale on their backlog per task).
  std::vector<std::string> warn;
  const auto consumer = [&](const ServiceConfig* cfg) {
    bool any = false, all = true;
    for (const auto& s : svcs_) {
      if (s.cfg != cfg) continue;
      any = true;
      all = all && s.consumer_only();
    }
    return any && all;
  };
  // (Not for Lambda Managed Instances: it scales on concurrency as on CPU, always, and its
  // settings are refused where they cannot work.)
  if (o_.services.empty() && managed_ != Managed::kLambda) {
    warn = service_warnings("", o_.defaults, consumer(&o_.defaults));
  }
  for (const auto& [name, cfg] : o_.services) {
    if (managed_ == Managed::kLambda) break;
    for (auto& w : service_warnings(name, cfg, consumer(&cfg)))
      warn.push_back(std::move(w));
  }
  notes_.insert(notes_.begin(), warn.begin(), warn.end());
  res_.notes = notes_;
  if (res_.arrived != res_.outcomes.total()) {
    throw std::logic_error(fmt::format("container model lost requests: {} arrived, {} ended",
                                       res_.arrived, res_.outcomes.total()));
  }
  ContainerResult out = std::move(static_cast<ContainerResult&>(res_));
  return out;
}

}  // namespace slsim::containers
