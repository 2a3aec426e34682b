#pragma once
/// Several workloads replayed together (an HTTP API, a queue consumer and a nightly job in one
/// system), and a scheduled job generator (cron-like: `count` invocations every `every_s`).
///
/// Design notes: `MixSource` merges its sources by arrival (ties go to the earlier source, so
/// the order is deterministic) and keeps its own function table: a function's id is assigned the
/// first time one of its invocations passes, names are kept as the sources give them (two
/// sources naming the same function share it). Streaming: one pending invocation per source.

#include <cstdint>
#include <memory>
#include <vector>

#include "slsim/core/rng.hpp"
#include "slsim/workload/generators.hpp"
#include "slsim/workload/workload.hpp"

namespace slsim {

struct ScheduleOptions : GeneratorOptions {
  double at_s = 7'200;      ///< first run, seconds after the trace start (default 02:00)
  double every_s = 86'400;  ///< period (default daily), > 0
  std::uint32_t count = 1;  ///< invocations per run, >= 1
};

/// `count` invocations at at_s, at_s + every_s, ... before duration_s; durations from
/// `duration_ms` (its own RNG stream). `rate_per_s` is not used.
class ScheduleSource final : public WorkloadSource {
 public:
  explicit ScheduleSource(ScheduleOptions options);
  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return functions_; }
  std::string describe() const override;
  std::optional<double> declared_span_s() const override { return o_.duration_s; }
  /// memory_mb, when given, is the size the durations were measured at, as a CSV row's is.
  bool memory_is_lambda_setting() const override { return true; }

 private:
  ScheduleOptions o_;
  FunctionTable functions_;
  FunctionId id_ = 0;
  RngStream durations_;
  double t_s_;
  std::uint32_t left_ = 0;
};

/// One more workload of a scenario's mix: a generator (GeneratorSpec) or a schedule.
struct MixEntry {
  bool schedule = false;
  GeneratorSpec generator;    ///< when !schedule
  ScheduleOptions scheduled;  ///< when schedule
};

/// The seed of the `index`-th extra workload of a scenario whose seed is `seed` (so each
/// workload of a mix draws from its own streams).
inline std::uint64_t mix_seed(std::uint64_t seed, std::size_t index) {
  return seed + 0x9e3779b97f4a7c15ULL * (index + 1);
}

/// Builds the entry's source; throws std::invalid_argument for bad options.
std::unique_ptr<WorkloadSource> make_mix_entry(const MixEntry& e);

class MixSource final : public WorkloadSource {
 public:
  explicit MixSource(std::vector<std::unique_ptr<WorkloadSource>> sources);
  bool next(Invocation& out) override;
  const FunctionTable& functions() const override { return functions_; }
  std::string describe() const override;
  /// The longest span any part declares (none when no part declares one).
  std::optional<double> declared_span_s() const override;
  std::uint64_t skipped_rows() const override;
  /// True only when every source's memory is a Lambda setting.
  bool memory_is_lambda_setting() const override;

 private:
  struct Slot {
    std::unique_ptr<WorkloadSource> source;
    Invocation pending;
    bool has = false;
    std::vector<FunctionId> ids;  ///< source's function id -> ours (kNone until seen)
  };
  std::vector<Slot> slots_;
  FunctionTable functions_;
};

}  // namespace slsim
