#pragma once
// Shared pieces of the libFuzzer targets (tests/fuzz/fuzz_*.cpp).
//
// The contract every target checks: an input is either accepted, or refused with one of the
// errors slsim promises for bad input (TraceError, ScenarioError, std::invalid_argument and its
// subclasses ConfigError and PricingError) carrying a non-empty message. Any other exception, a
// crash, a hang or a sanitizer report is a finding. Accepted workloads are also checked: arrivals
// in non-decreasing order, no negative work, function ids inside the function table.
//
// Readers and the scenario loader take paths, so inputs are written to files in a private
// temporary directory made once per process (libFuzzer runs inputs one after another in one
// process; with -fork or -jobs every worker is its own process and gets its own directory).

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include "slsim/workload/trace_error.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim::fuzz {

/// Prints `what` and aborts: libFuzzer records the input as a crash.
[[noreturn]] inline void finding(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "\n*** slsim fuzz finding: %.*s%s%.*s\n", static_cast<int>(what.size()),
               what.data(), detail.empty() ? "" : ": ", static_cast<int>(detail.size()),
               detail.data());
  std::fflush(stderr);
  std::abort();
}

#define SLSIM_FUZZ_CHECK(cond, detail)                                   \
  do {                                                                   \
    if (!(cond)) ::slsim::fuzz::finding("check failed: " #cond, detail); \
  } while (0)

/// A private directory for this process's input files (removed at exit).
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/slsim-fuzz-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) finding("cannot create a scratch directory", templ);
    return templ;
  }();
  return dir;
}

/// Writes `data` to `name` inside the scratch directory and returns the full path.
inline std::string write_file(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::string path = scratch_dir() + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) finding("cannot write a scratch file", path);
  if (size > 0 && std::fwrite(data, 1, size, f) != size) finding("short write", path);
  std::fclose(f);
  return path;
}
inline std::string write_file(const std::string& name, std::string_view text) {
  return write_file(name, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

/// A number derived from the input (FNV-1a), to pick the reader options an input is run with:
/// one reader per input rather than one per option set, since each reader costs a 2 MiB buffer
/// (LineReader), which dominates the time per input under ASan. The same input always picks
/// the same options, so a finding reproduces.
inline std::uint64_t variant(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i < size; ++i)
    h = (h ^ data[i]) * 0x100000001b3ULL;
  return h;
}

/// With $SLSIM_FUZZ_VERBOSE set, clean refusals are printed (to see what a seed reaches).
inline void refused(const std::exception& e) {
  static const bool verbose = std::getenv("SLSIM_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "refused: %s\n", e.what());
}

/// Runs `f`; a clean refusal of bad input returns false, success true, anything else aborts.
/// The extra clean error types of a target (ScenarioError) are the template's `Clean...`.
template <class... Clean, class F>
bool expect_clean(F&& f) {
  try {
    f();
    return true;
  } catch (const TraceError& e) {
    SLSIM_FUZZ_CHECK(*e.what() != '\0', "TraceError with an empty message");
    refused(e);
  } catch (const std::invalid_argument& e) {
    SLSIM_FUZZ_CHECK(*e.what() != '\0', "invalid_argument with an empty message");
    refused(e);
  } catch (const std::exception& e) {
    if constexpr (sizeof...(Clean) > 0) {
      if ((dynamic_cast<const Clean*>(&e) || ...)) {
        SLSIM_FUZZ_CHECK(*e.what() != '\0', "error with an empty message");
        refused(e);
        return false;
      }
    }
    finding(std::string("unexpected exception ") + typeid(e).name(), e.what());
  } catch (...) {
    finding("unexpected exception of a non-std type");
  }
  return false;
}

/// Reads at most `limit` invocations from `source`, checking what every source promises.
/// Returns the number read.
inline std::uint64_t drain(WorkloadSource& source, std::uint64_t limit = 100'000) {
  Invocation inv;
  std::uint64_t n = 0;
  TimePoint last{Duration{INT64_MIN}};
  while (n < limit && source.next(inv)) {
    SLSIM_FUZZ_CHECK(inv.arrival >= last, "arrivals out of order");
    SLSIM_FUZZ_CHECK(inv.arrival.time_since_epoch().count() >= 0, "negative arrival");
    SLSIM_FUZZ_CHECK(inv.work.count() >= 0, "negative work");
    SLSIM_FUZZ_CHECK(inv.function < source.functions().size(), "function id outside the table");
    last = inv.arrival;
    ++n;
  }
  return n;
}

}  // namespace slsim::fuzz
