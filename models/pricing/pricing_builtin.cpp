#include <string>

#include "slsim/pricing/pricing.hpp"

namespace slsim {
namespace detail {
extern const std::string kPricing_rates;
extern const std::string kPricing_rules;
extern const std::string kPricing_ec2_instances;
extern const std::string kPricing_fargate_sizes;
}  // namespace detail

const RateCard& RateCard::builtin() {
  // Built once, read-only afterwards (thread-safe static initialisation); not mutable state.
  static const RateCard card = RateCard::parse(detail::kPricing_rates, detail::kPricing_rules,
                                               detail::kPricing_ec2_instances,
                                               detail::kPricing_fargate_sizes, "models/pricing");
  return card;
}

}  // namespace slsim
