// `slsim simulate --platform lambda`: one platform, one workload, the full result.
//
// Settings come from the scenario file (or slsim's defaults) and then from the flags the user
// gave: a flag the user did not give never overrides the file. The result passes the same
// validator as a scenario file, and an error names the flag (or the file and key) it came from.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "batch_options.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "containers_options.hpp"
#include "lambda_output.hpp"
#include "slsim/lambda/lambda_config.hpp"
#include "slsim/platform/impossible_error.hpp"
#include "slsim/scenario/scenario.hpp"
#include "trace_options.hpp"

namespace slsim::cli {

namespace {

constexpr std::uint64_t kMaxSeed = 9'223'372'036'854'775'807ULL;  // as in a scenario file
constexpr std::uint64_t kMaxU32 = 4'294'967'295ULL;

// The flags of one platform; a flag listed for no platform applies to all of them.
const std::vector<std::string> kLambdaFlags{"--memory-mb",
                                            "--arch",
                                            "--runtime",
                                            "--vpc",
                                            "--no-vpc",
                                            "--timeout-s",
                                            "--keep-alive-s",
                                            "--init-ms",
                                            "--invocation",
                                            "--error-probability",
                                            "--visibility-timeout-s",
                                            "--max-retry-attempts",
                                            "--ephemeral-mb",
                                            "--reserved-concurrency",
                                            "--provisioned-concurrency",
                                            "--account-concurrency",
                                            "--no-free-tier"};
const char* const kBatchGroup = "AWS Batch (--platform batch)";

// --invocation on a platform that takes the trace's invocation type as it comes (Batch): every
// invocation read is of this type, as a trace's invocation column would say.
class InvocationAs final : public WorkloadSource {
 public:
  InvocationAs(std::unique_ptr<WorkloadSource> src, InvocationType t)
      : src_(std::move(src)), type_(t) {}
  bool next(Invocation& out) override {
    if (!src_->next(out)) return false;
    out.type = type_;
    return true;
  }
  const FunctionTable& functions() const override { return src_->functions(); }
  std::string describe() const override { return src_->describe(); }
  std::uint64_t skipped_rows() const override { return src_->skipped_rows(); }
  std::vector<std::string> skipped_examples() const override { return src_->skipped_examples(); }
  bool memory_is_lambda_setting() const override { return src_->memory_is_lambda_setting(); }
  const LambdaObservation* observation() const override { return src_->observation(); }
  std::optional<double> declared_span_s() const override { return src_->declared_span_s(); }

