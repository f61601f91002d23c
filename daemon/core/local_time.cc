#include "daemon/core/local_time.h"

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace pingan::core {
namespace {

// Parses exactly `width` decimal digits at text[pos...].
std::optional<unsigned> Digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  unsigned value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return value;
}

}  // namespace

const date::time_zone* FindTimeZone(std::string_view name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;  // unknown zone or no tzdb: the caller reports it as a value
  }
}

Instant LocalToInstant(const date::time_zone& zone, date::local_days day, TimeOfDay time) {
  const date::local_seconds local = day + time;
  const date::local_info info = zone.get_info(local);
  switch (info.result) {
    case date::local_info::unique:
      return std::chrono::time_point_cast<Millis>(date::sys_seconds{local.time_since_epoch()} -
                                                  info.first.offset);
    case date::local_info::nonexistent:
      // In a gap: the first valid instant is where the new offset begins.
      return std::chrono::time_point_cast<Millis>(info.second.begin);
    case date::local_info::ambiguous:
      // In an overlap: `first` is the earlier period, whose offset yields the earlier
      // instant.
      return std::chrono::time_point_cast<Millis>(date::sys_seconds{local.time_since_epoch()} -
                                                  info.first.offset);
  }
  return Instant{};
}

date::local_days LocalDayOf(const date::time_zone& zone, Instant t) {
  const auto info = zone.get_info(std::chrono::time_point_cast<std::chrono::seconds>(t));
  const auto local = date::local_seconds{
      std::chrono::floor<std::chrono::seconds>(t).time_since_epoch() + info.offset};
  return date::floor<date::days>(local);
}

date::year_month_day LastDayOf(date::year_month ym) {
  return date::year_month_day{
      date::year_month_day_last{ym.year(), date::month_day_last{ym.month()}}};
}

date::year_month_day DayOrLastOfMonth(date::year_month ym, unsigned day) {
  const date::year_month_day last = LastDayOf(ym);
  if (day >= static_cast<unsigned>(last.day())) return last;
  return date::year_month_day{ym.year(), ym.month(), date::day{day}};
}

std::optional<date::year_month_day> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = Digits(text, 0, 4);
  auto m = Digits(text, 5, 2);
  auto d = Digits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  date::year_month_day ymd{date::year{static_cast<int>(*y)}, date::month{*m}, date::day{*d}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string FormatDate(date::year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::string FormatYearMonth(date::year_month ym) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ym.year()),
                static_cast<unsigned>(ym.month()));
  return buf;
}

std::optional<TimeOfDay> ParseTimeOfDay(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2) return std::nullopt;
  auto h = Digits(text, 0, colon);
  auto m = Digits(text, colon + 1, 2);
  if (!h || !m || text.size() != colon + 3 || *h > 23 || *m > 59) return std::nullopt;
  return TimeOfDay{*h * 60 + *m};
}

std::string FormatTimeOfDay(TimeOfDay t) {
  char buf[8];
  const auto minutes = t.count();
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(minutes / 60),
                static_cast<int>(minutes % 60));
  return buf;
}

std::optional<Millis> ParseDuration(std::string_view text) {
  if (text == "0") return Millis{0};
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), n);
    if (ec != std::errc{} || end == text.data() + pos || n < 0) return std::nullopt;
    pos = static_cast<size_t>(end - text.data());
    int64_t unit = 0;
    if (text.substr(pos, 2) == "ms") {
      unit = 1;
      pos += 2;
    } else if (pos < text.size()) {
      switch (text[pos]) {
        case 'd':
          unit = 86'400'000;
          break;
        case 'h':
          unit = 3'600'000;
          break;
        case 'm':
          unit = 60'000;
          break;
        case 's':
          unit = 1'000;
          break;
        default:
          return std::nullopt;
      }
      ++pos;
    } else {
      return std::nullopt;  // a number without a unit
    }
    if (n > (int64_t{1} << 50) / unit) return std::nullopt;  // absurdly long
    total += n * unit;
  }
  return Millis{total};
}

std::string FormatDuration(Millis d) {
  int64_t ms = d.count();
  if (ms == 0) return "0";
  std::string out;
  const std::pair<int64_t, const char*> units[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}, {1, "ms"}};
  for (const auto& [size, name] : units) {
    if (ms >= size) {
      out += std::to_string(ms / size) + name;
      ms %= size;
    }
  }
  return out;
}

std::string FormatInstantUtc(Instant t) {
  return date::format("%FT%TZ", t);
}

}  // namespace pingan::core
