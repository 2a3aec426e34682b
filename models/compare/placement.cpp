// The placement search (slsim/compare/placement.hpp): exact over every assignment of feasible
// platforms while that is small, else a local search from several starts.
#include "slsim/compare/placement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <utility>

#include "observed_source.hpp"
#include "slsim/batch/batch.hpp"
#include "slsim/compare/cost.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/workload/workload_filter.hpp"

namespace slsim {

namespace {

using Assignment = std::vector<std::optional<std::size_t>>;

class Search {
 public:
  explicit Search(const PlacementInput& in) : in_(in) {}

  /// The platforms part k may take: its pin; else those where it meets its objectives; else
  /// (none meets) those where it can run. Exclusions apply to the last two.
  std::vector<std::size_t> feasible(std::size_t k) const {
    const auto& a = in_.alone[k];
    if (k < in_.pinned.size() && in_.pinned[k]) return {*in_.pinned[k]};
    const auto allowed = [&](std::size_t p) {
      if (k >= in_.excluded.size()) return true;
      const auto& x = in_.excluded[k];
      return std::find(x.begin(), x.end(), p) == x.end();
    };
    std::vector<std::size_t> meets, runs;
    for (std::size_t p = 0; p < a.size(); ++p) {
      if (!allowed(p) || !a[p].can_run) continue;
      runs.push_back(p);
      if (a[p].meets) meets.push_back(p);
    }
    return meets.empty() ? runs : meets;
  }

  double group(std::size_t p, std::uint64_t mask) {
    if (mask == 0) return 0;
    const auto key = std::make_pair(p, mask);
    const auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    const double c = in_.group_cost(p, mask);
    cache_.emplace(key, c);
    return c;
  }

  double total(const Assignment& a) {
    std::vector<std::uint64_t> masks(in_.platforms.size(), 0);
    for (std::size_t k = 0; k < a.size(); ++k)
      if (a[k]) masks[*a[k]] |= std::uint64_t{1} << k;
    double t = 0;
    for (std::size_t p = 0; p < masks.size(); ++p)
      t += group(p, masks[p]);
    return t;
  }

  std::uint64_t group_runs() const { return cache_.size(); }

