#pragma once
/// Reader for slsim's own CSV trace format.
///
/// Format: a header row, then one row per invocation, sorted by arrival:
///   arrival_s,function,duration_ms[,memory_mb][,invocation]
/// `arrival_s` is seconds since the trace start (>= 0), `duration_ms` the execution time at the
/// function's memory size (>= 0), `memory_mb` a positive integer, `invocation` sync|async|queue
/// (both optional per row too: an empty cell means the default).
/// Columns may come in any order; unknown columns are an error. LF or CRLF line ends; blank
/// lines at the end of the file are ignored. Fields follow RFC 4180: a field in double quotes
/// may hold commas, line ends and doubled quotes (`"say ""hi"", twice"`); spaces around an
/// unquoted field are trimmed (quote a name whose spaces matter). Path "-" reads standard input.
/// Every malformed row throws TraceError naming file, line, column and reason.

#include <string>
#include <vector>

#include "slsim/workload/workload.hpp"

namespace slsim {

namespace detail {
class LineReader;
}

struct CsvTraceOptions {
  std::uint32_t default_memory_mb = 0;  ///< for rows without memory_mb (0 = scenario default)
  InvocationType default_type = InvocationType::kSync;
  bool skip_bad_rows = false;  ///< skip malformed rows (counted, first few kept) instead of failing
};

class CsvTraceReader final : public WorkloadSource {
 public:
  explicit CsvTraceReader(std::string path, CsvTraceOptions options = {});
  /// Reads from an already opened input (standard input after format detection, memory).
  CsvTraceReader(std::unique_ptr<detail::LineReader> lines, CsvTraceOptions options);
  ~CsvTraceReader() override;
  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return functions_; }
  std::string describe() const override;
  std::uint64_t skipped_rows() const override { return skipped_.count(); }
  std::vector<std::string> skipped_examples() const override { return skipped_.examples(); }
  bool memory_is_lambda_setting() const override { return true; }  ///< memory_mb is Lambda's

 private:
  bool parse_row(Invocation& out, bool& have_row);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  FunctionTable functions_;
  SkippedRows skipped_;
};

}  // namespace slsim
