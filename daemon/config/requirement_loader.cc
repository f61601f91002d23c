// The `requirements:` list of a calendar file (declared in calendar_loader.h).
#include "daemon/config/calendar_loader.h"
#include "daemon/config/channel_plan_yaml.h"
#include "daemon/config/loader_support.h"
#include "daemon/core/recurrence.h"

namespace pingan::config {
namespace {

class RequirementReader {
 public:
  explicit RequirementReader(const std::string& file) : r_(file) {}

  std::optional<LoadError> Read(const YAML::Node& n, const std::string& path,
                                core::Requirement& q) {
    q.source = r_.Source(n);
    if (!n.IsMap()) return r_.Error(n, path, "must be a mapping of keys to values");
    if (auto e = r_.Text(n, path, "id", q.id, true)) return e;
    if (auto e = r_.Flag(n, path, "disabled", q.disabled)) return e;
    if (q.disabled) {
      // Only says "not here": everything else would be ignored, so it is refused.
      if (auto e = r_.Keys(n, path, {"id", "name", "scope", "disabled"})) return e;
      if (auto e = r_.Text(n, path, "name", q.name)) return e;
      return r_.Text(n, path, "scope", q.scope_unit_id);
    }
    std::string kind;
    if (auto e = r_.Text(n, path, "kind", kind, true)) return e;
    auto parsed = core::ParseRequirementKind(kind);
    if (!parsed) {
      return r_.Error(n["kind"], KeyPath(path, "kind"),
                      "must be daily_all_clear, monthly_summary or incident");
    }
    q.kind = *parsed;
    if (auto e = CheckKeys(n, path, q.kind)) return e;
    if (auto e = r_.Text(n, path, "name", q.name)) return e;
    if (auto e = r_.Text(n, path, "scope", q.scope_unit_id)) return e;
    if (q.kind == core::RequirementKind::kIncident) return std::nullopt;
    if (auto e = Common(n, path, q)) return e;
    auto e =
        q.kind == core::RequirementKind::kDailyAllClear ? Daily(n, path, q) : Monthly(n, path, q);
    if (e) return e;
    if (auto problem = core::ValidateRequirement(q)) return r_.Error(n, path, *problem);
    return std::nullopt;
  }

 private:
  std::optional<LoadError> CheckKeys(const YAML::Node& n, const std::string& path,
                                     core::RequirementKind kind) const {
    switch (kind) {
      case core::RequirementKind::kDailyAllClear:
        return r_.Keys(
            n, path,
            {"id", "name", "kind", "scope", "disabled", "during", "days", "deadlines", "due_time",
             "due_day_offset", "recurrence", "shift", "grace", "remind_before", "reminder",
             "raise_late_alert", "active_from", "active_until"});
      case core::RequirementKind::kMonthlySummary:
        return r_.Keys(n, path,
                       {"id", "name", "kind", "scope", "disabled", "during", "due_day", "due_time",
                        "covers", "grace", "remind_before", "reminder", "raise_late_alert",
                        "active_from", "active_until"});
      case core::RequirementKind::kIncident:
        return r_.Keys(n, path, {"id", "name", "kind", "scope", "disabled"});
    }
    return std::nullopt;
  }

  std::optional<LoadError> Common(const YAML::Node& n, const std::string& path,
                                  core::Requirement& q) const {
    std::vector<std::string> during;
    if (auto e = r_.TextList(n, path, "during", during)) return e;
    for (const std::string& d : during) {
      // A kind, or a period tag (checked against the calendars' tags when the schedule
      // is built, with this requirement's line).
      if (auto k = core::ParsePeriodKind(d)) {
        q.during.push_back(*k);
      } else if (d.empty()) {
        return r_.Error(n["during"], KeyPath(path, "during"), "names an empty period tag");
      } else {
        q.during_tags.push_back(d);
      }
    }
    if (auto e = r_.Duration(n, path, "grace", q.grace)) return e;
    core::Millis remind{0};
    if (auto e = r_.Duration(n, path, "remind_before", remind)) return e;
    if (n["remind_before"].IsDefined() && remind > core::Millis{0}) q.remind_before = remind;
    if (auto e = Reminder(n, path, q)) return e;
    if (auto e = r_.Flag(n, path, "raise_late_alert", q.raise_late_alert)) return e;
    if (auto e = r_.Day(n, path, "active_from", q.active_from)) return e;
    return r_.Day(n, path, "active_until", q.active_until);
  }

  std::optional<LoadError> Daily(const YAML::Node& n, const std::string& path,
                                 core::Requirement& q) const {
    if (!n["during"].IsDefined()) {
      return r_.Error(n, KeyPath(path, "during"),
                      "is required: the period kinds or tags whose days need a report");
    }
    std::string days = "all";
    if (auto e = r_.Text(n, path, "days", days)) return e;
    auto filter = core::ParseDayFilter(days);
    if (!filter) {
      return r_.Error(n["days"], KeyPath(path, "days"), "must be all, working_days or rest_days");
    }
    q.days = *filter;
    if (auto e = Deadlines(n, path, q)) return e;
    return Recurrence(n, path, q);
  }

