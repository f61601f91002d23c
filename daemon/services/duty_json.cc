#include "daemon/services/duty_json.h"

#include "daemon/core/local_time.h"
#include "daemon/services/alert_json.h"
#include "daemon/services/incident_json.h"

namespace pingan::services {
namespace {

using nlohmann::json;

constexpr const char* kLocalFormat = "%Y-%m-%d %H:%M";

// {from, to, from_local, to_local}
json SpanJson(core::Instant from, core::Instant to, const std::string& zone) {
  return json{{"from", core::FormatInstantUtc(from)},
              {"to", core::FormatInstantUtc(to)},
              {"from_local", LocalText(from, zone, kLocalFormat)},
              {"to_local", LocalText(to, zone, kLocalFormat)}};
}

json ShiftJson(const DutyShift& s, bool with_contact) {
  json out = SpanJson(s.from, s.to, s.time_zone);
  out["name"] = s.person.name;
  if (with_contact) {
    out["phone"] = s.person.phone;
    out["email"] = s.person.email;
  }
  return out;
}

json ShiftsJson(const std::vector<DutyShift>& shifts) {
  json out = json::array();
  for (const DutyShift& s : shifts) out.push_back(ShiftJson(s, /*with_contact=*/true));
  return out;
}

json RosterJson(const RosterView& r) {
  json shifts = json::array();
  for (const DutyShift& s : r.shifts) {
    shifts.push_back(ShiftJson(s, true));
    shifts.back()["now"] = s.now;
  }
  json gaps = json::array();
  for (const core::RosterGap& g : r.gaps) gaps.push_back(SpanJson(g.from, g.to, r.time_zone));
  return json{{"unit_id", r.unit_id},
              {"unit_name", r.unit_name},
              {"time_zone", r.time_zone},
              {"on_duty", r.on_duty ? ShiftJson(*r.on_duty, true) : json()},
              {"next", r.next ? ShiftJson(*r.next, false) : json()},
              {"shifts", shifts},
              {"gaps", gaps}};
}

json ActivityJson(const config::ScheduleBundle* b, const AlertActivity& e, bool resolution) {
  json out{{"id", e.alert_id},
           {"kind", core::AlertKindName(e.kind)},
           {"school_id", e.school_id},
           {"school_name", UnitName(b, e.school_id)},
           {"by", e.by},
           {"at", core::FormatInstantUtc(e.at)}};
  if (resolution) out["reason"] = e.reason ? json(core::ResolveReasonName(*e.reason)) : json();
  out["comment"] = e.comment;
  return out;
}

json ActivitiesJson(const config::ScheduleBundle* b, const std::vector<AlertActivity>& list,
                    bool resolution) {
  json out = json::array();
  for (const AlertActivity& e : list) out.push_back(ActivityJson(b, e, resolution));
  return out;
}

}  // namespace

json ToJson(const RosterListing& listing) {
  json rosters = json::array();
  for (const RosterView& r : listing.rosters) rosters.push_back(RosterJson(r));
  return json{{"at", core::FormatInstantUtc(listing.at)},
              {"escalation", listing.escalation},
              {"rosters", rosters}};
}

json ToJson(const SchoolContacts& contacts) {
  json units = json::array();
  for (const UnitContacts& u : contacts.units) {
    units.push_back({{"unit_id", u.unit.id},
                     {"unit_name", u.unit.name},
                     {"kind", u.unit.kind},
                     {"contacts", ContactsJson(u.contacts)},
                     {"on_duty", ShiftsJson(u.on_duty)}});
  }
  return json{{"at", core::FormatInstantUtc(contacts.at)},
              {"school_id", contacts.school_id},
              {"units", units}};
}

json ToJson(const ShiftSummary& s) {
  const config::ScheduleBundle* b = s.names.get();
  json incidents = json::array();
  for (const store::StoredReport& r : s.incidents) incidents.push_back(IncidentFactsJson(b, r));
  json counts{{"opened", s.opened.size()},
              {"acknowledged", s.acknowledged.size()},
              {"resolved", s.resolved.size()},
              {"incidents", s.incidents.size()},
              {"still_open", s.still_open.size()}};
  return json{{"since", core::FormatInstantUtc(s.since)},
              {"until", core::FormatInstantUtc(s.until)},
              {"unit", s.unit},
              {"counts", counts},
              {"opened", AlertListJson(s.opened, b)},
              {"acknowledged", ActivitiesJson(b, s.acknowledged, false)},
              {"resolved", ActivitiesJson(b, s.resolved, true)},
              {"incidents", incidents},
              {"still_open", AlertListJson(s.still_open, b)}};
}

json ToJson(const GapListing& g) {
  return json{{"now", core::FormatInstantUtc(g.now)},
              {"days", g.days},
              {"escalation", g.escalation},
              {"rosters", g.rosters},
              {"gaps", RosterGapsJson(g.names.get(), g.gaps)}};
}

}  // namespace pingan::services
