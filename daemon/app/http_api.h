// HttpApi: wires the console module (daemon/console) into the daemon: the AuthService
// (users, sessions, API tokens; persisted through the StoreWriter), the /api/v1 routes
// over the daemon's typed services, the Beast server, and the control commands that
// manage users and tokens (the admin's local path; thin adapters over the AuthService,
// answering through admin_json.h's views as the routes do):
//
//   users.add      {name, role, scope?, password} -> {added}
//   users.passwd   {name, password} -> {changed}   ends the user's sessions
//   users.disable  {name} -> {disabled}            ends the user's sessions
//   tokens.create  {label, role, scope?} -> {label, token}   the token, shown this once
//
// Threads: the io thread accepts, parses, authenticates and writes answers; the read
// pool (http.read_workers threads) runs the routes' database reads and commands and
// the control socket's commands; the hash pool (one thread, lower CPU priority) runs
// password hashing. Both pools are bounded (503 when full). Events are built on the
// read pool and published on the io thread. Create after the ControlServer and the
// StoreWriter and destroy before them.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/api/api_routes.h"
#include "daemon/config/config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/console/auth.h"
#include "daemon/console/event_stream.h"
#include "daemon/console/http_server.h"
#include "daemon/console/worker_pool.h"
#include "daemon/core/alert.h"
#include "daemon/core/event_pacer.h"
#include "daemon/services/control_server.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/store_writer.h"

namespace pingan::app {

console::AuthOptions AuthOptionsFrom(const config::HttpSettings& http);

// The routes' backend without its typed services: the subtree test over `schedules`
// and the read pool.
api::ApiBackend MakeApiBackend(const config::ScheduleSource& schedules, store::ReadPool reads);

// Registers users.* and tokens.create on `control`.
void RegisterUserCommands(services::ControlServer& control, console::AuthService& auth);

// More new alerts than this in one go (a sweep, a batch of incident reports) are
// announced as bulk "alerts.opened" events instead of one "alert.opened" each: thousands
// of events would overflow every console's stream queue and the replay ring.
inline constexpr size_t kBulkAlertEvents = 50;
// Requests that may wait for a pool thread before the API answers 503 (Retry-After: 1):
// enough for every open console to refetch after an event, little enough that a flood
// is refused in milliseconds instead of queueing for minutes.
inline constexpr size_t kReadQueue = 512;
inline constexpr size_t kHashQueue = 64;

// The typed services the routes call (owned by the daemon; they outlive the HttpApi).
// Null: the routes that need one answer 503.
struct ApiServices {
  services::OverviewService* overview = nullptr;
  services::AlertService* alerts = nullptr;
  services::IncidentService* incidents = nullptr;  // also builds incident events
  services::ExemptionService* exemptions = nullptr;
  services::StatsService* stats = nullptr;
  services::HandoverService* handovers = nullptr;
  services::StatusService* status = nullptr;
  services::SchoolService* schools = nullptr;
  services::DutyService* duty = nullptr;
  services::AdminService* admin = nullptr;
  services::ClockService* clock = nullptr;
};

class HttpApi {
 public:
  // Loads users, sessions and tokens, registers the routes and the user commands, and
  // (unless config.http.listen is empty) starts listening. A failed bind is logged and
  // the daemon goes on without the API: report intake matters more. Unusable TLS files
  // throw instead, naming the file: falling back to plain HTTP is not an option.
  // `clock` runs the sessions (the daemon's clock: a drill's simulated time during
  // drills); `data_clock` is the clock the board reads (the
  // daemon's, a drill clock during drills; null: `clock`), whose minute is part of the
  // data version. `typed`: the services the routes call.
  HttpApi(boost::asio::io_context& io, const config::DaemonConfig& config, const core::Clock& clock,
          store::StoreWriter& writer, services::ControlServer& control,
          const config::ScheduleSource& schedules, store::ReadPool reads,
          const core::Clock* data_clock = nullptr, ApiServices typed = {});
  ~HttpApi();

