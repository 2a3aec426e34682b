#include "slsim/scenario/scenario.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>

#include "batch_table.hpp"
#include "compare_tables.hpp"
#include "containers_table.hpp"
#include "slsim/compare/scenario_compare.hpp"
#include "slsim/lambda/lambda_config.hpp"
#include "slsim/workload/csv_trace.hpp"
#include "slsim/workload/workload_filter.hpp"
#include "table_reader.hpp"

namespace slsim {

using scenario_detail::read_generator_shape;
using scenario_detail::TableReader;

namespace {

// Keys of a Lambda function configuration ([lambda] and [lambda.functions."name"]).
const std::set<std::string> kLambdaFunctionKeys{"memory_mb",
                                                "arch",
                                                "runtime",
                                                "vpc",
                                                "timeout_s",
                                                "reserved_concurrency",
                                                "provisioned_concurrency",
                                                "provisioned",
                                                "invocation",
                                                "max_retry_attempts",
                                                "max_event_age_s",
                                                "error_probability",
                                                "keep_alive_s",
                                                "init_ms",
                                                "reference_memory_mb",
                                                "cpu_bound_fraction",
                                                "parallel_fraction",
                                                "ephemeral_mb",
                                                "client_max_attempts",
                                                "client_base_backoff_ms",
                                                "client_max_backoff_ms",
                                                "visibility_timeout_s",
                                                "max_receive_count",
                                                "message_retention_s",
                                                "queue_max_concurrency"};

void apply_lambda(const toml::table& t, const TableReader& r, LambdaFunctionConfig& c, Date as_of) {
  // A whole number that fits the setting; what is allowed is the validator's to say
  // (validate_lambda), with the same message as for a flag or a Python keyword.
  auto u32 = [&](const char* k, std::uint32_t def) {
    return static_cast<std::uint32_t>(r.integer(k, def, 0, UINT32_MAX));
  };
  // A memory that is not even a size (negative, beyond 32 bits) is refused with Lambda's range
  // at as_of, not the range of the number type (issue 19).
  if (const auto* n = t.get("memory_mb"); n && n->is_integer()) {
    const auto v = *n->value<std::int64_t>();
    if (v < 0 || v > static_cast<std::int64_t>(UINT32_MAX)) {
      r.fail("memory_mb", fmt::format("{} is not allowed: {}",
                                      v < 0 ? grouped(-static_cast<std::uint64_t>(v), true)
                                            : grouped(static_cast<std::uint64_t>(v)),
                                      lambda_memory_allowed(RateCard::builtin(), as_of)));
    }
  }
  c.memory_mb = u32("memory_mb", c.memory_mb);
  // Words: the validator's rule and message (set_lambda_choice), the file adding where.
  for (const char* k : {"arch", "runtime", "invocation"}) {
    if (!r.has(k)) continue;
    try {
      set_lambda_choice(c, k, r.str(k, ""));
    } catch (const ConfigError& e) {
      r.fail(k, e.message());
    }
  }
  if (const auto* n = t.get("vpc")) {
    if (auto b = n->value<bool>()) {
      c.vpc = *b;
    } else {
      r.fail("vpc", "must be true or false");
    }
  }
  c.timeout_s = r.num("timeout_s", c.timeout_s);
  if (r.has("reserved_concurrency")) c.reserved_concurrency = u32("reserved_concurrency", 0);
  if (r.has("provisioned_concurrency")) {
    // 0 = none, as for --provisioned-concurrency 0 and Lambda(provisioned_concurrency=0).
    const auto n = u32("provisioned_concurrency", 0);
    c.provisioned.clear();
    if (n > 0) c.provisioned = {{0, -1, n}};
  }
  if (const auto* arr = t.get_as<toml::array>("provisioned")) {
    if (r.has("provisioned_concurrency"))
      r.fail("provisioned", "give provisioned_concurrency or provisioned windows, not both");
    c.provisioned.clear();
    for (const auto& e : *arr) {
      const auto* w = e.as_table();
      if (!w) r.fail("provisioned", "must be a list of {start_s, end_s, count} tables");
      auto number = [&](const char* k, double def) {
        const auto* n = w->get(k);
        if (!n) return def;
        if (auto v = TableReader::number_of(*n)) return *v;
        r.fail("provisioned", fmt::format("{} must be a number of seconds", k));
      };
      for (const auto& [wk, wv] : *w) {
        const std::string_view name = wk.str();
        if (name != "start_s" && name != "end_s" && name != "count")
          r.fail("provisioned", fmt::format("unknown key '{}' in a window; allowed: start_s, "
                                            "end_s, count",
                                            name));
      }
      ProvisionedWindow pw;
      pw.start_s = number("start_s", 0);
      pw.end_s = number("end_s", -1);
      // A whole number that fits the count, never wrapped; a count of 0 (and windows beyond
      // the reservation or the account) are refused by the validator, as for Python.
      const auto* n = w->get("count");
      const auto count = n && n->is_integer() ? n->value<std::int64_t>() : std::nullopt;
      if (!count || *count < 0 || *count > UINT32_MAX)
        r.fail("provisioned", "each window needs a whole count (count = 1 or more)");
      pw.count = static_cast<std::uint32_t>(*count);
      c.provisioned.push_back(pw);
    }
  } else if (r.has("provisioned")) {
    r.fail("provisioned", "must be a list of {start_s, end_s, count} tables");
  }
  c.max_retry_attempts = u32("max_retry_attempts", c.max_retry_attempts);
  c.max_event_age_s = r.num("max_event_age_s", c.max_event_age_s);
  c.error_probability = r.num("error_probability", c.error_probability);
  if (r.has("keep_alive_s")) c.keep_alive_s = r.dist("keep_alive_s", Distribution());
  if (r.has("init_ms")) c.init_ms = r.dist("init_ms", Distribution());
  c.reference_memory_mb = u32("reference_memory_mb", c.reference_memory_mb);
  c.cpu_bound_fraction = r.num("cpu_bound_fraction", c.cpu_bound_fraction);
  c.parallel_fraction = r.num("parallel_fraction", c.parallel_fraction);
  c.ephemeral_mb = u32("ephemeral_mb", c.ephemeral_mb);
  c.client_retry.max_attempts = u32("client_max_attempts", c.client_retry.max_attempts);
  c.client_retry.base_backoff_ms = r.num("client_base_backoff_ms", c.client_retry.base_backoff_ms);
  c.client_retry.max_backoff_ms = r.num("client_max_backoff_ms", c.client_retry.max_backoff_ms);
  if (r.has("visibility_timeout_s")) c.visibility_timeout_s = r.num("visibility_timeout_s", 0);
  c.max_receive_count = u32("max_receive_count", c.max_receive_count);
  c.message_retention_s = r.num("message_retention_s", c.message_retention_s);
  if (r.has("queue_max_concurrency")) c.queue_max_concurrency = u32("queue_max_concurrency", 0);
}

// Keys of [workload] that a trace reads.
const std::vector<std::string> kTraceKeys{
    "trace",     "format",   "durations", "memory",      "sort_buffer_rows",
    "functions", "start_s",  "end_s",     "top_n",       "time_scale",
    "memory_mb", "function", "log_group", "duration_ms", "span_s"};

// Every key of [workload] applies to the workload's source (a trace, or the generator it names):
// a key of another source is refused, never silently ignored.
void check_workload_keys(const toml::table& wl, const TableReader& w) {
  if (!w.has("trace")) {
    const std::string pattern = w.str("generator", "");
    if (generator_keys(pattern).empty()) {
      w.fail("generator", fmt::format("'{}' is not a known generator; known: {}", pattern,
                                      fmt::join(known_generators(), ", ")));
    }
    scenario_detail::check_generator_keys(wl, w, pattern, kTraceKeys);
    return;
  }
  for (const auto& [k, node] : wl) {
    const std::string key(k.str());
    if (std::find(kTraceKeys.begin(), kTraceKeys.end(), key) == kTraceKeys.end()) {
      w.fail(key, fmt::format("applies to generators only; this workload reads a trace (its "
                              "keys: {}){}",
                              fmt::join(kTraceKeys, ", "),
                              key == "duration_s"
                                  ? "; a trace declares the period it stands for with span_s"
                                  : ""));
    }
  }
}

// A trace key that the trace's format does not read (durations for a slsim CSV, ...) is refused.
// `format` is the given or detected format (kAuto when it cannot be told yet: the reader then
// explains the file).
void check_trace_format_keys(const TableReader& w, TraceFormat format) {
  if (format == TraceFormat::kAuto) return;
  for (const char* key : {"durations", "memory", "duration_ms", "sort_buffer_rows", "function",
                          "log_group", "memory_mb"}) {
    if (!w.has(key)) continue;
    const auto formats = trace_setting_formats(key);
    if (formats.empty() || std::find(formats.begin(), formats.end(), format) != formats.end())
      continue;
    std::vector<std::string_view> names;
    for (auto f : formats)
      names.push_back(to_string(f));
    w.fail(key, fmt::format("applies to {} traces only; this trace is {}",
                            fmt::join(names, " and "), to_string(format)));
  }
}

}  // namespace

namespace {

// The scenario of a parsed file (load_scenario, load_scenario_text).
Scenario scenario_of(const toml::table& root, const std::string& path);

}  // namespace

Scenario load_scenario(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw ScenarioError(fmt::format("{}:{}:{}: {}", path, b.line, b.column, e.description()));
  }
  return scenario_of(root, path);
}

