#pragma once
// Per-function figures as a model counts them (PlatformResult::functions). Private to models/.
//
// Design notes: a model keeps its tallies in a FunctionTallies and counts an arrival's arrival,
// terminal state and cold start in `tallies[function]` on the same line as the platform's own
// count. Latencies are kept only here, completed and not apart (one sketch insertion per
// invocation, as before): the platform's `latency_completed_ms` and `latency_ms` are the merge
// of the tallies' sketches at the end (lossless: the same buckets), so the two cannot disagree.
// Per-function figures are opt-in (the options' `record_functions`, a limit on the functions):
// off, or once the run meets more functions than the limit, every function shares one tally
// (`tallies[id]` is then slot 0 for every id, no branch), so a run of many functions costs what
// a run of one does; the platform's figures are the same numbers either way.

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "platform_part.hpp"
#include "slsim/platform/result.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

struct FunctionTally {
  std::uint64_t arrived = 0, cold = 0;
  Outcomes outcomes;
  QuantileSketch latency_completed, latency_other;
};

/// Adds `from`'s counts and sketches to `to`.
inline void add_tally(FunctionTally& to, const FunctionTally& from) {
  to.arrived += from.arrived;
  to.cold += from.cold;
  to.outcomes.completed += from.outcomes.completed;
  to.outcomes.failed += from.outcomes.failed;
  to.outcomes.timed_out += from.outcomes.timed_out;
  to.outcomes.refused += from.outcomes.refused;
  to.outcomes.expired += from.outcomes.expired;
  to.outcomes.unfinished += from.outcomes.unfinished;
  to.latency_completed.merge(from.latency_completed);
  to.latency_other.merge(from.latency_other);
}

/// A model's tallies by FunctionId: one per function met while the run has met at most `limit`
/// functions (the options' `record_functions`), else one for them all.
class FunctionTallies {
 public:
  explicit FunctionTallies(std::size_t limit) : t_(1), limit_(limit), step_(limit > 0 ? 1 : 0) {}
  /// A model calls it once per function, when it first meets it, before counting in it. The
  /// function past the limit folds every tally into one (once per run).
  void meet(FunctionId id) {
    if (!step_) return;
    if (++met_ > limit_) {
      FunctionTally all;
      for (const auto& t : t_)
        add_tally(all, t);
      t_.clear();
      t_.shrink_to_fit();
      t_.push_back(std::move(all));
      step_ = 0;
      return;
    }
    if (id >= t_.size()) t_.resize(static_cast<std::size_t>(id) + 1);
  }
  /// The tally function `id` counts in (met already): its own, or the shared one.
  FunctionTally& operator[](FunctionId id) { return t_[static_cast<std::size_t>(id) * step_]; }
  const FunctionTally& operator[](FunctionId id) const {
    return t_[static_cast<std::size_t>(id) * step_];
  }
  /// True while every function met has its own tally.
  bool per_function() const { return step_ != 0; }
  std::size_t size() const { return t_.size(); }

 private:
  std::vector<FunctionTally> t_;
  std::size_t limit_, met_ = 0;
  std::uint32_t step_;
};

/// Merges the tallies into the platform's latency sketches and, when they are per function,
/// fills `res.functions` with the functions of `table` that the part owns (`met(id)`: whether
/// the model met function `id`; its tally is `tallies[id]`); else `res.functions` stays empty.
/// Throws std::logic_error when the tallies' counts do not add up to the platform's (a model
/// counted an arrival in one place and not the other).
template <class Met>
void record_functions(PlatformResult& res, const FunctionTable& table, const PartContext& ctx,
                      const FunctionTallies& tallies, Met&& met) {
  QuantileSketch other;
  FunctionTally sum;  // counts only
  res.functions.clear();
  if (!tallies.per_function()) {
    const FunctionTally& t = tallies[0];
    res.latency_completed_ms.merge(t.latency_completed);
    other.merge(t.latency_other);
    sum.arrived = t.arrived;
    sum.outcomes = t.outcomes;
  } else {
    res.functions.reserve(table.size());
    for (FunctionId id = 0; id < table.size(); ++id) {
      const FunctionTally* t = id < tallies.size() && met(id) ? &tallies[id] : nullptr;
      if (!t && !ctx.owned(table[id].name)) continue;
      FunctionFigures f;
      f.name = table[id].name;
      if (t) {
        res.latency_completed_ms.merge(t->latency_completed);
        other.merge(t->latency_other);
        f.arrived = t->arrived;
        f.outcomes = t->outcomes;
        f.cold = t->cold;
        f.latency_ms = t->latency_completed;
        f.latency_ms.merge(t->latency_other);
        sum.arrived += t->arrived;
        sum.outcomes.completed += t->outcomes.completed;
        sum.outcomes.failed += t->outcomes.failed;
        sum.outcomes.timed_out += t->outcomes.timed_out;
        sum.outcomes.refused += t->outcomes.refused;
        sum.outcomes.expired += t->outcomes.expired;
        sum.outcomes.unfinished += t->outcomes.unfinished;
      }
      res.functions.push_back(std::move(f));
    }
  }
  const std::uint64_t arrived = sum.arrived;
  const Outcomes& s = sum.outcomes;
  res.latency_ms = res.latency_completed_ms;
  res.latency_ms.merge(other);
  const Outcomes& o = res.outcomes;
  if (arrived != res.arrived || s.completed != o.completed || s.failed != o.failed ||
      s.timed_out != o.timed_out || s.refused != o.refused || s.expired != o.expired ||
      s.unfinished != o.unfinished) {
    throw std::logic_error(fmt::format(
        "{} model: per-function counts ({} arrived, {} ended) differ from the platform's ({}, {})",
        res.platform, arrived, s.total(), res.arrived, o.total()));
  }
}

}  // namespace slsim
