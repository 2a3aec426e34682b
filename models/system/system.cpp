// A system of parts on one clock: the router of a joint run and simulate_system.

#include "slsim/system/system.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <vector>

#include "../platform/platform_part.hpp"
#include "slsim/containers/sizing.hpp"
#include "slsim/platform/config_error.hpp"

namespace slsim {

std::string_view to_string(SystemPlatform p) {
  switch (p) {
    case SystemPlatform::kLambda:
      return "lambda";
    case SystemPlatform::kEcs:
      return "ecs";
    case SystemPlatform::kFargate:
      return "fargate";
    case SystemPlatform::kBatch:
      return "batch";
    case SystemPlatform::kLambdaManaged:
      return "lambda-managed";
    case SystemPlatform::kEcsManaged:
      return "ecs-managed";
  }
  return "?";
}

std::optional<SystemPlatform> parse_system_platform(std::string_view s) {
  for (const auto p :
       {SystemPlatform::kLambda, SystemPlatform::kEcs, SystemPlatform::kFargate,
        SystemPlatform::kBatch, SystemPlatform::kLambdaManaged, SystemPlatform::kEcsManaged}) {
    if (s == to_string(p)) return p;
  }
  return std::nullopt;
}

bool behind_alb(SystemPlatform p) {
  return p == SystemPlatform::kEcs || p == SystemPlatform::kFargate ||
         p == SystemPlatform::kEcsManaged;
}

ContainerOptions& system_container_options(SystemOptions& o, SystemPlatform p) {
  switch (p) {
    case SystemPlatform::kEcs:
      return o.ecs;
    case SystemPlatform::kFargate:
      return o.fargate;
    case SystemPlatform::kLambdaManaged:
      return o.lambda_managed;
    case SystemPlatform::kEcsManaged:
      return o.ecs_managed;
    case SystemPlatform::kLambda:
    case SystemPlatform::kBatch:
      break;
  }
  throw std::invalid_argument(
      fmt::format("system_container_options: {} is not a container platform", to_string(p)));
}

std::string to_string(SystemPlacement p) {
  std::string out(to_string(p.platform));
  if (p.spill) out += "+lambda";
  return out;
}

std::optional<SystemPlacement> parse_system_placement(std::string_view s) {
  constexpr std::string_view kSpill = "+lambda";
  bool spill = false;
  if (s.size() > kSpill.size() && s.substr(s.size() - kSpill.size()) == kSpill) {
    spill = true;
    s.remove_suffix(kSpill.size());
  }
  const auto p = parse_system_platform(s);
  if (!p) return std::nullopt;
  // Only a service behind a load balancer has an overflow to send.
  if (spill && !behind_alb(*p)) return std::nullopt;
  return SystemPlacement{*p, spill};
}

namespace {

constexpr std::size_t kPlatforms = 6;
constexpr std::uint8_t kUnresolved = 0xFF;

std::size_t index(SystemPlatform p) {
  return static_cast<std::size_t>(p);
}

// The platform of a function, by name: the placement, else `others`, else nothing.
std::optional<SystemPlatform> platform_of(const SystemOptions& o, const std::string& name) {
  if (const auto it = o.placement.find(name); it != o.placement.end()) return it->second;
  return o.others;
}

// The router: the sink of a joint run (arrival_driver.hpp). It sends each arrival to its
// function's platform, begins a platform at its first arrival, and tells a platform its arrivals
// ended after its last one (when the profile gives the counts) or at the end of the workload.
// It counts the requests through the system's ALB, and takes the overflow of spilling services
// (`spill`) to the Lambda platform, which it ends only after every service that spills to it.
class Router {
 public:
  struct Slot {
    ArrivalSink* sink = nullptr;
    bool begun = false, ended = false;
    bool counted = false;         // `remaining` is known (from the profile)
    std::uint64_t remaining = 0;  // arrivals still to come
    bool spills = false;          // a service platform some of whose functions spill
    std::uint32_t waits = 0;      // Lambda: spilling platforms not ended yet
    std::uint64_t http = 0;       // its own HTTP requests (behind_alb: through the ALB)
  };

  Router(const WorkloadSource& src, const SystemOptions& o) : src_(src), o_(o) {
    for (std::size_t i = 0; i < kPlatforms; ++i)
      alb_[i] = behind_alb(static_cast<SystemPlatform>(i));
  }

  std::array<Slot, kPlatforms>& slots() { return slots_; }
  const std::array<Slot, kPlatforms>& slots() const { return slots_; }

