#include "slsim/workload/lambda_logs.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "line_reader.hpp"
#include "slsim/workload/trace_error.hpp"

namespace slsim {

namespace {

constexpr std::int64_t kMaxUnixMs = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z
constexpr double kMaxDurationMs = 1e8;                    // ~28 h: far above Lambda's 15 min
constexpr double kMaxMemoryMb = 1 << 20;
constexpr int kMaxJsonDepth = 64;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level
// Date Algorithms", days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "YYYY-MM-DDTHH:MM:SS[.fraction]Z" at the start of `s`: the Unix time in microseconds and the
// number of characters used, or 0 when `s` does not start with such a timestamp.
std::size_t parse_iso_utc(std::string_view s, std::int64_t& us) {
  if (s.size() < 20) return 0;
  auto num = [&](std::size_t at, std::size_t n, int& v) {
    v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (!is_digit(s[i])) return false;
      v = v * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, se;
  if (!num(0, 4, y) || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d) ||
      s[10] != 'T' || !num(11, 2, h) || s[13] != ':' || !num(14, 2, mi) || s[16] != ':' ||
      !num(17, 2, se)) {
    return 0;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || h > 23 || mi > 59 || se > 59) {
    return 0;
  }
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return 0;
  std::size_t p = 19;
  std::int64_t frac_us = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    std::int64_t scale = 100'000;
    const std::size_t digits_from = p;
    while (p < s.size() && is_digit(s[p]) && p - digits_from < 9) {
      frac_us += (s[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
    if (p == digits_from) return 0;
  }
  if (p >= s.size() || s[p] != 'Z') return 0;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  us = ((days * 24 + h) * 60 + mi) * 60 * 1'000'000LL + se * 1'000'000LL + frac_us;
  return p + 1;
}

std::string iso_utc(std::int64_t us) {
  std::int64_t days = us / 86'400'000'000LL;
  std::int64_t rem = us % 86'400'000'000LL;
  if (rem < 0) {
    rem += 86'400'000'000LL;
    --days;
  }
  // civil_from_days (Hinnant)
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  const std::int64_t s = rem / 1'000'000;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", y, m, d, s / 3600, s / 60 % 60,
                     s % 60, rem % 1'000'000);
}

// A REPORT message's fields, or the column (0-based in the message) and reason of the first
// problem.
struct ReportError {
  std::size_t offset;
  std::string reason;
};

// Parses the text REPORT message `msg` (starting with "REPORT"): "Key: value [unit]" pairs,
// separated by tabs or spaces, keys of one or more words.
std::optional<ReportError> parse_report_text(std::string_view msg, LambdaObservation& o,
                                             std::vector<std::string_view>& words,
                                             std::string& key) {
  words.clear();
  key.clear();
  for (std::size_t p = 6; p < msg.size();) {  // after "REPORT"
    while (p < msg.size() && is_space(msg[p]))
      ++p;
    const std::size_t from = p;
    while (p < msg.size() && !is_space(msg[p]))
      ++p;
    if (p > from) words.push_back(msg.substr(from, p - from));
  }
  bool have_duration = false, have_billed = false, have_memory = false;
  auto offset = [&](std::string_view w) { return static_cast<std::size_t>(w.data() - msg.data()); };
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string_view w = words[i];
    if (w.back() != ':') {
      if (key.size() < 64) key.append(key.empty() ? "" : " ").append(w);
      continue;
    }
    w.remove_suffix(1);
    key.append(key.empty() ? "" : " ").append(w);
    const std::string_view k = key;
    const bool ms = k == "Duration" || k == "Billed Duration" || k == "Init Duration" ||
                    k == "Restore Duration";
    const bool mb = k == "Memory Size" || k == "Max Memory Used";
    if (!ms && !mb) {
      if (k == "Status" && i + 1 < words.size()) o.timed_out = words[i + 1] == "timeout";
      if (i + 1 < words.size() && words[i + 1].back() != ':') ++i;  // the value
      key.clear();
      continue;
    }
    const char* unit = ms ? "ms" : "MB";
    if (i + 1 >= words.size()) {
      return ReportError{offset(words[i]), fmt::format("{}: no value", k)};
    }
    const std::string_view v = words[++i];
    double x;
    if (!detail::parse_double(v, x) || !std::isfinite(x)) {
      return ReportError{offset(v), fmt::format("{}: '{}' is not a number", k, v)};
    }
    if (i + 1 >= words.size() || words[i + 1] != unit) {
      return ReportError{offset(v), fmt::format("{}: expected '{} {}'", k, v, unit)};
    }
    ++i;
    const double max = ms ? kMaxDurationMs : kMaxMemoryMb;
    if (x < 0 || x > max) {
      return ReportError{offset(v),
                         fmt::format("{}: {} is out of range (0 to {} {})", k, v, max, unit)};
    }
    const bool whole = k == "Billed Duration" || mb;
    if (whole && x != std::floor(x)) {
      return ReportError{offset(v), fmt::format("{}: {} is not a whole number of {}", k, v, unit)};
    }
    if (k == "Duration") {
      o.duration = from_millis(x);
      have_duration = true;
    } else if (k == "Billed Duration") {
      o.billed = from_millis(x);
      have_billed = true;
    } else if (k == "Init Duration" || k == "Restore Duration") {
      o.init += from_millis(x);
      o.cold_start = true;
    } else if (k == "Memory Size") {
      if (x < 1) return ReportError{offset(v), fmt::format("Memory Size: {} is not >= 1 MB", v)};
      o.memory_mb = static_cast<std::uint32_t>(x);
      have_memory = true;
    } else {
      o.max_memory_used_mb = static_cast<std::uint32_t>(x);
    }
    key.clear();
  }
  const char* missing = !have_duration ? "Duration"
                        : !have_billed ? "Billed Duration"
                        : !have_memory ? "Memory Size"
                                       : nullptr;
  if (missing) {
    return ReportError{0, fmt::format("REPORT line without '{}: …' (expected Duration, Billed "
                                      "Duration and Memory Size)",
                                      missing)};
  }
  return std::nullopt;
}

// The `platform.report` record of Lambda's JSON log format:
// {"time": …, "type": "platform.report", "record": {"metrics": {"durationMs": …,
//  "billedDurationMs": …, "memorySizeMB": …, "maxMemoryUsedMB": …, "initDurationMs": …},
//  "status": "success"}}
std::optional<ReportError> parse_report_json(const nlohmann::json& j, LambdaObservation& o) {
  const auto* record = j.contains("record") && j["record"].is_object() ? &j["record"] : nullptr;
  if (!record || !record->contains("metrics") || !(*record)["metrics"].is_object()) {
    return ReportError{0, "platform.report without a \"record\": {\"metrics\": {…}} object"};
  }
  const auto& m = (*record)["metrics"];
  auto get = [&](const char* name, bool required, bool whole, double max,
                 double& out) -> std::optional<ReportError> {
    if (!m.contains(name)) {
      if (required) return ReportError{0, fmt::format("platform.report without \"{}\"", name)};
      return std::nullopt;
    }
    if (!m[name].is_number()) {
      return ReportError{0, fmt::format("platform.report: \"{}\" is not a number", name)};
    }
    out = m[name].get<double>();
    if (!std::isfinite(out) || out < 0 || out > max) {
      return ReportError{
          0, fmt::format("platform.report: \"{}\" {} is out of range (0 to {})", name, out, max)};
    }
    if (whole && out != std::floor(out)) {
      return ReportError{0, fmt::format("platform.report: \"{}\" {} is not whole", name, out)};
    }
    return std::nullopt;
  };
  double dur = 0, billed = 0, mem = 0, used = 0, init = -1, restore = -1;
  for (auto e : {get("durationMs", true, false, kMaxDurationMs, dur),
                 get("billedDurationMs", true, true, kMaxDurationMs, billed),
                 get("memorySizeMB", true, true, kMaxMemoryMb, mem),
                 get("maxMemoryUsedMB", false, true, kMaxMemoryMb, used),
                 get("initDurationMs", false, false, kMaxDurationMs, init),
                 get("restoreDurationMs", false, false, kMaxDurationMs, restore)}) {
    if (e) return e;
  }
  if (mem < 1) return ReportError{0, "platform.report: \"memorySizeMB\" is not >= 1"};
  o.duration = from_millis(dur);
  o.billed = from_millis(billed);
  o.memory_mb = static_cast<std::uint32_t>(mem);
  o.max_memory_used_mb = static_cast<std::uint32_t>(used);
  if (init >= 0) o.init += from_millis(init);
  if (restore >= 0) o.init += from_millis(restore);
  o.cold_start = init >= 0 || restore >= 0;
  o.timed_out = record->contains("status") && (*record)["status"] == "timeout";
  return std::nullopt;
}

}  // namespace

std::string function_from_log_group(std::string_view log_group) {
  constexpr std::string_view kPrefix = "/aws/lambda/";
  if (log_group.substr(0, kPrefix.size()) == kPrefix && log_group.size() > kPrefix.size()) {
    log_group.remove_prefix(kPrefix.size());
  }
  return std::string(log_group);
}

void LambdaBilledTotals::add(const LambdaObservation& o) {
  ++requests;
  const auto ms = static_cast<std::uint64_t>(o.billed.count() / 1000);
  billed_ms += ms;
  billed_mb_ms += ms * o.memory_mb;
  cold_starts += o.cold_start ? 1 : 0;
  timeouts += o.timed_out ? 1 : 0;
  init += o.init;
}

// One log event: its message, timestamp and where it is in the file.
struct LambdaLogsReader::Parser {
  std::unique_ptr<detail::LineReader> lines;
  Form form = Form::kText;

