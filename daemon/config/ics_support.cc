#include "daemon/config/ics_support.h"

#include <algorithm>
#include "daemon/core/text.h"

namespace pingan::config::ics {

std::variant<ComponentPtr, LoadError> Parse(const std::string& text, const std::string& file) {
  if (text.find("BEGIN:VCALENDAR") == std::string::npos) {
    return LoadError{file, 1, "", "not an iCalendar file (no BEGIN:VCALENDAR)"};
  }
  ComponentPtr root(icalparser_parse_string(text.c_str()), &icalcomponent_free);
  if (!root) return LoadError{file, 1, "", "not an iCalendar file (libical could not parse it)"};
  return root;
}

std::vector<icalcomponent*> Calendars(icalcomponent* root) {
  std::vector<icalcomponent*> out;
  if (icalcomponent_isa(root) == ICAL_XROOT_COMPONENT) {
    for (icalcomponent* c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
         c != nullptr; c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT)) {
      out.push_back(c);
    }
  } else if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
    out.push_back(root);
  }
  return out;
}

std::vector<int> EventLines(std::string_view text) {
  std::vector<int> lines;
  int line = 0;
  for (std::string_view l : core::SplitLines(text)) {
    ++line;
    if (core::TrimSpace(l) == "BEGIN:VEVENT") lines.push_back(line);
  }
  return lines;
}

std::string XProperty(icalcomponent* c, std::string_view name) {
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p != nullptr;
       p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
    const char* n = icalproperty_get_x_name(p);
    const char* v = icalproperty_get_x(p);
    if (n != nullptr && v != nullptr && name == n) return v;
  }
  return "";
}

std::optional<std::string> ParseProblem(icalcomponent* c) {
  icalproperty* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
  if (p == nullptr) return std::nullopt;
  const char* what = icalproperty_get_xlicerror(p);
  return std::string(what != nullptr ? what : "parse error");
}

}  // namespace pingan::config::ics
