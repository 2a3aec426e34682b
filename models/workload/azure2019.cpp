#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <unordered_map>

#include "line_reader.hpp"
#include "slsim/workload/azure_trace.hpp"
#include "slsim/workload/negative_times.hpp"
#include "slsim/workload/trace_error.hpp"

namespace slsim {

std::optional<InvocationType> azure_trigger_type(std::string_view trigger) {
  if (trigger == "http") return InvocationType::kSync;
  if (trigger == "timer" || trigger == "event" || trigger == "storage" ||
      trigger == "orchestration") {
    return InvocationType::kAsync;
  }
  if (trigger == "queue") return InvocationType::kQueue;
  if (trigger == "others") return InvocationType::kSync;
  return std::nullopt;
}

namespace {

constexpr int kMinutes = 1440;

// Column positions by name in a header row; throws if a required one is missing.
class Header {
 public:
  Header(detail::LineReader& r, detail::CsvSplitter& split, std::vector<std::string_view>& fields,
         const char* what) {
    std::string_view line;
    if (!r.next(line))
      throw TraceError(r.path(), 1, 1, fmt::format("empty file: expected the {} header", what));
    split.split(r, line, fields);
    for (std::size_t i = 0; i < fields.size(); ++i)
      names_.emplace_back(fields[i]);
    path_ = r.path();
    what_ = what;
  }
  std::size_t at(std::string_view name) const {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == name) return i;
    throw TraceError(path_, 1, 1, fmt::format("the {} header has no '{}' column", what_, name));
  }
  bool has(std::string_view name) const {
    return std::find(names_.begin(), names_.end(), name) != names_.end();
  }
  std::size_t size() const { return names_.size(); }
  bool is(std::size_t col, std::string_view name) const {
    return col < names_.size() && names_[col] == name;
  }

 private:
  std::vector<std::string> names_;
  std::string path_;
  const char* what_ = "";
};

void check_columns(const detail::LineReader& r, const std::vector<std::string_view>& f,
                   std::size_t n) {
  if (f.size() != n) {
    throw TraceError(r.path(), r.line_number(), std::min(f.size(), n) + (f.size() < n ? 1 : 0),
                     fmt::format("expected {} columns, found {}", n, f.size()));
  }
}

double number(const detail::LineReader& r, const std::vector<std::string_view>& f, std::size_t col,
              std::string_view name) {
  double v;
  if (!detail::parse_double(f[col], v)) {
    throw TraceError(r.path(), r.line_number(), col + 1,
                     fmt::format("{}: '{}' is not a number", name, f[col]));
  }
  if (!std::isfinite(v) || v < 0) {
    throw TraceError(r.path(), r.line_number(), col + 1,
                     fmt::format("{}: {} is out of range (a finite value >= 0)", name, f[col]));
  }
  return v;
}

// The next data row of an Azure 2019 file, split into `f`. An empty line, a wrong number of
// columns or a repeated header is an error. Returns false at the end of the file.
bool next_row(detail::LineReader& r, detail::CsvSplitter& split, std::vector<std::string_view>& f,
              std::size_t columns, std::size_t owner_col) {
  std::string_view line;
  if (!r.next(line)) return false;
  if (line.empty()) {
    throw TraceError(r.path(), r.line_number(), 1,
                     "empty line (blank lines are allowed only at the end of the file)");
  }
  split.split(r, line, f);
  check_columns(r, f, columns);
  if (f[owner_col] == "HashOwner") {
    throw TraceError(r.path(), r.line_number(), owner_col + 1, "duplicate header row");
  }
  return true;
}

std::string key3(std::string_view owner, std::string_view app, std::string_view fn) {
  std::string k;
  k.reserve(owner.size() + app.size() + fn.size() + 2);
  k.append(owner).append("/").append(app).append("/").append(fn);
  return k;
}

}  // namespace

Azure2019Reader::Azure2019Reader(std::string invocations_path, Azure2019Options options)
    : Azure2019Reader(std::make_unique<detail::LineReader>(std::move(invocations_path)), nullptr,
                      nullptr, std::move(options)) {}