Scenario load_scenario_text(const std::string& text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw ScenarioError(fmt::format("{}:{}:{}: {}", path, b.line, b.column, e.description()));
  }
  return scenario_of(root, path);
}

namespace {

Scenario scenario_of(const toml::table& root, const std::string& path) {
  Scenario s;
  s.file = path;
  // Tables of platforms not modelled yet are refused, not ignored: every key of a scenario is
  // read or refused. (Each platform's loader takes its name out of this list.)
  for (const char* t : {"pricing"}) {
    if (root.contains(t)) {
      throw ScenarioError(
          fmt::format("{}: [{}]: this version of slsim does not read a [{}] "
                      "table yet; remove it (tables read: [workload], [lambda], [ecs], "
                      "[fargate], [batch], [lambda_managed], [ecs_managed])",
                      path, t, t));
    }
  }
  TableReader top(
      root, path, "",
      {"name", "description", "seed", "as_of", "region", "workload", "lambda", "ecs", "fargate",
       "batch", "lambda_managed", "ecs_managed", "report", "workloads", "functions"});
  s.name = top.str("name", s.name);
  s.description = top.str("description", "");
  s.seed = static_cast<std::uint64_t>(top.integer("seed", 1, 0, INT64_MAX));
  s.region = top.str("region", s.region);
  // The functions to simulate, of the whole workload (issue 20); checked against the workload
  // when it is read (check_selected_names).
  if (const auto* fl = root.get_as<toml::array>("functions")) {
    for (const auto& e : *fl) {
      if (auto v = e.value<std::string>()) {
        s.functions.push_back(*v);
      } else {
        top.fail("functions", "must be a list of function names, e.g. [\"api\"]");
      }
    }
  } else if (top.has("functions")) {
    top.fail("functions", "must be a list of function names, e.g. [\"api\"]");
  }
  if (top.has("as_of")) {
    const auto* n = root.get("as_of");
    if (auto d = n->value<toml::date>()) {
      s.as_of = Date(d->year, d->month, d->day);
    } else {
      try {
        s.as_of = Date::parse(top.str("as_of", ""));
      } catch (const std::invalid_argument& e) {
        top.fail("as_of", e.what());
      }
    }
  } else {
    s.as_of = Date::today();
  }
  const toml::table* wl = root["workload"].as_table();
  // [[workloads]] alone is a workload too (a nightly schedule on its own: issue 19).
  if (!wl && !root.contains("workload") && root.contains("workloads")) {
    s.workload.kind = WorkloadSpec::Kind::kNone;
  } else if (!wl) {
    top.fail("workload",
             "missing [workload] table (trace = \"file.csv\" or generator = ...), or "
             "[[workloads]] entries");
  }
  if (wl) {
    TableReader w(
        *wl, path, "workload.",
        {"trace",        "format",         "durations",      "memory",      "sort_buffer_rows",
         "functions",    "start_s",        "end_s",          "top_n",       "time_scale",
         "generator",    "rate_per_s",     "duration_s",     "duration_ms", "memory_mb",
         "function",     "invocation",     "peak_to_trough", "peak_hour",   "weekend_factor",
         "burst_factor", "burst_fraction", "mean_burst_s",   "rate_sigma",  "duration_sigma",
         "log_group",    "span_s"});
    if (w.has("trace") == w.has("generator")) {
      w.fail("trace", "give exactly one of trace = \"file.csv\" or generator = \"poisson\"");
    }
    check_workload_keys(*wl, w);
    const auto dir = std::filesystem::path(path).parent_path();
    auto resolve = [&](const std::string& p) {
      std::filesystem::path fp = p;
      if (fp.is_relative()) fp = dir / fp;
      return fp.lexically_normal().string();
    };
    const auto memory_mb = static_cast<std::uint32_t>(w.integer("memory_mb", 0, 0, 1 << 20));
    if (w.has("trace")) {
      s.workload.kind = WorkloadSpec::Kind::kTrace;
      s.workload.trace_path = resolve(w.str("trace", ""));
      auto& t = s.workload.trace;
      try {
        t.format = parse_trace_format(w.str("format", "auto"));
      } catch (const std::invalid_argument& e) {
        w.fail("format", e.what());
      }
      if (w.has("durations")) t.durations_path = resolve(w.str("durations", ""));
      if (w.has("memory")) t.memory_path = resolve(w.str("memory", ""));
      t.memory_mb = memory_mb;
      t.seed = s.seed;
      t.function = w.str("function", "");    // Lambda logs: the function's name
      t.log_group = w.str("log_group", "");  // Lambda logs: /aws/lambda/NAME
      if (w.has("duration_ms")) t.default_duration_ms = w.dist("duration_ms", Distribution());
      t.sort_buffer_rows =
          static_cast<std::size_t>(w.integer("sort_buffer_rows", 1'000'000, 1, INT64_MAX));
      if (const auto* fl = wl->get_as<toml::array>("functions")) {
        for (const auto& e : *fl) {
          if (auto v = e.value<std::string>()) {
            t.select.functions.push_back(*v);
          } else {
            w.fail("functions", "must be a list of function names");
          }
        }
      } else if (w.has("functions")) {
        w.fail("functions", "must be a list of function names");
      }
      t.select.start_s = w.num("start_s", 0);
      t.select.end_s = w.num("end_s", std::numeric_limits<double>::infinity());
      t.select.top_n = static_cast<std::size_t>(w.integer("top_n", 0, 0, INT64_MAX));
      {
        TraceFormat format = t.format;
        if (format == TraceFormat::kAuto &&
            std::filesystem::is_regular_file(s.workload.trace_path)) {
          try {
            format = detect_trace_format(s.workload.trace_path);
          } catch (const std::exception&) {
            format = TraceFormat::kAuto;  // the reader explains an empty or unreadable file
          }
        }
        check_trace_format_keys(w, format);
      }
      t.select.time_scale = w.num("time_scale", 1.0);
      if (!(t.select.time_scale > 0)) w.fail("time_scale", "must be > 0");
      if (!(t.select.start_s >= 0)) w.fail("start_s", "must be >= 0");
      if (!(t.select.end_s > t.select.start_s)) w.fail("end_s", "must be > start_s");
      if (w.has("span_s")) {
        t.select.span_s = w.num("span_s", 0);
        try {
          validate_span_s(t.select.span_s);  // the one check, as for --span-s and span_s=
        } catch (const ConfigError& e) {
          w.fail(e.key(), e.message());
        }
      }
    } else {
      auto& g = s.workload.generator;
      g.pattern = w.str("generator", "");
      auto& o = g.common;
      o.rate_per_s = w.num("rate_per_s", o.rate_per_s);
      o.duration_s = w.num("duration_s", o.duration_s);
      o.duration_ms = w.dist("duration_ms", o.duration_ms);
      o.memory_mb = memory_mb;
      o.function = w.str("function", o.function);
      if (w.has("invocation")) {
        const auto t = parse_invocation_type(w.str("invocation", ""));
        if (!t) w.fail("invocation", "must be one of sync, async, queue");
        o.type = *t;
      }
      o.seed = s.seed;
      read_generator_shape(w, g);
      try {
        validate_generator(g);  // the one validator of a generator's settings, with the file named
      } catch (const ConfigError& e) {
        w.fail(e.key(), e.message());
      }
    }
  }  // if (wl)
  s.lambda.as_of = s.as_of;
  s.lambda.region = s.region;
  s.lambda.seed = s.seed;
  if (const toml::table* lt = root["lambda"].as_table()) {
    std::set<std::string> keys = kLambdaFunctionKeys;
    keys.insert({"functions", "account_concurrency", "burst", "free_tier", "discount_pct"});
    TableReader l(*lt, path, "lambda.", keys);
    apply_lambda(*lt, l, s.lambda.defaults, s.as_of);
    if (l.has("account_concurrency")) {
      // 0 is refused (the same rule as --account-concurrency and the Python keyword).
      const auto n = static_cast<std::uint64_t>(l.integer("account_concurrency", 0, 0, INT64_MAX));
      try {
        validate_account_concurrency(n);
      } catch (const ConfigError& e) {
        l.fail("account_concurrency", e.message());
      }
      s.lambda.account_concurrency = static_cast<std::uint32_t>(n);
    }
    if (l.has("burst"))
      s.lambda.burst = static_cast<std::uint32_t>(l.integer("burst", 0, 1, 10'000'000));
    if (const auto* n = lt->get("free_tier")) {
      if (auto b = n->value<bool>()) {
        s.lambda.free_tier = *b;
      } else {
        l.fail("free_tier", "must be true or false");
      }
    }
    s.lambda.discount_pct = l.num("discount_pct", 0);
    if (const toml::table* fns = (*lt)["functions"].as_table()) {
      for (const auto& [name, node] : *fns) {
        const auto* ft = node.as_table();
        const std::string fname(name.str());
        if (!ft) l.fail("functions." + fname, "must be a table of settings");
        TableReader fr(*ft, path, "lambda.functions." + fname + ".", kLambdaFunctionKeys);
        LambdaFunctionConfig c = s.lambda.defaults;
        apply_lambda(*ft, fr, c, s.as_of);
        s.lambda.functions[fname] = c;
      }
    } else if (l.has("functions")) {
      l.fail("functions", "must be a table of [lambda.functions.NAME] tables");
    }
  }
  scenario_detail::load_batch_table(root, path, s);
  // [ecs], [fargate], [lambda_managed], [ecs_managed]
  scenario_detail::load_container_tables(root, path, s);
  scenario_detail::load_compare_tables(root, path, s);
  // The one validator of the Lambda configuration, with the file and table named.
  try {
    validate_lambda(s.lambda);
  } catch (const ConfigError& e) {
    throw ScenarioError(config_error_in_file(e, path));
  }
  return s;
}

}  // namespace

