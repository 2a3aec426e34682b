#pragma once
/// The one error type for a configuration value that is not allowed, whatever front end the value
/// came from.
///
/// Design notes: validators know a setting only by its public name (`key`: the scenario key,
/// the Python keyword, and the flag with `_` as `-`, e.g. "timeout_s" / `--timeout-s`) and say
/// what is allowed (`message`). Each front end adds where the value came from: the scenario file
/// and its table, the command-line flag, or the Python keyword. So the same rule gives the same
/// message everywhere, and no internal name reaches a user.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace slsim {

/// A whole number with thousands separators, as messages and tables print counts ("1,048,576",
/// "-5"): `negative` puts a minus sign before the magnitude.
inline std::string grouped(std::uint64_t magnitude, bool negative = false) {
  const std::string s = std::to_string(magnitude);
  std::string out = negative ? "-" : "";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

/// A count and its noun, grouped, in the singular for 1 ("1 message was", "2 messages were").
inline std::string counted(std::uint64_t n, const std::string& one, const std::string& many) {
  return grouped(n) + " " + (n == 1 ? one : many);
}

class ConfigError : public std::invalid_argument {
 public:
  /// `key`: the setting's public name ("" when the error is about the configuration as a whole);
  /// `message`: what is wrong and what is allowed.
  ConfigError(std::string key, std::string message)
      : std::invalid_argument(key.empty() ? message : key + ": " + message),
        key_(std::move(key)),
        message_(std::move(message)) {}
  const std::string& key() const noexcept { return key_; }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string key_;
  std::string message_;
};

}  // namespace slsim
