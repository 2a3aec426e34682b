#include "trace_options.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <vector>

#include "cli_support.hpp"
#include "containers_options.hpp"
#include "slsim/lambda/lambda_config.hpp"
#include "slsim/workload/trace_error.hpp"
#include "slsim/workload/workload_filter.hpp"

namespace slsim::cli {

StdinCopy::StdinCopy() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path tmp = fs::temp_directory_path(ec);
  if (ec) tmp = "/tmp";
  std::string templ = (tmp / "slsim-stdin-XXXXXX").string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) {
    throw OutputError(fmt::format("cannot copy standard input to a temporary directory in {}: {}",
                                  tmp.string(), std::strerror(errno)));
  }
  dir_ = buf.data();
  // Named so that a trace error reads "/tmp/slsim-stdin-XXXXXX/standard-input:LINE:COL: ...".
  path_ = dir_ + "/standard-input";
  std::FILE* out = std::fopen(path_.c_str(), "wb");
  bool ok = out != nullptr;
  std::vector<char> chunk(1 << 16);
  std::uint64_t total = 0;
  while (ok) {
    const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), stdin);
    total += n;
    if (n > 0 && std::fwrite(chunk.data(), 1, n, out) != n) ok = false;
    if (n < chunk.size()) break;
  }
  if (std::ferror(stdin)) ok = false;
  const int err = errno;
  if (out && std::fclose(out) != 0) ok = false;
  if (!ok) {
    fs::remove_all(dir_, ec);
    throw OutputError(
        fmt::format("cannot copy standard input to {}: {}", path_, std::strerror(err)));
  }
  if (total == 0) {  // as the readers say it, naming standard input rather than the copy
    fs::remove_all(dir_, ec);
    throw TraceError("-", 1, 1, "empty input: no header to tell the format from");
  }
}

StdinCopy::~StdinCopy() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TraceArgs::readable_path() const {
  if (path != "-" && path != "/dev/stdin") return path;
  if (!stdin_copy) stdin_copy = std::make_shared<StdinCopy>();
  return stdin_copy->path();
}

bool TraceArgs::given(const char* flag) const {
  const auto* o = cmd ? cmd->get_option_no_throw(flag) : nullptr;
  return o && o->count() > 0;
}

