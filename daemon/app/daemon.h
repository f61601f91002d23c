// Daemon: the composition root. Wires clock, store writer (with the ledger recorder),
// ZAP authenticator, report server, deadline sweeper, escalation runner, outbox worker
// and control channel onto one io_context, and owns their lifetimes.
//
// Threads: the io_context thread (sockets, timers, signals), the StoreWriter thread,
// libzmq's own I/O thread, and the outbox worker's small pool (blocking sends). Start/Run/Stop are
// called from the main thread; Stop may also be called from a signal handler running on the
// io_context.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <zmq.hpp>

#include "daemon/app/heartbeat.h"
#include "daemon/app/http_api.h"
#include "daemon/app/service_health.h"
#include "daemon/app/step_guarded_clock.h"
#include "daemon/app/store_check.h"
#include "daemon/config/config.h"
#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/core/drill_clock.h"
#include "daemon/core/system_clock.h"
#include "daemon/ingest/report_server.h"
#include "daemon/ingest/zap_authenticator.h"
#include "daemon/jobs/deadline_sweep.h"
#include "daemon/jobs/escalation_runner.h"
#include "daemon/jobs/outbox_worker.h"
#include "daemon/jobs/text_retention.h"
#include "daemon/ops/metrics.h"
#include "daemon/services/admin_service.h"
#include "daemon/services/alert_service.h"
#include "daemon/services/clock_service.h"
#include "daemon/services/control_server.h"
#include "daemon/services/duty_service.h"
#include "daemon/services/exemption_service.h"
#include "daemon/services/handover_service.h"
#include "daemon/services/incident_service.h"
#include "daemon/services/metrics_snapshot.h"
#include "daemon/services/overview_service.h"
#include "daemon/services/roster_gaps.h"
#include "daemon/services/school_service.h"
#include "daemon/services/stats_service.h"
#include "daemon/services/status_service.h"
#include "daemon/store/data_dir_lock.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/store_writer.h"

namespace pingan::app {

struct DaemonOptions {
  bool insecure_dev = false;
  // Set when running on a drill clock (which must also be the `clock` passed in): the
  // control channel may then move it, and a restart resumes from the last swept time.
  core::DrillClock* drill = nullptr;
  // How often the deadline sweep runs (real time).
  core::Millis sweep_tick = std::chrono::seconds{1};
  // Hold deadline decisions after a wall clock step (StepGuardedClock). pingand turns it
  // on for the system clock; in-process tests that move a fake clock by hand leave it off,
  // or turn it on with their own `monotonic` source.
  bool watch_clock_steps = false;
  std::function<core::Millis()> monotonic;  // default: std::chrono::steady_clock
  // When the first background check of the database file runs (StoreCheck).
  core::Millis store_check_after = std::chrono::seconds{10};
};

// pingand's exit status when it stopped because the database file is damaged: the
// systemd unit does not restart on it (RestartPreventExitStatus), a restart would only
// ack reports into the same damaged file. 65 is EX_DATAERR of sysexits.h.
inline constexpr int kExitDatabaseDamaged = 65;

// How long closing the report socket waits for acks still queued on it.
inline constexpr core::Millis kAckLinger = std::chrono::seconds{2};

class Daemon {
 public:
  Daemon(config::DaemonConfig config, const core::Clock& clock, DaemonOptions options);
  ~Daemon();

  // Opens the store, loads keys, binds the ZAP handler and then the report socket.
  // Throws std::runtime_error with an operator-readable message on failure.
  std::string Start();
  // Runs the event loop until Stop.
  void Run();
  // Graceful: stops reading reports, waits (at most monitoring.stop_timeout_seconds) until
  // the store has committed what it holds and those acks are sent, then ends Run.
  void Stop();
  // After Run returned: 0, or kExitDatabaseDamaged when the daemon stopped itself.
  int exit_code() const { return exit_code_; }
  // Re-reads the school key directory (key commands, SIGHUP). Never throws for bad keys:
  // bad entries are logged and skipped, an unreadable source keeps the old set. Reads
  // and builds the table on the calling thread (a pool thread: reading a nation's key
  // files is no work for the io thread); only the swap runs on the io thread, before
  // this returns.
  void ReloadKeys();
  // SIGHUP: on a pool thread (a national tree takes seconds), ReloadKeys, then the
  // organisation, calendars, rosters, policies and channels; a file that does not load
  // keeps the previous set and says why; then the freed memory goes back. Audited;
  // told to systemd as a reload (RELOADING=1, then READY=1). The config file itself,
  // delivery.workers, the escalation tick and the reminder channels apply at a restart.
  void Reload();

  boost::asio::io_context& io() { return io_; }
  const ingest::ReportServer& report_server() const { return *report_server_; }
  std::string control_socket_path() const;
  // The HTTP API (null before Start); tests reach its pools and events through it.
  HttpApi* http_api() { return http_api_.get(); }

