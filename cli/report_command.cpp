// `slsim report`: the main job on a scenario: the workload summary and each platform's result
// (today AWS Lambda; ECS on EC2, Fargate and Batch are added as their models land).
#include <fmt/format.h>

#include <iostream>

#include "commands.hpp"
#include "lambda_output.hpp"
#include "output.hpp"
#include "slsim/scenario/scenario.hpp"
#include "workload_summary.hpp"

namespace slsim::cli {

void add_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Cost and performance report for a scenario");
  auto scenario = std::make_shared<std::string>(SLSIM_DEFAULT_SCENARIO);
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--scenario,-s", *scenario, "Scenario file (TOML)")->capture_default_str();
  cmd->add_option("--format", *format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown"}));
  cmd->callback([scenario, format] {
    const Scenario s = load_scenario(*scenario);
    auto workload = open_workload(s);
    const TraceSummary summary = summarize(*workload);
    auto again = open_workload(s);
    const LambdaResult lambda = simulate_lambda(*again, s.lambda);
    const auto f = parse_format(*format);
    if (f == Format::kJson) {
      write_json(std::cout, {{"scenario",
                              {{"name", s.name},
                               {"file", s.file},
                               {"as_of", s.as_of.str()},
                               {"region", s.region},
                               {"seed", s.seed}}},
                             {"workload", summary_json(summary)},
                             {"platforms", {{"lambda", nlohmann::json::parse(lambda.to_json())}}}});
      return;
    }
    Table head{fmt::format("slsim report: {}", s.name),
               {{"scenario", "value"},
                {"file", s.file},
                {"as of", s.as_of.str()},
                {"region", s.region},
                {"seed", fmt::format("{}", s.seed)}}};
    if (!s.description.empty()) head.rows.push_back({"description", s.description});
    auto tables = summary_tables(summary);
    tables.insert(tables.begin(), head);
    for (auto& t : lambda_tables(lambda))
      tables.push_back(std::move(t));
    write_tables(std::cout, tables, f);
  });
}

}  // namespace slsim::cli
