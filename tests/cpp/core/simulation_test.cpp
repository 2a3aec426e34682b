#include "slsim/core/simulation.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <deque>
#include <thread>
#include <vector>

#include "slsim/core/confidence.hpp"
#include "slsim/core/rng.hpp"
#include "slsim/core/stats.hpp"

using namespace slsim;

namespace {

// Records (time, arg) of every event it receives; optionally schedules follow-ups.
struct Recorder : Component {
  std::vector<std::pair<std::int64_t, std::uint64_t>> seen;
  void handle(const Event& ev, Simulation& sim) override {
    seen.emplace_back(sim.now().time_since_epoch().count(), ev.arg);
    if (ev.kind == 1) sim.schedule_in(Duration{0}, ev.target, 0, ev.arg + 1000);
  }
};

TimePoint us(std::int64_t v) {
  return TimePoint{Duration{v}};
}

// M/M/c FIFO queue built on the engine. Waits are recorded in seconds.
class MMc : public Component {
 public:
  enum Kind : std::uint32_t { kArrival, kDeparture };
  MMc(Simulation& sim, double lambda, double mu, int c, std::uint64_t seed, std::uint64_t n)
      : sim_(sim),
        lambda_(lambda),
        mu_(mu),
        c_(c),
        arrivals_rng_(seed, 1),
        service_rng_(seed, 2),
        to_generate_(n) {
    id_ = sim_.add(*this);
    sim_.schedule_in(from_seconds(arrivals_rng_.exponential(1 / lambda_)), id_, kArrival);
  }
  void handle(const Event& ev, Simulation& sim) override {
    switch (static_cast<Kind>(ev.kind)) {
      case kArrival:
        busy_.set(sim.now(), busy_.value());
        if (--to_generate_ > 0) {
          sim.schedule_in(from_seconds(arrivals_rng_.exponential(1 / lambda_)), id_, kArrival);
        }
        if (in_service_ < c_) {
          start(sim.now());
        } else {
          queue_.push_back(sim.now());
        }
        break;
      case kDeparture:
        --in_service_;
        busy_.add(sim.now(), -1);
        if (!queue_.empty()) {
          start(queue_.front());
          queue_.pop_front();
        }
        break;
    }
  }
  RunningStats waits;
  TimeWeighted busy_;

 private:
  void start(TimePoint arrived) {
    if (++started_ > kWarmup) waits.add(to_seconds(sim_.now() - arrived));
    ++in_service_;
    busy_.add(sim_.now(), 1);
    sim_.schedule_in(from_seconds(service_rng_.exponential(1 / mu_)), id_, kDeparture);
  }
  Simulation& sim_;
  double lambda_, mu_;
  int c_;
  RngStream arrivals_rng_, service_rng_;
  std::uint64_t to_generate_;
  ComponentId id_ = 0;
  int in_service_ = 0;
  static constexpr std::uint64_t kWarmup = 1000;  // customers dropped from the statistics
  std::uint64_t started_ = 0;
  std::deque<TimePoint> queue_;
};

// Erlang C: probability that an arrival waits, M/M/c with offered load a = lambda/mu.
double erlang_c(int c, double a) {
  double term = 1.0, sum = 1.0;  // sum_{k=0}^{c-1} a^k/k!
  for (int k = 1; k < c; ++k) {
    term *= a / k;
    sum += term;
  }
  const double last = term * a / c;  // a^c / c!
  const double rho = a / c;
  const double top = last / (1 - rho);
  return top / (sum + top);
}

std::vector<double> run_mmc_waits(std::uint64_t seed) {
  Simulation sim;
  MMc q(sim, 8.0, 1.0, 10, seed, 2000);
  sim.run();
  std::vector<double> out;
  out.push_back(q.waits.mean());
  out.push_back(static_cast<double>(sim.events_processed()));
  out.push_back(to_seconds(sim.now()));
  return out;
}

}  // namespace

TEST_CASE("Simulation: dispatches in (time, insertion) order and advances now()", "[core]") {
  Simulation sim;
  Recorder r;
  const auto id = sim.add(r);
  sim.schedule_at(us(30), id, 0, 1);
  sim.schedule_at(us(10), id, 0, 2);
  sim.schedule_at(us(30), id, 0, 3);
  sim.schedule_at(us(10), id, 1, 4);  // schedules a zero-delay follow-up (arg 1004) at t=10
  sim.run();
  const std::vector<std::pair<std::int64_t, std::uint64_t>> want{
      {10, 2}, {10, 4}, {10, 1004}, {30, 1}, {30, 3}};
  CHECK(r.seen == want);
  CHECK(sim.events_processed() == 5);
  CHECK(sim.now() == us(30));
  CHECK_FALSE(sim.step());
}

