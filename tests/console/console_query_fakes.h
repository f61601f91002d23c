// Fake typed services behind the console's read routes (status, deadlines, missing,
// calendars, schools, school pages, contacts, rosters, roster gaps, the shift summary)
// for ApiFixture. Each call is reported to `record` with its query as JSON (what a
// test checks the route asked for; `record` may throw to stand for a failing service),
// and each list holds one item of district A (school a1) and one of district B (school
// b1), so that tests can see the routes cut a leader's view down to their subtree.
// Any thread the test uses.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/core/local_time.h"
#include "daemon/services/duty_service.h"
#include "daemon/services/school_service.h"
#include "daemon/services/status_service.h"

namespace pingan::testing {

using Record = std::function<void(const std::string& call, const nlohmann::json& query)>;

inline const config::ScheduleSource& NoOrganisation() {
  static const config::ScheduleSource none;
  return none;
}

inline nlohmann::json WithUnit(nlohmann::json query, const std::string& unit) {
  if (!unit.empty()) query["unit"] = unit;
  return query;
}

class FakeStatus : public services::StatusService {
 public:
  FakeStatus(const core::Clock& clock, Record record)
      : services::StatusService({clock, nullptr, NoOrganisation(), {}, nullptr, nullptr}),
        clock_(clock),
        record_(std::move(record)) {}

  bool drill = false;  // what Clock() answers

  services::DaemonStatus Status() const override {
    record_("status", nlohmann::json::object());
    return {Clock(), 0, 0, 0, 0, nlohmann::json::object(), std::nullopt, std::nullopt};
  }
  services::ClockReading Clock() const override { return {clock_.Now(), drill}; }
  services::CalendarOverview Calendar(const std::string& unit) const override {
    record_("calendar.show", WithUnit(nlohmann::json::object(), unit));
    return {"Asia/Shanghai", {}, {}, nullptr};
  }
  std::vector<services::UpcomingDeadline> NextDeadlines(
      const services::DeadlinesQuery& q) const override {
    record_("deadlines.next", WithUnit({{"limit", q.limit}}, q.unit));
    return {};
  }
  std::vector<services::MissingReport> Missing(int limit) const override {
    record_("missing", {{"limit", limit}});
    std::vector<services::MissingReport> out(2);
    out[0].school_id = "a1";
    out[0].alert_id = "alert-a";
    out[1].school_id = "b1";
    out[1].alert_id = "alert-b";
    return out;
  }

 private:
  const core::Clock& clock_;
  Record record_;
};

class FakeSchools : public services::SchoolService {
 public:
  FakeSchools(const core::Clock& clock, Record record)
      : services::SchoolService({clock, NoOrganisation(), {}, nullptr}),
        record_(std::move(record)) {}

  std::vector<services::SchoolRow> List(const services::SchoolsQuery& q) const override {
    record_("schools", WithUnit({{"q", q.text}, {"limit", q.limit}}, q.unit));
    return {{"a1", "", "district-a", "", false, ""}, {"b1", "", "district-b", "", false, ""}};
  }
  services::SchoolPage Show(const services::SchoolQuery& q) const override {
    record_("school.show", {{"id", q.id}, {"days", q.days}});
    services::SchoolPage page;
    page.school.id = q.id;
    page.days = q.days;
    return page;
  }

 private:
  Record record_;
};

class FakeDuty : public services::DutyService {
 public:
  FakeDuty(const core::Clock& clock, Record record)
      : services::DutyService({clock, NoOrganisation(), {}, nullptr}),
        clock_(clock),
        record_(std::move(record)) {}

  services::RosterListing Rosters(const services::RostersQuery& q) const override {
    nlohmann::json asked = WithUnit(nlohmann::json::object(), q.unit);
    if (q.at) asked["at"] = core::FormatInstantUtc(*q.at);
    record_("rosters", asked);
    services::RosterListing out{q.at.value_or(clock_.Now()), true, {}};
    out.rosters.resize(2);
    out.rosters[0].unit_id = "district-a";
    out.rosters[1].unit_id = "district-b";
    return out;
  }
  services::SchoolContacts Contacts(const std::string& school,
                                    std::optional<core::Instant> at) const override {
    record_("contacts", {{"school", school}});
    return {at.value_or(clock_.Now()), school, {}};
  }
  // In each list one item of a1 and one of b1 (resolved: b1's only).
  services::ShiftSummary Summary(const services::ShiftQuery& q) const override {
    nlohmann::json asked = WithUnit(nlohmann::json::object(), q.unit);
    if (q.since) asked["since"] = core::FormatInstantUtc(*q.since);
    record_("handover", asked);
    services::ShiftSummary s;
    s.until = clock_.Now();
    s.since = q.since.value_or(s.until - services::kDefaultHandoverSpan);
    s.unit = q.unit;
    for (const char* school : {"a1", "b1"}) {
      const std::string id = std::string("alert-") + school;
      const core::Alert a = core::NewMissingAlert(id, school, "daily", "w1", s.since);
      s.opened.push_back(a);
      s.still_open.push_back(a);
      s.acknowledged.push_back({id, a.kind, school, "王五", s.since, std::nullopt, ""});
      store::StoredReport r;
      r.report.report_id = std::string("report-") + school;
      r.report.school_id = school;
      r.report.kind = core::ReportKind::kIncident;
      r.report.incident = core::Incident{
          core::IncidentCategory::kFire, core::Severity::kIII, s.since, "", 0, 0, 0, false};
      s.incidents.push_back(r);
    }
    s.resolved.push_back(s.acknowledged.back());
    return s;
  }
  services::GapListing Gaps(const services::GapsQuery& q) const override {
    record_("rosters.gaps", WithUnit({{"days", q.days}}, q.unit));
    services::GapListing out;
    out.now = clock_.Now();
    out.days = q.days;
    out.escalation = true;
    out.gaps.resize(2);
    out.gaps[0].unit_id = "a1";
    out.gaps[1].unit_id = "b1";
    return out;
  }

 private:
  const core::Clock& clock_;
  Record record_;
};

}  // namespace pingan::testing
