// `slsim report`: the main job on a scenario: the workload summary and each platform's result
// (today AWS Lambda; ECS on EC2, Fargate and Batch are added as their models land).
#include <fmt/format.h>

#include <iostream>

#include "cli_support.hpp"
#include "commands.hpp"
#include "lambda_output.hpp"
#include "output.hpp"
#include "slsim/lambda/lambda_config.hpp"
#include "slsim/scenario/scenario.hpp"
#include "workload_summary.hpp"

namespace slsim::cli {

void add_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Cost and performance report for a scenario");
  auto scenario = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  auto output = std::make_shared<std::string>();
  cmd->add_option("--scenario,-s", *scenario,
                  "Scenario file (TOML); default: the bundled default scenario");
  cmd->add_option("--format", *format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}));
  add_output_option(cmd, *output);
  cmd->callback([scenario, format, output] {
    const std::string file = scenario->empty() ? default_scenario() : *scenario;
    const Scenario s = load_scenario(file);
    auto workload = with_progress(open_workload(s));
    const TraceSummary summary = summarize(*workload);
    {
      std::vector<std::string> names;
      for (const auto& f : workload->functions().all())
        names.push_back(f.name);
      try {
        check_lambda_functions_exist(s.lambda, names);
      } catch (const ConfigError& e) {
        throw ScenarioError(config_error_in_file(e, file));
      }
    }
    auto again = with_progress(open_workload(s));
    const LambdaResult lambda = simulate_lambda(*again, s.lambda);
    const auto f = parse_format(*format);
    write_result(*output, [&](std::ostream& os) {
      if (f == Format::kJson) {
        write_json(os, {{"scenario",
                         {{"name", s.name},
                          {"file", s.file},
                          {"as_of", s.as_of.str()},
                          {"region", s.region},
                          {"seed", s.seed}}},
                        {"workload", summary_json(summary)},
                        {"platforms", {{"lambda", lambda_json(lambda, s.lambda)}}}});
        return;
      }
      Table head{fmt::format("slsim report: {}", s.name),
                 {{"scenario", "value"},
                  {"file", s.file},
                  {"as of", s.as_of.str()},
                  {"region", s.region},
                  {"seed", fmt::format("{}", s.seed)}}};
      head.id = "scenario";
      if (!s.description.empty()) head.notes.push_back(s.description);
      auto tables = summary_tables(summary);
      tables.insert(tables.begin(), head);
      for (auto& t : lambda_config_tables(s.lambda))
        tables.push_back(std::move(t));
      for (auto& t : lambda_tables(lambda, s.lambda))
        tables.push_back(std::move(t));
      write_tables(os, tables, f);
    });
  });
}

}  // namespace slsim::cli
