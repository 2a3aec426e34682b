#pragma once
// The driver: streams a workload into the platform components that run it. Private to
// models/ (the public calls are simulate_lambda/containers/batch and simulate_system).
//
// Design notes: the engine owns time; a platform model answers events and accepts arrivals. The
// driver reads one invocation ahead (no further), runs the simulation to that arrival's time
// (events at the same time go first), then hands the arrival to its sink: one model in a
// single-platform run, the router of a system (system.cpp) in a joint run. Each model sees its
// own arrivals in order and never reads the workload. What the driver holds is the one
// lookahead anybody has: `Lookahead` (whether another arrival follows, and when), which a model
// may read where it used to peek at its own next arrival — in a joint run it is a lower bound on
// a part's next arrival, not that arrival. A sink may hold the workload (`hold_until`): Batch
// does, in a single-platform run, while its SubmitJob calls wait for the quota, so the calls
// behind them stay unread and memory does not grow with the backlog; in a joint run the router
// never holds (the other parts' arrivals cannot wait) and Batch keeps its own buffer.
//
// Sink interface (a template parameter, so a single-platform run calls its model directly):
//   void begin(const Invocation* first);  before any event of the run (first: null when empty)
//   TimePoint hold_until() const;          read no further before this time (min(): no hold)
//   void accept(const Invocation& inv);    at now() == inv.arrival, after the events at that
//                                          time (later than its arrival while held)
//   void instant_done();                   every arrival at now() was handed over
//   void end_of_arrivals();                no more arrivals will come
// After end_of_arrivals the driver runs the simulation until no event is left; a model that is
// done ignores its events from then on (it keeps its own end time for its result).

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "slsim/core/simulation.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

/// The driver's view of the workload ahead: whether another arrival follows and its time.
struct Lookahead {
  bool more = false;
  TimePoint next{};
  /// The arrival held (valid while `more`): for an error that names what is ahead (Batch's
  /// synchronous functions), never for simulating.
  const Invocation* held = nullptr;
};

/// Streams `src` into `sink` on `sim` and runs the simulation to its end. Throws
/// std::logic_error when the workload is not sorted by arrival, and whatever the source or the
/// sink throws.
template <class Sink>
void drive(Simulation& sim, WorkloadSource& src, Sink& sink, Lookahead& ahead) {
  // Two slots, swapped: the arrival handed over and the one read ahead (no copy per arrival).
  Invocation slots[2]{};
  Invocation* next = &slots[0];
  Invocation* cur = &slots[1];
  TimePoint last{};
  auto pull = [&] {
    ahead.held = next;
    ahead.more = src.next(*next);
    if (!ahead.more) return;
    if (next->arrival < last) throw std::logic_error("the workload is not sorted by arrival");
    last = next->arrival;
    ahead.next = next->arrival;
  };
  pull();
  sink.begin(ahead.more ? next : nullptr);
  while (ahead.more) {
    // A held workload: an arrival read late (it came during the hold) goes before the events
    // at now, as it would have been read before them.
    for (;;) {
      const TimePoint hold = sink.hold_until();
      if (hold <= sim.now() && next->arrival < sim.now()) break;
      sim.run_until(std::max(next->arrival, hold));
      if (sink.hold_until() <= sim.now()) break;
    }
    std::swap(cur, next);
    pull();
    sink.accept(*cur);
    if (!ahead.more || ahead.next > sim.now()) sink.instant_done();
  }
  sink.end_of_arrivals();
  sim.run();
}

}  // namespace slsim
