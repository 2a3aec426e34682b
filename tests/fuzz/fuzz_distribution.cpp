// libFuzzer target: the distribution-spec parser (Distribution::parse), as used by the CLI's
// --duration-ms, scenario keys and Python.
//
// Properties of an accepted spec: its canonical spec() parses back to an equal distribution
// (documented in distribution.hpp), and draws and quantiles are never NaN, draws never infinite
// (findings F4, F7, F8: docs/testing.md). Bad specs must be refused with std::invalid_argument
// whose message is whole (finding F3: a NUL byte in the spec must not cut it).

#include <cmath>
#include <cstring>
#include <string_view>

#include "fuzz_support.hpp"
#include "slsim/core/distribution.hpp"
#include "slsim/core/rng.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slsim;
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  Distribution d;
  try {
    d = Distribution::parse(spec);
  } catch (const std::invalid_argument& e) {
    // Messages quote the user's text with its control bytes escaped: what() is whole.
    SLSIM_FUZZ_CHECK(std::strlen(e.what()) > 10, "a cut or empty message");
    return 0;
  } catch (const std::exception& e) {
    fuzz::finding("not an invalid_argument", e.what());
  } catch (...) {
    fuzz::finding("an exception of a non-std type");
  }

  const std::string canonical = d.spec();
  Distribution back;
  const bool reparsed = fuzz::expect_clean([&] { back = Distribution::parse(canonical); });
  SLSIM_FUZZ_CHECK(reparsed, "spec() is not accepted by parse(): " + canonical);
  SLSIM_FUZZ_CHECK(back == d, "spec() does not read back to an equal distribution: " + canonical);

  RngStream rng(size, 7);
  for (int i = 0; i < 16; ++i) {
    SLSIM_FUZZ_CHECK(std::isfinite(d.sample(rng)), "a draw that is not finite from " + canonical);
  }
  for (const double p : {0.0, 0.01, 0.5, 0.99}) {
    SLSIM_FUZZ_CHECK(std::isfinite(d.quantile(p)) || (p == 0.0 && d.family() == "normal"),
                     "a quantile that is not finite of " + canonical);
  }
  SLSIM_FUZZ_CHECK(!std::isnan(d.quantile(1.0)), "a NaN quantile(1) of " + canonical);
  (void)d.mean();
  (void)d.variance();
  (void)d.min_value();
  return 0;
}
