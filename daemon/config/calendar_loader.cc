#include "daemon/config/calendar_loader.h"

#include <algorithm>

#include "daemon/config/ics_import.h"
#include "daemon/config/loader_support.h"

namespace pingan::config {
namespace {

class CalendarReader {
 public:
  CalendarReader(const std::string& file, const std::string& base_dir)
      : r_(file), base_dir_(base_dir) {}

  std::optional<LoadError> Calendars(const YAML::Node& list, std::vector<core::Calendar>& out) {
    if (auto e = r_.Sequence(list, "calendars")) return e;
    if (!list.IsDefined() || list.IsNull()) return std::nullopt;
    for (size_t i = 0; i < list.size(); ++i) {
      core::Calendar c;
      if (auto e = Calendar(list[i], IndexPath("calendars", i), c)) return e;
      out.push_back(std::move(c));
    }
    return std::nullopt;
  }

 private:
  std::optional<LoadError> Calendar(const YAML::Node& n, const std::string& path,
                                    core::Calendar& c) {
    if (auto e =
            r_.Keys(n, path, {"name", "time_zone", "scope", "periods", "working_days", "ics"})) {
      return e;
    }
    c.source = r_.Source(n);
    if (auto e = r_.Text(n, path, "name", c.name, true)) return e;
    if (auto e = r_.Zone(n, path, "time_zone", c.time_zone)) return e;
    if (auto e = r_.Text(n, path, "scope", c.scope_unit_id)) return e;
    const YAML::Node periods = n["periods"];
    const std::string ppath = KeyPath(path, "periods");
    if (auto e = r_.Sequence(periods, ppath)) return e;
    for (size_t i = 0; periods.IsDefined() && periods.IsSequence() && i < periods.size(); ++i) {
      core::Period p;
      if (auto e = Period(periods[i], IndexPath(ppath, i), p)) return e;
      c.periods.push_back(std::move(p));
    }
    const YAML::Node days = n["working_days"];
    const std::string wpath = KeyPath(path, "working_days");
    if (auto e = r_.Sequence(days, wpath)) return e;
    for (size_t i = 0; days.IsDefined() && days.IsSequence() && i < days.size(); ++i) {
      core::AdjustedWorkingDay d;
      if (auto e = WorkingDay(days[i], IndexPath(wpath, i), d)) return e;
      c.working_days.push_back(std::move(d));
    }
    if (n["ics"].IsDefined()) return Ics(n["ics"], KeyPath(path, "ics"), c);
    return std::nullopt;
  }

  std::optional<LoadError> Period(const YAML::Node& n, const std::string& path, core::Period& p) {
    if (auto e = r_.Keys(n, path, {"id", "name", "kind", "tags", "from", "to", "scope"})) return e;
    p.source = r_.Source(n);
    std::string kind = "other";  // a period known only by its tags
    std::optional<date::year_month_day> from, to;
    if (auto e = r_.Text(n, path, "id", p.id)) return e;
    if (auto e = r_.Text(n, path, "name", p.name, true)) return e;
    if (auto e = Tags(n, path, p)) return e;
    if (auto e = r_.Text(n, path, "kind", kind, p.tags.empty())) return e;
    auto parsed = core::ParsePeriodKind(kind);
    if (!parsed) {
      return r_.Error(n["kind"], KeyPath(path, "kind"),
                      "must be public_holiday, major_event, school_term, vacation or other");
    }
    p.kind = *parsed;
    if (auto e = r_.Day(n, path, "from", from, true)) return e;
    if (auto e = r_.Day(n, path, "to", to)) return e;
    p.first = *from;
    p.last = to.value_or(*from);
    const auto length = date::sys_days{p.last} - date::sys_days{p.first};
    if (length < date::days{0}) return r_.Error(n["to"], KeyPath(path, "to"), "lies before 'from'");
    if (length >= date::days{core::kMaxPeriodDays}) {
      return r_.Error(
          n["to"], KeyPath(path, "to"),
          "a period may last at most " + std::to_string(core::kMaxPeriodDays) + " days");
    }
    return r_.Text(n, path, "scope", p.scope_unit_id);
  }

  // `tags: [汛期, 考试]`: free names that requirements and policies can match.
  std::optional<LoadError> Tags(const YAML::Node& n, const std::string& path, core::Period& p) {
    if (auto e = r_.TextList(n, path, "tags", p.tags)) return e;
    for (size_t i = 0; i < p.tags.size(); ++i) {
      const std::string& tag = p.tags[i];
      std::string problem;
      if (tag.empty() || tag.size() > kMaxTagBytes) {
        problem = "a tag must be 1.." + std::to_string(kMaxTagBytes) + " bytes";
      } else if (core::ParsePeriodKind(tag)) {
        problem = "'" + tag + "' is a period kind: give it as kind";
      } else if (std::find(p.tags.begin(), p.tags.begin() + i, tag) != p.tags.begin() + i) {
        problem = "'" + tag + "' is given twice";
      }
      if (!problem.empty()) return r_.Error(n["tags"], KeyPath(path, "tags"), problem);
    }
    return std::nullopt;
  }

