#include "daemon/config/roster_ics.h"

#include <date/tz.h>

#include <map>

#include "daemon/config/ics_support.h"
#include "daemon/config/loader_support.h"
#include "daemon/core/report.h"
#include "daemon/core/roster_csv.h"
#include "daemon/core/text.h"

namespace pingan::config {
namespace {

// The first line (1-based) that starts with `prefix`, 0 when none.
int LineOf(std::string_view text, std::string_view prefix) {
  int line = 1;
  for (size_t pos = 0; pos < text.size(); ++line) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    if (text.substr(pos, end - pos).starts_with(prefix)) return line;
    pos = end + 1;
  }
  return 0;
}

// An IANA zone for a TZID: the name itself, its tail after a vendor prefix, or a
// Windows name we know; nullopt otherwise.
std::optional<std::string> ZoneForTzid(std::string tzid) {
  static const std::map<std::string, std::string, std::less<>> kWindows = {
      {"China Standard Time", "Asia/Shanghai"},
      {"Taipei Standard Time", "Asia/Taipei"},
      {"UTC", "UTC"}};
  if (auto it = kWindows.find(tzid); it != kWindows.end()) return it->second;
  while (!tzid.empty()) {
    if (core::LocalToInstant(date::local_seconds{}, tzid)) return tzid;
    const size_t slash = tzid.find('/', 1);
    if (slash == std::string::npos) break;
    tzid = tzid.substr(slash + (tzid[0] == '/' ? 0 : 1));
    if (tzid.starts_with('/')) tzid.erase(0, 1);
  }
  return std::nullopt;
}

// The time's fields as a local time; nullopt when they are not a real date.
std::optional<date::local_seconds> LocalOf(const icaltimetype& t) {
  const date::year_month_day day{date::year{t.year}, date::month{static_cast<unsigned>(t.month)},
                                 date::day{static_cast<unsigned>(t.day)}};
  if (!day.ok()) return std::nullopt;
  if (t.is_date) return date::local_days{day};
  return date::local_days{day} + std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} +
         std::chrono::seconds{t.second};
}

date::local_seconds InZone(core::Instant t, const std::string& zone) {
  return date::zoned_time<std::chrono::seconds>(zone, date::floor<std::chrono::seconds>(t))
      .get_local_time();
}

// A person's contact data from the event's DESCRIPTION lines "key: value".
void ReadDescription(const std::string& text, core::Recipient& person, std::string& label) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    std::string line(text.substr(pos, end - pos));
    pos = end + 1;
    size_t colon = line.find(':');
    size_t width = 1;
    // Chinese input methods type the full-width colon '：' (U+FF1A, three bytes).
    if (const size_t wide = line.find("\xEF\xBC\x9A"); wide < colon) {
      colon = wide;
      width = 3;
    }
    if (colon == std::string::npos) continue;
    const std::string key = core::AsciiLower(core::Trim(line.substr(0, colon)));
    const std::string value = core::Trim(line.substr(colon + width));
    if (value.empty()) continue;
    if (key == "phone" || key == "tel" || key == "mobile" || key == "电话" || key == "手机") {
      person.phone = value;
    } else if (key == "email" || key == "e-mail" || key == "mail" || key == "邮箱") {
      person.email = value;
    } else if (key == "label" || key == "role" || key == "岗位" || key == "职务") {
      label = value;
    }
  }
}

class RosterReader {
 public:
  RosterReader(const std::string& text, const std::string& file, const core::OrgTree& tree,
               const RosterIcsOptions& options)
      : text_(text),
        file_(file),
        tree_(tree),
        options_(options),
        event_lines_(ics::EventLines(text)) {}

  std::variant<core::Rosters, LoadError> Read(icalcomponent* root) {
    const std::vector<icalcomponent*> calendars = ics::Calendars(root);
    if (calendars.empty()) return LoadError{file_, 1, "", "not an iCalendar file (no VCALENDAR)"};
    std::map<std::string, std::vector<std::pair<core::Shift, int>>> by_unit;
    for (icalcomponent* cal : calendars) {
      auto unit = UnitOf(cal);
      if (auto* e = std::get_if<LoadError>(&unit)) return *e;
      const core::Unit& u = *std::get<const core::Unit*>(unit);
      zone_ = tree_.EffectiveTimeZone(u, options_.default_zone);
      for (icalcomponent* ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
           ev != nullptr; ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        const int line = event_index_ < event_lines_.size() ? event_lines_[event_index_] : 0;
        ++event_index_;
        std::optional<core::Shift> shift;
        if (auto e = ReadEvent(ev, line, shift)) return *e;
        if (shift) by_unit[u.id].emplace_back(std::move(*shift), line);
      }
    }
    return Build(std::move(by_unit));
  }

