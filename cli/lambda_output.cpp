#include "lambda_output.hpp"

#include <fmt/format.h>

#include <cmath>

#include "bill_output.hpp"
#include "slsim/lambda/lambda_config.hpp"

namespace slsim::cli {

namespace {

std::optional<double> rule(const RateCard& rc, const char* name, Date as_of) {
  try {
    return rc.rule(name, as_of);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<double> region_rule(const RateCard& rc, const std::string& base,
                                  const LambdaOptions& o) {
  if (auto v = rule(rc, (base + "." + o.region).c_str(), o.as_of)) return v;
  return rule(rc, (base + ".default").c_str(), o.as_of);
}

// A whole number as an integer in JSON.
nlohmann::ordered_json jnum(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9e15) return static_cast<std::int64_t>(v);
  return v;
}

std::string n(double v) {
  return quantity(v);
}

std::string keep_alive_text(const LambdaFunctionConfig& c, const LambdaOptions& o,
                            const RateCard& rc) {
  if (c.keep_alive_s) return c.keep_alive_s->text();
  const auto lo = rule(rc, "lambda.keep_alive_min_s", o.as_of);
  const auto hi = rule(rc, "lambda.keep_alive_max_s", o.as_of);
  if (!lo || !hi) return "default";
  if (*lo == *hi) return fmt::format("{} (observed)", n(*lo));
  return fmt::format("{} to {} (observed)", n(*lo), n(*hi));
}

struct Column {
  std::string name;
  const LambdaFunctionConfig* c;
};

std::vector<std::vector<std::string>> setting_rows(const std::vector<Column>& cols,
                                                   const LambdaOptions& o, const RateCard& rc) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head{"setting"};
  for (const auto& col : cols)
    head.push_back(col.name);
  rows.push_back(head);
  auto row = [&](std::string label, auto&& cell) {
    std::vector<std::string> r{std::move(label)};
    for (const auto& col : cols)
      r.push_back(cell(*col.c));
    rows.push_back(std::move(r));
  };
  row("memory (MB)", [](const LambdaFunctionConfig& c) {
    return c.memory_mb ? n(c.memory_mb) : std::string("the trace's (rounded up)");
  });
  row("architecture", [](const LambdaFunctionConfig& c) { return std::string(to_string(c.arch)); });
  row("runtime", [](const LambdaFunctionConfig& c) { return std::string(to_string(c.runtime)); });
  row("timeout (s)", [&](const LambdaFunctionConfig& c) {
    if (c.timeout_s > 0) return n(c.timeout_s);
    const auto m = rule(rc, "lambda.timeout_max_s", o.as_of);
    return m ? fmt::format("{} (the maximum)", n(*m)) : std::string("the maximum");
  });
  row("keep-alive (s)", [&](const LambdaFunctionConfig& c) { return keep_alive_text(c, o, rc); });
  row("init (ms)", [](const LambdaFunctionConfig& c) {
    return c.init_ms ? c.init_ms->text()
                     : fmt::format("{} default (by memory)", to_string(c.runtime));
  });
  row("VPC", [](const LambdaFunctionConfig& c) { return std::string(c.vpc ? "yes" : "no"); });
  row("reserved concurrency", [](const LambdaFunctionConfig& c) {
    return c.reserved_concurrency ? n(*c.reserved_concurrency) : std::string("none");
  });
  row("provisioned concurrency", [](const LambdaFunctionConfig& c) {
    if (c.provisioned.empty()) return std::string("none");
    std::string s;
    for (const auto& w : c.provisioned) {
      if (!s.empty()) s += "; ";
      s += w.start_s == 0 && w.end_s < 0
               ? n(w.count)
               : fmt::format("{} from {} s to {}", n(w.count), n(w.start_s),
                             w.end_s < 0 ? std::string("the end") : n(w.end_s) + " s");
    }
    return s;
  });
  row("invocation", [](const LambdaFunctionConfig& c) {
    return c.invocation ? std::string(to_string(*c.invocation)) : std::string("the trace's");
  });
  row("error probability", [](const LambdaFunctionConfig& c) { return n(c.error_probability); });
  row("async max retries", [](const LambdaFunctionConfig& c) { return n(c.max_retry_attempts); });
  row("ephemeral storage (MB)", [](const LambdaFunctionConfig& c) { return n(c.ephemeral_mb); });
  return rows;
}

nlohmann::ordered_json function_json(const LambdaFunctionConfig& c, const LambdaOptions& o,
                                     const RateCard& rc) {
  nlohmann::ordered_json j;
  j["memory_mb"] = c.memory_mb ? nlohmann::ordered_json(c.memory_mb) : nullptr;
  j["arch"] = std::string(to_string(c.arch));
  j["runtime"] = std::string(to_string(c.runtime));
  const auto tmax = rule(rc, "lambda.timeout_max_s", o.as_of);
  j["timeout_s"] = jnum(c.timeout_s > 0 ? c.timeout_s : tmax.value_or(0));
  if (c.keep_alive_s) {
    j["keep_alive_s"] = c.keep_alive_s->text();
  } else {
    j["keep_alive_s"] = {{"min", jnum(rule(rc, "lambda.keep_alive_min_s", o.as_of).value_or(0))},
                         {"max", jnum(rule(rc, "lambda.keep_alive_max_s", o.as_of).value_or(0))}};
  }
  j["init_ms"] = c.init_ms ? nlohmann::ordered_json(c.init_ms->text()) : nullptr;
  j["vpc"] = c.vpc;
  j["reserved_concurrency"] =
      c.reserved_concurrency ? nlohmann::ordered_json(*c.reserved_concurrency) : nullptr;
  auto pc = nlohmann::ordered_json::array();
  for (const auto& w : c.provisioned) {
    nlohmann::ordered_json jw;
    jw["start_s"] = w.start_s;
    jw["end_s"] = w.end_s < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(w.end_s);
    jw["count"] = w.count;
    pc.push_back(jw);
  }
  j["provisioned"] = pc;
  j["invocation"] =
      c.invocation ? nlohmann::ordered_json(std::string(to_string(*c.invocation))) : nullptr;
  j["error_probability"] = c.error_probability;
  j["max_retry_attempts"] = c.max_retry_attempts;
  j["ephemeral_mb"] = c.ephemeral_mb;
  return j;
}

// The same usage priced without the free tier: what the free tier covered (table and JSON).
std::optional<Bill> bill_without_free_tier(const LambdaResult& r, const LambdaOptions& o,
                                           const RateCard& rc) {
  if (!o.free_tier) return std::nullopt;
  try {
    PricingOptions po;
    po.as_of = o.as_of;
    po.region = o.region;
    po.free_tier = false;
    if (o.discount_pct > 0) po.discount_pct["lambda"] = o.discount_pct;
    return rc.price(r.usage, po);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::vector<Table> lambda_config_tables(const LambdaOptions& o, const RateCard& rc) {
  std::vector<Column> cols{
      {o.functions.empty() ? "every function" : "other functions", &o.defaults}};
  for (const auto& [name, c] : o.functions)
    cols.push_back({name, &c});
  Table fns{"AWS Lambda configuration simulated", setting_rows(cols, o, rc)};
  Table acct{
      fmt::format("AWS Lambda account and rules in force on {} ({})", o.as_of.str(), o.region),
      {{"setting", "value"}}};
  auto row = [&](std::string k, std::string v) {
    acct.rows.push_back({std::move(k), std::move(v)});
  };
  const auto limit = rule(rc, "lambda.account_concurrency", o.as_of);
  row("account concurrency", o.account_concurrency
                                 ? n(o.account_concurrency)
                                 : (limit ? n(*limit) + " (default)" : std::string("default")));
  if (o.burst) {
    row("burst (environments)", n(*o.burst));
  } else if (const auto b = region_rule(rc, "lambda.burst", o)) {
    const bool per_fn = rule(rc, "lambda.burst_per_function", o.as_of).value_or(0) != 0;
    row("burst (environments)",
        fmt::format("{} {}", n(*b), per_fn ? "per function" : "account-wide"));
  }
  if (const auto s = rule(rc, "lambda.scale_per_min", o.as_of))
    row("scale-up after the burst (/min)", n(*s));
  if (const auto g = rule(rc, "lambda.duration_granularity_ms", o.as_of))
    row("duration billed in steps of (ms)", n(*g));
  const bool init_billed = rule(rc, "lambda.init_billed_zip_managed", o.as_of).value_or(0) != 0;
  row("INIT billed (zip, managed runtimes)", init_billed ? "yes" : "no");
  if (const auto t = rule(rc, "lambda.timeout_max_s", o.as_of)) row("maximum timeout (s)", n(*t));
  row("free tier", o.free_tier ? "applied" : "not applied");
  if (o.discount_pct > 0) row("discount (%)", n(o.discount_pct));
  row("seed", fmt::format("{}", o.seed));
  fns.id = "lambda_config";
  acct.id = "lambda_account";
  return {fns, acct};
}

nlohmann::ordered_json lambda_config_json(const LambdaOptions& o, const RateCard& rc) {
  nlohmann::ordered_json j;
  j["as_of"] = o.as_of.str();
  j["region"] = o.region;
  j["seed"] = o.seed;
  j["account_concurrency"] =
      jnum(o.account_concurrency ? o.account_concurrency
                                 : rule(rc, "lambda.account_concurrency", o.as_of).value_or(0));
  j["burst"] = jnum(o.burst ? *o.burst : region_rule(rc, "lambda.burst", o).value_or(0));
  j["duration_granularity_ms"] =
      jnum(rule(rc, "lambda.duration_granularity_ms", o.as_of).value_or(0));
  j["free_tier"] = o.free_tier;
  j["discount_pct"] = o.discount_pct;
  j["defaults"] = function_json(o.defaults, o, rc);
  j["functions"] = nlohmann::ordered_json::object();
  for (const auto& [name, c] : o.functions)
    j["functions"][name] = function_json(c, o, rc);
  return j;
}

std::vector<Table> lambda_tables(const LambdaResult& r, const LambdaOptions& o,
                                 const RateCard& rc) {
  const auto& c = r.counts;
  Table t{"AWS Lambda", {{"metric", "value"}}};
  auto row = [&](std::string k, std::string v) { t.rows.push_back({std::move(k), std::move(v)}); };
  auto count = [&](std::string k, std::uint64_t v) {
    row(std::move(k), n(static_cast<double>(v)));
  };
  count("arrived", c.arrived);
  count("completed", c.completed);
  count("failed", c.failed());
  count("dropped", c.dropped());
  count("attempts", c.attempts);
  count("retries", c.retries);
  count("throttles", c.throttles);
  count("timeouts", c.timeouts);
  count("errors", c.errors);
  count("sent to failure destination", c.to_destination);
  count("cold starts", c.cold_starts);
  row("cold starts per attempt run (%)",
      c.attempts > c.throttles ? fixed(100 * r.cold_start_probability(), 3) : std::string("n/a"));
  const bool any = r.latency_ms.count() > 0;
  auto lat = [&](double v) { return any ? fixed(v, 1) : std::string("n/a"); };
  row("latency mean (ms)", lat(r.latency_stats.mean()));
  row("latency p50 (ms)", lat(r.latency_ms.quantile(0.5)));
  row("latency p90 (ms)", lat(r.latency_ms.quantile(0.9)));
  row("latency p99 (ms)", lat(r.latency_ms.quantile(0.99)));
  row("latency max (ms)", lat(any ? r.latency_ms.max() : 0.0));
  row("environments mean", fixed(r.instances_mean, 2));
  row("environments max", fixed(r.instances_max, 0));
  row("busy mean (concurrency)", fixed(r.mean_busy, 2));
  row("busy max (concurrency)", fixed(r.max_busy, 0));
  row("idle mean", fixed(r.mean_idle, 2));
  t.notes = r.notes;
  const std::optional<Bill> whole = bill_without_free_tier(r, o, rc);
  t.id = "lambda";
  Table bill = bill_table(r.bill, "AWS Lambda bill", whole ? &*whole : nullptr);
  bill.id = "lambda_bill";
  return {t, bill};
}

nlohmann::ordered_json lambda_json(const LambdaResult& r, const LambdaOptions& o,
                                   const RateCard& rc) {
  auto j = nlohmann::ordered_json::parse(r.to_json());
  // The bill with the same lines as the table (gross quantities and the free-tier lines).
  const std::optional<Bill> whole = bill_without_free_tier(r, o, rc);
  j["cost"] = bill_json(r.bill, whole ? &*whole : nullptr);
  // Latency of nothing is unknown, not 0.
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key().rfind("latency", 0) != 0 || !it.value().is_object()) continue;
    const bool none =
        it.key() == "latency_completed_ms" ? r.counts.completed == 0 : r.latency_ms.count() == 0;
    if (none)
      for (auto& v : it.value())
        v = nullptr;
  }
  j["config"] = lambda_config_json(o, rc);
  return j;
}

}  // namespace slsim::cli
