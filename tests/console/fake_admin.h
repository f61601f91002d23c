// Fakes of the typed services behind the admin routes (AdminService, ClockService) for
// ApiFixture. Each call is reported to `record` with its request as JSON (what a test
// checks the route asked for; `record` may throw to stand for a failing service) and
// answers what the test put in the public members. Any thread the test uses.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "daemon/core/local_time.h"
#include "daemon/services/admin_service.h"
#include "daemon/services/clock_service.h"
#include "daemon/services/control_server.h"
#include "tests/console/console_query_fakes.h"

namespace pingan::testing {

class FakeAdmin : public services::AdminService {
 public:
  FakeAdmin(const core::Clock& clock, store::StoreWriter& writer, config::ScheduleSource& schedules,
            Record record)
      : services::AdminService({clock, clock, {}, writer, schedules, "", "", nullptr, {}}),
        record_(std::move(record)) {}

  services::SchoolImport import_answer;    // what ImportSchools answers
  services::LedgerExport export_answer{};  // what ExportLedger answers (its days: the request's)

  std::vector<store::UserRow> Users() const override {
    record_("users.list", nlohmann::json::object());
    return {{"admin", "", "admin", "", false, core::Instant{}}};
  }
  std::vector<services::SchoolKey> Keys() const override {
    record_("keys.list", nlohmann::json::object());
    return {};
  }
  services::KeyEnrolment EnrolKey(const services::KeyEnrolRequest& r) const override {
    record_("keys.enroll",
            {{"school", r.school}, {"public_key", r.public_key}, {"actor", r.actor}});
    return {r.school, "SHA256:0", false, std::nullopt};
  }
  services::KeyRevocation RevokeKey(const services::KeyRevokeRequest& r) const override {
    record_("keys.revoke", {{"school", r.school}, {"actor", r.actor}});
    return {r.school, "SHA256:0"};
  }
  services::SchoolImport ImportSchools(const services::SchoolImportRequest& r) const override {
    record_("schools.import", {{"csv", r.csv}, {"dry_run", r.dry_run}, {"actor", r.actor}});
    return import_answer;
  }
  services::LedgerExport ExportLedger(const services::ExportRequest& r) const override {
    nlohmann::json asked{{"from", core::FormatDate(r.from)}, {"to", core::FormatDate(r.to)}};
    if (!r.unit.empty()) asked["unit"] = r.unit;
    if (!r.scope.empty()) asked["scope"] = r.scope;
    record_("export.ledger", asked);
    services::LedgerExport out = export_answer;
    out.from = r.from;
    out.to = r.to;
    return out;
  }

 private:
  Record record_;
};

class FakeClockService : public services::ClockService {
 public:
  FakeClockService(const core::Clock& clock, Record record)
      : services::ClockService({clock, nullptr, NoOrganisation(), {}, nullptr, nullptr}),
        clock_(clock),
        record_(std::move(record)) {}

  bool drill = true;  // false: Advance refuses with not_drill

  services::ClockReading Advance(const services::ClockMove& m) const override {
    nlohmann::json asked = nlohmann::json::object();
    if (m.by) asked["by"] = core::FormatDuration(*m.by);
    if (m.to) asked["to"] = core::FormatInstantUtc(*m.to);
    record_("clock.advance", asked);
    if (!drill) throw services::ControlError("not_drill", "the clock can only be moved in a drill");
    return {clock_.Now(), true};
  }

 private:
  const core::Clock& clock_;
  Record record_;
};

}  // namespace pingan::testing