  void begin(const Invocation*) {}  // each platform begins at its own first arrival
  TimePoint hold_until() const { return TimePoint::min(); }  // the others' arrivals cannot wait

  void accept(const Invocation& inv) {
    const std::size_t pi = platform_index(inv.function);
    Slot& s = slots_[pi];
    if (s.ended) {
      throw std::logic_error(fmt::format(
          "simulate_system: the profile does not match the workload (function '{}' has more "
          "invocations than it says)",
          src_.functions()[inv.function].name));
    }
    if (alb_[pi]) {
      if (inv.type == InvocationType::kSync) {
        ++s.http;
        count_hour(alb_per_hour_, inv);
        if (spill_[inv.function]) ++requests_[inv.function];
      } else if (spill_[inv.function]) {
        throw cannot_spill(src_.functions()[inv.function].name);
      }
    } else if (inv.type == InvocationType::kSync) {
      // Lambda's front door (API Gateway or function URLs), for either kind of Lambda.
      if (pi == kLambdaIndex) {
        ++s.http;
        count_hour(lambda_per_hour_, inv);
      } else if (pi == kLambdaManagedIndex) {
        ++s.http;
        count_hour(lambda_managed_per_hour_, inv);
      }
    }
    if (!s.begun) {
      s.begun = true;
      s.sink->begin(&inv);
    }
    s.sink->accept(inv);
    if (s.counted && --s.remaining == 0) end(pi);
  }

  /// An overflowing request of a spilling service, at its arrival: to the Lambda platform.
  void spill(const Invocation& inv) {
    Slot& l = slots_[kLambdaIndex];
    if (l.ended) throw std::logic_error("simulate_system: a request spilled after Lambda ended");
    ++spilled_[inv.function];
    ++lambda_target_;
    count_hour(lambda_target_per_hour_, inv);
    if (!l.begun) {
      l.begun = true;
      l.sink->begin(&inv);
    }
    l.sink->accept(inv);
  }

  void instant_done() {
    for (auto& s : slots_)
      if (s.sink && s.begun && !s.ended) s.sink->instant_done();
  }

  void end_of_arrivals() {
    workload_ended_ = true;
    for (std::size_t i = 0; i < kPlatforms; ++i)
      if (slots_[i].sink && !slots_[i].ended) end(i);
  }

  /// The spilling functions the workload invoked: (function, requests to the service, spilled).
  struct Spilled {
    std::string function;
    std::size_t platform;
    std::uint64_t requests, spilled;
  };
  std::vector<Spilled> spilled() const {
    std::vector<Spilled> out;
    for (FunctionId f = 0; f < spill_.size(); ++f) {
      if (!spill_[f] || of_[f] == kUnresolved) continue;
      out.push_back({src_.functions()[f].name, of_[f], requests_[f], spilled_[f]});
    }
    return out;
  }
  std::uint64_t lambda_target_requests() const { return lambda_target_; }
  const std::vector<std::uint64_t>& alb_per_hour() const { return alb_per_hour_; }
  const std::vector<std::uint64_t>& lambda_per_hour() const { return lambda_per_hour_; }
  const std::vector<std::uint64_t>& lambda_managed_per_hour() const {
    return lambda_managed_per_hour_;
  }
  const std::vector<std::uint64_t>& lambda_target_per_hour() const {
    return lambda_target_per_hour_;
  }

  static ConfigError cannot_spill(const std::string& name) {
    return ConfigError(
        "placement",
        fmt::format("function '{}' cannot spill to Lambda: it has queue or async invocations, "
                    "and only HTTP (synchronous) requests pass the load balancer that sends a "
                    "service's overflow to Lambda (place it on its service platform without "
                    "+lambda)",
                    name));
  }

  static constexpr std::size_t kLambdaIndex = static_cast<std::size_t>(SystemPlatform::kLambda);
  static constexpr std::size_t kEcsIndex = static_cast<std::size_t>(SystemPlatform::kEcs);
  static constexpr std::size_t kFargateIndex = static_cast<std::size_t>(SystemPlatform::kFargate);
  static constexpr std::size_t kLambdaManagedIndex =
      static_cast<std::size_t>(SystemPlatform::kLambdaManaged);
  static constexpr std::size_t kEcsManagedIndex =
      static_cast<std::size_t>(SystemPlatform::kEcsManaged);
  /// The service platforms behind the system's ALB, in the order that picks its owner.
  static constexpr std::array<std::size_t, 3> kAlbSides{kEcsIndex, kFargateIndex, kEcsManagedIndex};

