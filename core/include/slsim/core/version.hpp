#pragma once
#include <string_view>

namespace slsim {
/// The library's version, "MAJOR.MINOR.PATCH".
std::string_view version();
}  // namespace slsim