 private:
  std::variant<const core::Unit*, LoadError> UnitOf(icalcomponent* cal) const {
    if (!options_.unit_id.empty()) {
      if (const core::Unit* u = tree_.Find(options_.unit_id)) return u;
      return LoadError{file_, 0, "unit", "unit '" + options_.unit_id + "' is not in the org tree"};
    }
    if (std::string id = core::Trim(ics::XProperty(cal, "X-PINGAN-UNIT")); !id.empty()) {
      if (const core::Unit* u = tree_.Find(id)) return u;
      return LoadError{file_, LineOf(text_, "X-PINGAN-UNIT"), "X-PINGAN-UNIT",
                       "unit '" + id + "' is not in the org tree"};
    }
    const std::string name = core::Trim(ics::XProperty(cal, "X-WR-CALNAME"));
    const int line = LineOf(text_, "X-WR-CALNAME");
    if (name.empty()) {
      return LoadError{file_, 1, "",
                       "which unit is this roster for? Set `unit:` in the escalation config or "
                       "X-PINGAN-UNIT in the file"};
    }
    if (const core::Unit* u = tree_.Find(name)) return u;
    const core::Unit* found = nullptr;
    for (const core::Unit& u : tree_.units()) {
      if (u.name != name) continue;
      if (found != nullptr) {
        return LoadError{file_, line, "X-WR-CALNAME",
                         "'" + name + "' names several units; set X-PINGAN-UNIT or `unit:`"};
      }
      found = &u;
    }
    if (found != nullptr) return found;
    return LoadError{file_, line, "X-WR-CALNAME", "'" + name + "' is not a unit id or name"};
  }

  // The property's time in the unit's local time, or an error message.
  std::variant<date::local_seconds, std::string> TimeOf(icalproperty* p,
                                                        const icaltimetype& t) const {
    if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t)) return std::string("bad time");
    const std::optional<date::local_seconds> parsed = LocalOf(t);
    if (!parsed) return std::string("not a real date");
    const date::local_seconds local = *parsed;
    if (t.is_date) return local;
    if (icaltime_is_utc(t)) return InZone(date::sys_seconds{local.time_since_epoch()}, zone_);
    icalparameter* tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    const char* tzid = tz != nullptr ? icalparameter_get_tzid(tz) : nullptr;
    if (tzid == nullptr || *tzid == '\0') return local;  // floating: the unit's zone
    auto zone = ZoneForTzid(tzid);
    if (!zone) return "unknown time zone '" + std::string(tzid) + "' (TZID)";
    auto instant = core::LocalToInstant(local, *zone);
    if (!instant) return "unknown time zone '" + *zone + "' (TZID)";
    return InZone(*instant, zone_);
  }

  std::optional<LoadError> ReadTimes(icalcomponent* ev, core::Shift& shift,
                                     const auto& error) const {
    icalproperty* start_p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
    if (start_p == nullptr) return error("has no DTSTART");
    const icaltimetype start_t = icalproperty_get_dtstart(start_p);
    auto start = TimeOf(start_p, start_t);
    if (auto* m = std::get_if<std::string>(&start)) return error("DTSTART: " + *m);
    shift.start = std::get<date::local_seconds>(start);
    if (icalproperty* end_p = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY)) {
      auto end = TimeOf(end_p, icalproperty_get_dtend(end_p));
      if (auto* m = std::get_if<std::string>(&end)) return error("DTEND: " + *m);
      shift.end = std::get<date::local_seconds>(end);
    } else if (icalproperty* d = icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY)) {
      shift.end =
          shift.start + std::chrono::seconds{icaldurationtype_as_int(icalproperty_get_duration(d))};
    } else {
      return error("has neither DTEND nor DURATION: a shift needs an end");
    }
    if (shift.end <= shift.start) return error("ends before it starts");
    return std::nullopt;
  }

  std::optional<LoadError> ReadEvent(icalcomponent* ev, int line,
                                     std::optional<core::Shift>& out) const {
    const char* uid_c = icalcomponent_get_uid(ev);
    const std::string key = uid_c != nullptr && *uid_c ? "VEVENT " + std::string(uid_c) : "VEVENT";
    auto error = [&](std::string message) { return LoadError{file_, line, key, message}; };
    if (auto problem = ics::ParseProblem(ev)) return error("malformed event: " + *problem);
    if (icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED) return std::nullopt;
    if (icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY) != nullptr) {
      return error("recurring shifts (RRULE) are not supported; list each shift");
    }
    core::Shift shift;
    if (auto e = ReadTimes(ev, shift, error)) return e;
    const char* summary = icalcomponent_get_summary(ev);
    shift.person.name = core::Trim(summary != nullptr ? summary : "");
    for (icalproperty* a = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
         a != nullptr; a = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
      icalparameter* cn = icalproperty_get_first_parameter(a, ICAL_CN_PARAMETER);
      if (shift.person.name.empty() && cn != nullptr && icalparameter_get_cn(cn) != nullptr) {
        shift.person.name = core::Trim(icalparameter_get_cn(cn));
      }
      const char* v = icalproperty_get_attendee(a);
      const std::string value = v != nullptr ? core::Trim(v) : "";
      const std::string scheme =
          core::AsciiLower(value.substr(0, std::min<size_t>(value.size(), 7)));
      if (shift.person.email.empty() && scheme == "mailto:") shift.person.email = value.substr(7);
      if (shift.person.phone.empty() && scheme.starts_with("tel:")) {
        shift.person.phone = value.substr(4);
      }
    }
    const char* description = icalcomponent_get_description(ev);
    if (description != nullptr) ReadDescription(description, shift.person, shift.label);
    for (const std::string* s :
         {&shift.person.name, &shift.person.phone, &shift.person.email, &shift.label}) {
      if (!core::IsValidUtf8(*s)) return error("text is not valid UTF-8");
    }
    if (shift.person.name.empty()) return error("needs a name (SUMMARY or ATTENDEE;CN=...)");
    if (shift.person.phone.empty() && shift.person.email.empty()) {
      return error("needs a phone or an email (DESCRIPTION \"phone: ...\" or ATTENDEE mailto:)");
    }
    out = std::move(shift);
    return std::nullopt;
  }

  std::variant<core::Rosters, LoadError> Build(
      std::map<std::string, std::vector<std::pair<core::Shift, int>>> by_unit) const {
    core::Rosters rosters;
    for (auto& [unit_id, entries] : by_unit) {
      std::vector<core::Shift> shifts;
      for (auto& [shift, line] : entries) shifts.push_back(shift);
      const core::Unit* unit = tree_.Find(unit_id);
      auto built = core::Roster::Build(
          unit_id, tree_.EffectiveTimeZone(*unit, options_.default_zone), std::move(shifts));
      if (auto* e = std::get_if<core::Roster::BuildError>(&built)) {
        const int line = e->shift_index < entries.size() ? entries[e->shift_index].second : 0;
        return LoadError{file_, line, "VEVENT", e->message};
      }
      rosters.emplace(unit_id, std::get<core::Roster>(std::move(built)));
    }
    return rosters;
  }

  const std::string& text_;
  const std::string& file_;
  const core::OrgTree& tree_;
  const RosterIcsOptions& options_;
  std::vector<int> event_lines_;
  size_t event_index_ = 0;
  std::string zone_;  // of the unit being read
};

}  // namespace

