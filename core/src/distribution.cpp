#include "slsim/core/distribution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>

#include "slsim/core/special.hpp"

namespace slsim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// z such that Phi(z) = 0.99.
const double kZ99 = boost::math::quantile(boost::math::normal_distribution<double>(), 0.99);

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

[[noreturn]] void bad(std::string_view family, const std::string& what) {
  throw std::invalid_argument(fmt::format("{}: {}", family, what));
}

void require_finite(std::string_view family, std::string_view name, double v) {
  if (!std::isfinite(v)) bad(family, fmt::format("{} must be a finite number, got {}", name, v));
}

void require_positive(std::string_view family, std::string_view name, double v) {
  require_finite(family, name, v);
  if (!(v > 0)) bad(family, fmt::format("{} must be > 0, got {}", name, v));
}

double clamp_p(double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument(fmt::format("quantile: p must be in [0, 1], got {}", p));
  }
  return p;
}

// E[X^r] of Burr XII, infinite when c*k <= r.
double burr_moment(const BurrXIIDist& d, double r) {
  if (d.c * d.k <= r) return kInf;
  return std::pow(d.lambda, r) * d.k * boost::math::beta(d.k - r / d.c, 1.0 + r / d.c);
}

double percentile_quantile(const PercentilesDist& d, double p) {
  const auto& pts = d.points;
  auto it =
      std::upper_bound(pts.begin(), pts.end(), p,
                       [](double v, const std::pair<double, double>& e) { return v < e.first; });
  if (it == pts.begin()) return pts.front().second;
  if (it == pts.end()) return pts.back().second;
  const auto& hi = *it;
  const auto& lo = *(it - 1);
  const double w = (p - lo.first) / (hi.first - lo.first);
  return lo.second + w * (hi.second - lo.second);
}

// ---- spec parsing -------------------------------------------------------------------------

struct ParsedSpec {
  std::string family;
  std::vector<std::pair<std::string, double>> args;  // name may be empty (positional)
};

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a])))
    ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1])))
    --b;
  return std::string(s.substr(a, b - a));
}

double parse_number(std::string_view family, const std::string& text) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) bad(family, fmt::format("'{}' is not a number", text));
  return v;
}

ParsedSpec split_spec(std::string_view spec) {
  ParsedSpec out;
  const std::string s = trim(spec);
  const auto open = s.find('(');
  if (open == std::string::npos || s.back() != ')') {
    bad("distribution",
        fmt::format("cannot read '{}': expected a number or family(name=value,...), e.g. "
                    "lognormal(median=120,p99=900)",
                    s));
  }
  out.family = trim(std::string_view(s).substr(0, open));
  std::transform(out.family.begin(), out.family.end(), out.family.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string inner = s.substr(open + 1, s.size() - open - 2);
  std::size_t start = 0;
  while (start <= inner.size()) {
    auto comma = inner.find(',', start);
    if (comma == std::string::npos) comma = inner.size();
    const std::string item = trim(std::string_view(inner).substr(start, comma - start));
    if (!item.empty()) {
      const auto eq = item.find('=');
      if (eq == std::string::npos) {
        out.args.emplace_back("", parse_number(out.family, item));
      } else {
        out.args.emplace_back(
            trim(std::string_view(item).substr(0, eq)),
            parse_number(out.family, trim(std::string_view(item).substr(eq + 1))));
      }
    } else if (comma < inner.size()) {
      bad(out.family, "empty argument in the list");
    }
    start = comma + 1;
  }
  return out;
}

// Named arguments of one family, with checks that every name is known and used once.
class Args {
 public:
  Args(const ParsedSpec& p, std::vector<std::string> allowed) : family_(p.family) {
    for (const auto& [name, value] : p.args) {
      if (name.empty())
        bad(family_, fmt::format("arguments must be named: {}(name=value,...)", family_));
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        bad(family_,
            fmt::format("unknown parameter '{}'; allowed: {}", name, fmt::join(allowed, ", ")));
      }
      if (!values_.emplace(name, value).second) bad(family_, fmt::format("'{}' given twice", name));
    }
  }
  bool has(const std::string& n) const { return values_.count(n) != 0; }
  double get(const std::string& n) const { return values_.at(n); }
  bool exactly(std::initializer_list<const char*> names) const {
    if (names.size() != values_.size()) return false;
    for (const char* n : names)
      if (!has(n)) return false;
    return true;
  }
  [[noreturn]] void usage(std::string_view forms) const {
    bad(family_, fmt::format("expected {}", forms));
  }

 private:
  std::string family_;
  std::map<std::string, double> values_;
};

}  // namespace

