#include "slsim/compare/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "observed_source.hpp"
#include "slsim/core/confidence.hpp"
#include "slsim/platform/config_error.hpp"

namespace slsim {

using compare_detail::ObservedSource;
using Json = nlohmann::ordered_json;

WorkloadFactory fixed_workload(std::function<std::unique_ptr<WorkloadSource>()> open) {
  return [open = std::move(open)](std::uint64_t, double) { return open(); };
}

void parallel_for(std::size_t n, std::uint32_t threads,
                  const std::function<void(std::size_t)>& task) {
  if (n == 0) return;
  std::uint32_t t = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  t = static_cast<std::uint32_t>(std::min<std::size_t>(t, n));
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        task(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  if (t <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(t);
    for (std::uint32_t k = 0; k < t; ++k)
      pool.emplace_back(worker);
    for (auto& th : pool)
      th.join();
  }
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

void validate_compare_options(const CompareOptions& o) {
  const auto& ob = o.objectives;
  if (ob.slo_p99_ms && !(*ob.slo_p99_ms > 0 && std::isfinite(*ob.slo_p99_ms))) {
    throw ConfigError("slo_p99_ms", "must be a number of milliseconds > 0");
  }
  if (ob.max_error_rate && !(*ob.max_error_rate >= 0 && *ob.max_error_rate <= 1)) {
    throw ConfigError("max_error_rate", "must be a fraction from 0 to 1 (0.01 = 1%)");
  }
  if (ob.max_cold_start_rate && !(*ob.max_cold_start_rate >= 0 && *ob.max_cold_start_rate <= 1)) {
    throw ConfigError("max_cold_start_rate", "must be a fraction from 0 to 1 (0.05 = 5%)");
  }
  if (o.replications < 1 || o.replications > 1000) {
    throw ConfigError("replications", fmt::format("{} is out of range 1..1000", o.replications));
  }
  validate_front_door(o.front_door);
  validate_parts(o.parts);
}

namespace {

Estimate estimate(const std::vector<double>& v) {
  Estimate e;
  e.n = v.size();
  if (v.empty()) return e;
  if (v.size() == 1) {
    e.mean = v[0];
    return e;
  }
  const auto ci = confidence_interval(v, 0.95);
  e.mean = ci.mean;
  e.half_width = std::isfinite(ci.half_width) ? ci.half_width : 0.0;
  return e;
}

// Unknown (NaN: null in JSON, n/a in tables) when no invocation ran: never 0 ms.
constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

double q(const QuantileSketch& s, double p) {
  return s.count() ? s.quantile(p) : kUnknown;
}

PlatformFigures figures(const std::vector<PlatformResult>& runs,
                        const std::vector<CostBreakdown>& costs) {
  // Each figure is one value per replication.
  std::map<std::string, std::vector<double>> v;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    const auto& c = costs[i];
    const auto& o = r.outcomes;
    const double arrived = static_cast<double>(r.arrived);
    v["total_usd"].push_back(c.total_usd);
    v["monthly_usd"].push_back(c.monthly_usd);
    v["usd_per_million"].push_back(c.usd_per_million);
    v["p50_ms"].push_back(q(r.latency_ms, 0.5));
    v["p95_ms"].push_back(q(r.latency_ms, 0.95));
    v["p99_ms"].push_back(q(r.latency_ms, 0.99));
    v["max_ms"].push_back(r.latency_ms.count() ? r.latency_ms.max() : kUnknown);
    v["mean_ms"].push_back(r.latency_stats.count() ? r.latency_stats.mean() : kUnknown);
    const double errors = static_cast<double>(o.failed + o.timed_out + o.refused + o.expired);
    v["error_rate"].push_back(arrived > 0 ? errors / arrived : 0.0);
    v["cold_start_rate"].push_back(r.cold_start_invocation_fraction());
    v["arrived"].push_back(arrived);
    v["completed"].push_back(static_cast<double>(o.completed));
    v["failed"].push_back(static_cast<double>(o.failed));
    v["timed_out"].push_back(static_cast<double>(o.timed_out));
    v["refused"].push_back(static_cast<double>(o.refused));
    v["expired"].push_back(static_cast<double>(o.expired));
    v["unfinished"].push_back(static_cast<double>(o.unfinished));
    v["cold_starts"].push_back(static_cast<double>(r.cold_starts));
    v["instances_mean"].push_back(r.instances_mean);
    v["instances_max"].push_back(r.instances_max);
    v["hosts_mean"].push_back(r.hosts_mean);
    v["hosts_max"].push_back(r.hosts_max);
    v["utilisation"].push_back(r.utilisation);
  }
  PlatformFigures f;
  f.total_usd = estimate(v["total_usd"]);
  f.monthly_usd = estimate(v["monthly_usd"]);
  f.usd_per_million = estimate(v["usd_per_million"]);
  f.p50_ms = estimate(v["p50_ms"]);
  f.p95_ms = estimate(v["p95_ms"]);
  f.p99_ms = estimate(v["p99_ms"]);
  f.max_ms = estimate(v["max_ms"]);
  f.mean_ms = estimate(v["mean_ms"]);
  f.error_rate = estimate(v["error_rate"]);
  f.cold_start_rate = estimate(v["cold_start_rate"]);
  f.arrived = estimate(v["arrived"]);
  f.completed = estimate(v["completed"]);
  f.failed = estimate(v["failed"]);
  f.timed_out = estimate(v["timed_out"]);
  f.refused = estimate(v["refused"]);
  f.expired = estimate(v["expired"]);
  f.unfinished = estimate(v["unfinished"]);
  f.cold_starts = estimate(v["cold_starts"]);
  f.instances_mean = estimate(v["instances_mean"]);
  f.instances_max = estimate(v["instances_max"]);
  f.hosts_mean = estimate(v["hosts_mean"]);
  f.hosts_max = estimate(v["hosts_max"]);
  f.utilisation = estimate(v["utilisation"]);
  return f;
}

// Figures in a fixed order, for JSON.
std::vector<std::pair<const char*, const Estimate*>> figure_list(const PlatformFigures& f) {
  return {{"total_usd", &f.total_usd},
          {"monthly_usd", &f.monthly_usd},
          {"usd_per_million", &f.usd_per_million},
          {"p50_ms", &f.p50_ms},
          {"p95_ms", &f.p95_ms},
          {"p99_ms", &f.p99_ms},
          {"max_ms", &f.max_ms},
          {"mean_ms", &f.mean_ms},
          {"error_rate", &f.error_rate},
          {"cold_start_rate", &f.cold_start_rate},
          {"arrived", &f.arrived},
          {"completed", &f.completed},
          {"failed", &f.failed},
          {"timed_out", &f.timed_out},
          {"refused", &f.refused},
          {"expired", &f.expired},
          {"unfinished", &f.unfinished},
          {"cold_starts", &f.cold_starts},
          {"instances_mean", &f.instances_mean},
          {"instances_max", &f.instances_max},
          {"hosts_mean", &f.hosts_mean},
          {"hosts_max", &f.hosts_max},
          {"utilisation", &f.utilisation}};
}

// Thousands separated: "$7,576", "$12.40", "-$3.10".
std::string usd(double x) {
  const double a = std::fabs(x);
  const std::string body =
      a >= 100 ? grouped(static_cast<std::uint64_t>(std::llround(a))) : fmt::format("{:.2f}", a);
  return (x < 0 ? "-$" : "$") + body;
}

// A latency in the unit that reads best: "850 ms", "2.5 s", "4.2 min", "3.1 h", "2.4 days".
std::string duration_text(double ms) {
  if (ms < 1000) return fmt::format("{:.0f} ms", ms);
  if (ms < 60e3) return fmt::format("{:.1f} s", ms / 1e3);
  if (ms < 3600e3) return fmt::format("{:.1f} min", ms / 60e3);
  if (ms < 48 * 3600e3) return fmt::format("{:.1f} h", ms / 3600e3);
  return fmt::format("{:.1f} days", ms / 86400e3);
}

std::string pct(double x) {
  return fmt::format("{:.2f}%", 100 * x);
}

// How many times a 730-hour month repeats the span: "2,628,000".
std::string repeats_text(double span_s) {
  return span_s > 0 ? grouped(static_cast<std::uint64_t>(kHoursPerMonth * 3600 / span_s))
                    : std::string("infinitely many");
}

// Where a trace declares the period it stands for, in every front end.
constexpr const char* kDeclareSpan =
    "span_s in [workload], --span-s, or span_s= in Python; a nightly batch: 86400";

std::string short_span_note(double span_s) {
  return fmt::format(
      "the span ({}) is shorter than an hour: the monthly figure repeats it {} times, so "
      "per-minute minimums, scaling delays and start-up make it unreliable (capacity is never "
      "projected above running it all month); simulate at least an hour, or declare the period "
      "the trace stands for ({})",
      duration_text(span_s * 1e3), repeats_text(span_s), kDeclareSpan);
}

}  // namespace

std::string PlatformComparison::to_json() const {
  if (impossible) {
    Json j;
    j["platform"] = name;
    j["label"] = label;
    j["impossible"] = *impossible;
    return j.dump();
  }
  Json j = Json::parse(runs.front().to_json());
  j["platform"] = name;
  j["label"] = label;
  j["cost"] = Json::parse(costs.front().to_json());
  Json fig = Json::object();
  for (const auto& [k, e] : figure_list(figures)) {
    if (figures.total_usd.n > 1) {
      fig[k] = {{"mean", e->mean}, {"half_width", e->half_width}, {"n", e->n}};
    } else {
      fig[k] = e->mean;
    }
  }
  j["figures"] = fig;
  j["replications"] = figures.total_usd.n;
  return j.dump();
}

const PlatformComparison* Comparison::find(const std::string& name) const {
  for (const auto& p : platforms) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string Comparison::to_json() const {
  Json j;
  j["schema_version"] = 1;
  j["as_of"] = options.as_of.str();
  j["region"] = options.region;
  j["seed"] = options.seed;
  j["replications"] = options.replications;
  j["workload"] = workload;
  Json ob = Json::object();
  const auto& o = options.objectives;
  ob["slo_p99_ms"] = o.slo_p99_ms ? Json(*o.slo_p99_ms) : Json(nullptr);
  ob["max_error_rate"] = o.max_error_rate ? Json(*o.max_error_rate) : Json(nullptr);
  ob["max_cold_start_rate"] = o.max_cold_start_rate ? Json(*o.max_cold_start_rate) : Json(nullptr);
  j["objectives"] = ob;
  j["free_tier"] = options.free_tier;
  j["front_door"] = options.front_door.enabled ? Json(options.front_door.lambda) : Json(nullptr);
  Json ps = Json::object();
  for (const auto& p : platforms)
    ps[p.name] = Json::parse(p.to_json());
  j["platforms"] = ps;
  Json rec;
  rec["platform"] = recommendation.platform ? Json(*recommendation.platform) : Json(nullptr);
  rec["summary"] = recommendation.summary;
  Json reasons = Json::object();
  for (const auto& [k, why] : recommendation.reasons)
    reasons[k] = why;
  rec["reasons"] = reasons;
  j["recommendation"] = rec;
  if (!by_part.empty()) {
    Json bp = Json::array();
    for (const auto& p : by_part) {
      auto val = [](double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); };
      bp.push_back({{"part", p.part},
                    {"functions", p.functions},
                    {"platform", p.platform},
                    {"p99_ms", val(p.p99_ms.mean)},
                    {"error_rate", val(p.error_rate.mean)},
                    {"cold_start_rate", val(p.cold_start_rate.mean)},
                    {"meets_objectives", p.meets_objectives()},
                    {"missed", p.missed}});
    }
    j["by_part"] = bp;
  } else if (parts > kMaxPartsByPart) {
    j["by_part"] = Json::array();
    j["parts"] = parts;
  }
  return j.dump();
}

double fell_behind_after_s(double span_s) {
  return std::max(600.0, 0.1 * span_s);
}

std::vector<PartFigures> part_figures(const std::vector<PlatformComparison>& platforms,
                                      const PartsSpec& spec, const Objectives& defaults) {
  std::vector<PartFigures> out;
  const PlatformComparison* any = nullptr;
  for (const auto& p : platforms)
    if (!p.impossible && !p.runs.empty()) any = any ? any : &p;
  if (!any) return out;
  std::vector<std::string> names;
  for (const auto& f : any->runs.front().functions)
    names.push_back(f.name);
  const auto parts = resolve_parts(spec, names);
  if (parts.size() < 2 || parts.size() > kMaxPartsByPart) return out;
  for (const auto& part : parts) {
    const Objectives o = part_objectives(spec, part.name, defaults);
    for (const auto& p : platforms) {
      if (p.impossible || p.runs.empty()) continue;
      PartFigures pf;
      pf.part = part.name;
      pf.functions = part.functions;
      pf.platform = p.name;
      pf.objectives = o;
      std::vector<double> arrived, p99, errors, cold;
      for (const auto& r : p.runs) {
        FunctionFigures sum;  // the part's functions together
        for (const auto& f : r.functions) {
          if (std::find(part.functions.begin(), part.functions.end(), f.name) ==
              part.functions.end())
            continue;
          sum.arrived += f.arrived;
          sum.outcomes.completed += f.outcomes.completed;
          sum.outcomes.failed += f.outcomes.failed;
          sum.outcomes.timed_out += f.outcomes.timed_out;
          sum.outcomes.refused += f.outcomes.refused;
          sum.outcomes.expired += f.outcomes.expired;
          sum.outcomes.unfinished += f.outcomes.unfinished;
          sum.cold += f.cold;
          sum.latency_ms.merge(f.latency_ms);
        }
        arrived.push_back(static_cast<double>(sum.arrived));
        p99.push_back(q(sum.latency_ms, 0.99));
        errors.push_back(sum.error_rate());
        cold.push_back(sum.cold_start_rate());
      }
      pf.arrived = estimate(arrived);
      pf.p99_ms = estimate(p99);
      pf.error_rate = estimate(errors);
      pf.cold_start_rate = estimate(cold);
      // The recommendation's rule: the upper end of the interval within the objective.
      if (o.slo_p99_ms && (std::isnan(pf.p99_ms.mean) || pf.p99_ms.high() > *o.slo_p99_ms))
        pf.missed.push_back("p99");
      if (o.max_error_rate && pf.error_rate.high() > *o.max_error_rate)
        pf.missed.push_back("errors");
      if (o.max_cold_start_rate && pf.cold_start_rate.high() > *o.max_cold_start_rate)
        pf.missed.push_back("cold starts");
      out.push_back(std::move(pf));
    }
  }
  return out;
}

Recommendation recommend(const std::vector<PlatformComparison>& platforms, const Objectives& o) {
  Recommendation rec;
  std::map<std::string, std::string> why;
  std::vector<const PlatformComparison*> ok;
  // A span shorter than a minute projects nothing a platform could be chosen on (every platform
  // bills and scales by the minute); its figures stay, the recommendation is refused.
  std::optional<double> too_short;
  for (const auto& p : platforms) {
    if (!p.impossible && p.figures.span_s.n > 0 &&
        p.figures.span_s.mean < kShortestRecommendedSpanS)
      too_short = p.figures.span_s.mean;
  }
  for (const auto& p : platforms) {
    if (p.impossible) {
      why[p.name] = "cannot run this workload: " + *p.impossible;
      continue;
    }
    if (too_short) {
      why[p.name] = fmt::format(
          "not judged: the span ({}) is shorter than a minute, the period every platform bills "
          "and scales by, and a month would repeat it {} times",
          duration_text(*too_short * 1e3), repeats_text(*too_short));
      continue;
    }
    const auto& f = p.figures;
    std::vector<std::string> misses;
    // With replications the check is on the interval's upper end: say so when it decided.
    auto upper = [](const Estimate& e, const std::string& mean, const std::string& high) {
      return e.n > 1 && e.half_width > 0 ? fmt::format("{} (95% interval up to {})", mean, high)
                                         : mean;
    };
    if (o.slo_p99_ms && std::isnan(f.p99_ms.mean)) {
      misses.push_back(
          fmt::format("too slow: no invocation ran, so p99 cannot meet the {} objective",
                      duration_text(*o.slo_p99_ms)));
    } else if (o.slo_p99_ms && f.p99_ms.high() > *o.slo_p99_ms) {
      misses.push_back(
          fmt::format("too slow: p99 {} > {} objective",
                      upper(f.p99_ms, duration_text(f.p99_ms.mean), duration_text(f.p99_ms.high())),
                      duration_text(*o.slo_p99_ms)));
    }
    if (f.overrun_s.mean > fell_behind_after_s(f.span_s.mean)) {
      misses.push_back(fmt::format(
          "falls behind: still working {} after the workload's {} span ended: one span's "
          "arrivals take it longer than the span, so the month the projection repeats them in "
          "is more than it can do (a trace that stands for a longer period should declare it: {})",
          duration_text(f.overrun_s.mean * 1000), duration_text(f.span_s.mean * 1000),
          kDeclareSpan));
    }
    if (o.max_error_rate && f.error_rate.high() > *o.max_error_rate) {
      misses.push_back(
          fmt::format("too many failures: {} of arrivals > {} allowed",
                      upper(f.error_rate, pct(f.error_rate.mean), pct(f.error_rate.high())),
                      pct(*o.max_error_rate)));
    }
    if (o.max_cold_start_rate && f.cold_start_rate.high() > *o.max_cold_start_rate) {
      misses.push_back(fmt::format(
          "too many cold starts: {} of arrivals > {} allowed",
          upper(f.cold_start_rate, pct(f.cold_start_rate.mean), pct(f.cold_start_rate.high())),
          pct(*o.max_cold_start_rate)));
    }
    if (!misses.empty()) {
      std::string s;
      for (const auto& m : misses)
        s += (s.empty() ? "" : "; ") + m;
      why[p.name] = s;
      continue;
    }
    ok.push_back(&p);
  }
  std::stable_sort(ok.begin(), ok.end(), [](const auto* a, const auto* b) {
    return a->figures.monthly_usd.mean < b->figures.monthly_usd.mean;
  });
  if (ok.empty()) {
    const bool none_can_run = std::all_of(platforms.begin(), platforms.end(),
                                          [](const auto& p) { return p.impossible.has_value(); });
    rec.summary =
        platforms.empty() ? "no platform was compared"
        : none_can_run    ? "no platform compared can run this workload as it is"
        : too_short
            ? fmt::format(
                  "no recommendation: the span ({}) is too short to project a month (a month "
                  "repeats it {} times); declare the period the trace stands for ({}), or "
                  "simulate at least an hour",
                  duration_text(*too_short * 1e3), repeats_text(*too_short), kDeclareSpan)
            : "no platform meets the objectives";
  } else {
    const auto* w = ok.front();
    rec.platform = w->name;
    const auto& wm = w->figures.monthly_usd;
    rec.summary = fmt::format("{} ({}): the cheapest {}, {}/month", w->name, w->label,
                              ok.size() == platforms.size() && !o.slo_p99_ms && !o.max_error_rate &&
                                      !o.max_cold_start_rate
                                  ? "platform"
                                  : "platform that meets the objectives",
                              usd(wm.mean));
    why[w->name] =
        fmt::format("recommended: cheapest that meets the objectives at {}/month", usd(wm.mean));
    for (std::size_t i = 1; i < ok.size(); ++i) {
      const auto& m = ok[i]->figures.monthly_usd;
      if (usd(m.mean) == usd(wm.mean)) {
        why[ok[i]->name] = fmt::format("costs the same ({}/month)", usd(m.mean));
      } else if (m.n > 1 && m.low() <= wm.high()) {
        why[ok[i]->name] =
            fmt::format("costs about the same ({} vs {}/month, within the 95% interval)",
                        usd(m.mean), usd(wm.mean));
      } else {
        why[ok[i]->name] = fmt::format("more expensive by {}/month ({} vs {})",
                                       usd(m.mean - wm.mean), usd(m.mean), usd(wm.mean));
      }
    }
  }
  for (const auto& p : platforms)
    rec.reasons.emplace_back(p.name, why[p.name]);
  return rec;
}

Comparison compare(const WorkloadFactory& workload, const std::vector<PlatformRunner>& given,
                   const CompareOptions& options, const RateCard& rates) {
  validate_compare_options(options);
  if (given.empty()) {
    throw ConfigError("platforms",
                      "no platform to compare: give at least one (lambda, ecs, "
                      "fargate or batch)");
  }
  rates.check_as_of(options.as_of);
  // Runners that size themselves from the workload (container services left auto) get one
  // pass over it first, shared by all of them.
  std::vector<PlatformRunner> prepared;
  const bool any_prepare =
      std::any_of(given.begin(), given.end(), [](const PlatformRunner& p) { return !!p.prepare; });
  if (any_prepare) {
    auto pass = workload(options.seed, 1.0);
    const WorkloadProfile profile = profile_workload(*pass);
    prepared.reserve(given.size());
    for (const auto& p : given)
      prepared.push_back(p.prepare ? p.prepare(profile) : p);
  }
  // Figures per function (for those per part) while the workload can have 2 to kMaxPartsByPart
  // parts: a run that meets more functions than the cap plus those the groups name has more
  // parts than the cap, so its models stop recording them (a workload of one function costs
  // what it did before figures per function existed: one tally).
  std::size_t grouped = 0;
  for (const auto& g : options.parts.groups)
    grouped += g.functions.size();
  std::vector<PlatformRunner> recording;
  recording.reserve(given.size());
  for (const auto& p : any_prepare ? prepared : given) {
    recording.push_back(p);
    if (p.run_recording) recording.back().run = p.run_recording(kMaxPartsByPart + grouped);
  }
  const std::vector<PlatformRunner>& platforms = recording;
  Comparison c;
  c.options = options;
  c.options.progress = nullptr;
  const std::size_t np = platforms.size(), nr = options.replications;
  c.platforms.resize(np);
  std::set<std::string> names;
  for (std::size_t i = 0; i < np; ++i) {
    auto& pc = c.platforms[i];
    pc.name = platforms[i].name;
    for (int k = 2; names.count(pc.name); ++k)
      pc.name = fmt::format("{}-{}", platforms[i].name, k);
    names.insert(pc.name);
    pc.label = platforms[i].label;
    pc.runs.resize(nr);
    pc.costs.resize(nr);
  }
  // One slot per (platform, replication); impossibility is per slot, merged afterwards.
  std::vector<std::optional<std::string>> impossible(np * nr);
  std::vector<std::string> described(np * nr);
  // Per slot: the time the platform worked after the span beyond its longest invocation, and
  // the span (a platform far behind its arrivals cannot keep up: fell_behind_after_s).
  std::vector<double> overrun(np * nr, 0.0), spans(np * nr, 0.0);
  std::vector<std::uint64_t> arrivals(np * nr, 0);
  // The workload's functions, as each platform's first replication listed them.
  std::vector<std::vector<std::string>> function_names(np);
  std::mutex progress_mutex;
  std::size_t done = 0;
  parallel_for(np * nr, options.threads, [&](std::size_t k) {
    const std::size_t i = k / nr, r = k % nr;
    const std::uint64_t seed = options.seed + r;
    auto src = workload(seed, 1.0);
    ObservedSource seen(*src);
    try {
      PlatformResult res = platforms[i].run(seen, seed);
      PricingOptions po;
      po.as_of = options.as_of;
      po.region = options.region;
      po.free_tier = options.free_tier && platforms[i].free_tier;
      po.discount_pct = platforms[i].discount_pct;
      po.fargate_spot_discount_pct = platforms[i].fargate_spot_discount_pct;
      po.ec2_spot_discount_pct = platforms[i].ec2_spot_discount_pct;
      // One span for every platform, the workload's (header, cost rows and JSON show it); a
      // platform still working after it (a backlog it drains) is projected over the time it
      // took: a month cannot hold more.
      const double span = seen.span_s();
      // When the platform's last work ended: after the span when it drained a backlog.
      const double worked = std::max(res.worked_s, res.span_s);
      CostBreakdown cost = project_costs(rates, res.usage, span, po, worked);
      // An hour-long trace whose last arrival falls in its final second spans an hour.
      if (span + 1.0 < kShortestProjectedSpanS) res.notes.push_back(short_span_note(span));
      add_front_door(rates, options.front_door, platforms[i].front_door, seen.http(), res.arrived,
                     cost);
      // Zones given for a load balancer the workload does not need (no HTTP requests): said,
      // not silently ignored (review of issue 19, M7).
      if (options.front_door.alb_availability_zones && options.front_door.enabled &&
          platforms[i].front_door == FrontDoorSide::kService && seen.http().requests == 0) {
        res.notes.push_back(fmt::format(
            "alb_availability_zones ({}) is ignored: the workload has no HTTP requests, so the "
            "service has no load balancer",
            *options.front_door.alb_availability_zones));
      }
      // Per million: a month of a platform that took longer than the span (a backlog) holds the
      // span's arrivals once per time it took, not once per span.
      if (worked > span && cost.monthly_usd > 0 && res.arrived > 0) {
        const double months_taken = worked / (kHoursPerMonth * 3600.0);
        cost.usd_per_million =
            cost.monthly_usd / (static_cast<double>(res.arrived) / months_taken) * 1e6;
      }
      double longest_s = 0;
      for (const auto w : seen.max_work())
        longest_s = std::max(longest_s, to_seconds(w));
      overrun[k] = std::max(0.0, worked - span - longest_s);
      spans[k] = span;
      // One span in every figure (header, cost rows, the platform's JSON): the workload's.
      res.span_s = span;
      res.worked_s = worked;
      c.platforms[i].runs[r] = std::move(res);
      c.platforms[i].costs[r] = std::move(cost);
      if (r == 0) {
        for (const auto& f : seen.functions().all())
          function_names[i].push_back(f.name);
      }
    } catch (const ImpossibleError& e) {
      impossible[k] = e.what();
    }
    described[k] = seen.describe();
    arrivals[k] = seen.arrivals();
    if (options.progress) {
      std::lock_guard lock(progress_mutex);
      options.progress(++done, np * nr);
    }
  });
  // A workload with no invocation has nothing to compare: a $0.00 "recommendation" would be
  // an answer to no question (issue 19).
  // (Platforms that cannot run it stop before reading it: only those that ran count.)
  bool ran = false;
  for (const auto& why : impossible)
    ran = ran || !why;
  if (ran && *std::max_element(arrivals.begin(), arrivals.end()) == 0) {
    throw ConfigError("", fmt::format("the workload has no invocations ({}): nothing to simulate "
                                      "or compare",
                                      described[0]));
  }
  if (np) c.workload = described[0];
  for (std::size_t i = 0; i < np; ++i) {
    auto& pc = c.platforms[i];
    for (std::size_t r = 0; r < nr; ++r) {
      if (impossible[i * nr + r]) {
        pc.impossible = impossible[i * nr + r];
        break;
      }
    }
    if (pc.impossible) {
      pc.runs.clear();
      pc.costs.clear();
    } else {
      pc.figures = figures(pc.runs, pc.costs);
      pc.figures.overrun_s = estimate({overrun.begin() + static_cast<std::ptrdiff_t>(i * nr),
                                       overrun.begin() + static_cast<std::ptrdiff_t>(i * nr + nr)});
      pc.figures.span_s = estimate({spans.begin() + static_cast<std::ptrdiff_t>(i * nr),
                                    spans.begin() + static_cast<std::ptrdiff_t>(i * nr + nr)});
    }
  }
  c.recommendation = recommend(c.platforms, options.objectives);
  for (std::size_t i = 0; i < np; ++i) {
    if (c.platforms[i].impossible || c.platforms[i].runs.empty()) continue;
    c.parts = resolve_parts(options.parts, function_names[i]).size();
    break;
  }
  c.by_part = part_figures(c.platforms, options.parts, options.objectives);
  return c;
}

std::vector<Comparison> compare_all(const std::vector<CompareJob>& jobs, std::uint32_t threads,
                                    const RateCard& rates) {
  std::vector<Comparison> out(jobs.size());
  parallel_for(jobs.size(), threads, [&](std::size_t i) {
    CompareOptions o = jobs[i].options;
    o.threads = 1;
    out[i] = compare(jobs[i].workload, jobs[i].platforms, o, rates);
  });
  return out;
}

}  // namespace slsim
