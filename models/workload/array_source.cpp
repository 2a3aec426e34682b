#include "slsim/workload/array_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace slsim {

std::shared_ptr<const std::vector<Invocation>> ArraySource::prepare(const WorkloadColumns& c,
                                                                    FunctionTable& table) {
  const std::size_t n = c.arrival_s.size();
  auto same = [&](std::size_t m, const char* name) {
    if (m != n) {
      throw std::invalid_argument(fmt::format("{} has {} values but arrival_s has {}", name, m, n));
    }
  };
  same(c.duration_ms.size(), "duration_ms");
  same(c.function.size(), "function");
  if (!c.memory_mb.empty()) same(c.memory_mb.size(), "memory_mb");
  if (!c.type.empty()) same(c.type.size(), "invocation");
  for (const auto& name : c.function_names)
    table.intern(name);
  auto rows = std::make_shared<std::vector<Invocation>>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double a = c.arrival_s[i], d = c.duration_ms[i];
    if (!std::isfinite(a) || a < 0 || a > 1e10) {
      throw std::invalid_argument(
          fmt::format("arrival_s[{}] = {} is not a time in 0..1e10 s", i, a));
    }
    if (!std::isfinite(d) || d < 0 || d > 1e10) {
      throw std::invalid_argument(
          fmt::format("duration_ms[{}] = {} is not a duration in 0..1e10 ms", i, d));
    }
    if (c.function[i] >= table.size()) {
      throw std::invalid_argument(
          fmt::format("function[{}] = {} names no function", i, c.function[i]));
    }
    Invocation& inv = (*rows)[i];
    inv.arrival = TimePoint{from_seconds(a)};
    inv.work = from_millis(d);
    inv.function = c.function[i];
    inv.memory_mb = c.memory_mb.empty() ? 0 : c.memory_mb[i];
    inv.type = c.type.empty() ? InvocationType::kSync : c.type[i];
  }
  std::stable_sort(rows->begin(), rows->end(),
                   [](const Invocation& x, const Invocation& y) { return x.arrival < y.arrival; });
  return rows;
}

ArraySource::ArraySource(std::shared_ptr<const std::vector<Invocation>> rows, FunctionTable table)
    : rows_(std::move(rows)), table_(std::move(table)) {}

bool ArraySource::next(Invocation& out) {
  if (pos_ >= rows_->size()) return false;
  out = (*rows_)[pos_++];
  return true;
}

std::string ArraySource::describe() const {
  return fmt::format("in-memory workload of {} invocations", rows_->size());
}

}  // namespace slsim
