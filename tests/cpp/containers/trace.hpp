#pragma once
// A one-function workload held in memory, for the container tests.

#include <memory>
#include <vector>

#include "support/columns_source.hpp"

namespace container_test {

/// A workload held in memory: (arrival s, duration ms) of one function, "api".
struct Trace {
  std::vector<double> arrival_s, duration_ms;
  void add(double a, double d) {
    arrival_s.push_back(a);
    duration_ms.push_back(d);
  }
  /// Durations as measured on the task that runs them (no memory stated as measured on: the
  /// hand-computed cases keep their durations; the rescaling has tests of its own).
  std::unique_ptr<slsim::test::ColumnsSource> source() const {
    slsim::WorkloadColumns c;
    c.arrival_s = arrival_s;
    c.duration_ms = duration_ms;
    c.function.assign(arrival_s.size(), 0);
    c.function_names = {"api"};
    return std::make_unique<slsim::test::ColumnsSource>(c, std::nullopt, false);
  }
};

}  // namespace container_test
