#pragma once
/// Seeded random-number streams.
///
/// Design notes: each component owns its own stream, derived from (scenario seed, stream id) by
/// SplitMix64, so adding a component never shifts another's draws. The generator is
/// xoshiro256** (Blackman & Vigna), whose output is defined bit for bit, and all sampling on top
/// of it is our own code or a Boost.Math quantile: never std::*_distribution, whose algorithms
/// differ between standard libraries. The same seed gives the same bits on every platform.

#include <cmath>
#include <cstdint>

namespace slsim {

__extension__ using Uint128 = unsigned __int128;

/// SplitMix64 step: advances `state` and returns the next output.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class RngStream {
 public:
  /// A stream identified by a scenario `seed` and a component's `stream` number.
  explicit RngStream(std::uint64_t seed = 0, std::uint64_t stream = 0) {
    std::uint64_t sm = seed ^ (0x6a09e667f3bcc909ULL * (stream + 1));
    for (auto& w : s_)
      w = splitmix64(sm);
  }

  /// A stream with an explicit xoshiro256** state (for reference-vector tests); not all zero.
  static RngStream from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2,
                              std::uint64_t s3) {
    RngStream r;
    r.s_[0] = s0;
    r.s_[1] = s1;
    r.s_[2] = s2;
    r.s_[3] = s3;
    return r;
  }

  /// Next 64 random bits.
  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform on [0, 1), 53 bits of resolution.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  /// Uniform on (0, 1): never 0 or 1, safe for log() and quantile functions.
  double uniform_open() { return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53; }

  /// Uniform on [a, b).
  double uniform(double a, double b) { return a + (b - a) * uniform(); }

  /// Uniform integer on [0, n), unbiased (Lemire's multiply-and-reject). n must be > 0.
  std::uint64_t below(std::uint64_t n) {
    Uint128 m = static_cast<Uint128>(next_u64()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<Uint128>(next_u64()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  /// Exponential with the given mean (inversion).
  double exponential(double mean) { return -mean * std::log(uniform_open()); }

  /// True with probability p.
  bool bernoulli(double p) { return uniform() < p; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

}  // namespace slsim