 private:
  const PlacementInput& in_;
  std::map<std::pair<std::size_t, std::uint64_t>, double> cache_;
};

}  // namespace

PlacementChoice search_placement(const PlacementInput& in) {
  const std::size_t n = in.parts.size(), np = in.platforms.size();
  if (n == 0 || np == 0) throw std::invalid_argument("placement: no parts or no platforms");
  if (n > 63) throw std::invalid_argument("placement: at most 63 parts");
  if (in.alone.size() != n) throw std::invalid_argument("placement: alone[] has a row per part");
  for (const auto& row : in.alone)
    if (row.size() != np)
      throw std::invalid_argument("placement: alone[k] has an entry per platform");
  if (!in.group_cost) throw std::invalid_argument("placement: group_cost is required");
  for (std::size_t k = 0; k < n && k < in.pinned.size(); ++k) {
    if (!in.pinned[k]) continue;
    const auto p = *in.pinned[k];
    if (p >= np) throw std::invalid_argument("placement: pinned platform out of range");
    if (!in.alone[k][p].can_run) {
      throw std::invalid_argument(fmt::format("part '{}' is placed on {}, which cannot run it: {}",
                                              in.parts[k], in.platforms[p], in.alone[k][p].why));
    }
  }

  Search s(in);
  std::vector<std::vector<std::size_t>> options(n);
  std::uint64_t product = 1;
  for (std::size_t k = 0; k < n; ++k) {
    options[k] = s.feasible(k);
    const auto m = std::max<std::uint64_t>(1, options[k].size());
    product = product > in.exact_limit ? product : product * m;
  }
  const auto choose = [&](const std::vector<std::size_t>& idx) {
    Assignment a(n);
    for (std::size_t k = 0; k < n; ++k)
      if (!options[k].empty()) a[k] = options[k][idx[k]];
    return a;
  };

  PlacementChoice out;
  Assignment best;
  double best_usd = std::numeric_limits<double>::infinity();
  const auto consider = [&](const Assignment& a) {
    ++out.assignments_tried;
    const double t = s.total(a);
    if (t < best_usd) {  // ties keep the earlier (the order of the platforms given)
      best_usd = t;
      best = a;
    }
    return t;
  };

  if (product <= in.exact_limit && in.prefetch) {
    // The groups the exhaustive search will ask for: on each platform, every set of two or more
    // of the parts that may go there, holding each part that can go nowhere else.
    std::vector<std::pair<std::size_t, std::uint64_t>> need;
    for (std::size_t p = 0; p < np && need.size() <= 256; ++p) {
      std::vector<std::size_t> may;
      std::uint64_t must = 0;
      for (std::size_t k = 0; k < n; ++k) {
        if (std::find(options[k].begin(), options[k].end(), p) == options[k].end()) continue;
        may.push_back(k);
        if (options[k].size() == 1) must |= std::uint64_t{1} << k;
      }
      if (may.size() > 8) {
        need.assign(257, {});  // too many to fetch ahead: asked for one by one
        break;
      }
      for (std::uint64_t sub = 0; sub < (std::uint64_t{1} << may.size()); ++sub) {
        std::uint64_t mask = 0;
        for (std::size_t i = 0; i < may.size(); ++i)
          if (sub >> i & 1) mask |= std::uint64_t{1} << may[i];
        if ((mask & must) != must || (mask & (mask - 1)) == 0) continue;
        need.emplace_back(p, mask);
      }
    }
    if (need.size() <= 256) in.prefetch(need);
  }
  if (product <= in.exact_limit) {
    // Every assignment, in mixed radix over the parts' options.
    std::vector<std::size_t> idx(n, 0);
    for (;;) {
      consider(choose(idx));
      std::size_t k = 0;
      for (; k < n; ++k) {
        if (options[k].empty()) continue;
        if (++idx[k] < options[k].size()) break;
        idx[k] = 0;
      }
      if (k == n) break;
    }
  } else {
    out.exact = false;
    // Starts: each part on its cheapest option alone; and, for each platform, every part that
    // may go there on it (the consolidation that shared costs can reward), the rest cheapest.
    std::vector<Assignment> starts;
    Assignment cheapest(n);
    for (std::size_t k = 0; k < n; ++k) {
      double c = std::numeric_limits<double>::infinity();
      for (const auto p : options[k]) {
        if (in.alone[k][p].monthly_usd < c) {
          c = in.alone[k][p].monthly_usd;
          cheapest[k] = p;
        }
      }
    }
    starts.push_back(cheapest);
    for (std::size_t p = 0; p < np; ++p) {
      Assignment a = cheapest;
      for (std::size_t k = 0; k < n; ++k)
        if (std::find(options[k].begin(), options[k].end(), p) != options[k].end()) a[k] = p;
      starts.push_back(a);
    }
    for (auto a : starts) {
      double t = consider(a);
      // Best-improvement moves of one part, or of every part on one platform to another.
      for (int round = 0; round < 1000; ++round) {
        Assignment next;
        double next_t = t;
        for (std::size_t k = 0; k < n; ++k) {
          for (const auto p : options[k]) {
            if (a[k] == p) continue;
            Assignment b = a;
            b[k] = p;
            const double u = consider(b);
            if (u < next_t) next_t = u, next = b;
          }
        }
        for (std::size_t from = 0; from < np; ++from) {
          for (std::size_t to = 0; to < np; ++to) {
            if (from == to) continue;
            Assignment b = a;
            bool moved = false;
            for (std::size_t k = 0; k < n; ++k) {
              if (b[k] == from &&
                  std::find(options[k].begin(), options[k].end(), to) != options[k].end()) {
                b[k] = to;
                moved = true;
              }
            }
            if (!moved) continue;
            const double u = consider(b);
            if (u < next_t) next_t = u, next = b;
          }
        }
        if (next.empty()) break;
        a = std::move(next);
        t = next_t;
      }
    }
  }

  out.platform = best;
  out.monthly_usd = best_usd;
  out.meets.assign(n, false);
  for (std::size_t k = 0; k < n; ++k)
    out.meets[k] = best[k] && in.alone[k][*best[k]].meets;

  // The best single platform: every part meets its objectives there (pins and exclusions are
  // the mix's, not the single platform's); the cheapest such.
  for (std::size_t p = 0; p < np; ++p) {
    if (p < in.single.size() && !in.single[p]) continue;
    bool all = true;
    for (std::size_t k = 0; k < n && all; ++k)
      all = in.alone[k][p].meets;
    if (!all) continue;
    const std::uint64_t every = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
    if (in.group_meets && !in.group_meets(p, every)) continue;  // not all of them together
    const double c = s.group(p, every);
    if (!out.best_single || c < out.best_single_usd) {
      out.best_single = p;
      out.best_single_usd = c;
    }
  }
  out.group_runs = s.group_runs();
  return out;
}

// ---- the placement of a workload's parts ------------------------------------------------------

namespace {

using Json = nlohmann::ordered_json;

std::string usd_text(double usd) {
  return fmt::format("${:.2f}", usd);
}

std::size_t platform_index(const std::vector<std::string>& platforms, const std::string& name,
                           const std::string& key) {
  const auto it = std::find(platforms.begin(), platforms.end(), name);
  if (it == platforms.end()) {
    std::string allowed;
    for (const auto& p : platforms)
      allowed += (allowed.empty() ? "" : ", ") + p;
    throw ConfigError(
        key, fmt::format("'{}' is not a platform of this comparison (one of: {})", name, allowed));
  }
  return static_cast<std::size_t>(it - platforms.begin());
}

}  // namespace

std::vector<std::string> with_spillover(const std::vector<std::string>& platforms) {
  std::vector<std::string> out = platforms;
  const auto has = [&](const char* p) {
    return std::find(platforms.begin(), platforms.end(), p) != platforms.end();
  };
  if (!has("lambda")) return out;
  for (const char* service : {"ecs", "fargate", "ecs-managed"}) {
    const std::string both = std::string(service) + "+lambda";
    if (has(service) && !has(both.c_str())) out.push_back(both);
  }
  return out;
}

PartRunnerFactory with_spillover(PartRunnerFactory runner, const RateCard& rates) {
  const RateCard* rc = &rates;
  return [runner = std::move(runner), rc](const std::string& platform,
                                          const std::vector<std::string>& functions) {
    const auto plus = platform.find("+lambda");
    if (plus == std::string::npos || plus + 7 != platform.size())
      return runner(platform, functions);
    return spill_runner(runner(platform.substr(0, plus), functions), runner("lambda", functions),
                        *rc);
  };
}

bool PlacementResult::recommended() const {
  if (skipped || parts.empty()) return false;
  for (const auto& p : parts)
    if (!p.meets_objectives) return false;
  return !best_single || monthly_usd + 0.005 < best_single_usd;
}

std::string PlacementResult::to_json() const {
  Json j;
  Json ps = Json::array();
  for (const auto& p : parts) {
    Json q;
    q["part"] = p.part;
    q["functions"] = p.functions;
    q["platform"] = p.platform.empty() ? Json(nullptr) : Json(p.platform);
    q["monthly_usd"] = p.monthly_usd;
    q["p99_ms"] = p.p99_ms;
    q["slo_p99_ms"] = p.slo_p99_ms ? Json(*p.slo_p99_ms) : Json(nullptr);
    q["meets_objectives"] = p.meets_objectives;
    q["why"] = p.why;
    ps.push_back(std::move(q));
  }
  j["parts"] = std::move(ps);
  j["monthly_usd"] = monthly_usd;
  Json lines = Json::array();
  for (const auto& [platform, l] : line_items) {
    lines.push_back({{"platform", platform},
                     {"name", l.name},
                     {"unit", l.unit},
                     {"quantity", l.quantity},
                     {"usd", l.usd},
                     {"monthly_usd", l.monthly_usd}});
  }
  j["line_items"] = std::move(lines);
  j["best_single"] = best_single
                         ? Json{{"platform", *best_single}, {"monthly_usd", best_single_usd}}
                         : Json(nullptr);
  j["saving_usd"] = best_single ? Json(best_single_usd - monthly_usd) : Json(nullptr);
  j["recommended"] = recommended();
  j["exact"] = exact;
  j["group_runs"] = group_runs;
  j["joint"] = joint;
  j["search_usd"] = search_usd;
  j["skipped"] = skipped;
  j["summary"] = summary;
  Json al = Json::array();
  for (const auto& a : alone) {
    al.push_back({{"part", a.part},
                  {"platform", a.platform},
                  {"can_run", a.can_run},
                  {"meets_objectives", a.meets_objectives},
                  {"monthly_usd", a.can_run ? Json(a.monthly_usd) : Json(nullptr)},
                  {"why", a.why}});
  }
  j["alone"] = std::move(al);
  return j.dump();
}

PlacementResult place_parts(const WorkloadFactory& workload,
                            const std::vector<PlacementPart>& parts,
                            const std::vector<std::string>& platforms,
                            const PartRunnerFactory& runner, const CompareOptions& options,
                            const RateCard& rates) {
  const std::size_t n = parts.size(), np = platforms.size();
  if (n == 0) throw ConfigError("parts", "there is no part to place");
  if (np == 0) throw ConfigError("platforms", "there is no platform to place the parts on");
  validate_compare_options(options);
  if (n > kMaxPlacedParts) {
    PlacementResult skipped;
    skipped.skipped = true;
    skipped.exact = false;
    skipped.summary = fmt::format(
        "not placed: {} parts are more than the {} a placement runs one by one on every platform; "
        "group functions into parts ([report.parts], --part NAME=F1,F2) or select some "
        "(--functions, --top N)",
        n, kMaxPlacedParts);
    return skipped;
  }

  // The whole workload's span, which every run of a part or group declares.
  double span_s = 0;
  {
    auto w = workload(options.seed, 1.0);
    compare_detail::ObservedSource seen(*w);
    Invocation inv;
    while (seen.next(inv)) {
    }
    span_s = seen.span_s();
  }
  // A run of some functions declares that span (select: the functions kept by name, also from
  // a mix whose table grows while it is read).
  const auto selected = [&](const std::vector<std::string>& functions) -> WorkloadFactory {
    SelectOptions sel;
    sel.functions = functions;
    if (span_s > 0) sel.span_s = span_s;
    return [&workload, sel](std::uint64_t seed, double scale) {
      return select([&] { return workload(seed, scale); }, sel);
    };
  };

  // Each part alone on each platform, with its own objectives (one comparison each, run on
  // the thread pool; results in order, so the answer does not depend on the threads).
  std::vector<CompareJob> jobs;
  for (const auto& part : parts) {
    for (const auto& p : platforms) {
      CompareJob job;
      job.workload = selected(part.functions);
      job.platforms = {runner(p, part.functions)};
      job.options = options;
      job.options.objectives = part.objectives;
      job.options.threads = 1;
      job.options.progress = nullptr;
      jobs.push_back(std::move(job));
    }
  }
  const auto alone_runs = compare_all(jobs, options.threads, rates);

  PlacementInput in;
  in.platforms = platforms;
  for (const auto& p : platforms)
    in.single.push_back(p.find('+') == std::string::npos);
  in.alone.assign(n, std::vector<PartAlone>(np));
  in.pinned.assign(n, std::nullopt);
  in.excluded.assign(n, {});
  for (std::size_t k = 0; k < n; ++k) {
    in.parts.push_back(parts[k].name);
    const auto key = [&](const char* what) {
      return fmt::format("report.{}.{}", what, parts[k].name);
    };
    if (parts[k].place) in.pinned[k] = platform_index(platforms, *parts[k].place, key("place"));
    for (const auto& x : parts[k].exclude)
      in.excluded[k].push_back(platform_index(platforms, x, key("exclude")));
    if (!parts[k].place && in.excluded[k].size() >= np) {
      std::string all;
      for (const auto& p : platforms)
        all += (all.empty() ? "" : ", ") + p;
      throw ConfigError(key("exclude"),
                        fmt::format("every platform compared ({}) is excluded for '{}'; leave at "
                                    "least one",
                                    all, parts[k].name));
    }
    for (std::size_t p = 0; p < np; ++p) {
      const Comparison& c = alone_runs[k * np + p];
      const PlatformComparison& pc = c.platforms.front();
      PartAlone& a = in.alone[k][p];
      a.can_run = !pc.impossible;
      a.meets = a.can_run && c.recommendation.platform.has_value();
      a.monthly_usd = a.can_run ? pc.figures.monthly_usd.mean : 0;
      if (pc.impossible) {
        a.why = *pc.impossible;
      } else {
        for (const auto& [name, why] : c.recommendation.reasons)
          if (name == pc.name) a.why = why;
      }
    }
  }

  // The parts as a parts spec, so a group run's figures by part judge each part on its own
  // objectives (Comparison::by_part).
  CompareOptions group_options = options;
  group_options.progress = nullptr;
  group_options.parts = PartsSpec{};
  for (const auto& part : parts) {
    if (part.functions.size() != 1 || part.functions.front() != part.name)
      group_options.parts.groups.push_back(PartGroup{part.name, part.functions});
    PartObjectives po;
    po.slo_p99_ms = part.objectives.slo_p99_ms;
    po.max_error_rate = part.objectives.max_error_rate.value_or(1.0);
    po.max_cold_start_rate = part.objectives.max_cold_start_rate;
    group_options.parts.objectives[part.name] = po;
  }
  // Group runs: the parts in `mask` together on platform p (their shared costs once).
  std::map<std::pair<std::size_t, std::uint64_t>, Comparison> groups;
  const auto functions_of = [&](std::uint64_t mask) {
    std::vector<std::string> f;
    for (std::size_t k = 0; k < n; ++k)
      if (mask >> k & 1) f.insert(f.end(), parts[k].functions.begin(), parts[k].functions.end());
    return f;
  };
  const auto group_run = [&](std::size_t p, std::uint64_t mask) -> const Comparison& {
    if ((mask & (mask - 1)) == 0) {  // one part: its own run
      std::size_t k = 0;
      while (!(mask >> k & 1))
        ++k;
      return alone_runs[k * np + p];
    }
    const auto key = std::make_pair(p, mask);
    auto it = groups.find(key);
    if (it == groups.end()) {
      const auto f = functions_of(mask);
      it =
          groups.emplace(key, compare(selected(f), {runner(platforms[p], f)}, group_options, rates))
              .first;
    }
    return it->second;
  };
  in.prefetch = [&](const std::vector<std::pair<std::size_t, std::uint64_t>>& asked) {
    // Only the group runs not run yet (a repair searches again over the same groups).
    std::vector<std::pair<std::size_t, std::uint64_t>> need;
    for (const auto& key : asked)
      if (!groups.count(key)) need.push_back(key);
    std::vector<CompareJob> js;
    for (const auto& [p, mask] : need) {
      const auto f = functions_of(mask);
      CompareJob job;
      job.workload = selected(f);
      job.platforms = {runner(platforms[p], f)};
      job.options = group_options;
      job.options.threads = 1;
      js.push_back(std::move(job));
    }
    auto done = compare_all(js, options.threads, rates);
    for (std::size_t i = 0; i < need.size(); ++i)
      groups.emplace(need[i], std::move(done[i]));
  };
  in.group_cost = [&](std::size_t p, std::uint64_t mask) {
    const auto& c = group_run(p, mask);
    const auto& pc = c.platforms.front();
    // A group one platform cannot run together (it could run each part alone) is no option.
    return pc.impossible ? std::numeric_limits<double>::infinity() : pc.figures.monthly_usd.mean;
  };

  in.group_meets = [&](std::size_t p, std::uint64_t mask) {
    const Comparison& c = group_run(p, mask);
    if (c.platforms.front().impossible) return false;
    for (const auto& f : c.by_part)
      if (!f.meets_objectives()) return false;
    // One part (its own run): its objectives are the run's.
    return (mask & (mask - 1)) != 0 || in.alone[std::countr_zero(mask)][p].meets;
  };

  // The result of one search: the mix re-simulated as one system, priced and judged.
  // `joint_missed[k]`: part k met its objectives alone but misses them in the joint run.
  std::vector<bool> joint_missed(n, false);
  const auto user_excluded = in.excluded;  // the repairs below add to in.excluded
  const auto repaired_off = [&](std::size_t k, std::size_t q) {
    const auto& x = in.excluded[k];
    const auto& u = user_excluded[k];
    return std::find(x.begin(), x.end(), q) != x.end() &&
           std::find(u.begin(), u.end(), q) == u.end();
  };
  const auto settle = [&](const PlacementChoice& choice) {
    PlacementResult out;
    std::fill(joint_missed.begin(), joint_missed.end(), false);
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t p = 0; p < np; ++p) {
        const PartAlone& a = in.alone[k][p];
        out.alone.push_back(
            {parts[k].name, platforms[p], a.can_run, a.meets, a.monthly_usd, a.why});
      }
    }
    out.exact = choice.exact;
    out.monthly_usd = out.search_usd = choice.monthly_usd;
    std::vector<std::uint64_t> masks(np, 0);
    for (std::size_t k = 0; k < n; ++k)
      if (choice.platform[k]) masks[*choice.platform[k]] |= std::uint64_t{1} << k;

