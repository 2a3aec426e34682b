#include "slsim/core/distribution.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "slsim/core/stats.hpp"

using namespace slsim;

namespace {

constexpr int kSamples = 1'000'000;

// Sample mean within 5 standard errors of the exact mean; sample variance within 5 standard
// errors of the exact variance, using the fourth central moment estimated from the sample.
void check_moments(const Distribution& d, std::uint64_t seed, bool check_variance = true) {
  RngStream rng(seed, 99);
  std::vector<double> xs(kSamples);
  RunningStats s;
  for (auto& x : xs) {
    x = d.sample(rng);
    s.add(x);
  }
  const double n = kSamples;
  const double se_mean = std::sqrt(d.variance() / n);
  INFO(d.spec() << ": sample mean " << s.mean() << " vs " << d.mean() << " (se " << se_mean << ")");
  CHECK(std::fabs(s.mean() - d.mean()) <= 5 * se_mean + 1e-12);
  if (check_variance) {
    double m4 = 0;
    for (double x : xs)
      m4 += std::pow(x - s.mean(), 4);
    m4 /= n;
    const double var = d.variance();
    const double se_var = std::sqrt(std::max(m4 - var * var, 0.0) / n);
    INFO("sample variance " << s.variance() << " vs " << var << " (se " << se_var << ")");
    CHECK(std::fabs(s.variance() - var) <= 5 * se_var + 1e-12);
  }
}

}  // namespace

TEST_CASE("Distribution: sample mean and variance match the closed forms", "[core][dist]") {
  check_moments(Distribution::uniform(2, 10), 1);
  check_moments(Distribution::exponential(1991), 2);
  check_moments(Distribution::normal(100, 15), 3);
  check_moments(Distribution::lognormal(-0.38, 0.8), 4);
  check_moments(Distribution::lognormal_from_median_p99(120, 900), 5);
  check_moments(Distribution::gamma(2.5, 40), 6);
  check_moments(Distribution::gamma(0.4, 10), 7);
  check_moments(Distribution::weibull(0.7, 50), 8);
  check_moments(Distribution::weibull(3.0, 50), 9);
  check_moments(Distribution::burr_xii(3.0, 2.0, 100.0), 10);  // c*k = 6 > 4: 4th moment exists
  check_moments(Distribution::empirical({1, 2, 2, 3, 10, 50}), 11);
  check_moments(Distribution::percentiles({{0, 10}, {0.25, 20}, {0.5, 40}, {0.99, 200}, {1, 400}}),
                12);
}

TEST_CASE("Distribution: heavy-tailed Burr XII of the Azure memory fit", "[core][dist]") {
  // Serverless in the Wild (ATC 2020) memory fit: c = 11.652, k = 0.221, lambda = 107.083 MB.
  // c*k = 2.58: mean and variance exist, the 4th moment does not, so only the mean and the
  // quantiles are checked.
  const auto d = Distribution::burr_xii(11.652, 0.221, 107.083);
  CHECK(std::isfinite(d.mean()));
  CHECK(std::isfinite(d.variance()));
  // Median from the closed form: lambda * (2^(1/k) - 1)^(1/c).
  CHECK(d.quantile(0.5) == Approx(107.083 * std::pow(std::pow(2.0, 1 / 0.221) - 1, 1 / 11.652)));
  RngStream rng(5);
  std::vector<double> xs(kSamples);
  for (auto& x : xs)
    x = d.sample(rng);
  std::sort(xs.begin(), xs.end());
  for (double p : {0.1, 0.5, 0.9}) {
    // Empirical CDF at the exact quantile within 5 binomial standard errors.
    const double q = d.quantile(p);
    const double ecdf =
        static_cast<double>(std::upper_bound(xs.begin(), xs.end(), q) - xs.begin()) / kSamples;
    CHECK(std::fabs(ecdf - p) < 5 * std::sqrt(p * (1 - p) / kSamples));
  }
  RunningStats s;
  for (double x : xs)
    s.add(x);
  CHECK(s.mean() == Approx(d.mean()).epsilon(0.03));
}

