#include "slsim/platform/result.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace slsim {

namespace {

nlohmann::ordered_json percentiles(const QuantileSketch& q, const RunningStats* stats) {
  if (q.count() == 0) return nullptr;
  nlohmann::ordered_json j;
  if (stats) j["mean"] = stats->mean();
  j["p50"] = q.quantile(0.5);
  j["p90"] = q.quantile(0.9);
  j["p95"] = q.quantile(0.95);
  j["p99"] = q.quantile(0.99);
  j["max"] = q.max();
  return j;
}

}  // namespace

std::string PlatformResult::to_json() const {
  nlohmann::ordered_json j;
  const auto& o = outcomes;
  j["platform"] = platform;
  j["invocations"] = {{"arrived", arrived},         {"completed", o.completed},
                      {"failed", o.failed},         {"timed_out", o.timed_out},
                      {"refused", o.refused},       {"expired", o.expired},
                      {"unfinished", o.unfinished}, {"attempts", attempts},
                      {"retries", retries},         {"cold_starts", cold_starts}};
  j["cold_start_invocation_fraction"] = cold_start_invocation_fraction();
  j["latency_ms"] = percentiles(latency_ms, &latency_stats);
  j["latency_completed_ms"] = percentiles(latency_completed_ms, &latency_completed_stats);
  j["queue_wait_ms"] = percentiles(queue_wait_ms, nullptr);
  j["instances"] = {{"mean", instances_mean}, {"max", instances_max}};
  j["hosts"] = {{"mean", hosts_mean}, {"max", hosts_max}};
  j["utilisation"] = utilisation;
  j["span_s"] = span_s;
  j["worked_s"] = std::max(worked_s, span_s);
  nlohmann::ordered_json x = nlohmann::ordered_json::object();
  for (const auto& [k, v] : extra)
    x[k] = v;
  j["extra"] = x;
  j["notes"] = notes;
  j["cost"] = nlohmann::ordered_json::parse(bill.to_json());
  return j.dump();
}

}  // namespace slsim
