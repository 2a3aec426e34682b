#include "ec2_capacity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "slsim/platform/config_error.hpp"

namespace slsim::batch_detail {

namespace {

// Batch's "optimal" chooses from the C, M and R families (AWS Batch API, ComputeResource
// instanceTypes: "optimal to select instance types (from the C4, M4, and R4 instance families)
// ... newer families"); slsim takes every x86_64 c, m and r type of the rate card.
bool optimal_family(const Ec2Instance& i) {
  return i.arch == Arch::kX86_64 && !i.type.empty() &&
         (i.type[0] == 'c' || i.type[0] == 'm' || i.type[0] == 'r');
}

// ECS registers less memory than an instance's nominal memory: an m4.large registers 7,985 of
// 8,192 MiB (97.5%; ECS developer guide, memory management,
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html), an
// m6i.large 7,817 MiB (95.4%; aws/amazon-ecs-ami issue #597, 2025-12-13). slsim takes 97.5%, the
// figure the ECS container model (registered_memory_pct) uses, then the Batch agent's 32 MiB.
constexpr double kRegisteredMemoryPct = 97.5;

}  // namespace

Ec2Capacity::Ec2Capacity(const BatchComputeEnvironment& ce, const RateCard& rc, Date as_of,
                         const std::string& region, std::uint32_t reserved_mib,
                         Duration granularity, Duration minimum)
    : granularity_(granularity), minimum_(minimum) {
  std::vector<std::string> names = ce.instance_types;
  const bool optimal =
      names.empty() || std::find(names.begin(), names.end(), "optimal") != names.end();
  if (optimal) {
    names.erase(std::remove(names.begin(), names.end(), "optimal"), names.end());
    for (const auto& t : rc.instance_types(as_of, region)) {
      if (optimal_family(rc.instance(t, as_of, region)) &&
          std::find(names.begin(), names.end(), t) == names.end())
        names.push_back(t);
    }
  }
  for (const auto& n : names) {
    const Ec2Instance shape = rc.instance(n, as_of, region);
    // The price per vCPU ranks types as best fit progressive does (cheaper per vCPU first).
    Ec2Usage one;
    one.instance_type = n;
    one.instances = 1;
    one.instance_s = std::uint64_t{3600} * 1'000'000;  // a million hours: exact after cents
    Usage u;
    u.ec2.push_back(one);
    PricingOptions po;
    po.as_of = as_of;
    po.region = region;
    const double hour = rc.price(u, po).total_usd() / 1e6;
    InstanceType t;
    t.name = n;
    t.vcpu_milli = static_cast<std::uint32_t>(std::llround(shape.vcpu * 1000));
    t.memory_gib = shape.memory_gib;
    const auto mib = static_cast<std::int64_t>(
                         std::floor(shape.memory_gib * 1024 * kRegisteredMemoryPct / 100)) -
                     reserved_mib;
    t.memory_mib = static_cast<std::uint32_t>(std::max<std::int64_t>(mib, 0));
    t.price_per_vcpu = hour / shape.vcpu;
    types_.push_back(t);
  }
  if (types_.empty()) {
    throw ConfigError("instance_types",
                      fmt::format("compute environment '{}' has no instance type slsim has prices "
                                  "for in {} on {}",
                                  ce.name, region, as_of.str()));
  }
  billed_s_.assign(types_.size(), 0);
  billed_n_.assign(types_.size(), 0);
  min_milli_ = static_cast<std::uint64_t>(std::llround(ce.min_vcpus * 1000));
  max_milli_ = static_cast<std::uint64_t>(std::llround(ce.max_vcpus * 1000));
}

const InstanceType& Ec2Capacity::largest() const {
  const InstanceType* best = &types_.front();
  for (const auto& t : types_) {
    if (t.vcpu_milli > best->vcpu_milli ||
        (t.vcpu_milli == best->vcpu_milli && t.memory_mib > best->memory_mib))
      best = &t;
  }
  return *best;
}

std::uint32_t Ec2Capacity::pick(std::uint32_t vcpu_milli, std::uint32_t mib) const {
  std::uint32_t best = kNone;
  for (std::uint32_t i = 0; i < types_.size(); ++i) {
    const auto& t = types_[i];
    if (t.vcpu_milli < vcpu_milli || t.memory_mib < mib) continue;
    if (best == kNone || t.price_per_vcpu < types_[best].price_per_vcpu - 1e-12 ||
        (std::fabs(t.price_per_vcpu - types_[best].price_per_vcpu) <= 1e-12 &&
         t.vcpu_milli < types_[best].vcpu_milli))
      best = i;
  }
  return best;
}

std::uint32_t Ec2Capacity::find_room(std::uint32_t vcpu_milli, std::uint32_t mib) const {
  for (const std::uint32_t i : with_room_) {
    const Instance& in = inst_[i];
    if (in.free_vcpu_milli >= vcpu_milli && in.free_mib >= mib) return i;
  }
  return kNone;
}