TEST_CASE("Distribution: constant and quantile edges", "[core][dist]") {
  RngStream rng(1);
  const auto c = Distribution::constant(253);
  CHECK(c.sample(rng) == 253);
  CHECK(c.mean() == 253);
  CHECK(c.variance() == 0);
  const auto ln = Distribution::lognormal_from_median_p99(120, 900);
  CHECK(ln.quantile(0.5) == Approx(120));
  CHECK(ln.quantile(0.99) == Approx(900));
  const auto pc = Distribution::percentiles({{0, 10}, {0.5, 100}, {1, 400}});
  CHECK(pc.quantile(0.25) == Approx(55));
  CHECK(pc.quantile(0.75) == Approx(250));
  CHECK(pc.quantile(0) == 10);
  CHECK(pc.quantile(1) == 400);
  CHECK_THROWS_AS(pc.quantile(1.5), std::invalid_argument);
}

TEST_CASE("Distribution: parse reads every family and round-trips spec()", "[core][dist]") {
  CHECK(Distribution::parse("120") == Distribution::constant(120));
  CHECK(Distribution::parse("lognormal(median=120, p99=900)") ==
        Distribution::lognormal_from_median_p99(120, 900));
  CHECK(Distribution::parse("exponential(rate=0.5)") == Distribution::exponential(2));
  CHECK(Distribution::parse("Gamma(shape=2,rate=4)") == Distribution::gamma(2, 0.25));
  CHECK(Distribution::parse("percentiles(p0=1,p50=5,p100=9)") ==
        Distribution::percentiles({{0, 1}, {0.5, 5}, {1, 9}}));
  const std::vector<Distribution> all{Distribution::constant(3.5),
                                      Distribution::uniform(1, 2),
                                      Distribution::exponential(7),
                                      Distribution::normal(1, 0.5),
                                      Distribution::lognormal(-0.38, 2.36),
                                      Distribution::gamma(2, 3),
                                      Distribution::weibull(1.5, 2),
                                      Distribution::burr_xii(11.652, 0.221, 107.083),
                                      Distribution::empirical({3, 1, 2}),
                                      Distribution::percentiles({{0, 1}, {0.999, 8}, {1, 9}})};
  for (const auto& d : all) {
    INFO(d.spec());
    CHECK(Distribution::parse(d.spec()) == d);
  }
}

