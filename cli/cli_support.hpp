#pragma once
// What every command shares: strict number validators for flags, the usage error, writing a
// result to standard output or to a file (via a temporary file and a rename), progress on a
// terminal, and naming the flag a configuration error came from.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "slsim/platform/config_error.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim::cli {

/// A usage or input error found by the command line itself (exit 2).
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A result could not be written (exit 1).
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A whole number from `lo` to `hi` in plain decimal digits (no sign, exponent, hex or octal).
CLI::Validator whole(std::uint64_t lo, std::uint64_t hi);
/// Any number (what is allowed is the validator's to say): "'abc' is not a number", as the
/// containers' settings say it (options_io).
CLI::Validator a_number();
/// A finite number from `lo` to `hi` (NaN and infinities refused).
CLI::Validator real(double lo, double hi);
/// A finite number > 0 and at most `hi`.
CLI::Validator positive(double hi);

/// Runs `write` on standard output (`path` empty or "-"), or on a temporary file next to `path`
/// that is renamed to `path` once complete: a failed write leaves no partial file. Throws
/// OutputError when the file cannot be written.
void write_result(const std::string& path, const std::function<void(std::ostream&)>& write);

/// Calls `write(tmp)` with a temporary path next to `path`, then renames it to `path`; removes it
/// when `write` throws. A std::runtime_error from `write` becomes an OutputError.
void write_via_temp(const std::string& path, const std::function<void(const std::string&)>& write);

/// Adds `-o,--output FILE` to `cmd`.
void add_output_option(CLI::App* cmd, std::string& path);

/// Wraps `src` to print the number of invocations read to standard error every few seconds when
/// standard error is a terminal (otherwise returns `src` unchanged).
std::unique_ptr<WorkloadSource> with_progress(std::unique_ptr<WorkloadSource> src);

/// The bundled default scenario: `share/slsim/default.toml` beside an installed binary
/// (bin/../share/slsim), else the source tree's examples/default.toml.
std::string default_scenario();

/// The flag a setting is given with: "functions.api.timeout_s" -> "--timeout-s".
std::string flag_of(const std::string& key);

/// "FLAG: MESSAGE": the flag replaces the setting's name, never both (a message that starts
/// with the key, "as_of 1999-01-01 is before ...", loses it).
std::string flag_message(const std::string& flag, const std::string& key,
                         const std::string& message);

/// How a setting is spelled as a flag, for advice in an error that came from a flag: `value` is
/// the text after "KEY = " (nullptr when none follows); nullopt leaves the text as it is.
using FlagSpelling =
    std::function<std::optional<std::string>(const std::string& key, const std::string* value)>;

/// The usual spelling: "--KEY VALUE" ("--KEY" for a flag that takes no value, given true), and a
/// KEY with an underscore alone as "--KEY", for every KEY `takes_value` knows (nullopt: no flag;
/// true: the flag takes a value; false: it takes none).
FlagSpelling flag_spelling(std::function<std::optional<bool>(const std::string& key)> takes_value);

/// A validator's message whose advice names settings as a scenario file spells them ("set spot
/// = true", "set visibility_timeout_s >= 1"), with the settings `spell` knows as flags ("set
/// --spot", "set --visibility-timeout-s >= 1"): one message text in the models, the front end's
/// names in the error. "[TABLE] KEY" is left as it is: it names a file's table.
std::string advice_as_flags(const std::string& message, const FlagSpelling& spell);

}  // namespace slsim::cli
