// `slsim simulate --platform lambda`: one platform, one workload, the full result.
#include <fmt/format.h>

#include <iostream>

#include "batch_options.hpp"
#include "commands.hpp"
#include "lambda_output.hpp"
#include "slsim/scenario/scenario.hpp"
#include "trace_options.hpp"

namespace slsim::cli {

void add_simulate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("simulate", "Simulate a workload on one platform");
  struct Args {
    std::string platform = "lambda", scenario, format = "table", as_of, region, arch, runtime,
                keep_alive;
    std::string init_ms, invocation;
    TraceArgs trace;
    std::uint32_t memory_mb = 0, account_concurrency = 0, provisioned = 0, max_retry = 2;
    std::optional<std::uint32_t> reserved;
    std::optional<std::uint64_t> seed;
    std::optional<double> timeout_s, error_probability;  // not given: the scenario's
    bool vpc = false, no_vpc = false, no_free_tier = false;
    BatchArgs batch;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--platform", a->platform, "Platform to simulate")
      ->check(CLI::IsMember({"lambda", "batch"}))
      ->capture_default_str();
  cmd->add_option("--scenario,-s", a->scenario,
                  "Scenario file (TOML); default: the bundled one, or none when a TRACE is given");
  add_trace_args(cmd, a->trace, /*trace_required=*/false);
  cmd->add_option("--format", a->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}))
      ->capture_default_str();
  cmd->add_option("--as-of", a->as_of, "Date whose AWS behaviour and prices apply (YYYY-MM-DD)");
  cmd->add_option("--region", a->region, "AWS region");
  cmd->add_option("--seed", a->seed, "Random seed");
  cmd->add_option("--memory-mb", a->memory_mb, "Lambda memory for every function (MB)");
  cmd->add_option("--arch", a->arch, "x86_64 or arm64")->check(CLI::IsMember({"x86_64", "arm64"}));
  cmd->add_option("--runtime", a->runtime, "python, nodejs, java, dotnet, go, custom, container");
  cmd->add_flag("--vpc", a->vpc, "Functions are attached to a VPC");
  cmd->add_flag("--no-vpc", a->no_vpc, "Functions are not attached to a VPC");
  cmd->add_option("--timeout-s", a->timeout_s, "Function timeout (s)");
  cmd->add_option("--keep-alive-s", a->keep_alive,
                  "Idle time before reclaim: number or distribution");
  cmd->add_option("--init-ms", a->init_ms, "Cold-start duration: number or distribution");
  cmd->add_option("--invocation", a->invocation, "Override the trace's invocation type")
      ->check(CLI::IsMember({"sync", "async", "queue"}));
  cmd->add_option("--error-probability", a->error_probability,
                  "Function error probability per attempt");
  cmd->add_option("--max-retry-attempts", a->max_retry, "Async retries (0-2)")
      ->capture_default_str();
  cmd->add_option("--reserved-concurrency", a->reserved, "Reserved concurrency of every function");
  cmd->add_option("--provisioned-concurrency", a->provisioned,
                  "Provisioned concurrency of every function");
  cmd->add_option("--account-concurrency", a->account_concurrency,
                  "Account concurrency limit (default 1,000)");
  cmd->add_flag("--no-free-tier", a->no_free_tier, "Do not apply the monthly free tier");
  add_batch_args(cmd, a->batch);
  cmd->callback([a] {
    // A trace on the command line without --scenario starts from slsim's defaults (today,
    // us-east-1, seed 1), not from the bundled scenario's [lambda] settings.
    Scenario s;
    if (!a->scenario.empty() || a->trace.path.empty()) {
      s = load_scenario(a->scenario.empty() ? SLSIM_DEFAULT_SCENARIO : a->scenario);
    } else {
      s.as_of = Date::today();
      s.lambda.as_of = s.as_of;
    }
    if (!a->as_of.empty()) s.as_of = Date::parse(a->as_of);
    if (!a->region.empty()) s.region = a->region;
    if (a->seed) s.seed = *a->seed;
    LambdaOptions o = s.lambda;
    o.as_of = s.as_of;
    o.region = s.region;
    o.seed = s.seed;
    auto apply = [&](LambdaFunctionConfig& c) {
      if (a->memory_mb) c.memory_mb = a->memory_mb;
      if (!a->arch.empty()) c.arch = parse_arch(a->arch);
      if (!a->runtime.empty()) c.runtime = parse_runtime(a->runtime);
      if (a->vpc) c.vpc = true;
      if (a->no_vpc) c.vpc = false;
      if (a->timeout_s) c.timeout_s = *a->timeout_s;
      if (!a->keep_alive.empty()) c.keep_alive_s = Distribution::parse(a->keep_alive);
      if (!a->init_ms.empty()) c.init_ms = Distribution::parse(a->init_ms);
      if (!a->invocation.empty()) c.invocation = parse_invocation_type(a->invocation);
      if (a->error_probability) c.error_probability = *a->error_probability;
      c.max_retry_attempts = a->max_retry;
      if (a->provisioned) c.provisioned = {{0, -1, a->provisioned}};
    };
    apply(o.defaults);
    for (auto& [name, c] : o.functions)
      apply(c);
    if (a->account_concurrency) o.account_concurrency = a->account_concurrency;
    if (a->no_free_tier) o.free_tier = false;
    if (a->reserved) {
      // Reserved concurrency is per function: it needs the function names, so it applies to
      // the functions named in the scenario and to "fn"-style single-function workloads.
      o.defaults.reserved_concurrency.reset();
      for (auto& [name, c] : o.functions)
        c.reserved_concurrency = a->reserved;
    }
    std::unique_ptr<WorkloadSource> wl;
    if (!a->trace.path.empty()) {
      a->trace.seed = s.seed;
      wl = make_trace_factory(a->trace)();
    } else {
      wl = open_workload(s);
    }
    if (a->platform == "batch") {
      run_batch(s, a->batch, a->timeout_s, a->error_probability, *wl, parse_format(a->format));
      return;
    }
    const LambdaResult r = simulate_lambda(*wl, o);
    const auto f = parse_format(a->format);
    if (f == Format::kJson) {
      std::cout << r.to_json() << "\n";
    } else {
      write_tables(std::cout, lambda_tables(r), f);
    }
  });
}

}  // namespace slsim::cli
