#pragma once
/// Events of the discrete-event engine.
///
/// Design notes: an event is a small trivially copyable value. The engine orders events by
/// (time, sequence); the sequence is assigned by the queue at insertion, so events at equal times
/// pop in insertion order (FIFO) and a run is deterministic. Nothing is erased from the queue:
/// a component that wants to cancel a scheduled event bumps its own generation counter and
/// ignores events whose `generation` no longer matches (see `Generation`).

#include <cstdint>
#include <type_traits>

#include "slsim/core/time.hpp"

namespace slsim {

/// Index of a component registered with a Simulation.
using ComponentId = std::uint32_t;

/// A scheduled event. `kind` and `arg` are the target component's to interpret
/// (typically its own event enum and an index into its state vectors).
struct Event {
  TimePoint time{};              ///< when the event fires
  std::uint64_t sequence = 0;    ///< insertion order, assigned by the queue
  std::uint64_t arg = 0;         ///< component-defined payload (e.g. an instance index)
  ComponentId target = 0;        ///< component that handles the event
  std::uint32_t kind = 0;        ///< component-defined event kind
  std::uint32_t generation = 0;  ///< for cancellation by generation counter
};

static_assert(std::is_trivially_copyable_v<Event>);
static_assert(sizeof(Event) <= 40);

/// Strict order of events: earlier time first, then earlier insertion.
/// Compiled as one 128-bit comparison (no data-dependent branch), which matters in the heap.
constexpr bool fires_before(const Event& a, const Event& b) {
  using U = __uint128_t;
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;  // order signed times as unsigned
  const U ka =
      (U(static_cast<std::uint64_t>(a.time.time_since_epoch().count()) ^ kSign) << 64) | a.sequence;
  const U kb =
      (U(static_cast<std::uint64_t>(b.time.time_since_epoch().count()) ^ kSign) << 64) | b.sequence;
  return ka < kb;
}

/// Generation counter for cancelling scheduled events without erasing them.
/// Schedule with `current()`, call `cancel_all()` to invalidate what is outstanding, and test
/// `is_current(ev.generation)` in the handler.
class Generation {
 public:
  std::uint32_t current() const { return value_; }
  void cancel_all() { ++value_; }
  bool is_current(std::uint32_t g) const { return g == value_; }

 private:
  std::uint32_t value_ = 0;
};

}  // namespace slsim
