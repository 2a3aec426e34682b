// The placement search (slsim/compare/placement.hpp): exact over every assignment of feasible
// platforms while that is small, else a local search from several starts.
#include "slsim/compare/placement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

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
    bool all = true;
    for (std::size_t k = 0; k < n && all; ++k)
      all = in.alone[k][p].meets;
    if (!all) continue;
    const double c = s.group(p, n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1);
    if (!out.best_single || c < out.best_single_usd) {
      out.best_single = p;
      out.best_single_usd = c;
    }
  }
  out.group_runs = s.group_runs();
  return out;
}

}  // namespace slsim
