// Small text helpers shared by every parser in pingan (config, CSV, iCalendar, key
// files, comments, queries), and the one way untrusted text reaches a log line
// (LogSafe). ASCII only: case folding and trimming never touch UTF-8 multi-byte
// sequences. Pure functions; safe on any thread.
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

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or values beyond
// U+10FFFF).
bool IsValidUtf8(std::string_view text);

// How many characters of an untrusted string LogSafe keeps by default.
inline constexpr size_t kLogSafeChars = 64;

// `s` made fit for one log line, for any text that came from outside (a peer's report
// id, a reason, a file name from a request): control characters (C0, DEL, C1), line
// and paragraph separators and bidirectional overrides become \xNN or \uNNNN, a
// backslash becomes "\\" (so an escape in the output is never the sender's), a byte
// that is not valid UTF-8 becomes \xNN, and after `max_chars` characters (an escape
// counts as one) the rest is replaced by "…(N bytes)", N being the size of `s`. The
// result is valid UTF-8 without any line break, at most about 6 * max_chars + 20 bytes.
std::string LogSafe(std::string_view s, size_t max_chars = kLogSafeChars);

}  // namespace pingan::core