Azure2019Reader::Azure2019Reader(std::unique_ptr<detail::LineReader> invocations,
                                 std::unique_ptr<detail::LineReader> durations,
                                 std::unique_ptr<detail::LineReader> memory_file,
                                 Azure2019Options options)
    : path_(invocations->path()),
      options_(std::move(options)),
      arrival_rng_(options_.seed, 31),
      duration_rng_(options_.seed, 32) {
  // The default duration is a time: refused if it gives negative values, as every time setting
  // is (a normal, unbounded below, is clamped at 0 when sampled unless its median is negative).
  if (const auto& d = options_.default_duration_ms) {
    if (auto why = negative_times_problem(*d, d->text()); !why.empty()) {
      throw std::invalid_argument("default_duration_ms " + why);
    }
  }
  std::vector<std::string_view> f;
  detail::CsvSplitter split;

  // 1. Invocation counts: function table, triggers, per-minute counts.
  struct Row {
    std::string owner, app, key;
  };
  std::vector<Row> rows;
  std::vector<std::vector<std::pair<std::uint16_t, std::uint32_t>>> counts;
  {
    detail::LineReader& r = *invocations;
    Header h(r, split, f,
             "Azure 2019 invocations (HashOwner,HashApp,HashFunction,Trigger,1..1440)");
    static constexpr std::string_view kFirst[] = {"HashOwner", "HashApp", "HashFunction",
                                                  "Trigger"};
    for (std::size_t i = 0; i < 4; ++i) {
      if (!h.is(i, kFirst[i])) {
        throw TraceError(
            path_, 1, i + 1,
            fmt::format("expected '{}' as column {} of the Azure 2019 invocations header",
                        kFirst[i], i + 1));
      }
    }
    if (h.size() != 4 + kMinutes) {
      throw TraceError(
          path_, 1, h.size(),
          fmt::format("expected 1440 minute columns (1..1440), found {}", h.size() - 4));
    }
    while (next_row(r, split, f, 4 + kMinutes, 0)) {
      const auto type = azure_trigger_type(f[3]);
      if (!type) {
        throw TraceError(path_, r.line_number(), 4,
                         fmt::format("Trigger: '{}' is not one of http, timer, event, queue, "
                                     "storage, orchestration, others",
                                     f[3]));
      }
      const std::string name = fmt::format("{}/{}", f[1], f[2]);
      const auto before = functions_.size();
      const FunctionId id = functions_.intern(name, options_.default_memory_mb);
      if (functions_.size() == before) {
        throw TraceError(path_, r.line_number(), 3, fmt::format("function {} appears twice", name));
      }
      types_.push_back(*type);
      rows.push_back({std::string(f[0]), std::string(f[1]), key3(f[0], f[1], f[2])});
      counts.emplace_back();
      for (int m = 0; m < kMinutes; ++m) {
        const std::size_t col = 4 + static_cast<std::size_t>(m);
        const double c = number(r, f, col, fmt::format("minute {}", m + 1));
        if (c != std::floor(c) || c > 4e9) {
          throw TraceError(path_, r.line_number(), col + 1,
                           fmt::format("minute {}: {} is not a whole count", m + 1, f[col]));
        }
        if (c > 0)
          counts[id].emplace_back(static_cast<std::uint16_t>(m), static_cast<std::uint32_t>(c));
      }
    }
  }

  // 2. Durations: percentiles per function.
  std::unordered_map<std::string, FunctionId> by_key;
  for (FunctionId i = 0; i < rows.size(); ++i)
    by_key.emplace(rows[i].key, i);
  durations_.assign(functions_.size(), Distribution());
  std::vector<bool> have_duration(functions_.size(), false);
  if (!durations && options_.durations_path.empty()) {
    throw std::invalid_argument(
        "Azure 2019 reader: the durations file (function_durations_percentiles) is required");
  }
  if (!durations) durations = std::make_unique<detail::LineReader>(options_.durations_path);
  const std::string durations_name = durations->path();
  {
    detail::LineReader& r = *durations;
    Header h(r, split, f, "Azure 2019 durations");
    const std::size_t co = h.at("HashOwner"), ca = h.at("HashApp"), cf = h.at("HashFunction");
    static constexpr std::pair<double, std::string_view> kPct[] = {
        {0.0, "percentile_Average_0"},   {0.01, "percentile_Average_1"},
        {0.25, "percentile_Average_25"}, {0.5, "percentile_Average_50"},
        {0.75, "percentile_Average_75"}, {0.99, "percentile_Average_99"},
        {1.0, "percentile_Average_100"}};
    std::size_t cols[7];
    for (int i = 0; i < 7; ++i)
      cols[i] = h.at(kPct[i].second);
    while (next_row(r, split, f, h.size(), co)) {
      auto it = by_key.find(key3(f[co], f[ca], f[cf]));
      if (it == by_key.end()) continue;  // a function never invoked in this day file
      std::vector<std::pair<double, double>> pts;
      double run_max = 0;
      bool adjusted = false;
      for (int i = 0; i < 7; ++i) {
        double v = number(r, f, cols[i], kPct[i].second);
        if (i > 0 && v < run_max) {
          v = run_max;
          adjusted = true;
        }
        run_max = v;
        pts.emplace_back(kPct[i].first, v);
      }
      adjusted_rows_ += adjusted ? 1 : 0;
      durations_[it->second] = Distribution::percentiles(std::move(pts));
      have_duration[it->second] = true;
    }
  }
  for (FunctionId i = 0; i < functions_.size(); ++i) {
    if (have_duration[i]) continue;
    if (!options_.default_duration_ms) {
      throw TraceError(durations_name, 0, 0,
                       fmt::format("no duration percentiles for function {} (give a default "
                                   "duration to use for such functions)",
                                   functions_[i].name));
    }
    durations_[i] = *options_.default_duration_ms;
  }

  // 3. Memory: per app (split evenly across the app's functions) or per function (invitro).
  std::vector<std::uint32_t> memory(functions_.size(), options_.default_memory_mb);
  if (!memory_file && !options_.memory_path.empty())
    memory_file = std::make_unique<detail::LineReader>(options_.memory_path);
  if (memory_file) {
    detail::LineReader& r = *memory_file;
    Header h(r, split, f, "Azure 2019 memory");
    const bool per_function = h.has("HashFunction");
    const std::size_t co = h.at("HashOwner"), ca = h.at("HashApp"), cm = h.at("AverageAllocatedMb");
    const std::size_t cf = per_function ? h.at("HashFunction") : 0;
    std::unordered_map<std::string, std::vector<FunctionId>> by_app;
    for (FunctionId i = 0; i < rows.size(); ++i)
      by_app[rows[i].owner + "/" + rows[i].app].push_back(i);
    while (next_row(r, split, f, h.size(), co)) {
      const double mb = number(r, f, cm, "AverageAllocatedMb");
      if (per_function) {
        auto it = by_key.find(key3(f[co], f[ca], f[cf]));
        if (it != by_key.end())
          memory[it->second] = static_cast<std::uint32_t>(std::ceil(std::max(mb, 1.0)));
      } else {
        auto it = by_app.find(fmt::format("{}/{}", f[co], f[ca]));
        if (it == by_app.end()) continue;
        const double share = mb / static_cast<double>(it->second.size());
        for (FunctionId id : it->second)
          memory[id] = static_cast<std::uint32_t>(std::ceil(std::max(share, 1.0)));
      }
    }
  }
  // The function table carries the memory as the function's default.
  FunctionTable with_memory;
  for (FunctionId i = 0; i < functions_.size(); ++i)
    with_memory.intern(functions_[i].name, memory[i]);
  functions_ = std::move(with_memory);

  // 4. CSR by minute, so arrivals are produced one minute at a time.
  minute_begin_.assign(kMinutes + 1, 0);
  for (const auto& c : counts)
    for (const auto& [m, n] : c)
      ++minute_begin_[m + 1];
  for (int m = 0; m < kMinutes; ++m)
    minute_begin_[m + 1] += minute_begin_[m];
  entries_.resize(minute_begin_[kMinutes]);
  std::vector<std::uint32_t> fill(minute_begin_.begin(), minute_begin_.end() - 1);
  for (FunctionId id = 0; id < counts.size(); ++id)
    for (const auto& [m, n] : counts[id])
      entries_[fill[m]++] = {id, n};
}

