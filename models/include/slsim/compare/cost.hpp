#pragma once
/// What a platform's run costs: over the simulated span and projected to a 730-hour month, with
/// the front door (API Gateway or a load balancer) as line items of its own.
///
/// Design notes: usage is metered by the platform models as integers; this file only decides
/// how much of a month the span is and how monthly allowances apply:
/// - the monthly projection scales every usage meter by (730 h / span), prices it without
///   allowances, and then takes each monthly free-tier allowance once (a "free tier" credit line
///   equal to what the allowance is worth on a month of this usage);
/// - the span figure prices the span's usage without allowances and takes the same credit in
///   proportion to the span (span / 730 h): a one-day trace gets 1/30.4 of the allowance.
/// `project_costs` is the one place that does this on top of `RateCard::price`, so it can be
/// swapped for the pricing layer's calendar-month allowances without touching the comparison.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "slsim/pricing/pricing.hpp"

namespace slsim {

/// Hours in the month AWS's pricing examples use.
inline constexpr double kHoursPerMonth = 730.0;

/// A span shorter than this (one hour) is too short to project to a month: the comparison says
/// so in every platform's notes (per-minute minimums, a scale-out's minutes and the first
/// datapoints of the autoscaler weigh on it out of proportion). docs/pricing.md.
inline constexpr double kShortestProjectedSpanS = 3600.0;

/// What sits in front of the platform for requests that arrive over HTTP (sync invocations).
struct FrontDoorOptions {
  bool enabled = true;  ///< false: no front door on any platform (`--no-front-door`)
  /// For Lambda: "http-api" (API Gateway HTTP API, the default), "rest-api" (API Gateway REST
  /// API) or "function-url" (Lambda function URL, no charge, from 2022-04-06).
  std::string lambda = "http-api";
  /// Bytes per request, request and response together (ALB processed-bytes LCU dimension).
  /// Default 8 KiB: a small JSON API call (a documented assumption, see docs/cli.md, "The front
  /// door").
  double bytes_per_request = 8192;
  /// Requests carried per new connection (ALB new-connections LCU dimension). Default 1:
  /// every request opens a connection, the upper bound (clients without keep-alive).
  double requests_per_connection = 1;
  /// Availability Zones the internet-facing ALB is enabled in: one public IPv4 address each
  /// ($0.005 per IP-hour from 2024-02-01); 2 to 6 ("You must specify subnets from at least two
  /// Availability Zones"; us-east-1 has six). Unset: kAlbAvailabilityZones, the zones ECS spreads
  /// a service's tasks over. Given with the front door off, refused (it would be ignored).
  std::optional<std::uint32_t> alb_availability_zones;
  static constexpr std::uint32_t kAlbAvailabilityZones = 3;
  /// The zones in force.
  std::uint32_t alb_zones() const { return alb_availability_zones.value_or(kAlbAvailabilityZones); }
};

/// Checks the front-door settings; throws ConfigError naming the key (front_door, ...).
void validate_front_door(const FrontDoorOptions& o);

/// Which front door a platform uses for its HTTP requests.
enum class FrontDoorSide : std::uint8_t {
  kNone,     ///< no HTTP front door (Batch jobs)
  kLambda,   ///< API Gateway or a function URL (FrontDoorOptions::lambda)
  kService,  ///< an Application Load Balancer in front of a service (ECS, Fargate)
};

/// HTTP traffic seen in a run: sync arrivals in total and per hour of the span.
struct HttpTraffic {
  std::uint64_t requests = 0;
  std::vector<std::uint64_t> per_hour;  ///< requests in hour h of the span
  /// Of `per_hour`, the requests a load balancer sent to a Lambda target (a service's overflow,
  /// slsim/system/system.hpp): their processed bytes count at 0.4 GB per LCU-hour instead of
  /// 1 GB. Empty: none.
  std::vector<std::uint64_t> lambda_target_per_hour;
};

/// One line of a cost breakdown: over the span and projected to a month.
struct CostLine {
  std::string name;
  std::string unit;
  double quantity = 0;  ///< billable quantity over the span, in `unit`
  double usd = 0;       ///< over the span
  double monthly_usd = 0;
};

/// A run's cost (the report's "cost" block).
struct CostBreakdown {
  double total_usd = 0;        ///< over the span (free tier pro rata)
  double monthly_usd = 0;      ///< projected to a 730-hour month (free tier once)
  double usd_per_million = 0;  ///< monthly cost per million invocations (arrivals)
  double span_s = 0;
  double months = 0;  ///< span / 730 h
  bool free_tier = true;
  bool front_door = true;
  Date as_of;
  std::string region;
  std::vector<CostLine> lines;
  /// {"total_usd", "monthly_usd", "usd_per_million", "span_s", "months", "free_tier",
  ///  "front_door", "as_of", "region", "line_items": [{name, unit, quantity, usd, monthly_usd}]}
  std::string to_json() const;
};

/// Usage with every meter multiplied by `factor` (rounded to the nearest unit).
Usage scale_usage(const Usage& u, double factor);

/// The span and monthly cost of `usage` metered over `span_s` seconds (see the design notes).
/// `worked_s` > `span_s`: the platform worked that long (a backlog drained after the span), and
/// the usage is projected over that time; the breakdown's span stays `span_s`, and its span
/// figures (quantities and usd) are the span's share of that time's. A monthly meter
/// never exceeds its group's peak capacity running all month (Ec2Usage::peak_instances,
/// FargateUsage::peak_*). Throws PricingError when a price does not exist at as_of.
CostBreakdown project_costs(const RateCard& rc, const Usage& usage, double span_s,
                            const PricingOptions& options, double worked_s = 0);

/// Caps every Fargate and EC2 meter of `usage` at its group's peak capacity over `seconds`
/// (groups with an unknown peak are left as they are).
void cap_to_capacity(Usage& usage, double seconds);

/// Adds the front door's line items for `traffic` to `cost` (nothing when disabled or kNone).
/// Throws ConfigError("front_door", ...) when the chosen front door did not exist at as_of.
void add_front_door(const RateCard& rc, const FrontDoorOptions& o, FrontDoorSide side,
                    const HttpTraffic& traffic, std::uint64_t arrivals, CostBreakdown& cost);

}  // namespace slsim
