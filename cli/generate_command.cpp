// `slsim generate`: write a synthetic workload as slsim CSV.
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "slsim/workload/generators.hpp"
#include "slsim/workload/invocation.hpp"
#include "slsim/workload/trace_io.hpp"

namespace slsim::cli {

void add_generate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("generate", "Generate a synthetic workload (slsim CSV)");
  auto spec = std::make_shared<GeneratorSpec>();
  auto duration = std::make_shared<std::string>("100");
  auto invocation = std::make_shared<std::string>("sync");
  auto out = std::make_shared<std::string>("-");
  auto& c = spec->common;
  cmd->add_option("--pattern", spec->pattern, "Arrival pattern")
      ->check(CLI::IsMember({"poisson", "diurnal", "bursty", "azure-like"}))
      ->capture_default_str();
  cmd->add_option("--rate-per-s", c.rate_per_s, "Mean arrivals per second")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--duration-s", c.duration_s, "Length of the trace (s)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--duration-ms", *duration,
                  "Work per invocation (ms): a number or e.g. 'lognormal(median=120,p99=900)'")
      ->capture_default_str();
  cmd->add_option("--memory-mb", c.memory_mb, "Memory per invocation (MB; 0 = platform default)");
  cmd->add_option("--function", c.function, "Function name")->capture_default_str();
  cmd->add_option("--invocation", *invocation, "Invocation type")
      ->check(CLI::IsMember({"sync", "async", "queue"}))
      ->capture_default_str();
  cmd->add_option("--seed", c.seed, "Random seed")->capture_default_str();
  cmd->add_option("--peak-to-trough", spec->peak_to_trough, "diurnal: peak rate / trough rate")
      ->capture_default_str();
  cmd->add_option("--peak-hour", spec->peak_hour, "diurnal: hour of the daily peak")
      ->capture_default_str();
  cmd->add_option("--weekend-factor", spec->weekend_factor, "diurnal: weekend rate / weekday")
      ->capture_default_str();
  cmd->add_option("--burst-factor", spec->burst_factor, "bursty: burst rate / calm rate")
      ->capture_default_str();
  cmd->add_option("--burst-fraction", spec->burst_fraction, "bursty: fraction of time in bursts")
      ->capture_default_str();
  cmd->add_option("--mean-burst-s", spec->mean_burst_s, "bursty: mean burst length (s)")
      ->capture_default_str();
  cmd->add_option("--functions", spec->functions, "azure-like: number of functions")
      ->capture_default_str();
  cmd->add_option("--rate-sigma", spec->rate_sigma, "azure-like: log-normal spread of rates")
      ->capture_default_str();
  cmd->add_option("--duration-sigma", spec->duration_sigma,
                  "azure-like: log-normal spread of durations within a function")
      ->capture_default_str();
  cmd->add_option("-o,--output", *out, "Output file ('-' = standard output)")
      ->capture_default_str();
  cmd->callback([spec, duration, invocation, out] {
    spec->common.duration_ms = Distribution::parse(*duration);
    spec->common.type = *parse_invocation_type(*invocation);
    auto source = make_generator(*spec);
    std::uint64_t n = 0;
    if (*out == "-") {
      n = write_csv(*source, stdout);
      std::fflush(stdout);
    } else {
      n = write_csv(*source, *out);
      std::cerr << "slsim: wrote " << n << " invocations to " << *out << "\n";
    }
  });
}

}  // namespace slsim::cli
