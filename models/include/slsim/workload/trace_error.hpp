#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace slsim {

/// Malformed trace input: names the file, the 1-based line and column, and the reason.
class TraceError : public std::runtime_error {
 public:
  TraceError(std::string file, std::uint64_t line, std::uint64_t column, std::string reason);
  const std::string& file() const { return file_; }
  std::uint64_t line() const { return line_; }
  std::uint64_t column() const { return column_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  std::uint64_t line_, column_;
  std::string reason_;
};

}  // namespace slsim