 private:
  std::unique_ptr<WorkloadSource> src_;
  InvocationType type_;
};

// A flag of another platform is refused (exit 2), never silently ignored.
void check_flags_apply(const CLI::App* cmd, const std::string& platform, const ContainerArgs& ca) {
  std::map<std::string, std::set<std::string>> applies;
  for (const auto& f : kLambdaFlags)
    applies[f].insert("lambda");
  // Batch jobs have a timeout and an error probability too (run_batch).
  applies["--timeout-s"].insert("batch");
  applies["--error-probability"].insert("batch");
  applies["--invocation"].insert("batch");  // a trace reading option: the jobs' invocation type
  for (const auto* opt : cmd->get_options())
    if (opt->get_group() == kBatchGroup) applies[opt->get_name()].insert("batch");
  // The platforms a flag is named with in the message (those that have the setting): a managed
  // platform is passed ECS's flags too, for its setter to say why they are not its own.
  std::map<std::string, std::set<std::string>> owners = applies;
  for (const auto& [key, opt] : ca.options) {
    for (const auto& p : container_flag_platforms(key))
      applies[opt->get_name()].insert(p);
    for (const auto& p : container_flag_owners(key))
      owners[opt->get_name()].insert(p);
  }
  for (auto* m : {&applies, &owners})
    (*m)["--timeline"].insert({"ecs", "fargate", "lambda-managed", "ecs-managed"});
  for (const auto* opt : cmd->get_options()) {
    if (opt->count() == 0) continue;
    const auto it = applies.find(opt->get_name());
    if (it == applies.end() || it->second.count(platform)) continue;
    const auto& named = owners[opt->get_name()];
    std::vector<std::string> to;
    for (const char* p : {"lambda", "ecs", "fargate", "batch", "lambda-managed", "ecs-managed"})
      if (named.count(p)) to.emplace_back(p);
    std::string list = to.front();
    for (std::size_t i = 1; i < to.size(); ++i)
      list += (i + 1 == to.size() ? " or " : ", ") + to[i];
    throw UsageError(
        fmt::format("{} applies to --platform {}, not {}", opt->get_name(), list, platform));
  }
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("simulate", "Simulate a workload on one platform");
  struct Args {
    std::string platform = "lambda", scenario, format = "table", output;
    std::optional<std::string> as_of, region, arch, runtime, keep_alive, init_ms, invocation;
    TraceArgs trace;
    std::optional<std::uint32_t> memory_mb, account_concurrency, provisioned, max_retry, reserved,
        ephemeral_mb;
    std::optional<std::uint64_t> seed;
    std::optional<std::int64_t> memory_mb_given;
    std::optional<double> timeout_s, error_probability;
    std::optional<std::string> visibility_timeout_s;  // a number or auto
    bool vpc = false, no_vpc = false, no_free_tier = false;
    BatchArgs batch;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--platform", a->platform, "Platform to simulate")
      ->check(CLI::IsMember({"lambda", "ecs", "fargate", "batch", "lambda-managed", "ecs-managed"}))
      ->capture_default_str();
  cmd->add_option("--scenario,-s", a->scenario,
                  "Scenario file (TOML); default: the bundled one, or none when a TRACE is given");
  add_trace_args(cmd, a->trace, /*trace_required=*/false);
  cmd->add_option("--format", a->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}))
      ->capture_default_str();
  add_output_option(cmd, a->output);
  cmd->add_option("--as-of", a->as_of, "Date whose AWS behaviour and prices apply (YYYY-MM-DD)");
  cmd->add_option("--region", a->region, "AWS region");
  cmd->add_option("--seed", a->seed, "Random seed (0 to 9,223,372,036,854,775,807)")
      ->check(whole(0, kMaxSeed));
  // Any whole number: one that is not even a size is refused with Lambda's range at as_of
  // (below), the rest by the validator, as for the scenario key and Python.
  cmd->add_option("--memory-mb", a->memory_mb_given,
                  "Lambda memory for every function (MB); lambda-managed: an execution "
                  "environment's memory (scenario key memory_mb)");
  // Words are checked by the validator (set_lambda_choice): the scenario key's message.
  cmd->add_option("--arch", a->arch, "x86_64 or arm64");
  cmd->add_option("--runtime", a->runtime,
                  "python, nodejs, java, dotnet, go, custom, container (lambda-managed: python, "
                  "nodejs, java or dotnet)");
  cmd->add_flag("--vpc", a->vpc, "Functions are attached to a VPC");
  cmd->add_flag("--no-vpc", a->no_vpc, "Functions are not attached to a VPC")->excludes("--vpc");
  cmd->add_option("--timeout-s", a->timeout_s,
                  "Function timeout: whole seconds from 1 to the era's maximum (0 = the maximum)");
  cmd->add_option("--keep-alive-s", a->keep_alive,
                  "Idle time before reclaim (s): number or distribution");
  cmd->add_option("--init-ms", a->init_ms, "Cold-start duration (ms): number or distribution");
  cmd->add_option("--invocation", a->invocation,
                  "Override the trace's invocation type: sync, async or queue");
  // Shared with Batch (jobs) and ECS/Fargate (queue consumers' runs): one flag, one help.
  cmd->add_option("--error-probability", a->error_probability,
                  "Error probability per attempt, 0 to 1: a Lambda function's, a Batch job's, an "
                  "ECS/Fargate run (scenario key error_probability)")
      ->check(a_number());
  cmd->add_option("--visibility-timeout-s", a->visibility_timeout_s,
                  "SQS visibility timeout of queue work (whole s, 0 to 43,200, or auto): Lambda "
                  "(at least the function timeout; auto: 6 x the timeout) and ECS/Fargate queue "
                  "consumers (auto: above the longest run; scenario key visibility_timeout_s)")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            if (v == "auto") return {};
            std::string n = v;
            return a_number()(n);
          },
          "NUMBER|auto"));
  // Whole numbers that fit the setting: what is allowed is the validator's to say
  // (validate_lambda), with the same message as for a scenario key or a Python keyword.
  cmd->add_option("--max-retry-attempts", a->max_retry, "Async retries (0, 1 or 2; default 2)")
      ->check(whole(0, kMaxU32));
  cmd->add_option("--ephemeral-mb", a->ephemeral_mb,
                  "Ephemeral storage (/tmp) of every function (MB; 512 to 10,240 from 2022-03-24)")
      ->check(whole(0, kMaxU32));
  cmd->add_option("--reserved-concurrency", a->reserved,
                  "Reserved concurrency of every function of the workload (0 = disabled)")
      ->check(whole(0, 10'000'000));
  cmd->add_option("--provisioned-concurrency", a->provisioned,
                  "Provisioned concurrency of every function (0 = none)")
      ->check(whole(0, 10'000'000));
  cmd->add_option("--account-concurrency", a->account_concurrency,
                  "Account concurrency limit (1 to 10,000,000; default: the era's, 1,000)")
      ->check(whole(0, kMaxU32));
  cmd->add_flag("--no-free-tier", a->no_free_tier, "Do not apply the monthly free tier");
  add_batch_args(cmd, a->batch);
  auto ca = std::make_shared<ContainerArgs>();
  add_container_options(cmd, *ca);
  cmd->callback([a, ca, cmd] {
    check_flags_apply(cmd, a->platform, *ca);
    // A trace on the command line without --scenario starts from slsim's defaults (today,
    // us-east-1, seed 1), not from the bundled scenario's [lambda] settings.
    Scenario s;
    const bool from_file = !a->scenario.empty() || a->trace.path.empty();
    const std::string file = a->scenario.empty() ? default_scenario() : a->scenario;
    if (from_file) {
      s = load_scenario(file);
    } else {
      s.as_of = Date::today();
    }
    try {
      if (a->as_of) s.as_of = Date::parse(*a->as_of);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--as-of: ") + e.what());
    }
    if (a->region) s.region = *a->region;
    if (a->seed) s.seed = *a->seed;
    // The one path from the trace flags to the workload (trace_options.hpp).
    apply_trace_args(a->trace, s);
    // Selecting functions of any workload; tables naming the others are ignored (issue 20).
    select_functions(a->trace, s, {a->platform});
    if (a->platform == "ecs" || a->platform == "fargate" || a->platform == "lambda-managed" ||
        a->platform == "ecs-managed") {
      run_container_simulation(a->platform, s, workload_factory(s), *ca, a->format, a->output);
      return;
    }
    if (a->memory_mb_given) {
      const std::int64_t m = *a->memory_mb_given;
      if (m < 0 || m > static_cast<std::int64_t>(kMaxU32)) {
        throw UsageError(fmt::format("--memory-mb: {} is not allowed: {}", m,
                                     lambda_memory_allowed(RateCard::builtin(), s.as_of)));
      }
      a->memory_mb = static_cast<std::uint32_t>(m);
    }
    LambdaOptions o = s.lambda;
    o.as_of = s.as_of;
    o.region = s.region;
    o.seed = s.seed;
    auto dist = [](const char* flag, const std::string& text) {
      try {
        return Distribution::parse(text);
      } catch (const std::invalid_argument& e) {
        throw UsageError(fmt::format("{}: {}", flag, e.what()));
      }
    };
    auto word = [](LambdaFunctionConfig& c, const char* key, const std::optional<std::string>& v) {
      if (!v) return;
      try {
        set_lambda_choice(c, key, *v);
      } catch (const ConfigError& e) {
        throw UsageError(flag_message(flag_of(key), key, e.message()));
      }
    };
    auto apply = [&](LambdaFunctionConfig& c) {
      if (a->memory_mb) c.memory_mb = *a->memory_mb;
      word(c, "arch", a->arch);
      word(c, "runtime", a->runtime);
      if (a->vpc) c.vpc = true;
      if (a->no_vpc) c.vpc = false;
      if (a->timeout_s) c.timeout_s = *a->timeout_s;
      if (a->keep_alive) c.keep_alive_s = dist("--keep-alive-s", *a->keep_alive);
      if (a->init_ms) c.init_ms = dist("--init-ms", *a->init_ms);
      word(c, "invocation", a->invocation);
      if (a->error_probability) c.error_probability = *a->error_probability;
      if (a->max_retry) c.max_retry_attempts = *a->max_retry;
      if (a->visibility_timeout_s) {
        if (*a->visibility_timeout_s == "auto")
          c.visibility_timeout_s.reset();
        else
          c.visibility_timeout_s = std::stod(*a->visibility_timeout_s);
      }
      if (a->ephemeral_mb) c.ephemeral_mb = *a->ephemeral_mb;
      if (a->provisioned) {
        c.provisioned.clear();
        if (*a->provisioned > 0) c.provisioned = {{0, -1, *a->provisioned}};
      }
    };
    apply(o.defaults);
    for (auto& [name, c] : o.functions)
      apply(c);
    if (a->account_concurrency) o.account_concurrency = *a->account_concurrency;
    if (a->no_free_tier) o.free_tier = false;

    const SourceFactory open = workload_factory(s);
    if (a->platform == "batch") {
      SourceFactory jobs = open;
      if (a->invocation) {
        const auto t = parse_invocation_type(*a->invocation);
        if (!t) {
          throw UsageError(fmt::format("--invocation: '{}' is not allowed: sync, async or queue",
                                       *a->invocation));
        }
        jobs = [open, t = *t]() -> std::unique_ptr<WorkloadSource> {
          return std::make_unique<InvocationAs>(open(), t);
        };
      }
      run_batch(s, a->batch, a->timeout_s, a->error_probability, jobs, parse_format(a->format),
                a->output);
      return;
    }
    // The workload's function names are needed to reserve concurrency for each of them and to
    // check the functions the configuration and --functions name (one extra streaming pass).
    const bool need_names = a->reserved || !o.functions.empty() || !a->trace.functions.empty();
    // An error: from a flag the user gave, else from the scenario file.
    auto report = [&](const ConfigError& e) -> std::string {
      const std::string& key = e.key();
      const bool names_function =
          key.rfind("functions.", 0) == 0 && key.find('.', 10) == std::string::npos;
      const std::string flag = flag_of(key);
      const auto* opt = names_function ? nullptr : cmd->get_option_no_throw(flag);
      // Its advice in flags too (a flag of this command for each setting it names).
      const auto spelling = flag_spelling([cmd](const std::string& k) -> std::optional<bool> {
        const auto* o = cmd->get_option_no_throw(flag_of(k));
        if (!o) return std::nullopt;
        return o->get_expected_min() > 0;
      });
      if (opt && opt->count() > 0)
        return advice_as_flags(flag_message(flag, key, e.message()), spelling);
      // The visibility timeout checked against a --timeout-s the user gave: blame the flag, not
      // the file (which may not set visibility_timeout_s at all).
      const std::string vt = "visibility_timeout_s";
      const auto* timeout = cmd->get_option_no_throw("--timeout-s");
      if (key.size() >= vt.size() && key.compare(key.size() - vt.size(), vt.size(), vt) == 0 &&
          timeout && timeout->count() > 0)
        return advice_as_flags(fmt::format("--timeout-s: the visibility timeout {}", e.message()),
                               spelling);
      if (from_file) return config_error_in_file(e, file);
      return e.what();
    };
    try {
      if (a->account_concurrency) validate_account_concurrency(*a->account_concurrency);
      validate_lambda(o);  // the flags' values, before reading the workload
      if (need_names) {
        const auto names = invoked_functions(open);
        check_selected_functions(a->trace, names);
        check_lambda_functions_exist(o, names);
        if (a->reserved) {
          for (const auto& name : names) {
            auto it = o.functions.find(name);
            if (it == o.functions.end()) it = o.functions.emplace(name, o.defaults).first;
            it->second.reserved_concurrency = *a->reserved;
          }
        }
        validate_lambda(o);
      }
    } catch (const ConfigError& e) {
      throw UsageError(report(e));
    }
    auto wl = with_progress(open());
    const LambdaResult r = [&] {
      try {
        return simulate_lambda(*wl, o);
      } catch (const ImpossibleError& e) {
        // The workload, not a flag, is what Lambda cannot run (as `report` says it): exit 2.
        throw UsageError(std::string("lambda cannot run this workload: ") + e.what());
      }
    }();
    const auto f = parse_format(a->format);
    write_result(a->output, [&](std::ostream& os) {
      if (f == Format::kJson) {
        write_json(os, lambda_json(r, o));
      } else {
        auto tables = lambda_config_tables(o);
        for (auto& t : lambda_tables(r, o))
          tables.push_back(std::move(t));
        write_tables(os, tables, f);
      }
    });
  });
}

}  // namespace slsim::cli