 private:
  static void RestorePublicKeyFile(const std::string& key_path, const std::string& public_z85);
  std::string LoadServerSecretKey();
  void UseTextKey(const std::string& database_path);
  // ReloadKeys without giving the freed memory back (SIGHUP does that once, at its end).
  void SwapInKeys();
  // The key table from the school key source, or none when the source does not load
  // (logged; at start: throws). Any thread.
  std::optional<ingest::ZapAuthenticator::KeyTable> ReadKeyTable(bool at_start);
  // Gives the memory freed after loading keys, organisation and calendars back to the
  // system (malloc_trim: ~7 ms for a nation's keys). Without it glibc keeps the
  // hundreds of MiB a national load used in passing.
  static void ReturnFreedMemory();
  void StartIngest();
  void StartSchedule();
  void LoadEscalation();
  void StartEscalation();
  void StartControl();
  // The 免报 (exemption) and 交接班 (hand-over sign-off) services and their commands.
  void StartDutyServices();
  void StartRosterGapWatch();
  // Ingest and handshake counters, per reason (io thread; `status` and metrics).
  nlohmann::json IngestStats() const;
  void ResumeDrillClock();
  // Live console updates (GET /api/v1/events) after a deadline sweep.
  void PublishSweep(const jobs::SweepOutcome& outcome);
  void FinishStop();
  // /healthz, /readyz, /metrics on the HTTP API; the supervisor's READY and watchdog.
  void StartServiceHealth();
  services::IoFigures GatherIoFigures() const;  // io thread
  // Pool thread: loads the organisation, calendars and escalation file, each kept when
  // it does not load (or does not fit the other); the outcome in words.
  std::string ReloadConfiguration();

  config::DaemonConfig config_;
  const core::Clock& clock_;
  // Real time for what must not follow a drill clock: CURVE refusal pacing, health
  // checks, key enrolment. Console sessions follow `clock_` (issue 13): a drill is
  // played on simulated time everywhere, so a simulated hour idles a duty officer's
  // session out as a real one would, while the wall's kiosk session stays.
  core::SystemClock real_clock_;
  DaemonOptions options_;
  // Taken first in Start and released last: one daemon per data directory.
  std::unique_ptr<store::DataDirLock> data_dir_lock_;
  boost::asio::io_context io_;
  zmq::context_t zmq_context_;
  // Before the writer: its batches are timed into it.
  std::shared_ptr<ops::Metrics> metrics_ = std::make_shared<ops::Metrics>();
  // Before the writer, whose thread uses it (the recorder's rows, the sweep's missing).
  jobs::LedgerTally ledger_tally_;
  std::unique_ptr<store::StoreWriter> writer_;
  std::unique_ptr<ingest::ZapAuthenticator> zap_;
  std::unique_ptr<ingest::ReportServer> report_server_;
  config::ScheduleSource schedules_;
  store::ReadPool reads_;                          // read-only connections shared by every query
  std::unique_ptr<StepGuardedClock> sweep_clock_;  // null unless watch_clock_steps
  std::unique_ptr<jobs::DeadlineSweeper> sweeper_;
  config::EscalationSource escalation_;  // holds null: escalation not configured
  std::unique_ptr<jobs::EscalationRunner> escalation_runner_;
  std::unique_ptr<jobs::OutboxWorker> outbox_worker_;
  // Typed services behind the control commands and the HTTP routes; before control_,
  // whose handlers hold them.
  std::unique_ptr<services::AlertService> alert_service_;
  std::unique_ptr<services::IncidentService> incident_service_;
  std::unique_ptr<services::ExemptionService> exemption_service_;
  std::unique_ptr<services::StatsService> stats_service_;  // period statistics (/stats)
  std::unique_ptr<services::HandoverService> handover_service_;
  std::unique_ptr<services::OverviewService> overview_;    // board queries (control + HTTP)
  std::unique_ptr<services::StatusService> status_;        // status, calendars, deadlines
  std::unique_ptr<services::SchoolService> schools_;       // school list and pages
  std::unique_ptr<services::DutyService> duty_;            // rosters, contacts, shift summary
  std::unique_ptr<services::ClockService> clock_service_;  // drill clock moves
  std::unique_ptr<services::AdminService> admin_;  // users list, keys, school import, export
  std::unique_ptr<services::ControlServer> control_;
  std::unique_ptr<HttpApi> http_api_;                      // /api/v1; uses control_ and writer_
  std::unique_ptr<services::RosterGapWatch> roster_gaps_;  // daily roster gap warnings
  std::unique_ptr<jobs::TextRetention> text_retention_;    // purges protected incident text
  std::unique_ptr<ServiceHealth> health_;                  // readiness, watchdog, sd_notify
  std::unique_ptr<Heartbeat> heartbeat_;
  std::unique_ptr<StoreCheck> store_check_;  // quick_check on the read pool, daily //
                                             // monitoring.heartbeat_url (optional)
  std::string endpoint_;
  // Io thread: damage found by the writer or a check stops the daemon for good: no more
  // acks into the file, exit status for the supervisor.
  void StopForDamage(const std::string& problems);
  int exit_code_ = 0;
  bool stopping_ = false;  // io thread
  bool stopped_ = false;
  std::unique_ptr<boost::asio::steady_timer> stop_deadline_;
};

}  // namespace pingan::app
