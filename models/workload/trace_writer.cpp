#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "line_reader.hpp"
#include "slsim/workload/azure_trace.hpp"
#include "slsim/workload/csv_trace.hpp"
#include "slsim/workload/lambda_logs.hpp"
#include "slsim/workload/trace_error.hpp"
#include "slsim/workload/trace_io.hpp"

namespace slsim {

TraceFormat parse_trace_format(std::string_view s) {
  if (s == "auto") return TraceFormat::kAuto;
  if (s == "slsim") return TraceFormat::kSlsim;
  if (s == "azure2021") return TraceFormat::kAzure2021;
  if (s == "azure2019") return TraceFormat::kAzure2019;
  if (s == "lambda-logs") return TraceFormat::kLambdaLogs;
  throw std::invalid_argument(fmt::format(
      "unknown trace format '{}'; known: auto, slsim, azure2021, azure2019, lambda-logs", s));
}

std::vector<TraceFormat> trace_setting_formats(std::string_view key) {
  using F = TraceFormat;
  if (key == "durations" || key == "memory" || key == "duration_ms" || key == "seed")
    return {F::kAzure2019};
  if (key == "sort_buffer_rows") return {F::kAzure2021, F::kLambdaLogs};
  if (key == "function" || key == "log_group") return {F::kLambdaLogs};
  // Lambda logs carry each invocation's memory setting.
  if (key == "memory_mb") return {F::kSlsim, F::kAzure2021, F::kAzure2019};
  if (key == "skip_bad_rows") return {F::kSlsim, F::kAzure2021, F::kLambdaLogs};
  return {};
}

std::string_view to_string(TraceFormat f) {
  switch (f) {
    case TraceFormat::kAuto:
      return "auto";
    case TraceFormat::kSlsim:
      return "slsim";
    case TraceFormat::kAzure2021:
      return "azure2021";
    case TraceFormat::kAzure2019:
      return "azure2019";
    case TraceFormat::kLambdaLogs:
      return "lambda-logs";
  }
  return "auto";
}

TraceFormat detect_trace_format_from_line(std::string_view header) {
  if (header.rfind("app,func,end_timestamp,duration", 0) == 0) return TraceFormat::kAzure2021;
  if (header.rfind("HashOwner,HashApp,HashFunction,Trigger", 0) == 0)
    return TraceFormat::kAzure2019;
  std::string_view t = header;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t'))
    t.remove_prefix(1);
  if (!t.empty() && (t.front() == '{' || t.front() == '[')) return TraceFormat::kLambdaLogs;
  // An S3 export of CloudWatch Logs: "2024-05-01T12:00:00.000Z message".
  auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
      if (i >= header.size() || header[i] < '0' || header[i] > '9') return false;
    return true;
  };
  if (header.size() > 20 && digits(0, 4) && header[4] == '-' && digits(5, 2) && header[7] == '-' &&
      digits(8, 2) && header[10] == 'T' && digits(11, 2) && header[13] == ':') {
    return TraceFormat::kLambdaLogs;
  }
  // Everything else is read as slsim CSV, whose reader explains a bad header precisely.
  return TraceFormat::kSlsim;
}

TraceFormat detect_trace_format(const std::string& path) {
  detail::LineReader r(path);
  std::string_view header;
  if (!r.next(header))
    throw TraceError(path, 1, 1, "empty file: no header to tell the format from");
  return detect_trace_format_from_line(header);
}

namespace {

using Lines = std::unique_ptr<detail::LineReader>;

// Opens the reader for `o.format` (not kAuto) on `lines`; Azure 2019's companion files come
// from `durations`/`memory` when given, else from the options' paths.
std::unique_ptr<WorkloadSource> open_reader(Lines lines, const TraceOptions& o, Lines durations,
                                            Lines memory) {
  switch (o.format) {
    case TraceFormat::kSlsim: {
      CsvTraceOptions c;
      c.default_memory_mb = o.memory_mb;
      c.skip_bad_rows = o.skip_bad_rows;
      return std::make_unique<CsvTraceReader>(std::move(lines), c);
    }
    case TraceFormat::kAzure2021: {
      Azure2021Options a;
      a.memory_mb = o.memory_mb;
      a.sort_buffer_rows = o.sort_buffer_rows;
      a.skip_bad_rows = o.skip_bad_rows;
      return std::make_unique<Azure2021Reader>(std::move(lines), a);
    }
    case TraceFormat::kAzure2019: {
      Azure2019Options a;
      a.durations_path = o.durations_path;
      a.memory_path = o.memory_path;
      a.seed = o.seed;
      a.default_memory_mb = o.memory_mb;
      a.default_duration_ms = o.default_duration_ms;
      return std::make_unique<Azure2019Reader>(std::move(lines), std::move(durations),
                                               std::move(memory), a);
    }
    case TraceFormat::kLambdaLogs: {
      LambdaLogsOptions l;
      l.function = o.function;
      l.log_group = o.log_group;
      l.sort_buffer_rows = o.sort_buffer_rows;
      l.skip_bad_rows = o.skip_bad_rows;
      return std::make_unique<LambdaLogsReader>(std::move(lines), l);
    }
    case TraceFormat::kAuto:
      break;
  }
  throw std::invalid_argument("open_reader: the trace format must be known");
}

// Standard input, opened (and its format detected) once, handed to the first reader.
class OnceInput {
 public:
  explicit OnceInput(Lines lines) : lines_(std::move(lines)) {}
  Lines take(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!lines_) {
      throw TraceError(path, 0, 0,
                       "standard input can be read only once; save the trace to a file to read "
                       "it more than once (top-N selection and reports read a trace twice)");
    }
    return std::move(lines_);
  }

