#include "lambda_output.hpp"

#include <fmt/format.h>

#include "bill_output.hpp"

namespace slsim::cli {

std::vector<Table> lambda_tables(const LambdaResult& r) {
  const auto& c = r.counts;
  Table t{"AWS Lambda", {{"metric", "value"}}};
  auto row = [&](std::string k, std::string v) { t.rows.push_back({std::move(k), std::move(v)}); };
  row("arrived", fmt::format("{}", c.arrived));
  row("completed / failed / dropped",
      fmt::format("{} / {} / {}", c.completed, c.failed(), c.dropped()));
  row("attempts / retries", fmt::format("{} / {}", c.attempts, c.retries));
  row("throttles / timeouts / errors",
      fmt::format("{} / {} / {}", c.throttles, c.timeouts, c.errors));
  row("sent to failure destination", fmt::format("{}", c.to_destination));
  row("cold starts", fmt::format("{} ({:.3f}%)", c.cold_starts, 100 * r.cold_start_probability()));
  row("latency mean (ms)", fmt::format("{:.1f}", r.latency_stats.mean()));
  row("latency p50 / p90 / p99 (ms)",
      fmt::format("{:.1f} / {:.1f} / {:.1f}", r.latency_ms.quantile(0.5),
                  r.latency_ms.quantile(0.9), r.latency_ms.quantile(0.99)));
  row("latency max (ms)", fmt::format("{:.1f}", r.latency_ms.count() ? r.latency_ms.max() : 0.0));
  row("environments mean / max", fmt::format("{:.2f} / {:.0f}", r.instances_mean, r.instances_max));
  row("busy mean / max (concurrency)", fmt::format("{:.2f} / {:.0f}", r.mean_busy, r.max_busy));
  row("idle mean", fmt::format("{:.2f}", r.mean_idle));
  for (const auto& n : r.notes)
    row("note", n);
  return {t, bill_table(r.bill, "AWS Lambda bill")};
}

}  // namespace slsim::cli