  console::AuthService& auth() { return auth_; }
  const console::Router& router() const { return router_; }
  // For the daemon's own routes (/healthz, /metrics): add them before the io_context
  // runs (the Router is not locked).
  console::Router& router() { return router_; }
  unsigned short port() const { return server_ ? server_->port() : 0; }
  // HTTP connections held now (io thread).
  size_t open_connections() const { return server_ ? server_->connections().open() : 0; }

  // Live updates for the console (GET /api/v1/events). Io thread only.
  console::EventHub& events() { return events_; }
  // The pools (tests wait for them; the daemon's commands may use them).
  console::WorkerPool& read_pool() { return read_pool_; }
  console::WorkerPool& hash_pool() { return hash_pool_; }
  const console::Executors& executors() const { return executors_; }

  // The Publish* functions are called on the io thread; they read on the read pool and
  // publish back on the io thread.
  // Publishes `name` ("alert.opened", "alert.updated") for one alert, looked up for its
  // school (leaders' filter), kind, state and severity. Unknown alerts are skipped.
  void PublishAlert(const std::string& name, const std::string& alert_id);
  // The same for many alerts, read on one read-only connection: data {id, kind, state,
  // severity, school_id, school_name}. "alert.opened" for more than kBulkAlertEvents
  // alerts becomes one "alerts.opened" per (kind, requirement, window) instead, with
  // data {kind, requirement_id, window_id} only (no school, no count: leaders get it
  // when one of its schools is theirs, and must learn nothing of the others).
  void PublishAlerts(const std::string& name, const std::vector<std::string>& alert_ids);
  // Publishes "alert.opened" for the incident alert of each newly stored incident report
  // in a committed batch (the duty room's sound and notification). Others are skipped
  // without a query, so the ingest path pays nothing for all-clears.
  void PublishNewIncidents(const std::vector<store::WriteOutcome>& committed);
  // "ledger.updated" for a committed batch of reports, paced (core::EventPacer): the
  // first at once, then at most one a second, none lost. Pages and the board cache
  // follow it; changes made from the console or pinganctl publish theirs unpaced.
  void LedgerUpdatedByIntake();

  // Publishes "incident.updated" for one incident: its school (the leaders' filter),
  // case state and owner, never free text. Unknown incidents are skipped.
  void PublishIncident(const std::string& report_id);

  // ApiBackend::data_version: moves when an event was published since the last call,
  // the organisation was replaced, or the data clock entered another minute. Any thread.
  uint64_t DataVersion();

 private:
  void Heartbeat();
  // Io thread: waits for the paced "ledger.updated" that is owed, if any.
  void ArmLedgerTimer();
  void PublishLoaded(const std::string& name, const std::vector<core::Alert>& alerts);

  boost::asio::io_context& io_;
  const config::ScheduleSource& schedules_;
  const core::Clock& data_clock_;
  store::ReadPool reads_;
  std::mutex version_mu_;  // guards the data version and what it was computed from
  uint64_t data_version_ = 0;
  uint64_t seen_event_ = 0;
  std::weak_ptr<const config::ScheduleBundle> seen_schedule_;  // weak: a freed bundle is "changed"
  int64_t seen_minute_ = -1;
  console::AuthService auth_;
  console::EventHub events_;
  api::ApiBackend backend_;
  boost::asio::steady_timer heartbeat_;
  core::EventPacer ledger_pacer_{std::chrono::seconds{1}};  // io thread
  boost::asio::steady_timer ledger_timer_;
  bool ledger_timer_armed_ = false;
  console::Router router_;
  std::unique_ptr<console::HttpServer> server_;
  // Last: destroyed first, so that no job still runs when the rest goes.
  console::WorkerPool read_pool_;
  console::WorkerPool hash_pool_;
  console::Executors executors_;
};

}  // namespace pingan::app