  // The event last read.
  std::string message_buf;
  std::string_view message;
  std::int64_t timestamp_us = 0;
  bool has_timestamp = false;
  std::uint64_t line = 0;         // line of the message
  std::size_t message_col = 0;    // 0-based column of the message's first character
  std::string timestamp_problem;  // why the timestamp is unusable (text form), or ""

  // JSON cursor and state.
  std::string_view cur;
  std::size_t pos = 0;
  enum class State { kTop, kTopObject, kEvents } state = State::kTop;
  bool events_top_level = false, obj_first = true, arr_first = true;
  std::string key, scratch;
  std::vector<std::string_view> words;  // scratch for REPORT lines
  std::string report_key;

  [[noreturn]] void fail(const std::string& why) const {
    throw TraceError(lines->path(), lines->line_number(), pos + 1, why);
  }

  // Skips whitespace, across lines; false at the end of the input.
  bool ws() {
    for (;;) {
      while (pos < cur.size() && is_space(cur[pos]))
        ++pos;
      if (pos < cur.size()) return true;
      if (!lines->next(cur)) {
        cur = {};
        pos = 0;
        return false;
      }
      pos = 0;
    }
  }
  char peek_required(const char* inside) {
    if (!ws()) fail(fmt::format("the file ends inside {}", inside));
    return cur[pos];
  }
  void expect(char c, const char* inside) {
    if (peek_required(inside) != c) {
      fail(fmt::format("expected '{}' in {}, found '{}'", c, inside, cur[pos]));
    }
    ++pos;
  }

