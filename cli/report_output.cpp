#include "report_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "output.hpp"
#include "placement_output.hpp"

namespace slsim::cli {

using Json = nlohmann::ordered_json;

ReportFormat parse_report_format(const std::string& s) {
  if (s == "markdown") return ReportFormat::kMarkdown;
  if (s == "json") return ReportFormat::kJson;
  if (s == "csv") return ReportFormat::kCsv;
  return ReportFormat::kTable;
}

// ---- numbers -----------------------------------------------------------------------------------

namespace {

// Thousands separators on the integer part of a formatted number.
std::string group(std::string s) {
  const auto start = s.find_first_of("0123456789");
  if (start == std::string::npos) return s;
  auto end = s.find_first_not_of("0123456789", start);
  if (end == std::string::npos) end = s.size();
  for (auto i = static_cast<long>(end) - 3; i > static_cast<long>(start); i -= 3)
    s.insert(static_cast<std::size_t>(i), 1, ',');
  return s;
}

}  // namespace

std::string fmt_usd(double usd) {
  const double a = std::fabs(usd);
  std::string body;
  if (a >= 1000) {
    body = group(fmt::format("{:.0f}", a));
  } else if (a >= 0.1 || a == 0) {
    body = fmt::format("{:.2f}", a);
  } else if (a >= 0.0001) {
    body = fmt::format("{:.4f}", a);
  } else {
    // Two significant digits: a charge or credit that is not zero never reads "$0.0000".
    body = fmt::format("{:.{}f}", a, std::min(12, 1 - static_cast<int>(std::floor(std::log10(a)))));
  }
  return (usd < 0 ? "-$" : "$") + body;
}

std::string fmt_quantity(double q) {
  if (!std::isfinite(q)) return "n/a";
  const double a = std::fabs(q);
  if (a == 0 || a >= 1) return fmt_count(std::round(q * 100) / 100);
  // Below one: two significant digits (0.0028 ALB-hours, not 0), trailing zeros dropped.
  std::string t =
      fmt::format("{:.{}f}", q, std::min(12, 1 - static_cast<int>(std::floor(std::log10(a)))));
  while (t.back() == '0')
    t.pop_back();
  if (t.back() == '.') t.pop_back();
  return t;
}

std::string fmt_ms(double ms) {
  if (ms < 10) return fmt::format("{:.1f}", ms);
  return group(fmt::format("{:.0f}", ms));
}

namespace {

// The unit a latency reads best in: ms below a second, then s, min, h and days.
struct TimeUnit {
  double ms;
  const char* name;
  int decimals;
};

TimeUnit unit_for(double ms) {
  const double a = std::fabs(ms);
  if (a < 10) return {1, "ms", 1};
  if (a < 1000) return {1, "ms", 0};
  if (a < 10e3) return {1e3, "s", 2};
  if (a < 60e3) return {1e3, "s", 1};
  if (a < 3600e3) return {60e3, "min", 1};
  if (a < 48 * 3600e3) return {3600e3, "h", 1};
  return {86400e3, "days", 1};
}

}  // namespace

std::string fmt_latency(double ms) {
  if (!std::isfinite(ms)) return "n/a";  // nothing ran
  const auto u = unit_for(ms);
  return fmt::format("{:.{}f} {}", ms / u.ms, u.decimals, u.name);
}

std::string fmt_latency_est(const Estimate& e) {
  if (!(e.n > 1 && e.half_width > 0) || !std::isfinite(e.mean)) return fmt_latency(e.mean);
  const auto u = unit_for(e.mean);
  return fmt::format("{:.{}f} ± {:.{}f} {}", e.mean / u.ms, u.decimals, e.half_width / u.ms,
                     u.decimals, u.name);
}

std::string fmt_count(double n) {
  // Whole numbers, and means over replications of 100 or more, without decimals.
  if (std::fabs(n - std::round(n)) < 1e-9 || std::fabs(n) >= 100)
    return group(fmt::format("{:.0f}", n));
  return group(fmt::format("{:.1f}", n));
}

std::string fmt_pct(double f) {
  const double p = 100 * f;
  if (p != 0 && std::fabs(p) < 0.01) return fmt::format("{:.4f}%", p);
  return fmt::format("{:.2f}%", p);
}

// ---- grids -------------------------------------------------------------------------------------

namespace {

std::size_t display_width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++w;
  return w;
}

bool numeric_cell(const std::string& c) {
  if (c.empty() || c == "-" || c == "n/a") return true;
  bool digit = false;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(c[i]);
    if (ch >= '0' && ch <= '9') {
      digit = true;
    } else if (std::string_view(".,-+$%/() ").find(static_cast<char>(ch)) != std::string::npos) {
    } else if (ch >= 0x80) {  // ± and other symbols
    } else {
      return false;
    }
  }
  return digit;
}

