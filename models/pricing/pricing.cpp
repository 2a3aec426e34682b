#include "slsim/pricing/pricing.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "slsim/workload/trace_error.hpp"

namespace slsim {

namespace {

__extension__ using Int128 = __int128;
constexpr Int128 kZeptoPerPico = 1'000'000'000;                          // 1e-21 USD per 1e-12 USD
constexpr Int128 kZeptoPerCent = Int128(10'000'000'000'000'000'000ULL);  // 1e19

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Rows of a data file: '#' comments and blank lines skipped; the last column takes the rest of
// the line (sources may contain commas). Calls fn(fields, line_number).
template <class Fn>
void for_each_row(const std::string& text, const std::string& file, std::size_t columns, Fn fn) {
  std::istringstream in(text);
  std::string line;
  std::uint64_t no = 0;
  bool header = true;
  while (std::getline(in, line)) {
    ++no;
    const auto t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    std::vector<std::string> f;
    std::size_t start = 0;
    for (std::size_t c = 0; c + 1 < columns; ++c) {
      const auto comma = t.find(',', start);
      if (comma == std::string_view::npos) {
        throw TraceError(file, no, c + 1,
                         fmt::format("expected {} columns, found {}", columns, c + 1));
      }
      f.emplace_back(trim(t.substr(start, comma - start)));
      start = comma + 1;
    }
    f.emplace_back(trim(t.substr(start)));
    if (header) {
      header = false;
      continue;
    }
    fn(f, no);
  }
}

// "0.0000166667" -> 16'666'700 pico-dollars, exactly.
std::int64_t parse_price_pico(const std::string& s, const std::string& file, std::uint64_t line,
                              std::size_t col) {
  auto bad = [&](const std::string& why) { throw TraceError(file, line, col, why); };
  const auto dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (whole.empty() && frac.empty()) bad("empty price");
  if (frac.size() > 12) bad(fmt::format("price {} has more than 12 decimals", s));
  for (char c : whole + frac)
    if (c < '0' || c > '9') bad(fmt::format("price '{}' is not a plain decimal number", s));
  std::int64_t v = whole.empty() ? 0 : std::stoll(whole);
  for (std::size_t i = 0; i < 12; ++i)
    v = v * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  return v;
}

double parse_number(const std::string& s, const std::string& file, std::uint64_t line,
                    std::size_t col) {
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used == s.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw TraceError(file, line, col, fmt::format("'{}' is not a number", s));
}

Date parse_date(const std::string& s, const std::string& file, std::uint64_t line,
                std::size_t col) {
  try {
    return Date::parse(s);
  } catch (const std::invalid_argument& e) {
    throw TraceError(file, line, col, e.what());
  }
}

std::optional<Date> parse_opt_date(const std::string& s, const std::string& file,
                                   std::uint64_t line, std::size_t col) {
  if (s.empty()) return std::nullopt;
  return parse_date(s, file, line, col);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(path, 0, 0, "cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Exact money: amount = qty * price_pico / divisor, in 1e-21 USD.
Int128 amount_zepto(Int128 qty, std::int64_t price_pico, std::int64_t divisor) {
  const Int128 num = qty * price_pico;
  const Int128 whole = num / divisor, rem = num % divisor;
  return whole * kZeptoPerPico + rem * kZeptoPerPico / divisor;
}

std::int64_t round_cents(Int128 z) {
  // Half away from zero (AWS rounds each line item half up).
  if (z >= 0) return static_cast<std::int64_t>((z + kZeptoPerCent / 2) / kZeptoPerCent);
  return -static_cast<std::int64_t>((-z + kZeptoPerCent / 2) / kZeptoPerCent);
}

// Percent (e.g. 17.5) as parts per million of the amount.
Int128 percent_of(Int128 z, double pct) {
  if (!(pct >= 0 && pct <= 100)) {
    throw PricingError(fmt::format("a discount must be a percentage from 0 to 100, got {}", pct));
  }
  const auto ppm = static_cast<Int128>(std::llround(pct * 10'000));
  return z * ppm / 1'000'000;
}

std::string fmt_num(double v) {
  return fmt::format("{}", v);
}

}  // namespace

std::string_view to_string(Arch a) {
  return a == Arch::kArm64 ? "arm64" : "x86_64";
}

Arch parse_arch(std::string_view s) {
  if (s == "x86_64" || s == "x86") return Arch::kX86_64;
  if (s == "arm64" || s == "arm") return Arch::kArm64;
  throw PricingError(fmt::format("architecture '{}' is not x86_64 or arm64", s));
}

std::int64_t Bill::total_cents() const {
  std::int64_t t = 0;
  for (const auto& i : items)
    t += i.cents;
  return t;
}

std::vector<LineItem> Bill::lines(const Bill* without_free_tier) const {
  std::vector<LineItem> out;
  for (const auto& i : items) {
    const LineItem* whole = nullptr;
    if (without_free_tier) {
      for (const auto& w : without_free_tier->items)
        if (!whole && w.platform == i.platform && w.name == i.name && w.unit == i.unit) whole = &w;
    }
    if (whole && whole->quantity > i.quantity) {
      out.push_back({i.platform, i.name, whole->quantity, i.unit, whole->cents});
      out.push_back({i.platform, "free tier: " + i.name, whole->quantity - i.quantity, i.unit,
                     i.cents - whole->cents});
    } else {
      out.push_back(i);
    }
  }
  return out;
}

std::string Bill::to_json(const Bill* without_free_tier) const {
  nlohmann::ordered_json items_j = nlohmann::ordered_json::array();
  for (const auto& i : lines(without_free_tier)) {
    items_j.push_back({{"platform", i.platform},
                       {"name", i.name},
                       {"quantity", i.quantity},
                       {"unit", i.unit},
                       {"usd", i.usd()}});
  }
  const nlohmann::ordered_json j = {{"total_usd", total_usd()},
                                    {"as_of", as_of.str()},
                                    {"region", region},
                                    {"line_items", items_j}};
  return j.dump();
}

// ---- loading -----------------------------------------------------------------------------------

RateCard RateCard::parse(const std::string& rates_csv, const std::string& rules_csv,
                         const std::string& ec2_csv, const std::string& fargate_csv,
                         const std::string& origin) {
  RateCard rc;
  const std::string rf = origin + "/rates.csv";
  for_each_row(rates_csv, rf, 11, [&](const std::vector<std::string>& f, std::uint64_t no) {
    Rate r;
    r.service = f[0];
    r.item = f[1];
    r.region = f[2];
    r.arch = f[3];
    r.unit = f[4];
    r.tier_from = parse_number(f[5], rf, no, 6);
    if (!f[6].empty()) r.tier_to = parse_number(f[6], rf, no, 7);
    r.price_pico = parse_price_pico(f[7], rf, no, 8);
    r.from = parse_date(f[8], rf, no, 9);
    r.to = parse_opt_date(f[9], rf, no, 10);
    if (f[10].empty()) throw TraceError(rf, no, 11, "every price needs a source");
    rc.rates_.push_back(std::move(r));
  });
  const std::string uf = origin + "/rules.csv";
  for_each_row(rules_csv, uf, 5, [&](const std::vector<std::string>& f, std::uint64_t no) {
    Rule r{f[0], f[1], parse_date(f[2], uf, no, 3), parse_opt_date(f[3], uf, no, 4)};
    if (f[4].empty()) throw TraceError(uf, no, 5, "every rule needs a source");
    rc.rules_.push_back(std::move(r));
  });
  const std::string ef = origin + "/ec2_instances.csv";
  for_each_row(ec2_csv, ef, 9, [&](const std::vector<std::string>& f, std::uint64_t no) {
    Instance i;
    i.shape.type = f[0];
    try {
      i.shape.arch = parse_arch(f[1]);
    } catch (const PricingError& e) {
      throw TraceError(ef, no, 2, e.what());
    }
    i.shape.vcpu = parse_number(f[2], ef, no, 3);
    i.shape.memory_gib = parse_number(f[3], ef, no, 4);
    i.region = f[4];
    i.price_pico = parse_price_pico(f[5], ef, no, 6);
    i.from = parse_date(f[6], ef, no, 7);
    i.to = parse_opt_date(f[7], ef, no, 8);
    rc.instances_.push_back(std::move(i));
  });
  const std::string ff = origin + "/fargate_sizes.csv";
  for_each_row(fargate_csv, ff, 7, [&](const std::vector<std::string>& f, std::uint64_t no) {
    rc.sizes_.push_back({parse_number(f[0], ff, no, 1), parse_number(f[1], ff, no, 2),
                         parse_number(f[2], ff, no, 3), parse_number(f[3], ff, no, 4),
                         parse_date(f[4], ff, no, 5), parse_opt_date(f[5], ff, no, 6)});
  });
  bool have_earliest = false;
  for (const auto& r : rc.rules_) {
    if (r.name == "earliest_as_of") {
      rc.earliest_ = Date::parse(r.value);
      have_earliest = true;
    }
  }
  if (!have_earliest) throw TraceError(uf, 0, 0, "the rule earliest_as_of is missing");
  return rc;
}

RateCard RateCard::load(const std::string& dir) {
  return parse(read_file(dir + "/rates.csv"), read_file(dir + "/rules.csv"),
               read_file(dir + "/ec2_instances.csv"), read_file(dir + "/fargate_sizes.csv"), dir);
}

// ---- look-ups ----------------------------------------------------------------------------------

void RateCard::check_as_of(Date as_of) const {
  if (as_of < earliest_) {
    throw PricingError(fmt::format(
        "as_of {} is before {}, the first date slsim has AWS prices for (AWS Lambda's launch); "
        "use a date from {} on",
        as_of.str(), earliest_.str(), earliest_.str()));
  }
}

double RateCard::rule(std::string_view name, Date as_of) const {
  check_as_of(as_of);
  for (const auto& r : rules_) {
    if (r.name == name && r.in_force(as_of)) return std::stod(r.value);
  }
  throw PricingError(fmt::format("no rule '{}' is in force on {}", name, as_of.str()));
}

bool RateCard::has_rule(std::string_view name) const {
  for (const auto& r : rules_)
    if (r.name == name) return true;
  return false;
}

double RateCard::rule_or(std::string_view name, Date as_of, double fallback) const {
  check_as_of(as_of);
  for (const auto& r : rules_) {
    if (r.name == name && r.in_force(as_of)) return std::stod(r.value);
  }
  return fallback;
}

std::optional<Date> RateCard::first_in_force(std::string_view name, double value) const {
  std::optional<Date> first;
  for (const auto& r : rules_) {
    if (r.name == name && std::stod(r.value) == value && (!first || r.from < *first))
      first = r.from;
  }
  return first;
}

Ec2Instance RateCard::instance(std::string_view type, Date as_of, std::string_view region) const {
  check_as_of(as_of);
  for (const auto& i : instances_) {
    if (i.shape.type == type && i.region == region && i.in_force(as_of)) return i.shape;
  }
  const auto known = instance_types(as_of, region);
  if (known.empty()) {
    // Not an empty "known: " list: say the rate card has no EC2 prices there and then.
    std::optional<Date> first;
    for (const auto& i : instances_)
      if (i.region == region && (!first || i.from < *first)) first = i.from;
    throw PricingError(fmt::format(
        "no price for EC2 instance type '{}' in {} on {}: slsim has no EC2 prices for {} on that "
        "date{}",
        type, region, as_of.str(), region,
        first ? fmt::format(" (they start on {})", first->str()) : std::string()));
  }
  throw PricingError(fmt::format("no price for EC2 instance type '{}' in {} on {}; known: {}", type,
                                 region, as_of.str(), fmt::join(known, ", ")));
}

std::vector<std::string> RateCard::instance_types(Date as_of, std::string_view region) const {
  std::vector<std::string> out;
  for (const auto& i : instances_)
    if (i.region == region && i.in_force(as_of)) out.push_back(i.shape.type);
  return out;
}

std::vector<FargateSize> RateCard::fargate_sizes(Date as_of) const {
  std::vector<FargateSize> out;
  for (const auto& s : sizes_) {
    if (!s.in_force(as_of)) continue;
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const FargateSize& f) { return f.vcpu == s.vcpu; });
    if (it == out.end()) {
      out.push_back({s.vcpu, {}});
      it = out.end() - 1;
    }
    for (double m = s.mem_min; m <= s.mem_max + 1e-9; m += s.mem_step)
      it->memory_gb.push_back(m);
  }
  return out;
}

// ---- pricing -----------------------------------------------------------------------------------

namespace {

struct Priced {
  Int128 zepto = 0;
  double quantity = 0;  // billable, in the rate's unit
};

// Applies the tiers of (service, item, arch) in force to `qty` sub-units (qty / divisor = units),
// skipping the first `free` sub-units (taken from the lowest tier).
// Months of usage a bill covers, as the exact ratio num / den (1 / 1 when no span is given).
struct Months {
  Int128 num = 1, den = 1;
};

template <class Rates>
Priced apply_tiers(const Rates& rates, std::string_view service, std::string_view item,
                   std::string_view arch, std::string_view region, Date as_of, std::uint64_t qty,
                   std::uint64_t free, std::int64_t divisor, std::string_view what,
                   Months months = {}) {
  std::vector<const RateCard::Rate*> tiers;
  for (const auto& r : rates) {
    if (r.service == service && r.item == item && (r.arch == arch || r.arch == "any") &&
        r.region == region && r.in_force(as_of)) {
      tiers.push_back(&r);
    }
  }
  if (tiers.empty()) {
    std::optional<Date> first;
    for (const auto& r : rates) {
      if (r.service == service && r.item == item && (r.arch == arch || r.arch == "any") &&
          r.region == region && (!first || r.from < *first)) {
        first = r.from;
      }
    }
    if (first && as_of < *first) {
      throw PricingError(fmt::format("{} did not exist on {}: its first price in {} is from {}",
                                     what, as_of.str(), region, first->str()));
    }
    throw PricingError(
        fmt::format("slsim has no price for {} in {} on {} (regions with prices: "
                    "us-east-1)",
                    what, region, as_of.str()));
  }
  std::sort(tiers.begin(), tiers.end(),
            [](const auto* a, const auto* b) { return a->tier_from < b->tier_from; });
  Priced p;
  const std::uint64_t billable = qty > free ? qty - free : 0;
  p.quantity = static_cast<double>(billable) / static_cast<double>(divisor);
  for (const auto* t : tiers) {
    // Monthly breakpoints, once per month of the span (prorated).
    const Int128 lo =
        static_cast<Int128>(std::llround(t->tier_from)) * divisor * months.num / months.den;
    const Int128 hi = t->tier_to ? static_cast<Int128>(std::llround(*t->tier_to)) * divisor *
                                       months.num / months.den
                                 : static_cast<Int128>(qty) + 1;
    // Portion of [free, qty) inside [lo, hi).
    const Int128 a = std::max<Int128>(lo, free), b = std::min<Int128>(hi, qty);
    if (b > a) p.zepto += amount_zepto(b - a, t->price_pico, divisor);
  }
  return p;
}

constexpr std::int64_t kMbMsPerGbS = 1024LL * 1000;  // Lambda GB = 1,024 MB
constexpr std::int64_t kMonthUs = 730LL * 3600 * 1'000'000;

std::int64_t span_us(double span_s) {
  if (!(span_s > 0) || !std::isfinite(span_s) || span_s > 1e12) {
    throw PricingError(fmt::format(
        "the span the usage was metered over must be a positive number of seconds, got {}",
        span_s));
  }
  return std::max<std::int64_t>(1, std::llround(span_s * 1e6));
}

// q x num / den, rounded to the nearest integer.
std::uint64_t scaled(std::uint64_t q, Int128 num, Int128 den) {
  return static_cast<std::uint64_t>((static_cast<Int128>(q) * num + den / 2) / den);
}
constexpr std::int64_t kMilliVcpuSPerHour = 1000LL * 3600;
constexpr std::int64_t kMbSPerGbHour = 1024LL * 3600;

}  // namespace

void check_region(const RateCard& rc, std::string_view region) {
  std::set<std::string> regions;
  for (const auto& r : rc.rates())
    regions.insert(r.region);
  if (regions.count(std::string(region))) return;
  throw PricingError(fmt::format("slsim has no prices for '{}'; regions with prices: {}", region,
                                 fmt::join(regions, ", ")));
}

Bill RateCard::price(const Usage& usage, const PricingOptions& o) const {
  check_as_of(o.as_of);
  // An unknown region is an error even when nothing is used (issue 19: exit 0 for mars-1).
  check_region(*this, o.region);
  Bill bill;
  bill.as_of = o.as_of;
  bill.region = o.region;
  std::map<std::string, Int128> platform_total;
  // Discounts are shares of the charges as billed (rounded to cents), so a discount never
  // exceeds what it discounts: charges of a fraction of a cent that round to 0 get no discount
  // of a cent (property finding P1: a bill of -$0.01).
  auto billed = [](Int128 z) { return Int128(round_cents(z)) * kZeptoPerCent; };
  auto add = [&](std::string platform, std::string name, double qty, std::string unit, Int128 z) {
    platform_total[platform] += billed(z);
    bill.items.push_back(
        {std::move(platform), std::move(name), qty, std::move(unit), round_cents(z)});
  };

  // Monthly allowances and tier breakpoints: once per 730-hour month of the span, prorated.
  Months months;
  if (o.span_s) {
    months.num = span_us(*o.span_s);
    months.den = kMonthUs;
  }

  // Lambda: aggregate per architecture (tiers aggregate monthly usage per architecture).
  if (!usage.lambda.empty()) {
    std::map<Arch, LambdaUsage> by_arch;
    for (const auto& u : usage.lambda) {
      auto& a = by_arch[u.arch];
      a.arch = u.arch;
      a.requests += u.requests;
      a.duration_mb_ms += u.duration_mb_ms;
      a.pc_requests += u.pc_requests;
      a.pc_duration_mb_ms += u.pc_duration_mb_ms;
      a.pc_capacity_mb_ms += u.pc_capacity_mb_ms;
      a.ephemeral_mb_ms += u.ephemeral_mb_ms;
    }
    std::uint64_t free_requests = 0, free_mb_ms = 0;
    if (o.free_tier) {
      // Rounded down: a partial month never gets more than its share.
      free_requests = static_cast<std::uint64_t>(
          static_cast<Int128>(std::llround(rule("lambda.free_requests", o.as_of))) * months.num /
          months.den);
      free_mb_ms = static_cast<std::uint64_t>(
          static_cast<Int128>(std::llround(rule("lambda.free_gb_s", o.as_of))) * kMbMsPerGbS *
          months.num / months.den);
    }
    // Requests: one price for both architectures; the free tier covers on-demand requests only.
    std::uint64_t on_demand = 0, provisioned = 0;
    for (const auto& [arch, a] : by_arch) {
      on_demand += a.requests;
      provisioned += a.pc_requests;
    }
    if (on_demand + provisioned > 0) {
      const std::uint64_t free_used = std::min(free_requests, on_demand);
      const auto p = apply_tiers(rates_, "lambda", "request", "any", o.region, o.as_of,
                                 on_demand + provisioned, free_used, 1, "Lambda requests");
      add("lambda", "Lambda requests", p.quantity, "requests", p.zepto);
    }
    // Duration: the shared free tier goes to x86_64 first, then arm64.
    std::uint64_t free_left = free_mb_ms;
    for (const auto& [arch, a] : by_arch) {
      const std::string an(to_string(arch));
      if (a.duration_mb_ms > 0) {
        const std::uint64_t free_used = std::min(free_left, a.duration_mb_ms);
        free_left -= free_used;
        const auto p =
            apply_tiers(rates_, "lambda", "duration", an, o.region, o.as_of, a.duration_mb_ms,
                        free_used, kMbMsPerGbS, fmt::format("Lambda on {}", an), months);
        add("lambda", fmt::format("Lambda duration ({})", an), p.quantity, "GB-s", p.zepto);
      }
      if (a.pc_capacity_mb_ms > 0) {
        const auto p =
            apply_tiers(rates_, "lambda", "pc_capacity", an, o.region, o.as_of, a.pc_capacity_mb_ms,
                        0, kMbMsPerGbS, fmt::format("Lambda provisioned concurrency on {}", an));
        add("lambda", fmt::format("Lambda provisioned concurrency ({})", an), p.quantity, "GB-s",
            p.zepto);
      }
      if (a.pc_duration_mb_ms > 0) {
        const auto p =
            apply_tiers(rates_, "lambda", "pc_duration", an, o.region, o.as_of, a.pc_duration_mb_ms,
                        0, kMbMsPerGbS, fmt::format("Lambda provisioned concurrency on {}", an));
        add("lambda", fmt::format("Lambda duration with provisioned concurrency ({})", an),
            p.quantity, "GB-s", p.zepto);
      }
    }
    std::uint64_t storage = 0;
    for (const auto& [arch, a] : by_arch)
      storage += a.ephemeral_mb_ms;
    if (storage > 0) {
      const auto p = apply_tiers(rates_, "lambda", "ephemeral_storage", "any", o.region, o.as_of,
                                 storage, 0, kMbMsPerGbS, "Lambda ephemeral storage above 512 MB");
      add("lambda", "Lambda ephemeral storage", p.quantity, "GB-s", p.zepto);
    }
  }

  // Fargate: per architecture and capacity type.
  for (const auto& u : usage.fargate) {
    const std::string an(to_string(u.arch));
    const std::string kind = u.spot ? "Fargate Spot" : "Fargate";
    if (u.spot && rule_or("fargate.spot_available", o.as_of, 0) == 0) {
      const auto from = first_in_force("fargate.spot_available", 1);
      throw PricingError(from ? fmt::format("Fargate Spot exists from {} (as_of is {})",
                                            from->str(), o.as_of.str())
                              : "Fargate Spot did not exist on " + o.as_of.str());
    }
    // Fargate Spot on arm64 launched 2024-09-06 (rule fargate.spot_arm64_available; source
    // https://aws.amazon.com/about-aws/whats-new/2024/09/amazon-ecs-graviton-based-spot-compute-fargate/).
    if (u.spot && u.arch == Arch::kArm64 &&
        rule_or("fargate.spot_arm64_available", o.as_of, 1) == 0) {
      const auto from = first_in_force("fargate.spot_arm64_available", 1);
      throw PricingError(
          fmt::format("Fargate Spot on arm64 is not available on {}{}: use x86_64 or On-Demand",
                      o.as_of.str(), from ? fmt::format(" (launched {})", from->str()) : ""));
    }
    Int128 spot_base = 0;
    auto line = [&](std::string_view item, std::uint64_t qty, std::int64_t div, std::string name,
                    std::string unit) {
      if (qty == 0) return;
      const auto p = apply_tiers(rates_, "fargate", item, an, o.region, o.as_of, qty, 0, div,
                                 fmt::format("Fargate on {}", an));
      spot_base += billed(p.zepto);
      add("fargate", std::move(name), p.quantity, std::move(unit), p.zepto);
    };
    line("vcpu", u.vcpu_milli_s, kMilliVcpuSPerHour, fmt::format("{} vCPU ({})", kind, an),
         "vCPU-hours");
    line("memory", u.memory_mb_s, kMbSPerGbHour, fmt::format("{} memory ({})", kind, an),
         "GB-hours");
    line("ephemeral_storage", u.storage_gb_s, 3600,
         fmt::format("{} ephemeral storage above 20 GB", kind), "GB-hours");
    if (u.spot) {
      const double pct =
          o.fargate_spot_discount_pct.value_or(rule("fargate.spot_discount_pct", o.as_of));
      validate_spot_discount(*this, "fargate", pct, o.as_of);
      add("fargate", fmt::format("Fargate Spot discount ({}%)", fmt_num(pct)), 0, "",
          -percent_of(spot_base, pct));
    }
  }

  // Public IPv4 addresses of Fargate tasks and EC2 instances: $0.005 per IP-hour from
  // 2024-02-01 (https://aws.amazon.com/vpc/pricing/); before, an address in use was free, so
  // there is no line (not an error).
  auto public_ipv4 = [&](const char* platform, std::uint64_t ip_s, const char* whose) {
    if (ip_s == 0) return;
    bool priced = false;
    for (const auto& r : rates_)
      priced = priced || (r.service == "vpc" && r.item == "public_ipv4" && r.region == o.region &&
                          r.in_force(o.as_of));
    if (!priced) return;
    const auto p = apply_tiers(rates_, "vpc", "public_ipv4", "any", o.region, o.as_of, ip_s, 0,
                               3600, "public IPv4 addresses");
    add(platform, fmt::format("Public IPv4 addresses ({})", whose), p.quantity, "IP-hours",
        p.zepto);
    // A VPC charge: a compute discount (Savings Plans) does not apply to it.
    platform_total[platform] -= billed(p.zepto);
  };
  {
    std::uint64_t fargate_ip_s = 0, ec2_ip_s = 0;
    for (const auto& u : usage.fargate)
      fargate_ip_s += u.public_ipv4_s;
    for (const auto& u : usage.ec2)
      ec2_ip_s += u.public_ipv4_s;
    public_ipv4("fargate", fargate_ip_s, "Fargate tasks");
    public_ipv4("ec2", ec2_ip_s, "EC2 instances");
  }

  // EC2 (ECS on EC2 and Batch add no charge of their own).
  for (const auto& u : usage.ec2) {
    if (u.instance_s == 0) continue;
    const Instance* inst = nullptr;
    for (const auto& i : instances_) {
      if (i.shape.type == u.instance_type && i.region == o.region && i.in_force(o.as_of)) inst = &i;
    }
    if (!inst) instance(u.instance_type, o.as_of, o.region);  // throws with the known types
    const Int128 z = amount_zepto(u.instance_s, inst->price_pico, 3600);
    add("ec2", fmt::format("EC2 {} ({})", u.instance_type, u.spot ? "Spot" : "On-Demand"),
        static_cast<double>(u.instance_s) / 3600.0, "instance-hours", z);
    if (u.spot) {
      const double pct = o.ec2_spot_discount_pct.value_or(rule("ec2.spot_discount_pct", o.as_of));
      validate_spot_discount(*this, "ec2", pct, o.as_of);
      add("ec2", fmt::format("EC2 Spot discount on {} ({}%)", u.instance_type, fmt_num(pct)), 0, "",
          -percent_of(billed(z), pct));
    }
    if (u.manager != Ec2Manager::kNone) {
      // The management fee, a share of the On-Demand price whatever the instance's discount
      // (Spot, Savings Plans): rules lambda_managed.management_fee_pct ("15% premium on the EC2
      // on-demand instance price", https://aws.amazon.com/lambda/pricing/) and
      // ecs_managed.management_fee_pct (a fee per type, https://aws.amazon.com/ecs/pricing/,
      // approximated as a share). A management charge: a compute discount does not apply.
      const bool lambda = u.manager == Ec2Manager::kLambda;
      const double pct = rule(
          lambda ? "lambda_managed.management_fee_pct" : "ecs_managed.management_fee_pct", o.as_of);
      const Int128 fee = percent_of(billed(z), pct);
      add("ec2",
          fmt::format("{} Managed Instances management fee, {} ({}% of On-Demand)",
                      lambda ? "Lambda" : "ECS", u.instance_type, fmt_num(pct)),
          static_cast<double>(u.instance_s) / 3600.0, "instance-hours", fee);
      platform_total["ec2"] -= billed(fee);
    }
    if (u.surplus_credit_vcpu_ms > 0) {
      // T3/T4g Unlimited: surplus CPU credits per vCPU-hour (rates.csv ec2,cpu_credit).
      const auto p =
          apply_tiers(rates_, "ec2", "cpu_credit", to_string(inst->shape.arch), o.region, o.as_of,
                      u.surplus_credit_vcpu_ms, 0, 3'600'000, "EC2 surplus CPU credits");
      add("ec2", fmt::format("EC2 {} surplus CPU credits (unlimited)", u.instance_type), p.quantity,
          "vCPU-hours", p.zepto);
    }
  }

  // Lambda Managed Instances: Lambda's request price for every request, no free tier (the
  // pricing page's example deducts none) and no duration charge.
  if (usage.lambda_managed_requests > 0) {
    const auto p = apply_tiers(rates_, "lambda", "request", "any", o.region, o.as_of,
                               usage.lambda_managed_requests, 0, 1, "Lambda requests");
    add("lambda", "Lambda Managed Instances requests", p.quantity, "requests", p.zepto);
  }

  // Discounts a user really has (Savings Plans, enterprise agreements), per platform.
  for (const auto& [platform, pct] : o.discount_pct) {
    if (platform != "lambda" && platform != "fargate" && platform != "ec2") {
      throw PricingError(
          fmt::format("discount platform '{}' is not lambda, fargate or ec2", platform));
    }
    const auto it = platform_total.find(platform);
    if (it == platform_total.end() || pct == 0) continue;
    add(platform, fmt::format("{} discount ({}%)", platform, fmt_num(pct)), 0, "",
        -percent_of(it->second, pct));
  }
  return bill;
}

Bill RateCard::price_monthly(const Usage& usage, double span_s, const PricingOptions& o) const {
  const Int128 num = kMonthUs, den = span_us(span_s);
  Usage m = usage;
  for (auto& u : m.lambda) {
    for (auto* q : {&u.requests, &u.duration_mb_ms, &u.pc_requests, &u.pc_duration_mb_ms,
                    &u.pc_capacity_mb_ms, &u.ephemeral_mb_ms})
      *q = scaled(*q, num, den);
  }
  for (auto& u : m.fargate) {
    for (auto* q : {&u.tasks, &u.vcpu_milli_s, &u.memory_mb_s, &u.storage_gb_s, &u.public_ipv4_s})
      *q = scaled(*q, num, den);
  }
  for (auto& u : m.ec2) {
    for (auto* q : {&u.instances, &u.instance_s, &u.surplus_credit_vcpu_ms, &u.public_ipv4_s})
      *q = scaled(*q, num, den);
  }
  m.lambda_managed_requests = scaled(m.lambda_managed_requests, num, den);
  PricingOptions month = o;
  month.span_s.reset();
  return price(m, month);
}

// ---- billing rules for one configuration ------------------------------------------------------

std::string lambda_memory_allowed(const RateCard& rc, Date as_of) {
  const auto lo = static_cast<std::uint32_t>(rc.rule("lambda.memory_min_mb", as_of));
  const auto hi = static_cast<std::uint32_t>(rc.rule("lambda.memory_max_mb", as_of));
  const auto step = static_cast<std::uint32_t>(rc.rule("lambda.memory_step_mb", as_of));
  return fmt::format("Lambda memory on {} is {} to {} MB in {} MB steps", as_of.str(), lo, hi,
                     step);
}

void validate_lambda_memory(const RateCard& rc, std::uint32_t memory_mb, Date as_of) {
  const auto lo = static_cast<std::uint32_t>(rc.rule("lambda.memory_min_mb", as_of));
  const auto hi = static_cast<std::uint32_t>(rc.rule("lambda.memory_max_mb", as_of));
  const auto step = static_cast<std::uint32_t>(rc.rule("lambda.memory_step_mb", as_of));
  if (memory_mb < lo || memory_mb > hi || (memory_mb - lo) % step != 0) {
    throw PricingError(fmt::format(
        "Lambda memory {} MB is not allowed on {}: allowed are {} to {} MB in {} MB steps",
        memory_mb, as_of.str(), lo, hi, step));
  }
}

namespace {
// The longest usage slsim prices (times are integer microseconds; 100 years keeps every
// product of time and size inside the meters), the same bound as lambda_config.cpp's times.
constexpr double kMaxUsageHours = 100 * 365.25 * 24;

// `v` (a number of hours, or seconds when `per_hour` is 3600) must be a time from 0 to 100 years.
void check_span(const char* what, double v, double per_hour) {
  if (!(v >= 0) || !std::isfinite(v) || v / per_hour > kMaxUsageHours)
    throw PricingError(fmt::format("{} {} is not allowed: a time from 0 to 100 years ({} {})", what,
                                   fmt_num(v), fmt_num(kMaxUsageHours * per_hour),
                                   per_hour == 1 ? "hours" : "seconds"));
}
}  // namespace

Duration lambda_billed_duration(const RateCard& rc, Duration d, Date as_of) {
  const auto g = static_cast<std::int64_t>(rc.rule("lambda.duration_granularity_ms", as_of));
  return ceil_to(d, Duration{g * 1000});
}

LambdaUsage lambda_usage(const RateCard& rc, const LambdaPriceInput& in, Date as_of) {
  validate_lambda_memory(rc, in.memory_mb, as_of);
  auto check = [](const char* what, double v) {
    if (!(v >= 0) || !std::isfinite(v))
      throw PricingError(fmt::format("{} must be >= 0, got {}", what, v));
  };
  check("duration_ms", in.duration_ms);
  check_span("provisioned_hours", in.provisioned_hours, 1);
  // Provisioned concurrency is billed for count x hours: one without the other is a mistake.
  if (in.provisioned_concurrency > 0 && in.provisioned_hours == 0)
    throw PricingError(
        "provisioned_concurrency needs provisioned_hours (how long it is enabled) > 0");
  if (in.provisioned_hours > 0 && in.provisioned_concurrency == 0)
    throw PricingError("provisioned_hours needs a provisioned_concurrency > 0");
  check("provisioned_duration_ms", in.provisioned_duration_ms);
  // Messages start with the setting's name; the CLI turns it into the flag.
  const double timeout_ms = rc.rule("lambda.timeout_max_s", as_of) * 1000;
  for (const auto& [what, v] : {std::pair{"duration_ms", in.duration_ms},
                                std::pair{"provisioned_duration_ms", in.provisioned_duration_ms}}) {
    if (v > timeout_ms) {
      throw PricingError(fmt::format(
          "{} {} is not allowed: a Lambda invocation cannot run longer than the "
          "maximum timeout of {} s ({} ms) on {}",
          what, fmt_num(v), fmt_num(timeout_ms / 1000), fmt_num(timeout_ms), as_of.str()));
    }
  }
  const auto max_eph = static_cast<std::uint32_t>(rc.rule("lambda.ephemeral_max_mb", as_of));
  const auto inc_eph = static_cast<std::uint32_t>(rc.rule("lambda.ephemeral_included_mb", as_of));
  if (in.ephemeral_mb < inc_eph || in.ephemeral_mb > max_eph) {
    throw PricingError(
        fmt::format("ephemeral_mb {} is not allowed on {}: Lambda ephemeral storage is {} to {} MB",
                    in.ephemeral_mb, as_of.str(), inc_eph, max_eph));
  }
  if ((in.provisioned_concurrency > 0 || in.provisioned_requests > 0)) {
    if (rc.rule_or("lambda.pc_granularity_s", as_of, 0) <= 0) {
      // Named for users, not by the rule's internal name.
      const auto from = rc.first_in_force("lambda.pc_granularity_s", 300);
      throw PricingError(from ? fmt::format("provisioned concurrency exists from {} (as_of is {})",
                                            from->str(), as_of.str())
                              : "provisioned concurrency did not exist on " + as_of.str());
    }
  }
  if (in.provisioned_requests > 0 && in.provisioned_concurrency == 0) {
    throw PricingError("provisioned requests need a provisioned concurrency > 0");
  }
  LambdaUsage u;
  u.arch = in.arch;
  const std::uint64_t mem = in.memory_mb;
  const auto billed = static_cast<std::uint64_t>(
      lambda_billed_duration(rc, from_millis(in.duration_ms), as_of).count() / 1000);
  const auto pc_billed = static_cast<std::uint64_t>(
      lambda_billed_duration(rc, from_millis(in.provisioned_duration_ms), as_of).count() / 1000);
  u.requests = in.requests;
  u.duration_mb_ms = in.requests * billed * mem;
  u.pc_requests = in.provisioned_requests;
  u.pc_duration_mb_ms = in.provisioned_requests * pc_billed * mem;
  if (in.provisioned_concurrency > 0) {
    const auto g = static_cast<std::int64_t>(rc.rule("lambda.pc_granularity_s", as_of));
    const Duration enabled =
        ceil_to(from_seconds(in.provisioned_hours * 3600), Duration{g * 1'000'000});
    u.pc_capacity_mb_ms =
        in.provisioned_concurrency * mem * static_cast<std::uint64_t>(enabled.count() / 1000);
  }
  u.ephemeral_mb_ms =
      (in.ephemeral_mb - inc_eph) * (in.requests * billed + in.provisioned_requests * pc_billed);
  return u;
}

void validate_fargate_size(const RateCard& rc, double vcpu, double memory_gb, Date as_of) {
  const auto sizes = rc.fargate_sizes(as_of);
  if (sizes.empty()) {
    throw PricingError(
        fmt::format("Fargate did not exist on {} (launched 2017-11-29)", as_of.str()));
  }
  std::vector<std::string> options;
  for (const auto& s : sizes) {
    std::vector<std::string> mems;
    for (double m : s.memory_gb)
      mems.push_back(fmt_num(m));
    const bool stepped = s.memory_gb.size() > 3;
    options.push_back(
        fmt::format("{} vCPU: {}", fmt_num(s.vcpu),
                    stepped ? fmt::format("{}-{} in {} GB steps", mems.front(), mems.back(),
                                          fmt_num(s.memory_gb[1] - s.memory_gb[0]))
                            : fmt::format("{} GB", fmt::join(mems, ", "))));
    if (std::fabs(s.vcpu - vcpu) < 1e-9) {
      for (double m : s.memory_gb)
        if (std::fabs(m - memory_gb) < 1e-9) return;
    }
  }
  throw PricingError(
      fmt::format("Fargate has no task size of {} vCPU with {} GB on {}; allowed: {}",
                  fmt_num(vcpu), fmt_num(memory_gb), as_of.str(), fmt::join(options, "; ")));
}

void validate_spot_discount(const RateCard& rc, std::string_view platform, double pct, Date as_of) {
  // AWS advertises Spot only as "up to" a ceiling: Fargate Spot 70 %
  // (https://aws.amazon.com/fargate/pricing/), EC2 Spot 90 % (https://aws.amazon.com/ec2/spot/).
  // A rate card without the rule allows up to 100 %.
  const double max = rc.rule_or(fmt::format("{}.spot_discount_max_pct", platform), as_of, 100);
  if (!(std::isfinite(pct) && pct >= 0 && pct <= max)) {
    throw PricingError(fmt::format(
        "spot_discount_pct {} is not allowed: {} Spot is priced at up to {}% off On-Demand on "
        "{}; use 0 to {} (default {}%, a typical discount)",
        fmt_num(pct), platform == "ec2" ? "EC2" : "Fargate", fmt_num(max), as_of.str(),
        fmt_num(max),
        fmt_num(rc.rule_or(fmt::format("{}.spot_discount_pct", platform), as_of, 0))));
  }
}

void validate_spot_discount(const RateCard& rc, std::string_view platform, bool spot,
                            std::optional<double> pct, Date as_of) {
  if (!pct) return;
  if (!spot) {
    throw PricingError(fmt::format(
        "spot_discount_pct {} applies to Spot capacity only: add spot or remove spot_discount_pct",
        fmt_num(*pct)));
  }
  validate_spot_discount(rc, platform, *pct, as_of);
}

FargateUsage fargate_usage(const RateCard& rc, const FargatePriceInput& in, Date as_of) {
  validate_fargate_size(rc, in.vcpu, in.memory_gb, as_of);
  check_span("task_seconds", in.task_seconds, 3600);
  const double inc = rc.rule("fargate.ephemeral_included_gb", as_of);
  const double max = rc.rule("fargate.ephemeral_max_gb", as_of);
  if (!(in.storage_gb >= inc && in.storage_gb <= max) ||
      in.storage_gb != std::floor(in.storage_gb)) {
    throw PricingError(
        fmt::format("Fargate ephemeral storage {} GB is not allowed on {}: allowed are "
                    "{} to {} GB in whole GB",
                    fmt_num(in.storage_gb), as_of.str(), fmt_num(inc), fmt_num(max)));
  }
  const auto g = static_cast<std::int64_t>(rc.rule("fargate.granularity_s", as_of));
  const auto m = static_cast<std::int64_t>(rc.rule("fargate.minimum_s", as_of));
  const Duration billed =
      billable(from_seconds(in.task_seconds), Duration{g * 1'000'000}, Duration{m * 1'000'000});
  const auto secs = static_cast<std::uint64_t>(billed.count() / 1'000'000);
  FargateUsage u;
  u.arch = in.arch;
  u.spot = in.spot;
  u.tasks = in.tasks;
  u.vcpu_milli_s = in.tasks * secs * static_cast<std::uint64_t>(std::llround(in.vcpu * 1000));
  u.memory_mb_s = in.tasks * secs * static_cast<std::uint64_t>(std::llround(in.memory_gb * 1024));
  u.storage_gb_s = in.tasks * secs * static_cast<std::uint64_t>(in.storage_gb - inc);
  return u;
}

Ec2Usage ec2_usage(const RateCard& rc, const Ec2PriceInput& in, Date as_of,
                   std::string_view region) {
  rc.instance(in.instance_type, as_of, region);  // throws listing the known types
  check_span("hours", in.hours, 1);
  const auto g = static_cast<std::int64_t>(rc.rule("ec2.granularity_s", as_of));
  const auto m = static_cast<std::int64_t>(rc.rule("ec2.minimum_s", as_of));
  const Duration billed =
      billable(from_seconds(in.hours * 3600), Duration{g * 1'000'000}, Duration{m * 1'000'000});
  Ec2Usage u;
  u.instance_type = in.instance_type;
  u.spot = in.spot;
  u.instances = in.instances;
  u.instance_s = in.instances * static_cast<std::uint64_t>(billed.count() / 1'000'000);
  return u;
}

}  // namespace slsim
