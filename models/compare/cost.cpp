#include "slsim/compare/cost.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "slsim/platform/config_error.hpp"

namespace slsim {

namespace {

std::uint64_t scaled(std::uint64_t v, double f) {
  return static_cast<std::uint64_t>(std::llround(static_cast<double>(v) * f));
}

double cents_to_usd(std::int64_t c) {
  return static_cast<double>(c) / 100.0;
}

double round_usd(double usd) {
  return std::round(usd * 100.0) / 100.0;
}

// The rows of (service, item) in force at as_of in the region, sorted by tier.
std::vector<const RateCard::Rate*> rows(const RateCard& rc, std::string_view service,
                                        std::string_view item, Date as_of,
                                        std::string_view region) {
  std::vector<const RateCard::Rate*> out;
  for (const auto& r : rc.rates()) {
    if (r.service == service && r.item == item && r.region == region && r.in_force(as_of)) {
      out.push_back(&r);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const auto* a, const auto* b) { return a->tier_from < b->tier_from; });
  return out;
}

// The first date (service, item) has a price in the region, if any.
std::optional<Date> first_date(const RateCard& rc, std::string_view service, std::string_view item,
                               std::string_view region) {
  std::optional<Date> first;
  for (const auto& r : rc.rates()) {
    if (r.service == service && r.item == item && r.region == region &&
        (!first || r.from < *first)) {
      first = r.from;
    }
  }
  return first;
}

// Pico-dollars for `qty` units (a monthly quantity) through the tiers in force.
long double tiered_pico(const std::vector<const RateCard::Rate*>& tiers, double qty) {
  long double pico = 0;
  for (const auto* t : tiers) {
    const double lo = t->tier_from;
    const double hi = t->tier_to ? *t->tier_to : qty;
    const double in = std::max(0.0, std::min(qty, hi) - lo);
    pico += static_cast<long double>(in) * static_cast<long double>(t->price_pico);
  }
  return pico;
}

// Rounded to cents, half away from zero (as RateCard::price rounds line items).
double pico_to_usd(long double pico) {
  return static_cast<double>(std::llroundl(pico / 1e10L)) / 100.0;
}

// Not rounded: a span's share of a monthly charge (a 10-second trace's ALB-hours) is not cents,
// and rounding it showed $0.00 beside a non-zero quantity (review of issue 19, C2).
double span_usd(long double pico) {
  return static_cast<double>(pico / 1e12L);
}

}  // namespace

void validate_front_door(const FrontDoorOptions& o) {
  if (o.lambda != "http-api" && o.lambda != "rest-api" && o.lambda != "function-url") {
    throw ConfigError("front_door", fmt::format("'{}' is not a Lambda front door; allowed: "
                                                "http-api, rest-api, function-url",
                                                o.lambda));
  }
  // Bounded so that LCUs stay finite: a request and its response of more than 1 GB is not what
  // a load balancer's processed-bytes dimension is about (review: 1e300 gave a negative bill).
  if (!(o.bytes_per_request >= 0 && o.bytes_per_request <= 1e9)) {
    throw ConfigError("bytes_per_request",
                      "must be a number of bytes from 0 to 1,000,000,000 (request and response)");
  }
  if (o.alb_zones() < 2 || o.alb_zones() > 6) {
    throw ConfigError("alb_availability_zones",
                      fmt::format("{} is not allowed: an Application Load Balancer needs at least "
                                  "2 Availability Zones; from 2 to 6 (us-east-1 has six)",
                                  o.alb_zones()));
  }
  // The zones are the load balancer's: with no front door they would be ignored (review of
  // issue 19, M7).
  if (!o.enabled && o.alb_availability_zones) {
    throw ConfigError("alb_availability_zones",
                      fmt::format("{} zones of a load balancer that is not there: the front door "
                                  "is off (front_door = \"none\"); remove alb_availability_zones",
                                  *o.alb_availability_zones));
  }
  if (!(o.requests_per_connection >= 1 && o.requests_per_connection <= 1e9)) {
    throw ConfigError("requests_per_connection", "must be a number from 1 to 1,000,000,000");
  }
}

Usage scale_usage(const Usage& u, double f) {
  Usage out = u;
  for (auto& l : out.lambda) {
    l.requests = scaled(l.requests, f);
    l.duration_mb_ms = scaled(l.duration_mb_ms, f);
    l.pc_requests = scaled(l.pc_requests, f);
    l.pc_duration_mb_ms = scaled(l.pc_duration_mb_ms, f);
    l.pc_capacity_mb_ms = scaled(l.pc_capacity_mb_ms, f);
    l.ephemeral_mb_ms = scaled(l.ephemeral_mb_ms, f);
  }
  for (auto& g : out.fargate) {
    g.tasks = scaled(g.tasks, f);
    g.vcpu_milli_s = scaled(g.vcpu_milli_s, f);
    g.memory_mb_s = scaled(g.memory_mb_s, f);
    g.storage_gb_s = scaled(g.storage_gb_s, f);
    g.public_ipv4_s = scaled(g.public_ipv4_s, f);
  }
  for (auto& e : out.ec2) {
    e.instances = scaled(e.instances, f);
    e.instance_s = scaled(e.instance_s, f);
    e.surplus_credit_vcpu_ms = scaled(e.surplus_credit_vcpu_ms, f);
    e.public_ipv4_s = scaled(e.public_ipv4_s, f);
  }
  out.lambda_managed_requests = scaled(out.lambda_managed_requests, f);
  return out;
}

void cap_to_capacity(Usage& u, double seconds) {
  auto cap = [seconds](std::uint64_t& v, std::uint64_t peak) {
    if (peak == 0) return;
    const long double most = static_cast<long double>(peak) * seconds;
    if (static_cast<long double>(v) > most) v = static_cast<std::uint64_t>(std::llroundl(most));
  };
  for (auto& l : u.lambda) {
    // Provisioned capacity is metered in MB x milliseconds.
    if (l.peak_pc_mb > 0) {
      const long double most = static_cast<long double>(l.peak_pc_mb) * seconds * 1000;
      if (static_cast<long double>(l.pc_capacity_mb_ms) > most)
        l.pc_capacity_mb_ms = static_cast<std::uint64_t>(std::llroundl(most));
    }
  }
  for (auto& g : u.fargate) {
    cap(g.vcpu_milli_s, g.peak_vcpu_milli);
    cap(g.memory_mb_s, g.peak_memory_mb);
    cap(g.storage_gb_s, g.peak_storage_gb);
    cap(g.public_ipv4_s, g.peak_tasks);  // at most one address per task
  }
  for (auto& e : u.ec2) {
    cap(e.instance_s, e.peak_instances);
    cap(e.public_ipv4_s, e.peak_instances);
  }
}

// ---- the projection: the one helper to swap for calendar-month allowances ----------------------

CostBreakdown project_costs(const RateCard& rc, const Usage& usage, double span_s,
                            const PricingOptions& options, double worked_s) {
  CostBreakdown c;
  c.span_s = span_s;
  c.free_tier = options.free_tier;
  c.as_of = options.as_of;
  c.region = options.region;
  const double month_s = kHoursPerMonth * 3600.0;
  c.months = span_s > 0 ? span_s / month_s : 0.0;
  // The usage is projected over the time the platform worked when that is longer than the span
  // (a backlog drained after it, Batch's idle scale-down): a month cannot hold more. The span
  // figures stay the span's share of the month, as the report's "over the span" row says (it
  // once showed the cost of the whole period worked: review of issue 19, M2).
  const double period_s = std::max(span_s, worked_s);
  const double to_month = period_s > 0 ? month_s / period_s : 0.0;
  const double span_share = period_s > 0 ? span_s / period_s : 0.0;

  PricingOptions no_free = options;
  no_free.free_tier = false;
  const Bill span_bill = rc.price(usage, no_free);
  Usage monthly_usage = scale_usage(usage, to_month);
  // A month never bills more than the capacity seen running all month: a short span's minimum
  // charges (Fargate's one minute, EC2's 60 s) are not repeated beyond it (issue 19 #7).
  cap_to_capacity(monthly_usage, month_s);
  const Bill month_bill = rc.price(monthly_usage, no_free);
  // Span figures are the monthly ones in proportion to the span (tiers and allowances are
  // monthly, so a part of a month pays that part of the month's bill); quantities are the span's.
  for (const auto& item : month_bill.items) {
    CostLine l{item.name, item.unit, 0, item.usd() * c.months, item.usd()};
    for (const auto& sp : span_bill.items) {
      if (sp.name == item.name) l.quantity = sp.quantity * span_share;
    }
    c.lines.push_back(std::move(l));
  }
  if (options.free_tier) {
    const Bill with_free = rc.price(monthly_usage, options);
    const std::int64_t credit_cents = with_free.total_cents() - month_bill.total_cents();
    if (credit_cents != 0) {
      const double monthly = cents_to_usd(credit_cents);
      c.lines.push_back({"Free tier (monthly allowance)", "", 0, monthly * c.months, monthly});
    }
  }
  for (const auto& l : c.lines) {
    c.total_usd += l.usd;
    c.monthly_usd += l.monthly_usd;
  }
  c.monthly_usd = round_usd(c.monthly_usd);
  return c;
}

void add_front_door(const RateCard& rc, const FrontDoorOptions& o, FrontDoorSide side,
                    const HttpTraffic& traffic, std::uint64_t arrivals, CostBreakdown& c) {
  c.front_door = o.enabled;
  auto finish = [&] {
    c.total_usd = 0;
    c.monthly_usd = 0;
    for (const auto& l : c.lines) {
      c.total_usd += l.usd;
      c.monthly_usd += l.monthly_usd;
    }
    c.monthly_usd = round_usd(c.monthly_usd);
    const double monthly_invocations =
        c.months > 0 ? static_cast<double>(arrivals) / c.months : 0.0;
    c.usd_per_million = monthly_invocations > 0 ? c.monthly_usd / monthly_invocations * 1e6 : 0.0;
  };
  // Only requests that arrive over HTTP (sync) pass a front door: a workload of queue messages
  // and async events needs no API Gateway and no load balancer.
  if (!o.enabled || side == FrontDoorSide::kNone || c.months <= 0 || traffic.requests == 0) {
    finish();
    return;
  }
  auto need = [&](std::string_view service, std::string_view item, const std::string& what,
                  const std::string& instead) {
    auto r = rows(rc, service, item, c.as_of, c.region);
    if (r.empty()) {
      const auto first = first_date(rc, service, item, c.region);
      if (first && c.as_of < *first) {
        throw ConfigError("front_door", fmt::format("{} did not exist on {} (available from "
                                                    "{}); {}",
                                                    what, c.as_of.str(), first->str(), instead));
      }
      throw PricingError(
          fmt::format("slsim has no price for {} in {} on {}", what, c.region, c.as_of.str()));
    }
    return r;
  };
  const double span_requests = static_cast<double>(traffic.requests);
  const double monthly_requests = span_requests / c.months;
  if (side == FrontDoorSide::kLambda) {
    std::string service = "apigateway", item = "http_request", what = "API Gateway HTTP API";
    if (o.lambda == "rest-api") {
      item = "rest_request";
      what = "API Gateway REST API";
    } else if (o.lambda == "function-url") {
      service = "lambda";
      item = "function_url_request";
      what = "Lambda function URLs";
    }
    const auto tiers =
        need(service, item, what,
             "choose another front door (front_door = \"rest-api\") or none (--no-front-door)");
    const double monthly = pico_to_usd(tiered_pico(tiers, monthly_requests));
    c.lines.push_back({what + " requests", "requests", span_requests, monthly * c.months, monthly});
  } else {
    const auto hour = need("elb", "alb_hour", "Application Load Balancer",
                           "turn the front door off (--no-front-door)");
    const auto lcu = need("elb", "alb_lcu", "Application Load Balancer",
                          "turn the front door off (--no-front-door)");
    // The load balancer runs all the time: a month is 730 ALB-hours and the span its share of
    // them (the span is a window of a running deployment, so its partial hours are not rounded
    // up; "each partial hour ... billed as a full hour" applies to a balancer created and
    // deleted, https://aws.amazon.com/elasticloadbalancing/pricing/).
    const double span_hours = c.span_s / 3600.0;
    c.lines.push_back({"Application Load Balancer hours", "ALB-hours", span_hours,
                       span_usd(tiered_pico(hour, span_hours)),
                       pico_to_usd(tiered_pico(hour, kHoursPerMonth))});
    // LCUs per hour: the largest of the new-connection and processed-bytes dimensions (one
    // listener rule, so rule evaluations are within the 10 free rules; active connections are
    // not modelled and are below the new-connection dimension for short requests).
    // Processed bytes: "1 GB per hour for EC2 instances, containers and IP addresses as targets
    // and 0.4 GB per hour for Lambda functions as targets" (same page, as read 2026-12).
    double lcu_hours = 0;
    for (std::size_t h = 0; h < traffic.per_hour.size(); ++h) {
      const double req = static_cast<double>(traffic.per_hour[h]);
      const double to_lambda = h < traffic.lambda_target_per_hour.size()
                                   ? static_cast<double>(traffic.lambda_target_per_hour[h])
                                   : 0.0;
      const double new_conn_per_s = req / o.requests_per_connection / 3600.0;
      const double gb = (req - to_lambda) * o.bytes_per_request / 1e9;
      const double lambda_gb = to_lambda * o.bytes_per_request / 1e9;
      lcu_hours += std::max(new_conn_per_s / 25.0, gb / 1.0 + lambda_gb / 0.4);
    }
    const double monthly_lcu = lcu_hours / c.months;
    const double monthly = pico_to_usd(tiered_pico(lcu, monthly_lcu));
    c.lines.push_back(
        {"Application Load Balancer LCUs", "LCU-hours", lcu_hours, monthly * c.months, monthly});
    // Its public IPv4 addresses: an internet-facing ALB's nodes have public addresses, at least
    // one per enabled Availability Zone (ELB guide, "Application Load Balancers": "The nodes of
    // an internet-facing load balancer have public IP addresses"), billed $0.005 per IP-hour
    // from 2024-02-01 (https://aws.amazon.com/vpc/pricing/). None before: an address in use was
    // free. Under load an ALB adds nodes (more addresses); slsim counts one per zone.
    const auto ip = rows(rc, "vpc", "public_ipv4", c.as_of, c.region);
    if (!ip.empty()) {
      const double zones = o.alb_zones();
      c.lines.push_back(
          {fmt::format("Public IPv4 addresses (load balancer, {} zones)", o.alb_zones()),
           "IP-hours", zones * span_hours, span_usd(tiered_pico(ip, zones * span_hours)),
           pico_to_usd(tiered_pico(ip, zones * kHoursPerMonth))});
    }
  }
  finish();
}

std::string CostBreakdown::to_json() const {
  nlohmann::ordered_json j;
  j["total_usd"] = total_usd;
  j["monthly_usd"] = monthly_usd;
  j["usd_per_million"] = usd_per_million;
  j["span_s"] = span_s;
  j["months"] = months;
  j["free_tier"] = free_tier;
  j["front_door"] = front_door;
  j["as_of"] = as_of.str();
  j["region"] = region;
  auto items = nlohmann::ordered_json::array();
  for (const auto& l : lines) {
    items.push_back({{"name", l.name},
                     {"unit", l.unit},
                     {"quantity", l.quantity},
                     {"usd", l.usd},
                     {"monthly_usd", l.monthly_usd}});
  }
  j["line_items"] = items;
  return j.dump();
}

}  // namespace slsim