 private:
  // Ends platform i (beginning it first when it had no arrival); a spilling platform's end may
  // end the Lambda platform, once its own arrivals are counted out too.
  void end(std::size_t i) {
    Slot& s = slots_[i];
    if (s.ended) return;
    Slot& l = slots_[kLambdaIndex];
    if (i == kLambdaIndex && l.waits > 0) return;  // the services that spill to it end first
    if (!s.begun) {
      s.begun = true;
      s.sink->begin(nullptr);
    }
    s.ended = true;
    s.sink->end_of_arrivals();
    if (s.spills && l.waits > 0 && --l.waits == 0 && l.sink &&
        ((l.counted && l.remaining == 0) || workload_ended_)) {
      end(kLambdaIndex);
    }
  }

  static void count_hour(std::vector<std::uint64_t>& per_hour, const Invocation& inv) {
    const auto h = static_cast<std::size_t>(inv.arrival.time_since_epoch().count() / kHour.count());
    if (per_hour.size() <= h) per_hour.resize(h + 1, 0);
    ++per_hour[h];
  }

  std::size_t platform_index(FunctionId f) {
    if (f < of_.size() && of_[f] != kUnresolved) return of_[f];
    if (f >= of_.size()) {
      of_.resize(f + 1, kUnresolved);
      spill_.resize(f + 1, 0);
      requests_.resize(f + 1, 0);
      spilled_.resize(f + 1, 0);
    }
    const std::string& name = src_.functions()[f].name;
    const auto p = platform_of(o_, name);
    if (!p) {
      throw ConfigError("placement",
                        fmt::format("function '{}' of the workload is placed on no platform (place "
                                    "it on lambda, ecs, fargate, batch, lambda-managed or "
                                    "ecs-managed, or set where the others run)",
                                    name));
    }
    of_[f] = static_cast<std::uint8_t>(index(*p));
    spill_[f] = o_.spill.count(name) ? 1 : 0;
    return of_[f];
  }

  const WorkloadSource& src_;
  const SystemOptions& o_;
  std::array<Slot, kPlatforms> slots_{};
  std::array<bool, kPlatforms> alb_{};  // platform index -> behind_alb
  std::vector<std::uint8_t> of_;        // FunctionId -> platform index (kUnresolved: not met yet)
  std::vector<std::uint8_t> spill_;     // FunctionId -> its service spills to Lambda
  std::vector<std::uint64_t> requests_, spilled_;       // spilling functions: requests, spilled
  std::vector<std::uint64_t> alb_per_hour_;             // requests through the ALB per hour
  std::vector<std::uint64_t> lambda_per_hour_;          // Lambda's own requests per hour
  std::vector<std::uint64_t> lambda_managed_per_hour_;  // Lambda Managed Instances' per hour
  std::vector<std::uint64_t> lambda_target_per_hour_;   // spilled requests per hour
  bool workload_ended_ = false;                         // end_of_arrivals came
  std::uint64_t lambda_target_ = 0;                     // of them, spilled to Lambda
};

// The overflow of the spilling services: the router's Lambda side.
class Overflow final : public ArrivalSink {
 public:
  explicit Overflow(Router& r) : r_(r) {}
  void begin(const Invocation*) override {}
  TimePoint hold_until() const override { return TimePoint::min(); }
  void accept(const Invocation& inv) override { r_.spill(inv); }
  void instant_done() override {}
  void end_of_arrivals() override {}