std::uint32_t Ec2Capacity::add_instance(std::uint32_t type, TimePoint now, TimePoint ready) {
  std::uint32_t i;
  if (!free_.empty()) {
    i = free_.back();
    free_.pop_back();
  } else {
    i = static_cast<std::uint32_t>(inst_.size());
    inst_.emplace_back();
  }
  Instance& in = inst_[i];
  in.type = type;
  in.free_vcpu_milli = types_[type].vcpu_milli;
  in.free_mib = types_[type].memory_mib;
  in.alive = true;
  in.idle_check_pending = false;
  in.launched = now;
  in.ready = ready;
  in.jobs.clear();
  alive_milli_ += types_[type].vcpu_milli;
  ++alive_count_;
  ++launches_;
  room_add(i);
  return i;
}

std::uint32_t Ec2Capacity::launch_for(std::uint32_t vcpu_milli, std::uint32_t mib, TimePoint now,
                                      Duration launch_delay) {
  if (alive_milli_ >= max_milli_) return kNone;
  const std::uint32_t t = pick(vcpu_milli, mib);
  if (t == kNone) return kNone;
  return add_instance(t, now, now + launch_delay);
}

std::uint32_t Ec2Capacity::launch_ready(TimePoint now, Duration delay) {
  return add_instance(pick(0, 0), now, now + delay);
}

void Ec2Capacity::room_add(std::uint32_t i) {
  Instance& in = inst_[i];
  if (in.room_pos != kNone) return;
  in.room_pos = static_cast<std::uint32_t>(with_room_.size());
  with_room_.push_back(i);
}

void Ec2Capacity::room_remove(std::uint32_t i) {
  Instance& in = inst_[i];
  if (in.room_pos == kNone) return;
  // Keep launch order (first fit in launch order packs the oldest instances first).
  with_room_.erase(with_room_.begin() + in.room_pos);
  for (std::size_t k = in.room_pos; k < with_room_.size(); ++k)
    inst_[with_room_[k]].room_pos = static_cast<std::uint32_t>(k);
  in.room_pos = kNone;
}

void Ec2Capacity::assign(std::uint32_t i, std::uint32_t job, std::uint32_t vcpu_milli,
                         std::uint32_t mib) {
  Instance& in = inst_[i];
  in.free_vcpu_milli -= vcpu_milli;
  in.free_mib -= mib;
  in.jobs.push_back(job);
  ++in.idle_gen;
  if (in.free_vcpu_milli < 1000 || in.free_mib < 4) room_remove(i);
}

void Ec2Capacity::release(std::uint32_t i, std::uint32_t job, std::uint32_t vcpu_milli,
                          std::uint32_t mib) {
  Instance& in = inst_[i];
  in.free_vcpu_milli += vcpu_milli;
  in.free_mib += mib;
  auto it = std::find(in.jobs.begin(), in.jobs.end(), job);
  if (it != in.jobs.end()) {
    *it = in.jobs.back();
    in.jobs.pop_back();
  }
  if (in.room_pos == kNone && in.free_vcpu_milli >= 1000 && in.free_mib >= 4) {
    // Back into the list at its launch-order place.
    auto pos = std::lower_bound(with_room_.begin(), with_room_.end(), i,
                                [&](std::uint32_t a, std::uint32_t b) {
                                  return inst_[a].launched < inst_[b].launched ||
                                         (inst_[a].launched == inst_[b].launched && a < b);
                                });
    const auto k = static_cast<std::size_t>(pos - with_room_.begin());
    with_room_.insert(pos, i);
    for (std::size_t m = k; m < with_room_.size(); ++m)
      inst_[with_room_[m]].room_pos = static_cast<std::uint32_t>(m);
  }
}

bool Ec2Capacity::above_min_without(std::uint32_t i) const {
  return alive_milli_ - types_[inst_[i].type].vcpu_milli >= min_milli_;
}

void Ec2Capacity::terminate(std::uint32_t i, TimePoint now) {
  Instance& in = inst_[i];
  const Duration billed = billable(now - in.launched, granularity_, minimum_);
  billed_s_[in.type] += static_cast<std::uint64_t>(billed.count() / 1'000'000);
  billed_n_[in.type] += 1;
  room_remove(i);
  in.alive = false;
  in.idle_check_pending = false;
  ++in.life;
  ++in.idle_gen;
  alive_milli_ -= types_[in.type].vcpu_milli;
  --alive_count_;
  free_.push_back(i);
}

std::vector<Ec2Usage> Ec2Capacity::usage(bool spot) const {
  std::vector<Ec2Usage> out;
  for (std::size_t t = 0; t < types_.size(); ++t) {
    if (billed_n_[t] == 0) continue;
    Ec2Usage u;
    u.instance_type = types_[t].name;
    u.spot = spot;
    u.instances = billed_n_[t];
    u.instance_s = billed_s_[t];
    out.push_back(u);
  }
  return out;
}

std::vector<std::uint32_t> Ec2Capacity::alive() const {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < inst_.size(); ++i)
    if (inst_[i].alive) out.push_back(i);
  return out;
}

double Ec2Capacity::billed_instance_s() const {
  double s = 0;
  for (auto b : billed_s_)
    s += static_cast<double>(b);
  return s;
}

}  // namespace slsim::batch_detail
