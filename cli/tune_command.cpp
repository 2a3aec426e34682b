// `slsim tune lambda`: the Lambda memory sweep (like AWS Lambda Power Tuning) from a trace.
#include <fmt/format.h>

#include "compare_args.hpp"
#include "compare_commands.hpp"
#include "report_output.hpp"

namespace slsim::cli {

void add_tune_command(CLI::App& app) {
  auto* tune = app.add_subcommand("tune", "Find a platform's best configuration");
  tune->require_subcommand(1);
  auto* cmd = tune->add_subcommand(
      "lambda",
      "Try each Lambda memory size on the workload: cost, mean and p99 duration, and the best "
      "by strategy");
  struct Args {
    CompareArgs c;
    std::string memory = "128:10240", strategy = "balanced";
    double weight = 0.5;
  };
  auto a = std::make_shared<Args>();
  add_compare_args(cmd, a->c, /*with_platforms=*/false);
  cmd->add_option("--memory-mb", a->memory,
                  "Memory sizes in MB: MIN:MAX filters Power Tuning's set (128, 256, 512, 1024, "
                  "1536, 2048, 3008, 4096, ... 10240); or a comma-separated list")
      ->capture_default_str();
  cmd->add_option("--strategy", a->strategy,
                  "cost (cheapest), speed (fastest mean), balanced (weighted)")
      ->check(CLI::IsMember({"cost", "speed", "balanced"}))
      ->capture_default_str();
  cmd->add_option("--weight", a->weight,
                  "balanced: weight of cost against speed, 0 (speed only) to 1 (cost only)")
      ->check(number("a weight from 0 (speed only) to 1 (cost only)"))
      ->capture_default_str();
  cmd->callback([a] {
    PreparedCompare p = prepare_compare(a->c, /*need_runners=*/false);
    TuneOptions t;
    try {
      t.strategy = parse_tune_strategy(a->strategy);
      t.balanced_weight = a->weight;
      const auto& m = a->memory;
      auto to_mb = [&](const std::string& s) {
        std::size_t used = 0;
        const long v = std::stol(s, &used);
        if (used != s.size() || v < 1 || v > 1'000'000) throw std::invalid_argument(s);
        return static_cast<std::uint32_t>(v);
      };
      try {
        if (const auto colon = m.find(':'); colon != std::string::npos) {
          t.memory_min_mb = to_mb(m.substr(0, colon));
          t.memory_max_mb = to_mb(m.substr(colon + 1));
        } else {
          std::size_t start = 0;
          while (start <= m.size()) {
            const auto comma = m.find(',', start);
            t.memory_mb.push_back(to_mb(m.substr(start, comma - start)));
            if (comma == std::string::npos) break;
            start = comma + 1;
          }
        }
      } catch (const std::exception&) {
        throw ConfigError("memory_mb", fmt::format("'{}' is not MIN:MAX or a list of sizes in MB "
                                                   "(e.g. 128:10240 or 512,1024,2048)",
                                                   m));
      }
      validate_tune(t);
      Progress progress(a->c.quiet);
      p.options.progress = [&progress](std::size_t d, std::size_t n) { progress(d, n); };
      const TuneResult r = tune_lambda(p.workload, p.scenario.lambda, p.options, t);
      const auto f = parse_report_format(a->c.format);
      emit(a->c.output, render_tune(r, f, f == ReportFormat::kTable && use_colour(a->c.output)));
    } catch (const ConfigError& e) {
      throw std::invalid_argument(fmt::format("{}: {}", flag_of(e.key()), e.message()));
    }
  });
}

}  // namespace slsim::cli
