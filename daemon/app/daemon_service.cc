// Daemon: its life as a service (graceful stop, reload) and the parts that watch it
// (ServiceHealth, heartbeat, /healthz, /readyz, /metrics). The rest of the composition
// root is in daemon.cc.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <memory>

#include "daemon/app/daemon.h"
#include "daemon/app/ops_routes.h"
#include "daemon/app/run_on_io.h"
#include "daemon/config/schedule_loader.h"
#include "daemon/core/local_time.h"
#include "daemon/core/text.h"
#include "daemon/ingest/curve_memory.h"
#include "daemon/services/exemption_commands.h"
#include "daemon/services/handover_commands.h"
#include "daemon/services/stats_commands.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/text_seal.h"
#include "daemon/store/waiting_counts.h"

namespace pingan::app {

void Daemon::StartServiceHealth() {
  health_ = std::make_unique<ServiceHealth>(io_, *writer_, real_clock_, clock_,
                                            config_.monitoring.silent_intake_min_owed);
  if (http_api_) {
    // No data in it: every stream, leaders' too, gets it and refetches the warnings.
    health_->set_on_warnings_changed(
        [this] { http_api_->events().Publish("system.updated", "", nlohmann::json::object()); });
    std::string error;  // checked when the config was parsed
    OpsRouteContext context{
        *health_, *metrics_, http_api_->auth(),
        console::TrustedProxies::Parse(config_.monitoring.metrics_open_to, &error)
            .value_or(console::TrustedProxies{}),
        [this] {
          // On a read-pool thread: the io thread's counters, then the tables.
          std::vector<prometheus::MetricFamily> families =
              services::IoFamilies(RunOnIo(io_, [this] { return GatherIoFigures(); }));
          auto db = reads_.Acquire();
          for (auto& family : services::StoreFamilies(store::CountWaiting(db.db())))
            families.push_back(std::move(family));
          return families;
        }};
    RegisterOpsRoutes(http_api_->router(), std::move(context));
  }
  if (sweep_clock_) {
    health_->set_clock_hold([clock = sweep_clock_.get()] { return clock->Held(); });
  }
  // Socket only, like backup: the whole file is read (seconds per GB).
  control_->Register("store.check", [this](const nlohmann::json& args) {
    const bool full = args.value("full", false);
    double seconds = 0;
    const std::string problems = CheckLiveDatabase(reads_, full, &seconds);
    RunOnIo(io_, [this, problems, seconds] {
      if (health_) health_->StoreChecked(reads_.path(), problems, seconds);
      if (problems.empty()) return;
      // A moment later: the stop closes the control socket, the answer goes out first.
      auto later = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds{500});
      later->async_wait(
          [this, later, problems](const boost::system::error_code&) { StopForDamage(problems); });
    });
    return nlohmann::json{{"ok", problems.empty()},
                          {"stopping", !problems.empty()},
                          {"check", full ? "integrity_check" : "quick_check"},
                          {"problems", problems},
                          {"seconds", seconds}};
  });
  // Socket only, like backup: confirming the time is an operator's act on the machine.
  control_->Register("clock.confirm", [this](const nlohmann::json&) {
    if (!sweep_clock_) {
      throw services::ControlError("not_watched",
                                   "this daemon's clock is not watched for steps (drill clock)");
    }
    const bool released = sweep_clock_->Confirm();
    if (released) {
      RunOnIo(io_, [this] {
        sweeper_->Kick();
        if (health_) health_->ClockConfirmed();
      });
    }
    return nlohmann::json{{"released", released}, {"now", core::FormatInstantUtc(clock_.Now())}};
  });
  health_->Start(report_server_ != nullptr, "listening on " + endpoint_);
  if (http_api_) {
    store_check_ = std::make_unique<StoreCheck>(
        io_, reads_,
        [this](std::function<void()> job) { http_api_->read_pool().Post(std::move(job)); },
        options_.store_check_after, std::chrono::hours{config_.monitoring.database_check_hours},
        [this](const std::string& problems, double seconds) {
          health_->StoreChecked(reads_.path(), problems, seconds);
          if (!problems.empty()) StopForDamage(problems);
        });
    store_check_->Start();
  }
  const config::MonitoringSettings& m = config_.monitoring;
  if (!m.heartbeat_url.empty()) {
    heartbeat_ = std::make_unique<Heartbeat>(
        io_, m.heartbeat_url, std::chrono::minutes{m.heartbeat_minutes},
        [this] { return health_->Readiness().ready; },
        [metrics = metrics_] { metrics->HeartbeatFailed(); });
    heartbeat_->Start();
    spdlog::info("heartbeat: every {} min while ready", m.heartbeat_minutes);
  }
}

