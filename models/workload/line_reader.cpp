#include "line_reader.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>

#include "slsim/workload/trace_error.hpp"

namespace slsim::detail {

namespace {
constexpr std::size_t kChunk = 1 << 20;    // bytes read at a time
constexpr std::size_t kMaxLine = 1 << 20;  // longest accepted line
}  // namespace

LineReader::LineReader(std::string path)
    : path_(std::move(path)), file_(std::fopen(path_.c_str(), "rb"), &std::fclose) {
  if (!file_) {
    throw TraceError(path_, 0, 0, fmt::format("cannot open: {}", std::strerror(errno)));
  }
  buf_.resize(kChunk + kMaxLine);
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
  const std::size_t room = buf_.size() - end_;
  const std::size_t got = std::fread(buf_.data() + end_, 1, std::min(room, kChunk), file_.get());
  if (got == 0) {
    if (std::ferror(file_.get())) {
      throw TraceError(path_, line_no_ + 1, 1, fmt::format("read error: {}", std::strerror(errno)));
    }
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    const char* start = buf_.data() + begin_;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    std::size_t len = 0;
    if (nl != nullptr) {
      len = static_cast<std::size_t>(nl - start);
    } else if (end_ - begin_ > kMaxLine) {
      throw TraceError(path_, line_no_ + 1, 1, "line longer than 1 MiB (is this a text CSV file?)");
    } else if (fill()) {
      continue;
    } else if (end_ > begin_) {
      len = end_ - begin_;  // last line without a newline
    } else {
      return false;
    }
    ++line_no_;
    std::string_view l(start, len);
    begin_ += len + (nl != nullptr ? 1 : 0);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (const auto nul = l.find('\0'); nul != std::string_view::npos) {
      throw TraceError(path_, line_no_, nul + 1,
                       "binary data (NUL byte): this is not a text CSV file");
    }
    line = l;
    return true;
  }
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