std::string paint(const std::string& s, char e, bool colour) {
  if (!colour || e == 0 || e == ' ') return s;
  const char* code = e == 'g' ? "\033[32m" : e == 'r' ? "\033[31m" : "\033[1m";
  return code + s + "\033[0m";
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string render_grids(const std::vector<Grid>& grids, ReportFormat f, bool colour) {
  std::string out;
  for (const auto& g : grids) {
    if (g.rows.empty()) continue;
    if (!out.empty()) out += "\n";
    const std::size_t ncol = g.rows.front().size();
    auto emph = [&](std::size_t r, std::size_t c) -> char {
      if (r < g.emphasis.size() && c < g.emphasis[r].size()) return g.emphasis[r][c];
      return 0;
    };
    if (f == ReportFormat::kMarkdown) {
      if (!g.title.empty()) out += "### " + g.title + "\n\n";
      std::vector<bool> numeric(ncol, g.rows.size() > 1);
      for (std::size_t r = 1; r < g.rows.size(); ++r)
        for (std::size_t c = 0; c < ncol && c < g.rows[r].size(); ++c)
          numeric[c] = numeric[c] && numeric_cell(g.rows[r][c]);
      numeric[0] = false;
      for (std::size_t r = 0; r < g.rows.size(); ++r) {
        out += "|";
        for (std::size_t c = 0; c < g.rows[r].size(); ++c) {
          out += ' ';
          out += md_escape(g.rows[r][c]);
          out += " |";
        }
        out += "\n";
        if (r == 0) {
          out += "|";
          for (std::size_t c = 0; c < ncol; ++c)
            out += numeric[c] ? "---:|" : "---|";
          out += "\n";
        }
      }
      continue;
    }
    std::vector<std::size_t> w(ncol, 0);
    for (const auto& row : g.rows)
      for (std::size_t c = 0; c < row.size() && c < ncol; ++c)
        w[c] = std::max(w[c], display_width(row[c]));
    std::vector<bool> numeric(ncol, g.rows.size() > 1);
    for (std::size_t r = 1; r < g.rows.size(); ++r)
      for (std::size_t c = 0; c < ncol && c < g.rows[r].size(); ++c)
        numeric[c] = numeric[c] && numeric_cell(g.rows[r][c]);
    numeric[0] = false;
    if (!g.title.empty()) out += paint(g.title, 'b', colour) + "\n";
    for (std::size_t r = 0; r < g.rows.size(); ++r) {
      std::string line;
      for (std::size_t c = 0; c < g.rows[r].size() && c < ncol; ++c) {
        const auto& cell = g.rows[r][c];
        const std::string pad(w[c] - display_width(cell), ' ');
        // Header cells align with their column's numbers.
        const std::string text = numeric[c] ? pad + cell : cell + pad;
        if (c) line += "  ";
        line += paint(text, emph(r, c), colour);
      }
      while (!line.empty() && line.back() == ' ')
        line.pop_back();
      out += line + "\n";
      if (r == 0) {
        std::size_t total = 0;
        for (auto x : w)
          total += x;
        out += std::string(total + 2 * (ncol - 1), '-') + "\n";
      }
    }
  }
  return out;
}

// ---- report ------------------------------------------------------------------------------------

namespace {

using Fmt = std::string (*)(double);

std::string est(const Estimate& e, Fmt f) {
  if (e.n > 1 && e.half_width > 0) return f(e.mean) + " ± " + f(e.half_width);
  return f(e.mean);
}

std::string span_text(double s) {
  if (s >= 86400 * 1.5) return fmt::format("{:.1f} days", s / 86400);
  if (s >= 3600 * 1.5) return fmt::format("{:.1f} h", s / 3600);
  return fmt::format("{:.0f} s", s);
}

std::string objectives_text(const Objectives& o) {
  std::vector<std::string> parts;
  if (o.slo_p99_ms) parts.push_back("p99 <= " + fmt_latency(*o.slo_p99_ms));
  if (o.max_error_rate) parts.push_back("errors <= " + fmt_pct(*o.max_error_rate));
  if (o.max_cold_start_rate) parts.push_back("cold starts <= " + fmt_pct(*o.max_cold_start_rate));
  if (parts.empty()) return "none (the cheapest platform wins)";
  std::string s;
  for (const auto& p : parts)
    s += (s.empty() ? "" : ", ") + p;
  return s;
}

std::string front_door_text(const CompareOptions& o, const TraceSummary* workload) {
  if (!o.front_door.enabled) return "none (--no-front-door)";
  // Only HTTP (sync) requests pass a front door (add_front_door): a workload of queue messages
  // and async events has none, and the header says so (issue 19).
  if (workload && workload->sync == 0) {
    return "none: the workload has no HTTP (sync) requests (queue and async messages need no API "
           "Gateway or load balancer)";
  }
  const auto& l = o.front_door.lambda;
  const std::string lam = l == "rest-api"       ? "API Gateway REST API"
                          : l == "function-url" ? "function URL"
                                                : "API Gateway HTTP API";
  return lam + " for Lambda, an Application Load Balancer for services";
}

// Invocations per second over the workload's span (the one every figure uses), never above the
// busiest second: the trace's own mean is over its first to last arrival, which for a burst
// within a second of a day read "10001.00 / 10,000" (review of issue 19, M9).
double mean_rate_over(const TraceSummary& w, double span_s) {
  if (!(span_s > 0)) return std::min(w.mean_rate_per_s, w.peak_rate_per_s);
  return std::min(static_cast<double>(w.invocations) / span_s, w.peak_rate_per_s);
}

double span_of(const Comparison& c) {
  for (const auto& p : c.platforms)
    if (!p.impossible && !p.costs.empty()) return p.costs.front().span_s;
  return 0;
}

}  // namespace

std::vector<std::string> report_csv_columns() {
  return {"platform",        "label",          "status",          "monthly_usd", "total_usd",
          "usd_per_million", "p50_ms",         "p95_ms",          "p99_ms",      "max_ms",
          "mean_ms",         "error_rate",     "cold_start_rate", "arrived",     "completed",
          "failed",          "timed_out",      "refused",         "expired",     "unfinished",
          "cold_starts",     "instances_mean", "instances_max",   "hosts_mean",  "hosts_max",
          "utilisation",     "recommended",    "reason"};
}

namespace {

std::vector<const Estimate*> csv_estimates(const PlatformFigures& f) {
  return {&f.monthly_usd, &f.total_usd,  &f.usd_per_million, &f.p50_ms,         &f.p95_ms,
          &f.p99_ms,      &f.max_ms,     &f.mean_ms,         &f.error_rate,     &f.cold_start_rate,
          &f.arrived,     &f.completed,  &f.failed,          &f.timed_out,      &f.refused,
          &f.expired,     &f.unfinished, &f.cold_starts,     &f.instances_mean, &f.instances_max,
          &f.hosts_mean,  &f.hosts_max,  &f.utilisation};
}

// An empty cell for an unknown figure (no invocation ran): pandas reads it as NaN.
std::string num(double x) {
  return std::isfinite(x) ? fmt::format("{}", x) : "";
}

// The placement as tidy CSV tables of numbers (the text tables show money and latency as
// people read them): `placement` (row = part), `placement_alone` (row = part:platform),
// `placement_bill` (row = platform:item) and `placement_total`.
std::vector<Table> placement_csv(const PlacementResult& p) {
  Table parts{
      "placement",
      {{"part", "platform", "monthly_usd", "p99_ms", "slo_p99_ms", "meets_objectives", "why"}}};
  parts.id = "placement";
  for (const auto& pp : p.parts) {
    parts.rows.push_back({pp.part, pp.platform, pp.platform.empty() ? "" : num(pp.monthly_usd),
                          pp.p99_ms > 0 ? num(pp.p99_ms) : "",
                          pp.slo_p99_ms ? num(*pp.slo_p99_ms) : "",
                          pp.meets_objectives ? "true" : "false", pp.why});
  }
  Table alone{"placement_alone",
              {{"part:platform", "can_run", "meets_objectives", "monthly_usd", "why"}}};
  alone.id = "placement_alone";
  for (const auto& a : p.alone) {
    alone.rows.push_back({a.part + ":" + a.platform, a.can_run ? "true" : "false",
                          a.meets_objectives ? "true" : "false",
                          a.can_run ? num(a.monthly_usd) : "", a.why});
  }
  Table bill{"placement_bill", {{"platform:item", "quantity", "unit", "usd", "monthly_usd"}}};
  bill.id = "placement_bill";
  for (const auto& [platform, l] : p.line_items) {
    bill.rows.push_back(
        {platform + ":" + l.name, num(l.quantity), l.unit, num(l.usd), num(l.monthly_usd)});
  }
  Table total{"placement_total",
              {{"total", "monthly_usd", "best_single", "best_single_usd", "recommended", "joint",
                "skipped", "summary"}}};
  total.id = "placement_total";
  total.rows.push_back({"mix", num(p.monthly_usd), p.best_single.value_or(""),
                        p.best_single ? num(p.best_single_usd) : "",
                        p.recommended() ? "true" : "false", p.joint ? "true" : "false",
                        p.skipped ? "true" : "false", p.summary});
  return {parts, alone, bill, total};
}

std::string reason_of(const Comparison& c, const std::string& name) {
  for (const auto& [k, v] : c.recommendation.reasons)
    if (k == name) return v;
  return "";
}

// Whether a platform that ran met the comparison's objectives: recommend() gives every platform
// that misses one a reason starting "too " (too slow, too many failures, too many cold starts).
bool meets_objectives(const Comparison& c, const PlatformComparison& p) {
  return !p.impossible && reason_of(c, p.name).rfind("too ", 0) != 0;
}

// Latency, errors and cold starts per part per platform (issue 20), as tidy CSV: row
// `PART:PLATFORM`, columns part, platform, functions (";"-joined), p99_ms, error_rate,
// cold_start_rate, meets_objectives, missed ("; "-joined).
Table by_part_csv_table(const Comparison& c) {
  Table t{"by part",
          {{"part_platform", "part", "platform", "functions", "p99_ms", "error_rate",
            "cold_start_rate", "meets_objectives", "missed"}}};
  t.id = "by_part";
  for (const auto& p : c.by_part) {
    std::string fns, missed;
    for (const auto& f : p.functions)
      fns += (fns.empty() ? "" : ";") + f;
    for (const auto& m : p.missed)
      missed += (missed.empty() ? "" : "; ") + m;
    t.rows.push_back({p.part + ":" + p.platform, p.part, p.platform, fns, num(p.p99_ms.mean),
                      num(p.error_rate.mean), num(p.cold_start_rate.mean),
                      p.meets_objectives() ? "true" : "false", missed});
  }
  return t;
}

// Tables as the one tidy CSV every command prints (`table,row,column,value`, output.cpp).
std::string tidy_csv(const std::vector<Table>& tables) {
  std::ostringstream os;
  write_tables(os, tables, Format::kCsv);
  return os.str();
}

// The report as tidy CSV (issue 19: it was one wide table without the bill): table `platforms`
// (row = platform, a column per figure, with `_ci95` half-widths over replications), one
// `<platform>_bill` table of the bill's lines (quantity, unit, usd over the span, monthly_usd;
// replication 0's) with a `total` row, and `recommendation`.
std::string render_report_csv(const Comparison& c) {
  const bool ci = c.options.replications > 1;
  auto cols = report_csv_columns();
  std::vector<Table> tables;
  Table t{"platforms", {cols}};
  t.id = "platforms";
  if (ci) {
    // Half-widths of the 95% intervals after the figures.
    for (std::size_t i = 3; i < 26; ++i)
      t.rows.front().push_back(cols[i] + "_ci95");
  }
  for (const auto& p : c.platforms) {
    std::vector<std::string> row{p.name, p.label, p.impossible ? "impossible" : "ok"};
    const auto ests = csv_estimates(p.figures);
    for (const auto* e : ests)
      row.push_back(p.impossible ? "" : num(e->mean));
    row.push_back(c.recommendation.platform && *c.recommendation.platform == p.name ? "true"
                                                                                    : "false");
    row.push_back(reason_of(c, p.name));
    if (ci) {
      for (const auto* e : ests)
        row.push_back(p.impossible ? "" : num(e->half_width));
    }
    t.rows.push_back(std::move(row));
  }
  tables.push_back(std::move(t));
  for (const auto& p : c.platforms) {
    if (p.impossible || p.costs.empty()) continue;
    const auto& cost = p.costs.front();
    Table b{p.name + " bill", {{"item", "unit", "quantity", "usd", "monthly_usd"}}};
    b.id = p.name + "_bill";
    for (const auto& l : cost.lines)
      b.rows.push_back({l.name, l.unit, num(l.quantity), num(l.usd), num(l.monthly_usd)});
    b.rows.push_back({"total", "", "", num(cost.total_usd), num(cost.monthly_usd)});
    tables.push_back(std::move(b));
  }
  // Every platform's notes (warnings, assumptions), as the table and JSON give them: row
  // `<platform>_<n>` (1-based), columns `platform` and `note`.
  Table notes{"notes", {{"note", "platform", "note"}}};
  notes.id = "notes";
  for (const auto& p : c.platforms) {
    if (p.impossible || p.runs.empty()) continue;
    std::set<std::string> seen;
    for (const auto& n : p.runs.front().notes) {
      if (!seen.insert(n).second) continue;
      notes.rows.push_back({fmt::format("{}_{}", p.name, seen.size()), p.name, n});
    }
  }
  if (notes.rows.size() > 1) tables.push_back(std::move(notes));
  if (!c.by_part.empty()) tables.push_back(by_part_csv_table(c));
  Table r{"recommendation", {{"recommendation", "platform", "summary"}}};
  r.id = "recommendation";
  r.rows.push_back(
      {"recommended", c.recommendation.platform.value_or("none"), c.recommendation.summary});
  tables.push_back(std::move(r));
  return tidy_csv(tables);
}

}  // namespace

Json report_json(const Comparison& c, const Scenario& s, const TraceSummary* workload) {
  Json j = Json::parse(c.to_json());
  Json out;
  out["schema_version"] = j["schema_version"];
  out["scenario"] = {{"name", s.name},
                     {"file", s.file},
                     {"description", s.description},
                     {"as_of", c.options.as_of.str()},
                     {"region", c.options.region},
                     {"seed", c.options.seed}};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "schema_version") continue;
    if (it.key() == "workload" && workload) {
      Json w = Json::parse(to_json(*workload));
      w["description"] = it.value();
      // One span: the comparison's (a generator's duration, an Azure day), as the cost rows.
      if (span_of(c) > 0) {
        w["span_s"] = span_of(c);
        w["mean_rate_per_s"] = mean_rate_over(*workload, span_of(c));
      }
      out["workload"] = w;
      continue;
    }
    out[it.key()] = it.value();
  }
  return out;
}

