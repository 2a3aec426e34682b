// keep_functions: selecting functions by name on any source (a generator, a mix), with a
// function table that lists only the functions kept (issue 20).
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "slsim/workload/generators.hpp"
#include "slsim/workload/mix_source.hpp"
#include "slsim/workload/workload_filter.hpp"

using namespace slsim;

namespace {

std::unique_ptr<WorkloadSource> two_generators() {
  GeneratorSpec a;
  a.pattern = "poisson";
  a.common.rate_per_s = 5;
  a.common.duration_s = 60;
  a.common.function = "api";
  a.common.seed = 1;
  GeneratorSpec b = a;
  b.common.function = "worker";
  b.common.seed = 2;
  std::vector<std::unique_ptr<WorkloadSource>> all;
  all.push_back(make_generator(a));
  all.push_back(make_generator(b));
  return std::make_unique<MixSource>(std::move(all));
}

}  // namespace

TEST_CASE("keep_functions: keeps only the named functions of a mix, in order", "[workload]") {
  std::uint64_t api = 0, worker = 0;
  {
    auto all = two_generators();
    Invocation inv;
    while (all->next(inv))
      (all->functions()[inv.function].name == "api" ? api : worker)++;
  }
  REQUIRE(api > 0);
  REQUIRE(worker > 0);
  auto kept = keep_functions(two_generators(), {"worker"});
  Invocation inv;
  std::uint64_t n = 0;
  TimePoint last{};
  while (kept->next(inv)) {
    ++n;
    CHECK(inv.function == 0);
    CHECK(inv.arrival >= last);
    last = inv.arrival;
  }
  CHECK(n == worker);
  // The table lists the kept function only: a model never sees the other.
  REQUIRE(kept->functions().size() == 1);
  CHECK(kept->functions()[0].name == "worker");
  CHECK(kept->declared_span_s() == Approx(60));
}

TEST_CASE(
    "keep_functions: an empty list keeps everything; a name not in the workload keeps nothing",
    "[workload]") {
  auto all = keep_functions(two_generators(), {});
  Invocation inv;
  std::uint64_t n = 0;
  while (all->next(inv))
    ++n;
  CHECK(n > 0);
  auto none = keep_functions(two_generators(), {"nosuch"});
  CHECK_FALSE(none->next(inv));
  CHECK(none->functions().size() == 0);
}