std::string config_error_in_file(const ConfigError& e, const std::string& path,
                                 const std::string& table) {
  if (e.key() == "as_of" || e.key() == "region" || e.key() == "seed")
    return TableReader::where(path, "", e.key()) + ": " + e.message();
  std::string prefix = table + ".", key = e.key();
  const auto dot = key.rfind('.');
  if (dot != std::string::npos) {
    prefix += key.substr(0, dot + 1);
    key = key.substr(dot + 1);
  }
  // A function named in the configuration but not in the workload: "[lambda.functions.x]".
  if (e.key().rfind("functions.", 0) == 0 && dot == std::string("functions").size())
    return fmt::format("{}: [{}.{}]: {}", path, table, e.key(), e.message());
  return TableReader::where(path, prefix, key) + ": " + e.message();
}

SourceFactory workload_factory(const Scenario& s) {
  if (!s.more_workloads.empty() || s.workload.kind == WorkloadSpec::Kind::kNone ||
      !s.functions.empty())
    return [s] { return open_scenario_workload(s, s.seed, 1.0); };
  if (s.workload.kind == WorkloadSpec::Kind::kTrace) {
    return trace_factory(s.workload.trace_path, s.workload.trace);
  }
  return [g = s.workload.generator] { return make_generator(g); };
}

