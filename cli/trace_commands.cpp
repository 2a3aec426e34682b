// `slsim trace stats` and the workload summary shared with `slsim report`.
#include <fmt/format.h>

#include <iostream>

#include "bill_output.hpp"
#include "cli_support.hpp"
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

nlohmann::ordered_json summary_json(const TraceSummary& s) {
  return nlohmann::ordered_json::parse(to_json(s));
}

std::vector<Table> summary_tables(const TraceSummary& s) {
  Table t{"Workload", {{"metric", "value"}}};
  auto row = [&](std::string k, std::string v) { t.rows.push_back({std::move(k), std::move(v)}); };
  auto count = [&](std::string k, std::uint64_t v) {
    row(std::move(k), quantity(static_cast<double>(v)));
  };
  row("source", s.source);
  count("invocations", s.invocations);
  count("functions", s.functions);
  row("span (s)", num(s.span_s, 3));
  row("mean rate (/s)", num(s.mean_rate_per_s, 3));
  row("peak rate (/s, busiest second)", num(s.peak_rate_per_s, 0));
  row("peak rate (/min, busiest minute)", num(s.peak_rate_per_min, 0));
  row("inter-arrival CV", s.invocations > 1 ? num(s.interarrival_cv, 3) : "n/a");
  count("sync", s.sync);
  count("async", s.async);
  count("queue", s.queue);
  const bool any = s.invocations > 0;
  auto ms = [&](double v) { return any ? num(v) : std::string("n/a"); };
  row("duration mean (ms)", ms(s.duration_ms_mean));
  row("duration p50 (ms)", ms(s.duration_ms_p50));
  row("duration p90 (ms)", ms(s.duration_ms_p90));
  row("duration p99 (ms)", ms(s.duration_ms_p99));
  row("duration max (ms)", ms(s.duration_ms_max));
  if (s.memory_mb_max > 0) {
    row("memory p50 (MB)", num(s.memory_mb_p50, 0));
    row("memory p90 (MB)", num(s.memory_mb_p90, 0));
    row("memory p99 (MB)", num(s.memory_mb_p99, 0));
    row("memory max (MB)", num(s.memory_mb_max, 0));
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
    count("skipped malformed rows", s.skipped_rows);
    for (const auto& e : s.skipped_examples)
      t.notes.push_back("skipped: " + e);
  }
  Table top{"Top functions by volume", {{"function", "invocations", "share (%)"}}};
  for (const auto& f : s.top_functions) {
    top.rows.push_back({f.function, quantity(static_cast<double>(f.invocations)),
                        fmt::format("{:.1f}", 100 * f.share)});
  }
  t.id = "workload";
  top.id = "top_functions";
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
  auto output = std::make_shared<std::string>();
  add_trace_args(stats, *args);
  stats->add_option("--format", *format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}));
  add_output_option(stats, *output);
  stats->callback([args, format, output] {
    auto source = with_progress(make_trace_factory(*args)());
    const auto s = summarize(*source);
    if (!args->functions.empty()) {
      std::vector<std::string> names;
      for (const auto& fn : source->functions().all())
        names.push_back(fn.name);
      check_selected_functions(*args, names);
    }
    const auto f = parse_format(*format);
    write_result(*output, [&](std::ostream& os) {
      if (f == Format::kJson) {
        write_json(os, summary_json(s));
      } else {
        write_tables(os, summary_tables(s), f);
      }
    });
  });
}

}  // namespace slsim::cli
