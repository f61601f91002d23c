// LoadError: why an organisation, calendar, requirement or iCalendar file was refused,
// naming the file, the line and the key, so that an administrator can fix it at once.
// Plain value; no threading concerns.
#pragma once

#include <string>

namespace pingan::app {

struct LoadError {
  std::string file;
  int line = 0;     // 1-based; 0 when unknown
  std::string key;  // e.g. "units[3].time_zone", "requirements[0].deadlines", CSV column
  std::string message;

  // "org.yaml:12: units[3].time_zone: unknown time zone 'Asia/Shanghia'"
  std::string ToString() const {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
    if (!key.empty()) out += key + ": ";
    return out + message;
  }
};

}  // namespace pingan::app