// ---- factories ----------------------------------------------------------------------------

Distribution Distribution::constant(double value) {
  require_finite("constant", "value", value);
  return Distribution(ConstantDist{value});
}

Distribution Distribution::uniform(double low, double high) {
  require_finite("uniform", "low", low);
  require_finite("uniform", "high", high);
  if (!(high > low))
    bad("uniform", fmt::format("high must be > low, got low={} high={}", low, high));
  return Distribution(UniformDist{low, high});
}

Distribution Distribution::exponential(double mean) {
  require_positive("exponential", "mean", mean);
  return Distribution(ExponentialDist{mean});
}

Distribution Distribution::normal(double mean, double sd) {
  require_finite("normal", "mean", mean);
  require_positive("normal", "sd", sd);
  return Distribution(NormalDist{mean, sd});
}

Distribution Distribution::lognormal(double mu, double sigma) {
  require_finite("lognormal", "mu", mu);
  require_positive("lognormal", "sigma", sigma);
  return Distribution(LogNormalDist{mu, sigma});
}

Distribution Distribution::lognormal_from_median_p99(double median, double p99) {
  require_positive("lognormal", "median", median);
  require_positive("lognormal", "p99", p99);
  if (!(p99 > median)) {
    bad("lognormal", fmt::format("p99 must be > median, got median={} p99={}", median, p99));
  }
  return lognormal(std::log(median), std::log(p99 / median) / kZ99);
}

Distribution Distribution::gamma(double shape, double scale) {
  require_positive("gamma", "shape", shape);
  require_positive("gamma", "scale", scale);
  return Distribution(GammaDist{shape, scale});
}

Distribution Distribution::weibull(double shape, double scale) {
  require_positive("weibull", "shape", shape);
  require_positive("weibull", "scale", scale);
  return Distribution(WeibullDist{shape, scale});
}

Distribution Distribution::burr_xii(double c, double k, double lambda) {
  require_positive("burr", "c", c);
  require_positive("burr", "k", k);
  require_positive("burr", "lambda", lambda);
  return Distribution(BurrXIIDist{c, k, lambda});
}

Distribution Distribution::empirical(std::vector<double> samples) {
  if (samples.empty()) bad("empirical", "needs at least one sample");
  for (double v : samples)
    require_finite("empirical", "every sample", v);
  std::sort(samples.begin(), samples.end());
  return Distribution(EmpiricalDist{std::move(samples)});
}

Distribution Distribution::percentiles(std::vector<std::pair<double, double>> points) {
  if (points.size() < 2) bad("percentiles", "needs at least two points (p=0 and p=1)");
  // Probabilities are rounded to 12 significant digits, so that 99.9 / 100 and 0.999 (and the
  // percent names of spec()) all denote the same point.
  for (auto& pt : points) {
    if (std::isfinite(pt.first)) pt.first = std::stod(fmt::format("{:.12g}", pt.first));
  }
  std::sort(points.begin(), points.end());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto [p, v] = points[i];
    require_finite("percentiles", "every value", v);
    if (!(p >= 0 && p <= 1)) bad("percentiles", fmt::format("percentile {} is outside [0, 1]", p));
    if (i > 0 && p == points[i - 1].first)
      bad("percentiles", fmt::format("percentile {} given twice", p));
    if (i > 0 && v < points[i - 1].second) {
      bad("percentiles", fmt::format("values must not decrease: {} at p={} after {} at p={}", v, p,
                                     points[i - 1].second, points[i - 1].first));
    }
  }
  if (points.front().first != 0.0 || points.back().first != 1.0) {
    bad("percentiles", "needs the 0th and the 100th percentile (minimum and maximum)");
  }
  return Distribution(PercentilesDist{std::move(points)});
}

