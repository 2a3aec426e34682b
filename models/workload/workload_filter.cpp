#include "slsim/workload/workload_filter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_set>

#include "slsim/platform/config_error.hpp"

namespace slsim {

namespace {

class FilteredSource final : public WorkloadSource {
 public:
  FilteredSource(std::unique_ptr<WorkloadSource> src, SelectOptions o,
                 std::unordered_set<std::string> keep)
      : src_(std::move(src)),
        o_(std::move(o)),
        keep_(std::move(keep)),
        start_(from_seconds(o_.start_s)),
        end_(std::isinf(o_.end_s) ? Duration::max() : from_seconds(o_.end_s)),
        span_end_(o_.span_s ? from_seconds(*o_.span_s) : Duration::max()) {}

  bool next(Invocation& out) override {
    while (!done_ && src_->next(out)) {
      const Duration t = out.arrival.time_since_epoch();
      if (t > span_end_) late_arrival(t);
      if (t < start_) continue;
      if (t >= end_) {
        done_ = true;  // sorted input: nothing later can be in the window
        break;
      }
      if (!keep_.empty()) {
        if (out.function >= allowed_.size()) grow();
        if (!allowed_[out.function]) continue;
      }
      if (o_.time_scale != 1.0 || o_.rebase) {
        const double rel = static_cast<double>((t - start_).count()) / o_.time_scale;
        // Times must stay representable (and sensible): at most 100 years of simulated time.
        constexpr double kMaxUs = 100 * 365.25 * 86400 * 1e6;
        if (!(rel <= kMaxUs)) {
          throw ConfigError("time_scale",
                            fmt::format("{:g} stretches the arrivals beyond 100 years of "
                                        "simulated time; use a larger time_scale",
                                        o_.time_scale));
        }
        const Duration base = o_.rebase ? Duration{0} : start_;
        out.arrival = TimePoint{base + Duration{static_cast<std::int64_t>(std::llround(rel))}};
      }
      return true;
    }
    return false;
  }
  const FunctionTable& functions() const override { return src_->functions(); }
  std::uint64_t skipped_rows() const override { return src_->skipped_rows(); }
  std::vector<std::string> skipped_examples() const override { return src_->skipped_examples(); }
  bool memory_is_lambda_setting() const override { return src_->memory_is_lambda_setting(); }
  const LambdaObservation* observation() const override { return src_->observation(); }
  std::optional<double> declared_span_s() const override {
    const auto d = o_.span_s ? o_.span_s : src_->declared_span_s();
    if (!d) return std::nullopt;
    // The part of the declared period inside the window, in the output's time.
    const double hi = std::min(*d, o_.end_s);
    const double len = std::max(0.0, hi - o_.start_s) / o_.time_scale;
    return o_.rebase ? len : o_.start_s + len;
  }
  std::string describe() const override {
    std::string d = src_->describe();
    if (!keep_.empty()) d += fmt::format(", {} functions selected", keep_.size());
    if (o_.start_s != 0 || !std::isinf(o_.end_s))
      d += fmt::format(", window [{}, {}) s", o_.start_s, o_.end_s);
    if (o_.time_scale != 1.0) d += fmt::format(", replayed at {}x", o_.time_scale);
    return d;
  }

 private:
  [[noreturn]] void late_arrival(Duration t) const {
    throw ConfigError(
        "span_s",
        fmt::format("the trace has an arrival at {:.6g} s, after the declared span of {:.6g} s: "
                    "the span must cover every arrival (at least the last arrival's time)",
                    to_seconds(t), *o_.span_s));
  }
  void grow() {
    const auto& fns = src_->functions();
    for (std::size_t i = allowed_.size(); i < fns.size(); ++i) {
      allowed_.push_back(keep_.count(fns[static_cast<FunctionId>(i)].name) != 0);
    }
  }
  std::unique_ptr<WorkloadSource> src_;
  SelectOptions o_;
  std::unordered_set<std::string> keep_;
  std::vector<bool> allowed_;
  Duration start_, end_, span_end_;
  bool done_ = false;
};

// Functions kept by name, with a table of its own (ids in order of first arrival).
class KeepFunctionsSource final : public WorkloadSource {
 public:
  KeepFunctionsSource(std::unique_ptr<WorkloadSource> src, std::unordered_set<std::string> keep)
      : src_(std::move(src)), keep_(std::move(keep)) {}

