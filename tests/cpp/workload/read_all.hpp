#pragma once
// Test helper: drains a workload into a vector.
#include <vector>

#include "slsim/workload/workload.hpp"

namespace slsim::test {
inline std::vector<Invocation> read_all(WorkloadSource& s) {
  std::vector<Invocation> out;
  Invocation inv;
  while (s.next(inv))
    out.push_back(inv);
  return out;
}
}  // namespace slsim::test
