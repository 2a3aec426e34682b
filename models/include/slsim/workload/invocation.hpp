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

/// What Lambda's own logs say about one invocation (its CloudWatch Logs `REPORT` line). Traces
/// other than Lambda logs have no observation.
struct LambdaObservation {
  Duration duration{};                   ///< `Duration`: the handler's run, INIT excluded
  Duration billed{};                     ///< `Billed Duration` (whole milliseconds)
  Duration init{};                       ///< `Init Duration` (plus any `Restore Duration`); 0 warm
  std::uint32_t memory_mb = 0;           ///< `Memory Size`
  std::uint32_t max_memory_used_mb = 0;  ///< `Max Memory Used` (0 when absent)
  bool cold_start = false;               ///< the line had an `Init Duration` (or a restore)
  bool timed_out = false;                ///< `Status: timeout`
};

}  // namespace slsim