TEST_CASE("Distribution: invalid parameters say what is allowed", "[core][dist]") {
  auto msg = [](auto&& fn) {
    try {
      fn();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(msg([] { Distribution::exponential(-1); }), Catch::Contains("mean must be > 0"));
  CHECK_THAT(msg([] { Distribution::lognormal_from_median_p99(100, 50); }),
             Catch::Contains("p99 must be > median"));
  CHECK_THAT(msg([] { Distribution::parse("lognormal(median=1)"); }),
             Catch::Contains("lognormal(median=M,p99=P)"));
  CHECK_THAT(msg([] { Distribution::parse("zipf(s=1)"); }),
             Catch::Contains("unknown family 'zipf'"));
  CHECK_THAT(msg([] { Distribution::parse("normal(mean=1,sd=2,x=3)"); }),
             Catch::Contains("unknown parameter 'x'"));
  CHECK_THAT(msg([] { Distribution::parse("uniform(low=abc,high=2)"); }),
             Catch::Contains("'abc' is not a number"));
  CHECK_THAT(msg([] {
               Distribution::percentiles({{0.1, 1}, {1, 2}});
             }),
             Catch::Contains("0th and the 100th"));
  CHECK_THAT(msg([] { Distribution::parse("lognormal(median=1"); }), Catch::Contains("expected"));
}

#include <boost/math/distributions/normal.hpp>

#include "slsim/core/special.hpp"

TEST_CASE("standard_normal_quantile: AS 241 agrees with Boost.Math to 1e-14", "[core][dist]") {
  const boost::math::normal_distribution<double> n01;
  for (double p : {1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.074, 0.075, 0.2, 0.5, 0.7,
                   0.925, 0.926, 0.99, 0.999999, 1 - 1e-12}) {
    const double want = boost::math::quantile(n01, p);
    INFO("p = " << p);
    CHECK(standard_normal_quantile(p) == Approx(want).epsilon(1e-14).margin(1e-15));
  }
  CHECK(standard_normal_quantile(0.5) == 0.0);
  CHECK(std::isinf(standard_normal_quantile(0.0)));
  CHECK(std::isinf(standard_normal_quantile(1.0)));
  CHECK(std::isnan(standard_normal_quantile(1.5)));
}

TEST_CASE("Distribution: mutated specs parse or fail with invalid_argument", "[core][dist]") {
  const std::vector<std::string> seeds{"lognormal(median=120,p99=900)",
                                       "percentiles(p0=1,p50=5,p100=9)",
                                       "burr(c=11.652,k=0.221,lambda=107.083)",
                                       "empirical(1,2,3)",
                                       "exponential(rate=0.5)",
                                       "120"};
  RngStream rng(7);
  int ok = 0, bad = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string s = seeds[rng.below(seeds.size())];
    const int edits = 1 + static_cast<int>(rng.below(3));
    for (int k = 0; k < edits && !s.empty(); ++k) {
      const auto pos = rng.below(s.size());
      const char c = "(),=.-+e0123456789pkx "[rng.below(22)];
      if (rng.below(2)) {
        s[pos] = c;
      } else {
        s.erase(pos, 1);
      }
    }
    try {
      const auto d = Distribution::parse(s);
      RngStream r(1);
      const double x = d.sample(r);
      CHECK_FALSE(std::isnan(x));
      ++ok;
    } catch (const std::invalid_argument&) {
      ++bad;
    }
  }
  CHECK(ok + bad == 5000);
  CHECK(ok > 100);
  CHECK(bad > 100);
}

namespace {
std::string parse_error(const std::string& spec) {
  try {
    (void)Distribution::parse(spec);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}
}  // namespace

// Finding F3 (docs/testing.md): user text is quoted with its non-printable bytes escaped, so
// what() is whole whatever the spec holds, and a long spec is cut.
TEST_CASE("Distribution: messages escape bytes and cut long specs", "[core][dist]") {
  using namespace std::string_literals;
  CHECK(parse_error("lognormal\0(mu=1,sigma=1)"s) ==
        "distribution: unknown family 'lognormal\\x00'; known: constant, uniform, exponential, "
        "normal, lognormal, gamma, weibull, burr, empirical, percentiles");
  CHECK_THAT(parse_error("\0\0x(mean=1)"s), Catch::StartsWith("distribution: unknown family "
                                                              "'\\x00\\x00x'"));
  CHECK_THAT(parse_error("normal(mean=1\t2,sd=1)"), Catch::Contains("'1\\x092' is not a number"));
  CHECK_THAT(parse_error("normal(mean=\xc2\xb5,sd=1)"),
             Catch::Contains("'\\xc2\\xb5' is not a number"));
  CHECK_THAT(parse_error("normal(me'an=1,sd=1)"), Catch::Contains("'me\\x27an'"));
  const std::string long_spec = "uniform(low=" + std::string(500, '7') + "x,high=1)";
  const std::string msg = parse_error(long_spec);
  CHECK(msg.size() < 150);
  CHECK_THAT(msg, Catch::EndsWith("...' is not a number"));
  // The family is checked before its arguments: their messages begin with it.
  CHECK_THAT(parse_error("nope(mean=x)"), Catch::Contains("unknown family 'nope'"));
}

// Finding F4: subnormal numbers are read in every spelling (std::from_chars), and spec()
// round-trips them; magnitudes that round to zero or infinity are refused as out of range.
TEST_CASE("Distribution: subnormal numbers are read and round-trip", "[core][dist]") {
  for (const char* spec :
       {"1e-310", "0x1p-1074", "4.9e-324", "constant(value=2.2e-308)", "uniform(low=1e-320,high=1)",
        "exponential(mean=1e-310)", "normal(mean=-1e-310,sd=1)", "empirical(1e-315,0,2)",
        "percentiles(p0=1e-310,p100=1)", "gamma(shape=1e-6,scale=1)"}) {
    INFO(spec);
    const auto d = Distribution::parse(spec);
    CHECK(Distribution::parse(d.spec()) == d);
  }
  CHECK(Distribution::parse("1e-310") == Distribution::constant(1e-310));
  CHECK(Distribution::parse("0x1p-1074") == Distribution::parse("5e-324"));
  CHECK(Distribution::parse("+2.5") == Distribution::constant(2.5));
  CHECK(Distribution::parse("-0x1.8p1") == Distribution::constant(-3));
  for (const char* spec : {"2e-324", "1e-400", "1e400", "-1e309"}) {
    INFO(spec);
    CHECK_THAT(parse_error(spec),
               Catch::Contains("is out of range") && Catch::Contains("from 4.9e-324 to 1.8e308"));
  }
  for (const char* spec : {"++1", "+-1", "0x", "1,5", "0x+1", "1e", " "}) {
    INFO(spec);
    CHECK_THAT(parse_error(spec), !Catch::Contains("out of range") && !Catch::Equals("accepted"));
  }
}

// Finding F7: Boost.Math's gamma quantile gives up from a shape of about 1e11; shapes above 1e6
// (sd 0.1% of the mean) are refused with the allowed range.
TEST_CASE("Distribution: gamma shapes are bounded so that every draw works", "[core][dist]") {
  const auto d = Distribution::parse("gamma(shape=1e6,scale=2)");
  RngStream rng(3, 1);
  for (int i = 0; i < 100; ++i)
    CHECK(d.sample(rng) == Approx(2e6).epsilon(0.01));
  CHECK(d.quantile(0x1.0p-54) > 0);
  CHECK(std::isfinite(d.quantile(1.0 - 0x1.0p-53)));
  CHECK_THAT(parse_error("gamma(shape=1.000001e6,scale=1)"),
             Catch::Contains("gamma: shape must be from 1e-6 to 1e6, got 1000001"));
  CHECK_THAT(parse_error("gamma(shape=1e12,rate=0.1)"), Catch::Contains("shape must be from"));
  CHECK_THAT(parse_error("gamma(shape=1e-310,scale=1)"), Catch::Contains("shape must be from"));
  const auto tiny = Distribution::parse("gamma(shape=1e-6,scale=1)");
  for (const double p : {0x1.0p-54, 0.5, 1.0 - 0x1.0p-53})
    CHECK(std::isfinite(tiny.quantile(p)));
}

// Finding F8: parameters whose draws are infinite are refused, naming the parameters and the
// bound; just inside the bound every draw (the quantiles at the ends of the uniform draws) is
// finite.
TEST_CASE("Distribution: parameters giving infinite draws are refused", "[core][dist]") {
  const struct {
    const char* spec;
    const char* message;
  } cases[] = {
      {"weibull(shape=1e-300,scale=1)", "with this scale, shape must be at least 0.00508"},
      {"weibull(shape=0.005,scale=1)", "shape must be at least 0.00508"},
      {"burr(c=1e300,k=1e-300,lambda=1)", "k must be at least 0.0518"},
      {"burr(c=0.01,k=1,lambda=1)", "with this k and lambda, c must be at least 0.0"},
      {"exponential(mean=1e307)", "mean must be at most 4.8e+306"},
      {"exponential(rate=1e-307)",
       "rate=1e-307 give infinite draws (beyond 1.8e308): rate must be at least 2.09e-307"},
      {"normal(mean=0,sd=1e308)", "|mean| + 8.29·sd must be at most 1.8e308"},
      {"lognormal(mu=700,sigma=2)", "mu + 8.29·sigma must be at most 709.78"},
      {"lognormal(median=1e300,p99=1e305)", "with this median, p99 must be at most 2.06e+302"},
      {"lognormal(median=120,p99=1e300)", "with this median, p99 must be at most 9.41e+87"},
      {"lognormal(median=1,sigma=100)", "mu + 8.29·sigma must be at most 709.78"},
      {"lognormal(median=1e-300,p99=1e300)", "p99/median must be at most 1.8e308"},
      {"gamma(shape=2,scale=1e307)", "with this shape, scale (1/rate) must be at most 4.44e+306"},
      {"uniform(low=-1e308,high=1e308)", "high - low must be at most 1.8e308"},
      {"percentiles(p0=-1e308,p100=1e308)", "maximum minus the minimum"},
  };
  for (const auto& c : cases) {
    INFO(c.spec);
    const std::string msg = parse_error(c.spec);
    CHECK_THAT(msg, Catch::Contains("give infinite draws") || Catch::Contains("p99/median"));
    CHECK_THAT(msg, Catch::Contains(c.message));
  }
  // At the bounds the messages give, the largest draws are finite.
  for (const char* spec : {"weibull(shape=0.00508,scale=1)", "burr(c=1e300,k=0.0518,lambda=1)",
                           "exponential(mean=4.8e306)", "lognormal(median=120,p99=9.41e87)",
                           "lognormal(median=1e300,p99=2.06e302)", "exponential(rate=2.09e-307)",
                           "gamma(shape=2,scale=4.44e306)", "lognormal(mu=709,sigma=0.09)",
                           "normal(mean=0,sd=2e307)"}) {
    INFO(spec);
    const auto d = Distribution::parse(spec);
    CHECK(std::isfinite(d.quantile(1.0 - 0x1.0p-53)));
    CHECK(std::isfinite(d.quantile(0x1.0p-54)));
    RngStream rng(5, 2);
    for (int i = 0; i < 1000; ++i)
      CHECK(std::isfinite(d.sample(rng)));
  }
}
