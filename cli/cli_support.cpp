#include "cli_support.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <system_error>

#include "commands.hpp"

namespace slsim::cli {

namespace {

// The user's input, shortened: messages never echo hundreds of digits.
std::string shown(const std::string& s) {
  return s.size() <= 24 ? s : s.substr(0, 20) + "...";
}

std::string short_num(double v) {
  if (std::fabs(v) >= 1e9) return fmt::format("{:.3g}", v);
  return fmt::format("{:g}", v);
}

}  // namespace

CLI::Validator whole(std::uint64_t lo, std::uint64_t hi) {
  const std::string allowed = fmt::format("a whole number from {} to {}", grouped(lo), grouped(hi));
  return CLI::Validator(
      [lo, hi, allowed](std::string& s) -> std::string {
        const bool digits =
            !s.empty() && s.size() <= 20 && s.find_first_not_of("0123456789") == std::string::npos;
        if (digits) {
          errno = 0;
          const unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
          if (errno == 0 && v >= lo && v <= hi) {
            s = std::to_string(v);  // no octal reading of a leading 0
            return {};
          }
        }
        // A word or a fraction is not a whole number at all: said so, with what is allowed.
        const bool integer = !s.empty() &&
                             s.find_first_not_of("0123456789", s[0] == '-') == std::string::npos &&
                             s != "-";
        return fmt::format("{} is not {}: {}", shown(s), integer ? "allowed" : "a whole number",
                           allowed);
      },
      "WHOLE");
}

CLI::Validator a_number() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        char* end = nullptr;
        std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size()) return {};
        return fmt::format("'{}' is not a number", s);
      },
      "NUMBER");
}

CLI::Validator real(double lo, double hi) {
  const std::string allowed = fmt::format("a number from {} to {}", short_num(lo), short_num(hi));
  return CLI::Validator(
      [lo, hi, allowed](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(v) && v >= lo && v <= hi)
          return {};
        // A word or a fraction is not a whole number at all: said so, with what is allowed.
        const bool integer = !s.empty() &&
                             s.find_first_not_of("0123456789", s[0] == '-') == std::string::npos &&
                             s != "-";
        return fmt::format("{} is not {}: {}", shown(s), integer ? "allowed" : "a whole number",
                           allowed);
      },
      "NUMBER");
}

CLI::Validator positive(double hi) {
  const std::string allowed = fmt::format("a number > 0 and at most {}", short_num(hi));
  return CLI::Validator(
      [hi, allowed](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(v) && v > 0 && v <= hi)
          return {};
        // A word or a fraction is not a whole number at all: said so, with what is allowed.
        const bool integer = !s.empty() &&
                             s.find_first_not_of("0123456789", s[0] == '-') == std::string::npos &&
                             s != "-";
        return fmt::format("{} is not {}: {}", shown(s), integer ? "allowed" : "a whole number",
                           allowed);
      },
      "NUMBER>0");
}

void write_result(const std::string& path, const std::function<void(std::ostream&)>& write) {
  if (path.empty() || path == "-") {
    write(std::cout);
    std::cout.flush();
    if (!std::cout) throw OutputError("cannot write to standard output");
    return;
  }
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::random_device rd;
  // A target that exists but is not a regular file (a symlink, a device, a pipe) is written
  // through, never replaced by a rename.
  std::error_code sec;
  const auto st = fs::symlink_status(target, sec);
  const bool direct = !sec && fs::exists(st) && !fs::is_regular_file(st);
  const fs::path tmp = direct ? target
                              : target.parent_path() /
                                    fmt::format(".{}.{:08x}.tmp", target.filename().string(), rd());
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) {
    throw OutputError(fmt::format("cannot write {}: {}", path,
                                  std::error_code(errno, std::generic_category()).message()));
  }
  try {
    write(out);
    out.flush();
    if (!out) throw OutputError(fmt::format("cannot write {}: write failed", path));
    out.close();
    std::error_code ec;
    if (!direct) fs::rename(tmp, target, ec);
    if (ec) throw OutputError(fmt::format("cannot write {}: {}", path, ec.message()));
  } catch (...) {
    out.close();
    std::error_code ignored;
    if (!direct) fs::remove(tmp, ignored);
    throw;
  }
}

void write_via_temp(const std::string& path, const std::function<void(const std::string&)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::random_device rd;
  // A target that exists but is not a regular file (a symlink, a device such as /dev/full, a
  // pipe) is written through, never replaced by a rename.
  std::error_code sec;
  const auto st = fs::symlink_status(target, sec);
  const bool direct = !sec && fs::exists(st) && !fs::is_regular_file(st);
  const fs::path tmp = direct ? target
                              : target.parent_path() /
                                    fmt::format(".{}.{:08x}.tmp", target.filename().string(), rd());
  try {
    write(tmp.string());
    std::error_code ec;
    if (!direct) fs::rename(tmp, target, ec);
    if (ec) throw OutputError(fmt::format("cannot write {}: {}", path, ec.message()));
  } catch (const std::invalid_argument&) {
    std::error_code ignored;
    if (!direct) fs::remove(tmp, ignored);
    throw;
  } catch (const OutputError&) {
    std::error_code ignored;
    if (!direct) fs::remove(tmp, ignored);
    throw;
  } catch (const TraceError&) {  // bad input, not a failed write
    std::error_code ignored;
    if (!direct) fs::remove(tmp, ignored);
    throw;
  } catch (const std::runtime_error& e) {
    std::error_code ignored;
    if (!direct) fs::remove(tmp, ignored);
    std::string what = e.what();
    const std::string t = tmp.string();
    for (auto at = what.find(t); at != std::string::npos; at = what.find(t))
      what.replace(at, t.size(), path);
    throw OutputError(what);
  } catch (...) {
    std::error_code ignored;
    if (!direct) fs::remove(tmp, ignored);
    throw;
  }
}

