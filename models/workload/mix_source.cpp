#include "slsim/workload/mix_source.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace slsim {

namespace {
constexpr FunctionId kNone = std::numeric_limits<FunctionId>::max();
}

ScheduleSource::ScheduleSource(ScheduleOptions options)
    : o_(std::move(options)), durations_(o_.seed, 2), t_s_(o_.at_s) {
  if (!(o_.duration_s > 0) || !std::isfinite(o_.duration_s)) {
    throw std::invalid_argument(
        fmt::format("duration_s must be a finite number > 0, got {}", o_.duration_s));
  }
  if (!(o_.every_s > 0) || !std::isfinite(o_.every_s)) {
    throw std::invalid_argument(fmt::format("every_s must be a number > 0, got {}", o_.every_s));
  }
  if (!(o_.at_s >= 0) || !std::isfinite(o_.at_s)) {
    throw std::invalid_argument(fmt::format("at_s must be a number >= 0, got {}", o_.at_s));
  }
  if (o_.count < 1) throw std::invalid_argument("count must be >= 1");
  id_ = functions_.intern(o_.function, o_.memory_mb);
  left_ = o_.count;
}

bool ScheduleSource::next(Invocation& out) {
  if (left_ == 0) {
    t_s_ += o_.every_s;
    left_ = o_.count;
  }
  if (t_s_ >= o_.duration_s) return false;
  --left_;
  out.arrival = TimePoint{from_seconds(t_s_)};
  out.work = from_millis(std::max(0.0, o_.duration_ms.sample(durations_)));
  out.function = id_;
  out.memory_mb = o_.memory_mb;
  out.type = o_.type;
  return true;
}

std::string ScheduleSource::describe() const {
  return fmt::format("schedule {} x every {} s from {} s for {} s, duration_ms {}", o_.count,
                     o_.every_s, o_.at_s, o_.duration_s, o_.duration_ms.text());
}

std::unique_ptr<WorkloadSource> make_mix_entry(const MixEntry& e) {
  if (e.schedule) return std::make_unique<ScheduleSource>(e.scheduled);
  return make_generator(e.generator);
}

MixSource::MixSource(std::vector<std::unique_ptr<WorkloadSource>> sources) {
  if (sources.empty()) throw std::invalid_argument("a workload mix needs at least one source");
  for (auto& s : sources) {
    Slot slot;
    slot.source = std::move(s);
    slot.has = slot.source->next(slot.pending);
    slots_.push_back(std::move(slot));
  }
}

bool MixSource::next(Invocation& out) {
  Slot* best = nullptr;
  for (auto& s : slots_) {
    if (s.has && (!best || s.pending.arrival < best->pending.arrival)) best = &s;
  }
  if (!best) return false;
  out = best->pending;
  const FunctionId id = out.function;
  if (best->ids.size() <= id) best->ids.resize(id + 1, kNone);
  if (best->ids[id] == kNone) {
    const auto& f = best->source->functions()[id];
    best->ids[id] = functions_.intern(f.name, f.memory_mb);
  }
  out.function = best->ids[id];
  best->has = best->source->next(best->pending);
  return true;
}

std::string MixSource::describe() const {
  std::string d = "mix of ";
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    d += (i ? " + " : "") + slots_[i].source->describe();
  }
  return d;
}

std::optional<double> MixSource::declared_span_s() const {
  std::optional<double> span;
  for (const auto& s : slots_) {
    if (const auto d = s.source->declared_span_s()) span = std::max(span.value_or(0.0), *d);
  }
  return span;
}

std::uint64_t MixSource::skipped_rows() const {
  std::uint64_t n = 0;
  for (const auto& s : slots_)
    n += s.source->skipped_rows();
  return n;
}

bool MixSource::memory_is_lambda_setting() const {
  for (const auto& s : slots_) {
    if (!s.source->memory_is_lambda_setting()) return false;
  }
  return true;
}

}  // namespace slsim
