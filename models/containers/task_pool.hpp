#pragma once
// Task pool: tasks and the requests they serve, with processor sharing on the task's vCPUs.
//
// Design notes: a task serving n requests shares its vCPUs among the requests in their CPU part
// (all n when the work is all CPU: vcpu / n each; fewer, by a mean-field estimate, when part of
// each request waits on I/O). A request's solo duration S (its trace duration rescaled to the
// task's full vCPUs) stretches by factor(n): its I/O part unchanged, its CPU part by
// scale_to_vcpu's factor from the solo share to the shared one (the same duration model and
// parameters Lambda uses; slsim/platform/duration_model.hpp). Every request on a task
// then progresses at the same rate 1 / factor(n), so one virtual clock per task (solo
// microseconds served per request) orders their completions exactly: a request admitted at
// virtual time v finishes when the clock reaches v + S. Only the task's next completion is
// scheduled; a change of n reschedules it (older events are cancelled by a generation count).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "slsim/core/time.hpp"
#include "slsim/platform/duration_model.hpp"

namespace slsim::containers {

/// factor(n) and the CPU used (vCPUs) with n requests on a task, for n = 0..concurrency.
struct SharingTable {
  std::vector<double> factor;    // wall time per solo microsecond
  std::vector<double> cpu_used;  // vCPUs busy

  SharingTable() = default;
  SharingTable(double vcpu, std::uint32_t concurrency, double c, double p) {
    factor.assign(concurrency + 1, 1.0);
    cpu_used.assign(concurrency + 1, 0.0);
    const double solo = cpu_speed(vcpu, p);
    for (std::uint32_t n = 1; n <= concurrency; ++n) {
      // Mean field: a request's CPU part shares the vCPUs with those of the other n - 1 requests
      // that are in their CPU part at the time, each a share q = cpu_part / factor of its time
      // (its I/O part shares nothing). The stretch of the CPU part grows with q: iterated from no
      // stretch, it rises to the smallest fixed point. Work all on CPU (c = 1) gives q = 1 at
      // once: each of n requests gets vcpu / n, plain processor sharing.
      double cpu_part = c, f = 1, share = vcpu;
      for (int it = 0; it < 500; ++it) {
        const double q = f > 0 ? cpu_part / f : 0;
        share = vcpu / (1 + (n - 1) * q);
        const double next = c * solo / cpu_speed(share, p);  // wall time of the CPU part
        const bool done = std::fabs(next - cpu_part) <= 1e-12 * std::max(1.0, next);
        cpu_part = next;
        f = (1 - c) + cpu_part;
        if (done) break;
      }
      factor[n] = f;
      // Each request spends cpu_part / factor of its time on CPU, keeping cpu_speed(share, p)
      // vCPUs busy (Amdahl: one vCPU when the work is serial, its whole share when fully
      // parallel, in between otherwise).
      const double per_request = cpu_speed(share, p);
      cpu_used[n] = std::min(vcpu, n * per_request * (f > 0 ? cpu_part / f : 0));
    }
  }
};

enum class TaskState : std::uint8_t {
  kWaiting,    // waiting for a launch token or a place on an instance (PROVISIONING)
  kStarting,   // provisioning, image pull, container start, health checks
  kInService,  // registered with the load balancer and healthy
  kDraining,   // deregistered: finishing its requests
  kStopped,
};

struct Slot {
  double finish_v;  // virtual time at which the request is done
  std::uint32_t request;
};

struct Task {
  std::uint32_t service = 0;
  std::uint32_t instance = UINT32_MAX;  // EC2 only
  TaskState state = TaskState::kStopped;
  std::uint32_t generation = 0;       // of its scheduled completion / start-up / drain events
  std::uint32_t lb_pos = UINT32_MAX;  // index in its service's load-balancer list
  bool spot_doomed = false;           // a Spot interruption notice has been received
  TimePoint created{};                // desired count asked for it
  TimePoint bill_from{};              // Fargate: start of the image pull
  TimePoint in_service_at{};          // healthy (or far future while starting)
  bool billing = false;               // Fargate: bill_from has passed (or will, once started)
  double v = 0;                       // virtual clock
  TimePoint v_at{};
  std::vector<Slot> slots;  // requests being served

  std::uint32_t n() const { return static_cast<std::uint32_t>(slots.size()); }

  /// Advances the virtual clock to `now`.
  void advance(TimePoint now, const SharingTable& t) {
    if (!slots.empty() && now > v_at) {
      v += static_cast<double>((now - v_at).count()) / t.factor[slots.size()];
    }
    v_at = now;
  }
  /// Time of the next completion (precondition: requests in flight; clock advanced to now).
  TimePoint next_finish(TimePoint now, const SharingTable& t) const {
    double m = slots.front().finish_v;
    for (const auto& s : slots)
      m = std::min(m, s.finish_v);
    const double wall = std::max(0.0, (m - v) * t.factor[slots.size()]);
    return now + Duration{static_cast<std::int64_t>(std::ceil(wall - 1e-6))};
  }
};

}  // namespace slsim::containers
