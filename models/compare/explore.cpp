#include "slsim/compare/explore.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "slsim/platform/config_error.hpp"

namespace slsim {

using Json = nlohmann::ordered_json;

// ---- breakeven ---------------------------------------------------------------------------------

void validate_breakeven(const BreakevenOptions& o) {
  if (!(o.scale_min >= kBreakevenScaleMin) || !(o.scale_max <= kBreakevenScaleMax) ||
      !(o.scale_max >= o.scale_min)) {
    throw ConfigError(
        "scale", fmt::format("{:g}:{:g} is not allowed; give rate multipliers MIN:MAX "
                             "with {:g} <= MIN <= MAX <= {:g} (e.g. 0.1:100)",
                             o.scale_min, o.scale_max, kBreakevenScaleMin, kBreakevenScaleMax));
  }
  if (o.points < 1 || o.points > 200) {
    throw ConfigError("points", fmt::format("{} is out of range 1..200", o.points));
  }
  if (o.scale_min == o.scale_max && o.points != 1) {
    throw ConfigError("points", "must be 1 when the scale range is a single value");
  }
}

std::vector<double> log_grid(double lo, double hi, std::uint32_t points) {
  std::vector<double> g;
  if (points == 1) return {lo};
  const double a = std::log(lo), b = std::log(hi);
  for (std::uint32_t i = 0; i < points; ++i) {
    const double x = std::exp(a + (b - a) * i / (points - 1));
    // Round to 4 significant digits so the grid reads well (0.1, 0.3162, 1, 3.162, 10): the
    // double nearest the 4-digit decimal, which prints as that decimal (round(x / m) * m would
    // leave float noise such as 0.31620000000000004).
    const std::string text = fmt::format("{:.4g}", x);
    double rounded = x;
    std::from_chars(text.data(), text.data() + text.size(), rounded);  // locale-independent
    g.push_back(rounded);
  }
  return g;
}

namespace {

std::string recommended(const Comparison& c) {
  return c.recommendation.platform ? *c.recommendation.platform : "none";
}

double rate_of(const Comparison& c) {
  for (const auto& p : c.platforms) {
    if (!p.impossible && !p.runs.empty() && p.runs.front().span_s > 0) {
      return static_cast<double>(p.runs.front().arrived) / p.runs.front().span_s;
    }
  }
  return 0;
}

}  // namespace

Breakeven breakeven(const WorkloadFactory& workload, const std::vector<PlatformRunner>& platforms,
                    const CompareOptions& options, const BreakevenOptions& grid,
                    const RateCard& rates) {
  validate_breakeven(grid);
  validate_compare_options(options);
  Breakeven out;
  const auto scales = log_grid(grid.scale_min, grid.scale_max, grid.points);
  out.points.resize(scales.size());
  std::mutex progress_mutex;
  std::size_t done = 0;
  parallel_for(scales.size(), options.threads, [&](std::size_t i) {
    const double k = scales[i];
    CompareOptions o = options;
    o.threads = 1;
    o.progress = nullptr;
    WorkloadFactory scaled = [&workload, k](std::uint64_t seed, double s) {
      return workload(seed, s * k);
    };
    auto& pt = out.points[i];
    pt.scale = k;
    pt.comparison = compare(scaled, platforms, o, rates);
    pt.rate_per_s = rate_of(pt.comparison);
    if (options.progress) {
      std::lock_guard lock(progress_mutex);
      options.progress(++done, scales.size());
    }
  });
  for (std::size_t i = 1; i < out.points.size(); ++i) {
    const auto& a = out.points[i - 1];
    const auto& b = out.points[i];
    const auto ra = recommended(a.comparison), rb = recommended(b.comparison);
    if (ra != rb) {
      out.changes.push_back({a.scale, b.scale, a.rate_per_s, b.rate_per_s, ra, rb});
    }
  }
  return out;
}

std::string Breakeven::to_json() const {
  Json j;
  j["schema_version"] = 1;
  auto pts = Json::array();
  for (const auto& p : points) {
    Json pj;
    pj["scale"] = p.scale;
    pj["rate_per_s"] = p.rate_per_s;
    pj["recommended"] = p.comparison.recommendation.platform
                            ? Json(*p.comparison.recommendation.platform)
                            : Json(nullptr);
    Json ps = Json::object();
    for (const auto& pc : p.comparison.platforms) {
      if (pc.impossible) {
        ps[pc.name] = {{"impossible", *pc.impossible}};
      } else {
        // recommend() gives a platform that misses an objective a reason starting "too ".
        bool meets = true;
        for (const auto& [name, why] : p.comparison.recommendation.reasons)
          if (name == pc.name) meets = why.rfind("too ", 0) != 0;
        ps[pc.name] = {{"monthly_usd", pc.figures.monthly_usd.mean},
                       {"p99_ms", pc.figures.p99_ms.mean},
                       {"error_rate", pc.figures.error_rate.mean},
                       {"meets_objectives", meets}};
      }
    }
    pj["platforms"] = ps;
    pts.push_back(pj);
  }
  j["points"] = pts;
  auto ch = Json::array();
  for (const auto& c : changes) {
    ch.push_back({{"from_scale", c.from_scale},
                  {"to_scale", c.to_scale},
                  {"from_rate_per_s", c.from_rate_per_s},
                  {"to_rate_per_s", c.to_rate_per_s},
                  {"from", c.from},
                  {"to", c.to}});
  }
  j["changes"] = ch;
  return j.dump();
}

// ---- tune lambda -------------------------------------------------------------------------------

TuneStrategy parse_tune_strategy(std::string_view s) {
  if (s == "cost") return TuneStrategy::kCost;
  if (s == "speed") return TuneStrategy::kSpeed;
  if (s == "balanced") return TuneStrategy::kBalanced;
  throw ConfigError("strategy",
                    fmt::format("'{}' is not a strategy; allowed: cost, speed, balanced", s));
}

std::string_view to_string(TuneStrategy s) {
  switch (s) {
    case TuneStrategy::kCost:
      return "cost";
    case TuneStrategy::kSpeed:
      return "speed";
    case TuneStrategy::kBalanced:
      return "balanced";
  }
  return "balanced";
}

void validate_tune(const TuneOptions& o) {
  if (!(o.balanced_weight >= 0 && o.balanced_weight <= 1)) {
    throw ConfigError("weight", "must be from 0 (speed only) to 1 (cost only)");
  }
  if (o.memory_min_mb > o.memory_max_mb) {
    throw ConfigError("memory_mb",
                      fmt::format("{}:{} is not a range; give MIN:MAX in MB with MIN <= "
                                  "MAX (e.g. 128:10240)",
                                  o.memory_min_mb, o.memory_max_mb));
  }
}

TuneResult tune_lambda(const WorkloadFactory& workload, const LambdaOptions& lambda,
                       const CompareOptions& options, const TuneOptions& tune,
                       const RateCard& rates) {
  validate_tune(tune);
  validate_compare_options(options);
  const auto max_mb = static_cast<std::uint32_t>(rates.rule("lambda.memory_max_mb", options.as_of));
  std::vector<std::uint32_t> sizes = tune.memory_mb;
  if (sizes.empty()) {
    for (std::uint32_t m : {128u, 256u, 512u, 1024u, 1536u, 2048u, 3008u, 4096u, 5120u, 6144u,
                            7168u, 8192u, 9216u, 10240u}) {
      if (m >= tune.memory_min_mb && m <= tune.memory_max_mb && m <= max_mb) sizes.push_back(m);
    }
    if (sizes.empty()) {
      throw ConfigError(
          "memory_mb",
          fmt::format("no memory size of the usual set (128 .. 10240 MB) "
                      "lies in {}:{} and under {} MB at {}",
                      tune.memory_min_mb, tune.memory_max_mb, max_mb, options.as_of.str()));
    }
  }
  for (const auto m : sizes) {
    try {
      validate_lambda_memory(rates, m, options.as_of);
    } catch (const PricingError& e) {
      throw ConfigError("memory_mb", e.what());
    }
  }
  TuneResult out;
  out.strategy = tune.strategy;
  out.balanced_weight = tune.balanced_weight;
  out.points.resize(sizes.size());
  std::mutex progress_mutex;
  std::size_t done = 0;
  parallel_for(sizes.size(), options.threads, [&](std::size_t i) {
    // The trace's durations were measured at the configured size: keep that as the reference
    // (unless one is given), so durations rescale with the CPU share of each size tried.
    LambdaOptions lo = lambda;
    auto set = [&](LambdaFunctionConfig& f) {
      if (f.reference_memory_mb == 0) f.reference_memory_mb = f.memory_mb;
      f.memory_mb = sizes[i];
    };
    set(lo.defaults);
    for (auto& [name, f] : lo.functions)
      set(f);
    CompareOptions o = options;
    o.threads = 1;
    o.progress = nullptr;
    // Scored as Lambda Power Tuning scores a size: the Lambda price of the invocations. The free
    // tier would hide the differences between sizes, and the front door costs the same at each.
    o.free_tier = false;
    o.front_door.enabled = false;
    const Comparison c = compare(workload, {lambda_runner(lo, rates)}, o, rates);
    auto& pt = out.points[i];
    pt.memory_mb = sizes[i];
    const auto& p = c.platforms.front();
    if (p.impossible) {
      pt.impossible = p.impossible;
      return;
    }
    pt.monthly_usd = p.figures.monthly_usd.mean;
    pt.total_usd = p.figures.total_usd.mean;
    const auto& r = p.runs.front();
    pt.mean_ms = r.latency_completed_stats.mean();
    pt.p99_ms = r.latency_completed_ms.count() ? r.latency_completed_ms.quantile(0.99) : 0.0;
    pt.error_rate = p.figures.error_rate.mean;
    pt.cold_start_rate = p.figures.cold_start_rate.mean;
    if (options.progress) {
      std::lock_guard lock(progress_mutex);
      options.progress(++done, sizes.size());
    }
  });
  double max_cost = 0, max_ms = 0;
  for (const auto& p : out.points) {
    if (p.impossible) continue;
    max_cost = std::max(max_cost, p.monthly_usd);
    max_ms = std::max(max_ms, p.mean_ms);
  }
  double best = 0;
  for (auto& p : out.points) {
    if (p.impossible) continue;
    const double c = max_cost > 0 ? p.monthly_usd / max_cost : 0.0;
    const double d = max_ms > 0 ? p.mean_ms / max_ms : 0.0;
    switch (tune.strategy) {
      case TuneStrategy::kCost:
        p.score = p.monthly_usd;
        break;
      case TuneStrategy::kSpeed:
        p.score = p.mean_ms;
        break;
      case TuneStrategy::kBalanced:
        p.score = tune.balanced_weight * c + (1 - tune.balanced_weight) * d;
        break;
    }
    if (!out.best_memory_mb || p.score < best) {
      best = p.score;
      out.best_memory_mb = p.memory_mb;
    }
  }
  return out;
}

std::string TuneResult::to_json() const {
  Json j;
  j["schema_version"] = 1;
  j["strategy"] = std::string(to_string(strategy));
  j["balanced_weight"] = balanced_weight;
  j["best_memory_mb"] = best_memory_mb ? Json(*best_memory_mb) : Json(nullptr);
  auto pts = Json::array();
  for (const auto& p : points) {
    Json pj;
    pj["memory_mb"] = p.memory_mb;
    if (p.impossible) {
      pj["impossible"] = *p.impossible;
    } else {
      pj["monthly_usd"] = p.monthly_usd;
      pj["total_usd"] = p.total_usd;
      pj["mean_ms"] = p.mean_ms;
      pj["p99_ms"] = p.p99_ms;
      pj["error_rate"] = p.error_rate;
      pj["cold_start_rate"] = p.cold_start_rate;
      pj["score"] = p.score;
    }
    pts.push_back(pj);
  }
  j["points"] = pts;
  return j.dump();
}

}  // namespace slsim