    // The mix re-simulated as one system (docs/models.md, "Placement"): every part on its
    // platform on one clock (a spilling part on its service and Lambda), each platform's usage
    // priced as the comparison prices it, one load balancer for every HTTP service.
    constexpr std::size_t kSys = 6;  // SystemPlatform's values
    const auto sys_index = [](SystemPlatform q) { return static_cast<std::size_t>(q); };
    std::array<double, kSys> sys_monthly{};
    std::array<std::vector<CostLine>, kSys> sys_lines;
    std::array<bool, kSys> sys_used{};
    std::vector<std::optional<SystemPlacement>> where(n);
    std::vector<double> joint_p99(n, 0.0);
    std::vector<double> spilled_share(n, 0.0);  // of a spilling part's arrivals, on Lambda
    // Each part's figures in the joint run (means over the replications), judged again against
    // its objectives there: parts that share a platform (Lambda's account concurrency, a cluster)
    // can miss together what each meets alone.
    std::vector<double> joint_errors(n, 0.0), joint_cold(n, 0.0);
    std::vector<std::uint64_t> joint_arrived(n, 0);
    // The one ALB's monthly cost (in its owner's bill), shared by the parts whose HTTP requests
    // pass it in proportion to their requests.
    double alb_monthly = 0;
    std::vector<double> alb_requests(n, 0.0);
    {
      SystemOptions o;
      bool ok = true;
      std::vector<std::string> everything;
      for (std::size_t p = 0; p < np && ok; ++p) {
        if (!masks[p]) continue;
        const auto sp = parse_system_placement(platforms[p]);
        if (!sp) {
          ok = false;
          break;
        }
        for (std::size_t k = 0; k < n; ++k) {
          if (!(masks[p] >> k & 1)) continue;
          where[k] = sp;
          everything.insert(everything.end(), parts[k].functions.begin(), parts[k].functions.end());
        }
      }
      // Each system platform's options and pricing (free tier, discounts) from its own runner
      // for every function it runs (a spilling part's on its service and on Lambda).
      std::array<std::vector<std::string>, kSys> functions_on;
      for (std::size_t k = 0; k < n && ok; ++k) {
        if (!where[k]) continue;
        auto& on = functions_on[sys_index(where[k]->platform)];
        on.insert(on.end(), parts[k].functions.begin(), parts[k].functions.end());
        if (where[k]->spill) {
          auto& l = functions_on[sys_index(SystemPlatform::kLambda)];
          l.insert(l.end(), parts[k].functions.begin(), parts[k].functions.end());
        }
      }
      std::array<PricingOptions, kSys> pricing;
      for (std::size_t q = 0; q < kSys && ok; ++q) {
        if (functions_on[q].empty()) continue;
        const PlatformRunner r =
            runner(std::string(to_string(static_cast<SystemPlatform>(q))), functions_on[q]);
        if (!r.system_options) {
          ok = false;
          break;
        }
        r.system_options(o);
        PricingOptions& po = pricing[q];
        po.as_of = options.as_of;
        po.region = options.region;
        po.free_tier = options.free_tier && r.free_tier;
        po.discount_pct = r.discount_pct;
        po.fargate_spot_discount_pct = r.fargate_spot_discount_pct;
        po.ec2_spot_discount_pct = r.ec2_spot_discount_pct;
      }
      const auto whole = selected(everything);
      const std::uint32_t reps = std::max<std::uint32_t>(1, options.replications);
      try {
        for (std::uint32_t rep = 0; ok && rep < reps; ++rep) {
          const std::uint64_t seed = options.seed + rep;
          SystemOptions so = o;
          so.lambda.seed = so.ecs.seed = so.fargate.seed = so.batch.seed = seed;
          so.lambda_managed.seed = so.ecs_managed.seed = seed;
          {
            auto pass = whole(seed, 1.0);
            so.profile = profile_workload(*pass);
          }
          // A spilling part's HTTP functions spill; its queue and async work stays on the service.
          for (std::size_t k = 0; k < n; ++k) {
            if (!where[k]) continue;
            for (const auto& f : parts[k].functions) {
              const FunctionProfile* fp = so.profile->find(f);
              const bool http = fp && fp->invocations > fp->message_invocations;
              so.place(f, SystemPlacement{where[k]->platform, where[k]->spill && http});
            }
          }
          auto src = whole(seed, 1.0);
          const SystemResult sr = simulate_system(*src, so, rates);
          std::array<const PlatformResult*, kSys> res{};
          if (sr.lambda) res[sys_index(SystemPlatform::kLambda)] = &*sr.lambda;
          if (sr.ecs) res[sys_index(SystemPlatform::kEcs)] = &*sr.ecs;
          if (sr.fargate) res[sys_index(SystemPlatform::kFargate)] = &*sr.fargate;
          if (sr.batch) res[sys_index(SystemPlatform::kBatch)] = &*sr.batch;
          if (sr.lambda_managed)
            res[sys_index(SystemPlatform::kLambdaManaged)] = &*sr.lambda_managed;
          if (sr.ecs_managed) res[sys_index(SystemPlatform::kEcsManaged)] = &*sr.ecs_managed;
          for (std::size_t q = 0; q < kSys; ++q) {
            if (!res[q]) continue;
            const PlatformResult& pr = *res[q];
            CostBreakdown cost = project_costs(rates, pr.usage, span_s, pricing[q],
                                               std::max(pr.worked_s, pr.span_s));
            // Front doors: API Gateway for the HTTP requests of Lambda's and Lambda Managed
            // Instances' own functions; one ALB for every HTTP request of the services (ECS,
            // Fargate, ECS Managed Instances; spilled ones included), billed on its owner.
            const auto side = static_cast<SystemPlatform>(q);
            HttpTraffic http;
            FrontDoorSide door = FrontDoorSide::kNone;
            double share = 1;  // of the front door's charge, this side's
            if (side == SystemPlatform::kLambda || side == SystemPlatform::kLambdaManaged) {
              // One API Gateway whose request tiers are the account's: both kinds of Lambda
              // function priced together, each side billed its requests' share.
              door = FrontDoorSide::kLambda;
              const bool own_is_lambda = side == SystemPlatform::kLambda;
              const auto& own = own_is_lambda ? sr.lambda_http : sr.lambda_managed_http;
              const auto& mate = own_is_lambda ? sr.lambda_managed_http : sr.lambda_http;
              if (own.requests > 0) {
                http.requests = own.requests + mate.requests;
                share = static_cast<double>(own.requests) / static_cast<double>(http.requests);
                http.per_hour = own.per_hour;
                if (http.per_hour.size() < mate.per_hour.size())
                  http.per_hour.resize(mate.per_hour.size(), 0);
                for (std::size_t h = 0; h < mate.per_hour.size(); ++h)
                  http.per_hour[h] += mate.per_hour[h];
              }
            } else if (sr.alb && sr.alb->owner == side) {
              door = FrontDoorSide::kService;
              http.requests = sr.alb->requests;
              http.per_hour = sr.alb->per_hour;
              http.lambda_target_per_hour = sr.alb->lambda_target_per_hour;
            }
            const double before = cost.monthly_usd;
            const std::size_t door_lines = cost.lines.size();
            add_front_door(rates, options.front_door, door, http, pr.arrived, cost);
            if (share < 1) {
              for (std::size_t i = door_lines; i < cost.lines.size(); ++i) {
                CostLine& l = cost.lines[i];
                l.quantity *= share;
                l.usd *= share;
                l.monthly_usd *= share;
              }
              // No front door again: only the totals, now of the shared lines.
              add_front_door(rates, options.front_door, FrontDoorSide::kNone, {}, pr.arrived, cost);
            }
            sys_used[q] = true;
            if (door == FrontDoorSide::kService) {
              alb_monthly += (cost.monthly_usd - before) / reps;
              sys_monthly[q] += before / reps;
            } else {
              sys_monthly[q] += cost.monthly_usd / reps;
            }
            if (rep == 0) sys_lines[q] = cost.lines;
          }
          for (std::size_t k = 0; k < n; ++k) {
            if (!where[k] || !where[k]->spill) continue;
            double spilled = 0, all = 0;
            for (const auto& f : parts[k].functions) {
              if (const auto it = sr.spilled.find(f); it != sr.spilled.end())
                spilled += static_cast<double>(it->second);
              if (const FunctionProfile* fp = so.profile->find(f))
                all += static_cast<double>(fp->invocations);
            }
            spilled_share[k] += (all > 0 ? spilled / all : 0.0) / reps;
          }
          // Each part's figures in the joint run: its functions on every side.
          for (std::size_t k = 0; k < n; ++k) {
            std::optional<QuantileSketch> lat;
            std::uint64_t arrived = 0, bad = 0, cold = 0;
            for (const auto* pr : res) {
              if (!pr) continue;
              for (const auto& f : pr->functions) {
                if (std::find(parts[k].functions.begin(), parts[k].functions.end(), f.name) ==
                    parts[k].functions.end())
                  continue;
                arrived += f.arrived;
                bad += f.outcomes.failed + f.outcomes.timed_out + f.outcomes.refused +
                       f.outcomes.expired;
                cold += f.cold;
                if (!lat) {
                  lat = f.latency_ms;
                } else {
                  lat->merge(f.latency_ms);
                }
              }
            }
            if (lat && lat->count()) joint_p99[k] += lat->quantile(0.99) / reps;
            if (arrived) {
              joint_errors[k] += static_cast<double>(bad) / static_cast<double>(arrived) / reps;
              joint_cold[k] += static_cast<double>(cold) / static_cast<double>(arrived) / reps;
            }
            joint_arrived[k] += arrived;
            // Its requests through the ALB (services' HTTP requests, spilled ones included).
            if (rep == 0 && where[k] && behind_alb(where[k]->platform)) {
              for (const auto& f : parts[k].functions)
                if (const FunctionProfile* fp = so.profile->find(f))
                  alb_requests[k] += static_cast<double>(fp->invocations - fp->message_invocations);
            }
          }
        }
      } catch (const ImpossibleError&) {
        ok = false;  // the group runs' bills stand (the platforms ran the parts there)
      } catch (const BatchCannotRunError&) {
        ok = false;
      }
      out.joint = ok && !everything.empty();
    }
    if (out.joint) {
      out.monthly_usd = alb_monthly;
      for (std::size_t q = 0; q < kSys; ++q)
        if (sys_used[q]) out.monthly_usd += sys_monthly[q];
    }
    // Which objectives part k misses in the joint run ("" when it meets them all there).
    const auto joint_misses = [&](std::size_t k) {
      std::string m;
      const Objectives& ob = parts[k].objectives;
      const auto add = [&](const std::string& what) { m += (m.empty() ? "" : ", ") + what; };
      if (ob.slo_p99_ms && joint_p99[k] > *ob.slo_p99_ms) {
        add(fmt::format("p99 {:.0f} ms above {:.0f} ms", joint_p99[k], *ob.slo_p99_ms));
      }
      if (ob.max_error_rate && joint_errors[k] > *ob.max_error_rate) {
        add(fmt::format("errors {:.2f}% above {:.2f}%", 100 * joint_errors[k],
                        100 * *ob.max_error_rate));
      }
      if (ob.max_cold_start_rate && joint_cold[k] > *ob.max_cold_start_rate) {
        add(fmt::format("cold starts {:.2f}% above {:.2f}%", 100 * joint_cold[k],
                        100 * *ob.max_cold_start_rate));
      }
      return m;
    };
    for (std::size_t k = 0; k < n; ++k) {
      PartPlacement pp;
      pp.part = parts[k].name;
      pp.functions = parts[k].functions;
      if (!choice.platform[k]) {
        pp.why = "no platform can run it";
        std::string reasons;
        for (std::size_t p = 0; p < np; ++p)
          reasons += fmt::format("{}{}: {}", reasons.empty() ? "" : "; ", platforms[p],
                                 in.alone[k][p].why);
        if (!reasons.empty()) pp.why += " (" + reasons + ")";
        out.parts.push_back(std::move(pp));
        continue;
      }
      const auto p = *choice.platform[k];
      const auto& alone = in.alone[k][p];
      const auto& fig = alone_runs[k * np + p].platforms.front().figures;
      pp.platform = platforms[p];
      pp.alone_usd = alone.monthly_usd;
      pp.p99_ms = out.joint && joint_p99[k] > 0 ? joint_p99[k] : fig.p99_ms.mean;
      pp.slo_p99_ms = parts[k].objectives.slo_p99_ms;
      pp.meets_objectives = choice.meets[k];
      const std::string joint_miss = out.joint && joint_arrived[k] ? joint_misses(k) : "";
      if (!joint_miss.empty()) {
        joint_missed[k] = pp.meets_objectives;
        pp.meets_objectives = false;
      }
      // Its share of the mix's bill: each platform's cost split among the parts that use it in
      // proportion to what each costs where it is placed alone (docs/models.md, "Placement").
      std::vector<std::size_t> mates;
      for (std::size_t j = 0; j < n; ++j)
        if (j != k && (masks[p] >> j & 1)) mates.push_back(j);
      if (!out.joint) {
        double alone_sum = 0;
        for (std::size_t j = 0; j < n; ++j)
          if (masks[p] >> j & 1) alone_sum += in.alone[j][p].monthly_usd;
        const double group_usd = group_run(p, masks[p]).platforms.front().figures.monthly_usd.mean;
        pp.monthly_usd = alone_sum > 0 ? group_usd * alone.monthly_usd / alone_sum
                                       : group_usd / static_cast<double>(mates.size() + 1);
      } else {
        const auto uses = [&](std::size_t j, std::size_t q) {
          return where[j] && (sys_index(where[j]->platform) == q ||
                              (where[j]->spill && q == sys_index(SystemPlatform::kLambda)));
        };
        // A spilling part weighs on Lambda by the share of its requests that spilled, on its
        // service by the rest.
        const auto weight = [&](std::size_t j, std::size_t q) {
          const double a = in.alone[j][*choice.platform[j]].monthly_usd;
          if (!where[j]->spill) return a;
          return q == sys_index(SystemPlatform::kLambda) ? a * spilled_share[j]
                                                         : a * (1 - spilled_share[j]);
        };
        pp.monthly_usd = 0;
        for (std::size_t q = 0; q < kSys; ++q) {
          if (!sys_used[q] || !uses(k, q)) continue;
          double sum = 0, users = 0;
          for (std::size_t j = 0; j < n; ++j) {
            if (!uses(j, q)) continue;
            sum += weight(j, q);
            users += 1;
          }
          pp.monthly_usd += sum > 0 ? sys_monthly[q] * weight(k, q) / sum : sys_monthly[q] / users;
        }
        double all_http = 0;
        for (const double r : alb_requests)
          all_http += r;
        if (all_http > 0) pp.monthly_usd += alb_monthly * alb_requests[k] / all_http;
      }
      // Why there.
      double cheapest = std::numeric_limits<double>::infinity();
      std::size_t cheapest_p = p;
      for (std::size_t q = 0; q < np; ++q) {
        const auto& x = user_excluded[k];
        if (std::find(x.begin(), x.end(), q) != x.end()) continue;  // not an option for it
        if (in.alone[k][q].meets && in.alone[k][q].monthly_usd < cheapest) {
          cheapest = in.alone[k][q].monthly_usd;
          cheapest_p = q;
        }
      }
      if (parts[k].place) {
        pp.why =
            choice.meets[k]
                ? "placed here (pinned)"
                : fmt::format("placed here (pinned), but misses its objectives: {}", alone.why);
      } else if (!choice.meets[k]) {
        pp.why = fmt::format("no platform meets its objectives; the cheapest that runs it ({})",
                             alone.why);
      } else if (cheapest_p != p && repaired_off(k, cheapest_p)) {
        pp.why = fmt::format(
            "{} ({}/month alone) was ruled out for it after the joint run: the parts sharing it "
            "missed their objectives together there",
            platforms[cheapest_p], usd_text(cheapest));
      } else if (cheapest_p == p || mates.empty()) {
        pp.why = "the cheapest that meets its objectives";
      } else {
        std::string names;
        for (const auto j : mates)
          names += (names.empty() ? "" : ", ") + parts[j].name;
        pp.why = fmt::format("shares {} with {}: cheaper together than on {} alone ({}/month)",
                             platforms[p], names, platforms[cheapest_p], usd_text(cheapest));
      }
      if (!joint_miss.empty()) {
        pp.why += fmt::format(
            "; but in the mix, run together with the other parts, it misses its "
            "objectives: {}",
            joint_miss);
      }
      if (out.joint && where[k] && where[k]->spill) {
        pp.why +=
            fmt::format("; {:.1f}% of its requests overflowed to Lambda", 100 * spilled_share[k]);
      }
      out.parts.push_back(std::move(pp));
    }
    if (out.joint) {
      for (std::size_t q = 0; q < kSys; ++q) {
        if (!sys_used[q]) continue;
        for (const auto& l : sys_lines[q])
          out.line_items.emplace_back(std::string(to_string(static_cast<SystemPlatform>(q))), l);
      }
    } else {
      for (std::size_t p = 0; p < np; ++p) {
        if (!masks[p]) continue;
        for (const auto& l : group_run(p, masks[p]).platforms.front().costs.front().lines)
          out.line_items.emplace_back(platforms[p], l);
      }
    }
    if (choice.best_single) {
      out.best_single = platforms[*choice.best_single];
      out.best_single_usd = choice.best_single_usd;
    }
    out.group_runs = groups.size();
    // The summary line.
    std::string mix;
    for (const auto& pp : out.parts)
      mix += fmt::format("{}{} on {}", mix.empty() ? "" : ", ", pp.part,
                         pp.platform.empty() ? "nothing" : pp.platform);
    std::string missing;
    for (const auto& pp : out.parts)
      if (!pp.platform.empty() && !pp.meets_objectives)
        missing += (missing.empty() ? "" : ", ") + pp.part;
    const std::string caveat =
        missing.empty() ? ""
                        : fmt::format("; not a recommendation: {} {} its objectives there", missing,
                                      missing.find(", ") == std::string::npos ? "misses" : "miss");
    if (!out.best_single) {
      out.summary = fmt::format("{}: {}/month; no single platform meets every part's objectives",
                                mix, usd_text(out.monthly_usd));
    } else if (out.monthly_usd + 0.005 < out.best_single_usd) {
      out.summary =
          fmt::format("{}: {}/month, {} less than the best single platform ({}, {})", mix,
                      usd_text(out.monthly_usd), usd_text(out.best_single_usd - out.monthly_usd),
                      *out.best_single, usd_text(out.best_single_usd));
    } else if (out.monthly_usd <= out.best_single_usd + 0.005) {
      out.summary = fmt::format("the best single platform is already optimal: {} at {}/month",
                                *out.best_single, usd_text(out.best_single_usd));
    } else {
      // Pins or exclusions kept the mix off the best single platform.
      out.summary = fmt::format(
          "{}: {}/month, {} more than the best single platform ({}, {}), which pins or "
          "exclusions rule out",
          mix, usd_text(out.monthly_usd), usd_text(out.monthly_usd - out.best_single_usd),
          *out.best_single, usd_text(out.best_single_usd));
    }
    out.summary += caveat;
    return out;
  };

  // Search and settle. While parts miss their objectives only in the joint run (sharing a
  // platform with others: Lambda's account concurrency, a cluster), try each repair — one of
  // those parts, or one of the parts it shares a platform with, ruled off its platform — search
  // again, and keep the best mix (every part meeting its objectives first, then the cheapest);
  // a few rounds at most.
  struct Attempt {
    PlacementResult out;
    std::vector<bool> missed;
    std::vector<std::vector<std::size_t>> excluded;
    std::vector<std::optional<std::size_t>> platform;
    std::string moved;
  };
  const auto attempt = [&](std::vector<std::vector<std::size_t>> excluded,
                           std::string moved) -> std::optional<Attempt> {
    in.excluded = std::move(excluded);
    PlacementChoice choice;
    try {
      choice = search_placement(in);
    } catch (const std::invalid_argument& e) {
      throw ConfigError("place", e.what());
    }
    Attempt a{settle(choice), joint_missed, in.excluded, choice.platform, std::move(moved)};
    for (const auto& pp : a.out.parts)
      if (pp.platform.empty()) return std::nullopt;  // a repair must place every part
    return a;
  };
  const auto misses = [](const Attempt& a) {
    std::size_t m = 0;
    for (const auto& pp : a.out.parts)
      m += !pp.meets_objectives;
    return m;
  };
  const auto better = [&](const Attempt& a, const Attempt& b) {
    const auto ma = misses(a), mb = misses(b);
    return ma != mb ? ma < mb : a.out.monthly_usd + 0.005 < b.out.monthly_usd;
  };
  // The sides of a placement's platform: "fargate+lambda" runs on fargate and lambda.
  const auto shares_side = [&](std::size_t p, std::size_t q) {
    const auto sides = [&](std::size_t x) {
      const auto& name = platforms[x];
      const auto plus = name.find('+');
      return plus == std::string::npos
                 ? std::vector<std::string>{name}
                 : std::vector<std::string>{name.substr(0, plus), name.substr(plus + 1)};
    };
    for (const auto& a : sides(p))
      for (const auto& b : sides(q))
        if (a == b) return true;
    return false;
  };
  std::optional<Attempt> first = attempt(in.excluded, "");
  if (!first) {  // a part no platform can run: said in its row
    in.excluded = user_excluded;
    PlacementChoice choice = search_placement(in);
    return settle(choice);
  }
  Attempt best = std::move(*first);
  for (int round = 0; round < 3 && best.out.joint; ++round) {
    // The repairs: each part that missed only in the joint run, and each unpinned part sharing
    // a platform's side with it, off its platform.
    std::set<std::pair<std::size_t, std::size_t>> repairs;
    for (std::size_t k = 0; k < n; ++k) {
      if (!best.missed[k] || !best.platform[k]) continue;
      for (std::size_t j = 0; j < n; ++j) {
        if (parts[j].place || !best.platform[j]) continue;
        if (j == k || shares_side(*best.platform[j], *best.platform[k]))
          repairs.emplace(j, *best.platform[j]);
      }
    }
    std::optional<Attempt> next;
    for (const auto& [j, p] : repairs) {
      auto excluded = best.excluded;
      excluded[j].push_back(p);
      auto a = attempt(std::move(excluded),
                       best.moved + fmt::format("{}{} off {}", best.moved.empty() ? "" : ", ",
                                                parts[j].name, platforms[p]));
      if (a && (!next || better(*a, *next))) next = std::move(a);
    }
    if (!next || !better(*next, best)) break;
    best = std::move(*next);
  }
  in.excluded = best.excluded;
  PlacementResult out = std::move(best.out);
  if (!best.moved.empty()) {
    out.summary += fmt::format(
        " (searched again after the joint run, where parts sharing a platform missed their "
        "objectives together: {})",
        best.moved);
  }
  return out;
}

}  // namespace slsim
