// Review of issue 19, W3 and M3: a trace declares the period it stands for (a nightly batch is
// one day, whatever the extent of its arrivals); a finite burst that drains within the span is
// not "falling behind"; a span too short to project gets no recommendation; and the platform's
// span in the result is the workload's (how long the run went on is `worked_s`).

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "slsim/compare/compare.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/trace_io.hpp"
#include "slsim/workload/workload_filter.hpp"
#include "support/columns_source.hpp"

using namespace slsim;

namespace {

const Date kAsOf{2026, 11, 1};

// A CSV trace file in the temporary directory, removed at the end of the test.
struct TraceFile {
  explicit TraceFile(const std::string& text, const std::string& name) {
    path = (std::filesystem::temp_directory_path() / ("slsim_span_" + name)).string();
    std::ofstream(path) << text;
  }
  ~TraceFile() { std::remove(path.c_str()); }
  std::string path;
};

// `n` async jobs of `work_ms` arriving within the first second (a nightly batch's burst).
std::string burst_csv(int n, double work_ms, double at_s = 0) {
  std::string s = "arrival_s,function,duration_ms,memory_mb,invocation\n";
  for (int i = 0; i < n; ++i)
    s += std::to_string(at_s + i * (1.0 / n)) + ",job," + std::to_string(work_ms) + ",1024,async\n";
  return s;
}

std::uint64_t count(WorkloadSource& s) {
  std::uint64_t n = 0;
  Invocation inv;
  while (s.next(inv))
    ++n;
  return n;
}

std::string reason(const Comparison& c, const std::string& platform) {
  for (const auto& [name, why] : c.recommendation.reasons)
    if (name == platform) return why;
  FAIL("no reason for " << platform);
  return "";
}

}  // namespace

TEST_CASE("trace_factory: span_s declares the period a trace stands for", "[span][trace]") {
  TraceFile f(burst_csv(10, 1000), "declare.csv");
  TraceOptions o;
  o.select.span_s = 86'400;
  auto src = trace_factory(f.path, o)();
  REQUIRE(src->declared_span_s().has_value());
  CHECK(*src->declared_span_s() == 86'400);
  CHECK(count(*src) == 10);
  // Without it a trace declares nothing: its span ends at its last arrival.
  CHECK_FALSE(trace_factory(f.path, {})()->declared_span_s().has_value());
  // A window of the declared day: its part of the span, as for a generator's duration_s.
  o.select.end_s = 3600;
  CHECK(*trace_factory(f.path, o)()->declared_span_s() == 3600);
}

TEST_CASE("trace_factory: span_s must be a number of seconds at or after the last arrival",
          "[span][trace]") {
  TraceFile f(burst_csv(10, 1000, 7200), "short.csv");
  for (const double bad : {0.0, -5.0, std::nan("")}) {
    TraceOptions o;
    o.select.span_s = bad;
    try {
      trace_factory(f.path, o)();
      FAIL("span_s " << bad << " accepted");
    } catch (const ConfigError& e) {
      CHECK(e.key() == "span_s");
      CHECK_THAT(e.message(), Catch::Contains("> 0"));
    }
  }
  TraceOptions o;
  o.select.span_s = 3600;  // the jobs arrive at 02:00
  auto src = trace_factory(f.path, o)();
  try {
    count(*src);
    FAIL("an arrival after the declared span was accepted");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "span_s");
    CHECK_THAT(e.message(), Catch::Contains("7200") && Catch::Contains("3600"));
  }
}

