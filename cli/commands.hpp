#pragma once
// Subcommand registration. Each command parses its own options and prints through output.hpp.

#include <CLI/CLI.hpp>

namespace slsim::cli {

void add_report_command(CLI::App& app);
void add_trace_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_price_command(CLI::App& app);
void add_simulate_command(CLI::App& app);

}  // namespace slsim::cli
