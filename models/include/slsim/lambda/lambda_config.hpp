#pragma once
/// The one validator of a Lambda configuration, whatever front end built it (scenario file,
/// command-line flags, Python keywords, C++).
///
/// Design notes: `validate_lambda` checks a `LambdaOptions` against the rules in force at its
/// `as_of` and throws `ConfigError(key, message)`. `key` is the setting's public name: the
/// scenario key of the [lambda] table ("timeout_s", "account_concurrency"), prefixed with
/// "functions.NAME." for a function's own settings ("functions.api.reserved_concurrency"). The
/// message says what is allowed and never names an internal rule. Front ends add where the value
/// came from: `FILE: [lambda.functions.api] reserved_concurrency: ...`, `--reserved-concurrency:
/// ...`, Python `ValueError("reserved_concurrency: ...")`. The model calls it too, so a
/// configuration built in C++ passes the same gate.

#include <string>
#include <vector>

#include "slsim/lambda/lambda.hpp"
#include "slsim/platform/config_error.hpp"
#include "slsim/pricing/pricing.hpp"

namespace slsim {

/// Validates one function configuration at `as_of`; `key_prefix` is put before every key
/// ("" for the [lambda] defaults, "functions.NAME." for a function). Throws ConfigError.
void validate_lambda_function(const LambdaFunctionConfig& c, const RateCard& rates, Date as_of,
                              const std::string& key_prefix = "");

/// Validates the whole configuration at `o.as_of`: the defaults, every function, and the account
/// settings (reservations leave the unreserved minimum free; provisioned windows fit the
/// reservation). Throws ConfigError.
void validate_lambda(const LambdaOptions& o, const RateCard& rates = RateCard::builtin());

/// Sets a Lambda setting given as a word — `key` "arch", "runtime" or "invocation" — from its
/// text: the same rule and message for a scenario key, a flag and a Python keyword. Throws
/// ConfigError(key, "'x' is not allowed: ...").
void set_lambda_choice(LambdaFunctionConfig& c, const std::string& key, const std::string& value);

/// An account concurrency limit a user gave (the scenario key, the flag, the Python keyword):
/// 1 to 10,000,000. (`LambdaOptions::account_concurrency` 0 means "the era's default"; a user
/// who gives 0 is refused here, the same way from every front end.) Throws
/// ConfigError("account_concurrency", ...).
void validate_account_concurrency(std::uint64_t limit);

/// Throws ConfigError("functions.NAME", ...) for the first function configured in `o.functions`
/// that the workload never names (`names`: the workload's function names).
void check_lambda_functions_exist(const LambdaOptions& o, const std::vector<std::string>& names);

/// The function timeout a configuration runs with at `as_of`, in whole seconds (`timeout_s`, or
/// the era's maximum when it is 0).
double effective_timeout_s(const LambdaFunctionConfig& c, const RateCard& rates, Date as_of);

/// The SQS visibility timeout of a queue-triggered function: the one set, else 6 times the
/// function timeout ("set the source queue's visibility timeout to at least six times the
/// timeout that you configure on your function",
/// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html, retrieved
/// 2026-12-07), at most SQS's 43,200 s.
double effective_visibility_timeout_s(const LambdaFunctionConfig& c, const RateCard& rates,
                                      Date as_of);

}  // namespace slsim
