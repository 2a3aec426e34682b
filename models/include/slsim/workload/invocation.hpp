#pragma once
/// One invocation of a workload.

#include <cstdint>
#include <optional>
#include <string_view>

#include "slsim/core/time.hpp"

namespace slsim {

/// How the caller invokes the function.
enum class InvocationType : std::uint8_t {
  kSync,   ///< request/response: errors and throttles go back to the caller
  kAsync,  ///< event: queued by the platform and retried by it
  kQueue,  ///< polled from a queue or stream (SQS, Kinesis)
};

/// "sync", "async" or "queue".
std::string_view to_string(InvocationType t);
/// Parses "sync", "async" or "queue" (also "event" -> async, "requestresponse" -> sync).
std::optional<InvocationType> parse_invocation_type(std::string_view s);

using FunctionId = std::uint32_t;

struct Invocation {
  TimePoint arrival{};          ///< when the request arrives, since the trace start
  Duration work{};              ///< execution time measured at the reference memory size
  FunctionId function = 0;      ///< index into the workload's function table
  std::uint32_t memory_mb = 0;  ///< configured memory; 0 = the function's default
  InvocationType type = InvocationType::kSync;
};

}  // namespace slsim
