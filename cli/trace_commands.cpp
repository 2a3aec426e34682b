// `slsim trace stats` and the workload summary shared with `slsim report`.
#include <fmt/format.h>

#include <iostream>

#include "commands.hpp"
#include "output.hpp"
#include "slsim/workload/trace_stats.hpp"
#include "trace_options.hpp"
#include "workload_summary.hpp"

namespace slsim::cli {

namespace {
std::string num(double v, int digits = 2) {
  return fmt::format("{:.{}f}", v, digits);
}
}  // namespace

nlohmann::json summary_json(const TraceSummary& s) {
  return nlohmann::json::parse(to_json(s));
}

std::vector<Table> summary_tables(const TraceSummary& s) {
  Table t{"Workload", {{"metric", "value"}}};
  auto row = [&](std::string k, std::string v) { t.rows.push_back({std::move(k), std::move(v)}); };
  row("source", s.source);
  row("invocations", fmt::format("{}", s.invocations));
  row("functions", fmt::format("{}", s.functions));
  row("span (s)", num(s.span_s, 3));
  row("mean rate (/s)", num(s.mean_rate_per_s, 3));
  row("peak rate (/s, busiest second)", num(s.peak_rate_per_s, 0));
  row("peak rate (/min, busiest minute)", num(s.peak_rate_per_min, 0));
  row("inter-arrival CV", num(s.interarrival_cv, 3));
  row("sync / async / queue", fmt::format("{} / {} / {}", s.sync, s.async, s.queue));
  row("duration mean (ms)", num(s.duration_ms_mean));
  row("duration p50 / p90 / p99 (ms)", fmt::format("{} / {} / {}", num(s.duration_ms_p50),
                                                   num(s.duration_ms_p90), num(s.duration_ms_p99)));
  row("duration max (ms)", num(s.duration_ms_max));
  if (s.memory_mb_max > 0) {
    row("memory p50 / p90 / p99 / max (MB)",
        fmt::format("{} / {} / {} / {}", num(s.memory_mb_p50, 0), num(s.memory_mb_p90, 0),
                    num(s.memory_mb_p99, 0), num(s.memory_mb_max, 0)));
  }
  if (s.lambda_logs) {
    const auto& l = *s.lambda_logs;
    row("observed cold starts",
        fmt::format("{} ({:.2f}% of invocations)", l.billed.cold_starts, 100 * l.cold_start_rate));
    if (l.billed.cold_starts > 0) {
      row("init duration mean / p50 / p90 / p99 / max (ms)",
          fmt::format("{} / {} / {} / {} / {}", num(l.init_ms_mean), num(l.init_ms_p50),
                      num(l.init_ms_p90), num(l.init_ms_p99), num(l.init_ms_max)));
    }
    if (l.billed.timeouts > 0)
      row("timed out (Status: timeout)", fmt::format("{}", l.billed.timeouts));
    if (l.max_memory_used_mb_max > 0) {
      row("max memory used p50 / max (MB)", fmt::format("{} / {}", num(l.max_memory_used_mb_p50, 0),
                                                        num(l.max_memory_used_mb_max, 0)));
    }
    row("billed duration (s)", num(static_cast<double>(l.billed.billed_ms) / 1000, 3));
    row("billed compute (GB-s)", num(l.billed.billed_gb_s(), 3));
  }
  if (s.skipped_rows > 0) {
    row("skipped malformed rows", fmt::format("{}", s.skipped_rows));
    for (const auto& e : s.skipped_examples)
      row("  e.g.", e);
  }
  Table top{"Top functions by volume", {{"function", "invocations", "share"}}};
  for (const auto& f : s.top_functions) {
    top.rows.push_back(
        {f.function, fmt::format("{}", f.invocations), fmt::format("{:.1f}%", 100 * f.share)});
  }
  return {t, top};
}

void add_trace_command(CLI::App& app) {
  auto* trace = app.add_subcommand("trace", "Inspect workload traces");
  trace->require_subcommand(1);
  auto* stats = trace->add_subcommand(
      "stats",
      "Invocations, span, rates, inter-arrival CV, duration and memory percentiles, top "
      "functions");
  auto args = std::make_shared<TraceArgs>();
  auto format = std::make_shared<std::string>("table");
  add_trace_args(stats, *args);
  stats->add_option("--format", *format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}));
  stats->callback([args, format] {
    auto source = make_trace_factory(*args)();
    const auto s = summarize(*source);
    const auto f = parse_format(*format);
    if (f == Format::kJson) {
      write_json(std::cout, summary_json(s));
    } else {
      write_tables(std::cout, summary_tables(s), f);
    }
  });
}

}  // namespace slsim::cli