  bool next(Invocation& out) override {
    while (src_->next(out)) {
      if (out.function >= ids_.size()) grow();
      FunctionId& id = ids_[out.function];
      if (id == kDrop) continue;
      if (id == kUnseen) {
        const auto& f = src_->functions()[out.function];
        id = functions_.intern(f.name, f.memory_mb);
      }
      out.function = id;
      return true;
    }
    return false;
  }
  const FunctionTable& functions() const override { return functions_; }
  std::uint64_t skipped_rows() const override { return src_->skipped_rows(); }
  std::vector<std::string> skipped_examples() const override { return src_->skipped_examples(); }
  bool memory_is_lambda_setting() const override { return src_->memory_is_lambda_setting(); }
  const LambdaObservation* observation() const override { return src_->observation(); }
  std::optional<double> declared_span_s() const override { return src_->declared_span_s(); }
  std::string describe() const override {
    return fmt::format("{}, {} function{} selected", src_->describe(), keep_.size(),
                       keep_.size() == 1 ? "" : "s");
  }

 private:
  static constexpr FunctionId kUnseen = static_cast<FunctionId>(-1);
  static constexpr FunctionId kDrop = static_cast<FunctionId>(-2);
  void grow() {
    const auto& fns = src_->functions();
    for (std::size_t i = ids_.size(); i < fns.size(); ++i)
      ids_.push_back(keep_.count(fns[static_cast<FunctionId>(i)].name) ? kUnseen : kDrop);
  }
  std::unique_ptr<WorkloadSource> src_;
  std::unordered_set<std::string> keep_;
  std::vector<FunctionId> ids_;  ///< source's id -> ours (kUnseen, kDrop)
  FunctionTable functions_;
};

}  // namespace

std::unique_ptr<WorkloadSource> keep_functions(std::unique_ptr<WorkloadSource> source,
                                               std::vector<std::string> functions) {
  if (functions.empty()) return source;
  return std::make_unique<KeepFunctionsSource>(
      std::move(source), std::unordered_set<std::string>(functions.begin(), functions.end()));
}

std::vector<std::string> function_names(const SourceFactory& open) {
  auto src = open();
  std::vector<std::uint64_t> first;  // order of first arrival, by source id
  std::uint64_t n = 0;
  Invocation inv;
  while (src->next(inv)) {
    if (inv.function >= first.size()) first.resize(inv.function + 1, 0);
    if (first[inv.function] == 0) first[inv.function] = ++n;
  }
  std::vector<std::pair<std::uint64_t, std::string>> seen;
  for (FunctionId id = 0; id < first.size(); ++id)
    if (first[id]) seen.emplace_back(first[id], src->functions()[id].name);
  std::sort(seen.begin(), seen.end());
  std::vector<std::string> names;
  for (auto& [k, name] : seen)
    names.push_back(std::move(name));
  return names;
}

void validate_span_s(std::optional<double> span_s) {
  if (!span_s) return;
  constexpr double kMaxS = 100 * 365.25 * 86400;
  if (!(*span_s > 0) || !(*span_s <= kMaxS)) {
    throw ConfigError("span_s", fmt::format("{:g} is not allowed: the period the trace stands for, "
                                            "a number of seconds > 0 and at most 100 years "
                                            "(a nightly batch: 86400)",
                                            *span_s));
  }
}

std::unique_ptr<WorkloadSource> select(const SourceFactory& open, const SelectOptions& options) {
  validate_span_s(options.span_s);
  if (!(options.time_scale > 0) || !std::isfinite(options.time_scale)) {
    throw std::invalid_argument(
        fmt::format("time_scale must be a finite number > 0, got {}", options.time_scale));
  }
  if (!(options.start_s >= 0) || !(options.end_s > options.start_s)) {
    throw std::invalid_argument(
        fmt::format("the window must satisfy 0 <= start_s < end_s, got [{}, {})", options.start_s,
                    options.end_s));
  }
  if (options.is_identity()) return open();
  std::unordered_set<std::string> keep(options.functions.begin(), options.functions.end());
  if (options.top_n > 0) {
    // Counting pass over the window (and the function list, when given).
    SelectOptions window = options;
    window.top_n = 0;
    window.time_scale = 1.0;
    auto counting = select(open, window);
    std::vector<std::uint64_t> n;
    Invocation inv;
    while (counting->next(inv)) {
      if (inv.function >= n.size()) n.resize(inv.function + 1, 0);
      ++n[inv.function];
    }
    std::vector<FunctionId> order;
    for (FunctionId i = 0; i < n.size(); ++i)
      if (n[i] > 0) order.push_back(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](FunctionId a, FunctionId b) { return n[a] > n[b]; });
    order.resize(std::min(order.size(), options.top_n));
    keep.clear();
    for (FunctionId id : order)
      keep.insert(counting->functions()[id].name);
    if (keep.empty()) keep.insert(std::string("\0none", 5));  // nothing in the window: keep nothing
  }
  return std::make_unique<FilteredSource>(open(), options, std::move(keep));
}

}  // namespace slsim