void Daemon::Reload() {
  if (health_) health_->Reloading();
  http_api_->read_pool().Post([this] {
    SwapInKeys();
    const std::string outcome = ReloadConfiguration();
    ReturnFreedMemory();
    writer_->Post([entry = store::AuditEntry{real_clock_.Now(), "system", "config.reload", "SIGHUP",
                                             outcome}](store::Database& db) {
      store::AppendAudit(db, entry);
    });
    boost::asio::post(io_, [this, outcome] {
      if (health_) health_->Reloaded(outcome);
      if (sweeper_) sweeper_->Kick();  // deadlines of the new calendars, at once
    });
  });
}

std::string Daemon::ReloadConfiguration() {
  std::vector<std::string> said = {"keys reloaded"};
  config::SharedSchedule schedule = schedules_.Get();  // stays unless the new files load
  auto loaded = config::LoadSchedule(config_);
  if (auto* err = std::get_if<std::string>(&loaded)) {
    spdlog::error("reload: organisation and calendars not reloaded, the previous stay: {}", *err);
    said.push_back("organisation and calendars kept: " + *err);
  } else {
    schedule = std::get<config::SharedSchedule>(std::move(loaded));
    said.push_back("organisation and calendars reloaded");
  }
  config::SharedEscalation escalation = escalation_.Get();
  if (!config_.escalation_file.empty()) {
    auto prepared = config::LoadEscalationFor(config_, schedule ? &schedule->tree : nullptr,
                                              schedule ? &schedule->calendars : nullptr,
                                              schedule ? &schedule->requirements : nullptr);
    if (auto* err = std::get_if<config::LoadError>(&prepared)) {
      spdlog::error("reload: escalation not reloaded, the previous stays: {}", err->ToString());
      said.push_back("escalation kept: " + err->ToString());
      // The setup in force names units: a new tree without them cannot come in either.
      if (schedule != schedules_.Get() && escalation && schedule &&
          std::holds_alternative<config::LoadError>(
              config::PrepareEscalation(escalation->settings, schedule->tree, config_.time_zone))) {
        schedule = schedules_.Get();
        said[1] = "organisation and calendars kept: they do not fit the escalation in force";
        spdlog::error("reload: {}", said[1]);
      }
    } else {
      escalation = std::get<config::SharedEscalation>(std::move(prepared));
      for (const std::string& w : escalation->warnings) spdlog::warn("escalation: {}", w);
      said.push_back("escalation reloaded");
    }
  }
  schedules_.Set(schedule);
  if (escalation != escalation_.Get()) {
    escalation_.Set(escalation);
    // New gateways and credentials for the next sends (io thread owns the worker).
    boost::asio::post(io_, [this, escalation] {
      if (outbox_worker_)
        outbox_worker_->ReplaceChannel(config::MakeDispatcher(escalation->settings, clock_));
    });
  }
  std::string outcome;
  for (const std::string& part : said) outcome += (outcome.empty() ? "" : "; ") + part;
  spdlog::info("reload: {}", outcome);
  return outcome;
}

// Protected incident text is sealed at rest under store.text_key (store/text_seal.h),
// made at the first start. Without the key that text cannot be read: it goes with the
// backups, apart from them.
void Daemon::UseTextKey(const std::string& database_path) {
  const std::string key_path = config_.DataPath(config_.text_key_file);
  const bool existed = std::filesystem::exists(key_path);
  auto keys = store::LoadTextKeys(key_path);
  if (auto* err = std::get_if<std::string>(&keys)) throw std::runtime_error(*err);
  if (!existed) spdlog::info("generated {}: it seals protected incident text", key_path);
  store::RegisterTextKeys(database_path, std::get<store::TextKeys>(keys));
}

void Daemon::StopForDamage(const std::string& problems) {
  if (exit_code_ != 0) return;
  exit_code_ = kExitDatabaseDamaged;
  spdlog::critical(
      "pingand stops with exit status {}: the database {} is damaged ({}). Reports are no "
      "longer acknowledged; the agents keep them and resend. Keep the damaged file, restore "
      "the last backup (pinganctl restore, docs/operations.md), then start pingand again.",
      kExitDatabaseDamaged, reads_.path(), core::LogSafe(problems, 400));
  Stop();
}

