#pragma once
// A Lambda simulation result in the CLI's formats (shared by `simulate` and `report`).
#include <vector>

#include "output.hpp"
#include "slsim/lambda/lambda.hpp"

namespace slsim::cli {
std::vector<Table> lambda_tables(const LambdaResult& r);
}  // namespace slsim::cli