Distribution Distribution::parse(std::string_view spec_text) {
  Distribution d = parse_spec(spec_text);
  d.text_ = trim(spec_text);
  return d;
}

Distribution Distribution::parse_spec(std::string_view spec_text) {
  const std::string s = trim(spec_text);
  if (s.empty()) bad("distribution", "empty specification");
  if (s.find('(') == std::string::npos) return constant(parse_number("constant", s));
  const ParsedSpec p = split_spec(s);
  const std::string& f = p.family;
  if (f == "empirical") {
    std::vector<double> v;
    for (const auto& [name, value] : p.args) {
      if (!name.empty()) bad(f, "takes plain values: empirical(1.5,2,7)");
      v.push_back(value);
    }
    return empirical(std::move(v));
  }
  if (f == "percentiles") {
    std::vector<std::pair<double, double>> pts;
    for (const auto& [name, value] : p.args) {
      if (name.size() < 2 || name[0] != 'p') {
        bad(f, fmt::format("'{}' is not a percentile name; use p0=..,p50=..,p100=..", name));
      }
      pts.emplace_back(parse_number(f, name.substr(1)) / 100.0, value);
    }
    return percentiles(std::move(pts));
  }
  if (f == "constant") {
    if (p.args.size() == 1 && (p.args[0].first.empty() || p.args[0].first == "value")) {
      return constant(p.args[0].second);
    }
    bad(f, "expected constant(value=V) or constant(V)");
  }
  if (f == "uniform") {
    Args a(p, {"low", "high"});
    if (!a.exactly({"low", "high"})) a.usage("uniform(low=A,high=B)");
    return uniform(a.get("low"), a.get("high"));
  }
  if (f == "exponential") {
    Args a(p, {"mean", "rate"});
    if (a.exactly({"mean"})) return exponential(a.get("mean"));
    if (a.exactly({"rate"})) {
      require_positive(f, "rate", a.get("rate"));
      return exponential(1.0 / a.get("rate"));
    }
    a.usage("exponential(mean=M) or exponential(rate=R)");
  }
  if (f == "normal") {
    Args a(p, {"mean", "sd"});
    if (!a.exactly({"mean", "sd"})) a.usage("normal(mean=M,sd=S)");
    return normal(a.get("mean"), a.get("sd"));
  }
  if (f == "lognormal") {
    Args a(p, {"mu", "sigma", "median", "p99"});
    if (a.exactly({"mu", "sigma"})) return lognormal(a.get("mu"), a.get("sigma"));
    if (a.exactly({"median", "p99"}))
      return lognormal_from_median_p99(a.get("median"), a.get("p99"));
    if (a.exactly({"median", "sigma"})) {
      require_positive(f, "median", a.get("median"));
      return lognormal(std::log(a.get("median")), a.get("sigma"));
    }
    a.usage("lognormal(mu=M,sigma=S), lognormal(median=M,p99=P) or lognormal(median=M,sigma=S)");
  }
  if (f == "gamma") {
    Args a(p, {"shape", "scale", "rate"});
    if (a.exactly({"shape", "scale"})) return gamma(a.get("shape"), a.get("scale"));
    if (a.exactly({"shape", "rate"})) {
      require_positive(f, "rate", a.get("rate"));
      return gamma(a.get("shape"), 1.0 / a.get("rate"));
    }
    a.usage("gamma(shape=K,scale=T) or gamma(shape=K,rate=R)");
  }
  if (f == "weibull") {
    Args a(p, {"shape", "scale"});
    if (!a.exactly({"shape", "scale"})) a.usage("weibull(shape=K,scale=L)");
    return weibull(a.get("shape"), a.get("scale"));
  }
  if (f == "burr" || f == "burrxii" || f == "burr_xii") {
    Args a(p, {"c", "k", "lambda"});
    if (!a.exactly({"c", "k", "lambda"})) a.usage("burr(c=C,k=K,lambda=L)");
    return burr_xii(a.get("c"), a.get("k"), a.get("lambda"));
  }
  bad("distribution", fmt::format("unknown family '{}'; known: constant, uniform, exponential, "
                                  "normal, lognormal, gamma, weibull, burr, empirical, percentiles",
                                  f));
}