namespace {

std::string generator_text(const GeneratorSpec& g) {
  const auto& o = g.common;
  return fmt::format("{} ({}, mean {}/s, {})", o.function, g.pattern, o.rate_per_s,
                     to_string(o.type));
}

// One line for people: what the scenario replays.
std::string workload_text(const Scenario& s, const Comparison& c) {
  if (!s.file.empty() && s.workload.kind != WorkloadSpec::Kind::kTrace) {
    std::vector<std::string> parts;
    if (s.workload.kind == WorkloadSpec::Kind::kGenerator)
      parts.push_back(generator_text(s.workload.generator));
    for (const auto& e : s.more_workloads) {
      if (e.schedule) {
        const auto& o = e.scheduled;
        parts.push_back(fmt::format("{} ({}x every {} h from {:02.0f}:{:02.0f}, {})", o.function,
                                    o.count, o.every_s / 3600, std::floor(o.at_s / 3600),
                                    std::fmod(o.at_s, 3600) / 60, to_string(o.type)));
      } else {
        parts.push_back(generator_text(e.generator));
      }
    }
    std::string out = parts.size() > 1 ? fmt::format("{} workloads: ", parts.size()) : "";
    for (std::size_t i = 0; i < parts.size(); ++i)
      out += (i ? ", " : "") + parts[i];
    // Part of the system (issue 20): say which functions run.
    if (!s.functions.empty())
      out += fmt::format("; only {} simulated", fmt::join(s.functions, ", "));
    return out;
  }
  return c.workload;
}

Grid workload_grid(const TraceSummary& w, double span_s) {
  Grid g;
  g.title = "Workload";
  g.rows.push_back({"", "value"});
  g.rows.push_back(
      {"invocations (sync / async / queue)",
       fmt::format("{} ({} / {} / {})", fmt_count(static_cast<double>(w.invocations)),
                   fmt_count(static_cast<double>(w.sync)), fmt_count(static_cast<double>(w.async)),
                   fmt_count(static_cast<double>(w.queue)))});
  g.rows.push_back({"functions", fmt_count(static_cast<double>(w.functions))});
  g.rows.push_back({"span", span_text(span_s)});
  g.rows.push_back(
      {"rate mean / peak second (/s)",
       fmt::format("{:.2f} / {}", mean_rate_over(w, span_s), fmt_count(w.peak_rate_per_s))});
  g.rows.push_back({"duration p50 / p90 / p99",
                    fmt::format("{} / {} / {}", fmt_latency(w.duration_ms_p50),
                                fmt_latency(w.duration_ms_p90), fmt_latency(w.duration_ms_p99))});
  g.rows.push_back({"duration max", fmt_latency(w.duration_ms_max)});
  return g;
}

// "By part" (issue 20): a row per part, its own objectives, and per platform that can run the
// workload its p99 / error rate / cold-start rate, with the objectives it misses named (red).
Grid by_part_grid(const Comparison& c) {
  Grid g;
  g.title = "By part: p99 / errors / cold starts";
  std::vector<std::string> platforms;
  for (const auto& p : c.by_part)
    if (std::find(platforms.begin(), platforms.end(), p.platform) == platforms.end())
      platforms.push_back(p.platform);
  std::vector<std::string> hdr{"part", "objectives"};
  hdr.insert(hdr.end(), platforms.begin(), platforms.end());
  g.rows.push_back(hdr);
  g.emphasis.push_back(std::vector<char>(hdr.size(), 0));
  std::vector<std::string> row;
  std::vector<char> e;
  for (std::size_t i = 0; i < c.by_part.size(); ++i) {
    const auto& p = c.by_part[i];
    if (i == 0 || c.by_part[i - 1].part != p.part) {
      if (!row.empty()) {
        g.rows.push_back(std::move(row));
        g.emphasis.push_back(std::move(e));
      }
      const bool group = p.functions.size() > 1 || p.functions.front() != p.part;
      std::string name = p.part;
      if (group) {
        std::string fns;
        for (const auto& f : p.functions)
          fns += (fns.empty() ? "" : ", ") + f;
        name += " (" + fns + ")";
      }
      const std::string ob = objectives_text(p.objectives);
      row = {name, p.objectives.slo_p99_ms || p.objectives.max_error_rate ||
                           p.objectives.max_cold_start_rate
                       ? ob
                       : "none"};
      row.resize(2 + platforms.size(), "n/a");
      e.assign(row.size(), 0);
    }
    const auto col =
        2 + static_cast<std::size_t>(std::find(platforms.begin(), platforms.end(), p.platform) -
                                     platforms.begin());
    std::string cell = std::isnan(p.p99_ms.mean) ? "n/a" : fmt_latency_est(p.p99_ms);
    cell += " / " + fmt_pct(p.error_rate.mean) + " / " + fmt_pct(p.cold_start_rate.mean);
    if (!p.meets_objectives()) {
      std::string m;
      for (const auto& x : p.missed)
        m += (m.empty() ? "" : ", ") + x;
      cell += " (misses " + m + ")";
      e[col] = 'r';
    }
    row[col] = std::move(cell);
  }
  if (!row.empty()) {
    g.rows.push_back(std::move(row));
    g.emphasis.push_back(std::move(e));
  }
  return g;
}

}  // namespace

