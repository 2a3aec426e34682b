#include "slsim/workload/generators.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "read_all.hpp"
#include "slsim/core/stats.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/trace_stats.hpp"

using namespace slsim;

using test::read_all;

TEST_CASE("PoissonSource: count, gaps and durations match the closed forms", "[models][gen]") {
  PoissonOptions o;
  o.rate_per_s = 50;
  o.duration_s = 20000;
  o.duration_ms = Distribution::lognormal_from_median_p99(120, 900);
  o.seed = 3;
  PoissonSource src(o);
  const auto v = read_all(src);
  const double expected = o.rate_per_s * o.duration_s;  // 1e6, sd 1000
  CHECK(std::fabs(static_cast<double>(v.size()) - expected) < 5 * std::sqrt(expected));
  RunningStats gaps;
  for (std::size_t i = 1; i < v.size(); ++i)
    gaps.add(to_seconds(v[i].arrival - v[i - 1].arrival));
  CHECK(gaps.mean() == Approx(1 / o.rate_per_s).epsilon(0.005));
  CHECK(gaps.stddev() / gaps.mean() == Approx(1.0).epsilon(0.01));  // exponential: CV 1
  CHECK(v.back().arrival < TimePoint{from_seconds(o.duration_s)});
  // Deterministic, and the duration stream does not move the arrivals.
  PoissonSource again(o);
  CHECK(read_all(again)[1000].arrival == v[1000].arrival);
  o.duration_ms = Distribution::constant(5);
  PoissonSource other_durations(o);
  CHECK(read_all(other_durations)[1000].arrival == v[1000].arrival);
}

TEST_CASE("DiurnalSource: weekly mean rate and the daily shape", "[models][gen]") {
  DiurnalOptions o;
  o.rate_per_s = 10;
  o.duration_s = 7 * 86400;
  o.peak_to_trough = 5;
  o.peak_hour = 14;
  o.weekend_factor = 0.5;
  DiurnalSource src(o);
  CHECK(src.rate_at(14 * 3600) / src.rate_at(2 * 3600) == Approx(5.0));  // Monday peak/trough
  // The intensity is the documented sinusoid at every time of day (to 1e-9 relative).
  const double a = (5.0 - 1) / (5.0 + 1), w = 7.0 / (5.0 + 2 * 0.5);
  for (double t = 0; t < 86400; t += 97.3) {
    const double want = 10 * w * (1 + a * std::cos(2 * M_PI * (t / 3600 - 14) / 24));
    REQUIRE(src.rate_at(t) == Approx(want).epsilon(1e-9));
  }
  CHECK(src.rate_at(5 * 86400 + 14 * 3600) / src.rate_at(14 * 3600) == Approx(0.5));  // Saturday
  std::vector<double> per_hour(24, 0);
  std::uint64_t n = 0;
  Invocation inv;
  while (src.next(inv)) {
    ++n;
    per_hour[static_cast<std::size_t>(std::fmod(to_seconds(inv.arrival), 86400.0) / 3600)] += 1;
  }
  const double expected = o.rate_per_s * o.duration_s;  // the shape is normalised over a week
  CHECK(std::fabs(static_cast<double>(n) - expected) < 5 * std::sqrt(expected));
  // The busiest hour is the peak hour's, the quietest the one 12 h away.
  const auto busiest = std::max_element(per_hour.begin(), per_hour.end()) - per_hour.begin();
  const auto quietest = std::min_element(per_hour.begin(), per_hour.end()) - per_hour.begin();
  CHECK(std::abs(busiest - 14) <= 1);
  CHECK(std::abs(quietest - 2) <= 1);
  DiurnalOptions bad = o;
  bad.peak_to_trough = 0.5;
  CHECK_THROWS_WITH(DiurnalSource(bad), Catch::Contains("peak_to_trough: 0.5 is not allowed"));
}