void Daemon::Stop() {
  boost::asio::post(io_, [this] {
    if (stopping_) return;
    stopping_ = true;
    if (health_) {
      health_->BeginStop(exit_code_ == kExitDatabaseDamaged
                             ? "database damaged: stopped, restore the last backup"
                             : "");
    }
    if (heartbeat_) heartbeat_->Stop();
    // Stop taking reports, let the writer commit what it holds, send those acks, then
    // close: a report committed but never acked would come back as DUPLICATE.
    if (report_server_) report_server_->StopReceiving();
    if (sweeper_) sweeper_->Stop();
    if (escalation_runner_) escalation_runner_->Stop();
    if (outbox_worker_) outbox_worker_->Stop();
    if (roster_gaps_) roster_gaps_->Stop();
    if (text_retention_) text_retention_->Stop();
    const size_t queued = writer_ ? writer_->QueueDepth() : 0;
    spdlog::info("stopping: no new reports; {} queued reports are committed and acked first",
                 queued);
    const core::Millis timeout = std::chrono::seconds{config_.monitoring.stop_timeout_seconds};
    stop_deadline_ = std::make_unique<boost::asio::steady_timer>(io_, timeout);
    stop_deadline_->async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      spdlog::warn(
          "stopping: the store did not finish within {} s; {} reports stay unacked "
          "(their agents resend them)",
          config_.monitoring.stop_timeout_seconds, writer_ ? writer_->QueueDepth() : 0);
      FinishStop();
    });
    if (!writer_) return FinishStop();
    // Posted after the last batch's acks (the writer posts in order).
    writer_->WhenIdle([this] { boost::asio::post(io_, [this] { FinishStop(); }); });
  });
}

void Daemon::FinishStop() {
  if (stopped_) return;
  stopped_ = true;
  if (stop_deadline_) stop_deadline_->cancel();
  // The acks just sent may still sit in the socket's queues: closing waits for them.
  if (report_server_) report_server_->LingerOnClose(kAckLinger);
  io_.stop();
}

nlohmann::json Daemon::IngestStats() const {
  const ingest::ReportServerStats s = report_server_->stats();
  nlohmann::json by_reason = nlohmann::json::object();
  for (const auto& [reason, n] : s.rejected_by_reason)
    by_reason[core::RejectReasonName(reason)] = n;
  nlohmann::json out{{"received", s.received},
                     {"stored", s.stored},
                     {"duplicates", s.duplicates},
                     {"rejected", s.rejected},
                     {"rejected_by_reason", std::move(by_reason)},
                     {"store_failures", s.store_failures},
                     {"unroutable_acks", s.unroutable_acks},
                     {"log_lines_suppressed", s.log_lines_suppressed}};
  if (zap_) {
    const ingest::ZapStats z = zap_->stats();
    out["handshakes"] = {{"accepted", z.accepted},
                         {"denied_unknown_key", z.denied_unknown_key},
                         {"denied_mechanism", z.denied_mechanism},
                         {"malformed_requests", z.malformed_requests},
                         {"log_lines_suppressed", z.log_lines_suppressed}};
  }
  return out;
}

void Daemon::StartDutyServices() {
  exemption_service_ =
      std::make_unique<services::ExemptionService>(services::ExemptionServiceContext{
          clock_, reads_, *writer_, schedules_, [this](const jobs::ExemptionApplied& done) {
            // Writer thread, after the commit: boards refetch (the change is visible now),
            // the resolved alerts update, and their "resolved" notices go out.
            boost::asio::post(io_, [this, ids = done.resolved_alert_ids] {
              if (escalation_runner_ && !ids.empty()) escalation_runner_->Kick();
              if (!http_api_) return;
              http_api_->events().Publish("ledger.updated", "", nlohmann::json::object());
              http_api_->PublishAlerts("alert.updated", ids);
            });
          }});
  services::RegisterExemptionCommands(*control_, *exemption_service_);
  handover_service_ = std::make_unique<services::HandoverService>(services::HandoverServiceContext{
      clock_, reads_, *writer_, [this](const std::string& id) {
        // Writer thread, after the commit: duty pages refetch.
        boost::asio::post(io_, [this, id] {
          if (http_api_) http_api_->events().Publish("handover.updated", "", {{"id", id}});
        });
      }});
  services::RegisterHandoverCommands(*control_, *handover_service_);
  stats_service_ = std::make_unique<services::StatsService>(
      services::StatsServiceContext{clock_, reads_, schedules_});
  services::RegisterStatsCommands(*control_, *stats_service_);
}

services::IoFigures Daemon::GatherIoFigures() const {
  services::IoFigures f;
  f.ingest = report_server_->stats();
  if (zap_) f.zap = zap_->stats();
  if (http_api_) {
    f.http_connections = http_api_->open_connections();
    f.event_streams = http_api_->events().subscribers();
  }
  f.writer_queue = writer_->QueueDepth();
  f.checkpoints = writer_->checkpoints();
  f.curve_memory = wire::CurveMemoryFigures();
  return f;
}

}  // namespace pingan::app
