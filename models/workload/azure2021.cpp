#include <fmt/format.h>

#include <cmath>

#include "line_reader.hpp"
#include "slsim/workload/azure_trace.hpp"
#include "slsim/workload/trace_error.hpp"

namespace slsim {

namespace {
constexpr double kMaxSeconds = 1e10;
}

Azure2021Reader::Azure2021Reader(std::string path, Azure2021Options options)
    : Azure2021Reader(std::make_unique<detail::LineReader>(std::move(path)), options) {}

Azure2021Reader::Azure2021Reader(std::unique_ptr<detail::LineReader> lines,
                                 Azure2021Options options)
    : lines_(std::move(lines)), split_(std::make_unique<detail::CsvSplitter>()), options_(options) {
  if (options_.sort_buffer_rows == 0) {
    throw std::invalid_argument("Azure 2021 reader: sort_buffer_rows must be >= 1");
  }
  std::string_view header;
  if (!lines_->next(header)) {
    throw TraceError(lines_->path(), 1, 1,
                     "empty file: expected the header app,func,end_timestamp,duration");
  }
  split_->split(*lines_, header, fields_);
  static constexpr std::string_view kCols[] = {"app", "func", "end_timestamp", "duration"};
  for (std::size_t i = 0; i < 4; ++i) {
    if (fields_.size() <= i || fields_[i] != kCols[i]) {
      throw TraceError(
          lines_->path(), 1, i + 1,
          fmt::format("expected the Azure 2021 header app,func,end_timestamp,duration; "
                      "column {} is '{}'",
                      i + 1, fields_.size() > i ? fields_[i] : ""));
    }
  }
  if (fields_.size() != 4) {
    throw TraceError(lines_->path(), 1, 5,
                     fmt::format("expected 4 columns, found {}", fields_.size()));
  }
}

Azure2021Reader::~Azure2021Reader() = default;

std::string Azure2021Reader::describe() const {
  return fmt::format("Azure Functions 2021 trace {}", lines_->path());
}

bool Azure2021Reader::read_row() {
  Pending p;
  if (!skipped_.read(options_.skip_bad_rows,
                     [&](bool& have_row) { return parse_row(p, have_row); })) {
    return false;
  }
  // Disorder beyond the sort buffer is not a bad row: it is checked outside the skipping.
  if (p.arrival_us < last_emitted_us_) {
    throw TraceError(
        lines_->path(), p.row, 3,
        fmt::format("this invocation starts at {} s, before one already emitted at "
                    "{} s: the file is more out of order than the sort buffer of {} "
                    "rows allows (raise sort_buffer_rows)",
                    static_cast<double>(p.arrival_us) / 1e6,
                    static_cast<double>(last_emitted_us_) / 1e6, options_.sort_buffer_rows));
  }
  buffer_.push(p);
  ++rows_;
  return true;
}

bool Azure2021Reader::parse_row(Pending& p, bool& have_row) {
  std::string_view line;
  if (!lines_->next(line)) return false;
  have_row = true;
  auto fail = [&](std::size_t col, const std::string& why) {
    throw TraceError(lines_->path(), split_->record_line(), col, why);
  };
  if (line.empty()) {
    throw TraceError(lines_->path(), lines_->line_number(), 1,
                     "empty line (blank lines are allowed only at the end of the file)");
  }
  split_->split(*lines_, line, fields_);
  if (fields_.size() != 4) {
    fail(std::min<std::size_t>(fields_.size(), 4) + (fields_.size() < 4 ? 1 : 0),
         fmt::format("expected 4 columns, found {}", fields_.size()));
  }
  if (fields_[0] == "app") fail(1, "duplicate header row");
  if (fields_[0].empty()) fail(1, "app: empty id");
  if (fields_[1].empty()) fail(2, "func: empty id");
  double end_s, dur_s;
  if (!detail::parse_double(fields_[2], end_s)) {
    fail(3, fmt::format("end_timestamp: '{}' is not a number", fields_[2]));
  }
  if (!detail::parse_double(fields_[3], dur_s)) {
    fail(4, fmt::format("duration: '{}' is not a number", fields_[3]));
  }
  if (std::isnan(end_s) || end_s < 0 || end_s > kMaxSeconds) {
    fail(3, fmt::format("end_timestamp: {} is out of range (seconds, 0 to {})", fields_[2],
                        kMaxSeconds));
  }
  if (std::isnan(dur_s) || dur_s < 0 || dur_s > kMaxSeconds) {
    fail(4,
         fmt::format("duration: {} is out of range (seconds, 0 to {})", fields_[3], kMaxSeconds));
  }
  double arrival_s = end_s - dur_s;
  // Timestamps and durations are rounded independently in the published data; allow 1 ms.
  if (arrival_s < 0 && arrival_s >= -1e-3) arrival_s = 0;
  if (arrival_s < 0) {
    fail(4, fmt::format("duration {} s is longer than end_timestamp {} s: the invocation would "
                        "start before the trace",
                        fields_[3], fields_[2]));
  }
  key_.assign(fields_[0]);
  key_ += '/';
  key_ += fields_[1];
  p.arrival_us = from_seconds(arrival_s).count();
  p.work_us = from_seconds(dur_s).count();
  p.function = functions_.intern(key_, options_.memory_mb);
  p.row = split_->record_line();
  return true;
}

bool Azure2021Reader::next(Invocation& out) {
  while (!eof_ && buffer_.size() <= options_.sort_buffer_rows) {
    if (!read_row()) eof_ = true;
  }
  if (buffer_.empty()) return false;
  const Pending p = buffer_.top();
  buffer_.pop();
  last_emitted_us_ = p.arrival_us;
  out.arrival = TimePoint{Duration{p.arrival_us}};
  out.work = Duration{p.work_us};
  out.function = p.function;
  out.memory_mb = options_.memory_mb;
  out.type = options_.type;
  return true;
}

}  // namespace slsim