std::variant<core::Rosters, LoadError> ParseRosterIcs(const std::string& text,
                                                      const std::string& file,
                                                      const core::OrgTree& tree,
                                                      const RosterIcsOptions& options) {
  auto root = ics::Parse(text, file);
  if (auto* e = std::get_if<LoadError>(&root)) return *e;
  return RosterReader(text, file, tree, options).Read(std::get<ics::ComponentPtr>(root).get());
}

bool IsIcsRosterPath(const std::string& path) {
  const std::string lower = core::AsciiLower(path);
  return lower.ends_with(".ics") || lower.ends_with(".ical");
}

std::variant<core::Rosters, LoadError> ImportRosterFile(const RosterSource& source,
                                                        const core::OrgTree& tree,
                                                        const std::string& default_zone) {
  auto text = ReadTextFile(source.file);
  if (auto* err = std::get_if<LoadError>(&text)) return *err;
  const std::string& content = std::get<std::string>(text);
  if (IsIcsRosterPath(source.file)) {
    return ParseRosterIcs(content, source.file, tree,
                          RosterIcsOptions{source.unit_id, default_zone});
  }
  auto rosters = core::ImportRosterCsv(content, tree, default_zone);
  auto* errors = std::get_if<std::vector<core::CsvError>>(&rosters);
  if (errors == nullptr) return std::get<core::Rosters>(std::move(rosters));
  if (errors->empty()) return LoadError{source.file, 0, "", "the roster could not be read"};
  const core::CsvError& first = errors->front();
  const std::string more =
      errors->size() > 1 ? " (and " + std::to_string(errors->size() - 1) + " more problems)" : "";
  LoadError error{source.file, first.line, "", first.message + more};
  error.column = first.column;
  return error;
}

std::optional<std::string> MergeRosters(core::Rosters& into, core::Rosters more) {
  for (auto& [unit_id, roster] : more) {
    auto it = into.find(unit_id);
    if (it == into.end()) {
      into.emplace(unit_id, std::move(roster));
      continue;
    }
    std::vector<core::Shift> shifts = it->second.shifts();
    shifts.insert(shifts.end(), roster.shifts().begin(), roster.shifts().end());
    auto built = core::Roster::Build(unit_id, it->second.time_zone(), std::move(shifts));
    if (auto* e = std::get_if<core::Roster::BuildError>(&built)) return unit_id + ": " + e->message;
    it->second = std::get<core::Roster>(std::move(built));
  }
  return std::nullopt;
}

}  // namespace pingan::config
