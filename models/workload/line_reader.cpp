#include "line_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

#include "slsim/workload/trace_error.hpp"

namespace slsim::detail {

namespace {
constexpr std::size_t kChunk = 1 << 20;    // bytes read at a time
constexpr std::size_t kMaxLine = 1 << 20;  // longest accepted line (and CSV record)

int close_file(std::FILE* f) {
  return std::fclose(f);
}
int keep_open(std::FILE*) {
  return 0;  // standard input belongs to the process
}

bool is_field_space(char c) {
  return c == ' ' || c == '\t';
}

// Whether a record so far ends inside a quoted field (RFC 4180), fed piece by piece.
struct QuoteScan {
  bool in_quotes = false, field_start = true, quote_pending = false;
  std::size_t open_at = 0;  // offset of the opening quote of the open field
  void feed(std::string_view s, std::size_t offset = 0) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      if (quote_pending) {  // a quote inside a quoted field: doubled, or the closing one
        quote_pending = false;
        if (c == '"') continue;
        in_quotes = false;
      }
      if (in_quotes) {
        if (c == '"') quote_pending = true;
        continue;
      }
      if (c == ',') {
        field_start = true;
      } else if (field_start && c == '"') {
        in_quotes = true;
        field_start = false;
        open_at = offset + i;
      } else if (c != ' ' && c != '\t') {
        field_start = false;
      }
    }
    if (quote_pending) {  // a quote at the end of the text closes the field (for now)
      in_quotes = false;
      quote_pending = false;
    }
  }
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_field_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_field_space(s.back()))
    s.remove_suffix(1);
  return s;
}
}  // namespace

bool is_stdin_path(std::string_view path) {
  return path == "-" || path == "/dev/stdin";
}

LineReader::LineReader(std::string path) : path_(std::move(path)), file_(nullptr, &close_file) {
  if (is_stdin_path(path_)) {
    file_ = {stdin, &keep_open};
  } else {
    file_ = {std::fopen(path_.c_str(), "rb"), &close_file};
    if (!file_) {
      throw TraceError(path_, 0, 0, fmt::format("cannot open: {}", std::strerror(errno)));
    }
  }
  check_start();
}

LineReader::LineReader(std::string name, std::string_view data, bool)
    : path_(std::move(name)), file_(nullptr, &close_file), mem_(data) {
  check_start();
}

std::unique_ptr<LineReader> LineReader::from_memory(std::string name, std::string_view data) {
  return std::unique_ptr<LineReader>(new LineReader(std::move(name), data, true));
}

void LineReader::check_start() {
  // In memory the whole input fits in a buffer one byte larger (cheap for fuzzing's small
  // inputs); a file reads chunk by chunk behind the longest line.
  buf_.resize(file_ ? kChunk + kMaxLine : std::min(kChunk + kMaxLine, mem_.size() + 1));
  fill();
  const auto* b = reinterpret_cast<const unsigned char*>(buf_.data());
  const std::size_t n = end_ - begin_;
  if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
    throw TraceError(path_, 1, 1, "the file is gzip-compressed; decompress it first (gunzip)");
  }
  if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) begin_ += 3;  // UTF-8 BOM
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const std::size_t room = std::min(buf_.size() - end_, kChunk);
  std::size_t got = 0;
  if (file_) {
    got = std::fread(buf_.data() + end_, 1, room, file_.get());
    if (got == 0 && std::ferror(file_.get())) {
      throw TraceError(path_, line_no_ + 1, 1, fmt::format("read error: {}", std::strerror(errno)));
    }
  } else {
    got = std::min(room, mem_.size());
    std::memcpy(buf_.data() + end_, mem_.data(), got);
    mem_.remove_prefix(got);
  }
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

// Consumes the blank lines after the current position. True if nothing but blank lines (and
// stray CRs) remains; otherwise leaves the position at the next non-blank line and counts the
// blank lines consumed in blank_pending_.
bool LineReader::rest_is_blank() {
  std::size_t p = begin_;
  for (;;) {
    while (p < end_) {
      const char c = buf_[p];
      if (c == '\n') {
        ++blank_pending_;
        begin_ = ++p;
      } else if (c == '\r') {
        ++p;
      } else {
        return false;
      }
    }
    const std::size_t offset = p - begin_;
    if (!fill()) return true;
    p = begin_ + offset;
  }
}

