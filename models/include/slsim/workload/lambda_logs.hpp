#pragma once
/// Reader for AWS Lambda's own logs as a workload: the `REPORT` line Lambda writes to
/// CloudWatch Logs after every invocation,
///   REPORT RequestId: … Duration: 102.25 ms Billed Duration: 103 ms Memory Size: 128 MB
///   Max Memory Used: 70 MB Init Duration: 150.23 ms
/// (fields tab- or space-separated; `Init Duration` only on a cold start; other fields such as
/// `XRAY TraceId`, `Status` or `Restore Duration` may follow), or the `platform.report` record
/// of Lambda's JSON log format. Two export forms are read, told apart by their first character:
///  - JSON, as printed by `aws logs filter-log-events` (an object with an `events` array of
///    {timestamp, message, logStreamName, …}; several such objects one after another, or a
///    bare array of events, are read too). The log group is not in the output: name the
///    function with `function` or `log_group`.
///  - text, as exported to S3 by CloudWatch Logs (after gunzip): each line an ISO 8601 UTC
///    timestamp, a space, then the message.
/// Lines and events other than REPORT (START, END, the function's own output) are skipped.
///
/// Timing: the event's timestamp is when Lambda wrote the REPORT line, at the end of the
/// invocation, so arrival = timestamp - Duration - Init Duration (the time the request waited
/// for an environment or was routed is not in the logs). Arrivals are put in order through a
/// bounded reorder buffer (S3 exports are not sorted by time, and a long invocation ends after
/// a later short one); t = 0 is the earliest arrival in the first buffer-full (origin_unix_us()).
/// An invocation's `work` is its measured Duration at its Memory Size (so durations may be
/// rescaled from that memory: memory_is_lambda_setting() is true); the rest of the line is kept
/// as a LambdaObservation (observation()) and summed in billed_totals().
/// Malformed REPORT lines throw TraceError naming the file, line and column (or are skipped and
/// counted with skip_bad_rows); broken JSON structure always throws.

#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "slsim/workload/workload.hpp"

namespace slsim {

namespace detail {
class LineReader;
}

struct LambdaLogsOptions {
  /// The function's name; empty = from `log_group`, else the file name without extension.
  std::string function;
  /// The log group the events came from ("/aws/lambda/NAME" names the function NAME).
  std::string log_group;
  /// The logs do not say how the function was invoked.
  InvocationType type = InvocationType::kSync;
  std::size_t sort_buffer_rows = 1'000'000;  ///< reorder buffer (invocations held)
  bool skip_bad_rows = false;  ///< skip malformed REPORT lines (counted) instead of failing
};

/// What the logs say was billed, summed over invocations (for comparing a simulated bill with
/// the real one). GB-s use 1 GB = 1,024 MB, as Lambda's price list does.
struct LambdaBilledTotals {
  std::uint64_t requests = 0;      ///< REPORT lines (one per invocation attempt)
  std::uint64_t billed_ms = 0;     ///< sum of Billed Duration
  std::uint64_t billed_mb_ms = 0;  ///< sum of Billed Duration x Memory Size
  std::uint64_t cold_starts = 0;   ///< lines with an Init Duration
  std::uint64_t timeouts = 0;      ///< lines with Status: timeout
  Duration init{};                 ///< sum of Init Duration
  double billed_gb_s() const { return static_cast<double>(billed_mb_ms) / (1024.0 * 1000.0); }
  void add(const LambdaObservation& o);
};

class LambdaLogsReader final : public WorkloadSource {
 public:
  enum class Form { kJson, kText };

  explicit LambdaLogsReader(std::string path, LambdaLogsOptions options = {});
  /// Reads from an already opened input (standard input after format detection, memory).
  LambdaLogsReader(std::unique_ptr<detail::LineReader> lines, LambdaLogsOptions options);
  ~LambdaLogsReader() override;

  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return functions_; }
  std::string describe() const override;
  std::uint64_t skipped_rows() const override { return skipped_.count(); }
  std::vector<std::string> skipped_examples() const override { return skipped_.examples(); }
  bool memory_is_lambda_setting() const override { return true; }  ///< Memory Size is Lambda's
  const LambdaObservation* observation() const override {
    return have_current_ ? &current_ : nullptr;
  }

  /// Billed totals over the invocations returned so far (the whole file once next() has
  /// returned false).
  const LambdaBilledTotals& billed_totals() const { return totals_; }
  /// Unix time, in microseconds, of the trace's t = 0 (set by the first next()).
  std::int64_t origin_unix_us() const { return origin_us_; }
  Form form() const { return form_; }
  /// Invocations held in the reorder buffer (at most sort_buffer_rows + 1).
  std::size_t buffered() const { return buffer_.size(); }

 private:
  struct Pending {
    std::int64_t arrival_us;  // Unix time
    std::uint64_t row;
    LambdaObservation obs;
    bool operator>(const Pending& o) const {
      return arrival_us != o.arrival_us ? arrival_us > o.arrival_us : row > o.row;
    }
  };
  struct Parser;
  bool read_row();

  std::unique_ptr<Parser> parser_;
  LambdaLogsOptions options_;
  Form form_ = Form::kText;
  FunctionTable functions_;
  FunctionId id_ = 0;
  SkippedRows skipped_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> buffer_;
  std::int64_t last_emitted_us_ = INT64_MIN;
  std::int64_t origin_us_ = 0;
  std::uint64_t reports_ = 0;
  bool have_origin_ = false, eof_ = false, have_current_ = false, warned_empty_ = false;
  LambdaObservation current_;
  LambdaBilledTotals totals_;
};

/// The function name a log group stands for: "/aws/lambda/NAME" -> "NAME" (others unchanged).
std::string function_from_log_group(std::string_view log_group);

}  // namespace slsim
