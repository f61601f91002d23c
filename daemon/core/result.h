// core::Error: one error type for loaders, parsers and services — what went wrong
// (`code`, `message`) and where (`file`, `line`, `column`, `key`), so that an
// administrator can fix a file at once and an API can answer with a stable code.
// Result<T>: a value or an Error (a std::variant, read with std::get_if / holds_alternative).
// Plain values; no threading concerns.
#pragma once

#include <string>
#include <variant>

namespace pingan::core {

struct Error {
  // The members read as "where, then what": Error{file, line, key, message} names a
  // place in a file; services that have no file set `code` and `message` only. Every
  // member has a default so that such partial initialisations compile cleanly.
  std::string file{};
  int line = 0;       // 1-based; 0 when unknown
  std::string key{};  // e.g. "units[3].time_zone", "requirements[0].deadlines", CSV column
  std::string message{};
  int column = 0;      // 1-based, in characters; 0 when unknown
  std::string code{};  // machine-readable kind ("csv_syntax", "bad_request"); may be empty

  // "org.yaml:12: units[3].time_zone: unknown time zone 'Asia/Shanghia'", with a column
  // "org.csv:3:7: unterminated quoted field".
  std::string ToString() const {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line);
    if (line > 0 && column > 0) out += ":" + std::to_string(column);
    out += ": ";
    if (!key.empty()) out += key + ": ";
    return out + message;
  }
};

// An error with no place in a file: a service's answer, e.g. ("not_found", "no unit 'x'").
inline Error CodedError(std::string code, std::string message) {
  Error e;
  e.message = std::move(message);
  e.code = std::move(code);
  return e;
}

template <typename T>
using Result = std::variant<T, Error>;

}  // namespace pingan::core
