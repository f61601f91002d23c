#include "daemon/services/duty_service.h"

#include <algorithm>

#include "daemon/core/local_time.h"
#include "daemon/store/activity_queries.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"

namespace pingan::services {
namespace {

// A hand-over covers a shift or a few; a longer span is a report, not a hand-over.
constexpr core::Millis kMaxHandoverSpan = std::chrono::hours{24 * 31};

DutyShift ShiftOf(const core::Roster& roster, size_t i, core::Instant at) {
  const core::Roster::Interval& when = roster.intervals()[i];
  return {roster.shifts()[i].person, when.start, when.end, roster.time_zone(),
          when.start <= at && at < when.end};
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

RosterView RosterViewOf(const config::ScheduleBundle* b, const core::Roster& roster,
                        core::Instant at) {
  RosterView out{
      roster.unit_id(), UnitName(b, roster.unit_id()), roster.time_zone(), {}, {}, {}, {}};
  const auto [from, to] = TodayAndTomorrow(roster.time_zone(), at);
  const auto& intervals = roster.intervals();
  for (size_t i = 0; i < intervals.size(); ++i) {
    DutyShift shift = ShiftOf(roster, i, at);
    if (!out.on_duty && shift.now) out.on_duty = shift;
    // Shifts are sorted by start: the first one after `at` is the next hand-over.
    if (!out.next && intervals[i].start > at) out.next = shift;
    if (intervals[i].start < to && intervals[i].end > from) out.shifts.push_back(shift);
  }
  out.gaps = core::FindGaps(roster, from, to);
  return out;
}

// The unit a scoped answer is restricted to: "" (no restriction) unless `unit`.
std::string Restriction(const config::ScheduleBundle* b, const std::string& unit) {
  if (!unit.empty() && (b == nullptr || b->tree.Find(unit) == nullptr)) {
    throw ControlError("not_found", "no unit " + unit);
  }
  return unit;
}

bool Allowed(const config::ScheduleBundle* b, const std::string& restriction,
             const std::string& unit_id) {
  return restriction.empty() || b->tree.IsInSubtree(unit_id, restriction);
}

// Everyone on duty for `unit_id` at `at` (overlapping shifts all count).
std::vector<DutyShift> OnDuty(const config::SharedEscalation& escalation,
                              const std::string& unit_id, core::Instant at) {
  std::vector<DutyShift> out;
  if (!escalation) return out;
  auto roster = escalation->rosters.find(unit_id);
  if (roster == escalation->rosters.end()) return out;
  for (size_t i = 0; i < roster->second.intervals().size(); ++i) {
    DutyShift shift = ShiftOf(roster->second, i, at);
    if (shift.now) out.push_back(std::move(shift));
  }
  return out;
}

// A "resolved" timeline comment is "<reason>" or "<reason>: <comment>".
std::string ResolveComment(const core::Alert& a, const std::string& comment) {
  if (!a.resolve_reason) return comment;
  const std::string prefix(core::ResolveReasonName(*a.resolve_reason));
  if (comment == prefix) return "";
  if (comment.rfind(prefix + ": ", 0) == 0) return comment.substr(prefix.size() + 2);
  return comment;
}

AlertActivity ActivityOf(const core::Alert& a, const core::TimelineEntry& e) {
  AlertActivity out{a.id, a.kind, a.school_id, e.actor, e.at, std::nullopt, e.comment};
  if (e.what == "resolved") {
    out.reason = a.resolve_reason;
    out.comment = ResolveComment(a, e.comment);
  }
  return out;
}

// Newest first by `when` (stable: equal times keep their order).
template <typename T, typename When>
void NewestFirst(std::vector<T>& list, When when) {
  std::stable_sort(list.begin(), list.end(),
                   [&](const T& x, const T& y) { return when(x) > when(y); });
}

}  // namespace

RosterListing DutyService::Rosters(const RostersQuery& q) const {
  const config::SharedSchedule b = c_.schedules.Get();
  const std::string restriction = Restriction(b.get(), q.unit);
  const config::SharedEscalation escalation = c_.escalation.Get();
  RosterListing out{q.at.value_or(c_.clock.Now()), escalation != nullptr, {}};
  if (!escalation) return out;
  for (const auto& [unit_id, roster] : escalation->rosters) {
    if (Allowed(b.get(), restriction, unit_id))
      out.rosters.push_back(RosterViewOf(b.get(), roster, out.at));
  }
  return out;
}

SchoolContacts DutyService::Contacts(const std::string& id, std::optional<core::Instant> at) const {
  const config::SharedSchedule b = RequireSchedule(c_);
  if (id.empty()) throw ControlError("bad_request", "'school' is required");
  const core::Unit* school = b->tree.Find(id);
  if (school == nullptr) throw ControlError("not_found", "no school " + id);
  SchoolContacts out{at.value_or(c_.clock.Now()), id, {}};
  const config::SharedEscalation escalation = c_.escalation.Get();
  std::vector<const core::Unit*> units{school};
  for (const core::Unit* u : b->tree.Ancestors(*school)) {
    if (units.back()->kind <= core::UnitKind::kDistrict) break;
    units.push_back(u);
  }
  for (const core::Unit* u : units) {
    out.units.push_back({UnitRefOf(*b, u->id), u->contacts, OnDuty(escalation, u->id, out.at)});
  }
  return out;
}

ShiftSummary DutyService::Summary(const ShiftQuery& q) const {
  ShiftSummary out;
  out.names = c_.schedules.Get();
  const config::ScheduleBundle* b = out.names.get();
  out.unit = Restriction(b, q.unit);
  out.until = c_.clock.Now();
  out.since = q.since.value_or(out.until - kDefaultHandoverSpan);
  if (out.since >= out.until) throw ControlError("bad_request", "since must lie before now");
  if (out.until - out.since > kMaxHandoverSpan) {
    throw ControlError("bad_request", "since must lie within 31 days of now");
  }
  auto in_span = [&](core::Instant t) { return t >= out.since && t <= out.until; };
  auto db = c_.reads.Acquire();
  store::AlertRepository alerts(db);
  for (const std::string& id : store::AlertIdsActiveSince(db.db(), out.since)) {
    auto a = alerts.Find(id);
    if (!a || !Allowed(b, out.unit, a->school_id)) continue;
    if (in_span(a->created_at)) out.opened.push_back(*a);
    if (a->state != core::AlertState::kResolved) out.still_open.push_back(*a);
    for (const core::TimelineEntry& e : a->timeline) {
      if (!in_span(e.at)) continue;
      if (e.what == "acknowledged") out.acknowledged.push_back(ActivityOf(*a, e));
      if (e.what == "resolved") out.resolved.push_back(ActivityOf(*a, e));
    }
  }
  for (store::StoredReport& r :
       store::IncidentReportsReceived(db.db(), out.since, out.until + core::Millis{1})) {
    if (Allowed(b, out.unit, r.report.school_id)) out.incidents.push_back(std::move(r));
  }
  auto created = [](const core::Alert& a) { return a.created_at; };
  auto at = [](const AlertActivity& e) { return e.at; };
  NewestFirst(out.opened, created);
  NewestFirst(out.still_open, created);
  NewestFirst(out.acknowledged, at);
  NewestFirst(out.resolved, at);
  NewestFirst(out.incidents, [](const store::StoredReport& r) { return r.received_at; });
  return out;
}

GapListing DutyService::Gaps(const GapsQuery& q) const {
  if (q.days < 1 || q.days > 366) throw ControlError("bad_request", "days must be 1..366");
  GapListing out;
  out.names = c_.schedules.Get();
  const config::ScheduleBundle* b = out.names.get();
  const std::string restriction = Restriction(b, q.unit);
  out.now = c_.clock.Now();
  out.days = q.days;
  const config::SharedEscalation escalation = c_.escalation.Get();
  out.escalation = escalation != nullptr;
  out.gaps = CurrentRosterGaps(b, escalation.get(), out.now, q.days);
  std::erase_if(out.gaps,
                [&](const core::CoverageGap& g) { return !Allowed(b, restriction, g.unit_id); });
  if (escalation) {
    for (const auto& [unit_id, roster] : escalation->rosters) {
      if (Allowed(b, restriction, unit_id)) ++out.rosters;
    }
  }
  return out;
}

}  // namespace pingan::services
