#pragma once
// A Lambda simulation result in the CLI's formats (shared by `simulate` and `report`): the
// configuration simulated, the result and the bill.
#include <nlohmann/json.hpp>
#include <vector>

#include "output.hpp"
#include "slsim/lambda/lambda.hpp"

namespace slsim::cli {

/// The configuration that was simulated, with the defaults of the era filled in (memory,
/// runtime, timeout, keep-alive, init, concurrency settings, and the account and rules in force).
std::vector<Table> lambda_config_tables(const LambdaOptions& o,
                                        const RateCard& rates = RateCard::builtin());
nlohmann::ordered_json lambda_config_json(const LambdaOptions& o,
                                          const RateCard& rates = RateCard::builtin());

/// The result and its bill as tables (latency "n/a" when nothing ended).
std::vector<Table> lambda_tables(const LambdaResult& r, const LambdaOptions& o,
                                 const RateCard& rates = RateCard::builtin());

/// The result's JSON (LambdaResult::to_json()) with the configuration under "config" and
/// latency figures null when nothing they describe happened.
nlohmann::ordered_json lambda_json(const LambdaResult& r, const LambdaOptions& o,
                                   const RateCard& rates = RateCard::builtin());

}  // namespace slsim::cli