  static void put_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  std::uint32_t hex4() {
    if (pos + 4 > cur.size()) fail("\\u needs four hex digits");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = cur[pos++];
      v <<= 4;
      if (is_digit(c)) {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        --pos;
        fail("\\u needs four hex digits");
      }
    }
    return v;
  }
  // A JSON string at the cursor (which is on its opening quote), unescaped into `out`.
  void string(std::string& out) {
    out.clear();
    if (cur[pos] != '"') fail(fmt::format("expected a string, found '{}'", cur[pos]));
    ++pos;
    for (;;) {
      const auto stop = cur.find_first_of("\"\\", pos);
      if (stop == std::string_view::npos) {
        pos = cur.size();
        fail("a string is not closed on its line");
      }
      out.append(cur.substr(pos, stop - pos));
      pos = stop + 1;
      if (cur[stop] == '"') return;
      if (pos >= cur.size()) fail("a string is not closed on its line");
      const char e = cur[pos++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && pos + 6 <= cur.size() && cur[pos] == '\\' &&
              cur[pos + 1] == 'u') {
            pos += 2;
            const std::uint32_t lo = hex4();
            if (lo >= 0xDC00 && lo < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              put_utf8(out, cp);
              cp = lo;
            }
          }
          put_utf8(out, cp);
          break;
        }
        default:
          --pos;
          fail(fmt::format("unknown escape '\\{}' in a string", e));
      }
    }
  }
  std::string_view number_text() {
    const std::size_t from = pos;
    while (pos < cur.size() && (is_digit(cur[pos]) || cur[pos] == '-' || cur[pos] == '+' ||
                                cur[pos] == '.' || cur[pos] == 'e' || cur[pos] == 'E')) {
      ++pos;
    }
    if (pos == from) fail(fmt::format("unexpected '{}'", cur[from]));
    return cur.substr(from, pos - from);
  }
  void skip_value(int depth) {
    if (depth > kMaxJsonDepth) fail("JSON nested too deeply");
    const char c = peek_required("a JSON value");
    if (c == '"') {
      string(scratch);
    } else if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++pos;
      bool first = true;
      for (;;) {
        if (peek_required(c == '{' ? "a JSON object" : "a JSON array") == close) {
          ++pos;
          return;
        }
        if (!first) expect(',', c == '{' ? "a JSON object" : "a JSON array");
        first = false;
        if (c == '{') {
          peek_required("a JSON object");
          string(scratch);
          expect(':', "a JSON object");
        }
        skip_value(depth + 1);
      }
    } else if (c == 't' || c == 'f' || c == 'n') {
      for (const std::string_view lit : {"true", "false", "null"}) {
        if (cur.substr(pos, lit.size()) == lit) {
          pos += lit.size();
          return;
        }
      }
      fail("unexpected word (expected true, false or null)");
    } else {
      double v;
      const auto t = number_text();
      if (!detail::parse_double(t, v)) fail(fmt::format("'{}' is not a number", t));
    }
  }

  // The next event of the JSON form; false at the end of the input.
  bool next_json_event() {
    for (;;) {
      switch (state) {
        case State::kTop: {
          if (!ws()) return false;
          const char c = cur[pos];
          if (c != '{' && c != '[') {
            fail(
                "expected a JSON object with an \"events\" array (the output of aws logs "
                "filter-log-events) or an array of events");
          }
          ++pos;
          state = c == '{' ? State::kTopObject : State::kEvents;
          events_top_level = c == '[';
          obj_first = arr_first = true;
          break;
        }
        case State::kTopObject: {
          if (peek_required("a JSON object") == '}') {
            ++pos;
            state = State::kTop;
            break;
          }
          if (!obj_first) expect(',', "a JSON object");
          obj_first = false;
          peek_required("a JSON object");
          string(key);
          expect(':', "a JSON object");
          if (key == "events") {
            expect('[', "the \"events\" member (an array of log events)");
            state = State::kEvents;
            arr_first = true;
          } else {
            skip_value(1);
          }
          break;
        }
        case State::kEvents: {
          if (peek_required("the events array") == ']') {
            ++pos;
            state = events_top_level ? State::kTop : State::kTopObject;
            break;
          }
          if (!arr_first) expect(',', "the events array");
          arr_first = false;
          if (peek_required("the events array") != '{') {
            fail("each log event must be a JSON object {\"timestamp\": …, \"message\": …}");
          }
          read_event_object();
          return true;
        }
      }
    }
  }
  void read_event_object() {
    ++pos;  // '{'
    has_timestamp = false;
    message_buf.clear();
    message = {};
    line = lines->line_number();
    message_col = pos;
    bool first = true;
    for (;;) {
      if (peek_required("a log event") == '}') {
        ++pos;
        return;
      }
      if (!first) expect(',', "a log event");
      first = false;
      peek_required("a log event");
      string(key);
      expect(':', "a log event");
      if (key == "message") {
        peek_required("a log event");
        line = lines->line_number();
        message_col = pos + 1;
        string(message_buf);
        message = message_buf;
      } else if (key == "timestamp") {
        peek_required("a log event");
        const std::size_t at = pos;
        const auto t = number_text();
        double v;
        if (!detail::parse_double(t, v) || v != std::floor(v) || v < 0 ||
            v > static_cast<double>(kMaxUnixMs)) {
          pos = at;
          fail(fmt::format("timestamp: '{}' is not a Unix time in whole milliseconds", t));
        }
        timestamp_us = static_cast<std::int64_t>(v) * 1000;
        has_timestamp = true;
      } else {
        skip_value(2);
      }
    }
  }

  // The next line of the text form that holds a log event; false at the end.
  bool next_text_event() {
    std::string_view l;
    for (;;) {
      if (!lines->next(l)) return false;
      line = lines->line_number();
      const std::size_t n = parse_iso_utc(l, timestamp_us);
      if (n == 0) {
        // A line of a multi-line message (stack trace, X-Ray line), unless it looks like a
        // REPORT line that lost its timestamp.
        std::string_view t = l;
        while (!t.empty() && is_space(t.front()))
          t.remove_prefix(1);
        if (t.substr(0, 18) == "REPORT RequestId: ") {
          has_timestamp = false;
          timestamp_problem =
              "a REPORT line without a timestamp (each line of an S3 export starts with one, "
              "such as 2024-05-01T12:00:00.000Z)";
          message = t;
          message_col = static_cast<std::size_t>(t.data() - l.data());
          return true;
        }
        continue;
      }
      has_timestamp = true;
      timestamp_problem.clear();
      std::size_t p = n;
      while (p < l.size() && (l[p] == ' ' || l[p] == '\t'))
        ++p;
      message = l.substr(p);
      message_col = p;
      return true;
    }
  }
  bool next_event() { return form == Form::kJson ? next_json_event() : next_text_event(); }
};

