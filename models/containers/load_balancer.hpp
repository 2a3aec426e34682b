#pragma once
// Load balancer of one service: an ALB target group routing to the healthy task with the
// fewest outstanding requests, and a bounded queue of requests waiting for a free slot.
//
// Design notes: targets and their outstanding counts are parallel flat vectors, so the least
// outstanding requests scan touches one small array. A task knows its position (Task::lb_pos)
// and leaves by swap-and-pop. The queue is FIFO; every queued request has the same timeout, so
// expired requests are always at its head.

#include <cstdint>
#include <deque>
#include <vector>

namespace slsim::containers {

class LoadBalancer {
 public:
  /// Registers a healthy task; returns its position.
  std::uint32_t add(std::uint32_t task, std::uint32_t outstanding) {
    tasks_.push_back(task);
    load_.push_back(outstanding);
    return static_cast<std::uint32_t>(tasks_.size() - 1);
  }
  /// Deregisters the task at `pos`; returns the task moved into `pos` (or UINT32_MAX).
  std::uint32_t remove(std::uint32_t pos) {
    const auto last = static_cast<std::uint32_t>(tasks_.size() - 1);
    std::uint32_t moved = UINT32_MAX;
    if (pos != last) {
      tasks_[pos] = tasks_[last];
      load_[pos] = load_[last];
      moved = tasks_[pos];
    }
    tasks_.pop_back();
    load_.pop_back();
    return moved;
  }
  void set_load(std::uint32_t pos, std::uint32_t outstanding) { load_[pos] = outstanding; }
  /// The task with the fewest outstanding requests below `limit` (ties: the first registered),
  /// or UINT32_MAX when every task is full.
  std::uint32_t pick(std::uint32_t limit) const {
    std::uint32_t best = UINT32_MAX, best_load = limit;
    const std::size_t n = load_.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (load_[i] < best_load) {
        best_load = load_[i];
        best = static_cast<std::uint32_t>(i);
        if (best_load == 0) break;
      }
    }
    return best == UINT32_MAX ? UINT32_MAX : tasks_[best];
  }
  std::size_t targets() const { return tasks_.size(); }

  std::deque<std::uint32_t> queue;  // requests waiting, oldest first

 private:
  std::vector<std::uint32_t> tasks_;
  std::vector<std::uint32_t> load_;
};

}  // namespace slsim::containers
