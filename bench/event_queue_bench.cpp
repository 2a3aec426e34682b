// BM_EventQueue_*: the engine's priority queue under a hold model (pop one, push one later),
// the access pattern of a discrete-event simulation at steady state.
#include <benchmark/benchmark.h>

#include <vector>

#include "slsim/core/event_queue.hpp"
#include "slsim/core/rng.hpp"
#include "slsim/core/simulation.hpp"

namespace {

std::vector<slsim::Duration> deltas(std::size_t n) {
  slsim::RngStream rng(1);
  std::vector<slsim::Duration> d(n);
  for (auto& x : d)
    x = slsim::Duration{static_cast<std::int64_t>(rng.exponential(1e6))};
  return d;
}

// One iteration = one pop + one push (a "pair"). Reported as items (pairs) per second.
void BM_EventQueue_PushPop(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto d = deltas(4096);
  slsim::EventQueue q;
  q.reserve(size + 1);
  for (std::size_t i = 0; i < size; ++i) {
    slsim::Event e;
    e.time = slsim::TimePoint{d[i % d.size()] * static_cast<std::int64_t>(i % 7 + 1)};
    q.push(e);
  }
  std::size_t k = 0;
  for (auto _ : state) {
    slsim::Event e = q.pop();
    e.time += d[k++ & 4095];
    q.push(e);
  }
  benchmark::DoNotOptimize(q.top());
  state.SetItemsProcessed(state.iterations());
  state.counters["queue_size"] = static_cast<double>(size);
}
BENCHMARK(BM_EventQueue_PushPop)->Arg(16)->Arg(1 << 10)->Arg(100'000);

// The full loop: schedule + dispatch through a virtual Component::handle.
struct Hold : slsim::Component {
  std::vector<slsim::Duration> d = deltas(4096);
  std::size_t k = 0;
  void handle(const slsim::Event& ev, slsim::Simulation& sim) override {
    sim.schedule_in(d[k++ & 4095], ev.target, 0);
  }
};

void BM_Simulation_HoldModel(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  slsim::Simulation sim;
  Hold h;
  const auto id = sim.add(h);
  for (std::size_t i = 0; i < size; ++i)
    sim.schedule_in(h.d[i % 4096], id, 0);
  for (auto _ : state)
    sim.step();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Simulation_HoldModel)->Arg(1 << 10);

}  // namespace
