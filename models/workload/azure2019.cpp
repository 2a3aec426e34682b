#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "line_reader.hpp"
#include "slsim/workload/azure_trace.hpp"
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
  Header(detail::LineReader& r, std::vector<std::string_view>& fields, const char* what) {
    std::string_view line;
    if (!r.next(line))
      throw TraceError(r.path(), 1, 1, fmt::format("empty file: expected the {} header", what));
    detail::split_csv(line, fields);
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
bool next_row(detail::LineReader& r, std::vector<std::string_view>& f, std::size_t columns,
              std::size_t owner_col) {
  std::string_view line;
  if (!r.next(line)) return false;
  if (line.empty()) throw TraceError(r.path(), r.line_number(), 1, "empty line");
  detail::split_csv(line, f);
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
    : path_(std::move(invocations_path)),
      options_(std::move(options)),
      arrival_rng_(options_.seed, 31),
      duration_rng_(options_.seed, 32) {
  std::vector<std::string_view> f;

  // 1. Invocation counts: function table, triggers, per-minute counts.
  struct Row {
    std::string owner, app, key;
  };
  std::vector<Row> rows;
  std::vector<std::vector<std::pair<std::uint16_t, std::uint32_t>>> counts;
  {
    detail::LineReader r(path_);
    Header h(r, f, "Azure 2019 invocations (HashOwner,HashApp,HashFunction,Trigger,1..1440)");
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
    while (next_row(r, f, 4 + kMinutes, 0)) {
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
  if (options_.durations_path.empty()) {
    throw std::invalid_argument(
        "Azure 2019 reader: the durations file (function_durations_percentiles) is required");
  }
  {
    detail::LineReader r(options_.durations_path);
    Header h(r, f, "Azure 2019 durations");
    const std::size_t co = h.at("HashOwner"), ca = h.at("HashApp"), cf = h.at("HashFunction");
    static constexpr std::pair<double, std::string_view> kPct[] = {
        {0.0, "percentile_Average_0"},   {0.01, "percentile_Average_1"},
        {0.25, "percentile_Average_25"}, {0.5, "percentile_Average_50"},
        {0.75, "percentile_Average_75"}, {0.99, "percentile_Average_99"},
        {1.0, "percentile_Average_100"}};
    std::size_t cols[7];
    for (int i = 0; i < 7; ++i)
      cols[i] = h.at(kPct[i].second);
    while (next_row(r, f, h.size(), co)) {
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
      throw TraceError(options_.durations_path, 0, 0,
                       fmt::format("no duration percentiles for function {} (give a default "
                                   "duration to use for such functions)",
                                   functions_[i].name));
    }
    durations_[i] = *options_.default_duration_ms;
  }

  // 3. Memory: per app (split evenly across the app's functions) or per function (invitro).
  std::vector<std::uint32_t> memory(functions_.size(), options_.default_memory_mb);
  if (!options_.memory_path.empty()) {
    detail::LineReader r(options_.memory_path);
    Header h(r, f, "Azure 2019 memory");
    const bool per_function = h.has("HashFunction");
    const std::size_t co = h.at("HashOwner"), ca = h.at("HashApp"), cm = h.at("AverageAllocatedMb");
    const std::size_t cf = per_function ? h.at("HashFunction") : 0;
    std::unordered_map<std::string, std::vector<FunctionId>> by_app;
    for (FunctionId i = 0; i < rows.size(); ++i)
      by_app[rows[i].owner + "/" + rows[i].app].push_back(i);
    while (next_row(r, f, h.size(), co)) {
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

void Azure2019Reader::fill_minute() {
  current_.clear();
  pos_ = 0;
  while (current_.empty() && next_minute_ < kMinutes) {
    const std::uint32_t m = next_minute_++;
    const Duration minute_start =
        kMinute * (static_cast<std::int64_t>(options_.day) * kMinutes + m);
    for (std::uint32_t e = minute_begin_[m]; e < minute_begin_[m + 1]; ++e) {
      const auto& [id, n] = entries_[e];
      for (std::uint32_t k = 0; k < n; ++k) {
        Invocation inv;
        inv.arrival =
            TimePoint{minute_start +
                      Duration{static_cast<std::int64_t>(arrival_rng_.below(kMinute.count()))}};
        inv.work = from_millis(std::max(0.0, durations_[id].sample(duration_rng_)));
        inv.function = id;
        inv.memory_mb = functions_[id].memory_mb;
        inv.type = types_[id];
        current_.push_back(inv);
      }
    }
    std::stable_sort(
        current_.begin(), current_.end(),
        [](const Invocation& a, const Invocation& b) { return a.arrival < b.arrival; });
  }
}

bool Azure2019Reader::next(Invocation& out) {
  if (pos_ >= current_.size()) {
    fill_minute();
    if (current_.empty()) return false;
  }
  out = current_[pos_++];
  return true;
}

}  // namespace slsim
