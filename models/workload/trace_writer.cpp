#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "line_reader.hpp"
#include "slsim/workload/azure_trace.hpp"
#include "slsim/workload/csv_trace.hpp"
#include "slsim/workload/trace_error.hpp"
#include "slsim/workload/trace_io.hpp"

namespace slsim {

TraceFormat parse_trace_format(std::string_view s) {
  if (s == "auto") return TraceFormat::kAuto;
  if (s == "slsim") return TraceFormat::kSlsim;
  if (s == "azure2021") return TraceFormat::kAzure2021;
  if (s == "azure2019") return TraceFormat::kAzure2019;
  throw std::invalid_argument(
      fmt::format("unknown trace format '{}'; known: auto, slsim, azure2021, azure2019", s));
}

TraceFormat detect_trace_format(const std::string& path) {
  detail::LineReader r(path);
  std::string_view header;
  if (!r.next(header))
    throw TraceError(path, 1, 1, "empty file: no header to tell the format from");
  if (header.rfind("app,func,end_timestamp,duration", 0) == 0) return TraceFormat::kAzure2021;
  if (header.rfind("HashOwner,HashApp,HashFunction,Trigger", 0) == 0)
    return TraceFormat::kAzure2019;
  // Everything else is read as slsim CSV, whose reader explains a bad header precisely.
  return TraceFormat::kSlsim;
}

SourceFactory trace_factory(std::string path, TraceOptions o) {
  if (o.format == TraceFormat::kAuto) o.format = detect_trace_format(path);
  SourceFactory raw;
  switch (o.format) {
    case TraceFormat::kSlsim:
      raw = [path, o]() -> std::unique_ptr<WorkloadSource> {
        CsvTraceOptions c;
        c.default_memory_mb = o.memory_mb;
        c.skip_bad_rows = o.skip_bad_rows;
        return std::make_unique<CsvTraceReader>(path, c);
      };
      break;
    case TraceFormat::kAzure2021:
      raw = [path, o]() -> std::unique_ptr<WorkloadSource> {
        Azure2021Options a;
        a.memory_mb = o.memory_mb;
        a.sort_buffer_rows = o.sort_buffer_rows;
        a.skip_bad_rows = o.skip_bad_rows;
        return std::make_unique<Azure2021Reader>(path, a);
      };
      break;
    case TraceFormat::kAzure2019:
      if (o.durations_path.empty()) {
        throw std::invalid_argument(
            "an Azure 2019 invocations file needs its durations file "
            "(function_durations_percentiles.anon.dNN.csv)");
      }
      raw = [path, o]() -> std::unique_ptr<WorkloadSource> {
        Azure2019Options a;
        a.durations_path = o.durations_path;
        a.memory_path = o.memory_path;
        a.seed = o.seed;
        a.default_memory_mb = o.memory_mb;
        a.default_duration_ms = o.default_duration_ms;
        return std::make_unique<Azure2019Reader>(path, a);
      };
      break;
    case TraceFormat::kAuto:
      break;
  }
  if (o.select.is_identity()) return raw;
  return [raw, sel = o.select]() { return select(raw, sel); };
}

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
    fmt::format_to(std::back_inserter(buf), "{}.{:06},{},{}.{:03},", t / 1'000'000, t % 1'000'000,
                   fn, w / 1000, w % 1000);
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