// ---- evaluation ---------------------------------------------------------------------------

double Distribution::quantile(double p) const {
  clamp_p(p);
  return std::visit(
      Overloaded{
          [](const ConstantDist& d) { return d.value; },
          [p](const UniformDist& d) { return d.low + p * (d.high - d.low); },
          [p](const ExponentialDist& d) { return p >= 1.0 ? kInf : -d.mean * std::log1p(-p); },
          [p](const NormalDist& d) { return d.mean + d.sd * standard_normal_quantile(p); },
          [p](const LogNormalDist& d) {
            if (p <= 0.0) return 0.0;
            return std::exp(d.mu + d.sigma * standard_normal_quantile(p));
          },
          [p](const GammaDist& d) {
            if (p <= 0.0) return 0.0;
            if (p >= 1.0) return kInf;
            return boost::math::quantile(boost::math::gamma_distribution<double>(d.shape, d.scale),
                                         p);
          },
          [p](const WeibullDist& d) {
            return p >= 1.0 ? kInf : d.scale * std::pow(-std::log1p(-p), 1.0 / d.shape);
          },
          [p](const BurrXIIDist& d) {
            if (p >= 1.0) return kInf;
            return d.lambda * std::pow(std::expm1(-std::log1p(-p) / d.k), 1.0 / d.c);
          },
          [p](const EmpiricalDist& d) {
            // Lower quantile of the sample: smallest x with ECDF(x) >= p.
            const auto n = d.sorted.size();
            auto idx = static_cast<std::size_t>(std::ceil(p * static_cast<double>(n)));
            idx = idx == 0 ? 0 : idx - 1;
            return d.sorted[std::min(idx, n - 1)];
          },
          [p](const PercentilesDist& d) { return percentile_quantile(d, p); },
      },
      v_);
}

double Distribution::sample(RngStream& rng) const {
  switch (v_.index()) {
    case 0:
      return std::get<ConstantDist>(v_).value;
    case 1: {  // the common families skip quantile()'s checks and visit
      const auto& d = *std::get_if<UniformDist>(&v_);
      return d.low + (d.high - d.low) * rng.uniform();
    }
    case 2:
      return rng.exponential(std::get<ExponentialDist>(v_).mean);
    case 3: {
      const auto& d = *std::get_if<NormalDist>(&v_);
      return d.mean + d.sd * standard_normal_quantile(rng.uniform_open());
    }
    case 4: {
      const auto& d = *std::get_if<LogNormalDist>(&v_);
      return std::exp(d.mu + d.sigma * standard_normal_quantile(rng.uniform_open()));
    }
    case 8: {
      const auto& s = std::get<EmpiricalDist>(v_).sorted;
      return s[rng.below(s.size())];
    }
    default:
      return quantile(rng.uniform_open());
  }
}

double Distribution::mean() const {
  return std::visit(
      Overloaded{
          [](const ConstantDist& d) { return d.value; },
          [](const UniformDist& d) { return 0.5 * (d.low + d.high); },
          [](const ExponentialDist& d) { return d.mean; },
          [](const NormalDist& d) { return d.mean; },
          [](const LogNormalDist& d) { return std::exp(d.mu + 0.5 * d.sigma * d.sigma); },
          [](const GammaDist& d) { return d.shape * d.scale; },
          [](const WeibullDist& d) { return d.scale * std::tgamma(1.0 + 1.0 / d.shape); },
          [](const BurrXIIDist& d) { return burr_moment(d, 1.0); },
          [](const EmpiricalDist& d) {
            return std::accumulate(d.sorted.begin(), d.sorted.end(), 0.0) /
                   static_cast<double>(d.sorted.size());
          },
          [](const PercentilesDist& d) {
            double m = 0;
            for (std::size_t i = 1; i < d.points.size(); ++i) {
              const auto& [p0, x0] = d.points[i - 1];
              const auto& [p1, x1] = d.points[i];
              m += (p1 - p0) * 0.5 * (x0 + x1);
            }
            return m;
          },
      },
      v_);
}