std::unique_ptr<WorkloadSource> open_workload(const Scenario& s) {
  return workload_factory(s)();
}

}  // namespace slsim

namespace slsim {

Scenario unselected(const Scenario& s) {
  Scenario u = s;
  u.functions.clear();
  if (u.more_workloads.empty()) {  // a trace in a mix keeps its own selection
    u.workload.trace.select.functions.clear();
    u.workload.trace.select.top_n = 0;
  }
  return u;
}

std::vector<std::string> selected_functions(const Scenario& s,
                                            const std::vector<std::string>& all) {
  const auto& sel = s.workload.trace.select;
  const bool trace = s.workload.kind == WorkloadSpec::Kind::kTrace;
  if (trace && s.more_workloads.empty() && sel.top_n > 0) {
    // The top N depend on the counts: read the selected workload once.
    const auto kept = function_names(workload_factory(s));
    std::vector<std::string> out;
    for (const auto& f : all)
      if (std::find(kept.begin(), kept.end(), f) != kept.end()) out.push_back(f);
    return out;
  }
  auto in = [](const std::vector<std::string>& v, const std::string& f) {
    return v.empty() || std::find(v.begin(), v.end(), f) != v.end();
  };
  std::vector<std::string> out;
  for (const auto& f : all) {
    // A trace's own `functions` selects among the trace's functions only.
    if (!in(s.functions, f)) continue;
    if (trace && s.more_workloads.empty() && !in(sel.functions, f)) continue;
    out.push_back(f);
  }
  return out;
}

void check_selected_names(const std::vector<std::string>& wanted,
                          const std::vector<std::string>& all) {
  for (const auto& f : wanted) {
    if (std::find(all.begin(), all.end(), f) != all.end()) continue;
    const std::size_t shown = std::min<std::size_t>(all.size(), 10);
    throw ConfigError(
        "functions",
        fmt::format(
            "the workload has no function '{}'; its functions: {}{}", f,
            shown == 0 ? std::string("(none)")
                       : fmt::format("{}", fmt::join(all.begin(), all.begin() + shown, ", ")),
            all.size() > shown ? fmt::format(" and {} more", all.size() - shown) : std::string()));
  }
}

void restrict_to_functions(Scenario& s, const std::vector<std::string>& keep) {
  auto kept = [&](const std::string& f) {
    return std::find(keep.begin(), keep.end(), f) != keep.end();
  };
  std::erase_if(s.lambda.functions, [&](const auto& kv) { return !kept(kv.first); });
  std::erase_if(s.batch.functions, [&](const auto& kv) { return !kept(kv.first); });
  restrict_services(s.ecs, kept);
  restrict_services(s.fargate, kept);
  restrict_services(s.lambda_managed, kept);
  restrict_services(s.ecs_managed, kept);
  s.report.parts = restrict_parts(s.report.parts, keep);
}

}  // namespace slsim
