#include "daemon/core/text.h"

#include <cstdint>
#include <cstdio>

namespace pingan::core {
namespace {

char LowerChar(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// The length of the well-formed UTF-8 sequence starting at s[i] and its code point,
// or 0 when the bytes there are not one (overlong, surrogate, truncated, stray).
size_t Utf8Sequence(std::string_view s, size_t i, uint32_t& cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t extra = 0;
  if ((c & 0xe0) == 0xc0) {
    extra = 1;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    extra = 2;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    extra = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + extra >= s.size()) return 0;
  for (size_t k = 1; k <= extra; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return extra + 1;
}

// Code points beyond ASCII that could break or disguise a log line: C1 controls (NEL
// among them), line and paragraph separators, bidirectional marks and overrides,
// the byte order mark.
bool IsHiddenCodePoint(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

}  // namespace

std::string Trim(std::string_view s) {
  return std::string(TrimSpace(s));
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerChar(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  }
  return true;
}

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t end = s.find(separator);
    out.push_back(s.substr(0, end));
    if (end == std::string_view::npos) return out;
    s.remove_prefix(end + 1);
  }
}

std::vector<std::string_view> SplitLines(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const size_t end = s.find('\n');
    std::string_view line = s.substr(0, end);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out.push_back(line);
    s.remove_prefix(end == std::string_view::npos ? s.size() : end + 1);
  }
  return out;
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = 0;
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
    } else if (const size_t n = Utf8Sequence(text, i, cp); n > 0) {
      i += n;
    } else {
      return false;
    }
  }
  return true;
}

std::string LogSafe(std::string_view s, size_t max_chars) {
  std::string out;
  out.reserve(std::min(s.size(), max_chars) + 8);
  char escape[12];
  size_t chars = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (chars == max_chars) {
      out += "\u2026(" + std::to_string(s.size()) + " bytes)";
      break;
    }
    ++chars;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
      out += "\\\\";
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      std::snprintf(escape, sizeof escape, "\\x%02x", c);
      out += escape;
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      uint32_t cp = 0;
      const size_t n = Utf8Sequence(s, i, cp);
      if (n == 0) {
        std::snprintf(escape, sizeof escape, "\\x%02x", c);  // not UTF-8: that byte only
        out += escape;
        ++i;
      } else if (IsHiddenCodePoint(cp)) {
        std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(cp));
        out += escape;
        i += n;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
    }
  }
  return out;
}

}  // namespace pingan::core