std::string Azure2019Reader::describe() const {
  return fmt::format("Azure Functions 2019 trace {} (day {})", path_, options_.day);
}

// Each (function, minute) count n expands into n arrivals uniform on the minute, generated in
// increasing order as uniform order statistics: after position u with k arrivals left, the next
// is the minimum of k uniforms on [u, 1), u + (1 - u)(1 - V^(1/k)) for V uniform on (0, 1)
// (Devroye, Non-Uniform Random Variate Generation, 1986, V.3). The functions of a minute are
// merged through a heap holding one pending arrival each, so memory is bounded by the number
// of functions invoked in the minute, whatever their counts.
void Azure2019Reader::advance(Cursor& c) {
  const double v = arrival_rng_.uniform_open();
  c.u += (1.0 - c.u) * -std::expm1(std::log(v) / static_cast<double>(c.left));
  --c.left;
  const std::int64_t minute_us = kMinute.count();
  const auto offset =
      std::min(static_cast<std::int64_t>(c.u * static_cast<double>(minute_us)), minute_us - 1);
  c.arrival_us = minute_start_us_ + offset;
}

void Azure2019Reader::start_minute() {
  heap_.clear();
  while (heap_.empty() && next_minute_ < kMinutes) {
    const std::uint32_t m = next_minute_++;
    minute_start_us_ = (kMinute * (static_cast<std::int64_t>(options_.day) * kMinutes + m)).count();
    for (std::uint32_t e = minute_begin_[m]; e < minute_begin_[m + 1]; ++e) {
      Cursor c{0, e, entries_[e].count, 0.0};
      advance(c);
      heap_.push_back(c);
    }
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
  }
}

bool Azure2019Reader::next(Invocation& out) {
  if (heap_.empty()) {
    start_minute();
    if (heap_.empty()) return false;
  }
  std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
  Cursor& c = heap_.back();
  const FunctionId id = entries_[c.entry].function;
  out.arrival = TimePoint{Duration{c.arrival_us}};
  out.work = from_millis(std::max(0.0, durations_[id].sample(duration_rng_)));
  out.function = id;
  out.memory_mb = functions_[id].memory_mb;
  out.type = types_[id];
  if (c.left > 0) {
    advance(c);
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
  } else {
    heap_.pop_back();
  }
  return true;
}

}  // namespace slsim
