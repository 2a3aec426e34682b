// libFuzzer target: the Azure Functions 2019 reader (Azure2019Reader) with its companion files.
//
// Input layout: up to three files separated by a line `====`: the invocations file, the
// durations file (function_durations_percentiles) and, optionally, the memory file
// (app_memory_percentiles or invitro's per-function variant). A real invocations row has 1,444
// columns, which a mutator rarely keeps intact, so an invocations part that starts with the
// line `#compact` is expanded by the harness: the canonical header is written for it and each
// following row is padded with `,0` minute columns up to 1,444 (rows with more are left as
// they are). The reader runs with or without a default duration for functions missing from
// the durations file (picked by fuzz::variant()). Bad input must be refused with TraceError (or
// invalid_argument for options); accepted output must be sorted with valid ids.

#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "slsim/core/distribution.hpp"
#include "slsim/workload/azure_trace.hpp"

namespace {

constexpr int kMinutes = 1440;

std::vector<std::string_view> split_parts(std::string_view in) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto at = in.find("\n====\n");
    if (at == std::string_view::npos || parts.size() == 2) break;
    parts.push_back(in.substr(0, at + 1));
    in.remove_prefix(at + 6);
  }
  parts.push_back(in);
  return parts;
}

std::string expand_compact(std::string_view body) {
  std::string out = "HashOwner,HashApp,HashFunction,Trigger";
  for (int m = 1; m <= kMinutes; ++m)
    out += "," + std::to_string(m);
  out += '\n';
  while (!body.empty()) {
    const auto nl = body.find('\n');
    const std::string_view line = body.substr(0, nl);
    out.append(line);
    std::size_t fields = 1;
    for (char c : line)
      fields += c == ',' ? 1 : 0;
    for (; fields < 4 + kMinutes; ++fields)
      out += ",0";
    out += '\n';
    if (nl == std::string_view::npos) break;
    body.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slsim;
  const auto parts = split_parts({reinterpret_cast<const char*>(data), size});
  std::string_view inv = parts[0];
  std::string expanded;
  if (inv.rfind("#compact\n", 0) == 0) {
    expanded = expand_compact(inv.substr(9));
    inv = expanded;
  }
  Azure2019Options o;
  const std::string inv_path = fuzz::write_file("invocations.csv", inv);
  o.durations_path = fuzz::write_file("durations.csv", parts.size() > 1 ? parts[1] : "");
  if (parts.size() > 2) o.memory_path = fuzz::write_file("memory.csv", parts[2]);
  o.seed = size;
  fuzz::expect_clean([&] {
    if (fuzz::variant(data, size) % 2) {
      o.default_duration_ms = Distribution::constant(50);
      o.default_memory_mb = 128;
      o.day = 1;
    }
    Azure2019Reader r(inv_path, o);
    fuzz::drain(r, 20'000);
  });
  return 0;
}