 private:
  std::mutex mutex_;
  Lines lines_;
};

void check_options(const TraceOptions& o) {
  if (o.format == TraceFormat::kAzure2019 && o.durations_path.empty()) {
    throw std::invalid_argument(
        "an Azure 2019 invocations file needs its durations file "
        "(function_durations_percentiles.anon.dNN.csv)");
  }
}

}  // namespace

SourceFactory trace_factory(std::string path, TraceOptions o) {
  std::shared_ptr<OnceInput> once;
  if (detail::is_stdin_path(path)) {
    auto lines = std::make_unique<detail::LineReader>(path);
    if (o.format == TraceFormat::kAuto) {
      std::string_view first;
      if (!lines->next(first)) {
        throw TraceError(path, 1, 1, "empty input: no header to tell the format from");
      }
      o.format = detect_trace_format_from_line(first);
      lines->unget();
    }
    once = std::make_shared<OnceInput>(std::move(lines));
  } else if (o.format == TraceFormat::kAuto) {
    o.format = detect_trace_format(path);
  }
  check_options(o);
  SourceFactory raw = [path, o, once]() -> std::unique_ptr<WorkloadSource> {
    Lines lines = once ? once->take(path) : std::make_unique<detail::LineReader>(path);
    return open_reader(std::move(lines), o, nullptr, nullptr);
  };
  if (o.select.is_identity()) return raw;
  return [raw, sel = o.select]() { return select(raw, sel); };
}

std::uint64_t read_trace_from_memory(std::string_view data, const TraceOptions& options,
                                     std::string_view durations, std::string_view memory) {
  TraceOptions o = options;
  // Detected and handed over as standard input is: the first reader gets the probed stream.
  auto first = std::make_shared<Lines>(detail::LineReader::from_memory("<memory>", data));
  if (o.format == TraceFormat::kAuto) {
    std::string_view line;
    if (!(*first)->next(line)) {
      throw TraceError("<memory>", 1, 1, "empty file: no header to tell the format from");
    }
    o.format = detect_trace_format_from_line(line);
    (*first)->unget();
  }
  if (o.format == TraceFormat::kAzure2019 && o.durations_path.empty()) {
    o.durations_path = "<durations>";  // read from memory below
  }
  SourceFactory raw = [data, durations, memory, o, first]() -> std::unique_ptr<WorkloadSource> {
    Lines d, m;
    if (o.format == TraceFormat::kAzure2019) {
      d = detail::LineReader::from_memory("<durations>", durations);
      if (!memory.empty()) m = detail::LineReader::from_memory("<memory-file>", memory);
    }
    Lines lines = *first ? std::move(*first) : detail::LineReader::from_memory("<memory>", data);
    return open_reader(std::move(lines), o, std::move(d), std::move(m));
  };
  auto source = o.select.is_identity() ? raw() : select(raw, o.select);
  std::uint64_t n = 0;
  Invocation inv;
  while (source->next(inv))
    ++n;
  return n;
}

namespace {
// RFC 4180: a field with a comma, a quote or a line end is quoted, its quotes doubled; so is one
// with spaces at either end, which the reader would otherwise trim.
void put_field(fmt::memory_buffer& buf, std::string_view v) {
  const bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.back() == ' ' ||
                                     v.back() == '\t'));
  if (!quote) {
    buf.append(v);
    return;
  }
  buf.push_back('"');
  for (const char c : v) {
    if (c == '"') buf.push_back('"');
    buf.push_back(c);
  }
  buf.push_back('"');
}
}  // namespace

std::uint64_t write_csv(WorkloadSource& source, std::FILE* out) {
  fmt::memory_buffer buf;
  fmt::format_to(std::back_inserter(buf), "arrival_s,function,duration_ms,memory_mb,invocation\n");
  std::uint64_t n = 0;
  Invocation inv;
  while (source.next(inv)) {
    const auto& fn = source.functions()[inv.function].name;
    const std::int64_t t = inv.arrival.time_since_epoch().count();
    const std::int64_t w = inv.work.count();
    // Exact decimal forms of integer microseconds: no rounding on the way out.
    fmt::format_to(std::back_inserter(buf), "{}.{:06},", t / 1'000'000, t % 1'000'000);
    put_field(buf, fn);
    fmt::format_to(std::back_inserter(buf), ",{}.{:03},", w / 1000, w % 1000);
    if (inv.memory_mb > 0) fmt::format_to(std::back_inserter(buf), "{}", inv.memory_mb);
    fmt::format_to(std::back_inserter(buf), ",{}\n", to_string(inv.type));
    ++n;
    if (buf.size() > (1 << 16)) {
      if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) {
        throw std::runtime_error(fmt::format("write failed: {}", std::strerror(errno)));
      }
      buf.clear();
    }
  }
  if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) {
    throw std::runtime_error(fmt::format("write failed: {}", std::strerror(errno)));
  }
  return n;
}

std::uint64_t write_csv(WorkloadSource& source, const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  const auto n = write_csv(source, f.get());
  if (std::fflush(f.get()) != 0)
    throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  return n;
}

}  // namespace slsim
