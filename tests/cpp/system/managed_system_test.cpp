// Issue 24 in the joint run: Lambda Managed Instances and ECS Managed Instances are platforms of
// a system. Each gives the result it gives alone on its own functions; ECS Managed Instances'
// HTTP services pass the system's one ALB with the ECS and Fargate services, and may spill
// their overflow to Lambda (ecs-managed+lambda); Lambda Managed Instances has no ALB (its HTTP
// requests pass Lambda's front door, counted apart) and spills nothing; every arrival ends in
// one terminal state.

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "slsim/platform/config_error.hpp"
#include "slsim/system/system.hpp"
#include "slsim/workload/mix_source.hpp"
#include "slsim/workload/workload_filter.hpp"
#include "support/poisson_part.hpp"

using namespace slsim;

namespace {

struct Part {
  std::string function;
  double rate_per_s;
  double work_ms;
  InvocationType type;
};

// A mix of Poisson parts over `duration_s`.
struct Mix {
  std::vector<Part> parts;
  double duration_s = 1800;

  std::unique_ptr<WorkloadSource> open() const {
    std::vector<std::unique_ptr<WorkloadSource>> v;
    std::uint64_t seed = 100;
    for (const auto& p : parts)
      v.push_back(
          test::poisson_part(p.function, p.rate_per_s, duration_s, p.work_ms, ++seed, p.type));
    return std::make_unique<MixSource>(std::move(v));
  }
  WorkloadOpener opener() const {
    return [this] { return open(); };
  }
  WorkloadOpener only(std::vector<std::string> functions) const {
    return [this, functions] {
      SelectOptions s;
      s.functions = functions;
      return select([this] { return open(); }, s);
    };
  }
  // Arrivals of `functions` of the given type (all types when `sync_only` is false).
  std::uint64_t count(const std::vector<std::string>& functions, bool sync_only) const {
    auto src = only(functions)();
    Invocation inv;
    std::uint64_t n = 0;
    while (src->next(inv))
      n += !sync_only || inv.type == InvocationType::kSync;
    return n;
  }
};

SystemOptions options() {
  const Date as_of(2026, 11, 1);
  SystemOptions o;
  o.lambda.as_of = as_of;
  o.ecs.as_of = as_of;
  o.fargate.as_of = as_of;
  o.batch.as_of = as_of;
  o.lambda_managed.as_of = as_of;
  o.ecs_managed.as_of = as_of;
  return o;
}

void check_same(const PlatformResult& joint, const PlatformResult& alone) {
  INFO(joint.platform);
  CHECK(joint.to_json() == alone.to_json());
  CHECK(joint.arrived == alone.arrived);
  CHECK(joint.bill.total_usd() == alone.bill.total_usd());
}

double extra(const PlatformResult& r, const std::string& key) {
  for (const auto& [k, v] : r.extra)
    if (k == key) return v;
  return -1;
}

bool has_note(const PlatformResult& r, const std::string& text) {
  for (const auto& n : r.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("System: the 2025 platforms are named and parsed", "[system]") {
  CHECK(to_string(SystemPlatform::kLambdaManaged) == "lambda-managed");
  CHECK(to_string(SystemPlatform::kEcsManaged) == "ecs-managed");
  CHECK(parse_system_platform("lambda-managed") == SystemPlatform::kLambdaManaged);
  CHECK(parse_system_platform("ecs-managed") == SystemPlatform::kEcsManaged);
  CHECK(parse_system_placement("lambda-managed") ==
        SystemPlacement{SystemPlatform::kLambdaManaged, false});
  // Lambda Managed Instances has no load balancer whose overflow could go to Lambda.
  CHECK_FALSE(parse_system_placement("lambda-managed+lambda"));
  CHECK(behind_alb(SystemPlatform::kEcsManaged));
  CHECK(behind_alb(SystemPlatform::kEcs));
  CHECK(behind_alb(SystemPlatform::kFargate));
  CHECK_FALSE(behind_alb(SystemPlatform::kLambdaManaged));
  CHECK_FALSE(behind_alb(SystemPlatform::kLambda));
  CHECK_FALSE(behind_alb(SystemPlatform::kBatch));
}

TEST_CASE("System: Lambda Managed Instances beside Lambda, each as it runs alone", "[system]") {
  Mix w;
  w.parts = {{"api", 10, 80, InvocationType::kSync},
             {"events", 2, 200, InvocationType::kAsync},
             {"fn", 3, 120, InvocationType::kSync}};
  SystemOptions o = options();
  o.placement = {{"api", SystemPlatform::kLambdaManaged},
                 {"events", SystemPlatform::kLambdaManaged},
                 {"fn", SystemPlatform::kLambda}};
  const SystemResult r = simulate_system(w.opener(), o);
  REQUIRE(r.lambda_managed);
  REQUIRE(r.lambda);
  CHECK_FALSE(r.ecs);
  CHECK_FALSE(r.fargate);
  CHECK_FALSE(r.batch);
  CHECK_FALSE(r.ecs_managed);
  check_same(*r.lambda_managed, simulate_containers(w.only({"api", "events"}), o.lambda_managed));
  check_same(*r.lambda, simulate_lambda(*w.only({"fn"})(), o.lambda));
  // No ALB: Lambda Managed Instances functions are invoked as Lambda functions are. Each
  // platform's HTTP requests are counted for that front door, apart.
  CHECK_FALSE(r.alb);
  CHECK(r.lambda_managed_http.requests == w.count({"api"}, true));
  CHECK(r.lambda_http.requests == w.count({"fn"}, true));
  std::uint64_t per_hour = 0;
  for (const auto n : r.lambda_managed_http.per_hour)
    per_hour += n;
  CHECK(per_hour == r.lambda_managed_http.requests);
  // Every arrival ends in exactly one terminal state.
  CHECK(r.lambda_managed->arrived == r.lambda_managed->outcomes.total());
  CHECK(r.lambda->arrived == r.lambda->outcomes.total());
  CHECK(r.lambda_managed->arrived + r.lambda->arrived == w.count({"api", "events", "fn"}, false));
}

TEST_CASE("System: ECS Managed Instances and ECS services share one ALB", "[system]") {
  Mix w;
  w.parts = {{"web", 8, 60, InvocationType::kSync},
             {"shop", 5, 90, InvocationType::kSync},
             {"worker", 1, 400, InvocationType::kQueue}};
  SystemOptions o = options();
  o.placement = {{"web", SystemPlatform::kEcs},
                 {"shop", SystemPlatform::kEcsManaged},
                 {"worker", SystemPlatform::kEcsManaged}};
  const SystemResult r = simulate_system(w.opener(), o);
  REQUIRE(r.ecs);
  REQUIRE(r.ecs_managed);
  REQUIRE(r.alb);
  const std::uint64_t http = w.count({"web", "shop"}, true);
  CHECK(r.alb->owner == SystemPlatform::kEcs);
  CHECK(r.alb->requests == http);
  CHECK(r.alb->lambda_target_requests == 0);
  // The owner carries the ALB's figures of the combined traffic; the other has none, and says so.
  CHECK(extra(*r.ecs, "alb_lcu_hours") == Approx(static_cast<double>(http) / (25.0 * 3600)));
  CHECK(extra(*r.ecs, "alb_hours") >= 1);
  CHECK(extra(*r.ecs_managed, "alb_hours") == -1);
  CHECK(extra(*r.ecs_managed, "alb_lcu_hours") == -1);
  CHECK(has_note(*r.ecs_managed,
                 "ecs-managed shares the system's Application Load Balancer "
                 "(billed with ecs)"));
  // Otherwise each runs as it does alone: same arrivals, outcomes and bill.
  const ContainerResult ecs = simulate_containers(w.only({"web"}), o.ecs);
  const ContainerResult managed = simulate_containers(w.only({"shop", "worker"}), o.ecs_managed);
  CHECK(r.ecs->arrived == ecs.arrived);
  CHECK(r.ecs->bill.total_usd() == ecs.bill.total_usd());
  CHECK(r.ecs_managed->arrived == managed.arrived);
  CHECK(r.ecs_managed->outcomes.total() == managed.outcomes.total());
  CHECK(r.ecs_managed->bill.total_usd() == managed.bill.total_usd());
  CHECK(r.ecs->arrived == r.ecs->outcomes.total());
  CHECK(r.ecs_managed->arrived == r.ecs_managed->outcomes.total());
  CHECK(r.ecs->arrived + r.ecs_managed->arrived == w.count({"web", "shop", "worker"}, false));

  SECTION("with no HTTP service on ECS or Fargate, ECS Managed Instances owns the ALB") {
    o.placement = {{"web", SystemPlatform::kEcsManaged},
                   {"shop", SystemPlatform::kEcsManaged},
                   {"worker", SystemPlatform::kFargate}};
    const SystemResult q = simulate_system(w.opener(), o);
    REQUIRE(q.alb);
    CHECK(q.alb->owner == SystemPlatform::kEcsManaged);
    CHECK(q.alb->requests == http);
    REQUIRE(q.ecs_managed);
    REQUIRE(q.fargate);
    check_same(*q.ecs_managed, simulate_containers(w.only({"web", "shop"}), o.ecs_managed));
    check_same(*q.fargate, simulate_containers(w.only({"worker"}), o.fargate));
  }
}

TEST_CASE("System: a platform's options of the wrong kind are refused", "[system]") {
  Mix w;
  w.parts = {{"api", 2, 80, InvocationType::kSync}};
  SystemOptions o = options();
  o.others = SystemPlatform::kLambdaManaged;
  o.lambda_managed.managed = Managed::kEcs;
  CHECK_THROWS_AS(simulate_system(w.opener(), o), ConfigError);
  o = options();
  o.others = SystemPlatform::kEcsManaged;
  o.ecs_managed.managed = Managed::kNone;
  CHECK_THROWS_AS(simulate_system(w.opener(), o), ConfigError);
  o = options();
  o.others = SystemPlatform::kEcs;
  o.ecs.managed = Managed::kEcs;  // ECS Managed Instances is the ecs-managed platform
  CHECK_THROWS_AS(simulate_system(w.opener(), o), ConfigError);
}

TEST_CASE("System: an ECS Managed Instances service spills its overflow to Lambda", "[system]") {
  const auto p = parse_system_placement("ecs-managed+lambda");
  REQUIRE(p);
  CHECK(p->platform == SystemPlatform::kEcsManaged);
  CHECK(p->spill);
  CHECK(to_string(*p) == "ecs-managed+lambda");
  // One task of two slots for 30 requests/s of 200 ms: most of them overflow.
  Mix w;
  w.duration_s = 600;
  w.parts = {{"api", 30, 200, InvocationType::kSync}, {"events", 2, 100, InvocationType::kAsync}};
  SystemOptions o = options();
  o.place("api", *p);
  o.place("events", {SystemPlatform::kLambda, false});
  o.ecs_managed.defaults.tasks = 1;
  o.ecs_managed.defaults.concurrency = 2;
  o.ecs_managed.defaults.vcpu = 0.5;
  o.ecs_managed.defaults.memory_gb = 1;
  const SystemResult r = simulate_system(w.opener(), o);
  REQUIRE(r.ecs_managed);
  REQUIRE(r.lambda);
  const std::uint64_t spilled = r.spilled.at("api");
  CHECK(spilled > w.count({"api"}, true) / 2);
  CHECK(extra(*r.ecs_managed, "spilled_to_lambda") == static_cast<double>(spilled));
  CHECK(has_note(*r.ecs_managed, "overflowed to Lambda"));
  // Every arrival ends in exactly one terminal state, on one side or the other.
  CHECK(r.ecs_managed->arrived + r.lambda->arrived == w.count({"api", "events"}, false));
  CHECK(r.ecs_managed->arrived == r.ecs_managed->outcomes.total());
  CHECK(r.lambda->arrived == r.lambda->outcomes.total());
  // One ALB in front of the service and its Lambda target group; Lambda's own front door has no
  // HTTP requests (the events are async).
  REQUIRE(r.alb);
  CHECK(r.alb->owner == SystemPlatform::kEcsManaged);
  CHECK(r.alb->requests == w.count({"api"}, true));
  CHECK(r.alb->lambda_target_requests == spilled);
  CHECK(r.lambda_http.requests == 0);
}
