// `slsim price lambda|fargate|ec2`: a calculator over the rate card, no simulation.
#include <fmt/format.h>

#include <iostream>

#include "bill_output.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "slsim/lambda/lambda_config.hpp"
#include "slsim/pricing/pricing.hpp"

namespace slsim::cli {

namespace {

// Counts (requests, tasks, instances): at most a trillion, so that usage meters cannot overflow.
constexpr std::uint64_t kMaxCount = 1'000'000'000'000ULL;

struct Common {
  std::string as_of;  // default: today
  std::string region = "us-east-1";
  std::string format = "table";
  std::string rates_dir;
  double discount_pct = 0;
  std::string output;
};

void add_common(CLI::App* cmd, Common& c) {
  cmd->add_option("--as-of", c.as_of,
                  "Date whose prices and rules apply (YYYY-MM-DD; default today)");
  cmd->add_option("--region", c.region, "AWS region")->capture_default_str();
  cmd->add_option("--format", c.format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}))
      ->capture_default_str();
  cmd->add_option(
      "--rates", c.rates_dir,
      "Directory with your own rates.csv, rules.csv, ec2_instances.csv, fargate_sizes.csv");
  cmd->add_option("--discount-pct", c.discount_pct,
                  "Your discount on this platform in percent (Savings Plans, enterprise agreement)")
      ->check(real(0, 100));
  add_output_option(cmd, c.output);
}

struct Context {
  const RateCard* rc;
  RateCard own;
  PricingOptions options;
};

Context context(const Common& c) {
  Context ctx;
  if (!c.rates_dir.empty()) {
    ctx.own = RateCard::load(c.rates_dir);
    ctx.rc = &ctx.own;
  } else {
    ctx.rc = &RateCard::builtin();
  }
  try {
    ctx.options.as_of = c.as_of.empty() ? Date::today() : Date::parse(c.as_of);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--as-of: ") + e.what());
  }
  ctx.options.region = c.region;
  try {
    ctx.rc->check_as_of(ctx.options.as_of);
  } catch (const PricingError& e) {
    throw UsageError(flag_message("--as-of", "as_of", e.what()));
  }
  try {
    check_region(*ctx.rc, c.region);
  } catch (const PricingError& e) {
    throw UsageError(std::string("--region: ") + e.what());
  }
  return ctx;
}

// Builds a usage; an error that starts with a setting's name ("provisioned_hours 1e+300 is not
// allowed ...") is reported against its flag (--provisioned-hours).
template <typename F>
auto usage_of(F&& f) {
  try {
    return f();
  } catch (const PricingError& e) {
    const std::string what = e.what();
    const auto sp = what.find(' ');
    std::string key = what.substr(0, sp);
    if (sp == std::string::npos || key.find('_') == std::string::npos ||
        key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
      throw;
    for (auto& ch : key)
      if (ch == '_') ch = '-';
    throw UsageError("--" + key + ": " + what.substr(sp + 1));
  }
}

void finish(Context& ctx, const Common& c, const Usage& u, const std::string& platform) {
  if (c.discount_pct > 0) ctx.options.discount_pct[platform] = c.discount_pct;
  const Bill b = ctx.rc->price(u, ctx.options);
  // The same usage without the free tier shows what the free tier covered.
  std::optional<Bill> whole_bill;
  if (ctx.options.free_tier) {
    PricingOptions no_free = ctx.options;
    no_free.free_tier = false;
    whole_bill = ctx.rc->price(u, no_free);
  }
  write_result(c.output, [&](std::ostream& os) {
    write_bill(os, b, parse_format(c.format), whole_bill ? &*whole_bill : nullptr);
  });
}

}  // namespace

