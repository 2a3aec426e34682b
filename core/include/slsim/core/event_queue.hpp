#pragma once
/// Priority queue of events ordered by (time, insertion sequence).
///
/// Design notes: a binary min-heap over a std::vector. Pops use the "hole" technique (move the
/// hole down to a leaf along the smaller child, then sift the last element up), which does fewer
/// comparisons than the textbook sift-down. Ties in time pop in insertion order because the
/// sequence number is part of the key.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "slsim/core/event.hpp"

namespace slsim {

class EventQueue {
 public:
  /// Inserts an event; its `sequence` is overwritten with the next insertion number.
  void push(Event ev) {
    ev.sequence = next_sequence_++;
    heap_.push_back(ev);
    sift_up(heap_.size() - 1);
  }

  /// Inserts an event that fires after every event pushed with `push` at the same time, even one
  /// pushed later (end-of-instant events keep their insertion order among themselves).
  void push_last(Event ev) {
    ev.sequence = kLast | next_sequence_++;
    heap_.push_back(ev);
    sift_up(heap_.size() - 1);
  }

  /// The earliest event. Precondition: !empty().
  const Event& top() const {
    if (heap_.empty()) throw std::logic_error("EventQueue::top on an empty queue");
    return heap_.front();
  }

  /// Removes and returns the earliest event. Precondition: !empty().
  Event pop() {
    if (heap_.empty()) throw std::logic_error("EventQueue::pop on an empty queue");
    Event out = heap_.front();
    Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) place_from_root(last);
    return out;
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void reserve(std::size_t n) { heap_.reserve(n); }
  /// Total number of events ever pushed.
  std::uint64_t pushed() const { return next_sequence_; }

 private:
  static constexpr std::uint64_t kLast = std::uint64_t{1} << 63;

  void sift_up(std::size_t i) {
    Event ev = heap_[i];
    while (i > 0) {
      std::size_t parent = (i - 1) / 2;
      if (!fires_before(ev, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = ev;
  }

  // Puts `ev` into the hole at the root: walk the hole down to a leaf, then sift `ev` up.
  void place_from_root(const Event& ev) {
    const std::size_t n = heap_.size();
    std::size_t hole = 0;
    std::size_t child = 1;
    while (child < n) {
      if (child + 1 < n) child += fires_before(heap_[child + 1], heap_[child]);
      heap_[hole] = heap_[child];
      hole = child;
      child = 2 * hole + 1;
    }
    while (hole > 0) {
      std::size_t parent = (hole - 1) / 2;
      if (!fires_before(ev, heap_[parent])) break;
      heap_[hole] = heap_[parent];
      hole = parent;
    }
    heap_[hole] = ev;
  }

  std::vector<Event> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace slsim
