// capacity_planner: the cheapest platform and size that meets a p99 objective for a workload.
//
//   capacity_planner [--slo-p99-ms MS] [--trace FILE.csv] [--as-of YYYY-MM-DD]
//
// Without --trace it plans for an hour of a generated API (Poisson, 20 requests/s, log-normal
// handler time with a 120 ms median and a 900 ms p99). Every candidate (today: each Lambda
// memory size; ECS, Fargate and Batch sizes as their models land) is one comparison, run
// together on a thread pool with slsim::compare_all; the same figures as `slsim report`.
#include <cstdio>
#include <cstdlib>
#include <slsim/compare/compare.hpp>
#include <slsim/workload/generators.hpp>
#include <slsim/workload/trace_io.hpp>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  double slo_p99_ms = 1000;
  std::string trace, as_of = "2026-11-01";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--slo-p99-ms") {
      slo_p99_ms = std::atof(argv[i + 1]);
    } else if (flag == "--trace") {
      trace = argv[i + 1];
    } else if (flag == "--as-of") {
      as_of = argv[i + 1];
    } else {
      std::fprintf(stderr,
                   "usage: capacity_planner [--slo-p99-ms MS] [--trace FILE] [--as-of D]\n");
      return 2;
    }
  }
  try {
    slsim::WorkloadFactory workload;
    if (!trace.empty()) {
      workload = slsim::fixed_workload(slsim::trace_factory(trace, {}));
    } else {
      workload = [](std::uint64_t seed, double k) -> std::unique_ptr<slsim::WorkloadSource> {
        slsim::GeneratorOptions o;
        o.rate_per_s = 20 * k;
        o.duration_s = 3600;
        o.duration_ms = slsim::Distribution::lognormal_from_median_p99(120, 900);
        o.function = "api";
        o.seed = seed;
        return std::make_unique<slsim::PoissonSource>(o);
      };
    }
    slsim::CompareOptions options;
    options.as_of = slsim::Date::parse(as_of);
    options.objectives.slo_p99_ms = slo_p99_ms;
    options.seed = 1;

    // One comparison per candidate size.
    std::vector<slsim::CompareJob> jobs;
    for (std::uint32_t mb : {128u, 256u, 512u, 1024u, 1769u, 3008u}) {
      slsim::LambdaOptions lambda;
      lambda.as_of = options.as_of;
      lambda.defaults.memory_mb = mb;
      jobs.push_back({workload, {slsim::lambda_runner(lambda)}, options});
    }
    const auto results = slsim::compare_all(jobs);

    const slsim::PlatformComparison* best = nullptr;
    for (const auto& c : results) {
      const auto& p = c.platforms.front();
      if (p.impossible) {
        std::printf("%-28s cannot run: %s\n", p.label.c_str(), p.impossible->c_str());
        continue;
      }
      const bool meets = c.recommendation.platform.has_value();
      std::printf("%-28s $%9.2f/month  p99 %7.1f ms  %s\n", p.label.c_str(),
                  p.figures.monthly_usd.mean, p.figures.p99_ms.mean,
                  meets ? "meets the objective" : "misses the objective");
      if (meets && (!best || p.figures.monthly_usd.mean < best->figures.monthly_usd.mean))
        best = &p;
    }
    if (!best) {
      std::printf("choice: none meets p99 <= %.0f ms\n", slo_p99_ms);
      return 1;
    }
    std::printf("choice: %s at $%.2f/month (p99 %.1f ms <= %.0f ms)\n", best->label.c_str(),
                best->figures.monthly_usd.mean, best->figures.p99_ms.mean, slo_p99_ms);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capacity_planner: %s\n", e.what());
    return 2;
  }
}