TEST_CASE("compare: a nightly burst in a declared day drains and is not falling behind",
          "[span][compare]") {
  // 2,000 jobs of 90 s within one second of a declared day: Lambda drains them in minutes
  // (concurrency scaling), far within the day; judged against a 1-s span it "fell behind".
  TraceFile f(burst_csv(2000, 90'000), "nightly.csv");
  TraceOptions o;
  o.select.span_s = 86'400;
  CompareOptions co;
  co.as_of = kAsOf;
  LambdaOptions lo;
  lo.as_of = kAsOf;
  const auto c = compare(fixed_workload(trace_factory(f.path, o)), {lambda_runner(lo)}, co);
  REQUIRE(c.recommendation.platform);
  CHECK(*c.recommendation.platform == "lambda");
  CHECK(c.platforms[0].costs[0].span_s == 86'400);
}

TEST_CASE("compare: a span too short to project a month gets no recommendation",
          "[span][compare]") {
  // The same burst with no declared span: its span is one second, which a month repeats
  // 2,628,000 times. No platform is "falling behind" such a month: the span is the problem.
  TraceFile f(burst_csv(2000, 90'000), "burst.csv");
  CompareOptions co;
  co.as_of = kAsOf;
  LambdaOptions lo;
  lo.as_of = kAsOf;
  const auto c = compare(fixed_workload(trace_factory(f.path, {})), {lambda_runner(lo)}, co);
  CHECK_FALSE(c.recommendation.platform);
  CHECK_THAT(c.recommendation.summary, Catch::Contains("span") && Catch::Contains("span_s"));
  const auto why = reason(c, "lambda");
  CHECK_THAT(why, !Catch::Contains("falls behind"));
  CHECK_THAT(why, Catch::Contains("a month would repeat it 2,62"));
  // The figures are still there.
  CHECK(c.platforms[0].figures.monthly_usd.mean > 0);
}

TEST_CASE("compare: a backlog that grows through the span still falls behind", "[span][compare]") {
  // An hour of 20 arrivals/s of 1 s work on one single-request Fargate task (1/s at best): the
  // backlog grows all hour, and a month of such hours is more than the service can do.
  std::vector<double> a;
  for (int i = 0; i < 72'000; ++i)
    a.push_back(i * 0.05);
  auto wl = fixed_workload([a] {
    return std::make_unique<test::ColumnsSource>(
        test::one_function(a, 1000, "jobs", InvocationType::kQueue), 3600.0);
  });
  FargateOptions fo;
  fo.as_of = kAsOf;
  fo.defaults.vcpu = 1;
  fo.defaults.memory_gb = 2;
  fo.defaults.tasks = 1;
  fo.defaults.concurrency = 1;
  CompareOptions co;
  co.as_of = kAsOf;
  const auto c = compare(wl, {fargate_runner(fo)}, co);
  CHECK_THAT(reason(c, "fargate"), Catch::Contains("falls behind"));
  CHECK_FALSE(c.recommendation.platform);
}

TEST_CASE("compare: the platform's span is the workload's; worked_s is how long it ran",
          "[span][compare]") {
  // A request arriving at the end of a declared hour ends after it: the span is still the hour
  // (and 1 ALB-hour in the extras), and the run's end is worked_s.
  auto wl = fixed_workload([] {
    return std::make_unique<test::ColumnsSource>(test::one_function({0, 1800, 3599.9}, 500, "api"),
                                                 3600.0);
  });
  FargateOptions fo;
  fo.as_of = kAsOf;
  fo.defaults.tasks = 1;
  auto src = test::ColumnsSource(test::one_function({0, 1800, 3599.9}, 500, "api"), 3600.0);
  const auto r = simulate_fargate(src, fo);
  CHECK(r.span_s == 3600);
  CHECK(r.worked_s > 3600);
  for (const auto& [k, v] : r.extra)
    if (k == "alb_hours") CHECK(v == 1);
  CompareOptions co;
  co.as_of = kAsOf;
  const auto c = compare(wl, {fargate_runner(fo)}, co);
  const auto j = nlohmann::json::parse(c.platforms[0].to_json());
  CHECK(j["span_s"].get<double>() == 3600);
  CHECK(j["worked_s"].get<double>() > 3600);
  CHECK(j["cost"]["span_s"].get<double>() == 3600);
}
