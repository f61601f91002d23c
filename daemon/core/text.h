// Small text helpers shared by every parser in pingan (config, CSV, iCalendar, key
// files, comments). Pure functions; safe on any thread.
#pragma once

#include <string_view>

namespace pingan::core {

// `s` without leading and trailing spaces, tabs, carriage returns and line feeds.
inline std::string_view TrimSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

}  // namespace pingan::core
