// Review of issue 19, M2: AWS Batch for sub-second jobs costs thousands a month because every
// job holds its vCPU through ~7 s of STARTING and container start. The model is right; the
// result says why, with AWS's advice to group work into jobs of 3-5 minutes.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "slsim/batch/batch.hpp"
#include "support/columns_source.hpp"

using namespace slsim;

namespace {

bool has_overhead_note(const BatchResult& r) {
  for (const auto& n : r.notes)
    if (n.find("bestpractice1.html") != std::string::npos) return true;
  return false;
}

BatchResult run(double work_ms) {
  std::vector<double> a;
  for (int i = 0; i < 200; ++i)
    a.push_back(i * 2.0);
  test::ColumnsSource src(test::one_function(a, work_ms, "jobs", InvocationType::kAsync));
  BatchOptions o;
  o.as_of = Date{2026, 11, 1};
  return simulate_batch(src, o);
}

}  // namespace

TEST_CASE("Batch: jobs much shorter than the per-job overhead get a note citing AWS's advice",
          "[batch]") {
  const auto r = run(300);
  CHECK(has_overhead_note(r));
  bool says = false;
  for (const auto& n : r.notes)
    says |= n.find("3-5 minutes") != std::string::npos && n.find("7 s") != std::string::npos;
  CHECK(says);
}

TEST_CASE("Batch: jobs of minutes get no overhead note", "[batch]") {
  CHECK_FALSE(has_overhead_note(run(240'000)));
}