std::string render_report(const Comparison& c, const Scenario& s, ReportFormat f, bool colour,
                          const TraceSummary* workload, const PlacementResult* placement) {
  if (f == ReportFormat::kJson) {
    Json j = report_json(c, s, workload);
    if (placement) j["placement"] = Json::parse(placement->to_json());
    return j.dump(2) + "\n";
  }
  if (f == ReportFormat::kCsv) {
    std::string csv = render_report_csv(c);
    if (placement) {
      // The placement's tables as numbers (tidy rows, without a second header line).
      const std::string more = tidy_csv(placement_csv(*placement));
      csv += more.substr(more.find('\n') + 1);
    }
    return csv;
  }
  const bool md = f == ReportFormat::kMarkdown;
  const auto& o = c.options;
  const double span = span_of(c) > 0 ? span_of(c) : (workload ? workload->span_s : 0.0);
  bool any_possible = false;
  for (const auto& p : c.platforms)
    any_possible = any_possible || !p.impossible;
  std::string out;
  const std::string title = fmt::format("slsim report: {}", s.name);
  out += md ? "## " + title + "\n\n" : paint(title, 'b', colour) + "\n";
  std::vector<std::pair<std::string, std::string>> head;
  if (!s.description.empty()) head.emplace_back("scenario", s.description);
  head.emplace_back("workload", workload_text(s, c));
  head.emplace_back(
      "as of", fmt::format("{}, {}, seed {}, {} replication{}", o.as_of.str(), o.region, o.seed,
                           o.replications, o.replications == 1 ? "" : "s (mean ± 95% interval)"));
  head.emplace_back("objectives", objectives_text(o.objectives));
  head.emplace_back("front door", front_door_text(o, workload));
  head.emplace_back("free tier", o.free_tier ? "monthly allowances applied once per month "
                                               "(pro rata over the span)"
                                             : "off (--no-free-tier)");
  for (const auto& [k, v] : head)
    out += md ? fmt::format("- **{}**: {}\n", k, v) : fmt::format("{:<11} {}\n", k + ":", v);
  out += "\n";

  // Side by side.
  Grid g;
  g.title = "Side by side";
  std::vector<std::string> hdr{""};
  std::vector<char> hdr_e{0};
  const auto winner = c.recommendation.platform.value_or("");
  for (const auto& p : c.platforms) {
    hdr.push_back(p.name == winner ? p.name + " (recommended)" : p.name);
    hdr_e.push_back(p.name == winner ? 'g' : p.impossible ? 'r' : 0);
  }
  g.rows.push_back(hdr);
  g.emphasis.push_back(hdr_e);
  auto row = [&](const std::string& name, auto cell) {
    std::vector<std::string> r{name};
    std::vector<char> e{0};
    for (const auto& p : c.platforms) {
      if (p.impossible) {
        r.push_back("n/a");
        e.push_back(0);
      } else {
        r.push_back(cell(p));
        e.push_back(p.name == winner ? 'g' : 0);
      }
    }
    g.rows.push_back(std::move(r));
    g.emphasis.push_back(std::move(e));
  };
  // The platform in a few words ("ECS on EC2 (m5.large)"); the whole configuration is listed
  // below the table, which keeps it as narrow as its figures.
  Grid config;
  config.title = "Configuration";
  config.rows.push_back({"platform", "what was simulated"});
  {
    std::vector<std::string> r{"platform"};
    std::vector<char> e{0};
    for (const auto& p : c.platforms) {
      const auto comma = p.label.find(", ");
      r.push_back(p.impossible ? "cannot run (see below)" : p.label.substr(0, comma));
      e.push_back(p.impossible ? 'r' : 0);
      if (!p.impossible) config.rows.push_back({p.name, p.label});
    }
    g.rows.push_back(r);
    g.emphasis.push_back(e);
  }
  row("cost per month (730 h)", [](const auto& p) { return est(p.figures.monthly_usd, fmt_usd); });
  row(fmt::format("cost over the span ({})", span_text(span)),
      [](const auto& p) { return est(p.figures.total_usd, fmt_usd); });
  row("cost per million invocations",
      [](const auto& p) { return est(p.figures.usd_per_million, fmt_usd); });
  row("invocations", [](const auto& p) { return est(p.figures.arrived, fmt_count); });
  row("latency p50", [](const auto& p) { return fmt_latency_est(p.figures.p50_ms); });
  row("latency p95", [](const auto& p) { return fmt_latency_est(p.figures.p95_ms); });
  row("latency p99", [](const auto& p) { return fmt_latency_est(p.figures.p99_ms); });
  row("latency max", [](const auto& p) { return fmt_latency_est(p.figures.max_ms); });
  row("cold starts / scale-out waits", [](const auto& p) {
    return est(p.figures.cold_starts, fmt_count) + " (" + fmt_pct(p.figures.cold_start_rate.mean) +
           ")";
  });
  row("failed / timed out", [](const auto& p) {
    return est(p.figures.failed, fmt_count) + " / " + est(p.figures.timed_out, fmt_count);
  });
  row("refused / expired", [](const auto& p) {
    return est(p.figures.refused, fmt_count) + " / " + est(p.figures.expired, fmt_count);
  });
  row("unfinished at the end", [](const auto& p) { return est(p.figures.unfinished, fmt_count); });
  row("environments / tasks, mean / peak", [](const auto& p) {
    return fmt::format("{:.1f} / {}", p.figures.instances_mean.mean,
                       fmt_count(p.figures.instances_max.mean));
  });
  bool hosts = false;
  for (const auto& p : c.platforms)
    hosts = hosts || (!p.impossible && p.figures.hosts_max.mean > 0);
  if (hosts) {
    row("EC2 instances, mean / peak", [](const auto& p) -> std::string {
      // Lambda and Fargate run on no EC2 instances of the account's (Lambda Managed Instances
      // and ECS do).
      if (p.name == "lambda" || p.name.rfind("fargate", 0) == 0) return "n/a";
      return fmt::format("{:.1f} / {}", p.figures.hosts_mean.mean,
                         fmt_count(p.figures.hosts_max.mean));
    });
  }
  row("utilisation", [](const auto& p) { return est(p.figures.utilisation, fmt_pct); });

  // Line items.
  Grid items;
  items.title = "Bill: line items (replication 1)";
  items.rows.push_back(
      {"platform", "item", "quantity over the span", "over the span", "per month"});
  for (const auto& p : c.platforms) {
    if (p.impossible) continue;
    for (const auto& l : p.costs.front().lines) {
      const std::string qty =
          l.unit.empty() ? "" : fmt::format("{} {}", fmt_quantity(l.quantity), l.unit);
      items.rows.push_back({p.name, l.name, qty, fmt_usd(l.usd), fmt_usd(l.monthly_usd)});
    }
  }
  if (!any_possible) {
    // Nothing but "cannot run": no rows of n/a.
    g.rows.resize(2);
    g.emphasis.resize(2);
  }
  std::vector<Grid> grids;
  if (workload) grids.push_back(workload_grid(*workload, span));
  grids.push_back(g);
  if (config.rows.size() > 1 && any_possible) grids.push_back(config);
  const bool too_many_parts = c.by_part.empty() && c.parts > kMaxPartsByPart;
  if (!c.by_part.empty()) grids.push_back(by_part_grid(c));
  if (too_many_parts) {
    // Too many parts for a table (and for figures per function): one line says how to have one.
    out += render_grids(grids, f, md ? false : colour) + "\n";
    grids.clear();
    out += md ? "### By part\n\n" : paint("By part", 'b', colour) + "\n";
    out += fmt::format(
        "{} parts, more than {}: no figures per part. Group functions into parts (--part "
        "NAME=f1,f2) or keep fewer functions (--functions, --top).\n",
        c.parts, kMaxPartsByPart);
  }
  std::vector<Table> placed;
  if (placement) placed = placement_tables(*placement);
  if (!placed.empty()) grids.push_back(Grid{placed.front().title, placed.front().rows, {}});
  if (items.rows.size() > 1) grids.push_back(items);
  for (std::size_t i = 1; i < placed.size(); ++i)
    grids.push_back(Grid{placed[i].title, placed[i].rows, {}});
  if (too_many_parts && !grids.empty()) out += "\n";
  out += render_grids(grids, f, md ? false : colour);

  // Recommendation and reasons.
  out += "\n";
  const std::string rt = "Recommendation";
  out += md ? "### " + rt + "\n\n" : paint(rt, 'b', colour) + "\n";
  // When the mix of platforms wins, it is the recommendation; the best single platform follows.
  const bool mix_wins = placement && placement->recommended();
  if (mix_wins) {
    const std::string mix = "a mix of platforms: " + placement->summary;
    out += md ? "**" + mix + "**\n\n" : paint(mix, 'g', colour) + "\n";
  }
  // The best single platform judged part by part (the placement's) can differ from the side by
  // side's, which judges the whole system against the scenario-wide objectives.
  std::string summary = (mix_wins ? "best single platform: " : "") + c.recommendation.summary;
  if (mix_wins && placement->best_single && c.recommendation.platform != placement->best_single) {
    summary = fmt::format(
        "best single platform: {} at {}/month, where every part meets its own objectives (the "
        "side-by-side table judges the whole system against the scenario-wide objectives: {})",
        *placement->best_single, fmt_usd(placement->best_single_usd), c.recommendation.summary);
  }
  out += md ? (mix_wins ? summary : "**" + summary + "**") + "\n\n"
            : paint(summary,
                    mix_wins                    ? 0
                    : c.recommendation.platform ? 'g'
                                                : 'r',
                    colour) +
                  "\n";
  for (const auto& [name, why] : c.recommendation.reasons) {
    if (name == winner) continue;
    out += md ? fmt::format("- {}: {}\n", name, why) : fmt::format("  {}: {}\n", name, why);
  }
  if (placement && !mix_wins) {
    // The mix, after the single platforms' reasons: the best single one is optimal, or a part
    // misses its objectives wherever it goes.
    const std::string mix = "Placement: " + placement->summary;
    out += md ? "\n**" + mix + "**\n" : mix + "\n";
  }
  if (o.replications > 1) {
    const std::string rule =
        "Rule: a platform meets an objective when the upper end of the figure's 95% interval "
        "does; the lowest mean monthly cost wins; overlapping cost intervals are reported as a "
        "tie.";
    out += md ? "\n" + rule + "\n" : "  " + rule + "\n";
  }

  // Notes.
  std::vector<std::string> notes;
  for (const auto& p : c.platforms) {
    if (p.impossible) continue;  // said in the recommendation
    std::set<std::string> seen;
    for (const auto& n : p.runs.front().notes) {
      if (seen.insert(n).second) notes.push_back(fmt::format("{}: {}", p.name, n));
    }
  }
  if (!notes.empty()) {
    out += "\n";
    out += md ? "### Notes\n\n" : paint("Notes", 'b', colour) + "\n";
    for (const auto& n : notes)
      out += md ? "- " + n + "\n" : "  " + n + "\n";
  }
  return out;
}

