#pragma once
// Reading one table of a scenario file: every key is read or refused, and every error names the
// file, the key and what is allowed. Private to models/scenario/ (each platform's table loader
// uses it).

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "slsim/core/distribution.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/scenario/scenario.hpp"
#include "slsim/workload/generators.hpp"

namespace slsim::scenario_detail {

class TableReader {
 public:
  TableReader(const toml::table& t, std::string file, std::string prefix,
              std::set<std::string> allowed)
      : t_(t), file_(std::move(file)), prefix_(std::move(prefix)), allowed_(std::move(allowed)) {
    for (const auto& [k, v] : t_) {
      const std::string key(k.str());
      if (!allowed_.count(key)) {
        fail(key, fmt::format("unknown key; allowed here: {}", fmt::join(allowed_, ", ")));
      }
    }
  }

  /// Throws ScenarioError "FILE: [TABLE] KEY: WHY" (top-level keys: "FILE: KEY: WHY").
  [[noreturn]] void fail(const std::string& key, const std::string& why) const {
    throw ScenarioError(where(file_, prefix_, key) + ": " + why);
  }

  /// "FILE: [TABLE] KEY" for a key of the table `prefix` ("lambda.functions.api." or "").
  static std::string where(const std::string& file, const std::string& prefix,
                           const std::string& key) {
    if (prefix.empty()) return fmt::format("{}: {}", file, key);
    return fmt::format("{}: [{}] {}", file, prefix.substr(0, prefix.size() - 1), key);
  }

  bool has(const std::string& key) const { return t_.contains(key); }

  std::string str(const std::string& key, std::string def) const {
    const auto* n = t_.get(key);
    if (!n) return def;
    if (auto v = n->value<std::string>()) return *v;
    fail(key, "must be a string");
  }

  // A TOML number as a double. toml++'s value<double>() is empty for an integer a double cannot
  // hold exactly (above 2^53): convert integers ourselves (to the nearest double).
  static std::optional<double> number_of(const toml::node& n) {
    if (n.is_integer()) return static_cast<double>(*n.value<std::int64_t>());
    if (n.is_floating_point()) return n.value<double>();
    return std::nullopt;
  }

  double num(const std::string& key, double def) const {
    const auto* n = t_.get(key);
    if (!n) return def;
    if (auto v = number_of(*n)) return *v;
    fail(key, "must be a number");
  }

  std::int64_t integer(const std::string& key, std::int64_t def, std::int64_t lo,
                       std::int64_t hi) const {
    const auto* n = t_.get(key);
    if (!n) return def;
    // The same words as a flag's and a Python keyword's check (cli whole(), Python _int_arg).
    auto whole = [](std::int64_t x) {
      return grouped(x < 0 ? -static_cast<std::uint64_t>(x) : static_cast<std::uint64_t>(x), x < 0);
    };
    auto allowed = [&] {
      return fmt::format("a whole number from {} to {}", whole(lo), whole(hi));
    };
    const auto v = n->value<std::int64_t>();
    if (!v || !n->is_integer()) {
      if (const auto d = n->value<double>())
        fail(key, fmt::format("{:g} is not allowed: {}", *d, allowed()));
      fail(key, "must be " + allowed());
    }
    if (*v < lo || *v > hi) fail(key, fmt::format("{} is not allowed: {}", whole(*v), allowed()));
    return *v;
  }

  Distribution dist(const std::string& key, Distribution def) const {
    const auto* n = t_.get(key);
    if (!n) return def;
    try {
      if (auto v = number_of(*n)) return Distribution::constant(*v);
      if (auto s = n->value<std::string>()) return Distribution::parse(*s);
    } catch (const std::invalid_argument& e) {
      fail(key, e.what());
    }
    fail(key, "must be a number or a distribution such as \"lognormal(median=120,p99=900)\"");
  }

 private:
  const toml::table& t_;
  std::string file_, prefix_;
  std::set<std::string> allowed_;
};

/// Refuses each key of `t` (besides `generator` and the keys in `also`) that the generator
/// `pattern` does not read, naming the keys it reads. `trace_keys`: the keys a trace would read
/// (in [workload], where such a key gets "applies to traces only").
inline void check_generator_keys(const toml::table& t, const TableReader& w,
                                 const std::string& pattern,
                                 const std::vector<std::string>& trace_keys = {},
                                 const std::vector<std::string>& also = {}) {
  const auto& gen = generator_keys(pattern);
  auto in = [](const std::vector<std::string>& v, const std::string& k) {
    return std::find(v.begin(), v.end(), k) != v.end();
  };
  for (const auto& [k, node] : t) {
    const std::string key(k.str());
    if (key == "generator" || in(gen, key) || in(also, key)) continue;
    bool of_generator = false;
    for (const auto& p : known_generators())
      of_generator = of_generator || in(generator_keys(p), key);
    const char* why = of_generator || !in(trace_keys, key) ? "is not a setting of this generator"
                                                           : "applies to traces only";
    w.fail(key, fmt::format("{}; this workload is generator = \"{}\" (its keys: {})", why, pattern,
                            fmt::join(gen, ", ")));
  }
}

/// The keys that shape a generator's arrivals (diurnal cycle, bursts, the azure-like
/// population), shared by [workload] and [[workloads]].
inline void read_generator_shape(const TableReader& w, GeneratorSpec& g) {
  g.peak_to_trough = w.num("peak_to_trough", g.peak_to_trough);
  g.peak_hour = w.num("peak_hour", g.peak_hour);
  g.weekend_factor = w.num("weekend_factor", g.weekend_factor);
  g.burst_factor = w.num("burst_factor", g.burst_factor);
  g.burst_fraction = w.num("burst_fraction", g.burst_fraction);
  g.mean_burst_s = w.num("mean_burst_s", g.mean_burst_s);
  g.functions = static_cast<std::uint32_t>(w.integer("functions", g.functions, 1, 10'000'000));
  g.rate_sigma = w.num("rate_sigma", g.rate_sigma);
  g.duration_sigma = w.num("duration_sigma", g.duration_sigma);
}

}  // namespace slsim::scenario_detail
