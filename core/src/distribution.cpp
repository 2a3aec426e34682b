#include "slsim/core/distribution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cctype>
#include <cfloat>
#include <charconv>
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

// The range of the uniform draws that sampling inverts: RngStream::uniform_open() gives values in
// [2^-54, 1 - 2^-53] (and, once in 2^53 draws, 1.0 by rounding: sample() clamps it to kPHigh).
// A distribution is accepted only if its quantiles at both ends are finite, so that every draw
// is (finding F8, docs/testing.md).
constexpr double kPLow = 0x1.0p-54;
constexpr double kPHigh = 1.0 - 0x1.0p-53;
// -log(u) at the smallest u: the largest exponential draw is this many means.
const double kExpMaxMeans = -std::log(kPLow);
// Largest shape of a gamma: Boost.Math's quantile gives up ("series evaluation exceeded 1000000
// iterations") from about 1e11 and takes ~1 ms a draw at 1e9 (finding F7). At 1e6 the standard
// deviation is 0.1% of the mean: a larger shape is a constant for any use slsim has.
constexpr double kGammaMaxShape = 1e6;
// Smallest shape: Boost.Math's tgamma overflows for a subnormal shape, and below 1e-6 all but a
// millionth of the draws are 0 (P(X > 0) ~ shape · ...): not a duration.
constexpr double kGammaMinShape = 1e-6;

double clamp_u(double u) {
  return std::min(u, kPHigh);
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

[[noreturn]] void bad(std::string_view family, const std::string& what) {
  throw std::invalid_argument(fmt::format("{}: {}", family, what));
}

// User text quoted in a message: in single quotes, with every byte that is not printable ASCII
// (NUL, control bytes, non-ASCII), a backslash or a quote written as \xNN, and cut at 80 bytes,
// so that the message is whole (a NUL would end what(), finding F3) and readable.
std::string user_text(std::string_view text) {
  constexpr std::size_t kMax = 80;
  const bool cut = text.size() > kMax;
  if (cut) text = text.substr(0, kMax);
  std::string out = "'";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '\\' || c == '\'') {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  out += cut ? "...'" : "'";
  return out;
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

// A number, as std::from_chars reads it (locale-independent; subnormals such as 1e-310 are read
// exactly, so that spec() round-trips: finding F4): an optional sign, digits with an optional
// point and an optional exponent, or hexadecimal with 0x (0x1p-3, as strtod reads it); `inf`
// and `nan` are read and then refused by the parameter checks.
double parse_number(std::string_view family, std::string_view text) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  auto format = std::chars_format::general;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    format = std::chars_format::hex;
    digits.remove_prefix(2);
  }
  double v = 0;
  bool whole = false;
  std::errc ec = std::errc::invalid_argument;
  // from_chars takes a minus sign but no plus, and none after 0x: the sign is applied here.
  if (!digits.empty() && digits[0] != '+' && digits[0] != '-') {
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v, format);
    ec = r.ec;
    whole = r.ptr == digits.data() + digits.size();
  }
  if (ec == std::errc::result_out_of_range && whole) {
    bad(family, fmt::format("{} is out of range: a number's magnitude must be 0 or from "
                            "4.9e-324 to 1.8e308",
                            user_text(text)));
  }
  if (ec != std::errc() || !whole) bad(family, fmt::format("{} is not a number", user_text(text)));
  return negative ? -v : v;
}

constexpr std::string_view kFamilies[] = {"constant",  "uniform",  "exponential", "normal",
                                          "lognormal", "gamma",    "weibull",     "burr",
                                          "burrxii",   "burr_xii", "empirical",   "percentiles"};