LambdaLogsReader::LambdaLogsReader(std::string path, LambdaLogsOptions options)
    : LambdaLogsReader(std::make_unique<detail::LineReader>(std::move(path)), std::move(options)) {}

LambdaLogsReader::LambdaLogsReader(std::unique_ptr<detail::LineReader> lines,
                                   LambdaLogsOptions options)
    : parser_(std::make_unique<Parser>()), options_(std::move(options)) {
  if (options_.sort_buffer_rows == 0) {
    throw std::invalid_argument("Lambda logs reader: sort_buffer_rows must be >= 1");
  }
  parser_->lines = std::move(lines);
  detail::LineReader& r = *parser_->lines;
  std::string_view first;
  if (!r.next(first)) {
    throw TraceError(r.path(), 1, 1,
                     "empty file: expected Lambda logs (JSON from aws logs filter-log-events, or "
                     "an S3 export's timestamped lines)");
  }
  std::string_view t = first;
  while (!t.empty() && is_space(t.front()))
    t.remove_prefix(1);
  std::int64_t ignored;
  if (!t.empty() && (t.front() == '{' || t.front() == '[')) {
    form_ = Form::kJson;
  } else if (parse_iso_utc(first, ignored) > 0) {
    form_ = Form::kText;
  } else {
    throw TraceError(r.path(), 1, 1,
                     "not Lambda logs: expected JSON from aws logs filter-log-events (starting "
                     "with '{') or an S3 export's lines, each starting with an ISO 8601 UTC "
                     "timestamp such as 2024-05-01T12:00:00.000Z");
  }
  r.unget();
  parser_->form = form_;
  std::string name = options_.function;
  if (name.empty() && !options_.log_group.empty())
    name = function_from_log_group(options_.log_group);
  if (name.empty()) {
    name =
        detail::is_stdin_path(r.path()) ? "stdin" : std::filesystem::path(r.path()).stem().string();
  }
  if (name.empty()) name = "fn";
  id_ = functions_.intern(name, 0);
}

