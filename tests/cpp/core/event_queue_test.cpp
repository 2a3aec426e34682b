#include "slsim/core/event_queue.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "slsim/core/rng.hpp"

using namespace slsim;

namespace {
Event at(std::int64_t us, std::uint64_t arg) {
  Event e;
  e.time = TimePoint{Duration{us}};
  e.arg = arg;
  return e;
}
}  // namespace

TEST_CASE("EventQueue: pops in time order", "[core]") {
  EventQueue q;
  RngStream rng(7);
  std::vector<std::int64_t> times;
  for (int i = 0; i < 5000; ++i) {
    const auto t = static_cast<std::int64_t>(rng.below(1000));
    times.push_back(t);
    q.push(at(t, static_cast<std::uint64_t>(i)));
  }
  std::sort(times.begin(), times.end());
  for (auto t : times) {
    REQUIRE_FALSE(q.empty());
    CHECK(q.pop().time.time_since_epoch().count() == t);
  }
  CHECK(q.empty());
}

TEST_CASE("EventQueue: equal times pop in insertion order (FIFO)", "[core]") {
  EventQueue q;
  RngStream rng(11);
  // Many ties at a few distinct times, pushed interleaved.
  for (std::uint64_t i = 0; i < 3000; ++i)
    q.push(at(static_cast<std::int64_t>(rng.below(5)), i));
  std::int64_t last_t = -1;
  std::uint64_t last_arg = 0;
  while (!q.empty()) {
    Event e = q.pop();
    const auto t = e.time.time_since_epoch().count();
    if (t == last_t) {
      CHECK(e.arg > last_arg);  // inserted later
    } else {
      CHECK(t > last_t);
    }
    last_t = t;
    last_arg = e.arg;
  }
}

TEST_CASE("EventQueue: interleaved push and pop keeps the order", "[core]") {
  EventQueue q;
  RngStream rng(3);
  std::int64_t now = 0;
  for (int i = 0; i < 100; ++i)
    q.push(at(static_cast<std::int64_t>(rng.below(100)), 0));
  for (int i = 0; i < 100000; ++i) {
    Event e = q.pop();
    REQUIRE(e.time.time_since_epoch().count() >= now);
    now = e.time.time_since_epoch().count();
    q.push(at(now + static_cast<std::int64_t>(rng.below(100)), 0));
  }
  CHECK(q.size() == 100);
  CHECK(q.pushed() == 100100);
}

TEST_CASE("EventQueue: top and pop on an empty queue throw", "[core]") {
  EventQueue q;
  CHECK_THROWS_AS(q.pop(), std::logic_error);
  CHECK_THROWS_AS(q.top(), std::logic_error);
}
