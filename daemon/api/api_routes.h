// The /api/v1 route table: login, logout, session, status, board, deadlines, missing,
// alerts (list, show, ack, resolve), incidents and the audit log.
//
// Every route calls the typed services (ApiBackend::overview, ::alerts, ::incidents,
// ::status, ::schools, ::duty, ::admin, ::clock, ...; users and tokens: the AuthService)
// and answers through their JSON views, as the control socket's commands do: both are
// thin adapters over the same functions. A services::ControlError becomes the HTTP error
// of ControlErrorStatus (service_errors.h). Leaders see and act only on schools inside their
// scope's subtree, cut from the typed answers; anything else answers 404, as if it did
// not exist. Handlers run where their route says (console::Runs: the read pool unless
// said otherwise), never SQL on the io thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/console/auth.h"
#include "daemon/console/router.h"
#include "daemon/core/clock.h"
#include "daemon/store/read_connections.h"

namespace pingan::services {
class AlertService;
class IncidentService;
class ExemptionService;
class HandoverService;
class OverviewService;
class StatsService;
class StatusService;
class SchoolService;
class DutyService;
class AdminService;
class ClockService;
}  // namespace pingan::services

namespace pingan::api {

struct ApiBackend {
  // The typed services the routes call directly (they outlive the router); null in
  // tests of routes that do not use them (those routes then answer 503).
  services::OverviewService* overview = nullptr;
  services::AlertService* alerts = nullptr;
  services::IncidentService* incidents = nullptr;
  services::ExemptionService* exemptions = nullptr;
  services::StatsService* stats = nullptr;
  services::HandoverService* handovers = nullptr;
  services::StatusService* status = nullptr;
  services::SchoolService* schools = nullptr;
  services::DutyService* duty = nullptr;
  services::AdminService* admin = nullptr;  // users list, keys, school import, export
  services::ClockService* clock = nullptr;  // the drill clock's moves
  // Whether `unit_id` lies in the subtree rooted at `scope` (false when unknown).
  std::function<bool(const std::string& unit_id, const std::string& scope)> in_subtree;
  // Read-only connections (the audit log; the services have their own handle on the
  // same pool).
  store::ReadPool reads;
  // The organisation's default time zone (IANA name): the console shows times in it,
  // not in the browser's zone, so that every duty room reads the same clock.
  std::string time_zone = "Asia/Shanghai";
  // Called after an alert was acknowledged or resolved through the API ("alert.updated",
  // id), so that other pages update live. Optional.
  std::function<void(const std::string& event, const std::string& alert_id)> on_alert_changed;
  // Called after an incident's case changed through the API (owner, note, closure), so
  // that open consoles update live. Optional.
  std::function<void(const std::string& report_id)> on_incident_changed;
  // A number that changes whenever anything the board reads may have changed: the
  // daemon publishes an event after every such change (ledger.updated after each
  // committed report batch and each sweep, alert.* and incident.updated once the change
  // is stored), and also moves it when the organisation is reloaded and when its clock
  // enters a new minute (the board's default day and "now"). The board and its
  // drill-down keep their answers while it stays the same. Optional: null, no caching.
  std::function<uint64_t()> data_version;
};

// Registers every /api/v1 route. `auth` and the backend outlive the router.
void RegisterApiRoutes(console::Router& router, console::AuthService& auth, ApiBackend backend);

// The Set-Cookie value for a new session (empty token: one that clears the cookie).
std::string SessionCookie(const std::string& token, bool secure);

}  // namespace pingan::api