bool LineReader::next(std::string_view& line) {
  if (ungot_) {
    ungot_ = false;
    can_unget_ = true;
    ++line_no_;
    line = last_;
    return true;
  }
  can_unget_ = false;
  if (blank_pending_ > 0) {
    --blank_pending_;
    ++line_no_;
    line = last_ = std::string_view();
    can_unget_ = true;
    return true;
  }
  for (;;) {
    const char* start = buf_.data() + begin_;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    std::size_t len = 0;
    if (nl != nullptr) {
      len = static_cast<std::size_t>(nl - start);
    } else if (end_ - begin_ > kMaxLine) {
      throw TraceError(path_, line_no_ + 1, 1, "line longer than 1 MiB (is this a text file?)");
    } else if (fill()) {
      continue;
    } else if (end_ > begin_) {
      len = end_ - begin_;  // last line without a newline
    } else {
      return false;
    }
    std::string_view l(start, len);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.empty()) {
      // A blank line: the end of the file if only blank lines follow (trailing blank lines
      // are fine), otherwise returned so the reader can say where it is.
      begin_ += len + (nl != nullptr ? 1 : 0);
      if (rest_is_blank()) {
        blank_pending_ = 0;
        return false;
      }
      ++line_no_;
      line = last_ = std::string_view();
      can_unget_ = true;
      return true;
    }
    ++line_no_;
    begin_ += len + (nl != nullptr ? 1 : 0);
    if (const auto nul = l.find('\0'); nul != std::string_view::npos) {
      throw TraceError(path_, line_no_, nul + 1, "binary data (NUL byte): this is not a text file");
    }
    line = last_ = l;
    can_unget_ = true;
    return true;
  }
}

void LineReader::unget() {
  if (!can_unget_) return;
  can_unget_ = false;
  ungot_ = true;
  --line_no_;
}

void split_csv(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t start = 0;
  for (;;) {
    const auto comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return;
    }
    fields.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

void CsvSplitter::split(LineReader& r, std::string_view line,
                        std::vector<std::string_view>& fields) {
  record_line_ = r.line_number();
  if (line.find('"') == std::string_view::npos) {
    split_csv(line, fields);
    for (auto& f : fields)
      f = trim(f);
    return;
  }
  // A quoted field may hold line ends: join lines while a quoted field is open.
  record_.assign(line);
  QuoteScan scan;
  scan.feed(record_);
  while (scan.in_quotes) {
    std::string_view more;
    if (!r.next(more)) {
      throw TraceError(r.path(), record_line_, scan.open_at + 1,
                       "a quoted field is not closed before the end of the file");
    }
    if (record_.size() + more.size() > kMaxLine) {
      throw TraceError(r.path(), record_line_, scan.open_at + 1,
                       "a quoted field is not closed within 1 MiB");
    }
    const std::size_t from = record_.size();
    record_ += '\n';
    record_.append(more);
    scan.feed(std::string_view(record_).substr(from), from);
  }
  storage_.clear();
  storage_.reserve(record_.size());  // no reallocation below: views into storage_ stay valid
  fields.clear();
  const std::string_view rec(record_);
  std::size_t p = 0;
  auto fail = [&](std::size_t col, const char* why) {
    throw TraceError(r.path(), record_line_, col + 1, why);
  };
  for (;;) {
    while (p < rec.size() && is_field_space(rec[p]))
      ++p;
    if (p < rec.size() && rec[p] == '"') {
      const std::size_t from = storage_.size();
      ++p;
      for (;;) {
        const auto q = rec.find('"', p);
        if (q == std::string_view::npos) fail(p, "a quoted field is not closed");
        storage_.append(rec.substr(p, q - p));
        p = q + 1;
        if (p < rec.size() && rec[p] == '"') {
          storage_ += '"';
          ++p;
          continue;
        }
        break;
      }
      fields.emplace_back(storage_.data() + from, storage_.size() - from);
      while (p < rec.size() && is_field_space(rec[p]))
        ++p;
      if (p < rec.size() && rec[p] != ',') {
        fail(p, "unexpected text after a closing quote (a quoted field ends at its quote)");
      }
    } else {
      auto end = rec.find(',', p);
      if (end == std::string_view::npos) end = rec.size();
      const std::string_view f = rec.substr(p, end - p);
      if (const auto q = f.find('"'); q != std::string_view::npos) {
        fail(p + q,
             "a quote inside an unquoted field: quote the whole field and double the quote "
             "(\"a \"\"b\"\"\")");
      }
      fields.push_back(trim(f));
      p = end;
    }
    if (p >= rec.size()) return;
    ++p;  // the comma
    if (p == rec.size()) {
      fields.emplace_back();
      return;
    }
  }
}

bool parse_double(std::string_view s, double& out) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), out);
  return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

}  // namespace slsim::detail
