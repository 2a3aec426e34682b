#include "slsim/core/simulation.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace slsim {

ComponentId Simulation::add(Component& c) {
  components_.push_back(&c);
  return static_cast<ComponentId>(components_.size() - 1);
}

namespace {
Event make_event(TimePoint t, ComponentId target, std::uint32_t kind, std::uint64_t arg,
                 std::uint32_t generation) {
  Event ev;
  ev.time = t;
  ev.target = target;
  ev.kind = kind;
  ev.arg = arg;
  ev.generation = generation;
  return ev;
}
[[noreturn, gnu::cold, gnu::noinline]] void refuse(TimePoint t, TimePoint now, ComponentId target) {
  if (t < now) {
    throw std::logic_error(fmt::format("Simulation: cannot schedule at {} us, before now ({} us)",
                                       t.time_since_epoch().count(),
                                       now.time_since_epoch().count()));
  }
  throw std::logic_error(fmt::format("Simulation: unknown component id {}", target));
}
}  // namespace

// The one check of a time and a target (the error path out of line: the hot path is two
// compares).
inline void Simulation::check(TimePoint t, ComponentId target) const {
  if (t < now_ || target >= components_.size()) [[unlikely]]
    refuse(t, now_, target);
}

void Simulation::schedule_last_at(TimePoint t, ComponentId target, std::uint32_t kind,
                                  std::uint64_t arg, std::uint32_t generation) {
  check(t, target);
  queue_.push_last(make_event(t, target, kind, arg, generation));
}

void Simulation::schedule_at(TimePoint t, ComponentId target, std::uint32_t kind, std::uint64_t arg,
                             std::uint32_t generation) {
  check(t, target);
  queue_.push(make_event(t, target, kind, arg, generation));
}

void Simulation::dispatch(const Event& ev) {
  now_ = ev.time;
  ++processed_;
  components_[ev.target]->handle(ev, *this);
}

bool Simulation::step() {
  if (queue_.empty()) return false;
  dispatch(queue_.pop());
  return true;
}

void Simulation::run() {
  stop_requested_ = false;
  while (!stop_requested_ && !queue_.empty())
    dispatch(queue_.pop());
}

void Simulation::run_until(TimePoint t) {
  stop_requested_ = false;
  while (!stop_requested_ && !queue_.empty() && queue_.top().time <= t)
    dispatch(queue_.pop());
  if (!stop_requested_ && now_ < t) now_ = t;
}

}  // namespace slsim