void add_trace_args(CLI::App* cmd, TraceArgs& a, bool trace_required) {
  a.cmd = cmd;
  auto* t = cmd->add_option("trace", a.path,
                            "Trace file ('-' = standard input, copied once to a temporary file): "
                            "slsim CSV, Azure 2021 "
                            "(app,func,end_timestamp,duration), Azure 2019 "
                            "invocations_per_function, or Lambda logs (REPORT lines)");
  if (trace_required) t->required();
  cmd->add_option("--trace-format", a.format, "Trace format (default: from the header)")
      ->check(CLI::IsMember({"auto", "slsim", "azure2021", "azure2019", "lambda-logs"}));
  cmd->add_option(
      "--log-group", a.log_group,
      "Lambda logs: the log group they came from (/aws/lambda/NAME names the function)");
  cmd->add_option("--function-name", a.function_name,
                  "Lambda logs: the function's name (default: from --log-group, else the file "
                  "name)");
  cmd->add_option("--durations", a.durations, "Azure 2019: function_durations_percentiles file");
  cmd->add_option("--memory", a.memory, "Azure 2019: app_memory_percentiles file");
  cmd->add_option("--default-duration-ms", a.default_duration_ms,
                  "Azure 2019: duration for functions without percentiles (number or "
                  "distribution)");
  cmd->add_option("--trace-memory-mb", a.memory_mb, "Memory for invocations the trace gives none")
      ->check(whole(0, 1 << 20));
  cmd->add_option("--trace-seed", a.seed, "Seed for expanding Azure 2019 counts")
      ->capture_default_str()
      ->check(whole(0, 9'223'372'036'854'775'807ULL));
  cmd->add_option("--sort-buffer-rows", a.sort_buffer_rows,
                  "Azure 2021, Lambda logs: rows held to put arrivals in order")
      ->capture_default_str()
      ->check(whole(1, 1'000'000'000));
  cmd->add_option("--functions", a.functions,
                  "Keep only these functions (comma-separated) of the workload, whatever it is "
                  "(a trace, a generator, [[workloads]]); tables naming the others are ignored "
                  "for the run")
      ->delimiter(',');
  cmd->add_option("--start-s", a.start_s, "Keep arrivals at or after this time (s)")
      ->check(real(0, 9e12));
  cmd->add_option("--end-s", a.end_s, "Keep arrivals before this time (s)")->check(positive(9e12));
  cmd->add_option("--span-s", a.span_s,
                  "The period the trace stands for (s), from its time 0: a nightly batch whose "
                  "jobs arrive within minutes is one day, 86400 (default: to the last arrival); "
                  "costs are projected to a month over it");
  cmd->add_option("--top", a.top, "Keep the N functions with most invocations")
      ->check(whole(0, 1'000'000'000));
  cmd->add_flag(
      "--skip-bad-rows", a.skip_bad_rows,
      "Skip malformed rows (slsim CSV, Azure 2021, Lambda logs) and report how many, instead of "
      "failing");
  cmd->add_option("--time-scale", a.time_scale,
                  "Replay K times faster (K > 0; times must stay within 100 years)")
      ->check(positive(1e9));
}

SourceFactory make_trace_factory(const TraceArgs& a) {
  TraceOptions o;
  o.format = parse_trace_format(a.format);
  o.durations_path = a.durations;
  o.memory_path = a.memory;
  o.memory_mb = a.memory_mb;
  o.seed = a.seed;
  o.sort_buffer_rows = a.sort_buffer_rows;
  o.skip_bad_rows = a.skip_bad_rows;
  o.function = a.function_name;
  o.log_group = a.log_group;
  if (!a.default_duration_ms.empty())
    o.default_duration_ms = Distribution::parse(a.default_duration_ms);
  o.select.functions = a.functions;
  o.select.start_s = a.start_s;
  o.select.end_s = a.end_s < 0 ? std::numeric_limits<double>::infinity() : a.end_s;
  o.select.top_n = a.top;
  o.select.time_scale = a.time_scale;
  if (a.given("--span-s")) o.select.span_s = a.span_s;
  return trace_factory(a.readable_path(), o);
}

namespace {

// The trace flags, each with the [workload] key a generator has for the same purpose ("" when
// none): what a refusal suggests instead.
struct TraceFlag {
  const char* flag;
  const char* generator_key;
};
constexpr TraceFlag kTraceFlags[] = {
    {"--trace-format", ""},
    {"--log-group", ""},
    {"--function-name", "function"},
    {"--durations", ""},
    {"--memory", ""},
    {"--default-duration-ms", "duration_ms"},
    {"--trace-memory-mb", "memory_mb"},
    {"--trace-seed", ""},
    {"--sort-buffer-rows", ""},
    {"--functions", ""},
    {"--start-s", ""},
    {"--end-s", ""},
    {"--top", ""},
    {"--skip-bad-rows", ""},
    {"--time-scale", "rate_per_s"},
    {"--span-s", "duration_s"},
};

Distribution flag_distribution(const char* flag, const std::string& text) {
  try {
    return Distribution::parse(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("{}: {}", flag, e.what()));
  }
}

// A trace flag given for a format that does not read it (--durations for a slsim CSV) is refused.
void check_trace_flags_apply(const TraceArgs& a, const WorkloadSpec& w) {
  static const std::pair<const char*, const char*> kKeys[] = {
      {"--durations", "durations"},
      {"--memory", "memory"},
      {"--default-duration-ms", "duration_ms"},
      {"--sort-buffer-rows", "sort_buffer_rows"},
      {"--function-name", "function"},
      {"--log-group", "log_group"},
      {"--trace-memory-mb", "memory_mb"},
      {"--skip-bad-rows", "skip_bad_rows"},
      {"--trace-seed", "seed"}};
  TraceFormat format = w.trace.format;
  if (format == TraceFormat::kAuto) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(w.trace_path, ec)) return;  // '-': told when read
    try {
      format = detect_trace_format(w.trace_path);
    } catch (const std::exception&) {
      return;  // the reader explains an empty or unreadable file
    }
  }
  for (const auto& [flag, key] : kKeys) {
    if (!a.given(flag)) continue;
    const auto formats = trace_setting_formats(key);
    if (formats.empty() || std::find(formats.begin(), formats.end(), format) != formats.end())
      continue;
    std::vector<std::string_view> names;
    for (auto f : formats)
      names.push_back(to_string(f));
    throw UsageError(fmt::format("{}: applies to {} traces only; this trace is {}", flag,
                                 fmt::join(names, " and "), to_string(format)));
  }
}

}  // namespace

void apply_trace_args(const TraceArgs& a, Scenario& s) {
  WorkloadSpec& w = s.workload;
  if (!a.path.empty()) {
    // A TRACE replaces the scenario's workload; every trace flag applies (defaults included).
    w = WorkloadSpec{};
    s.more_workloads.clear();
    w.kind = WorkloadSpec::Kind::kTrace;
    w.trace_path = a.readable_path();
    TraceOptions& o = w.trace;
    try {
      o.format = parse_trace_format(a.format);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--trace-format: {}", e.what()));
    }
    o.durations_path = a.durations;
    o.memory_path = a.memory;
    o.memory_mb = a.memory_mb;
    o.seed = a.given("--trace-seed") ? a.seed : s.seed;
    w.fixed_trace_seed = a.given("--trace-seed");
    o.sort_buffer_rows = a.sort_buffer_rows;
    o.skip_bad_rows = a.skip_bad_rows;
    o.function = a.function_name;
    o.log_group = a.log_group;
    if (!a.default_duration_ms.empty())
      o.default_duration_ms = flag_distribution("--default-duration-ms", a.default_duration_ms);
    o.select.functions = a.functions;
    s.functions = a.functions;
    o.select.start_s = a.start_s;
    o.select.end_s = a.end_s < 0 ? std::numeric_limits<double>::infinity() : a.end_s;
    o.select.top_n = a.top;
    o.select.time_scale = a.time_scale;
    if (a.given("--span-s")) o.select.span_s = a.span_s;
  } else if (w.kind != WorkloadSpec::Kind::kTrace) {
    w.generator.common.seed = s.seed;  // --seed given after the file was read
    // Selecting functions applies to every workload (issue 20): the generator and [[workloads]].
    if (a.given("--functions")) s.functions = a.functions;
    for (const auto& f : kTraceFlags) {
      if (!a.given(f.flag) || std::string_view(f.flag) == "--functions") continue;
      std::string why = fmt::format(
          "{}: the scenario's workload is {}, not a trace file; trace options apply to a trace "
          "(give TRACE, or trace = \"FILE\" in [workload])",
          f.flag,
          w.kind == WorkloadSpec::Kind::kNone
              ? std::string("its [[workloads]] entries")
              : fmt::format("a generator ({})", w.generator.pattern));
      const auto& keys = generator_keys(w.generator.pattern);
      if (*f.generator_key && std::find(keys.begin(), keys.end(), f.generator_key) != keys.end()) {
        why +=
            fmt::format("; the generator's setting for this is {} in [workload]", f.generator_key);
      } else if (std::string_view(f.flag) == "--trace-seed") {
        why += "; --seed seeds the generator";
      }
      throw UsageError(why);
    }
    return;
  } else {
    // The scenario's trace: a flag the user gave overrides its [workload] key.
    TraceOptions& o = w.trace;
    if (a.given("--trace-format")) {
      try {
        o.format = parse_trace_format(a.format);
      } catch (const std::invalid_argument& e) {
        throw UsageError(fmt::format("--trace-format: {}", e.what()));
      }
    }
    if (a.given("--durations")) o.durations_path = a.durations;
    if (a.given("--memory")) o.memory_path = a.memory;
    if (a.given("--trace-memory-mb")) o.memory_mb = a.memory_mb;
    if (a.given("--trace-seed")) {
      o.seed = a.seed;
      w.fixed_trace_seed = true;
    } else if (!w.fixed_trace_seed) {
      o.seed = s.seed;  // --seed given after the file was read
    }
    if (a.given("--sort-buffer-rows")) o.sort_buffer_rows = a.sort_buffer_rows;
    if (a.given("--skip-bad-rows")) o.skip_bad_rows = a.skip_bad_rows;
    if (a.given("--function-name")) o.function = a.function_name;
    if (a.given("--log-group")) o.log_group = a.log_group;
    if (a.given("--default-duration-ms"))
      o.default_duration_ms = flag_distribution("--default-duration-ms", a.default_duration_ms);
    if (a.given("--functions")) {
      o.select.functions = a.functions;
      s.functions = a.functions;  // [[workloads]] too
    }
    if (a.given("--start-s")) o.select.start_s = a.start_s;
    if (a.given("--end-s")) o.select.end_s = a.end_s;
    if (a.given("--top")) o.select.top_n = a.top;
    if (a.given("--time-scale")) o.select.time_scale = a.time_scale;
    if (a.given("--span-s")) o.select.span_s = a.span_s;
    // The window mixes the file's keys and the flags: name the flag that makes it empty.
    if (!(o.select.end_s > o.select.start_s)) {
      const bool end_flag = a.given("--end-s");
      throw UsageError(fmt::format(
          "{}: the window [{:g}, {:g}) s is empty: end_s must be after start_s{}",
          end_flag ? "--end-s" : "--start-s", o.select.start_s, o.select.end_s,
          end_flag && a.given("--start-s") ? "" : " (the other end comes from the scenario file)"));
    }
  }
  check_trace_flags_apply(a, w);
}

void select_functions(const TraceArgs& a, Scenario& s, const std::set<std::string>& tables,
                      bool force,
                      const std::function<void(const std::vector<std::string>&)>& also) {
  const bool names_lambda = tables.count("lambda") && !s.lambda.functions.empty();
  const bool names_ecs = tables.count("ecs") && !s.ecs.services.empty();
  const bool names_fargate = tables.count("fargate") && !s.fargate.services.empty();
  const bool names_batch = tables.count("batch") && !s.batch.functions.empty();
  const bool names_lambda_managed =
      tables.count("lambda-managed") && !s.lambda_managed.services.empty();
  const bool names_ecs_managed = tables.count("ecs-managed") && !s.ecs_managed.services.empty();
  const auto& sel = s.workload.trace.select;
  const bool lone_trace = s.workload.kind == WorkloadSpec::Kind::kTrace && s.more_workloads.empty();
  const bool selecting =
      !s.functions.empty() || (lone_trace && (!sel.functions.empty() || sel.top_n > 0));
  if (!(selecting || force || names_lambda || names_ecs || names_fargate || names_batch ||
        names_lambda_managed || names_ecs_managed))
    return;
  const auto all = function_names(workload_factory(unselected(s)));
  if (a.given("--functions")) {
    check_selected_functions(a, all);
  } else {
    try {
      check_selected_names(s.functions, all);  // the scenario's top-level functions
    } catch (const ConfigError& e) {
      throw UsageError(fmt::format("{}: functions: {}", s.file, e.message()));
    }
  }
  const char* table = "";
  try {
    table = "lambda";
    if (names_lambda) check_lambda_functions_exist(s.lambda, all);
    table = "ecs";
    if (names_ecs) check_container_functions_exist(s.ecs, all);
    table = "fargate";
    if (names_fargate) check_container_functions_exist(s.fargate, all);
    table = "batch";
    if (names_batch) check_batch_functions_exist(s.batch, all);
    table = "lambda_managed";
    if (names_lambda_managed) check_container_functions_exist(s.lambda_managed, all);
    table = "ecs_managed";
    if (names_ecs_managed) check_container_functions_exist(s.ecs_managed, all);
  } catch (const ConfigError& e) {
    throw UsageError(names_error_in_file(e, s.file, table));
  }
  if (also) also(all);
  if (selecting) restrict_to_functions(s, selected_functions(s, all));
}

std::vector<std::string> invoked_functions(const SourceFactory& open) {
  auto src = open();
  std::vector<bool> seen;
  Invocation inv;
  while (src->next(inv)) {
    if (inv.function >= seen.size()) seen.resize(inv.function + 1, false);
    seen[inv.function] = true;
  }
  std::vector<std::string> names;
  for (FunctionId id = 0; id < seen.size(); ++id)
    if (seen[id]) names.push_back(src->functions()[id].name);
  return names;
}

void check_selected_functions(const TraceArgs& a, const std::vector<std::string>& names) {
  for (const auto& f : a.functions) {
    if (std::find(names.begin(), names.end(), f) == names.end()) {
      const std::size_t shown = std::min<std::size_t>(names.size(), 10);
      throw UsageError(fmt::format(
          "--functions: the workload has no function '{}' in the selected window; its "
          "functions: {}{}",
          f,
          shown == 0 ? std::string("(none)")
                     : fmt::format("{}", fmt::join(names.begin(), names.begin() + shown, ", ")),
          names.size() > shown ? fmt::format(" and {} more", names.size() - shown)
                               : std::string()));
    }
  }
}

}  // namespace slsim::cli