ParsedSpec split_spec(std::string_view spec) {
  ParsedSpec out;
  const std::string s = trim(spec);
  const auto open = s.find('(');
  if (open == std::string::npos || s.back() != ')') {
    bad("distribution",
        fmt::format("cannot read {}: expected a number or family(name=value,...), e.g. "
                    "lognormal(median=120,p99=900)",
                    user_text(s)));
  }
  out.family = trim(std::string_view(s).substr(0, open));
  std::transform(out.family.begin(), out.family.end(), out.family.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // The family first: the arguments' messages begin with it.
  if (std::find(std::begin(kFamilies), std::end(kFamilies), out.family) == std::end(kFamilies)) {
    bad("distribution", fmt::format("unknown family {}; known: constant, uniform, exponential, "
                                    "normal, lognormal, gamma, weibull, burr, empirical, "
                                    "percentiles",
                                    user_text(out.family)));
  }
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
        bad(family_, fmt::format("unknown parameter {}; allowed: {}", user_text(name),
                                 fmt::join(allowed, ", ")));
      }
      if (!values_.emplace(name, value).second)
        bad(family_, fmt::format("{} given twice", user_text(name)));
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

// log of the largest double: exp() of anything above it is infinite.
const double kLogMax = std::log(DBL_MAX);

// Whether every draw of `d` is finite: its quantiles at both ends of the uniform draws (and, for
// the exponential, whose sample() draws -mean·log(u) directly, that draw's largest value).
bool finite_draws(const Distribution& d) {
  try {
    if (const auto* e = std::get_if<ExponentialDist>(&d.variant()))
      if (!std::isfinite(e->mean * kExpMaxMeans)) return false;
    return std::isfinite(d.quantile(kPLow)) && std::isfinite(d.quantile(kPHigh));
  } catch (const std::exception&) {
    return false;  // Boost.Math gave up: not a distribution slsim can draw from
  }
}

// A bound for a message, to 3 significant digits, rounded towards the allowed side: `up` for a
// lower bound ("at least"), down for an upper bound ("at most").
std::string bound(double x, bool up) {
  if (!(x > 0) || !std::isfinite(x)) return fmt::format("{:.3g}", x);
  const double unit = std::pow(10.0, std::floor(std::log10(x)) - 2);
  const double r = (up ? std::ceil(x * 1.0000001 / unit) : std::floor(x * 0.9999999 / unit)) * unit;
  return fmt::format("{:.3g}", r);
}

[[noreturn]] void infinite_draws(std::string_view family, const std::string& params,
                                 const std::string& allowed) {
  bad(family, fmt::format("{} give infinite draws (beyond 1.8e308): {}", params, allowed));
}

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
  if (!std::isfinite(high - low)) {
    infinite_draws("uniform", fmt::format("low={} and high={}", low, high),
                   "high - low must be at most 1.8e308");
  }
  return Distribution(UniformDist{low, high});
}

Distribution Distribution::exponential(double mean) {
  require_positive("exponential", "mean", mean);
  Distribution d(ExponentialDist{mean});
  if (!finite_draws(d)) {
    infinite_draws(
        "exponential", fmt::format("mean={}", mean),
        fmt::format("mean must be at most {} (rate at least {})",
                    bound(DBL_MAX / kExpMaxMeans, false), bound(kExpMaxMeans / DBL_MAX, true)));
  }
  return d;
}

Distribution Distribution::normal(double mean, double sd) {
  require_finite("normal", "mean", mean);
  require_positive("normal", "sd", sd);
  Distribution d(NormalDist{mean, sd});
  if (!finite_draws(d)) {
    const double z = -standard_normal_quantile(kPLow);
    infinite_draws("normal", fmt::format("mean={} and sd={}", mean, sd),
                   fmt::format("|mean| + {:.2f}·sd must be at most 1.8e308", z));
  }
  return d;
}

Distribution Distribution::lognormal(double mu, double sigma) {
  require_finite("lognormal", "mu", mu);
  require_positive("lognormal", "sigma", sigma);
  Distribution d(LogNormalDist{mu, sigma});
  if (!finite_draws(d)) {
    const double z = -standard_normal_quantile(kPLow);
    infinite_draws("lognormal", fmt::format("mu={} and sigma={}", mu, sigma),
                   fmt::format("mu + {:.2f}·sigma must be at most {:.2f} (mu is the log of the "
                               "median)",
                               z, kLogMax));
  }
  return d;
}

Distribution Distribution::lognormal_from_median_p99(double median, double p99) {
  require_positive("lognormal", "median", median);
  require_positive("lognormal", "p99", p99);
  if (!(p99 > median)) {
    bad("lognormal", fmt::format("p99 must be > median, got median={} p99={}", median, p99));
  }
  if (!std::isfinite(p99 / median)) {
    bad("lognormal",
        fmt::format("p99/median must be at most 1.8e308, got median={} p99={}", median, p99));
  }
  const double mu = std::log(median), sigma = std::log(p99 / median) / kZ99;
  const double z = -standard_normal_quantile(kPLow);
  if (!(mu + z * sigma <= kLogMax)) {  // as lognormal() checks, said with the user's parameters
    infinite_draws("lognormal", fmt::format("median={} and p99={}", median, p99),
                   fmt::format("with this median, p99 must be at most {}",
                               bound(median * std::exp((kLogMax - mu) * kZ99 / z), false)));
  }
  return lognormal(mu, sigma);
}

