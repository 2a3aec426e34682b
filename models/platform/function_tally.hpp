#pragma once
// Per-function figures as a model counts them (PlatformResult::functions). Private to models/.
//
// Design notes: a model keeps one FunctionTally per function in a flat vector and counts an
// arrival's arrival, terminal state and cold start in it on the same line as the platform's own
// count. Latencies are kept only here, completed and not apart (one sketch insertion per
// invocation, as before): the platform's `latency_completed_ms` and `latency_ms` are the merge
// of its functions' sketches at the end (lossless: the same buckets), so the two cannot disagree.

#include <fmt/format.h>

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

/// Merges the tallies (`tally(id)`: the function's, or null when it never arrived) into the
/// platform's latency sketches and fills `res.functions` with the functions of `table` that the
/// part owns. Throws std::logic_error when the functions' counts do not add up to the
/// platform's (a model counted an arrival in one place and not the other).
template <class TallyOf>
void record_functions(PlatformResult& res, const FunctionTable& table, const PartContext& ctx,
                      TallyOf&& tally) {
  QuantileSketch other;
  Outcomes sum;
  std::uint64_t arrived = 0;
  res.functions.clear();
  res.functions.reserve(table.size());
  for (FunctionId id = 0; id < table.size(); ++id) {
    const FunctionTally* t = tally(id);
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
      arrived += t->arrived;
      sum.completed += t->outcomes.completed;
      sum.failed += t->outcomes.failed;
      sum.timed_out += t->outcomes.timed_out;
      sum.refused += t->outcomes.refused;
      sum.expired += t->outcomes.expired;
      sum.unfinished += t->outcomes.unfinished;
    }
    res.functions.push_back(std::move(f));
  }
  res.latency_ms = res.latency_completed_ms;
  res.latency_ms.merge(other);
  const Outcomes& o = res.outcomes;
  if (arrived != res.arrived || sum.completed != o.completed || sum.failed != o.failed ||
      sum.timed_out != o.timed_out || sum.refused != o.refused || sum.expired != o.expired ||
      sum.unfinished != o.unfinished) {
    throw std::logic_error(fmt::format(
        "{} model: per-function counts ({} arrived, {} ended) differ from the platform's ({}, {})",
        res.platform, arrived, sum.total(), res.arrived, o.total()));
  }
}

}  // namespace slsim