void add_price_command(CLI::App& app) {
  auto* price = app.add_subcommand("price", "What a given usage costs (AWS billing rules by date)");
  // One platform; a word that names none ("slsim price bogus") is named in the error.
  price->require_subcommand(0, 1);
  auto unknown = std::make_shared<std::string>();
  price->add_option("platform", *unknown, "lambda, fargate or ec2")->group("");
  price->callback([price, unknown] {
    if (!price->get_subcommands().empty()) return;
    if (!unknown->empty()) {
      throw UsageError(
          fmt::format("price: unknown platform '{}'; choose lambda, fargate or ec2 "
                      "(ECS on EC2 and AWS Batch on EC2 are priced as ec2)",
                      *unknown));
    }
    throw UsageError("price: a subcommand is required: lambda, fargate, ec2 (slsim price --help)");
  });

  // ---- lambda ----
  {
    auto* cmd =
        price->add_subcommand("lambda", "Lambda requests, duration, provisioned concurrency");
    auto c = std::make_shared<Common>();
    auto in = std::make_shared<LambdaPriceInput>();
    auto arch = std::make_shared<std::string>("x86_64");
    auto no_free = std::make_shared<bool>(false);
    auto span_days = std::make_shared<double>(0);
    cmd->add_option("--memory-mb", in->memory_mb, "Configured memory (MB)")
        ->required()
        ->check(whole(1, 1 << 20));
    cmd->add_option("--requests", in->requests, "On-demand invocations")
        ->capture_default_str()
        ->check(whole(0, kMaxCount));
    cmd->add_option("--duration-ms", in->duration_ms, "Duration of each on-demand invocation (ms)")
        ->capture_default_str()
        ->check(real(0, 1e9));
    cmd->add_option("--arch", *arch, "Architecture: x86_64 or arm64")->capture_default_str();
    cmd->add_option("--ephemeral-mb", in->ephemeral_mb, "Ephemeral storage (/tmp) in MB")
        ->capture_default_str()
        ->check(whole(0, 4'294'967'295ULL));
    cmd->add_flag("--no-free-tier", *no_free, "Do not apply the monthly free tier");
    cmd->add_option("--span-days", *span_days,
                    "Days the usage is over: the monthly free tier and duration tiers apply per "
                    "730-hour month of it, prorated (default: the usage is one month's)")
        ->check(positive(1e6));
    cmd->add_option("--provisioned-concurrency", in->provisioned_concurrency,
                    "Provisioned concurrency (environments)")
        ->check(whole(0, 10'000'000));
    cmd->add_option("--provisioned-hours", in->provisioned_hours,
                    "Hours provisioned concurrency is enabled (rounded up to 5 minutes)")
        ->check(real(0, 1e6));
    cmd->add_option("--provisioned-requests", in->provisioned_requests,
                    "Invocations served by provisioned concurrency")
        ->check(whole(0, kMaxCount));
    cmd->add_option("--provisioned-duration-ms", in->provisioned_duration_ms,
                    "Duration of each of those invocations (ms)")
        ->check(real(0, 1e9));
    add_common(cmd, *c);
    cmd->callback([c, in, arch, no_free, span_days] {
      auto ctx = context(*c);
      ctx.options.free_tier = !*no_free;
      if (*span_days > 0) ctx.options.span_s = *span_days * 86'400;
      {
        // The settings a function has go through the one Lambda validator first: the same rule
        // and message as `simulate`, a scenario file and Python.
        LambdaFunctionConfig f;
        f.memory_mb = in->memory_mb;
        f.ephemeral_mb = in->ephemeral_mb;
        try {
          set_lambda_choice(f, "arch", *arch);
          in->arch = f.arch;
          validate_lambda_function(f, *ctx.rc, ctx.options.as_of);
        } catch (const ConfigError& e) {
          throw UsageError(flag_message(flag_of(e.key()), e.key(), e.message()));
        }
      }
      Usage u;
      u.lambda.push_back(usage_of([&] { return lambda_usage(*ctx.rc, *in, ctx.options.as_of); }));
      finish(ctx, *c, u, "lambda");
    });
  }
  // ---- fargate ----
  {
    auto* cmd = price->add_subcommand("fargate", "Fargate tasks (per second, one-minute minimum)");
    auto c = std::make_shared<Common>();
    auto in = std::make_shared<FargatePriceInput>();
    auto arch = std::make_shared<std::string>("x86_64");
    auto spot_pct = std::make_shared<std::optional<double>>();
    cmd->add_option("--vcpu", in->vcpu, "Task vCPU (0.25, 0.5, 1, 2, 4, 8, 16)")
        ->required()
        ->check(positive(1024));
    cmd->add_option("--memory-gb", in->memory_gb, "Task memory (GB)")
        ->required()
        ->check(positive(1e6));
    cmd->add_option("--tasks", in->tasks, "Number of task runs")
        ->capture_default_str()
        ->check(whole(0, kMaxCount));
    cmd->add_option("--task-seconds", in->task_seconds, "Running time of each task (s)")
        ->capture_default_str()
        ->check(real(0, 1e9));
    cmd->add_option("--storage-gb", in->storage_gb, "Ephemeral storage per task (GB; 20 included)")
        ->capture_default_str()
        ->check(real(0, 1e6));
    cmd->add_option("--arch", *arch, "Architecture")
        ->check(CLI::IsMember({"x86_64", "arm64"}))
        ->capture_default_str();
    cmd->add_flag("--spot", in->spot, "Fargate Spot");
    cmd->add_option("--spot-discount-pct", *spot_pct,
                    "Fargate Spot discount in percent, with --spot (default: a typical 67.04; "
                    "AWS's ceiling is 70)")
        ->check(real(0, 100));
    add_common(cmd, *c);
    cmd->callback([c, in, arch, spot_pct] {
      auto ctx = context(*c);
      in->arch = parse_arch(*arch);
      usage_of([&] {
        validate_spot_discount(*ctx.rc, "fargate", in->spot, *spot_pct, ctx.options.as_of);
        return 0;
      });
      ctx.options.fargate_spot_discount_pct = *spot_pct;
      // Fargate Spot on arm64 from its launch (rule fargate.spot_arm64_available): the flag named.
      if (in->spot && in->arch == Arch::kArm64 &&
          ctx.rc->rule_or("fargate.spot_arm64_available", ctx.options.as_of, 1) == 0) {
        throw UsageError(fmt::format(
            "--spot: Fargate Spot on arm64 is not available on {} (launched 2024-09-06): use "
            "--arch x86_64 or leave out --spot",
            ctx.options.as_of.str()));
      }
      Usage u;
      u.fargate.push_back(usage_of([&] { return fargate_usage(*ctx.rc, *in, ctx.options.as_of); }));
      finish(ctx, *c, u, "fargate");
    });
  }
  // ---- ec2 ----
  {
    auto* cmd = price->add_subcommand(
        "ec2", "EC2 instances (ECS on EC2, AWS Batch; per second, 60 s minimum)");
    auto c = std::make_shared<Common>();
    auto in = std::make_shared<Ec2PriceInput>();
    auto spot_pct = std::make_shared<std::optional<double>>();
    cmd->add_option("--instance-type", in->instance_type, "Instance type, e.g. m5.large")
        ->required();
    cmd->add_option("--instances", in->instances, "Number of instances")
        ->capture_default_str()
        ->check(whole(0, kMaxCount));
    cmd->add_option("--hours", in->hours, "Running time of each instance (hours)")
        ->capture_default_str()
        ->check(real(0, 1e6));
    cmd->add_flag("--spot", in->spot, "Spot instances");
    cmd->add_option("--spot-discount-pct", *spot_pct,
                    "EC2 Spot discount in percent, with --spot (default: a typical 64; AWS's "
                    "ceiling is 90)")
        ->check(real(0, 100));
    add_common(cmd, *c);
    cmd->callback([c, in, spot_pct] {
      auto ctx = context(*c);
      usage_of([&] {
        validate_spot_discount(*ctx.rc, "ec2", in->spot, *spot_pct, ctx.options.as_of);
        return 0;
      });
      ctx.options.ec2_spot_discount_pct = *spot_pct;
      Usage u;
      u.ec2.push_back(
          usage_of([&] { return ec2_usage(*ctx.rc, *in, ctx.options.as_of, ctx.options.region); }));
      finish(ctx, *c, u, "ec2");
    });
  }
}

}  // namespace slsim::cli
