#pragma once
/// Pricing: AWS rate cards and billing rules as dated data, and exact bills.
///
/// Design notes: usage is metered as integers after each platform's per-unit rounding (MB·ms for
/// Lambda, milli-vCPU·s and MB·s for Fargate, instance·s for EC2). Prices are exact decimals
/// (integer pico-dollars per unit) applied once, tier by tier; amounts are exact integers of
/// 1e-21 USD until each line item is rounded to cents (half up, as AWS's examples do), and the
/// total is the sum of the rounded line items. No price is ever accumulated per invocation in
/// floating point. Which prices and rules apply is chosen by date (`as_of`) from the data files
/// in models/pricing/ (embedded in the library; a user can load their own).

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "slsim/core/time.hpp"
#include "slsim/pricing/date.hpp"

namespace slsim {

/// A price, rule or configuration that cannot be used: the message says what is allowed.
class PricingError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

enum class Arch : std::uint8_t { kX86_64, kArm64 };
std::string_view to_string(Arch a);
/// "x86_64" (also "x86") or "arm64" (also "arm"); throws PricingError otherwise.
Arch parse_arch(std::string_view s);

/// Lambda usage of one architecture, after per-invocation rounding.
struct LambdaUsage {
  Arch arch = Arch::kX86_64;
  std::uint64_t requests = 0;           ///< on-demand requests (free tier applies)
  std::uint64_t duration_mb_ms = 0;     ///< on-demand billed duration x memory
  std::uint64_t pc_requests = 0;        ///< requests served by provisioned concurrency
  std::uint64_t pc_duration_mb_ms = 0;  ///< their billed duration x memory
  std::uint64_t pc_capacity_mb_ms = 0;  ///< provisioned memory x enabled time (5-min rounded)
  std::uint64_t ephemeral_mb_ms = 0;    ///< /tmp above the included 512 MB x billed duration
  /// The most provisioned memory enabled at once, MB (an upper bound; 0 = unknown): a monthly
  /// projection never bills more provisioned capacity than this all month (issue 19 #7).
  /// Not priced.
  std::uint64_t peak_pc_mb = 0;
};

/// Fargate usage of one architecture and capacity type, after per-task rounding.
struct FargateUsage {
  Arch arch = Arch::kX86_64;
  bool spot = false;
  std::uint64_t tasks = 0;
  std::uint64_t vcpu_milli_s = 0;   ///< milli-vCPU x billed seconds
  std::uint64_t memory_mb_s = 0;    ///< MB x billed seconds
  std::uint64_t storage_gb_s = 0;   ///< ephemeral GB above the included 20 GB x billed seconds
  std::uint64_t public_ipv4_s = 0;  ///< tasks' public IPv4 addresses x seconds (assign_public_ip)
  /// The most capacity of this group billed at once (an upper bound; 0 = unknown): a monthly
  /// projection never bills more than this running all month (minimum charges of a short span
  /// repeated, issue 19 #7). Not priced.
  std::uint64_t peak_vcpu_milli = 0, peak_memory_mb = 0, peak_storage_gb = 0, peak_tasks = 0;
};

/// Who manages EC2 instances for the user, for a management fee on top of the EC2 price.
enum class Ec2Manager : std::uint8_t {
  kNone,
  kEcs,     ///< Amazon ECS Managed Instances (a fee per instance-hour, by type)
  kLambda,  ///< Lambda Managed Instances (15 % of the On-Demand price)
};

/// EC2 usage of one instance type, after per-instance rounding (ECS on EC2 and Batch).
struct Ec2Usage {
  std::string instance_type;
  bool spot = false;
  std::uint64_t instances = 0;
  std::uint64_t instance_s = 0;  ///< billed instance-seconds
  /// Burstable types in unlimited mode: surplus CPU credits charged, vCPU-milliseconds
  /// (one CPU credit = one vCPU for a minute = 60,000).
  std::uint64_t surplus_credit_vcpu_ms = 0;
  std::uint64_t public_ipv4_s = 0;  ///< instances' public IPv4 addresses x seconds
  /// The most instances of this type running at once (an upper bound; 0 = unknown): a monthly
  /// projection never bills more than this many all month (issue 19 #7). Not priced.
  std::uint64_t peak_instances = 0;
  /// ECS or Lambda Managed Instances: a management fee line per instance-hour.
  Ec2Manager manager = Ec2Manager::kNone;
};

struct Usage {
  std::vector<LambdaUsage> lambda;
  std::vector<FargateUsage> fargate;
  std::vector<Ec2Usage> ec2;
  /// Requests to functions on Lambda Managed Instances: Lambda's request price, no free tier
  /// and no duration charge (https://aws.amazon.com/lambda/pricing/).
  std::uint64_t lambda_managed_requests = 0;
};

struct LineItem {
  std::string platform;  ///< lambda, fargate, ec2
  std::string name;
  double quantity = 0;  ///< billable quantity in `unit` (for display)
  std::string unit;
  std::int64_t cents = 0;  ///< rounded amount (negative for discounts)
  double usd() const { return static_cast<double>(cents) / 100.0; }
};

struct Bill {
  Date as_of;
  std::string region;
  std::vector<LineItem> items;
  std::int64_t total_cents() const;
  double total_usd() const { return static_cast<double>(total_cents()) / 100.0; }
  /// The lines as every output shows them (table, CSV, JSON). With `without_free_tier` (the
  /// same usage priced without the free tier), an item the free tier covered shows its whole
  /// (gross) quantity and amount, followed by a "free tier: ITEM" line with the quantity the free
  /// tier covered and its (negative or zero) amount; the lines add up to the total. Without it,
  /// the items.
  std::vector<LineItem> lines(const Bill* without_free_tier = nullptr) const;
  /// {"total_usd": .., "as_of": .., "region": .., "line_items": [{"platform", "name",
  /// "quantity", "unit", "usd"}]}, the line items being `lines(without_free_tier)`.
  std::string to_json(const Bill* without_free_tier = nullptr) const;
};

/// The length of a billing month for prorating monthly allowances: 730 hours (AWS's own
/// convention on its pricing pages; 1/30.4 of it per day). See docs/pricing.md.
inline constexpr double kBillingMonthS = 730.0 * 3600.0;

struct PricingOptions {
  Date as_of;
  std::string region = "us-east-1";
  bool free_tier = true;  ///< Lambda's monthly free tier (on-demand only)
  /// The span the usage was metered over, in seconds (> 0). When set, each monthly allowance
  /// (Lambda's free tier) and each monthly tier breakpoint (Lambda's duration tiers) is applied
  /// span_s / 2,628,000 times: once per 730-hour month of the span, prorated for a partial
  /// month, with the usage taken as spread evenly over the span. Unset: once (the usage is one
  /// month's).
  std::optional<double> span_s;
  /// Discount in percent per platform ("lambda", "fargate", "ec2"): Savings Plans, enterprise
  /// discounts. Applied to that platform's charges as a line item of its own.
  std::map<std::string, double> discount_pct;
  std::optional<double> fargate_spot_discount_pct;  ///< default: the rule fargate.spot_discount_pct
  std::optional<double> ec2_spot_discount_pct;      ///< default: the rule ec2.spot_discount_pct
};

struct Ec2Instance {
  std::string type;
  Arch arch;
  double vcpu = 0;
  double memory_gib = 0;
};

struct FargateSize {
  double vcpu;
  std::vector<double> memory_gb;  ///< allowed memory values
};

class RateCard {
 public:
  /// The rate card built into the library (models/pricing/*.csv at build time).
  static const RateCard& builtin();
  /// Loads rates.csv, rules.csv, ec2_instances.csv and fargate_sizes.csv from a directory.
  /// Throws TraceError (file, line, column) for malformed rows.
  static RateCard load(const std::string& directory);
  /// Parses the four files' contents (names are used in error messages).
  static RateCard parse(const std::string& rates_csv, const std::string& rules_csv,
                        const std::string& ec2_csv, const std::string& fargate_csv,
                        const std::string& origin = "<builtin>");