  static constexpr size_t kMaxTagBytes = 64;

  std::optional<LoadError> WorkingDay(const YAML::Node& n, const std::string& path,
                                      core::AdjustedWorkingDay& d) {
    d.source = r_.Source(n);
    if (n.IsScalar()) {  // the short form: just the date
      auto day = core::ParseDate(n.Scalar());
      if (!day) return r_.Error(n, path, "must be a date YYYY-MM-DD");
      d.day = *day;
      return std::nullopt;
    }
    if (auto e = r_.Keys(n, path, {"date", "name", "scope"})) return e;
    std::optional<date::year_month_day> day;
    if (auto e = r_.Day(n, path, "date", day, true)) return e;
    d.day = *day;
    if (auto e = r_.Text(n, path, "name", d.name)) return e;
    return r_.Text(n, path, "scope", d.scope_unit_id);
  }

  std::optional<LoadError> Ics(const YAML::Node& n, const std::string& path, core::Calendar& c) {
    if (auto e =
            r_.Keys(n, path, {"file", "kind", "working_day_keywords", "working_day_categories"})) {
      return e;
    }
    std::string file, kind;
    IcsImportOptions options;
    if (auto e = r_.Text(n, path, "file", file, true)) return e;
    if (auto e = r_.Text(n, path, "kind", kind)) return e;
    if (!kind.empty()) {
      auto parsed = core::ParsePeriodKind(kind);
      if (!parsed) return r_.Error(n["kind"], KeyPath(path, "kind"), "unknown period kind");
      options.kind = *parsed;
    }
    if (auto e = r_.TextList(n, path, "working_day_keywords", options.working_day_keywords)) {
      return e;
    }
    if (auto e = r_.TextList(n, path, "working_day_categories", options.working_day_categories)) {
      return e;
    }
    options.calendar_name = c.name;
    auto imported = ImportIcsCalendar(ResolvePath(base_dir_, file), options);
    if (auto* e = std::get_if<LoadError>(&imported)) return *e;
    core::Calendar& ics = std::get<core::Calendar>(imported);
    for (auto& p : ics.periods) c.periods.push_back(std::move(p));
    for (auto& d : ics.working_days) c.working_days.push_back(std::move(d));
    return std::nullopt;
  }

  YamlReader r_;
  std::string base_dir_;
};

}  // namespace

std::variant<std::vector<core::Calendar>, LoadError> LoadCalendarsYaml(
    const YAML::Node& calendars, const std::string& file, const std::string& base_dir) {
  std::vector<core::Calendar> out;
  if (auto e = CalendarReader(file, base_dir).Calendars(calendars, out)) return *e;
  return out;
}

std::variant<CalendarConfig, LoadError> ParseCalendarConfigYaml(const std::string& text,
                                                                const std::string& file,
                                                                const std::string& base_dir) {
  auto root = ParseYaml(text, file);
  if (auto* e = std::get_if<LoadError>(&root)) return *e;
  const YAML::Node& node = std::get<YAML::Node>(root);
  CalendarConfig config;
  if (node.IsNull()) return config;
  if (auto e = YamlReader(file).Keys(node, "", {"calendars", "requirements"})) return *e;
  auto calendars = LoadCalendarsYaml(node["calendars"], file, base_dir);
  if (auto* e = std::get_if<LoadError>(&calendars)) return *e;
  auto requirements = LoadRequirementsYaml(node["requirements"], file);
  if (auto* e = std::get_if<LoadError>(&requirements)) return *e;
  config.calendars = std::get<0>(std::move(calendars));
  config.requirements = std::get<0>(std::move(requirements));
  return config;
}

std::variant<CalendarConfig, LoadError> LoadCalendarConfigYaml(const std::string& path) {
  auto text = ReadTextFile(path);
  if (auto* e = std::get_if<LoadError>(&text)) return *e;
  return ParseCalendarConfigYaml(std::get<std::string>(text), path, DirectoryOf(path));
}

std::variant<std::vector<core::Calendar>, LoadError> LoadCalendarsYaml(const std::string& path) {
  auto config = LoadCalendarConfigYaml(path);
  if (auto* e = std::get_if<LoadError>(&config)) return *e;
  return std::get<CalendarConfig>(std::move(config)).calendars;
}

std::variant<std::vector<core::Requirement>, LoadError> LoadRequirementsYaml(
    const std::string& path) {
  auto config = LoadCalendarConfigYaml(path);
  if (auto* e = std::get_if<LoadError>(&config)) return *e;
  return std::get<CalendarConfig>(std::move(config)).requirements;
}

}  // namespace pingan::config