 private:
  Router& r_;
};

// The profile restricted to the functions placed on `p`.
WorkloadProfile part_profile(const WorkloadProfile& all, const SystemOptions& o, SystemPlatform p) {
  WorkloadProfile out;
  out.memory_is_lambda_setting = all.memory_is_lambda_setting;
  for (const auto& f : all.functions)
    if (platform_of(o, f.name) == p) out.functions.push_back(f);
  return out;
}

// A platform's container options, sized as simulate_containers sizes them (from the profile of
// its own functions when there is one), with the note it writes first.
// Only the services of its own functions (a service for a function placed elsewhere would run
// its floor tasks for nothing), as a run of those functions alone has them.
std::pair<ContainerOptions, std::string> sized(const ContainerOptions& all_services,
                                               const SystemOptions& o, SystemPlatform p,
                                               const RateCard& rates) {
  ContainerOptions options = all_services;
  restrict_services(options, [&](const std::string& name) { return platform_of(o, name) == p; });
  if (!needs_sizing(options)) return {options, ""};
  validate_containers(options, rates);
  if (!o.profile) {
    // A spilling service is sized for its base load (docs/models.md, "Spillover").
    ContainerOptions s = size_containers(options, WorkloadProfile{}, rates, o.spill);
    std::string note = "sized without a pass over the workload: " + describe_sizing(s);
    return {std::move(s), std::move(note)};
  }
  const WorkloadProfile mine = part_profile(*o.profile, o, p);
  ContainerOptions s = size_containers(options, mine, rates, o.spill);
  // A spilling service holds no bursts in min_tasks: its description says none.
  WorkloadProfile described = mine;
  for (auto& f : described.functions)
    if (o.spill.count(f.name)) f.burst_minutes = 0;
  std::string note = "sized from the trace: " + describe_sizing(s, described);
  return {std::move(s), std::move(note)};
}

// 5210 -> "5,210".
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void set_extra(PlatformResult& r, const std::string& key, double v) {
  for (auto& [k, x] : r.extra) {
    if (k == key) {
      x = v;
      return;
    }
  }
  r.extra.emplace_back(key, v);
}

void erase_extra(PlatformResult& r, const std::string& key) {
  std::erase_if(r.extra, [&](const auto& e) { return e.first == key; });
}

// Spillover's validation: every spilling function is placed on a service platform, and (with
// a profile) has only HTTP requests.
void validate_spill(const SystemOptions& o) {
  for (const auto& name : o.spill) {
    const auto p = platform_of(o, name);
    if (!p || !behind_alb(*p)) {
      throw ConfigError(
          "placement",
          fmt::format("function '{}' spills to Lambda but is placed on {}: only a service on "
                      "ecs, fargate or ecs-managed has a load balancer whose overflow can go to "
                      "Lambda (ecs+lambda, fargate+lambda, ecs-managed+lambda)",
                      name, p ? std::string(to_string(*p)) : std::string("no platform")));
    }
  }
  if (!o.profile) return;
  for (const auto& f : o.profile->functions)
    if (o.spill.count(f.name) && f.message_invocations > 0) throw Router::cannot_spill(f.name);
}

// The container result of platform index i (ECS, Fargate, Lambda or ECS Managed Instances).
std::optional<ContainerResult>& container_result(SystemResult& out, std::size_t i) {
  switch (static_cast<SystemPlatform>(i)) {
    case SystemPlatform::kEcs:
      return out.ecs;
    case SystemPlatform::kFargate:
      return out.fargate;
    case SystemPlatform::kLambdaManaged:
      return out.lambda_managed;
    case SystemPlatform::kEcsManaged:
      return out.ecs_managed;
    case SystemPlatform::kLambda:
    case SystemPlatform::kBatch:
      break;
  }
  throw std::logic_error("simulate_system: not a container platform");
}

// The spilled counts and the system's one ALB, on the results (SystemResult::spilled, ::alb).
void share_front(const Router& router, SystemResult& out) {
  const auto& slots = router.slots();
  auto service = [&](std::size_t i) -> ContainerResult* {
    auto& r = container_result(out, i);
    return r ? &*r : nullptr;
  };
  std::array<std::uint64_t, kPlatforms> spilled{};
  for (const auto& sp : router.spilled()) {
    out.spilled[sp.function] = sp.spilled;
    spilled[sp.platform] += sp.spilled;
    ContainerResult* c = service(sp.platform);
    if (!c) continue;
    const double pct =
        sp.requests > 0 ? 100.0 * static_cast<double>(sp.spilled) / static_cast<double>(sp.requests)
                        : 0.0;
    c->notes.push_back(fmt::format("{}: {:.1f}% of requests ({}) overflowed to Lambda", sp.function,
                                   pct, grouped(sp.spilled)));
    if (out.lambda && sp.spilled > 0) {
      out.lambda->notes.push_back(fmt::format(
          "{}: {} invocations are requests that overflowed from its {} service, through the "
          "system's Application Load Balancer (no API Gateway for them)",
          sp.function, grouped(sp.spilled), to_string(static_cast<SystemPlatform>(sp.platform))));
    }
  }
  out.lambda_http.requests = slots[Router::kLambdaIndex].http;
  out.lambda_http.per_hour = router.lambda_per_hour();
  out.lambda_managed_http.requests = slots[Router::kLambdaManagedIndex].http;
  out.lambda_managed_http.per_hour = router.lambda_managed_per_hour();
  bool spills = false;
  std::uint64_t http = 0;
  std::size_t with_http = 0;  // service platforms with HTTP requests
  std::optional<std::size_t> owner;
  for (const auto i : Router::kAlbSides) {
    if (slots[i].http > 0) {
      http += slots[i].http;
      ++with_http;
      if (!owner) owner = i;
    }
    if (!slots[i].spills || !service(i)) continue;
    spills = true;
    set_extra(*service(i), "spilled_to_lambda", static_cast<double>(spilled[i]));
  }
  if (!owner) return;
  SystemResult::Alb alb;
  alb.owner = static_cast<SystemPlatform>(*owner);
  alb.requests = http;
  alb.lambda_target_requests = router.lambda_target_requests();
  alb.per_hour = router.alb_per_hour();
  alb.lambda_target_per_hour = router.lambda_target_per_hour();
  out.alb = alb;
  // One platform's ALB, none spilled: its figures are already the ALB's.
  if (!spills && with_http == 1) return;
  double span_s = service(*owner)->span_s;
  for (const auto i : Router::kAlbSides)
    if (ContainerResult* o = service(i); o && slots[i].http > 0)
      span_s = std::max(span_s, o->span_s);
  // As the container model writes them (billing.cpp): "each partial hour ... billed as a full
  // hour", LCUs on the new-connections dimension, one connection per request.
  set_extra(*service(*owner), "alb_hours", std::ceil(span_s / 3600));
  set_extra(*service(*owner), "alb_lcu_hours", static_cast<double>(alb.requests) / (25.0 * 3600));
  for (const auto i : Router::kAlbSides) {
    ContainerResult* o = service(i);
    if (i == *owner || !o || slots[i].http == 0) continue;
    erase_extra(*o, "alb_hours");
    erase_extra(*o, "alb_lcu_hours");
    o->notes.push_back(fmt::format(
        "{} shares the system's Application Load Balancer (billed with {}): its HTTP requests "
        "are in that ALB's LCUs, and it has no ALB-hours or load-balancer addresses of its own",
        to_string(static_cast<SystemPlatform>(i)), to_string(alb.owner)));
  }
}

}  // namespace

SystemResult simulate_system(WorkloadSource& workload, const SystemOptions& options,
                             const RateCard& rates) {
  if (options.ecs.launch_type != LaunchType::kEc2) {
    throw ConfigError("launch_type", "the ECS platform of a system runs on EC2 (ecs.launch_type)");
  }
  if (options.ecs.managed != Managed::kNone) {
    throw ConfigError("managed",
                      "the ECS platform of a system runs on the user's EC2 instances (ecs.managed "
                      "none); ECS and Lambda Managed Instances are the ecs-managed and "
                      "lambda-managed platforms");
  }
  if (options.fargate.launch_type != LaunchType::kFargate) {
    throw ConfigError("launch_type",
                      "the Fargate platform of a system runs on Fargate (fargate.launch_type)");
  }
  if (options.lambda_managed.launch_type != LaunchType::kEc2 ||
      options.lambda_managed.managed != Managed::kLambda) {
    throw ConfigError("managed",
                      "the lambda-managed platform of a system runs on EC2 managed by Lambda "
                      "(lambda_managed.launch_type ec2, lambda_managed.managed lambda)");
  }
  if (options.ecs_managed.launch_type != LaunchType::kEc2 ||
      options.ecs_managed.managed != Managed::kEcs) {
    throw ConfigError("managed",
                      "the ecs-managed platform of a system runs on EC2 managed by ECS "
                      "(ecs_managed.launch_type ec2, ecs_managed.managed ecs)");
  }
  validate_spill(options);
  std::array<bool, kPlatforms> used{};
  for (const auto& [name, p] : options.placement)
    used[index(p)] = true;
  if (options.others) used[index(*options.others)] = true;
  if (!options.spill.empty()) used[index(SystemPlatform::kLambda)] = true;

  Simulation sim;
  Lookahead ahead;
  Router router(workload, options);
  Overflow overflow(router);
  auto context = [&](SystemPlatform p) {
    PartContext c;
    c.ahead = &ahead;
    c.joint = true;
    c.owns = [&options, p](const std::string& name) {
      // Lambda also runs the overflow of the spilling services.
      return platform_of(options, name) == p ||
             (p == SystemPlatform::kLambda && options.spill.count(name) > 0);
    };
    if (behind_alb(p) && !options.spill.empty()) {
      c.overflow = &overflow;
      c.spills = [&options](const std::string& name) { return options.spill.count(name) > 0; };
    }
    return c;
  };
  // Sized container options live as long as their models, as do the others'. Each part's
  // figures per function are recorded (a part's p99 in the placement's joint run is its
  // functions').
  LambdaOptions lambda_options = options.lambda;
  BatchOptions batch_options = options.batch;
  lambda_options.record_functions = batch_options.record_functions = kRecordEveryFunction;
  std::unique_ptr<PlatformPart<LambdaResult>> lambda;
  std::unique_ptr<PlatformPart<BatchResult>> batch;
  // The container platforms (ECS, Fargate, Lambda and ECS Managed Instances), by platform index.
  std::array<std::optional<ContainerOptions>, kPlatforms> container_options;
  std::array<std::string, kPlatforms> container_notes;
  std::array<std::unique_ptr<PlatformPart<ContainerResult>>, kPlatforms> containers;
  const auto container = [&](SystemPlatform p, const ContainerOptions& all_services) {
    const std::size_t i = index(p);
    if (!used[i]) return;
    auto [o, note] = sized(all_services, options, p, rates);
    container_options[i] = std::move(o);
    container_options[i]->record_functions = kRecordEveryFunction;
    container_notes[i] = std::move(note);
    containers[i] = make_container_part(sim, workload, *container_options[i], rates, context(p));
  };
  if (used[index(SystemPlatform::kLambda)]) {
    lambda =
        make_lambda_part(sim, workload, lambda_options, rates, context(SystemPlatform::kLambda));
  }
  container(SystemPlatform::kEcs, options.ecs);
  container(SystemPlatform::kFargate, options.fargate);
  if (used[index(SystemPlatform::kBatch)]) {
    batch = make_batch_part(sim, workload, batch_options, rates, context(SystemPlatform::kBatch));
  }
  container(SystemPlatform::kLambdaManaged, options.lambda_managed);
  container(SystemPlatform::kEcsManaged, options.ecs_managed);
  auto& slots = router.slots();
  slots[index(SystemPlatform::kLambda)].sink = lambda.get();
  slots[index(SystemPlatform::kBatch)].sink = batch.get();
  for (std::size_t i = 0; i < kPlatforms; ++i)
    if (containers[i]) slots[i].sink = containers[i].get();
  // The Lambda platform ends after every service platform that spills to it.
  for (const auto& name : options.spill) {
    Router::Slot& s = slots[index(*platform_of(options, name))];
    if (s.sink && !s.spills) {
      s.spills = true;
      ++slots[index(SystemPlatform::kLambda)].waits;
    }
  }
  if (options.profile) {
    for (const auto& f : options.profile->functions) {
      const auto p = platform_of(options, f.name);
      if (!p) continue;  // an error when the workload invokes it
      Router::Slot& s = slots[index(*p)];
      s.counted = true;
      s.remaining += f.invocations;
    }
    // A platform whose functions never arrive ends at once (it still begins at the end); Lambda
    // with spilling services ends with the last of them.
    for (auto& s : slots)
      if (s.sink && s.counted && s.remaining == 0 && s.waits == 0) s.counted = false;
    Router::Slot& l = slots[index(SystemPlatform::kLambda)];
    if (l.sink && l.waits > 0) l.counted = true;
  }

  drive(sim, workload, router, ahead);

  SystemResult out;
  if (lambda) out.lambda = lambda->finish();
  for (std::size_t i = 0; i < kPlatforms; ++i) {
    if (!containers[i]) continue;
    ContainerResult r = containers[i]->finish();
    if (!container_notes[i].empty()) r.notes.insert(r.notes.begin(), container_notes[i]);
    container_result(out, i) = std::move(r);
  }
  if (batch) out.batch = batch->finish();
  share_front(router, out);
  return out;
}

SystemResult simulate_system(const WorkloadOpener& open, const SystemOptions& options,
                             const RateCard& rates) {
  if (options.profile) {
    auto src = open();
    return simulate_system(*src, options, rates);
  }
  SystemOptions o = options;
  {
    auto pass = open();
    o.profile = profile_workload(*pass);
  }
  auto src = open();
  return simulate_system(*src, o, rates);
}

}  // namespace slsim
