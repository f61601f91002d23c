// The one JSON view of incident reports and their cases, used by the control socket's
// commands (pinganctl), the HTTP API's incident routes (the web console), the shift
// hand-over and the live-update events. Field names and values are a contract:
// daemon/console/web/*.js and daemon/ctl/output.cc read them. Free text (the summary,
// note texts) appears only in IncidentDetailJson and only when the detail carries it.
// Pure functions of their arguments (the organisation only names schools); callable
// from any thread.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config/schedule_bundle.h"
#include "daemon/services/incident_service.h"
#include "daemon/store/incident_case_repository.h"
#include "daemon/store/report_repository.h"

namespace pingan::services {

// The facts of an incident report (never its summary) with the school's name.
nlohmann::json IncidentFactsJson(const config::ScheduleBundle* b, const store::StoredReport& r);
// The facts plus "alert_id" and "case" (owner, state, closure; null when none).
nlohmann::json IncidentSummaryJson(const store::IncidentRow& row,
                                   const config::ScheduleBundle* bundle);
nlohmann::json IncidentListJson(const std::vector<store::IncidentRow>& rows,
                                const config::ScheduleBundle* bundle);
// The summary plus the case's details ("assignments", who assigned and closed it),
// "notes" (texts null unless with_text) and, with_text only, "summary".
nlohmann::json IncidentDetailJson(const IncidentDetail& d, const config::ScheduleBundle* bundle);
// An "incident.updated" event's data: report, school, case state and owner; no text.
nlohmann::json IncidentEventJson(const store::IncidentRow& row);

// The answers of the accepted changes (the writer applies them).
nlohmann::json AssignAcceptedJson(const AssignRequest& r);
nlohmann::json NoteAcceptedJson(const NoteRequest& r);
nlohmann::json CloseAcceptedJson(const CloseRequest& r);

}  // namespace pingan::services