TEST_CASE("BurstySource: MMPP-2 mean rate and over-dispersion", "[models][gen]") {
  BurstyOptions o;
  o.rate_per_s = 20;
  o.duration_s = 200000;
  o.burst_factor = 10;
  o.burst_fraction = 0.1;
  o.mean_burst_s = 30;
  BurstySource src(o);
  CHECK(src.calm_rate() * 0.9 + src.burst_rate() * 0.1 == Approx(20));
  std::vector<double> per_minute(static_cast<std::size_t>(o.duration_s / 60) + 1, 0);
  std::uint64_t n = 0;
  Invocation inv;
  while (src.next(inv)) {
    ++n;
    per_minute[static_cast<std::size_t>(to_seconds(inv.arrival) / 60)] += 1;
  }
  // The count's variance is inflated by the bursts, so allow 3% rather than Poisson's 0.5%.
  CHECK(static_cast<double>(n) == Approx(o.rate_per_s * o.duration_s).epsilon(0.03));
  RunningStats m;
  for (std::size_t i = 0; i + 1 < per_minute.size(); ++i)
    m.add(per_minute[i]);
  CHECK(m.variance() / m.mean() > 5);  // index of dispersion: Poisson would be 1
}

TEST_CASE("AzureLikeSource: rates span orders of magnitude and follow the published fits",
          "[models][gen]") {
  AzureLikeOptions o;
  o.rate_per_s = 100;
  o.duration_s = 3600;
  o.functions = 2000;
  o.seed = 11;
  AzureLikeSource src(o);
  double total = 0, lo = 1e18, hi = 0;
  std::vector<double> log_mean_s;
  for (FunctionId i = 0; i < o.functions; ++i) {
    total += src.function_rate(i);
    lo = std::min(lo, src.function_rate(i));
    hi = std::max(hi, src.function_rate(i));
    log_mean_s.push_back(std::log(src.function_mean_ms(i) / 1000));
  }
  CHECK(total == Approx(100));
  CHECK(std::log10(hi / lo) > 6);  // many orders of magnitude
  RunningStats lm;
  for (double x : log_mean_s)
    lm.add(x);
  CHECK(lm.mean() == Approx(-0.38).margin(5 * 2.36 / std::sqrt(2000.0)));  // the ATC'20 fit
  CHECK(lm.stddev() == Approx(2.36).epsilon(0.05));
  std::map<FunctionId, std::uint64_t> n;
  Invocation inv;
  std::uint64_t count = 0;
  while (src.next(inv)) {
    ++n[inv.function];
    ++count;
    REQUIRE(inv.memory_mb >= 1);
    REQUIRE(inv.memory_mb <= 10240);
  }
  // The busiest function gets its share of arrivals.
  FunctionId top = 0;
  for (FunctionId i = 0; i < o.functions; ++i)
    if (src.function_rate(i) > src.function_rate(top)) top = i;
  const double want = src.function_rate(top) * o.duration_s;
  CHECK(std::fabs(static_cast<double>(n[top]) - want) < 5 * std::sqrt(want));
  CHECK(std::fabs(static_cast<double>(count) - 360000) < 5 * 600);
}

TEST_CASE("make_generator: unknown patterns and bad options are refused", "[models][gen]") {
  GeneratorSpec s;
  s.pattern = "sine";
  CHECK_THROWS_WITH(make_generator(s),
                    Catch::Contains("known: poisson, diurnal, bursty, azure-like"));
  s.pattern = "poisson";
  s.common.rate_per_s = 0;
  CHECK_THROWS_WITH(make_generator(s),
                    Catch::Contains("rate_per_s: 0 is not allowed: a mean rate > 0"));
  s.common.rate_per_s = 1;
  s.pattern = "bursty";
  s.burst_fraction = 1;
  CHECK_THROWS_WITH(make_generator(s), Catch::Contains("burst_fraction: 1 is not allowed"));
}

