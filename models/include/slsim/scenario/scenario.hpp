#pragma once
/// Scenario files (TOML): what to simulate, when (`as_of`), where (`region`) and with which seed.
///
/// ```toml
/// name = "default"
/// seed = 42
/// as_of = "2026-11-01"
/// region = "us-east-1"
/// functions = ["api"]            # optional: simulate only these functions (default: all)
/// [workload]
/// trace = "trace.csv"            # a trace (slsim CSV, Azure 2019/2021), relative to this file
/// generator = "poisson"          # or a generator: poisson, diurnal, bursty, azure-like
/// ```

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "slsim/batch/batch_options.hpp"
#include "slsim/compare/report_settings.hpp"
#include "slsim/containers/service.hpp"
#include "slsim/lambda/lambda.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/pricing/date.hpp"
#include "slsim/workload/generators.hpp"
#include "slsim/workload/mix_source.hpp"
#include "slsim/workload/trace_io.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

/// A scenario file that cannot be used: names the file, the key (or line) and what is allowed.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WorkloadSpec {
  /// kNone: no [workload] table; the scenario's workloads are its [[workloads]] entries only
  /// (a nightly `schedule` on its own, say).
  enum class Kind { kTrace, kGenerator, kNone } kind = Kind::kGenerator;
  std::string trace_path;  ///< kTrace: resolved path of the trace
  TraceOptions trace;      ///< kTrace: format, companion files, selection
  /// kTrace: trace.seed (Azure 2019 expansion) came from `--trace-seed` and stays fixed;
  /// otherwise each run seeds the expansion with its own seed.
  bool fixed_trace_seed = false;
  GeneratorSpec generator;  ///< kGenerator
};

struct Scenario {
  std::string file;  ///< where it was loaded from ("" when built in code)
  std::string name = "scenario";
  std::string description;
  std::uint64_t seed = 1;
  Date as_of;  ///< defaults to today when the file has none
  std::string region = "us-east-1";
  WorkloadSpec workload;
  /// The [lambda] table: defaults, per-function overrides, account settings. as_of, region and
  /// seed are copied from the scenario.
  LambdaOptions lambda;
  /// The [batch] table (AWS Batch): job definitions, queues, compute environments. as_of, region
  /// and seed are copied from the scenario.
  BatchOptions batch;
  /// The [ecs] and [fargate] tables (defaults when absent); as_of, region and seed copied.
  EcsOptions ecs;
  FargateOptions fargate;
  /// The [lambda_managed] and [ecs_managed] tables (Lambda and ECS Managed Instances; defaults
  /// when absent); as_of, region and seed copied.
  LambdaManagedOptions lambda_managed;
  EcsManagedOptions ecs_managed;
  /// [[workloads]]: more workloads replayed together with [workload] (a mixed system).
  std::vector<MixEntry> more_workloads;
  /// [report]: what `slsim report` compares and against which objectives.
  ReportSettings report;
  /// The functions to simulate (empty: every function): the top-level `functions` key,
  /// `--functions`. Applies to the whole workload ([workload] and every [[workloads]] entry);
  /// per-function tables naming other functions are ignored for the run (restrict_to_functions).
  std::vector<std::string> functions;
};

/// Loads and validates a scenario file (every platform configuration through its one validator).
/// Throws ScenarioError naming the file, the table and the key.
Scenario load_scenario(const std::string& path);

/// `load_scenario` of a file's text: `text` read as if it were the file `path` (errors name
/// `path`; relative paths in it are resolved from `path`'s folder). The one gate for a scenario
/// changed in Python (slsim.Scenario) before it runs.
Scenario load_scenario_text(const std::string& text, const std::string& path);

/// The message of a configuration error found in the scenario file `path`:
/// "FILE: [TABLE.functions.api] reserved_concurrency: ..." (`table`: the platform's table).
std::string config_error_in_file(const ConfigError& e, const std::string& path,
                                 const std::string& table = "lambda");

/// A factory that opens the scenario's workload (each call gives a fresh stream).
SourceFactory workload_factory(const Scenario& s);

/// Opens the scenario's workload as a stream.
std::unique_ptr<WorkloadSource> open_workload(const Scenario& s);

// ---- selecting functions (issue 20) ----------------------------------------------------------
// A run of part of a system keeps some functions of the workload and ignores the tables that
// name the others. The order of use: `function_names(workload_factory(unselected(s)))` gives
// every function (one pass); a name the user selected or a table names must be one of them (a
// typo is an error: check_selected_names, check_*_functions_exist); then
// `restrict_to_functions(s, selected_functions(s, all))` drops what the run does not need.

/// `s` with every selection by name taken off: `functions`, and a lone trace's `functions` and
/// `top_n` (a trace's time window and scale stay; a trace in a mix keeps its own selection).
Scenario unselected(const Scenario& s);

/// The functions of `all` (every function of the workload, from `unselected`) that the
/// scenario's selection keeps, in the order of `all`: `functions`, and for a trace its
/// `functions` and `top_n` (top_n needs one streaming pass of the selected workload).
std::vector<std::string> selected_functions(const Scenario& s, const std::vector<std::string>& all);

/// Throws ConfigError("functions", ...) naming the first of `wanted` that is not one of `all`
/// (the workload's functions, listed in the message).
void check_selected_names(const std::vector<std::string>& wanted,
                          const std::vector<std::string>& all);

/// Drops what names functions outside `keep` for this run: [lambda.functions.X],
/// [batch.functions.X], and from [ecs]/[fargate] services the functions outside `keep` (a
/// service left with none is dropped; a service without a functions list serves the function
/// it is named after); parts and their objectives, pins and exclusions likewise
/// (restrict_parts). Nothing is dropped for a function of `keep`.
void restrict_to_functions(Scenario& s, const std::vector<std::string>& keep);

}  // namespace slsim