TEST_CASE("Simulation: run_until processes events at or before t and leaves the clock at t",
          "[core]") {
  Simulation sim;
  Recorder r;
  const auto id = sim.add(r);
  for (std::int64_t t : {5, 10, 15, 20})
    sim.schedule_at(us(t), id, 0, static_cast<std::uint64_t>(t));
  sim.run_until(us(10));
  REQUIRE(r.seen.size() == 2);  // 5 and 10 (inclusive)
  CHECK(sim.now() == us(10));
  sim.run_until(us(12));  // no event in (10, 12]: the clock still moves to 12
  CHECK(r.seen.size() == 2);
  CHECK(sim.now() == us(12));
  CHECK(sim.pending() == 2);
  CHECK(sim.next_time() == us(15));
  sim.run_until(us(100));
  CHECK(r.seen.size() == 4);
  CHECK(sim.now() == us(100));
  // Scheduling in the past is refused.
  CHECK_THROWS_AS(sim.schedule_at(us(99), id, 0), std::logic_error);
  CHECK_THROWS_AS(sim.schedule_in(Duration{-1}, id, 0), std::logic_error);
  CHECK_THROWS_AS(sim.schedule_in(Duration{1}, id + 1, 0), std::logic_error);
}

TEST_CASE("Simulation: stop() ends run() after the current event", "[core]") {
  struct Stopper : Component {
    int n = 0;
    void handle(const Event&, Simulation& sim) override {
      if (++n == 3) sim.stop();
    }
  } s;
  Simulation sim;
  const auto id = sim.add(s);
  for (int i = 0; i < 10; ++i)
    sim.schedule_at(us(i), id, 0);
  sim.run();
  CHECK(s.n == 3);
  CHECK(sim.pending() == 7);
  sim.run();  // resumes
  CHECK(s.n == 10);
}

TEST_CASE("Simulation: cancellation by generation counter", "[core]") {
  struct Timer : Component {
    Generation gen;
    int fired = 0;
    void handle(const Event& ev, Simulation&) override {
      if (gen.is_current(ev.generation)) ++fired;
    }
  } t;
  Simulation sim;
  const auto id = sim.add(t);
  sim.schedule_at(us(10), id, 0, 0, t.gen.current());
  sim.schedule_at(us(20), id, 0, 0, t.gen.current());
  t.gen.cancel_all();  // both outstanding timers are now stale
  sim.schedule_at(us(30), id, 0, 0, t.gen.current());
  sim.run();
  CHECK(sim.events_processed() == 3);  // stale events still pop...
  CHECK(t.fired == 1);                 // ...but are ignored
}

TEST_CASE("Simulation: same seed gives the same bits, in any thread", "[core]") {
  const auto a = run_mmc_waits(42);
  const auto b = run_mmc_waits(42);
  CHECK(a == b);  // exact equality, not approximate
  CHECK(run_mmc_waits(43) != a);
  std::vector<double> t1, t2;
  std::thread th1([&] { t1 = run_mmc_waits(42); });
  std::thread th2([&] { t2 = run_mmc_waits(42); });
  th1.join();
  th2.join();
  CHECK(t1 == a);
  CHECK(t2 == a);
}

TEST_CASE("Simulation: M/M/c mean wait matches Erlang C within the 99% CI", "[core][validation]") {
  const double lambda = 8.0, mu = 1.0;
  const int c = 10;
  const double wq = erlang_c(c, lambda / mu) / (c * mu - lambda);  // Erlang C mean wait
  std::vector<double> means;
  std::vector<double> utilisation;
  for (std::uint64_t rep = 0; rep < 30; ++rep) {
    Simulation sim;
    MMc q(sim, lambda, mu, c, 1000 + rep, 40000);
    sim.run();
    means.push_back(q.waits.mean());
    utilisation.push_back(q.busy_.mean(sim.now()) / c);
  }
  const auto ci = confidence_interval(means, 0.99);
  INFO("Erlang C Wq = " << wq << ", simulated " << ci.mean << " +- " << ci.half_width);
  CHECK(ci.contains(wq));
  CHECK(ci.half_width < 0.1 * wq);  // the interval is tight enough to mean something
  // Utilisation = rho (Little's law on the servers).
  const auto u = confidence_interval(utilisation, 0.99);
  INFO("utilisation " << u.mean << " +- " << u.half_width);
  CHECK(u.contains(lambda / mu / c));
}

TEST_CASE("Simulation: an end-of-instant event fires after every ordinary event at its time",
          "[core]") {
  Simulation sim;
  Recorder r;
  const auto id = sim.add(r);
  sim.schedule_last_at(us(10), id, 0, 1);
  sim.schedule_at(us(10), id, 0, 2);
  sim.schedule_at(us(10), id, 1, 3);       // its zero-delay follow-up (1003) still comes before 1
  sim.schedule_last_at(us(10), id, 0, 4);  // end-of-instant events keep their insertion order
  sim.schedule_at(us(11), id, 0, 5);
  sim.schedule_at(us(9), id, 0, 6);
  sim.run();
  const std::vector<std::pair<std::int64_t, std::uint64_t>> want{
      {9, 6}, {10, 2}, {10, 3}, {10, 1003}, {10, 1}, {10, 4}, {11, 5}};
  CHECK(r.seen == want);
  CHECK_THROWS_AS(sim.schedule_last_at(us(5), id, 0), std::logic_error);
}
