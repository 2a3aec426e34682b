#pragma once
// Private: buffered line reader for trace files (streaming, constant memory), and the RFC 4180
// field splitter every CSV reader shares.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace slsim::detail {

/// True for the paths that mean standard input: "-" (and "/dev/stdin", which names the same
/// stream and cannot be reopened once read from a pipe).
bool is_stdin_path(std::string_view path);

class LineReader {
 public:
  /// Opens `path` ("-" reads standard input); throws TraceError (line 0) if it cannot be opened,
  /// is gzip-compressed or starts like a binary file.
  explicit LineReader(std::string path);
  /// Reads `data` (not copied: it must outlive the reader), named `name` in errors.
  static std::unique_ptr<LineReader> from_memory(std::string name, std::string_view data);

  /// Next line without its line end (LF or CRLF). False at end of file; blank lines at the end
  /// of the file are not returned (a blank line followed by more data is). Throws TraceError
  /// for a line with a NUL byte (binary data) or longer than 1 MiB.
  bool next(std::string_view& line);
  /// Makes the next call to next() return the line just returned again (once). Only valid
  /// directly after a next() that returned true.
  void unget();
  /// 1-based number of the line last returned.
  std::uint64_t line_number() const { return line_no_; }
  const std::string& path() const { return path_; }
  /// Bytes held in the buffer (bounded: at most one chunk plus the longest line).
  std::size_t buffer_bytes() const { return buf_.size(); }

 private:
  LineReader(std::string name, std::string_view data, bool);
  void check_start();
  bool fill();
  bool rest_is_blank();
  std::string path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::string_view mem_;  // in-memory input (file_ is null)
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  std::uint64_t line_no_ = 0;
  std::uint64_t blank_pending_ = 0;  // blank lines consumed by a look-ahead, still to return
  std::size_t last_begin_ = 0;       // where the line last returned started (for unget)
  std::uint64_t last_blank_pending_ = 0;
  bool can_unget_ = false, ungot_ = false;
  std::string_view last_;
};

/// Splits `line` at commas into `fields` (views into `line`), without quote handling.
void split_csv(std::string_view line, std::vector<std::string_view>& fields);

/// RFC 4180 record splitting: quoted fields ("a, b", "say ""hi""") are read as their content,
/// a quoted field may span line ends, and spaces around an unquoted field (or around the quotes
/// of a quoted one) are trimmed. Fields are views into `line` or into the splitter's own
/// storage, valid until the next call.
class CsvSplitter {
 public:
  /// Splits the record that starts with `line` (just returned by `r`); reads further lines
  /// from `r` while a quoted field is open. Throws TraceError naming the line and column of a
  /// stray or unclosed quote.
  void split(LineReader& r, std::string_view line, std::vector<std::string_view>& fields);
  /// Line on which the last record started (a record may span lines).
  std::uint64_t record_line() const { return record_line_; }

 private:
  std::string record_, storage_;
  std::uint64_t record_line_ = 0;
};

/// Parses a finite double; false if the text is not a number (or has trailing characters).
bool parse_double(std::string_view s, double& out);

}  // namespace slsim::detail
