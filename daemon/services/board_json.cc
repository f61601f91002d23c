#include "daemon/services/board_json.h"

#include "daemon/core/local_time.h"

namespace pingan::services {

using nlohmann::json;

namespace {

void PutCounts(json& out, const core::BoardCounts& c) {
  out["schools"] = c.schools;
  out["on_time"] = c.on_time;
  out["late"] = c.late;
  out["missing"] = c.missing;
  out["excused"] = c.excused;
  out["outstanding"] = c.outstanding;
  out["incidents"] = c.incidents;
}

template <typename T>
json OrNull(const std::optional<T>& v) {
  return v ? json(*v) : json();
}

}  // namespace

json ToJson(const UnitRef& u) {
  return json{{"id", u.id}, {"name", u.name}, {"kind", u.kind}};
}

json ToJson(const WindowView& v) {
  const core::Window& w = v.window;
  return json{{"requirement_id", w.requirement_id},
              {"requirement_name", v.requirement_name},
              {"window_id", w.window_id},
              {"kind", core::ReportKindName(w.kind)},
              {"covers_first", core::FormatDate(w.covers_first)},
              {"covers_last", core::FormatDate(w.covers_last)},
              {"deadline", core::FormatInstantUtc(w.deadline)},
              {"deadline_local", LocalText(w.deadline, w.time_zone, "%H:%M")},
              {"deadline_local_date", LocalText(w.deadline, w.time_zone, "%Y-%m-%d")},
              {"grace_end", core::FormatInstantUtc(w.grace_end)},
              {"time_zone", w.time_zone}};
}

json ToJson(const DayBoard& board) {
  json windows = json::array();
  for (const BoardWindow& w : board.windows) {
    json item = ToJson(w.window);
    PutCounts(item, w.counts);
    json units = json::array();
    for (const BoardUnit& u : w.units) {
      json unit{{"unit_id", u.unit.id}, {"unit_name", u.unit.name}, {"unit_kind", u.unit.kind}};
      PutCounts(unit, u.counts);
      units.push_back(std::move(unit));
    }
    item["units"] = std::move(units);
    windows.push_back(std::move(item));
  }
  return json{{"date", core::FormatDate(board.date)},
              {"now", core::FormatInstantUtc(board.now)},
              {"unit", ToJson(board.unit)},
              {"incidents", board.incidents},
              {"windows", std::move(windows)}};
}

json ToJson(const BoardSchoolRow& r) {
  return json{{"school_id", r.school_id},
              {"school_name", r.school_name},
              {"parent_id", r.parent_id},
              {"parent_name", r.parent_name},
              {"requirement_id", r.requirement_id},
              {"window_id", r.window_id},
              {"deadline", core::FormatInstantUtc(r.deadline)},
              {"status", core::BoardStatusName(r.status)},
              {"received_at", TimeOrNull(r.received_at)},
              {"lateness_minutes", OrNull(r.lateness_minutes)},
              {"alert_id", OrNull(r.alert_id)},
              {"alert_state", r.alert_state ? json(core::AlertStateName(*r.alert_state)) : json()}};
}

json ToJson(const std::vector<BoardSchoolRow>& rows) {
  json out = json::array();
  for (const BoardSchoolRow& r : rows) out.push_back(ToJson(r));
  return out;
}

}  // namespace pingan::services