  /// Prices usage. Throws PricingError when a needed price does not exist at as_of (for
  /// example arm64 Lambda before 2021-09-29) or as_of is before slsim's data begins.
  Bill price(const Usage& usage, const PricingOptions& options) const;
  /// Prices `usage` metered over `span_s` seconds as a 730-hour month: every quantity scaled by
  /// 2,628,000 / span_s (rounded to the nearest unit), each monthly allowance and tier applied
  /// once (`options.span_s` is ignored). The "projected to a month" figure of a report.
  Bill price_monthly(const Usage& usage, double span_s, const PricingOptions& options) const;

  /// A numeric rule in force at `as_of` (e.g. "lambda.memory_max_mb"). Throws PricingError.
  double rule(std::string_view name, Date as_of) const;
  /// True when the table has a rule `name` at any date (in force at as_of or not).
  bool has_rule(std::string_view name) const;
  /// The rule `name` in force at `as_of`, or `fallback` when no row of that name is in force.
  double rule_or(std::string_view name, Date as_of, double fallback) const;
  /// The first date from which a row `name` with value `value` is in force (none: no such row).
  std::optional<Date> first_in_force(std::string_view name, double value) const;
  /// Throws PricingError if slsim has no prices for `as_of` (before Lambda's launch).
  void check_as_of(Date as_of) const;
  Date earliest_as_of() const { return earliest_; }

  /// The instance type's shape and price check; throws PricingError listing known types.
  Ec2Instance instance(std::string_view type, Date as_of, std::string_view region) const;
  std::vector<std::string> instance_types(Date as_of, std::string_view region) const;
  /// Valid Fargate task sizes at `as_of`.
  std::vector<FargateSize> fargate_sizes(Date as_of) const;