  // `deadlines: [10:00, 16:00]`, or `due_time: "08:00"` for a single one.
  std::optional<LoadError> Deadlines(const YAML::Node& n, const std::string& path,
                                     core::Requirement& q) const {
    if (n["due_time"].IsDefined()) {
      if (n["deadlines"].IsDefined()) {
        return r_.Error(n["due_time"], KeyPath(path, "due_time"),
                        "give either due_time or deadlines, not both");
      }
      core::TimeOfDay t{0};
      if (auto e = r_.Time(n, path, "due_time", t, true)) return e;
      q.deadlines.push_back(t);
      return std::nullopt;
    }
    std::vector<std::string> deadlines;
    if (auto e = r_.TextList(n, path, "deadlines", deadlines)) return e;
    if (deadlines.empty()) {
      return r_.Error(n, KeyPath(path, "deadlines"), "is required (or due_time)");
    }
    for (const std::string& text : deadlines) {
      auto t = core::ParseTimeOfDay(text);
      if (!t) {
        return r_.Error(n["deadlines"], KeyPath(path, "deadlines"),
                        "'" + text + "' is not a local time HH:MM");
      }
      q.deadlines.push_back(*t);
    }
    return std::nullopt;
  }

  // `recurrence` (an RRULE), `shift` and `due_day_offset`, each checked on its own line.
  std::optional<LoadError> Recurrence(const YAML::Node& n, const std::string& path,
                                      core::Requirement& q) const {
    if (auto e = r_.Text(n, path, "recurrence", q.recurrence)) return e;
    if (n["recurrence"].IsDefined()) {
      if (auto problem = core::CheckRecurrence(q.recurrence)) {
        return r_.Error(n["recurrence"], KeyPath(path, "recurrence"), *problem);
      }
    }
    std::string shift = "none";
    if (auto e = r_.Text(n, path, "shift", shift)) return e;
    auto parsed = core::ParseDayShift(shift);
    if (!parsed) {
      return r_.Error(n["shift"], KeyPath(path, "shift"),
                      "must be none, previous_working_day or next_working_day");
    }
    q.shift = *parsed;
    if (q.shift != core::DayShift::kNone && q.recurrence.empty()) {
      return r_.Error(n["shift"], KeyPath(path, "shift"), "needs a recurrence (the days it moves)");
    }
    unsigned offset = 0;
    if (auto e = r_.Number(n, path, "due_day_offset", offset)) return e;
    if (offset > static_cast<unsigned>(core::kMaxDueDayOffset)) {
      return r_.Error(
          n["due_day_offset"], KeyPath(path, "due_day_offset"),
          "must be 0.." + std::to_string(core::kMaxDueDayOffset) + " (days after the covered day)");
    }
    q.due_day_offset = static_cast<int>(offset);
    return std::nullopt;
  }

  std::optional<LoadError> Monthly(const YAML::Node& n, const std::string& path,
                                   core::Requirement& q) const {
    if (auto e = r_.Number(n, path, "due_day", q.due_day, true)) return e;
    if (q.due_day < 1 || q.due_day > 31) {
      return r_.Error(n["due_day"], KeyPath(path, "due_day"), "must be 1..31");
    }
    if (auto e = r_.Time(n, path, "due_time", q.due_time, true)) return e;
    std::string covers = "same_month";
    if (auto e = r_.Text(n, path, "covers", covers)) return e;
    if (covers != "same_month" && covers != "previous_month") {
      return r_.Error(n["covers"], KeyPath(path, "covers"), "must be same_month or previous_month");
    }
    q.covers_previous_month = covers == "previous_month";
    return std::nullopt;
  }

  // `reminder: {before, to: [school_duty, ...], fallback|all_at_once: [...]}`: when,
  // to whom and how; instead of `remind_before`.
  std::optional<LoadError> Reminder(const YAML::Node& n, const std::string& path,
                                    core::Requirement& q) const {
    const YAML::Node m = n["reminder"];
    if (!m.IsDefined()) return std::nullopt;
    const std::string rpath = KeyPath(path, "reminder");
    if (n["remind_before"].IsDefined()) {
      return r_.Error(m, rpath, "goes instead of remind_before: write reminder.before");
    }
    if (auto e = r_.Keys(m, rpath, {"before", "to", "fallback", "all_at_once"})) return e;
    core::Millis before{0};
    if (!m["before"].IsDefined()) return r_.Error(m, KeyPath(rpath, "before"), "is required");
    if (auto e = r_.Duration(m, rpath, "before", before)) return e;
    if (before <= core::Millis{0}) {
      return r_.Error(m["before"], KeyPath(rpath, "before"), "must be positive");
    }
    q.remind_before = before;
    core::ReminderRoute route;
    std::vector<std::string> to;
    if (auto e = r_.TextList(m, rpath, "to", to)) return e;
    if (m["to"].IsDefined() && to.empty()) {
      return r_.Error(m["to"], KeyPath(rpath, "to"), "needs at least one recipient");
    }
    if (to.empty()) to = {"school_duty"};
    for (const std::string& token : to) {
      auto target = core::ParseRecipientToken(token);
      if (!target) {
        return r_.Error(m["to"], KeyPath(rpath, "to"),
                        "'" + token +
                            "' is not <unit>_<role>: unit school, parent, township, district, "
                            "city or province; role duty, primary, leader or on_duty");
      }
      route.to.push_back(std::move(*target));
    }
    std::vector<std::string> unused;  // `channels:` is not accepted here: no deprecation
    if (auto e = ReadChannelPlan(r_, m, rpath, route.channels, route.all_at_once, unused)) {
      return e;
    }
    q.reminder_route = std::move(route);
    return std::nullopt;
  }

  YamlReader r_;
};

}  // namespace

std::variant<std::vector<core::Requirement>, LoadError> LoadRequirementsYaml(
    const YAML::Node& requirements, const std::string& file) {
  std::vector<core::Requirement> out;
  YamlReader r(file);
  if (auto e = r.Sequence(requirements, "requirements")) return *e;
  if (!requirements.IsDefined() || requirements.IsNull()) return out;
  RequirementReader reader(file);
  for (size_t i = 0; i < requirements.size(); ++i) {
    core::Requirement q;
    if (auto e = reader.Read(requirements[i], IndexPath("requirements", i), q)) return *e;
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace pingan::config
