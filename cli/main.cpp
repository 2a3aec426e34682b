// slsim command-line tool: argument parsing and dispatch only; the work is in the library.
//
// Exit codes: 0 success; 2 a usage, input or configuration error (the argument parser's own
// included); 1 a runtime failure (an output that cannot be written, an internal error); 3 is
// reserved for a breached threshold (a command that checks one says so).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstring>
#include <functional>
#include <iostream>

#include "cli_support.hpp"
#include "commands.hpp"
#include "compare_commands.hpp"
#include "slsim/core/version.hpp"
#include "slsim/pricing/pricing.hpp"
#include "slsim/scenario/scenario.hpp"
#include "slsim/workload/trace_error.hpp"

namespace {

constexpr int kOk = 0, kFailure = 1, kUsage = 2;

int error(const std::string& what, int code) {
  std::cerr << "slsim: error: " << what << "\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "slsim: what a workload would cost and how it would perform on AWS Lambda, ECS "
      "on EC2, Fargate and AWS Batch"};
  app.name("slsim");
  app.require_subcommand(1);
  app.set_version_flag("--version", "slsim " + std::string(slsim::version()),
                       "Print the version and exit");
  slsim::cli::add_report_command(app);
  slsim::cli::add_trace_command(app);
  slsim::cli::add_generate_command(app);
  slsim::cli::add_price_command(app);
  slsim::cli::add_simulate_command(app);
  slsim::cli::add_breakeven_command(app);
  slsim::cli::add_tune_command(app);
  slsim::cli::add_diff_command(app);
  if (argc == 1) {  // `slsim` alone: the help
    std::cout << app.help();
    return kOk;
  }
  if (argv[1][0] != '-') {
    try {
      app.get_subcommand(argv[1]);
    } catch (const CLI::OptionNotFound&) {
      return error(
          std::string("unknown command '") + argv[1] +
              "'; commands: report, simulate, breakeven, tune, diff, price, generate, trace "
              "(slsim --help)",
          kUsage);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // 3: a --fail-above-* threshold was breached
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RequiredError& e) {
    // A command given without its subcommand ("slsim price"): say which ones exist.
    CLI::App* cur = &app;
    while (!cur->get_subcommands().empty())
      cur = cur->get_subcommands().back();
    const std::function<bool(CLI::App*)> all = [](CLI::App*) { return true; };
    const auto subs = cur->get_subcommands(all);
    if (cur != &app && !subs.empty() && cur->get_subcommands().empty() &&
        std::string(e.what()).find("subcommand") != std::string::npos) {
      std::string names;
      for (const auto* sub : subs)
        names += (names.empty() ? "" : ", ") + sub->get_name();
      std::string path;  // "price", "trace": the command line to ask for help with
      for (const CLI::App* p = cur; p && p != &app; p = p->get_parent())
        path = p->get_name() + (path.empty() ? "" : " " + path);
      return error(fmt::format("{}: a subcommand is required: {} (slsim {} --help)",
                               cur->get_name(), names, path),
                   kUsage);
    }
    return error(e.what(), kUsage);
  } catch (const CLI::ParseError& e) {
    return error(std::string(e.what()) + " (see --help)", kUsage);
  } catch (const slsim::cli::OutputError& e) {
    return error(e.what(), kFailure);
  } catch (const slsim::TraceError& e) {
    return error(e.what(), kUsage);
  } catch (const slsim::ScenarioError& e) {
    return error(e.what(), kUsage);
  } catch (const slsim::ConfigError& e) {
    // Found while running: name the flag when the user gave it, else the setting.
    const std::string flag = slsim::cli::flag_of(e.key());
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (!e.key().empty() && (arg == flag || arg.rfind(flag + "=", 0) == 0))
        return error(flag + ": " + e.message(), kUsage);
    }
    return error(e.what(), kUsage);
  } catch (const std::invalid_argument& e) {  // PricingError, UsageError, ...
    return error(e.what(), kUsage);
  } catch (const std::exception& e) {
    std::cerr << "slsim: internal error: " << e.what() << "\n";
    return kFailure;
  }
  return kOk;
}