  /// One price row of rates.csv.
  struct Rate {
    std::string service, item, region, arch, unit;
    double tier_from = 0;           ///< in `unit`
    std::optional<double> tier_to;  ///< in `unit`; none = no upper bound
    std::int64_t price_pico = 0;    ///< 1e-12 USD per unit
    Date from;
    std::optional<Date> to;
    bool in_force(Date d) const { return from <= d && (!to || d < *to); }
  };
  /// One row of rules.csv.
  struct Rule {
    std::string name, value;
    Date from;
    std::optional<Date> to;
    bool in_force(Date d) const { return from <= d && (!to || d < *to); }
  };
  /// One row of ec2_instances.csv.
  struct Instance {
    Ec2Instance shape;
    std::string region;
    std::int64_t price_pico = 0;  ///< per instance-hour
    Date from;
    std::optional<Date> to;
    bool in_force(Date d) const { return from <= d && (!to || d < *to); }
  };
  /// One row of fargate_sizes.csv.
  struct Size {
    double vcpu, mem_min, mem_max, mem_step;
    Date from;
    std::optional<Date> to;
    bool in_force(Date d) const { return from <= d && (!to || d < *to); }
  };

  /// Every price row (for prices RateCard::price does not apply itself, such as the front
  /// doors the comparison adds).
  const std::vector<Rate>& rates() const { return rates_; }

 private:
  std::vector<Rate> rates_;
  std::vector<Rule> rules_;
  std::vector<Instance> instances_;
  std::vector<Size> sizes_;
  Date earliest_;
};

// ---- billing rules applied to one configuration (what `slsim price` and the models use) ----

/// Checks a Lambda memory size against the limits in force (128–3,008 MB in 64 MB steps before
/// 2020-12-01, 128–10,240 MB in 1 MB steps after). Throws PricingError saying what is allowed.
void validate_lambda_memory(const RateCard& rc, std::uint32_t memory_mb, Date as_of);
/// "Lambda memory on 2026-11-01 is 128 to 10240 MB in 1 MB steps": what validate_lambda_memory
/// allows at `as_of`, for messages about values that are not even sizes (negative, huge).
std::string lambda_memory_allowed(const RateCard& rc, Date as_of);
/// Billed duration of one Lambda invocation: rounded up to 100 ms or 1 ms by date.
Duration lambda_billed_duration(const RateCard& rc, Duration d, Date as_of);

struct LambdaPriceInput {
  std::uint32_t memory_mb = 128;
  std::uint64_t requests = 0;  ///< on-demand invocations
  double duration_ms = 0;      ///< each, before rounding
  Arch arch = Arch::kX86_64;
  std::uint32_t ephemeral_mb = 512;
  std::uint32_t provisioned_concurrency = 0;
  double provisioned_hours = 0;            ///< time enabled (rounded up to 5 minutes)
  std::uint64_t provisioned_requests = 0;  ///< invocations served by provisioned concurrency
  double provisioned_duration_ms = 0;      ///< each, before rounding
};
LambdaUsage lambda_usage(const RateCard& rc, const LambdaPriceInput& in, Date as_of);

/// Checks a Fargate task size (vCPU, memory GB) against the valid combinations in force.
void validate_fargate_size(const RateCard& rc, double vcpu, double memory_gb, Date as_of);
/// Throws PricingError naming the regions `rc` has prices for when `region` is none of them.
void check_region(const RateCard& rc, std::string_view region);

/// Checks a Spot discount in percent for "fargate" or "ec2" against the ceiling AWS advertises at
/// `as_of` (rules fargate.spot_discount_max_pct, ec2.spot_discount_max_pct). Throws PricingError
/// starting "spot_discount_pct ..." with what is allowed.
void validate_spot_discount(const RateCard& rc, std::string_view platform, double pct, Date as_of);
/// The same for a discount the user may have given (`pct`), which applies only to Spot usage:
/// refused without `spot`.
void validate_spot_discount(const RateCard& rc, std::string_view platform, bool spot,
                            std::optional<double> pct, Date as_of);

struct FargatePriceInput {
  double vcpu = 0.25;
  double memory_gb = 0.5;
  std::uint64_t tasks = 1;
  double task_seconds = 60;  ///< each task's running time (billed per second, 1-minute minimum)
  double storage_gb = 20;    ///< ephemeral storage (20 GB included)
  Arch arch = Arch::kX86_64;
  bool spot = false;
};
FargateUsage fargate_usage(const RateCard& rc, const FargatePriceInput& in, Date as_of);

struct Ec2PriceInput {
  std::string instance_type;
  std::uint64_t instances = 1;
  double hours = 1;  ///< each instance's running time (per second, 60 s minimum)
  bool spot = false;
};
Ec2Usage ec2_usage(const RateCard& rc, const Ec2PriceInput& in, Date as_of,
                   std::string_view region);

}  // namespace slsim
