#include "slsim/workload/trace_stats.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace slsim {

TraceSummary summarize(WorkloadSource& source, std::size_t top_n) {
  TraceSummary s;
  s.source = source.describe();
  QuantileSketch durations, memory;
  RunningStats gaps, duration_stats;
  std::vector<std::uint64_t> per_function;
  Invocation inv;
  std::int64_t cur_sec = -1, cur_min = -1;
  std::uint64_t in_sec = 0, in_min = 0, peak_sec = 0, peak_min = 0;
  TimePoint first{}, last{};
  TraceSummary::LambdaLogs logs;
  QuantileSketch init_ms, used_mb;
  RunningStats init_stats;
  bool have_logs = false;
  while (source.next(inv)) {
    if (const LambdaObservation* o = source.observation()) {
      have_logs = true;
      logs.billed.add(*o);
      if (o->cold_start) {
        init_ms.add(to_millis(o->init));
        init_stats.add(to_millis(o->init));
      }
      if (o->max_memory_used_mb > 0) used_mb.add(o->max_memory_used_mb);
    }
    if (s.invocations == 0) {
      first = inv.arrival;
    } else {
      gaps.add(to_seconds(inv.arrival - last));
    }
    last = inv.arrival;
    ++s.invocations;
    const std::int64_t sec = inv.arrival.time_since_epoch().count() / kSecond.count();
    if (sec != cur_sec) {
      cur_sec = sec;
      in_sec = 0;
    }
    peak_sec = std::max(peak_sec, ++in_sec);
    const std::int64_t min = sec / 60;
    if (min != cur_min) {
      cur_min = min;
      in_min = 0;
    }
    peak_min = std::max(peak_min, ++in_min);
    const double d_ms = to_millis(inv.work);
    durations.add(d_ms);
    duration_stats.add(d_ms);
    if (inv.memory_mb > 0) memory.add(inv.memory_mb);
    if (inv.function >= per_function.size()) per_function.resize(inv.function + 1, 0);
    ++per_function[inv.function];
    switch (inv.type) {
      case InvocationType::kSync:
        ++s.sync;
        break;
      case InvocationType::kAsync:
        ++s.async;
        break;
      case InvocationType::kQueue:
        ++s.queue;
        break;
    }
  }
  s.skipped_rows = source.skipped_rows();
  s.skipped_examples = source.skipped_examples();
  s.functions = static_cast<std::size_t>(std::count_if(per_function.begin(), per_function.end(),
                                                       [](std::uint64_t n) { return n > 0; }));
  if (have_logs) {
    logs.cold_start_rate = static_cast<double>(logs.billed.cold_starts) /
                           static_cast<double>(std::max<std::uint64_t>(1, logs.billed.requests));
    if (init_stats.count() > 0) {
      logs.init_ms_mean = init_stats.mean();
      logs.init_ms_p50 = init_ms.quantile(0.5);
      logs.init_ms_p90 = init_ms.quantile(0.9);
      logs.init_ms_p99 = init_ms.quantile(0.99);
      logs.init_ms_max = init_ms.max();
    }
    if (used_mb.count() > 0) {
      logs.max_memory_used_mb_p50 = used_mb.quantile(0.5);
      logs.max_memory_used_mb_max = used_mb.max();
    }
    s.lambda_logs = logs;
  }
  if (s.invocations == 0) return s;
  s.first_arrival_s = to_seconds(first);
  s.last_arrival_s = to_seconds(last);
  s.span_s = s.last_arrival_s - s.first_arrival_s;
  s.mean_rate_per_s = s.span_s > 0 ? static_cast<double>(s.invocations) / s.span_s : 0.0;
  s.peak_rate_per_s = static_cast<double>(peak_sec);
  s.peak_rate_per_min = static_cast<double>(peak_min);
  s.interarrival_cv = gaps.count() > 1 && gaps.mean() > 0 ? gaps.stddev() / gaps.mean() : 0.0;
  s.duration_ms_mean = duration_stats.mean();
  s.duration_ms_p50 = durations.quantile(0.5);
  s.duration_ms_p90 = durations.quantile(0.9);
  s.duration_ms_p99 = durations.quantile(0.99);
  s.duration_ms_max = durations.max();
  s.memory_mb_p50 = memory.quantile(0.5);
  s.memory_mb_p90 = memory.quantile(0.9);
  s.memory_mb_p99 = memory.quantile(0.99);
  s.memory_mb_max = memory.max();
  std::vector<FunctionId> order(per_function.size());
  for (FunctionId i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](FunctionId a, FunctionId b) { return per_function[a] > per_function[b]; });
  for (std::size_t i = 0; i < std::min(top_n, order.size()); ++i) {
    const auto id = order[i];
    if (per_function[id] == 0) break;  // functions a selection dropped (e.g. --top) are not listed
    s.top_functions.push_back(
        {source.functions()[id].name, per_function[id],
         static_cast<double>(per_function[id]) / static_cast<double>(s.invocations)});
  }
  return s;
}

}  // namespace slsim

namespace slsim {

std::string to_json(const TraceSummary& s) {
  nlohmann::json top = nlohmann::json::array();
  for (const auto& t : s.top_functions) {
    top.push_back({{"function", t.function}, {"invocations", t.invocations}, {"share", t.share}});
  }
  nlohmann::json j = {
      {"source", s.source},
      {"invocations", s.invocations},
      {"functions", s.functions},
      {"first_arrival_s", s.first_arrival_s},
      {"last_arrival_s", s.last_arrival_s},
      {"span_s", s.span_s},
      {"mean_rate_per_s", s.mean_rate_per_s},
      {"peak_rate_per_s", s.peak_rate_per_s},
      {"peak_rate_per_min", s.peak_rate_per_min},
      {"interarrival_cv", s.interarrival_cv},
      {"invocation_types", {{"sync", s.sync}, {"async", s.async}, {"queue", s.queue}}},
      {"duration_ms",
       {{"mean", s.duration_ms_mean},
        {"p50", s.duration_ms_p50},
        {"p90", s.duration_ms_p90},
        {"p99", s.duration_ms_p99},
        {"max", s.duration_ms_max}}},
      {"memory_mb",
       {{"p50", s.memory_mb_p50},
        {"p90", s.memory_mb_p90},
        {"p99", s.memory_mb_p99},
        {"max", s.memory_mb_max}}},
      {"top_functions", top},
      {"skipped_rows", s.skipped_rows},
      {"skipped_examples", s.skipped_examples}};
  if (s.lambda_logs) {
    const auto& l = *s.lambda_logs;
    j["lambda_logs"] = {{"requests", l.billed.requests},
                        {"cold_starts", l.billed.cold_starts},
                        {"cold_start_rate", l.cold_start_rate},
                        {"timeouts", l.billed.timeouts},
                        {"init_ms",
                         {{"mean", l.init_ms_mean},
                          {"p50", l.init_ms_p50},
                          {"p90", l.init_ms_p90},
                          {"p99", l.init_ms_p99},
                          {"max", l.init_ms_max}}},
                        {"max_memory_used_mb",
                         {{"p50", l.max_memory_used_mb_p50}, {"max", l.max_memory_used_mb_max}}},
                        {"billed_ms", l.billed.billed_ms},
                        {"billed_mb_ms", l.billed.billed_mb_ms},
                        {"billed_gb_s", l.billed.billed_gb_s()}};
  }
  return j.dump();
}

}  // namespace slsim
