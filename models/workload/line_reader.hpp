#pragma once
// Private: buffered line reader for trace files (streaming, constant memory).

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace slsim::detail {

class LineReader {
 public:
  /// Opens `path`; throws TraceError (line 0) if it cannot be opened, is gzip-compressed or
  /// starts like a binary file.
  explicit LineReader(std::string path);
  /// Next line without its line end (LF or CRLF). False at end of file. Throws TraceError for a
  /// line with a NUL byte (binary data) or longer than 1 MiB.
  bool next(std::string_view& line);
  /// 1-based number of the line last returned.
  std::uint64_t line_number() const { return line_no_; }
  const std::string& path() const { return path_; }

 private:
  bool fill();
  std::string path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  std::uint64_t line_no_ = 0;
};

/// Splits `line` at commas into `fields` (views into `line`).
void split_csv(std::string_view line, std::vector<std::string_view>& fields);

/// Parses a finite double; false if the text is not a number (or has trailing characters).
bool parse_double(std::string_view s, double& out);

}  // namespace slsim::detail
