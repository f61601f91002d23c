// DutyService: the typed queries about the people on duty, shared by the control socket
// (duty_commands.cc: rosters, contacts, handover, rosters.gaps) and the HTTP routes
// (api/school_routes.cc, api/overview_routes.cc), which are thin adapters over it; the
// JSON of its results is in duty_json.h.
//
//   Rosters   every unit with a roster in a unit's subtree: who is on duty at an
//             instant, who is next, the shifts and holes of today and tomorrow in the
//             roster's zone; none (escalation false) without an escalation file
//   Contacts  whom to call about a school: the school, then each unit above it up to
//             and including its district, with their contacts and who is on duty there
//   Summary   what happened during a shift (交接班 summary): alerts opened,
//             acknowledged and resolved since an instant, incident reports received,
//             alerts still unresolved, each list newest first, from the alerts' stored
//             timelines (every acknowledgement and resolution is a timeline entry)
//   Gaps      the holes in the rosters during holidays and major events of the coming
//             days (roster_gaps.h)
//
// `unit` restricts an answer to a subtree (callers pass a leader's scope) and callers
// cut lists to what a leader may see. Threading: the methods are const and run on a
// read-pool worker, several at once; Summary leases a read-only connection from the
// shared pool, the others read configuration only. Errors are thrown as ControlError
// (not_found, bad_request, no_schedule).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/core/alert.h"
#include "daemon/core/recipient.h"
#include "daemon/core/roster.h"
#include "daemon/core/roster_coverage.h"
#include "daemon/services/overview_service.h"
#include "daemon/services/query_support.h"
#include "daemon/services/roster_gaps.h"
#include "daemon/store/report_repository.h"

namespace pingan::services {

inline constexpr core::Millis kDefaultHandoverSpan = std::chrono::hours{12};

// One shift of a roster, with the roster's zone (its local times are shown in it).
struct DutyShift {
  core::Recipient person;
  core::Instant from{};
  core::Instant to{};
  std::string time_zone;
  bool now = false;  // on duty at the instant asked about
};

struct RosterView {
  std::string unit_id;
  std::string unit_name;
  std::string time_zone;
  std::optional<DutyShift> on_duty;   // the first shift covering the instant
  std::optional<DutyShift> next;      // the first shift starting after it
  std::vector<DutyShift> shifts;      // overlapping today and tomorrow
  std::vector<core::RosterGap> gaps;  // nobody on duty, same two days
};

struct RostersQuery {
  std::optional<core::Instant> at;  // default: now
  std::string unit;                 // default: everything
};

struct RosterListing {
  core::Instant at{};
  bool escalation = false;  // false: no escalation file, no rosters
  std::vector<RosterView> rosters;
};

struct UnitContacts {
  UnitRef unit;
  std::vector<core::Contact> contacts;
  std::vector<DutyShift> on_duty;  // everyone on duty there (overlapping shifts all count)
};

struct SchoolContacts {
  core::Instant at{};
  std::string school_id;
  std::vector<UnitContacts> units;  // the school first
};

struct ShiftQuery {
  std::optional<core::Instant> since;  // default: kDefaultHandoverSpan before now
  std::string unit;                    // default: everything
};

// An acknowledgement or resolution of an alert, from its timeline.
struct AlertActivity {
  std::string alert_id;
  core::AlertKind kind = core::AlertKind::kMissing;
  std::string school_id;
  std::string by;
  core::Instant at{};
  std::optional<core::ResolveReason> reason;  // resolutions only
  std::string comment;                        // a resolution's without its reason
};

struct ShiftSummary {
  core::Instant since{};
  core::Instant until{};
  std::string unit;
  std::vector<core::Alert> opened;
  std::vector<AlertActivity> acknowledged;
  std::vector<AlertActivity> resolved;
  std::vector<store::StoredReport> incidents;  // facts only are ever shown
  std::vector<core::Alert> still_open;
  config::SharedSchedule names;  // the organisation schools are named from (may be null)
};

struct GapsQuery {
  int days = kDefaultGapDays;  // 1..366
  std::string unit;            // default: everything
};

struct GapListing {
  core::Instant now{};
  int days = kDefaultGapDays;
  bool escalation = false;
  int64_t rosters = 0;  // rosters in view
  std::vector<core::CoverageGap> gaps;
  config::SharedSchedule names;
};

// Virtual so that route tests can stand in a fake; the daemon has one instance, shared
// by the control commands and the HTTP routes.
class DutyService {
 public:
  explicit DutyService(ConsoleQueryContext context) : c_(std::move(context)) {}
  virtual ~DutyService() = default;

  virtual RosterListing Rosters(const RostersQuery& q) const;
  // not_found for an unknown school.
  virtual SchoolContacts Contacts(const std::string& school,
                                  std::optional<core::Instant> at = std::nullopt) const;
  // bad_request unless `since` lies before now and within 31 days of it.
  virtual ShiftSummary Summary(const ShiftQuery& q) const;
  virtual GapListing Gaps(const GapsQuery& q) const;

 private:
  ConsoleQueryContext c_;
};

}  // namespace pingan::services
