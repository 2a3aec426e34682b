#pragma once
// The comparison commands: report (in report_command.cpp), breakeven, tune lambda and diff.

#include <CLI/CLI.hpp>

namespace slsim::cli {

void add_breakeven_command(CLI::App& app);
void add_tune_command(CLI::App& app);
void add_diff_command(CLI::App& app);

}  // namespace slsim::cli
