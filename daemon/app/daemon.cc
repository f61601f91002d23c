#include "daemon/app/daemon.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <filesystem>

#include "daemon/app/file_limit.h"
#include "daemon/app/ops_routes.h"
#include "daemon/app/run_on_io.h"
#include "daemon/config/schedule_loader.h"
#include "daemon/config/school_import.h"
#include "daemon/console/connection_limits.h"
#include "daemon/ingest/curve_keys.h"
#include "daemon/jobs/ledger_recorder.h"
#include "daemon/services/admin_commands.h"
#include "daemon/services/alert_commands.h"
#include "daemon/services/board_commands.h"
#include "daemon/services/control_handlers.h"
#include "daemon/services/duty_commands.h"
#include "daemon/services/incident_commands.h"
#include "daemon/services/school_commands.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/text_seal.h"

namespace pingan::app {

Daemon::Daemon(config::DaemonConfig config, const core::Clock& clock, DaemonOptions options)
    : config_(std::move(config)), clock_(clock), options_(options), zmq_context_(1) {}

Daemon::~Daemon() {
  // The writer first: it finishes queued work, whose completions are posted to the
  // (no longer running) io_context and dropped; then the parts those jobs referenced.
  if (writer_) writer_->Stop();
  sweeper_.reset();
  health_.reset();
  text_retention_.reset();
  escalation_runner_.reset();
  outbox_worker_.reset();  // joins its pool (sends are bounded by channel timeouts)
  http_api_.reset();       // joins the pools: no check runs any more
  store_check_.reset();
  control_.reset();
  roster_gaps_.reset();
  report_server_.reset();
  zap_.reset();
}

std::string Daemon::control_socket_path() const {
  return std::filesystem::absolute(config_.DataPath("control.sock")).string();
}

std::string Daemon::LoadServerSecretKey() {
  const std::string path = config_.DataPath(config_.server_key_file);
  if (!std::filesystem::exists(path) && config_.generate_server_key) {
    const std::string base = path.ends_with(".key") ? path.substr(0, path.size() - 4) : path;
    auto written = wire::WriteKeyPair(base, wire::GenerateCurveKeyPair());
    if (auto* err = std::get_if<wire::KeyError>(&written)) throw std::runtime_error(err->message);
    spdlog::info("generated the daemon's CURVE keypair: {} (give {}.pub to the agents)", path,
                 base);
  }
  auto keys = wire::ReadSecretKeyFile(path);
  if (auto* err = std::get_if<wire::KeyError>(&keys)) throw std::runtime_error(err->message);
  const wire::CurveKeyPair& pair = std::get<wire::CurveKeyPair>(keys);
  RestorePublicKeyFile(path, pair.public_z85);
  return pair.secret_z85;
}

// The agents' copy of the daemon's public key. A daemon stopped between writing the
// key pair's two files (SIGKILL during the very first start) left no .pub; it is
// written again from the secret key file, which carries the public key too.
void Daemon::RestorePublicKeyFile(const std::string& key_path, const std::string& public_z85) {
  if (!key_path.ends_with(".key")) return;
  const std::string pub = key_path.substr(0, key_path.size() - 4) + ".pub";
  if (std::filesystem::exists(pub)) return;
  if (auto err = wire::WritePublicKeyFile(pub, public_z85)) {
    spdlog::error("{}: {} (give the agents the public key from {})", pub, err->message, key_path);
    return;
  }
  spdlog::warn("{} was missing; written again from {}", pub, key_path);
}

std::string Daemon::Start() {
  std::filesystem::create_directories(config_.data_dir);
  // Before the store is opened or migrated and before control.sock is replaced.
  data_dir_lock_ = std::make_unique<store::DataDirLock>(config_.data_dir);
  // Load the organisation and calendars first: a bad file stops the start, before any
  // socket is open.
  auto loaded = config::LoadSchedule(config_);
  if (auto* err = std::get_if<std::string>(&loaded)) throw std::runtime_error(*err);
  schedules_.Set(std::get<config::SharedSchedule>(std::move(loaded)));
  LoadEscalation();  // likewise: a bad escalation file stops the start

  store::StoreWriterOptions store_options;
  store_options.database_path = config_.DataPath(config_.database);
  UseTextKey(store_options.database_path);  // before the first connection opens the file
  store_options.max_batch = config_.max_batch;
  store_options.text_retention = std::chrono::hours{24 * config_.incident_text_retention_days};
  store_options.on_batch_timed = [metrics = metrics_](size_t reports, double seconds) {
    metrics->ObserveCommit(reports, seconds);
  };
  store_options.on_damage = [this](const std::string& what) {
    boost::asio::post(io_, [this, what] {
      if (health_) health_->StoreChecked(reads_.path(), what, 0);
      StopForDamage(what);
    });
  };
  writer_ = std::make_unique<store::StoreWriter>(
      store_options, [this](std::vector<store::WriteOutcome> outcomes) {
        boost::asio::post(io_, [this, outcomes = std::move(outcomes)] {
          if (report_server_) report_server_->OnCommitted(outcomes);
          const bool arrived =
              std::any_of(outcomes.begin(), outcomes.end(), [](const store::WriteOutcome& o) {
                return o.status == store::WriteStatus::kStored ||
                       o.status == store::WriteStatus::kDuplicate;
              });
          if (arrived && health_) health_->ReportsArrived();
          // The console's board counts changed: pages refetch it. Events naming no
          // school reach every stream, leaders' too: they carry no organisation-wide
          // counts (a leader sees figures of their subtree only).
          metrics_->AlertsOpened("incident",
                                 static_cast<size_t>(std::count_if(
                                     outcomes.begin(), outcomes.end(),
                                     [](const store::WriteOutcome& o) { return o.new_incident; })));
          if (http_api_ && !outcomes.empty()) {
            http_api_->LedgerUpdatedByIntake();
            http_api_->PublishNewIncidents(outcomes);
          }
        });
      });
  writer_->AddObserver(std::make_shared<jobs::LedgerRecorder>(schedules_, &ledger_tally_));
  writer_->Post([](store::Database& db) {
    if (const int64_t sealed = store::ResealTexts(db); sealed > 0)
      spdlog::warn("sealed {} protected incident texts under the current text key", sealed);
  });
  reads_ = store::ReadPool(store_options.database_path);  // the writer created the file
  ResumeDrillClock();
  StartIngest();
  StartSchedule();
  StartEscalation();
  StartControl();
  http_api_ = std::make_unique<HttpApi>(
      io_, config_, clock_, *writer_, *control_, schedules_, reads_, &clock_,
      ApiServices{overview_.get(), alert_service_.get(), incident_service_.get(),
                  exemption_service_.get(), stats_service_.get(), handover_service_.get(),
                  status_.get(), schools_.get(), duty_.get(), admin_.get(), clock_service_.get()});
  StartRosterGapWatch();
  text_retention_ = std::make_unique<jobs::TextRetention>(io_, *writer_, clock_);
  text_retention_->Start();
  StartServiceHealth();
  ReturnFreedMemory();
  return endpoint_;
}

void Daemon::ResumeDrillClock() {
  if (options_.drill == nullptr) return;
  // A drill restarted with the same --start continues where the sweep had got to, so
  // that simulated time never runs backwards over decided deadlines.
  const auto position = store::LedgerRepository(reads_.Acquire()).GetState(jobs::kSweepPositionKey);
  if (!position) return;
  const core::Instant last = core::FromUnixMillis(std::stoll(*position));
  const core::Instant now = options_.drill->Now();
  if (last > now) {
    options_.drill->Advance(last - now);
    spdlog::warn("drill clock resumed at the last swept time");
  }
}

void Daemon::StartIngest() {
  ingest::ReportServerOptions server_options;
  server_options.endpoint = config_.listen;
  server_options.insecure_dev = options_.insecure_dev;
  server_options.backlog = config_.backlog;
  // Half the descriptors at most, as for HTTP: together they leave a reserve for the
  // store, the control socket and libzmq's own.
  server_options.max_connections =
      console::ConnectionBudget(OpenFileLimit(), config_.max_connections);
  spdlog::info("report port: at most {} connections", server_options.max_connections);
  server_options.max_pending = config_.max_pending;
  server_options.limits = config_.limits;
  server_options.per_school_rate = config_.per_school_rate;
  if (!options_.insecure_dev) {
    server_options.curve_secret_key = LoadServerSecretKey();
    // Refusals are paced on real time: a fast drill clock must not open the log.
    zap_ = std::make_unique<ingest::ZapAuthenticator>(io_, zmq_context_, real_clock_);
    ingest::ZapAuthenticator::KeyTable keys = *ReadKeyTable(/*at_start=*/true);
    zap_->SwapKeyTable(keys);
    zap_->Bind();
  } else {
    spdlog::warn(
        "INSECURE DEVELOPMENT MODE: no encryption, no authentication; any client "
        "may claim any school. Never use this outside a local experiment.");
  }
  report_server_ = std::make_unique<ingest::ReportServer>(io_, zmq_context_, *writer_, clock_,
                                                          real_clock_, std::move(server_options));
  endpoint_ = report_server_->Bind(zap_.get());
  spdlog::info("pingand listening on {} ({})", endpoint_,
               options_.insecure_dev ? "plain text" : "CURVE");
}

void Daemon::StartSchedule() {
  if (options_.watch_clock_steps) {
    const config::MonitoringSettings& m = config_.monitoring;
    core::ClockStepSettings settings{.threshold = std::chrono::seconds{m.clock_step_seconds}};
    settings.settle = std::nullopt;
    if (m.clock_settle_minutes > 0) settings.settle = std::chrono::minutes{m.clock_settle_minutes};
    sweep_clock_ = std::make_unique<StepGuardedClock>(clock_, settings, options_.monotonic,
                                                      [this](const core::ClockStep& step) {
                                                        boost::asio::post(io_, [this, step] {
                                                          if (health_) health_->ClockStepped(step);
                                                        });
                                                      });
  }
  sweeper_ = std::make_unique<jobs::DeadlineSweeper>(
      io_, *writer_, sweep_clock_ ? *sweep_clock_ : clock_, schedules_, options_.sweep_tick,
      escalation_,
      [this](const jobs::SweepOutcome& o) {
        if (health_) health_->SweepCompleted(o);
        metrics_->ObserveSweep(o.seconds);
        metrics_->AlertsOpened("missing", static_cast<size_t>(o.missing));
        PublishSweep(o);
        if (o.first_run) spdlog::info("deadline sweep starts from now");
        if (o.windows > 0 || o.reminders > 0) {
          spdlog::info(
              "deadline sweep: {} deadlines passed, {} schools missing, {} excused, "
              "{} reminders queued",
              o.windows, o.missing, o.excused, o.reminders);
        }
        if (o.schools_without_contact > 0) {
          spdlog::warn("{} schools owed a reminder but have no reachable duty contact",
                       o.schools_without_contact);
        }
      },
      &ledger_tally_);
  sweeper_->Start();
}

void Daemon::LoadEscalation() {
  if (config_.escalation_file.empty()) {
    spdlog::info(
        "no escalation configured (escalation.file): alerts are only shown, no notification "
        "is sent");
    return;
  }
  const config::SharedSchedule bundle = schedules_.Get();
  auto prepared = config::LoadEscalationFor(config_, bundle ? &bundle->tree : nullptr,
                                            bundle ? &bundle->calendars : nullptr,
                                            bundle ? &bundle->requirements : nullptr);
  if (auto* err = std::get_if<config::LoadError>(&prepared))
    throw std::runtime_error(err->ToString());
  const config::SharedEscalation setup = std::get<config::SharedEscalation>(std::move(prepared));
  for (const std::string& w : setup->warnings) spdlog::warn("escalation: {}", w);
  escalation_.Set(setup);
}

void Daemon::StartEscalation() {
  if (!escalation_) return;
  outbox_worker_ = std::make_unique<jobs::OutboxWorker>(
      io_, *writer_, clock_, schedules_, config::MakeDispatcher(escalation_->settings, clock_),
      escalation_);
  outbox_worker_->set_attempt_observer(
      [metrics = metrics_](const std::string& channel, const char* result) {
        metrics->NotificationAttempt(channel, result);
      });
  escalation_runner_ = std::make_unique<jobs::EscalationRunner>(
      io_, *writer_, clock_, schedules_, escalation_, [this](const jobs::EscalationRunOutcome& o) {
        for (const std::string& w : o.warnings) spdlog::warn("escalation: {}", w);
        if (o.advanced > 0 || o.queued > 0) {
          spdlog::info("escalation: {} alerts advanced, {} notifications, {} messages queued",
                       o.advanced, o.notifications, o.queued);
        }
        if (o.queued > 0 && outbox_worker_) outbox_worker_->Poke();
        if (o.advanced > 0 && http_api_) {
          // No count: every stream, leaders' included, gets this event.
          http_api_->events().Publish("alert.updated", "", nlohmann::json::object());
        }
      });
  spdlog::info("escalation: {} policies, {} rosters, {} delivery workers",
               escalation_->settings.policies.policies.size(), escalation_->rosters.size(),
               escalation_->settings.delivery.workers);
  outbox_worker_->Start();
  escalation_runner_->Start();
}

void Daemon::StartControl() {
  control_ = std::make_unique<services::ControlServer>(io_, zmq_context_);
  // Commands run on the read pool; the parts that live on the io thread are reached
  // through RunOnIo.
  auto ingest_stats = [this] { return RunOnIo(io_, [this] { return IngestStats(); }); };
  auto on_clock_moved = [this] {
    RunOnIo(io_, [this] {
      sweeper_->Kick();
      // After the sweep (writer jobs run in order): new alerts, due steps.
      if (escalation_runner_) escalation_runner_->Kick();
      if (outbox_worker_) outbox_worker_->Poke();
    });
  };
  const services::ControlContext daemon_itself{clock_,       options_.drill, schedules_, reads_,
                                               ingest_stats, on_clock_moved, escalation_};
  status_ = std::make_unique<services::StatusService>(daemon_itself);
  services::RegisterControlHandlers(*control_, *status_);
  clock_service_ = std::make_unique<services::ClockService>(daemon_itself);
  services::RegisterClockCommand(*control_, *clock_service_);
  alert_service_ = std::make_unique<services::AlertService>(
      services::AlertCommandContext{clock_, reads_, *writer_, schedules_, escalation_});
  services::RegisterAlertCommands(*control_, *alert_service_);
  const services::ConsoleQueryContext queries{clock_, schedules_, reads_, escalation_};
  overview_ = std::make_unique<services::OverviewService>(queries);
  services::RegisterBoardCommands(*control_, *overview_);
  schools_ = std::make_unique<services::SchoolService>(queries);
  services::RegisterSchoolCommands(*control_, *schools_);
  duty_ = std::make_unique<services::DutyService>(queries);
  services::RegisterDutyCommands(*control_, *duty_);
  incident_service_ = std::make_unique<services::IncidentService>(services::IncidentServiceContext{
      clock_, reads_, *writer_, schedules_,
      std::chrono::hours{24 * config_.incident_text_retention_days}});
  services::RegisterIncidentCommands(*control_, *incident_service_);
  StartDutyServices();
  // Users list, school keys, school import, ledger export (admin_commands.h).
  admin_ = std::make_unique<services::AdminService>(services::AdminCommandContext{
      clock_, real_clock_, reads_, *writer_, schedules_, config_.DataPath(config_.school_keys),
      config_.DataPath(config::kImportedSchoolsFile),
      [this] { RunOnIo(io_, [this] { ReloadKeys(); }); }, services::BackupSourcesOf(config_)});
  services::RegisterAdminCommands(*control_, *admin_);
  control_->Bind(control_socket_path());
}

void Daemon::StartRosterGapWatch() {
  if (!escalation_) return;
  // Holes in the rosters during holidays and major events, while there is time to fill
  // them: logged now and once a day.
  roster_gaps_ = std::make_unique<services::RosterGapWatch>(
      io_, services::RosterCommandContext{clock_, schedules_, escalation_},
      [](const std::string& line) { spdlog::warn("{}", line); });
  roster_gaps_->Start();
}

void Daemon::PublishSweep(const jobs::SweepOutcome& o) {
  if (!http_api_) return;
  // One read for all new alerts; many of them become one bulk event (kBulkAlertEvents).
  http_api_->PublishAlerts("alert.opened", o.new_alert_ids);
  // No count of windows: every stream, leaders' included, gets this event.
  if (o.windows > 0) http_api_->events().Publish("ledger.updated", "", nlohmann::json::object());
}

void Daemon::ReloadKeys() {
  SwapInKeys();
  ReturnFreedMemory();
}

void Daemon::SwapInKeys() {
  if (!zap_) return;
  auto table = ReadKeyTable(/*at_start=*/false);
  if (!table) return;
  auto shared = std::make_shared<ingest::ZapAuthenticator::KeyTable>(std::move(*table));
  // The previous set comes back in `shared` and is freed here, off the io thread.
  RunOnIo(io_, [this, shared] { zap_->SwapKeyTable(*shared); });
}

void Daemon::ReturnFreedMemory() {
  ::malloc_trim(0);
}

std::optional<ingest::ZapAuthenticator::KeyTable> Daemon::ReadKeyTable(bool at_start) {
  const std::string source = config_.DataPath(config_.school_keys);
  if (!std::filesystem::exists(source)) {
    spdlog::warn("school key source {} does not exist: no school can connect", source);
    return ingest::ZapAuthenticator::KeyTable{};
  }
  std::vector<wire::KeyError> skipped;
  auto keys = wire::LoadUsableSchoolKeys(source, &skipped);
  // A bad entry costs its own school only; the others keep connecting.
  for (const wire::KeyError& bad : skipped) spdlog::error("school key skipped: {}", bad.message);
  if (auto* err = std::get_if<wire::KeyError>(&keys)) {
    // Keep the previous set. At start there is none: say so and stop. Later (SIGHUP,
    // a key command) the daemon must go on serving the schools it knows.
    if (at_start) throw std::runtime_error(err->message);
    spdlog::error("school keys not reloaded, the previous set stays: {}", err->message);
    return std::nullopt;
  }
  return ingest::ZapAuthenticator::BuildKeyTable(std::get<wire::SchoolKeys>(keys));
}

void Daemon::Run() {
  io_.run();
}

}  // namespace pingan::app
