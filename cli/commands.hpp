#pragma once
// Subcommand registration. Each command parses its own options and prints through output.hpp.

#include <CLI/CLI.hpp>

// The bundled default scenario; CMake sets the absolute path of examples/default.toml.
#ifndef SLSIM_DEFAULT_SCENARIO
#define SLSIM_DEFAULT_SCENARIO "examples/default.toml"
#endif

namespace slsim::cli {

void add_report_command(CLI::App& app);
void add_trace_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_price_command(CLI::App& app);
void add_simulate_command(CLI::App& app);

}  // namespace slsim::cli