LambdaLogsReader::~LambdaLogsReader() = default;

std::string LambdaLogsReader::describe() const {
  return fmt::format("Lambda logs {} ({}, function {})", parser_->lines->path(),
                     form_ == Form::kJson ? "aws logs filter-log-events JSON" : "S3 export text",
                     functions_[id_].name);
}

bool LambdaLogsReader::read_row() {
  Parser& ps = *parser_;
  Pending p;
  const bool got = skipped_.read(options_.skip_bad_rows, [&](bool& have_row) {
    for (;;) {
      if (!ps.next_event()) return false;
      std::string_view msg = ps.message;
      while (!msg.empty() && is_space(msg.front()))
        msg.remove_prefix(1);
      const std::size_t lead = static_cast<std::size_t>(msg.data() - ps.message.data());
      const bool text_report = msg.substr(0, 7) == "REPORT " || msg.substr(0, 7) == "REPORT\t";
      nlohmann::json j;
      if (!text_report) {
        if (msg.empty() || msg.front() != '{' ||
            msg.find("platform.report") == std::string_view::npos) {
          continue;  // START, END, the function's own output, other platform records
        }
        j = nlohmann::json::parse(msg, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("type") ||
            j["type"] != "platform.report") {
          continue;
        }
      }
      have_row = true;
      const std::string& path = ps.lines->path();
      if (!ps.has_timestamp) {
        throw TraceError(path, ps.line, ps.message_col + 1,
                         ps.timestamp_problem.empty()
                             ? std::string("a log event without a \"timestamp\"")
                             : ps.timestamp_problem);
      }
      LambdaObservation o;
      const auto err = text_report ? parse_report_text(msg, o, ps.words, ps.report_key)
                                   : parse_report_json(j, o);
      if (err) {
        throw TraceError(path, ps.line, ps.message_col + lead + err->offset + 1, err->reason);
      }
      const std::int64_t start_us = ps.timestamp_us - o.duration.count() - o.init.count();
      if (start_us < 0) {
        throw TraceError(path, ps.line, ps.message_col + 1,
                         "Duration and Init Duration reach back before 1970 from the timestamp");
      }
      p.arrival_us = start_us;
      p.row = ps.line;
      p.obs = o;
      ++reports_;
      return true;
    }
  });
  if (!got) return false;
  if (p.arrival_us < last_emitted_us_) {
    throw TraceError(
        parser_->lines->path(), p.row, 1,
        fmt::format("this invocation started at {}, before one already replayed at {}: the logs "
                    "are more out of order than the reorder buffer of {} invocations allows "
                    "(raise sort_buffer_rows, --sort-buffer-rows, or sort the file)",
                    iso_utc(p.arrival_us), iso_utc(last_emitted_us_), options_.sort_buffer_rows));
  }
  buffer_.push(p);
  return true;
}

bool LambdaLogsReader::next(Invocation& out) {
  while (!eof_ && buffer_.size() <= options_.sort_buffer_rows) {
    if (!read_row()) eof_ = true;
  }
  if (buffer_.empty()) {
    have_current_ = false;
    if (reports_ == 0 && skipped_.count() == 0 && !warned_empty_) {
      warned_empty_ = true;
      throw TraceError(parser_->lines->path(), 0, 0,
                       "no Lambda REPORT lines found (is this a Lambda function's log group?)");
    }
    return false;
  }
  const Pending p = buffer_.top();
  buffer_.pop();
  if (!have_origin_) {
    origin_us_ = p.arrival_us;
    have_origin_ = true;
  }
  last_emitted_us_ = p.arrival_us;
  out.arrival = TimePoint{Duration{p.arrival_us - origin_us_}};
  out.work = p.obs.duration;
  out.function = id_;
  out.memory_mb = p.obs.memory_mb;
  out.type = options_.type;
  current_ = p.obs;
  have_current_ = true;
  totals_.add(p.obs);
  return true;
}

}  // namespace slsim