double Distribution::variance() const {
  return std::visit(
      Overloaded{
          [](const ConstantDist&) { return 0.0; },
          [](const UniformDist& d) { return (d.high - d.low) * (d.high - d.low) / 12.0; },
          [](const ExponentialDist& d) { return d.mean * d.mean; },
          [](const NormalDist& d) { return d.sd * d.sd; },
          [](const LogNormalDist& d) {
            const double s2 = d.sigma * d.sigma;
            return std::expm1(s2) * std::exp(2 * d.mu + s2);
          },
          [](const GammaDist& d) { return d.shape * d.scale * d.scale; },
          [](const WeibullDist& d) {
            const double g1 = std::tgamma(1.0 + 1.0 / d.shape);
            return d.scale * d.scale * (std::tgamma(1.0 + 2.0 / d.shape) - g1 * g1);
          },
          [](const BurrXIIDist& d) {
            const double m1 = burr_moment(d, 1.0);
            const double m2 = burr_moment(d, 2.0);
            return std::isinf(m2) ? kInf : m2 - m1 * m1;
          },
          [](const EmpiricalDist& d) {
            const double n = static_cast<double>(d.sorted.size());
            const double m = std::accumulate(d.sorted.begin(), d.sorted.end(), 0.0) / n;
            double ss = 0;
            for (double x : d.sorted)
              ss += (x - m) * (x - m);
            return ss / n;
          },
          [](const PercentilesDist& d) {
            // E[Q(U)^2] with Q linear on each segment, minus the squared mean.
            double m2 = 0;
            for (std::size_t i = 1; i < d.points.size(); ++i) {
              const auto& [p0, a] = d.points[i - 1];
              const auto& [p1, b] = d.points[i];
              m2 += (p1 - p0) * (a * a + a * b + b * b) / 3.0;
            }
            double m = 0;
            for (std::size_t i = 1; i < d.points.size(); ++i) {
              m += (d.points[i].first - d.points[i - 1].first) * 0.5 *
                   (d.points[i - 1].second + d.points[i].second);
            }
            return std::max(0.0, m2 - m * m);
          },
      },
      v_);
}

double Distribution::min_value() const {
  return quantile(0.0);
}

std::string_view Distribution::family() const {
  static constexpr std::string_view kNames[] = {"constant",  "uniform",    "exponential", "normal",
                                                "lognormal", "gamma",      "weibull",     "burr",
                                                "empirical", "percentiles"};
  return kNames[v_.index()];
}

std::string Distribution::spec() const {
  return std::visit(
      Overloaded{
          [](const ConstantDist& d) { return fmt::format("constant(value={})", d.value); },
          [](const UniformDist& d) {
            return fmt::format("uniform(low={},high={})", d.low, d.high);
          },
          [](const ExponentialDist& d) { return fmt::format("exponential(mean={})", d.mean); },
          [](const NormalDist& d) { return fmt::format("normal(mean={},sd={})", d.mean, d.sd); },
          [](const LogNormalDist& d) {
            return fmt::format("lognormal(mu={},sigma={})", d.mu, d.sigma);
          },
          [](const GammaDist& d) {
            return fmt::format("gamma(shape={},scale={})", d.shape, d.scale);
          },
          [](const WeibullDist& d) {
            return fmt::format("weibull(shape={},scale={})", d.shape, d.scale);
          },
          [](const BurrXIIDist& d) {
            return fmt::format("burr(c={},k={},lambda={})", d.c, d.k, d.lambda);
          },
          [](const EmpiricalDist& d) {
            return fmt::format("empirical({})", fmt::join(d.sorted, ","));
          },
          [](const PercentilesDist& d) {
            std::vector<std::string> parts;
            for (const auto& [p, v] : d.points)
              parts.push_back(fmt::format("p{:.12g}={}", p * 100.0, v));
            return fmt::format("percentiles({})", fmt::join(parts, ","));
          },
      },
      v_);
}

bool Distribution::operator==(const Distribution& other) const {
  return v_ == other.v_;
}

}  // namespace slsim
