#pragma once
// `slsim simulate --platform ecs|fargate|lambda-managed|ecs-managed`: the container flags (one per
// scenario key, `_` as
// `-`), the run, and the result's tables.

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "output.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/scenario/scenario.hpp"

namespace slsim::cli {

struct ContainerArgs {
  std::map<std::string, std::string> text;                    // values of the flags this file added
  std::map<std::string, bool> flags;                          // booleans
  std::vector<std::pair<std::string, CLI::Option*>> options;  // key -> its option
  bool timeline = false;
  std::vector<std::string> shared;  // keys whose flag another platform also has (--arch)
  /// The settings given on the command line, as (key, text), in flag order.
  std::vector<std::pair<std::string, std::string>> given() const;
  /// The first container-only flag given ("" when none): for other platforms to refuse.
  std::string container_only_flag() const;
};

/// Adds a flag for every container setting to `cmd` (a flag that already exists, such as
/// --arch, is shared): ECS's and Fargate's, and those of the managed platforms (issue 24:
/// --memory-per-vcpu-gb, --min-environments, --max-environments, --scale-in-after-s; Lambda's
/// --memory-mb and --runtime are Lambda Managed Instances' too).
void add_container_options(CLI::App* cmd, ContainerArgs& args);

/// The `--platform`s that have a container setting: ecs and fargate for ECS's keys (Fargate's
/// setter refuses the cluster's), lambda-managed and ecs-managed for their own keys.
std::vector<std::string> container_flag_owners(const std::string& key);
/// The `--platform`s a container setting's flag is passed to: its owners, and the managed
/// platforms for every ECS key (their setter refuses those that are not theirs, saying why).
std::vector<std::string> container_flag_platforms(const std::string& key);

/// The options of `platform` ("ecs", "fargate", "lambda-managed" or "ecs-managed"): the
/// scenario's table, then the flags given
/// (a flag not given never overrides the file). Throws ConfigError naming the flag.
ContainerOptions container_options(const std::string& platform, const Scenario& s,
                                   const ContainerArgs& args);

/// A ConfigError of check_container_functions_exist, check_batch_functions_exist or
/// check_lambda_functions_exist as "FILE: [TABLE.services.NAME] functions: ..." (the table
/// "fargate", "ecs", "batch" or "lambda"); `file` empty: the error's own text.
std::string names_error_in_file(const ConfigError& e, const std::string& file,
                                const std::string& table);

/// The result as the CLI's tables (summary, extra figures, bill), titled after `platform`
/// ("" : the result's own).
std::vector<Table> container_tables(const ContainerResult& r, const std::string& platform = "");

/// Checks that the named services serve functions of the workload (UsageError naming the
/// scenario file), simulates and writes the result (table/csv/markdown, or json: the shared
/// summary shape) to `output` ("" or "-": standard output; a file via a temporary file).
void run_container_simulation(const std::string& platform, const Scenario& s,
                              const SourceFactory& open, const ContainerArgs& args,
                              const std::string& format, const std::string& output = "");

}  // namespace slsim::cli
