#include "slsim/workload/workload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "slsim/workload/invocation.hpp"
#include "slsim/workload/trace_error.hpp"

namespace slsim {

std::string_view to_string(InvocationType t) {
  switch (t) {
    case InvocationType::kSync:
      return "sync";
    case InvocationType::kAsync:
      return "async";
    case InvocationType::kQueue:
      return "queue";
  }
  return "sync";
}

std::optional<InvocationType> parse_invocation_type(std::string_view s) {
  std::string l(s);
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "sync" || l == "requestresponse") return InvocationType::kSync;
  if (l == "async" || l == "event") return InvocationType::kAsync;
  if (l == "queue") return InvocationType::kQueue;
  return std::nullopt;
}

FunctionId FunctionTable::intern(std::string_view name, std::uint32_t memory_mb) {
  auto it = index_.find(std::string(name));
  if (it != index_.end()) return it->second;
  const auto id = static_cast<FunctionId>(functions_.size());
  functions_.push_back({std::string(name), memory_mb});
  index_.emplace(std::string(name), id);
  return id;
}

TraceError::TraceError(std::string file, std::uint64_t line, std::uint64_t column,
                       std::string reason)
    : std::runtime_error(fmt::format("{}:{}:{}: {}", file, line, column, reason)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      reason_(std::move(reason)) {}

}  // namespace slsim
