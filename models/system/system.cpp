// A system of parts on one clock: the router of a joint run and simulate_system.

#include "slsim/system/system.hpp"

#include <fmt/format.h>

#include <array>
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
  }
  return "?";
}

std::optional<SystemPlatform> parse_system_platform(std::string_view s) {
  for (const auto p : {SystemPlatform::kLambda, SystemPlatform::kEcs, SystemPlatform::kFargate,
                       SystemPlatform::kBatch}) {
    if (s == to_string(p)) return p;
  }
  return std::nullopt;
}

namespace {

constexpr std::size_t kPlatforms = 4;
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
class Router {
 public:
  struct Slot {
    ArrivalSink* sink = nullptr;
    bool begun = false, ended = false;
    bool counted = false;         // `remaining` is known (from the profile)
    std::uint64_t remaining = 0;  // arrivals still to come
  };

  Router(const WorkloadSource& src, const SystemOptions& o) : src_(src), o_(o) {}

  std::array<Slot, kPlatforms>& slots() { return slots_; }

  void begin(const Invocation*) {}  // each platform begins at its own first arrival
  TimePoint hold_until() const { return TimePoint::min(); }  // the others' arrivals cannot wait

  void accept(const Invocation& inv) {
    Slot& s = slots_[platform_index(inv.function)];
    if (s.ended) {
      throw std::logic_error(fmt::format(
          "simulate_system: the profile does not match the workload (function '{}' has more "
          "invocations than it says)",
          src_.functions()[inv.function].name));
    }
    if (!s.begun) {
      s.begun = true;
      s.sink->begin(&inv);
    }
    s.sink->accept(inv);
    if (s.counted && --s.remaining == 0) {
      s.ended = true;
      s.sink->end_of_arrivals();
    }
  }

  void instant_done() {
    for (auto& s : slots_)
      if (s.sink && s.begun && !s.ended) s.sink->instant_done();
  }

  void end_of_arrivals() {
    for (auto& s : slots_) {
      if (!s.sink || s.ended) continue;
      if (!s.begun) {
        s.begun = true;
        s.sink->begin(nullptr);
      }
      s.ended = true;
      s.sink->end_of_arrivals();
    }
  }

 private:
  std::size_t platform_index(FunctionId f) {
    if (f < of_.size() && of_[f] != kUnresolved) return of_[f];
    if (f >= of_.size()) of_.resize(f + 1, kUnresolved);
    const std::string& name = src_.functions()[f].name;
    const auto p = platform_of(o_, name);
    if (!p) {
      throw ConfigError("placement",
                        fmt::format("function '{}' of the workload is placed on no platform (place "
                                    "it on lambda, ecs, fargate or batch, or set where the others "
                                    "run)",
                                    name));
    }
    of_[f] = static_cast<std::uint8_t>(index(*p));
    return of_[f];
  }

  const WorkloadSource& src_;
  const SystemOptions& o_;
  std::array<Slot, kPlatforms> slots_{};
  std::vector<std::uint8_t> of_;  // FunctionId -> platform index (kUnresolved: not met yet)
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
    ContainerOptions s = size_containers(options, WorkloadProfile{}, rates);
    std::string note = "sized without a pass over the workload: " + describe_sizing(s);
    return {std::move(s), std::move(note)};
  }
  const WorkloadProfile mine = part_profile(*o.profile, o, p);
  ContainerOptions s = size_containers(options, mine, rates);
  std::string note = "sized from the trace: " + describe_sizing(s, mine);
  return {std::move(s), std::move(note)};
}

}  // namespace

SystemResult simulate_system(WorkloadSource& workload, const SystemOptions& options,
                             const RateCard& rates) {
  if (options.ecs.launch_type != LaunchType::kEc2) {
    throw ConfigError("launch_type", "the ECS platform of a system runs on EC2 (ecs.launch_type)");
  }
  if (options.fargate.launch_type != LaunchType::kFargate) {
    throw ConfigError("launch_type",
                      "the Fargate platform of a system runs on Fargate (fargate.launch_type)");
  }
  std::array<bool, kPlatforms> used{};
  for (const auto& [name, p] : options.placement)
    used[index(p)] = true;
  if (options.others) used[index(*options.others)] = true;

  Simulation sim;
  Lookahead ahead;
  Router router(workload, options);
  auto context = [&](SystemPlatform p) {
    PartContext c;
    c.ahead = &ahead;
    c.joint = true;
    c.owns = [&options, p](const std::string& name) { return platform_of(options, name) == p; };
    return c;
  };
  // Sized container options live as long as their models.
  std::optional<ContainerOptions> ecs_options, fargate_options;
  std::string ecs_note, fargate_note;
  std::unique_ptr<PlatformPart<LambdaResult>> lambda;
  std::unique_ptr<PlatformPart<ContainerResult>> ecs, fargate;
  std::unique_ptr<PlatformPart<BatchResult>> batch;
  if (used[index(SystemPlatform::kLambda)]) {
    lambda =
        make_lambda_part(sim, workload, options.lambda, rates, context(SystemPlatform::kLambda));
  }
  if (used[index(SystemPlatform::kEcs)]) {
    auto [o, note] = sized(options.ecs, options, SystemPlatform::kEcs, rates);
    ecs_options = std::move(o);
    ecs_note = std::move(note);
    ecs = make_container_part(sim, workload, *ecs_options, rates, context(SystemPlatform::kEcs));
  }
  if (used[index(SystemPlatform::kFargate)]) {
    auto [o, note] = sized(options.fargate, options, SystemPlatform::kFargate, rates);
    fargate_options = std::move(o);
    fargate_note = std::move(note);
    fargate = make_container_part(sim, workload, *fargate_options, rates,
                                  context(SystemPlatform::kFargate));
  }
  if (used[index(SystemPlatform::kBatch)]) {
    batch = make_batch_part(sim, workload, options.batch, rates, context(SystemPlatform::kBatch));
  }
  auto& slots = router.slots();
  slots[index(SystemPlatform::kLambda)].sink = lambda.get();
  slots[index(SystemPlatform::kEcs)].sink = ecs.get();
  slots[index(SystemPlatform::kFargate)].sink = fargate.get();
  slots[index(SystemPlatform::kBatch)].sink = batch.get();
  if (options.profile) {
    for (const auto& f : options.profile->functions) {
      const auto p = platform_of(options, f.name);
      if (!p) continue;  // an error when the workload invokes it
      Router::Slot& s = slots[index(*p)];
      s.counted = true;
      s.remaining += f.invocations;
    }
    // A platform whose functions never arrive ends at once (it still begins at the end).
    for (auto& s : slots)
      if (s.sink && s.counted && s.remaining == 0) s.counted = false;
  }

  drive(sim, workload, router, ahead);

  SystemResult out;
  auto with_note = [](ContainerResult r, const std::string& note) {
    if (!note.empty()) r.notes.insert(r.notes.begin(), note);
    return r;
  };
  if (lambda) out.lambda = lambda->finish();
  if (ecs) out.ecs = with_note(ecs->finish(), ecs_note);
  if (fargate) out.fargate = with_note(fargate->finish(), fargate_note);
  if (batch) out.batch = batch->finish();
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
