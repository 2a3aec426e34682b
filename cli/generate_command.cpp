// `slsim generate`: write a synthetic workload as slsim CSV.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli_support.hpp"
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
      ->check(positive(1e9))
      ->capture_default_str();
  cmd->add_option("--duration-s", c.duration_s, "Length of the trace (s)")
      ->check(positive(3.2e9))
      ->capture_default_str();
  cmd->add_option("--duration-ms", *duration,
                  "Work per invocation (ms): a number or e.g. 'lognormal(median=120,p99=900)'")
      ->capture_default_str();
  cmd->add_option("--memory-mb", c.memory_mb, "Memory per invocation (MB; 0 = platform default)")
      ->check(whole(0, 1 << 20));
  cmd->add_option("--function", c.function, "Function name")->capture_default_str();
  cmd->add_option("--invocation", *invocation, "Invocation type")
      ->check(CLI::IsMember({"sync", "async", "queue"}))
      ->capture_default_str();
  cmd->add_option("--seed", c.seed, "Random seed (0 to 9,223,372,036,854,775,807)")
      ->capture_default_str()
      ->check(whole(0, 9'223'372'036'854'775'807ULL));
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
      ->capture_default_str()
      ->check(whole(1, 10'000'000));
  cmd->add_option("--rate-sigma", spec->rate_sigma, "azure-like: log-normal spread of rates")
      ->capture_default_str();
  cmd->add_option("--duration-sigma", spec->duration_sigma,
                  "azure-like: log-normal spread of durations within a function")
      ->capture_default_str();
  cmd->add_option("-o,--output", *out, "Output file ('-' = standard output)")
      ->capture_default_str();
  cmd->callback([cmd, spec, duration, invocation, out] {
    // A flag the pattern does not read is refused, as the same key is in a scenario file: one
    // list of each generator's keys (generator_keys) is the gate.
    const auto& keys = generator_keys(spec->pattern);
    for (const auto* opt : cmd->get_options()) {
      if (opt->count() == 0) continue;
      const std::string name = opt->get_name();
      if (name.rfind("--", 0) != 0 || name == "--pattern" || name == "--seed" || name == "--output")
        continue;
      std::string key = name.substr(2);
      for (auto& ch : key)
        if (ch == '-') ch = '_';
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
      std::string flags;
      for (const auto& k : keys) {
        std::string f = "--" + k;
        for (auto& ch : f)
          if (ch == '_') ch = '-';
        flags += (flags.empty() ? "" : ", ") + f;
      }
      throw UsageError(fmt::format("{}: is not a setting of this generator; --pattern {} reads {}",
                                   name, spec->pattern, flags));
    }
    try {
      spec->common.duration_ms = Distribution::parse(*duration);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--duration-ms: ") + e.what());
    }
    spec->common.type = *parse_invocation_type(*invocation);
    std::unique_ptr<WorkloadSource> source;
    try {
      source = make_generator(*spec);
    } catch (const ConfigError& e) {
      // The one validator names the setting by its public name: the flag is its spelling.
      throw UsageError(flag_of(e.key()) + ": " + e.message());
    } catch (const std::invalid_argument& e) {
      // The generator names the setting first ("duration_ms ...", "peak_hour must ...").
      std::string what = e.what();
      const auto sp = what.find(' ');
      std::string key = what.substr(0, sp);
      for (auto& ch : key)
        if (ch == '_') ch = '-';
      if (sp != std::string::npos &&
          key.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string::npos)
        throw UsageError("--" + key + ": " + what.substr(sp + 1));
      throw UsageError(what);
    }
    std::uint64_t n = 0;
    if (*out == "-") {
      n = write_csv(*source, stdout);
      std::fflush(stdout);
      if (std::ferror(stdout)) throw OutputError("cannot write to standard output");
    } else {
      write_via_temp(*out, [&](const std::string& tmp) { n = write_csv(*source, tmp); });
      std::cerr << "slsim: wrote " << n << " invocations to " << *out << "\n";
    }
  });
}

}  // namespace slsim::cli
