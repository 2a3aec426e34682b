#include "batch_table.hpp"

#include <fmt/format.h>

#include <limits>
#include <set>

#include "slsim/platform/config_error.hpp"
#include "table_reader.hpp"

namespace slsim::scenario_detail {

namespace {

// Keys of a job definition ([batch] and [batch.functions."name"]).
const std::set<std::string> kJobKeys = {
    "job_vcpu",         "job_memory_gb",  "attempts", "error_probability",   "timeout_s",
    "array_size",       "array_window_s", "queue",    "reference_memory_mb", "cpu_bound_fraction",
    "parallel_fraction"};
// Keys of a compute environment ([batch] when there is one, or [[batch.compute_environments]]).
const std::set<std::string> kEnvKeys = {"compute", "instance_types", "min_vcpus", "desired_vcpus",
                                        "max_vcpus"};
const std::set<std::string> kTimingKeys = {"scheduler_interval_s",
                                           "starting_s",
                                           "container_start_s",
                                           "instance_launch_s",
                                           "fargate_start_s",
                                           "scale_down_delay_s",
                                           "spot_interruptions_per_hour",
                                           "spot_discount_pct",
                                           "discount_pct",
                                           "max_submit_wait_s"};

std::vector<std::string> strings(const toml::table& t, const TableReader& r,
                                 const std::string& key) {
  std::vector<std::string> out;
  const auto* n = t.get(key);
  if (!n) return out;
  if (auto s = n->value<std::string>()) return {*s};
  const auto* a = n->as_array();
  if (!a) r.fail(key, "must be a list of names");
  for (const auto& e : *a) {
    auto v = e.value<std::string>();
    if (!v) r.fail(key, "must be a list of names");
    out.push_back(*v);
  }
  return out;
}

void apply_job(const TableReader& r, BatchJobDefinition& j) {
  j.vcpu = r.num("job_vcpu", j.vcpu);
  j.memory_gb = r.num("job_memory_gb", j.memory_gb);
  // Any number: batch_whole and validate_batch_options say what AWS allows (1-10, 0 or
  // 2-10,000), in the same words as the flag's and the Python keyword's message.
  auto whole = [&](const char* key, std::int64_t def) -> std::int64_t {
    if (!r.has(key)) return def;
    double v = 0;
    try {
      v = r.num(key, 0);
    } catch (const ScenarioError&) {
      r.fail(key, "must be " + batch_whole_range(key));
    }
    try {
      return batch_whole(key, v);
    } catch (const ConfigError& e) {
      r.fail(key, e.message());
    }
  };
  j.attempts = whole("attempts", j.attempts);
  j.error_probability = r.num("error_probability", j.error_probability);
  j.timeout_s = r.num("timeout_s", j.timeout_s);
  j.array_size = whole("array_size", j.array_size);
  j.array_window_s = r.num("array_window_s", j.array_window_s);
  j.queue = r.str("queue", j.queue);
  j.reference_memory_mb = static_cast<std::uint32_t>(
      r.integer("reference_memory_mb", j.reference_memory_mb, 0, 1'000'000));
  j.cpu_bound_fraction = r.num("cpu_bound_fraction", j.cpu_bound_fraction);
  j.parallel_fraction = r.num("parallel_fraction", j.parallel_fraction);
}

void apply_env(const toml::table& t, const TableReader& r, BatchComputeEnvironment& c) {
  if (r.has("compute")) {
    try {
      c.compute = parse_batch_compute(r.str("compute", ""));
    } catch (const ConfigError& e) {
      r.fail("compute", e.message());
    }
  }
  if (r.has("instance_types")) c.instance_types = strings(t, r, "instance_types");
  c.min_vcpus = r.num("min_vcpus", c.min_vcpus);
  if (r.has("desired_vcpus")) c.desired_vcpus = r.num("desired_vcpus", 0);
  c.max_vcpus = r.num("max_vcpus", c.max_vcpus);
}

}  // namespace

void load_batch_table(const toml::table& root, const std::string& path, Scenario& s) {
  BatchOptions& o = s.batch;
  o.as_of = s.as_of;
  o.region = s.region;
  o.seed = s.seed;
  const toml::table* bt = root["batch"].as_table();
  if (!bt) return;
  std::set<std::string> keys = kJobKeys;
  keys.insert(kEnvKeys.begin(), kEnvKeys.end());
  keys.insert(kTimingKeys.begin(), kTimingKeys.end());
  keys.insert({"compute_environments", "queues", "functions"});
  TableReader b(*bt, path, "batch.", keys);
  apply_job(b, o.job);
  o.scheduler_interval_s = b.num("scheduler_interval_s", o.scheduler_interval_s);
  o.starting_s = b.num("starting_s", o.starting_s);
  o.container_start_s = b.num("container_start_s", o.container_start_s);
  o.instance_launch_s = b.num("instance_launch_s", o.instance_launch_s);
  o.fargate_start_s = b.num("fargate_start_s", o.fargate_start_s);
  o.scale_down_delay_s = b.num("scale_down_delay_s", o.scale_down_delay_s);
  o.max_submit_wait_s = b.num("max_submit_wait_s", o.max_submit_wait_s);
  if (b.has("spot_interruptions_per_hour")) {
    o.spot_interruptions_per_hour = b.num("spot_interruptions_per_hour", 0);
  }
  if (b.has("spot_discount_pct")) o.spot_discount_pct = b.num("spot_discount_pct", 0);
  o.discount_pct = b.num("discount_pct", o.discount_pct);
  if (const auto* ces = bt->get_as<toml::array>("compute_environments")) {
    for (const auto& k : kEnvKeys) {
      if (b.has(k)) {
        b.fail(k, "give it in each [[batch.compute_environments]] when there are several");
      }
    }
    o.compute_environments.clear();
    std::size_t i = 0;
    for (const auto& e : *ces) {
      const auto* et = e.as_table();
      const std::string prefix = fmt::format("batch.compute_environments[{}].", i++);
      if (!et) b.fail("compute_environments", "must be [[batch.compute_environments]] tables");
      std::set<std::string> ek = kEnvKeys;
      ek.insert("name");
      TableReader er(*et, path, prefix, ek);
      BatchComputeEnvironment c;
      c.name = er.str("name", fmt::format("ce{}", i));
      apply_env(*et, er, c);
      o.compute_environments.push_back(c);
    }
  } else if (b.has("compute_environments")) {
    b.fail("compute_environments", "must be [[batch.compute_environments]] tables");
  } else {
    apply_env(*bt, b, o.compute_environments.front());
  }
  if (const auto* qs = bt->get_as<toml::array>("queues")) {
    std::size_t i = 0;
    for (const auto& e : *qs) {
      const auto* qt = e.as_table();
      const std::string prefix = fmt::format("batch.queues[{}].", i++);
      if (!qt) b.fail("queues", "must be [[batch.queues]] tables");
      TableReader qr(*qt, path, prefix, {"name", "priority", "compute_environments"});
      BatchJobQueue q;
      q.name = qr.str("name", fmt::format("queue{}", i));
      q.priority = qr.integer("priority", q.priority, 0, 1000);
      q.compute_environments = strings(*qt, qr, "compute_environments");
      o.queues.push_back(q);
    }
  } else if (b.has("queues")) {
    b.fail("queues", "must be [[batch.queues]] tables");
  }
  if (const toml::table* fns = (*bt)["functions"].as_table()) {
    for (const auto& [name, node] : *fns) {
      const std::string fname(name.str());
      const auto* ft = node.as_table();
      if (!ft) b.fail("functions." + fname, "must be a table of job settings");
      TableReader fr(*ft, path, "batch.functions." + fname + ".", kJobKeys);
      BatchJobDefinition j = o.job;
      apply_job(fr, j);
      o.functions[fname] = j;
    }
  } else if (b.has("functions")) {
    b.fail("functions", "must be a table of [batch.functions.\"name\"] tables");
  }
  try {
    validate_batch_options(o);
  } catch (const ConfigError& e) {
    throw ScenarioError(config_error_in_file(e, path, "batch"));
  }
}

}  // namespace slsim::scenario_detail