// ---- breakeven ---------------------------------------------------------------------------------

std::string render_breakeven(const Breakeven& b, ReportFormat f, bool colour) {
  if (f == ReportFormat::kJson) return Json::parse(b.to_json()).dump(2) + "\n";
  std::vector<std::string> names;
  if (!b.points.empty())
    for (const auto& p : b.points.front().comparison.platforms)
      names.push_back(p.name);
  if (f == ReportFormat::kCsv) {
    // Tidy: `breakeven` (row = scale: rate_per_s, recommended) and one `breakeven_<platform>`
    // table (row = scale: status, monthly_usd, p99_ms, error_rate, meets_objectives).
    std::vector<Table> tables;
    Table top{"breakeven", {{"scale", "rate_per_s", "recommended"}}};
    top.id = "breakeven";
    for (const auto& pt : b.points)
      top.rows.push_back({num(pt.scale), num(pt.rate_per_s),
                          pt.comparison.recommendation.platform.value_or("none")});
    tables.push_back(std::move(top));
    for (const auto& n : names) {
      Table t{"breakeven " + n,
              {{"scale", "status", "monthly_usd", "p99_ms", "error_rate", "meets_objectives"}}};
      t.id = "breakeven_" + n;
      for (const auto& pt : b.points) {
        for (const auto& p : pt.comparison.platforms) {
          if (p.name != n) continue;
          t.rows.push_back({num(pt.scale), p.impossible ? "impossible" : "ok",
                            p.impossible ? "" : num(p.figures.monthly_usd.mean),
                            p.impossible ? "" : num(p.figures.p99_ms.mean),
                            p.impossible ? "" : num(p.figures.error_rate.mean),
                            meets_objectives(pt.comparison, p) ? "true" : "false"});
        }
      }
      tables.push_back(std::move(t));
    }
    return tidy_csv(tables);
  }
  Grid g;
  g.title = "Break-even: monthly cost, p99 and error rate at each rate";
  std::vector<std::string> hdr{"scale", "rate (/s)"};
  for (const auto& n : names)
    hdr.push_back(n + " $/month, p99, errors");
  hdr.push_back("recommended");
  g.rows.push_back(hdr);
  g.emphasis.push_back({});
  bool any_miss = false;
  for (const auto& pt : b.points) {
    std::vector<std::string> r{fmt::format("x{:.4g}", pt.scale),
                               fmt::format("{:.2f}", pt.rate_per_s)};
    std::vector<char> e{0, 0};
    const auto rec = pt.comparison.recommendation.platform.value_or("none");
    for (const auto& p : pt.comparison.platforms) {
      // A configuration that misses the objectives (a third of its requests failing, say) is
      // marked, not shown as if it were a valid answer (issue 19).
      const bool meets = meets_objectives(pt.comparison, p);
      any_miss = any_miss || (!p.impossible && !meets);
      r.push_back(p.impossible ? "cannot run"
                               : fmt_usd(p.figures.monthly_usd.mean) + ", " +
                                     fmt_latency(p.figures.p99_ms.mean) + ", " +
                                     fmt_pct(p.figures.error_rate.mean) + (meets ? "" : " ✗"));
      e.push_back(p.name == rec ? 'g' : (p.impossible || !meets) ? 'r' : 0);
    }
    r.push_back(rec);
    e.push_back(0);
    g.rows.push_back(r);
    g.emphasis.push_back(e);
  }
  std::string out = render_grids({g}, f, colour);
  out += "\n";
  if (any_miss && !b.points.empty()) {
    out += fmt::format("✗ misses the objectives ({}): not a valid choice at that rate.\n",
                       objectives_text(b.points.front().comparison.options.objectives));
  }
  if (b.changes.empty()) {
    out += "The recommendation does not change over this range.\n";
  } else {
    for (const auto& ch : b.changes) {
      out += fmt::format(
          "{}Between {:.2f}/s (x{}) and {:.2f}/s (x{}) the cheapest platform "
          "meeting the objectives changes from {} to {}.\n",
          f == ReportFormat::kMarkdown ? "- " : "", ch.from_rate_per_s, ch.from_scale,
          ch.to_rate_per_s, ch.to_scale, ch.from, ch.to);
    }
  }
  return out;
}