TEST_CASE("validate_generator: every value out of its range is a ConfigError naming the key",
          "[models][gen]") {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  auto key_of = [](const GeneratorSpec& g) -> std::string {
    try {
      validate_generator(g);
    } catch (const ConfigError& e) {
      CHECK(e.message().size() < 200);  // no 309-digit numbers
      return e.key();
    }
    return "";
  };
  GeneratorSpec ok;
  ok.pattern = "diurnal";
  CHECK(key_of(ok).empty());
  struct Case {
    const char* pattern;
    void (*set)(GeneratorSpec&);
    const char* key;
  };
  const Case cases[] = {
      {"diurnal", [](GeneratorSpec& g) { g.peak_to_trough = -5; }, "peak_to_trough"},
      {"diurnal", [](GeneratorSpec& g) { g.peak_to_trough = nan; }, "peak_to_trough"},
      // 1e300 is an infinite ratio in all but name (a nightly rate of 0): refused.
      {"diurnal", [](GeneratorSpec& g) { g.peak_to_trough = 1e300; }, "peak_to_trough"},
      {"diurnal", [](GeneratorSpec& g) { g.peak_hour = nan; }, "peak_hour"},
      {"diurnal", [](GeneratorSpec& g) { g.weekend_factor = 1e300; }, "weekend_factor"},
      {"bursty", [](GeneratorSpec& g) { g.burst_factor = 1e300; }, "burst_factor"},
      {"bursty", [](GeneratorSpec& g) { g.burst_fraction = nan; }, "burst_fraction"},
      {"bursty", [](GeneratorSpec& g) { g.mean_burst_s = 1e300; }, "mean_burst_s"},
      {"azure-like", [](GeneratorSpec& g) { g.rate_sigma = 1000; }, "rate_sigma"},
      {"azure-like", [](GeneratorSpec& g) { g.duration_sigma = 0; }, "duration_sigma"},
      {"azure-like", [](GeneratorSpec& g) { g.functions = 0; }, "functions"},
      {"poisson", [](GeneratorSpec& g) { g.common.rate_per_s = nan; }, "rate_per_s"},
      {"poisson", [](GeneratorSpec& g) { g.common.duration_s = 1e300; }, "duration_s"},
      // A billion a second for 100 years: 3e18 arrivals, beyond kMaxExpectedArrivals.
      {"poisson",
       [](GeneratorSpec& g) {
         g.common.rate_per_s = 1e9;
         g.common.duration_s = 3'155'760'000;
       },
       "rate_per_s"},
      {"sine", [](GeneratorSpec&) {}, "generator"},
  };
  for (const auto& c : cases) {
    GeneratorSpec g;
    g.pattern = c.pattern;
    c.set(g);
    INFO(c.pattern << " " << c.key);
    CHECK(key_of(g) == c.key);
    CHECK_THROWS_AS(make_generator(g), ConfigError);
  }
  // The bound itself is allowed: 1e12 expected arrivals (validated, not generated).
  GeneratorSpec edge;
  edge.common.rate_per_s = 1e6;
  edge.common.duration_s = 1e6;
  CHECK(key_of(edge).empty());
}

TEST_CASE("generator_keys: each pattern's settings, none of another's", "[models][gen]") {
  auto has = [](const std::string& p, const std::string& k) {
    const auto& v = generator_keys(p);
    return std::find(v.begin(), v.end(), k) != v.end();
  };
  CHECK(has("poisson", "duration_ms"));
  CHECK_FALSE(has("poisson", "peak_to_trough"));
  CHECK(has("diurnal", "peak_hour"));
  CHECK_FALSE(has("diurnal", "burst_factor"));
  CHECK(has("bursty", "mean_burst_s"));
  CHECK(has("azure-like", "rate_sigma"));
  CHECK_FALSE(has("azure-like", "duration_ms"));  // drawn from the population
  CHECK_FALSE(has("azure-like", "memory_mb"));
  CHECK(generator_keys("sine").empty());
}

TEST_CASE("Generators: describe() shows the duration as the user wrote it", "[models][gen]") {
  PoissonOptions o;
  o.duration_ms = Distribution::parse("lognormal(median=120,p99=900)");
  CHECK_THAT(PoissonSource(o).describe(),
             Catch::Contains("lognormal(median=120,p99=900)") && !Catch::Contains("mu="));
}

TEST_CASE("summarize: rates, peaks and the top list", "[models][gen]") {
  PoissonOptions o;
  o.rate_per_s = 10;
  o.duration_s = 600;
  PoissonSource src(o);
  const auto s = summarize(src);
  CHECK(s.functions == 1);
  CHECK(s.mean_rate_per_s == Approx(10).epsilon(0.05));
  CHECK(s.peak_rate_per_s >= 10);
  CHECK(s.peak_rate_per_min >= 600 * 0.9);
  CHECK(s.top_functions.at(0).share == 1.0);
  CHECK(s.interarrival_cv == Approx(1).epsilon(0.05));
}
