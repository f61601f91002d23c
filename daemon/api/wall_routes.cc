// The wall (大屏), the duty room's big screen, in one read:
//
//   GET /api/v1/wall     permission view_board (the wall role, admins, duty officers,
//                        auditors; not leaders, whose view is a subtree)
//
// {now, clock: "drill"|"system", time_zone, date, windows (today's board),
//  counts: {open_incidents, missed_reports, more_reports},
//  incidents: [every open incident, ordered], reports: [missed reports that fit]}
//
// The open incidents come from the same query as the incident page (IncidentService
// List, case state open), so that the counts agree; they are pinned above the missed
// reports (unresolved missing and late alerts) by core::WallOrder, which never cuts an
// incident. The daemon's clock (a drill clock during drills) is in the answer: the
// screen shows it, labelled as a drill's. Runs on the read pool.
#include <map>

#include "daemon/api/api_context.h"
#include "daemon/api/service_errors.h"
#include "daemon/core/wall_order.h"
#include "daemon/services/alert_json.h"
#include "daemon/services/alert_service.h"
#include "daemon/services/board_json.h"
#include "daemon/services/incident_json.h"
#include "daemon/services/incident_service.h"
#include "daemon/services/overview_service.h"
#include "daemon/services/status_json.h"

namespace pingan::api {
namespace {

using nlohmann::json;

// Rows of missed reports on the screen: what a wall can show in type readable at 5 m.
constexpr size_t kWallRows = 14;
// At most this many of each are read: more open incidents than this is beyond any
// screen (and the count still says how many there are, up to it).
constexpr int kReadLimit = 10000;

std::vector<core::Alert> MissedReports(const services::AlertService& alerts) {
  std::vector<core::Alert> out;
  // Unresolved: an acknowledged missing report is being handled, but still missing.
  for (core::AlertKind kind : {core::AlertKind::kMissing, core::AlertKind::kLate}) {
    for (core::AlertState state : {core::AlertState::kOpen, core::AlertState::kAcknowledged}) {
      services::AlertQuery q;
      q.state = state;
      q.kind = kind;
      q.limit = kReadLimit;
      for (core::Alert& a : CallService([&] { return alerts.List(q); }))
        out.push_back(std::move(a));
    }
  }
  return out;
}

console::Response Wall(const ApiContext& api) {
  // Every service first: without one the wall answers 503 before reading anything.
  const services::IncidentService& incidents = api.incidents();
  const services::AlertService& alerts = api.alerts();
  const services::OverviewService& overview = api.overview();
  const services::StatusService& status = api.status();
  services::IncidentQuery iq;
  iq.state = store::CaseState::kOpen;
  iq.limit = kReadLimit;
  const std::vector<store::IncidentRow> open = CallService([&] { return incidents.List(iq); });
  const std::vector<core::Alert> missed = MissedReports(alerts);

  std::vector<core::WallItem> items;
  std::map<std::string, const store::IncidentRow*> incident_by_id;
  std::map<std::string, const core::Alert*> alert_by_id;
  for (const store::IncidentRow& row : open) {
    const core::Report& r = row.report.report;
    incident_by_id[r.report_id] = &row;
    items.push_back({core::WallItem::Kind::kIncident, r.report_id,
                     r.incident ? static_cast<int>(r.incident->severity) : 4,
                     r.incident && r.incident->needs_leader_attention, row.report.received_at});
  }
  for (const core::Alert& a : missed) {
    alert_by_id[a.id] = &a;
    items.push_back({a.kind == core::AlertKind::kLate ? core::WallItem::Kind::kLate
                                                      : core::WallItem::Kind::kMissing,
                     a.id, 0, false, a.created_at});
  }
  const core::WallLayout layout = core::WallOrder(std::move(items), kWallRows);

  const config::SharedSchedule names = incidents.schedules().Get();
  json incident_rows = json::array();
  json report_rows = json::array();
  for (const core::WallItem& w : layout.rows) {
    if (w.kind == core::WallItem::Kind::kIncident) {
      incident_rows.push_back(services::IncidentSummaryJson(*incident_by_id.at(w.id), names.get()));
    } else {
      report_rows.push_back(services::AlertSummaryJson(*alert_by_id.at(w.id), names.get()));
    }
  }
  const json board = services::ToJson(CallService([&] { return overview.Board({}); }));
  json out = services::ToJson(status.Clock());
  out.update(json{{"time_zone", api.backend.time_zone},
                  {"date", board.value("date", "")},
                  {"windows", board.value("windows", json::array())},
                  {"counts",
                   {{"open_incidents", layout.incidents},
                    {"missed_reports", layout.reports},
                    {"more_reports", layout.more_reports}}},
                  {"incidents", incident_rows},
                  {"reports", report_rows}});
  return console::JsonResponse(200, out);
}

}  // namespace

void AddWallRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/wall", console::Permission::kViewBoard, false,
         [api](const console::RouteContext&) { return Wall(*api); }});
}

}  // namespace pingan::api
