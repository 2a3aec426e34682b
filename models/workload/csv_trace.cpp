#include "slsim/workload/csv_trace.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

#include "line_reader.hpp"
#include "slsim/workload/trace_error.hpp"

namespace slsim {

namespace {
enum Column { kArrival, kFunction, kDuration, kMemory, kInvocation, kColumnCount };
constexpr std::array<std::string_view, kColumnCount> kNames{"arrival_s", "function", "duration_ms",
                                                            "memory_mb", "invocation"};
constexpr double kMaxArrivalS = 1e10;     // ~317 years: anything larger is a unit mistake
constexpr double kMaxDurationMs = 1e10;   // ~116 days
constexpr double kMaxMemoryMb = 1 << 20;  // 1 TiB
}  // namespace

struct CsvTraceReader::Impl {
  std::unique_ptr<detail::LineReader> owned;
  detail::LineReader& lines;
  detail::CsvSplitter splitter;
  CsvTraceOptions options;
  std::array<int, kColumnCount> index{-1, -1, -1, -1, -1};  // field index of each column
  std::size_t field_count = 0;
  std::string header;
  std::vector<std::string_view> fields;
  double last_arrival_s = 0;
  std::string last_function;
  FunctionId last_id = 0;
  bool have_last = false;

  Impl(std::unique_ptr<detail::LineReader> r, CsvTraceOptions o)
      : owned(std::move(r)), lines(*owned), options(o) {}

  [[noreturn]] void fail(std::size_t field, std::string reason) const {
    throw TraceError(lines.path(), splitter.record_line(), field + 1, std::move(reason));
  }

  void read_header() {
    std::string_view line;
    if (!lines.next(line)) {
      throw TraceError(lines.path(), 1, 1,
                       "empty file: expected the header arrival_s,function,duration_ms[,memory_mb]"
                       "[,invocation]");
    }
    header = std::string(line);
    splitter.split(lines, line, fields);
    field_count = fields.size();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::string_view name = fields[i];
      int col = -1;
      for (int c = 0; c < kColumnCount; ++c)
        if (kNames[c] == name) col = c;
      if (col < 0) {
        double dummy;
        if (detail::parse_double(name, dummy)) {
          fail(i,
               "missing header: the first row must name the columns "
               "arrival_s,function,duration_ms[,memory_mb][,invocation]");
        }
        fail(i, fmt::format("unknown column '{}'; expected arrival_s, function, duration_ms, "
                            "memory_mb, invocation",
                            name));
      }
      if (index[col] >= 0) fail(i, fmt::format("column '{}' appears twice in the header", name));
      index[col] = static_cast<int>(i);
    }
    for (int c : {kArrival, kFunction, kDuration}) {
      if (index[c] < 0) {
        fail(0, fmt::format("the header has no '{}' column; required: arrival_s, function, "
                            "duration_ms",
                            kNames[c]));
      }
    }
  }

  double number(int col, double min, double max, const char* what) {
    const auto i = static_cast<std::size_t>(index[col]);
    double v;
    if (!detail::parse_double(fields[i], v)) {
      fail(i, fmt::format("{}: '{}' is not a number", kNames[col], fields[i]));
    }
    if (std::isnan(v)) fail(i, fmt::format("{}: NaN is not allowed", kNames[col]));
    if (v < min || v > max) {
      fail(i, fmt::format("{}: {} is out of range ({} {} to {})", kNames[col], fields[i], what, min,
                          max));
    }
    return v;
  }
};

CsvTraceReader::CsvTraceReader(std::string path, CsvTraceOptions options)
    : CsvTraceReader(std::make_unique<detail::LineReader>(std::move(path)), options) {}

CsvTraceReader::CsvTraceReader(std::unique_ptr<detail::LineReader> lines, CsvTraceOptions options)
    : impl_(std::make_unique<Impl>(std::move(lines), options)) {
  impl_->read_header();
}

CsvTraceReader::~CsvTraceReader() = default;

std::string CsvTraceReader::describe() const {
  return fmt::format("slsim CSV trace {}", impl_->lines.path());
}

bool CsvTraceReader::next(Invocation& out) {
  return skipped_.read(impl_->options.skip_bad_rows,
                       [&](bool& have_row) { return parse_row(out, have_row); });
}

bool CsvTraceReader::parse_row(Invocation& out, bool& have_row) {
  Impl& m = *impl_;
  std::string_view line;
  if (!m.lines.next(line)) return false;
  have_row = true;
  if (line.empty()) {
    throw TraceError(m.lines.path(), m.lines.line_number(), 1,
                     "empty line (blank lines are allowed only at the end of the file)");
  }
  if (line == m.header) {
    throw TraceError(m.lines.path(), m.lines.line_number(), 1, "duplicate header row");
  }
  m.splitter.split(m.lines, line, m.fields);
  if (m.fields.size() != m.field_count) {
    m.fail(std::min(m.fields.size(), m.field_count),
           fmt::format("expected {} columns, found {}", m.field_count, m.fields.size()));
  }
  const double arrival_s = m.number(kArrival, 0.0, kMaxArrivalS, "seconds,");
  if (m.have_last && arrival_s < m.last_arrival_s) {
    m.fail(static_cast<std::size_t>(m.index[kArrival]),
           fmt::format("arrival_s {} is earlier than the previous row's {}: the trace must be "
                       "sorted by arrival_s",
                       arrival_s, m.last_arrival_s));
  }
  const double duration_ms = m.number(kDuration, 0.0, kMaxDurationMs, "milliseconds,");
  const auto fi = static_cast<std::size_t>(m.index[kFunction]);
  const std::string_view fname = m.fields[fi];
  if (fname.empty()) m.fail(fi, "function: empty name");
  if (!m.have_last || fname != m.last_function) {
    m.last_function.assign(fname);
    m.last_id = functions_.intern(fname, m.options.default_memory_mb);
  }
  out.arrival = TimePoint{from_seconds(arrival_s)};
  out.work = from_millis(duration_ms);
  out.function = m.last_id;
  out.memory_mb = m.options.default_memory_mb;
  out.type = m.options.default_type;
  if (m.index[kMemory] >= 0 && !m.fields[static_cast<std::size_t>(m.index[kMemory])].empty()) {
    const double mem = m.number(kMemory, 1.0, kMaxMemoryMb, "MB,");
    if (mem != std::floor(mem)) {
      m.fail(static_cast<std::size_t>(m.index[kMemory]),
             fmt::format("memory_mb: {} is not a whole number of MB", mem));
    }
    out.memory_mb = static_cast<std::uint32_t>(mem);
  }
  if (m.index[kInvocation] >= 0 &&
      !m.fields[static_cast<std::size_t>(m.index[kInvocation])].empty()) {
    const auto ii = static_cast<std::size_t>(m.index[kInvocation]);
    const auto t = parse_invocation_type(m.fields[ii]);
    if (!t) {
      m.fail(ii, fmt::format("invocation: '{}' is not one of sync, async, queue", m.fields[ii]));
    }
    out.type = *t;
  }
  m.last_arrival_s = arrival_s;
  m.have_last = true;
  return true;
}

}  // namespace slsim
