// libFuzzer target: the scenario loader (load_scenario) and, for scenarios it accepts, a short
// Lambda simulation of their workload.
//
// The input is the TOML file, written to `scenario.toml` in a scratch directory (load_scenario
// takes a path), next to a small slsim CSV trace `trace.csv` a scenario may name. A scenario that
// loads is simulated on its first 50 invocations (generators and traces inside the scratch
// directory only: an absolute path such as /dev/stdin could block) with per-invocation records on,
// and checked: every arrival ends in exactly one terminal state, one record per arrival, and the
// same scenario gives the same JSON twice. Clean refusals: ScenarioError, TraceError,
// std::invalid_argument (ConfigError, PricingError).

#include <cmath>
#include <memory>

#include "fuzz_support.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/scenario/scenario.hpp"

namespace {

/// The first `limit` invocations of another source.
class Take final : public slsim::WorkloadSource {
 public:
  Take(std::unique_ptr<slsim::WorkloadSource> s, std::uint64_t limit)
      : s_(std::move(s)), left_(limit) {}
  bool next(slsim::Invocation& out) override { return left_ > 0 && (--left_, s_->next(out)); }
  const slsim::FunctionTable& functions() const override { return s_->functions(); }
  std::string describe() const override { return s_->describe(); }

 private:
  std::unique_ptr<slsim::WorkloadSource> s_;
  std::uint64_t left_;
};

bool inside(const std::string& path, const std::string& dir) {
  return path.empty() || path.rfind(dir + "/", 0) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slsim;
  static const std::string trace = fuzz::write_file(
      "trace.csv",
      "arrival_s,function,duration_ms,memory_mb,invocation\n0,api,120,512,sync\n0,api,80,,\n"
      "0.5,worker,1500,1024,async\n2,api,30,,queue\n2,worker,0,,\n65,api,15000,,\n");
  const std::string path = fuzz::write_file("scenario.toml", data, size);
  Scenario s;
  if (!fuzz::expect_clean<ScenarioError>([&] { s = load_scenario(path); })) return 0;
  const auto& dir = fuzz::scratch_dir();
  if (s.workload.kind == WorkloadSpec::Kind::kTrace &&
      !(inside(s.workload.trace_path, dir) && inside(s.workload.trace.durations_path, dir) &&
        inside(s.workload.trace.memory_path, dir))) {
    return 0;
  }
  LambdaOptions o = s.lambda;
  o.record_invocations = true;
  std::string first_json;
  for (int run = 0; run < 2; ++run) {
    fuzz::expect_clean<ScenarioError>([&] {
      Take w(open_workload(s), 50);
      const LambdaResult r = simulate_lambda(w, o);
      const auto& c = r.counts;
      SLSIM_FUZZ_CHECK(c.arrived == c.completed + c.failed() + c.dropped(),
                       "an arrival without exactly one terminal state");
      SLSIM_FUZZ_CHECK(r.records.size() == c.arrived, "records != arrived");
      SLSIM_FUZZ_CHECK(std::isfinite(r.span_s) && r.span_s >= 0, "span_s negative or NaN");
      SLSIM_FUZZ_CHECK(r.bill.total_cents() >= 0, "negative bill");
      std::string json = r.to_json();
      if (run == 0) {
        first_json = std::move(json);
      } else {
        SLSIM_FUZZ_CHECK(json == first_json, "same scenario, different JSON");
      }
    });
  }
  return 0;
}
