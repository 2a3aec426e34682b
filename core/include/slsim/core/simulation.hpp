#pragma once
/// The discrete-event simulation loop.
///
/// Design notes: components register with a Simulation and receive the events targeted at them
/// through `Component::handle`. The loop pops the earliest event, advances `now()` to its time and
/// dispatches it. There is no global state: two Simulations in two threads share nothing.
/// `run_until(t)` processes every event with time <= t and then leaves the clock at t.

#include <cstdint>
#include <string>
#include <vector>

#include "slsim/core/event_queue.hpp"

namespace slsim {

class Simulation;

/// Something that handles events. Implementations keep their state in their own members and
/// switch over their own event-kind enum.
class Component {
 public:
  virtual ~Component() = default;
  virtual void handle(const Event& ev, Simulation& sim) = 0;
};

class Simulation {
 public:
  Simulation() = default;
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Registers a component (not owned; it must outlive the run) and returns its id.
  ComponentId add(Component& c);

  /// Schedules an event at absolute time `t`. Throws std::logic_error if t < now()
  /// (the past cannot be changed).
  void schedule_at(TimePoint t, ComponentId target, std::uint32_t kind, std::uint64_t arg = 0,
                   std::uint32_t generation = 0);

  /// Schedules an end-of-instant event at `t`: it fires after every ordinary event at `t`,
  /// including those scheduled at `t` while it waits (a component that must act once the
  /// instant is over, such as Batch releasing the calls held by its SubmitJob backlog).
  /// Throws std::logic_error if t < now().
  void schedule_last_at(TimePoint t, ComponentId target, std::uint32_t kind, std::uint64_t arg = 0,
                        std::uint32_t generation = 0);

  /// Schedules an event `delay` after now(). Throws std::logic_error for a negative delay.
  void schedule_in(Duration delay, ComponentId target, std::uint32_t kind, std::uint64_t arg = 0,
                   std::uint32_t generation = 0) {
    schedule_at(now_ + delay, target, kind, arg, generation);
  }

  /// Processes the earliest event. Returns false (and does nothing) when no event is pending.
  bool step();

  /// Processes events until none is pending or stop() is called.
  void run();

  /// Processes every event with time <= t (unless stop() is called), then sets now() to t if
  /// that is later. Events after t stay queued, so a later run_until/run continues exactly.
  void run_until(TimePoint t);

  /// Asks run()/run_until() to return after the event being handled.
  void stop() { stop_requested_ = true; }

  /// Current simulated time: the time of the event being (or last) handled.
  TimePoint now() const { return now_; }
  /// Number of events dispatched so far.
  std::uint64_t events_processed() const { return processed_; }
  /// Number of events waiting.
  std::size_t pending() const { return queue_.size(); }
  /// Time of the next pending event. Precondition: pending() > 0.
  TimePoint next_time() const { return queue_.top().time; }

 private:
  void dispatch(const Event& ev);
  /// Throws std::logic_error for a time before now() or an unknown component.
  void check(TimePoint t, ComponentId target) const;

  EventQueue queue_;
  std::vector<Component*> components_;
  TimePoint now_{};
  std::uint64_t processed_ = 0;
  bool stop_requested_ = false;
};

}  // namespace slsim