// ---- tune --------------------------------------------------------------------------------------

std::string render_tune(const TuneResult& t, ReportFormat f, bool colour) {
  if (f == ReportFormat::kJson) return Json::parse(t.to_json()).dump(2) + "\n";
  if (f == ReportFormat::kCsv) {
    // Tidy: table `tune`, row = memory (MB).
    Table tb{"tune",
             {{"memory_mb", "status", "monthly_usd", "total_usd", "mean_ms", "p99_ms", "error_rate",
               "cold_start_rate", "score", "best"}}};
    tb.id = "tune";
    for (const auto& p : t.points) {
      const std::string best = t.best_memory_mb == p.memory_mb ? "true" : "false";
      if (p.impossible) {
        tb.rows.push_back(
            {fmt::format("{}", p.memory_mb), "impossible", "", "", "", "", "", "", "", best});
        continue;
      }
      tb.rows.push_back({fmt::format("{}", p.memory_mb), "ok", num(p.monthly_usd), num(p.total_usd),
                         num(p.mean_ms), num(p.p99_ms), num(p.error_rate), num(p.cold_start_rate),
                         num(p.score), best});
    }
    return tidy_csv({tb});
  }
  Grid g;
  g.title = fmt::format(
      "Lambda memory sweep (strategy: {}{})", to_string(t.strategy),
      t.strategy == TuneStrategy::kBalanced ? fmt::format(", weight {}", t.balanced_weight) : "");
  g.rows.push_back({"memory (MB)", "$/month", "over the span", "mean (ms)", "p99 (ms)", "errors",
                    "cold starts", "score"});
  g.emphasis.push_back({});
  for (const auto& p : t.points) {
    const bool best = t.best_memory_mb == p.memory_mb;
    if (p.impossible) {
      g.rows.push_back({fmt_count(p.memory_mb), "cannot run", "", "", "", "", "", ""});
      g.emphasis.push_back({0, 'r'});
      continue;
    }
    g.rows.push_back({fmt_count(p.memory_mb), fmt_usd(p.monthly_usd), fmt_usd(p.total_usd),
                      fmt_ms(p.mean_ms), fmt_ms(p.p99_ms), fmt_pct(p.error_rate),
                      fmt_pct(p.cold_start_rate),
                      t.strategy == TuneStrategy::kCost    ? fmt_usd(p.score)
                      : t.strategy == TuneStrategy::kSpeed ? fmt_ms(p.score)
                                                           : fmt::format("{:.3f}", p.score)});
    g.emphasis.push_back(std::vector<char>(8, best ? 'g' : 0));
  }
  std::string out = render_grids({g}, f, colour) + "\n";
  out +=
      "Costs are the Lambda price of the invocations (requests and duration) without free tier "
      "or front door, as Lambda Power Tuning scores a size.\n";
  if (t.best_memory_mb) {
    out += fmt::format("Best by {}: {} MB\n", to_string(t.strategy), *t.best_memory_mb);
  } else {
    out += "No memory size can run this workload.\n";
  }
  return out;
}

