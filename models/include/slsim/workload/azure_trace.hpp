#pragma once
/// Readers for the public Azure Functions traces.
///
/// Azure 2021 (Zhang et al., SOSP 2021): one row per invocation, `app,func,end_timestamp,duration`
/// in seconds; arrival = end_timestamp - duration. The published files are not sorted, so rows
/// pass through a bounded reorder buffer (`sort_buffer_rows`, default 1,000,000 rows, about
/// 40 MB): a row that arrives earlier than an invocation already emitted is more out of order
/// than the buffer allows and is reported as an error, never silently reordered or dropped.
///
/// Azure 2019 (Shahrad et al., ATC 2020): per-minute invocation counts per function
/// (`HashOwner,HashApp,HashFunction,Trigger,1..1440`), per-function duration percentiles and
/// per-app memory percentiles. Counts are expanded into arrivals uniformly at random within each
/// minute (seeded), generated in increasing order (uniform order statistics) and merged across
/// functions, so memory does not grow with a count (1e8 calls in a minute stream like 10);
/// durations are drawn from a piecewise-linear inverse CDF through the published
/// percentiles (0, 1, 25, 50, 75, 99, 100); an app's average memory is split evenly across its
/// functions (invitro's per-function memory file is used as is). Triggers map to invocation
/// types as documented in docs/models.md.

#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "slsim/core/distribution.hpp"
#include "slsim/core/rng.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

namespace detail {
class LineReader;
class CsvSplitter;
}  // namespace detail

struct Azure2021Options {
  std::uint32_t memory_mb = 0;  ///< the trace has no memory column (invitro assumes 200 MB)
  InvocationType type = InvocationType::kSync;
  std::size_t sort_buffer_rows = 1'000'000;
  bool skip_bad_rows = false;  ///< skip malformed rows (counted) instead of failing
};

class Azure2021Reader final : public WorkloadSource {
 public:
  explicit Azure2021Reader(std::string path, Azure2021Options options = {});
  /// Reads from an already opened input (standard input after format detection, memory).
  Azure2021Reader(std::unique_ptr<detail::LineReader> lines, Azure2021Options options);
  ~Azure2021Reader() override;
  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return functions_; }
  std::string describe() const override;
  std::uint64_t skipped_rows() const override { return skipped_.count(); }
  std::vector<std::string> skipped_examples() const override { return skipped_.examples(); }

 private:
  struct Pending {
    std::int64_t arrival_us;
    std::uint64_t row;
    std::int64_t work_us;
    FunctionId function;
    bool operator>(const Pending& o) const {
      return arrival_us != o.arrival_us ? arrival_us > o.arrival_us : row > o.row;
    }
  };
  bool read_row();
  bool parse_row(Pending& p, bool& have_row);
  SkippedRows skipped_;

  std::unique_ptr<detail::LineReader> lines_;
  std::unique_ptr<detail::CsvSplitter> split_;
  Azure2021Options options_;
  FunctionTable functions_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> buffer_;
  std::vector<std::string_view> fields_;
  std::string key_;
  std::uint64_t rows_ = 0;
  std::int64_t last_emitted_us_ = INT64_MIN;
  bool eof_ = false;
};

/// Azure 2019 trigger → invocation type: http → sync; timer, event, storage, orchestration →
/// async; queue → queue; others → sync. Unknown names return nullopt.
std::optional<InvocationType> azure_trigger_type(std::string_view trigger);

struct Azure2019Options {
  std::string durations_path;  ///< function_durations_percentiles file (required)
  std::string memory_path;     ///< app_memory_percentiles (or invitro per-function) file; optional
  std::uint64_t seed = 1;
  std::uint32_t default_memory_mb = 0;  ///< for functions without memory data
  /// For functions without duration data; without it such a function is an error.
  std::optional<Distribution> default_duration_ms;
  int day = 0;  ///< arrivals start at day * 86,400 s (to chain day files)
};

class Azure2019Reader final : public WorkloadSource {
 public:
  Azure2019Reader(std::string invocations_path, Azure2019Options options);
  /// Reads from already opened inputs; a null `durations` or `memory` opens the options' path.
  Azure2019Reader(std::unique_ptr<detail::LineReader> invocations,
                  std::unique_ptr<detail::LineReader> durations,
                  std::unique_ptr<detail::LineReader> memory, Azure2019Options options);
  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return functions_; }
  std::string describe() const override;
  /// A day file is per-minute counts of one 24-hour day: its span is the day (to the end of day
  /// `day`, counting from time 0 as every span does), not its first to its last active minute.
  std::optional<double> declared_span_s() const override { return 86'400.0 * (options_.day + 1); }
  /// Duration rows whose percentiles decreased somewhere and were made non-decreasing
  /// (cumulative maximum), as the Azure data occasionally needs.
  std::size_t adjusted_duration_rows() const { return adjusted_rows_; }
  /// Arrivals generated but not yet returned: one per function invoked in the current minute,
  /// however large its count.
  std::size_t buffered() const { return heap_.size(); }

 private:
  struct Minute {
    FunctionId function;
    std::uint32_t count;
  };
  struct Cursor {  // one (function, minute) count being expanded
    std::int64_t arrival_us;
    std::uint32_t entry;  // index into entries_
    std::uint32_t left;   // arrivals still to draw after this one
    double u;             // position of this arrival in the minute, [0, 1)
    bool operator>(const Cursor& o) const {
      return arrival_us != o.arrival_us ? arrival_us > o.arrival_us : entry > o.entry;
    }
  };
  void start_minute();
  void advance(Cursor& c);

  std::string path_;
  Azure2019Options options_;
  FunctionTable functions_;
  std::vector<Distribution> durations_;      // by function id
  std::vector<InvocationType> types_;        // by function id
  std::vector<std::uint32_t> minute_begin_;  // CSR over minutes: entries [begin[m], begin[m+1])
  std::vector<Minute> entries_;
  RngStream arrival_rng_, duration_rng_;
  std::vector<Cursor> heap_;
  std::int64_t minute_start_us_ = 0;
  std::uint32_t next_minute_ = 0;
  std::size_t adjusted_rows_ = 0;
};

}  // namespace slsim
