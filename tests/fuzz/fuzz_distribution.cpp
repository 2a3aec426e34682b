// libFuzzer target: the distribution-spec parser (Distribution::parse), as used by the CLI's
// --duration-ms, scenario keys and Python.
//
// Properties of an accepted spec: its canonical spec() parses back to an equal distribution
// (documented in distribution.hpp), and draws and quantiles are never NaN. Bad specs must be
// refused with std::invalid_argument.

#include <boost/math/policies/error_handling.hpp>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "fuzz_support.hpp"
#include "slsim/core/distribution.hpp"
#include "slsim/core/rng.hpp"

namespace {

// Finding F4 (docs/testing.md): parse() refuses subnormal numbers written in decimal ("1e-310"
// is "not a number") but accepts them in hex ("0x1p-1074"), whose spec() then does not parse.
// True when `spec` has a subnormal number, so that known finding does not stop the fuzzer.
bool has_subnormal(const std::string& spec) {
  const char* p = spec.c_str();
  while (*p != '\0') {
    char* end = nullptr;
    const double v = std::strtod(p, &end);
    if (end != p) {
      if (std::fpclassify(v) == FP_SUBNORMAL) return true;
      p = end;
    } else {
      ++p;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slsim;
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  Distribution d;
  if (spec.find('\0') != std::string_view::npos) {
    // Finding F3 (docs/testing.md): the message quotes the spec raw, so a NUL byte can make
    // what() empty. Until that is fixed, such specs only need to be refused cleanly.
    try {
      d = Distribution::parse(spec);
    } catch (const std::invalid_argument&) {
      return 0;
    }
  } else if (!fuzz::expect_clean([&] { d = Distribution::parse(spec); })) {
    return 0;
  }

  const std::string canonical = d.spec();
  Distribution back;
  const bool reparsed = fuzz::expect_clean([&] { back = Distribution::parse(canonical); });
  SLSIM_FUZZ_CHECK(reparsed || has_subnormal(canonical),
                   "spec() is not accepted by parse(): " + canonical);
  if (!reparsed) return 0;
  SLSIM_FUZZ_CHECK(back == d, "spec() does not read back to an equal distribution: " + canonical);

  RngStream rng(size, 7);
  try {
    for (int i = 0; i < 16; ++i) {
      SLSIM_FUZZ_CHECK(!std::isnan(d.sample(rng)), "a NaN draw from " + canonical);
    }
    for (const double p : {0.0, 0.01, 0.5, 0.99, 1.0}) {
      SLSIM_FUZZ_CHECK(!std::isnan(d.quantile(p)), "a NaN quantile of " + canonical);
    }
  } catch (const boost::math::evaluation_error&) {
    // Finding F7 (docs/testing.md): Boost.Math gives up on the gamma quantile for a huge shape,
    // and its exception escapes sample() and quantile(). Tolerated until parse() refuses such
    // shapes or the quantile copes.
  }
  (void)d.mean();
  (void)d.variance();
  (void)d.min_value();
  return 0;
}
