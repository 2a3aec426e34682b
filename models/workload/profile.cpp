// One pass over a workload: per-function counts, peak per-minute rate, mean duration, memory.

#include "slsim/workload/profile.hpp"

#include <algorithm>
#include <cmath>

namespace slsim {

double FunctionProfile::mean_rate_per_s() const {
  // Over at least one second: a trace replayed faster (breakeven) may last seconds.
  return static_cast<double>(invocations) / std::max(1.0, last_s - first_s);
}

const FunctionProfile* WorkloadProfile::find(const std::string& name) const {
  for (const auto& f : functions)
    if (f.name == name) return &f;
  return nullptr;
}

FunctionProfile WorkloadProfile::combined(const std::vector<std::string>& names) const {
  FunctionProfile out;
  double work = 0;
  bool any = false;
  for (const auto& n : names) {
    const auto* f = find(n);
    if (!f || f->invocations == 0) continue;
    out.name = out.name.empty() ? n : out.name + "," + n;
    out.first_s = any ? std::min(out.first_s, f->first_s) : f->first_s;
    out.last_s = any ? std::max(out.last_s, f->last_s) : f->last_s;
    any = true;
    out.invocations += f->invocations;
    out.message_invocations += f->message_invocations;
    // Peaks of different functions may fall in different minutes: their sum bounds the peak.
    out.peak_per_minute += f->peak_per_minute;
    out.peak_per_hour += f->peak_per_hour;
    out.low_per_minute += f->low_per_minute;
    out.max_work_s = std::max(out.max_work_s, f->max_work_s);
    out.first_minute += f->first_minute;
    work += f->mean_work_s * static_cast<double>(f->invocations);
    out.memory_mb = std::max(out.memory_mb, f->memory_mb);
  }
  double bursts = 0;
  std::uint64_t bursty = 0;
  for (const auto& n : names) {
    const auto* f = find(n);
    if (f && f->burst_minutes > 0) {
      bursts += f->burst_minutes * static_cast<double>(f->invocations);
      bursty += f->invocations;
    }
  }
  if (bursty > 0) out.burst_minutes = bursts / static_cast<double>(bursty);
  if (out.invocations > 0) out.mean_work_s = work / static_cast<double>(out.invocations);
  return out;
}

WorkloadProfile profile_workload(WorkloadSource& source) {
  struct Acc {
    std::uint64_t n = 0, messages = 0, minute_count = 0, peak = 0, first_minute = 0;
    std::int64_t minute = -1, first_min = -1;
    double work_s = 0, max_work_s = 0, first_s = 0, last_s = 0;
    std::uint32_t memory_mb = 0;
    std::vector<std::uint32_t> minutes;  // arrivals per minute, first to last (burst lengths)
  };
  // Mean length of the runs of minutes above the midpoint of the mean and the peak (0: no
  // bursts: the peak is under 1.5 times the mean).
  const auto burst_minutes = [](const std::vector<std::uint32_t>& m, std::uint64_t peak) {
    if (m.empty()) return 0.0;
    double sum = 0;
    for (const auto c : m)
      sum += c;
    const double mean = sum / static_cast<double>(m.size());
    if (static_cast<double>(peak) < 1.5 * mean) return 0.0;
    const double mid = (mean + static_cast<double>(peak)) / 2;
    std::uint64_t runs = 0, above = 0;
    bool in = false;
    for (const auto c : m) {
      const bool hi = c > mid;
      if (hi && !in) ++runs;
      above += hi ? 1 : 0;
      in = hi;
    }
    return runs ? static_cast<double>(above) / static_cast<double>(runs) : 0.0;
  };
  // Most arrivals in 60 consecutive minutes (a sliding window over the minutes).
  const auto peak_hour = [](const std::vector<std::uint32_t>& m) {
    std::uint64_t window = 0, peak = 0;
    for (std::size_t i = 0; i < m.size(); ++i) {
      window += m[i];
      if (i >= 60) window -= m[i - 60];
      peak = std::max(peak, window);
    }
    return peak;
  };
  std::vector<Acc> acc;
  Invocation inv;
  constexpr std::int64_t kMinuteUs = 60'000'000;
  while (source.next(inv)) {
    if (inv.function >= acc.size()) acc.resize(inv.function + 1);
    Acc& a = acc[inv.function];
    const std::int64_t us = inv.arrival.time_since_epoch().count();
    const std::int64_t m = us / kMinuteUs;
    const double t = static_cast<double>(us) / 1e6;
    if (a.n == 0) {
      a.first_s = t;
      a.first_min = m;
    }
    if (m != a.minute) {
      a.peak = std::max(a.peak, a.minute_count);
      if (a.minute >= 0 && m > a.minute) {
        a.minutes.push_back(static_cast<std::uint32_t>(a.minute_count));
        a.minutes.resize(a.minutes.size() + static_cast<std::size_t>(m - a.minute - 1), 0);
      }
      a.minute = m;
      a.minute_count = 0;
    }
    ++a.minute_count;
    if (m == a.first_min) ++a.first_minute;
    ++a.n;
    if (inv.type != InvocationType::kSync) ++a.messages;
    a.last_s = t;
    a.work_s += to_seconds(inv.work);
    a.max_work_s = std::max(a.max_work_s, to_seconds(inv.work));
    a.memory_mb = std::max(a.memory_mb, inv.memory_mb);
  }
  // The workload's span in minutes, from minute 0: to the last arrival of any function, or the
  // declared span when it is longer.
  std::int64_t span_minutes = 0;
  for (const auto& a : acc)
    if (a.n) span_minutes = std::max(span_minutes, a.minute + 1);
  if (const auto d = source.declared_span_s())
    span_minutes = std::max(span_minutes, static_cast<std::int64_t>(std::ceil(*d / 60 - 1e-9)));
  // The 10th percentile of a function's per-minute counts over the span (minutes outside its
  // first..last minute count 0).
  const auto low_minute = [span_minutes](std::vector<std::uint32_t> m) -> std::uint64_t {
    const auto total = static_cast<std::size_t>(std::max<std::int64_t>(span_minutes, 1));
    const std::size_t zeros = total > m.size() ? total - m.size() : 0;
    const std::size_t k = total / 10;
    if (k < zeros || m.empty()) return 0;
    const auto it = m.begin() + static_cast<std::ptrdiff_t>(std::min(k - zeros, m.size() - 1));
    std::nth_element(m.begin(), it, m.end());
    return *it;
  };
  WorkloadProfile p;
  p.memory_is_lambda_setting = source.memory_is_lambda_setting();
  const auto& table = source.functions();
  for (std::size_t id = 0; id < table.size(); ++id) {
    FunctionProfile f;
    f.name = table[static_cast<FunctionId>(id)].name;
    f.memory_mb = table[static_cast<FunctionId>(id)].memory_mb;
    if (id < acc.size()) {
      const Acc& a = acc[id];
      f.invocations = a.n;
      f.message_invocations = a.messages;
      f.peak_per_minute = std::max(a.peak, a.minute_count);
      f.first_minute = a.first_minute;
      f.first_s = a.first_s;
      f.last_s = a.last_s;
      f.mean_work_s = a.n ? a.work_s / static_cast<double>(a.n) : 0;
      f.max_work_s = a.max_work_s;
      f.memory_mb = std::max(f.memory_mb, a.memory_mb);
      std::vector<std::uint32_t> minutes = a.minutes;
      if (a.n) minutes.push_back(static_cast<std::uint32_t>(a.minute_count));
      f.burst_minutes = burst_minutes(minutes, f.peak_per_minute);
      f.peak_per_hour = peak_hour(minutes);
      f.low_per_minute = low_minute(std::move(minutes));
    }
    p.functions.push_back(std::move(f));
  }
  return p;
}

}  // namespace slsim