void add_output_option(CLI::App* cmd, std::string& path) {
  cmd->add_option("-o,--output", path,
                  "Write the result to FILE instead of standard output ('-' = standard output)");
}

namespace {

class ProgressSource final : public WorkloadSource {
 public:
  explicit ProgressSource(std::unique_ptr<WorkloadSource> src)
      : src_(std::move(src)), last_(std::chrono::steady_clock::now()) {}
  ~ProgressSource() override {
    if (shown_) std::fputs("\r\033[K", stderr);
  }
  bool next(Invocation& out) override {
    const bool more = src_->next(out);
    if (more && (++n_ & 0xFFFF) == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_ >= std::chrono::seconds(2)) {
        last_ = now;
        shown_ = true;
        std::fprintf(stderr, "\r\033[Kslsim: %s invocations read, simulated time %.0f s",
                     grouped(n_).c_str(),
                     std::chrono::duration<double>(out.arrival.time_since_epoch()).count());
        std::fflush(stderr);
      }
    }
    return more;
  }
  const FunctionTable& functions() const override { return src_->functions(); }
  std::string describe() const override { return src_->describe(); }
  std::uint64_t skipped_rows() const override { return src_->skipped_rows(); }
  std::vector<std::string> skipped_examples() const override { return src_->skipped_examples(); }
  bool memory_is_lambda_setting() const override { return src_->memory_is_lambda_setting(); }

 private:
  std::unique_ptr<WorkloadSource> src_;
  std::uint64_t n_ = 0;
  std::chrono::steady_clock::time_point last_;
  bool shown_ = false;
};

}  // namespace

std::unique_ptr<WorkloadSource> with_progress(std::unique_ptr<WorkloadSource> src) {
  if (!::isatty(STDERR_FILENO)) return src;
  return std::make_unique<ProgressSource>(std::move(src));
}

std::string default_scenario() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "slsim" / "default.toml";
    if (fs::exists(installed, ec)) return installed.lexically_normal().string();
  }
  return SLSIM_DEFAULT_SCENARIO;
}

std::string flag_of(const std::string& key) {
  const auto dot = key.rfind('.');
  std::string k = dot == std::string::npos ? key : key.substr(dot + 1);
  for (auto& ch : k)
    if (ch == '_') ch = '-';
  return "--" + k;
}

std::string flag_message(const std::string& flag, const std::string& key,
                         const std::string& message) {
  const auto dot = key.rfind('.');
  const std::string k = dot == std::string::npos ? key : key.substr(dot + 1);
  std::string m = message;
  for (const std::string& lead : {k + ": ", k + " "}) {
    if (!k.empty() && m.rfind(lead, 0) == 0) {
      m.erase(0, lead.size());
      break;
    }
  }
  return flag + ": " + m;
}

}  // namespace slsim::cli

namespace slsim::cli {

FlagSpelling flag_spelling(std::function<std::optional<bool>(const std::string& key)> takes_value) {
  return [takes_value = std::move(takes_value)](
             const std::string& key, const std::string* value) -> std::optional<std::string> {
    const auto tv = takes_value(key);
    if (!tv) return std::nullopt;
    const std::string flag = flag_of(key);
    if (!value) {
      // A bare word names a setting only when it cannot be prose ("spot", "tasks" can).
      if (key.find('_') == std::string::npos) return std::nullopt;
      return flag;
    }
    if (*tv) return flag + " " + *value;
    return *value == "true" ? flag : std::optional<std::string>(flag + "=" + *value);
  };
}

std::string advice_as_flags(const std::string& message, const FlagSpelling& spell) {
  const auto word_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  };
  std::string out;
  std::size_t i = 0;
  while (i < message.size()) {
    const char c = message[i];
    const bool starts =
        word_char(c) && !(c >= '0' && c <= '9') &&
        (i == 0 || (!word_char(message[i - 1]) && message[i - 1] != '-' && message[i - 1] != '.' &&
                    !std::isupper(static_cast<unsigned char>(message[i - 1]))));
    if (!starts) {
      out += c;
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < message.size() && word_char(message[j]))
      ++j;
    const std::string word = message.substr(i, j - i);
    // "[ecs] spot": a file's table names the key; left as it is.
    const bool after_table = out.size() >= 2 && out.compare(out.size() - 2, 2, "] ") == 0;
    // "KEY = VALUE": the value up to a space, comma, semicolon or closing parenthesis.
    std::optional<std::string> value;
    std::size_t end = j;
    if (message.compare(j, 3, " = ") == 0) {
      std::size_t k = j + 3;
      while (k < message.size() && message[k] != ' ' && message[k] != ',' && message[k] != ';' &&
             message[k] != ')')
        ++k;
      while (k > j + 3 && (message[k - 1] == '.' || message[k - 1] == ':'))
        --k;  // the sentence's, not the value's
      if (k > j + 3) {
        std::string v = message.substr(j + 3, k - j - 3);
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        value = v;
        end = k;
      }
    }
    const auto spelled = after_table ? std::nullopt : spell(word, value ? &*value : nullptr);
    if (spelled) {
      out += *spelled;
      i = end;
    } else {
      out += word;
      i = j;
    }
  }
  return out;
}

}  // namespace slsim::cli
