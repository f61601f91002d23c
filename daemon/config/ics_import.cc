#include "daemon/config/ics_import.h"

#include <algorithm>

#include "daemon/config/ics_support.h"
#include "daemon/config/loader_support.h"
#include "daemon/core/report.h"
#include "daemon/core/text.h"

namespace pingan::config {
namespace {

using core::AsciiLower;
using core::Trim;
using ics::EventLines;
using ics::XProperty;

std::vector<std::string> Categories(icalcomponent* ev) {
  std::vector<std::string> out;
  for (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY);
       p != nullptr; p = icalcomponent_get_next_property(ev, ICAL_CATEGORIES_PROPERTY)) {
    const char* v = icalproperty_get_categories(p);
    std::string_view rest = v == nullptr ? "" : v;
    while (!rest.empty()) {
      const size_t comma = std::min(rest.find(','), rest.size());
      if (auto c = Trim(rest.substr(0, comma)); !c.empty()) out.push_back(AsciiLower(c));
      rest.remove_prefix(std::min(comma + 1, rest.size()));
    }
  }
  return out;
}

bool IsMidnight(const icaltimetype& t) {
  return t.is_date || (t.hour == 0 && t.minute == 0 && t.second == 0);
}

date::sys_days DayOf(const icaltimetype& t) {
  return date::sys_days{date::year{t.year} / static_cast<unsigned>(t.month) /
                        static_cast<unsigned>(t.day)};
}

class IcsReader {
 public:
  IcsReader(const std::string& text, const std::string& file, const IcsImportOptions& options)
      : file_(file), options_(options), event_lines_(EventLines(text)) {}

  std::variant<core::Calendar, LoadError> Read(icalcomponent* root) {
    calendar_.time_zone = options_.time_zone;
    calendar_.scope_unit_id = options_.scope_unit_id;
    calendar_.source = file_;
    const std::vector<icalcomponent*> calendars = ics::Calendars(root);
    if (calendars.empty()) return LoadError{file_, 1, "", "not an iCalendar file (no VCALENDAR)"};
    for (icalcomponent* c : calendars) {
      if (auto e = ReadCalendar(c)) return *e;
    }
    if (calendar_.name.empty()) calendar_.name = options_.calendar_name;
    if (calendar_.name.empty()) calendar_.name = file_;
    return std::move(calendar_);
  }

 private:
  std::optional<LoadError> ReadCalendar(icalcomponent* cal) {
    if (calendar_.name.empty() && options_.calendar_name.empty()) {
      calendar_.name = XProperty(cal, "X-WR-CALNAME");
    }
    for (icalcomponent* ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
         ev != nullptr; ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
      const int line = event_index_ < event_lines_.size() ? event_lines_[event_index_] : 0;
      ++event_index_;
      if (auto e = ReadEvent(ev, line)) return e;
    }
    return std::nullopt;
  }

  bool IsWorkingDay(const std::string& summary, const std::vector<std::string>& categories) {
    for (const std::string& k : options_.working_day_keywords) {
      if (!k.empty() && summary.find(k) != std::string::npos) return true;
    }
    for (const std::string& c : options_.working_day_categories) {
      if (std::find(categories.begin(), categories.end(), AsciiLower(c)) != categories.end()) {
        return true;
      }
    }
    return false;
  }

  std::optional<LoadError> ReadEvent(icalcomponent* ev, int line) {
    const char* summary_c = icalcomponent_get_summary(ev);
    const char* uid_c = icalcomponent_get_uid(ev);
    const std::string summary = summary_c ? summary_c : "";
    const std::string uid = uid_c ? uid_c : "";
    const std::string key = uid.empty() ? "VEVENT" : "VEVENT " + uid;
    auto error = [&](std::string message) { return LoadError{file_, line, key, message}; };
    if (auto problem = ics::ParseProblem(ev)) return error("malformed event: " + *problem);
    if (icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED) return std::nullopt;
    if (icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY) != nullptr) {
      return error("recurring events (RRULE) are not supported; list each year's dates");
    }
    if (icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY) == nullptr) {
      return error("has no DTSTART");
    }
    if (!core::IsValidUtf8(summary)) return error("SUMMARY is not valid UTF-8");
    const icaltimetype start = icalcomponent_get_dtstart(ev);
    const icaltimetype end = icalcomponent_get_dtend(ev);
    if (icaltime_is_null_time(start) || !IsMidnight(start) ||
        (!icaltime_is_null_time(end) && !IsMidnight(end))) {
      return error("is not an all-day event (DTSTART;VALUE=DATE)");
    }
    const date::sys_days first = DayOf(start);
    date::sys_days last = first;
    if (!icaltime_is_null_time(end) && DayOf(end) > first) last = DayOf(end) - date::days{1};
    if (!date::year_month_day{first}.ok() || !date::year_month_day{last}.ok()) {
      return error("has an invalid date");
    }
    if (last - first >= date::days{core::kMaxPeriodDays}) return error("lasts too long");
    const std::vector<std::string> categories = Categories(ev);
    const std::string source = file_ + ":" + std::to_string(line);
    if (IsWorkingDay(summary, categories)) {
      for (date::sys_days d = first; d <= last; d += date::days{1}) {
        calendar_.working_days.push_back(
            core::AdjustedWorkingDay{date::year_month_day{d}, summary, "", source});
      }
      return std::nullopt;
    }
    core::Period p;
    p.id = uid;
    p.name = summary.empty() ? uid : summary;
    p.kind = options_.kind;
    for (const std::string& c : categories) {
      if (auto k = core::ParsePeriodKind(c)) p.kind = *k;
    }
    p.first = date::year_month_day{first};
    p.last = date::year_month_day{last};
    p.source = source;
    calendar_.periods.push_back(std::move(p));
    return std::nullopt;
  }

  const std::string& file_;
  const IcsImportOptions& options_;
  std::vector<int> event_lines_;
  size_t event_index_ = 0;
  core::Calendar calendar_;
};

}  // namespace

std::variant<core::Calendar, LoadError> ParseIcsCalendar(const std::string& text,
                                                         const std::string& file,
                                                         const IcsImportOptions& options) {
  auto root = ics::Parse(text, file);
  if (auto* e = std::get_if<LoadError>(&root)) return *e;
  return IcsReader(text, file, options).Read(std::get<ics::ComponentPtr>(root).get());
}

std::variant<core::Calendar, LoadError> ImportIcsCalendar(const std::string& path,
                                                          const IcsImportOptions& options) {
  auto text = ReadTextFile(path);
  if (auto* e = std::get_if<LoadError>(&text)) return *e;
  return ParseIcsCalendar(std::get<std::string>(text), path, options);
}

}  // namespace pingan::config
