#pragma once
// A one-function workload held in memory, for the container tests.

#include <memory>
#include <vector>

#include "slsim/workload/array_source.hpp"

namespace container_test {

/// A workload held in memory: (arrival s, duration ms) of one function, "api".
struct Trace {
  std::vector<double> arrival_s, duration_ms;
  void add(double a, double d) {
    arrival_s.push_back(a);
    duration_ms.push_back(d);
  }
  std::unique_ptr<slsim::ArraySource> source() const {
    slsim::WorkloadColumns c;
    c.arrival_s = arrival_s;
    c.duration_ms = duration_ms;
    c.function.assign(arrival_s.size(), 0);
    c.function_names = {"api"};
    slsim::FunctionTable table;
    auto rows = slsim::ArraySource::prepare(c, table);
    return std::make_unique<slsim::ArraySource>(rows, table);
  }
};

}  // namespace container_test
