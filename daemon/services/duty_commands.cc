#include "daemon/services/duty_commands.h"

#include <algorithm>

#include "daemon/core/local_time.h"
#include "daemon/services/incident_json.h"
#include "daemon/store/activity_queries.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"

namespace pingan::services {
namespace {

using nlohmann::json;

// A hand-over covers a shift or a few; a longer span is a report, not a hand-over.
constexpr core::Millis kMaxHandoverSpan = std::chrono::hours{24 * 31};
constexpr const char* kLocalFormat = "%Y-%m-%d %H:%M";

json ShiftJson(const core::Roster& roster, size_t i, bool with_contact) {
  const core::Shift& shift = roster.shifts()[i];
  const core::Roster::Interval& when = roster.intervals()[i];
  json out{{"name", shift.person.name},
           {"from", core::FormatInstantUtc(when.start)},
           {"to", core::FormatInstantUtc(when.end)},
           {"from_local", LocalText(when.start, roster.time_zone(), kLocalFormat)},
           {"to_local", LocalText(when.end, roster.time_zone(), kLocalFormat)}};
  if (with_contact) {
    out["phone"] = shift.person.phone;
    out["email"] = shift.person.email;
  }
  return out;
}

// Local midnight of the day `at` falls on in `zone`, and of the day after tomorrow:
// the shifts a duty room plans with are today's and tomorrow's.
std::pair<core::Instant, core::Instant> TodayAndTomorrow(const std::string& zone,
                                                         core::Instant at) {
  const date::time_zone* z = core::FindTimeZone(zone);
  if (z == nullptr) return {at, at + date::days{2}};
  const auto today = date::floor<date::days>(z->to_local(date::floor<std::chrono::seconds>(at)));
  const auto start = core::LocalToInstant(date::local_seconds{today}, zone);
  const auto end = core::LocalToInstant(date::local_seconds{today + date::days{2}}, zone);
  if (!start || !end) return {at, at + date::days{2}};
  return {*start, *end};
}

json RosterJson(const config::ScheduleBundle* b, const core::Roster& roster, core::Instant at) {
  json on_duty, next;  // null unless found
  json shifts = json::array();
  const auto [from, to] = TodayAndTomorrow(roster.time_zone(), at);
  const auto& intervals = roster.intervals();
  for (size_t i = 0; i < intervals.size(); ++i) {
    if (on_duty.is_null() && intervals[i].start <= at && at < intervals[i].end) {
      on_duty = ShiftJson(roster, i, /*with_contact=*/true);
    }
    // Shifts are sorted by start: the first one after `at` is the next hand-over.
    if (next.is_null() && intervals[i].start > at) next = ShiftJson(roster, i, false);
    if (intervals[i].start < to && intervals[i].end > from) {
      shifts.push_back(ShiftJson(roster, i, true));
      shifts.back()["now"] = intervals[i].start <= at && at < intervals[i].end;
    }
  }
  json gaps = json::array();
  for (const core::RosterGap& g : core::FindGaps(roster, from, to)) {
    gaps.push_back({{"from", core::FormatInstantUtc(g.from)},
                    {"to", core::FormatInstantUtc(g.to)},
                    {"from_local", LocalText(g.from, roster.time_zone(), kLocalFormat)},
                    {"to_local", LocalText(g.to, roster.time_zone(), kLocalFormat)}});
  }
  return json{{"unit_id", roster.unit_id()},
              {"unit_name", UnitName(b, roster.unit_id())},
              {"time_zone", roster.time_zone()},
              {"on_duty", on_duty},
              {"next", next},
              {"shifts", shifts},
              {"gaps", gaps}};
}

// The unit a scoped answer is restricted to: "" (no restriction) unless args.unit.
std::string Restriction(const config::ScheduleBundle* b, const json& args) {
  const std::string unit = TextArg(args, "unit");
  if (!unit.empty() && (b == nullptr || b->tree.Find(unit) == nullptr)) {
    throw ControlError("not_found", "no unit " + unit);
  }
  return unit;
}

bool Allowed(const config::ScheduleBundle* b, const std::string& restriction,
             const std::string& unit_id) {
  return restriction.empty() || b->tree.IsInSubtree(unit_id, restriction);
}

json Rosters(const ConsoleQueryContext& c, const json& args) {
  const config::SharedSchedule b = c.schedules.Get();
  const std::string restriction = Restriction(b.get(), args);
  const core::Instant at = InstantArg(args, "at", c.clock.Now());
  json rosters = json::array();
  const config::SharedEscalation escalation = c.escalation.Get();
  if (escalation) {
    for (const auto& [unit_id, roster] : escalation->rosters) {
      if (Allowed(b.get(), restriction, unit_id))
        rosters.push_back(RosterJson(b.get(), roster, at));
    }
  }
  return json{{"at", core::FormatInstantUtc(at)},
              {"escalation", escalation != nullptr},
              {"rosters", rosters}};
}

// Everyone on duty for `unit_id` at `at` (overlapping shifts all count), with contact.
json OnDutyJson(const config::SharedEscalation& escalation, const std::string& unit_id,
                core::Instant at) {
  json out = json::array();
  if (!escalation) return out;
  auto roster = escalation->rosters.find(unit_id);
  if (roster == escalation->rosters.end()) return out;
  const auto& intervals = roster->second.intervals();
  for (size_t i = 0; i < intervals.size(); ++i) {
    if (intervals[i].start <= at && at < intervals[i].end)
      out.push_back(ShiftJson(roster->second, i, /*with_contact=*/true));
  }
  return out;
}

// Whom to call about a school: the school, then each unit above it up to and
// including its district (a school under a township central school names three).
json Contacts(const ConsoleQueryContext& c, const json& args) {
  const config::SharedSchedule b = RequireSchedule(c);
  const std::string id = TextArg(args, "school", true);
  const core::Unit* school = b->tree.Find(id);
  if (school == nullptr) throw ControlError("not_found", "no school " + id);
  const core::Instant at = InstantArg(args, "at", c.clock.Now());
  const config::SharedEscalation escalation = c.escalation.Get();
  std::vector<const core::Unit*> units{school};
  for (const core::Unit* u : b->tree.Ancestors(*school)) {
    if (units.back()->kind <= core::UnitKind::kDistrict) break;
    units.push_back(u);
  }
  json out = json::array();
  for (const core::Unit* u : units) {
    out.push_back({{"unit_id", u->id},
                   {"unit_name", u->name},
                   {"kind", core::UnitKindName(u->kind)},
                   {"contacts", ContactsJson(*u)},
                   {"on_duty", OnDutyJson(escalation, u->id, at)}});
  }
  return json{{"at", core::FormatInstantUtc(at)}, {"school_id", id}, {"units", out}};
}

json AlertJson(const config::ScheduleBundle* b, const core::Alert& a) {
  return json{
      {"id", a.id},
      {"kind", core::AlertKindName(a.kind)},
      {"school_id", a.school_id},
      {"school_name", UnitName(b, a.school_id)},
      {"requirement_id", a.requirement_id},
      {"requirement_name",
       b && !a.requirement_id.empty() ? RequirementName(*b, a.requirement_id) : a.requirement_id},
      {"window_id", a.window_id},
      {"severity", a.severity ? json(core::SeverityName(*a.severity)) : json()},
      {"state", core::AlertStateName(a.state)},
      {"created_at", core::FormatInstantUtc(a.created_at)},
      {"acknowledged_by", a.acknowledged_by}};
}

// A "resolved" timeline comment is "<reason>" or "<reason>: <comment>".
std::string ResolveComment(const core::Alert& a, const std::string& comment) {
  if (!a.resolve_reason) return comment;
  const std::string prefix(core::ResolveReasonName(*a.resolve_reason));
  if (comment == prefix) return "";
  if (comment.rfind(prefix + ": ", 0) == 0) return comment.substr(prefix.size() + 2);
  return comment;
}

json EventJson(const config::ScheduleBundle* b, const core::Alert& a,
               const core::TimelineEntry& e) {
  json out{{"id", a.id},
           {"kind", core::AlertKindName(a.kind)},
           {"school_id", a.school_id},
           {"school_name", UnitName(b, a.school_id)},
           {"by", e.actor},
           {"at", core::FormatInstantUtc(e.at)}};
  if (e.what == "resolved") {
    out["reason"] = a.resolve_reason ? json(core::ResolveReasonName(*a.resolve_reason)) : json();
    out["comment"] = ResolveComment(a, e.comment);
  } else {
    out["comment"] = e.comment;
  }
  return out;
}

// Newest first by the text field `key` (ISO UTC text sorts as time).
void NewestFirst(json& list, const char* key) {
  std::stable_sort(list.begin(), list.end(), [key](const json& x, const json& y) {
    return x[key].get<std::string>() > y[key].get<std::string>();
  });
}

json Handover(const ConsoleQueryContext& c, const json& args) {
  const config::SharedSchedule b = c.schedules.Get();
  const std::string restriction = Restriction(b.get(), args);
  const core::Instant until = c.clock.Now();
  const core::Instant since = InstantArg(args, "since", until - kDefaultHandoverSpan);
  if (since >= until) throw ControlError("bad_request", "since must lie before now");
  if (until - since > kMaxHandoverSpan) {
    throw ControlError("bad_request", "since must lie within 31 days of now");
  }
  auto in_span = [&](core::Instant t) { return t >= since && t <= until; };
  auto db = c.reads.Acquire();
  store::AlertRepository alerts(db);
  json opened = json::array(), acknowledged = json::array(), resolved = json::array(),
       still_open = json::array(), incidents = json::array();
  for (const std::string& id : store::AlertIdsActiveSince(db.db(), since)) {
    auto a = alerts.Find(id);
    if (!a || !Allowed(b.get(), restriction, a->school_id)) continue;
    if (in_span(a->created_at)) opened.push_back(AlertJson(b.get(), *a));
    if (a->state != core::AlertState::kResolved) still_open.push_back(AlertJson(b.get(), *a));
    for (const core::TimelineEntry& e : a->timeline) {
      if (!in_span(e.at)) continue;
      if (e.what == "acknowledged") acknowledged.push_back(EventJson(b.get(), *a, e));
      if (e.what == "resolved") resolved.push_back(EventJson(b.get(), *a, e));
    }
  }
  for (const store::StoredReport& r :
       store::IncidentReportsReceived(db.db(), since, until + core::Millis{1})) {
    if (Allowed(b.get(), restriction, r.report.school_id)) {
      incidents.push_back(IncidentFactsJson(b.get(), r));
    }
  }
  NewestFirst(opened, "created_at");
  NewestFirst(still_open, "created_at");
  NewestFirst(acknowledged, "at");
  NewestFirst(resolved, "at");
  NewestFirst(incidents, "received_at");
  json counts{{"opened", opened.size()},
              {"acknowledged", acknowledged.size()},
              {"resolved", resolved.size()},
              {"incidents", incidents.size()},
              {"still_open", still_open.size()}};
  return json{{"since", core::FormatInstantUtc(since)},
              {"until", core::FormatInstantUtc(until)},
              {"unit", restriction},
              {"counts", counts},
              {"opened", opened},
              {"acknowledged", acknowledged},
              {"resolved", resolved},
              {"incidents", incidents},
              {"still_open", still_open}};
}

}  // namespace

void RegisterDutyCommands(ControlServer& server, const ConsoleQueryContext& context) {
  // The context is copied into each handler; its references outlive the server.
  server.Register("rosters", [context](const json& args) { return Rosters(context, args); });
  server.Register("contacts", [context](const json& args) { return Contacts(context, args); });
  server.Register("handover", [context](const json& args) { return Handover(context, args); });
}

}  // namespace pingan::services
