#include "slsim/pricing/date.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace slsim {

Date Date::parse(std::string_view text) {
  auto fail = [&] {
    throw std::invalid_argument(
        fmt::format("'{}' is not a date: expected YYYY-MM-DD, e.g. 2020-12-01", text));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') fail();
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [&](std::size_t pos, std::size_t len, auto& out) {
    const auto r = std::from_chars(text.data() + pos, text.data() + pos + len, out);
    if (r.ec != std::errc() || r.ptr != text.data() + pos + len) fail();
  };
  num(0, 4, y);
  num(5, 2, m);
  num(8, 2, d);
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) fail();
  return Date(std::chrono::sys_days{ymd});
}

Date Date::today() {
  return Date(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
}

std::string Date::str() const {
  const std::chrono::year_month_day ymd{days_};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

}  // namespace slsim
