// slsim command-line tool: argument parsing and dispatch only; the work is in the library.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"
#include "compare_commands.hpp"
#include "slsim/core/version.hpp"
#include "slsim/scenario/scenario.hpp"
#include "slsim/workload/trace_error.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "slsim: what a workload would cost and how it would perform on AWS Lambda, ECS "
      "on EC2, Fargate and AWS Batch"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(slsim::version()));
  slsim::cli::add_report_command(app);
  slsim::cli::add_trace_command(app);
  slsim::cli::add_generate_command(app);
  slsim::cli::add_price_command(app);
  slsim::cli::add_simulate_command(app);
  slsim::cli::add_breakeven_command(app);
  slsim::cli::add_tune_command(app);
  slsim::cli::add_diff_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // 3: a --fail-above-* threshold was breached
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const slsim::TraceError& e) {
    std::cerr << "slsim: error: " << e.what() << "\n";
    return 2;
  } catch (const slsim::ScenarioError& e) {
    std::cerr << "slsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "slsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "slsim: error: " << e.what() << "\n";
    return 1;  // runtime errors (and internal ones) never share 3 with a breached threshold
  }
  return 0;
}
