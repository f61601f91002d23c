// What the duty console's read services (OverviewService, SchoolService, DutyService,
// StatusService) share: their context, parsing that answers ControlError bad_request,
// the viewed unit of a scoped list, and small JSON pieces of units and contacts.
// Handlers run on read-pool workers, several at once; each leases a read-only
// connection from the shared pool (ReadPool).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/core/board.h"
#include "daemon/core/clock.h"
#include "daemon/core/exemption.h"
#include "daemon/services/control_server.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/report_repository.h"

namespace pingan::services {

struct ConsoleQueryContext {
  const core::Clock& clock;  // the daemon's clock (a drill clock during drills)
  const config::ScheduleSource& schedules;
  store::ReadPool reads;                // read-only connections, shared
  config::EscalationSource escalation;  // holds null when escalation is not configured
};

// The current schedule; ControlError no_schedule when none is configured.
config::SharedSchedule RequireSchedule(const config::ScheduleSource& schedules);
config::SharedSchedule RequireSchedule(const ConsoleQueryContext& c);

// "2026-10-03T08:00:00Z", with optional fractional seconds, or with an offset
// ("+08:00") instead of Z.
std::optional<core::Instant> ParseInstantText(std::string_view text);
// `text` (the value of `key`) as an instant; bad_request naming `key` when malformed.
core::Instant ParseInstantArg(const char* key, std::string_view text);
// Today in the schedule's default zone at `now`.
date::year_month_day TodayIn(const config::ScheduleBundle& b, core::Instant now);

// The unit a scoped answer is about: `unit`, or by default ("") the root (the whole
// organisation, "", when the tree has several roots). not_found for an unknown unit.
std::string ViewedUnitId(const config::ScheduleBundle& b, const std::string& unit);
// True when `unit_id` lies in the subtree of `viewed` ("" is everything).
bool InView(const config::ScheduleBundle& b, const std::string& viewed, std::string_view unit_id);

// The name of the person acting (args "who"), trimmed: bad_request when empty, not UTF-8
// or longer than 200 bytes (as for case owners).
std::string ActorNameArg(const std::string& raw);

std::string UnitName(const config::ScheduleBundle* b, std::string_view unit_id);
// The name of requirement `id` (its first non-disabled definition), else the id.
std::string RequirementName(const config::ScheduleBundle& b, std::string_view id);
// `t` on the local clock of `zone` formatted with `format` (e.g. "%H:%M"); UTC text when
// the zone is unknown.
std::string LocalText(core::Instant t, const std::string& zone, const char* format);
// A unit's own contacts: [{role, name, phone, email}].
nlohmann::json ContactsJson(const std::vector<core::Contact>& contacts);
nlohmann::json TimeOrNull(const std::optional<core::Instant>& t);
// `windows` with the schools that an exemption in force (免报, read from `db`) excuses
// moved to their excused list (core::WithExemptions), so that the board, the ledger and
// the export show them excused before the sweep decides, as the sweep will.
std::vector<core::DueWindow> WithExemptions(std::vector<core::DueWindow> windows,
                                            store::Database& db, const core::OrgTree& tree);
// The exemptions in force that can reach windows due after `t` (store::ExemptionRepository).
std::vector<core::Exemption> ExemptionsReaching(store::Database& db, core::Instant t);
// How the board shows a stored ledger row.
core::BoardStatus BoardStatusOf(store::LedgerRowStatus s);
// Whole minutes, rounded up: a report 20 s late is "1 minute" late, not 0.
int64_t CeilMinutes(core::Millis d);

}  // namespace pingan::services