// ---- diff --------------------------------------------------------------------------------------

std::string render_diff(const nlohmann::json& a, const nlohmann::json& b, const std::string& na,
                        const std::string& nb, ReportFormat f, bool colour, double& rise_pct) {
  rise_pct = -std::numeric_limits<double>::infinity();
  struct Row {
    std::string platform, figure;
    std::optional<double> va, vb;
  };
  std::vector<Row> rows;
  std::vector<std::string> names;
  auto collect = [&](const nlohmann::json& j) {
    if (!j.contains("platforms") || !j["platforms"].is_object()) return;
    for (auto it = j["platforms"].begin(); it != j["platforms"].end(); ++it) {
      if (std::find(names.begin(), names.end(), it.key()) == names.end()) names.push_back(it.key());
    }
  };
  collect(a);
  collect(b);
  const std::vector<std::pair<std::string, std::string>> figs{
      {"monthly_usd", "cost per month ($)"},
      {"total_usd", "cost over the span ($)"},
      {"usd_per_million", "$ per million"},
      {"p50_ms", "p50 (ms)"},
      {"p99_ms", "p99 (ms)"},
      {"max_ms", "max (ms)"},
      {"error_rate", "error rate"},
      {"cold_start_rate", "cold-start rate"},
      {"instances_mean", "instances mean"}};
  auto value = [](const nlohmann::json& j, const std::string& p,
                  const std::string& k) -> std::optional<double> {
    if (!j.contains("platforms") || !j["platforms"].contains(p)) return std::nullopt;
    const auto& pj = j["platforms"][p];
    if (!pj.contains("figures") || !pj["figures"].contains(k)) return std::nullopt;
    const auto& v = pj["figures"][k];
    if (v.is_number()) return v.get<double>();
    if (v.is_object() && v.contains("mean") && v["mean"].is_number())
      return v["mean"].get<double>();
    return std::nullopt;
  };
  for (const auto& p : names) {
    for (const auto& [k, label] : figs) {
      rows.push_back({p, label, value(a, p, k), value(b, p, k)});
      if (k == "monthly_usd") {
        const auto va = value(a, p, k), vb = value(b, p, k);
        if (va && vb && *va > 0) rise_pct = std::max(rise_pct, 100 * (*vb - *va) / *va);
        if (va && vb && *va == 0 && *vb > 0) rise_pct = std::numeric_limits<double>::infinity();
      }
    }
  }
  auto rec = [](const nlohmann::json& j) -> std::string {
    if (j.contains("recommendation") && j["recommendation"].contains("platform") &&
        j["recommendation"]["platform"].is_string())
      return j["recommendation"]["platform"].get<std::string>();
    return "none";
  };
  const std::string ra = rec(a), rb = rec(b);
  if (f == ReportFormat::kJson) {
    Json j;
    j["schema_version"] = 1;
    j["a"] = na;
    j["b"] = nb;
    auto arr = Json::array();
    for (const auto& r : rows) {
      Json o;
      o["platform"] = r.platform;
      o["figure"] = r.figure;
      o["a"] = r.va ? Json(*r.va) : Json(nullptr);
      o["b"] = r.vb ? Json(*r.vb) : Json(nullptr);
      o["change"] = r.va && r.vb ? Json(*r.vb - *r.va) : Json(nullptr);
      o["change_pct"] =
          r.va && r.vb && *r.va != 0 ? Json(100 * (*r.vb - *r.va) / *r.va) : Json(nullptr);
      arr.push_back(o);
    }
    j["figures"] = arr;
    j["recommendation"] = {{"a", ra}, {"b", rb}, {"changed", ra != rb}};
    return j.dump(2) + "\n";
  }
  if (f == ReportFormat::kCsv) {
    // Tidy: one `diff_<platform>` table, row = figure (its JSON key): a, b, change, change_pct;
    // and `recommendation` (row a / b: platform).
    std::vector<Table> tables;
    for (const auto& p : names) {
      Table t{"diff " + p, {{"figure", "a", "b", "change", "change_pct"}}};
      t.id = "diff_" + p;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        if (r.platform != p) continue;
        t.rows.push_back({figs[i % figs.size()].first, r.va ? num(*r.va) : "",
                          r.vb ? num(*r.vb) : "", r.va && r.vb ? num(*r.vb - *r.va) : "",
                          r.va && r.vb && *r.va != 0 ? num(100 * (*r.vb - *r.va) / *r.va) : ""});
      }
      tables.push_back(std::move(t));
    }
    Table rt{"recommendation", {{"report", "platform", "changed"}}};
    rt.id = "recommendation";
    rt.rows.push_back({"a", ra, ra != rb ? "true" : "false"});
    rt.rows.push_back({"b", rb, ra != rb ? "true" : "false"});
    tables.push_back(std::move(rt));
    return tidy_csv(tables);
  }
  Grid g;
  g.title = fmt::format("Changes from {} to {}", na, nb);
  g.rows.push_back({"platform", "figure", "A", "B", "change", "change (%)"});
  g.emphasis.push_back({});
  for (const auto& r : rows) {
    auto show = [](const std::optional<double>& v) {
      return v ? fmt::format("{}", std::round(*v * 10000) / 10000) : std::string("-");
    };
    std::string ch = "-", chp = "-";
    char e = 0;
    if (r.va && r.vb) {
      ch = fmt::format("{:+}", std::round((*r.vb - *r.va) * 10000) / 10000);
      if (*r.va != 0) chp = fmt::format("{:+.1f}%", 100 * (*r.vb - *r.va) / *r.va);
      e = *r.vb > *r.va ? 'r' : *r.vb < *r.va ? 'g' : 0;
    } else if (r.va || r.vb) {
      ch = r.va ? "platform gone" : "platform new";
    }
    g.rows.push_back({r.platform, r.figure, show(r.va), show(r.vb), ch, chp});
    g.emphasis.push_back({0, 0, 0, 0, e, e});
  }
  std::string out = render_grids({g}, f, colour) + "\n";
  out += ra == rb ? fmt::format("Recommendation unchanged: {}\n", ra)
                  : fmt::format("Recommendation changed: {} -> {}\n", ra, rb);
  return out;
}

}  // namespace slsim::cli
