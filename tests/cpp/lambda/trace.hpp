#pragma once
// Lambda test helpers: default options and a small trace built row by row.

#include <cstdint>
#include <string>

#include "slsim/lambda/lambda.hpp"
#include "slsim/workload/array_source.hpp"

namespace lambda_test {

/// Lambda options at `as_of`: 1,024 MB, durations measured at 1,024 MB (as run: a trace with no
/// memory is otherwise measured at 128 MB, duration_model.hpp), no INIT time.
inline slsim::LambdaOptions options(const std::string& as_of = "2026-11-01") {
  slsim::LambdaOptions o;
  o.as_of = slsim::Date::parse(as_of);
  o.defaults.memory_mb = 1024;
  o.defaults.reference_memory_mb = 1024;
  o.defaults.init_ms = slsim::Distribution::constant(0);
  return o;
}

// A small trace built row by row.
struct Trace {
  slsim::WorkloadColumns c;
  std::uint32_t id(const std::string& name) {
    for (std::uint32_t i = 0; i < c.function_names.size(); ++i)
      if (c.function_names[i] == name) return i;
    c.function_names.push_back(name);
    return static_cast<std::uint32_t>(c.function_names.size() - 1);
  }
  Trace& add(const std::string& fn, double at_s, double ms,
             slsim::InvocationType type = slsim::InvocationType::kSync, std::uint32_t memory_mb = 0,
             int n = 1) {
    const auto f = id(fn);
    for (int i = 0; i < n; ++i) {
      c.arrival_s.push_back(at_s);
      c.duration_ms.push_back(ms);
      c.function.push_back(f);
      c.type.push_back(type);
      c.memory_mb.push_back(memory_mb);
    }
    return *this;
  }
};

/// Provisioned capacity billed (MB-ms) over every architecture.
inline std::uint64_t sum_pc_capacity(const slsim::LambdaResult& r) {
  std::uint64_t s = 0;
  for (const auto& u : r.usage.lambda)
    s += u.pc_capacity_mb_ms;
  return s;
}

}  // namespace lambda_test