Distribution Distribution::gamma(double shape, double scale) {
  require_positive("gamma", "shape", shape);
  require_positive("gamma", "scale", scale);
  if (shape > kGammaMaxShape) {
    bad("gamma", fmt::format("shape must be from 1e-6 to 1e6, got {}; a larger shape is a "
                             "constant for slsim's uses (at 1e6 the sd is 0.1% of the mean): use "
                             "constant(value=shape·scale)",
                             shape));
  }
  if (shape < kGammaMinShape) {
    bad("gamma", fmt::format("shape must be from 1e-6 to 1e6, got {}; with a smaller shape "
                             "nearly every draw is 0",
                             shape));
  }
  Distribution d(GammaDist{shape, scale});
  if (!finite_draws(d)) {
    const double q1 =
        boost::math::quantile(boost::math::gamma_distribution<double>(shape, 1.0), kPHigh);
    infinite_draws("gamma", fmt::format("shape={} and scale={}", shape, scale),
                   fmt::format("with this shape, scale (1/rate) must be at most {}",
                               bound(DBL_MAX / q1, false)));
  }
  return d;
}

Distribution Distribution::weibull(double shape, double scale) {
  require_positive("weibull", "shape", shape);
  require_positive("weibull", "scale", scale);
  Distribution d(WeibullDist{shape, scale});
  if (!finite_draws(d)) {
    // The largest draw is scale·L^(1/shape), L = -log(1 - kPHigh).
    const double log_l = std::log(-std::log1p(-kPHigh));
    const double room = kLogMax - std::log(scale);
    infinite_draws("weibull", fmt::format("shape={} and scale={}", shape, scale),
                   room > 0 ? fmt::format("with this scale, shape must be at least {}",
                                          bound(log_l / room, true))
                            : std::string("scale must be smaller"));
  }
  return d;
}

Distribution Distribution::burr_xii(double c, double k, double lambda) {
  require_positive("burr", "c", c);
  require_positive("burr", "k", k);
  require_positive("burr", "lambda", lambda);
  Distribution d(BurrXIIDist{c, k, lambda});
  if (!finite_draws(d)) {
    // The largest draw is lambda·(exp(L/k) - 1)^(1/c), L = -log(1 - kPHigh).
    const double l = -std::log1p(-kPHigh);
    const double k_min = l / kLogMax;
    const double room = kLogMax - std::log(lambda);
    std::string allowed;
    if (k < k_min) {
      allowed = fmt::format("k must be at least {}", bound(k_min, true));
    } else if (room > 0) {
      allowed = fmt::format("with this k and lambda, c must be at least {}",
                            bound(std::log(std::expm1(l / k)) / room, true));
    } else {
      allowed = "lambda must be smaller";
    }
    infinite_draws("burr", fmt::format("c={}, k={} and lambda={}", c, k, lambda), allowed);
  }
  return d;
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
    if (std::isfinite(pt.first)) {
      const std::string t = fmt::format("{:.12g}", pt.first);
      double r = pt.first;  // a subnormal that rounds out of range keeps its value
      std::from_chars(t.data(), t.data() + t.size(), r);
      pt.first = r;
    }
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
  if (!std::isfinite(points.back().second - points.front().second)) {
    infinite_draws("percentiles",
                   fmt::format("values from {} to {}", points.front().second, points.back().second),
                   "the maximum minus the minimum must be at most 1.8e308");
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
        bad(f,
            fmt::format("{} is not a percentile name; use p0=..,p50=..,p100=..", user_text(name)));
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
      if (!std::isfinite(kExpMaxMeans / a.get("rate"))) {
        infinite_draws(
            f, fmt::format("rate={}", a.get("rate")),
            fmt::format("rate must be at least {}", bound(kExpMaxMeans / DBL_MAX, true)));
      }
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
  bad("distribution", fmt::format("unknown family {}", user_text(f)));  // split_spec checked it
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
      return d.mean + d.sd * standard_normal_quantile(clamp_u(rng.uniform_open()));
    }
    case 4: {
      const auto& d = *std::get_if<LogNormalDist>(&v_);
      return std::exp(d.mu + d.sigma * standard_normal_quantile(clamp_u(rng.uniform_open())));
    }
    case 8: {
      const auto& s = std::get<EmpiricalDist>(v_).sorted;
      return s[rng.below(s.size())];
    }
    default:
      return quantile(clamp_u(rng.uniform_open()));
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
