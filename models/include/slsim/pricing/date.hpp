#pragma once
/// Calendar dates (UTC days) for `as_of` and the effective dates of prices and rules.

#include <chrono>
#include <compare>
#include <string>
#include <string_view>

namespace slsim {

class Date {
 public:
  constexpr Date() = default;
  constexpr explicit Date(std::chrono::sys_days d) : days_(d) {}
  constexpr Date(int y, unsigned m, unsigned d)
      : days_(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}) {}

  /// Parses YYYY-MM-DD; throws std::invalid_argument naming the text and the expected form.
  static Date parse(std::string_view text);
  /// Today's date (UTC), from the system clock.
  static Date today();

  /// YYYY-MM-DD.
  std::string str() const;
  constexpr std::chrono::sys_days days() const { return days_; }
  constexpr auto operator<=>(const Date&) const = default;

 private:
  std::chrono::sys_days days_{};
};

}  // namespace slsim
