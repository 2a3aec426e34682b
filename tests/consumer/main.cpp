// Uses the installed library: runs a tiny simulation and summarises a generated workload.
#include <cstdio>
#include <slsim/containers/containers.hpp>
#include <slsim/core/simulation.hpp>
#include <slsim/core/version.hpp>
#include <slsim/workload/generators.hpp>
#include <slsim/workload/trace_stats.hpp>

struct Counter : slsim::Component {
  int n = 0;
  void handle(const slsim::Event&, slsim::Simulation&) override { ++n; }
};

int main() {
  slsim::Simulation sim;
  Counter c;
  const auto id = sim.add(c);
  for (int i = 0; i < 10; ++i)
    sim.schedule_in(slsim::kSecond * i, id, 0);
  sim.run();
  slsim::PoissonOptions o;
  o.rate_per_s = 10;
  o.duration_s = 100;
  slsim::PoissonSource src(o);
  const auto s = slsim::summarize(src);
  std::printf("slsim %s: %d events, %llu invocations\n", std::string(slsim::version()).c_str(), c.n,
              static_cast<unsigned long long>(s.invocations));
  // A platform of 2025 through the installed headers: Lambda Managed Instances.
  slsim::LambdaManagedOptions m;
  m.as_of = slsim::Date(2026, 11, 1);
  slsim::PoissonSource again(o);
  const auto lmi = slsim::simulate_containers(again, m);
  std::printf("lambda-managed: $%.2f, %llu requests billed\n", lmi.bill.total_usd(),
              static_cast<unsigned long long>(lmi.usage.lambda_managed_requests));
  const bool lmi_ok = lmi.platform == "lambda-managed" && lmi.usage.lambda_managed_requests > 0 &&
                      lmi.outcomes.total() == lmi.arrived;
  return (c.n == 10 && s.invocations > 800 && s.invocations < 1200 && lmi_ok) ? 0 : 1;
}
