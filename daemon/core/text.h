// Small text helpers shared by every parser in pingan (config, CSV, iCalendar, key
// files, comments, queries). ASCII only: case folding and trimming never touch UTF-8
// multi-byte sequences. Pure functions; safe on any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pingan::core {

// `s` without leading and trailing spaces, tabs, carriage returns and line feeds.
inline std::string_view TrimSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// TrimSpace as an owned string.
std::string Trim(std::string_view s);

// `s` with ASCII 'A'-'Z' lowered; every other byte unchanged.
std::string AsciiLower(std::string_view s);

// Whether `a` and `b` are equal ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// The pieces of `s` between `separator`s, empty pieces included ("a,,b" -> a, "", b;
// "" -> one empty piece). The views point into `s`.
std::vector<std::string_view> Split(std::string_view s, char separator);

// The lines of `s` without their "\n" or "\r\n"; a final line end adds no empty line
// ("a\r\nb\n" -> a, b; "" -> none).
std::vector<std::string_view> SplitLines(std::string_view s);

}  // namespace pingan::core
