#include "daemon/app/http_api.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <map>
#include <tuple>

#include "daemon/app/file_limit.h"
#include "daemon/console/web_assets.h"
#include "daemon/core/alert.h"
#include "daemon/services/admin_json.h"
#include "daemon/services/alert_json.h"
#include "daemon/services/incident_json.h"
#include "daemon/services/incident_service.h"
#include "daemon/services/query_support.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"
#include "daemon/store/write_transaction.h"

namespace pingan::app {
namespace {

using nlohmann::json;

// One "alerts.opened" per (kind, requirement, window) of `alerts`; its schools are the
// leaders' filter and stay out of the data.
void PublishOpenedInBulk(console::EventHub& events, const std::vector<core::Alert>& alerts) {
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::string>> groups;
  for (const core::Alert& a : alerts) {
    groups[{std::string(core::AlertKindName(a.kind)), a.requirement_id, a.window_id}].push_back(
        a.school_id);
  }
  for (auto& [group, schools] : groups) {
    const auto& [kind, requirement, window] = group;
    events.PublishBulk("alerts.opened", std::move(schools),
                       {{"kind", kind}, {"requirement_id", requirement}, {"window_id", window}});
  }
}

// The HTTPS context of http.tls_cert / http.tls_key; null when both are empty. Throws
// naming the key and the file when they cannot serve (the config loader checked them
// already; this catches files changed since). Never falls back to plain HTTP.
console::TlsContextPtr TlsContextFrom(const config::DaemonConfig& config) {
  const config::HttpSettings& http = config.http;
  if (http.tls_cert_file.empty() && http.tls_key_file.empty()) return nullptr;
  if (http.tls_cert_file.empty() || http.tls_key_file.empty()) {
    throw std::runtime_error("http.tls_cert and http.tls_key: set both or neither");
  }
  auto loaded = console::LoadTlsContext(config.ConfigPath(http.tls_cert_file),
                                        config.ConfigPath(http.tls_key_file));
  if (auto* err = std::get_if<console::TlsError>(&loaded)) {
    throw std::runtime_error(
        std::string(err->file == console::TlsFile::kCert ? "http.tls_cert: " : "http.tls_key: ") +
        err->message);
  }
  return std::get<console::TlsContextPtr>(std::move(loaded));
}

}  // namespace

console::AuthOptions AuthOptionsFrom(const config::HttpSettings& http) {
  console::AuthOptions o;
  o.idle_timeout = std::chrono::minutes{http.session_idle_minutes};
  o.absolute_timeout = std::chrono::hours{http.session_absolute_hours};
  o.throttle.free_failures = http.login_free_failures;
  o.throttle.base_lockout = std::chrono::seconds{http.login_lockout_seconds};
  o.throttle.max_lockout = std::chrono::minutes{http.login_max_lockout_minutes};
  o.throttle.address_free_failures = http.login_address_free_failures;
  o.throttle.user_failures_per_minute = http.login_user_failures_per_minute;
  o.throttle.max_entries = static_cast<size_t>(http.login_max_tracked);
  return o;
}

api::ApiBackend MakeApiBackend(const config::ScheduleSource& schedules, store::ReadPool reads) {
  api::ApiBackend backend;
  backend.in_subtree = [&schedules](const std::string& unit, const std::string& scope) {
    config::SharedSchedule bundle = schedules.Get();
    return bundle != nullptr && !unit.empty() && bundle->tree.IsInSubtree(unit, scope);
  };
  backend.reads = std::move(reads);
  return backend;
}

void RegisterUserCommands(services::ControlServer& control, console::AuthService& auth) {
  using services::TextArg;
  using services::UserChange;
  auto changed = [](UserChange change, const std::string& name,
                    const std::optional<std::string>& error) {
    services::ThrowIfRefused(error);
    return services::ToJson(services::UserChanged{change, name});
  };
  control.RegisterChange("users.add", [&auth, changed](const json& args) {
    const std::string name = TextArg(args, "name", true);
    return changed(UserChange::kAdded, name,
                   auth.AddUser(name, TextArg(args, "role", true), TextArg(args, "scope"),
                                TextArg(args, "password", true)));
  });
  control.RegisterChange("users.passwd", [&auth, changed](const json& args) {
    const std::string name = TextArg(args, "name", true);
    return changed(UserChange::kPasswordChanged, name,
                   auth.SetPassword(name, TextArg(args, "password", true)));
  });
  control.RegisterChange("users.disable", [&auth, changed](const json& args) {
    const std::string name = TextArg(args, "name", true);
    return changed(UserChange::kDisabled, name, auth.DisableUser(name));
  });
  control.RegisterChange("tokens.create", [&auth](const json& args) {
    const std::string label = TextArg(args, "label", true);
    auto made = auth.CreateToken(label, TextArg(args, "role", true), TextArg(args, "scope"));
    if (made.index() == 1) services::ThrowIfRefused(std::get<1>(made));
    return services::ToJson(services::TokenCreated{label, std::get<0>(made)});
  });
}

HttpApi::HttpApi(boost::asio::io_context& io, const config::DaemonConfig& config,
                 const core::Clock& clock, store::StoreWriter& writer,
                 services::ControlServer& control, const config::ScheduleSource& schedules,
                 store::ReadPool reads, const core::Clock* data_clock, ApiServices typed)
    : io_(io),
      schedules_(schedules),
      data_clock_(data_clock != nullptr ? *data_clock : clock),
      reads_(reads),
      auth_(clock, AuthOptionsFrom(config.http),
            [&writer](console::AuthService::Job job) {
              // Each change in its own transaction on the writer thread.
              writer.Post([job = std::move(job)](store::Database& db) {
                store::WriteTransaction tx(db);
                job(db);
                tx.Commit();
              });
            }),
      // Ids start at the start time so that a page still holding ids of an earlier run
      // is told to reload instead of being replayed the wrong events.
      events_(
          1000,
          static_cast<uint64_t>(core::ToUnixMillis(
              std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now())))),
      backend_(MakeApiBackend(schedules, reads)),
      heartbeat_(io),
      ledger_timer_(io),
      router_(auth_),
      // The console's reads yield to report intake (the io and writer threads).
      read_pool_("http-read", static_cast<size_t>(config.http.read_workers), kReadQueue,
                 console::WorkerPool::Priority::kBelowNormal),
      // One thread that runs only when nothing else wants a core: a flood of logins
      // slows logins, never report intake or the console's reads.
      hash_pool_("http-hash", 1, kHashQueue, console::WorkerPool::Priority::kIdle) {
  executors_.read_pool = [this](console::Executors::Job job) {
    return read_pool_.TryPost(std::move(job));
  };
  executors_.hash_pool = [this](console::Executors::Job job) {
    return hash_pool_.TryPost(std::move(job));
  };
  executors_.io = [&io](console::Executors::Job job) { boost::asio::post(io, std::move(job)); };
  executors_.after_writes = [&writer](console::Executors::Job job) {
    writer.Post([job = std::move(job)](store::Database&) { job(); });
  };
  // First: unusable TLS files stop the start before anything is armed.
  console::TlsContextPtr tls = TlsContextFrom(config);
  {
    auto db = reads_.Acquire();
    store::AuthRepository users(db);
    auth_.Load(users);
  }
  // The hash unknown users are checked against, off the start path.
  hash_pool_.Post([this] { auth_.WarmUp(); });
  // pinganctl's commands run where the API's do; the socket answers one at a time.
  control.SetOffload(executors_.read_pool);
  control.SetAfterWrites(executors_.after_writes);
  backend_.time_zone = config.time_zone;
  backend_.overview = typed.overview;
  backend_.alerts = typed.alerts;
  backend_.incidents = typed.incidents;
  backend_.exemptions = typed.exemptions;
  backend_.stats = typed.stats;
  backend_.handovers = typed.handovers;
  backend_.status = typed.status;
  backend_.schools = typed.schools;
  backend_.duty = typed.duty;
  backend_.admin = typed.admin;
  backend_.clock = typed.clock;
  // Both published once the writer ran the change (its jobs run in order), so that the
  // event carries the new state and moves the data version only after the change is
  // visible: a board computed between the two would otherwise be cached as current.
  backend_.on_alert_changed = [this, &io, &writer](const std::string& event,
                                                   const std::string& id) {
    writer.Post([this, &io, event, id](store::Database&) {
      boost::asio::post(io, [this, event, id] { PublishAlert(event, id); });
    });
  };
  backend_.on_incident_changed = [this, &io, &writer](const std::string& report_id) {
    writer.Post([this, &io, report_id](store::Database&) {
      boost::asio::post(io, [this, report_id] { PublishIncident(report_id); });
    });
  };
  backend_.data_version = [this] { return DataVersion(); };
  api::RegisterApiRoutes(router_, auth_, backend_);
  console::RegisterEventRoute(router_, events_, auth_, backend_.in_subtree, executors_.io);
  console::RegisterWebRoutes(router_);
  RegisterUserCommands(control, auth_);
  Heartbeat();
  if (config.http.listen.empty()) return;
  const auto where = console::ParseListen(config.http.listen);
  if (!where) {
    spdlog::error("http.listen '{}' is not host:port; no HTTP API", config.http.listen);
    return;
  }
  console::HttpServerOptions options;
  options.address = where->first;
  options.port = where->second;
  // The largest route limit (a school list of a whole city, admins only) is the ceiling.
  options.body_limit = 8 * 1024 * 1024;
  options.connections.total =
      console::ConnectionBudget(OpenFileLimit(), static_cast<size_t>(config.http.max_connections));
  options.connections.per_address = static_cast<size_t>(config.http.max_connections_per_address);
  std::string proxy_error;  // checked when the config was parsed
  options.trusted_proxies =
      console::TrustedProxies::Parse(config.http.trusted_proxies, &proxy_error)
          .value_or(console::TrustedProxies{});
  options.tls = std::move(tls);
  options.executors = executors_;
  server_ = std::make_unique<console::HttpServer>(io, router_, options);
  try {
    server_->Start();
    spdlog::info("HTTP API on {}://{}:{}/api/v1 (at most {} connections, {} per address)",
                 options.tls ? "https" : "http", options.address, server_->port(),
                 options.connections.total, options.connections.per_address);
  } catch (const std::exception& e) {
    spdlog::error("{}; continuing without the HTTP API", e.what());
    server_.reset();
  }
}

HttpApi::~HttpApi() {
  heartbeat_.cancel();
  ledger_timer_.cancel();
}

void HttpApi::LedgerUpdatedByIntake() {
  if (ledger_pacer_.Note(std::chrono::steady_clock::now())) {
    events_.Publish("ledger.updated", "", nlohmann::json::object());
  } else {
    ArmLedgerTimer();
  }
}

void HttpApi::ArmLedgerTimer() {
  const auto due = ledger_pacer_.DueAt();
  if (!due || ledger_timer_armed_) return;
  ledger_timer_armed_ = true;
  ledger_timer_.expires_at(*due);
  ledger_timer_.async_wait([this](boost::system::error_code ec) {
    ledger_timer_armed_ = false;
    if (ec) return;  // the API is going away
    if (ledger_pacer_.Fire(std::chrono::steady_clock::now())) {
      events_.Publish("ledger.updated", "", nlohmann::json::object());
    }
    ArmLedgerTimer();  // still owed (woken early): wait again
  });
}

void HttpApi::Heartbeat() {
  events_.Heartbeat();
  heartbeat_.expires_after(std::chrono::seconds{15});
  heartbeat_.async_wait([this](boost::system::error_code ec) {
    if (!ec) Heartbeat();
  });
}

uint64_t HttpApi::DataVersion() {
  std::lock_guard lock(version_mu_);
  const uint64_t event = events_.last_id();
  const config::SharedSchedule schedule = schedules_.Get();
  const int64_t minute =
      std::chrono::floor<std::chrono::minutes>(data_clock_.Now().time_since_epoch()).count();
  if (event != seen_event_ || schedule != seen_schedule_.lock() || minute != seen_minute_) {
    seen_event_ = event;
    seen_schedule_ = schedule;
    seen_minute_ = minute;
    ++data_version_;
  }
  return data_version_;
}

void HttpApi::PublishAlert(const std::string& name, const std::string& alert_id) {
  PublishAlerts(name, {alert_id});
}

void HttpApi::PublishAlerts(const std::string& name, const std::vector<std::string>& alert_ids) {
  if (alert_ids.empty()) return;
  read_pool_.Post([this, name, alert_ids] {
    std::vector<core::Alert> alerts;
    try {
      alerts = store::AlertRepository(reads_.Acquire()).FindMany(alert_ids);
    } catch (const std::exception& e) {
      spdlog::warn("events: {} alerts not published: {}", alert_ids.size(), e.what());
      return;
    }
    if (alerts.size() < alert_ids.size()) {
      spdlog::warn("events: {} of {} alerts not found, not published",
                   alert_ids.size() - alerts.size(), alert_ids.size());
    }
    boost::asio::post(io_,
                      [this, name, alerts = std::move(alerts)] { PublishLoaded(name, alerts); });
  });
}

void HttpApi::PublishLoaded(const std::string& name, const std::vector<core::Alert>& alerts) {
  if (name == "alert.opened" && alerts.size() > kBulkAlertEvents) {
    PublishOpenedInBulk(events_, alerts);
    return;
  }
  const config::SharedSchedule bundle = schedules_.Get();
  for (const core::Alert& a : alerts) {
    events_.Publish(name, a.school_id, services::AlertEventJson(a, bundle.get()));
  }
}

void HttpApi::PublishNewIncidents(const std::vector<store::WriteOutcome>& committed) {
  std::vector<std::string> report_ids;
  for (const store::WriteOutcome& o : committed) {
    if (o.new_incident) report_ids.push_back(o.report_id);
  }
  if (report_ids.empty() || backend_.incidents == nullptr) return;  // all-clears cost nothing
  read_pool_.Post([this, report_ids] {
    std::vector<std::string> alert_ids;
    try {
      for (const store::IncidentRow& row : backend_.incidents->FindMany(report_ids)) {
        if (!row.alert_id.empty()) alert_ids.push_back(row.alert_id);
      }
    } catch (const std::exception& e) {
      spdlog::warn("events: new incidents not published: {}", e.what());
      return;
    }
    boost::asio::post(io_, [this, alert_ids] { PublishAlerts("alert.opened", alert_ids); });
  });
}

void HttpApi::PublishIncident(const std::string& report_id) {
  if (backend_.incidents == nullptr) return;
  read_pool_.Post([this, report_id] {
    json data;
    try {
      data = services::IncidentEventJson(backend_.incidents->Find(report_id));
    } catch (const services::ControlError&) {
      return;  // no such incident
    } catch (const std::exception& e) {
      spdlog::warn("events: incident {} not published: {}", report_id, e.what());
      return;
    }
    boost::asio::post(io_, [this, data = std::move(data)] {
      events_.Publish("incident.updated", data.value("school_id", ""), data);
    });
  });
}

}  // namespace pingan::app
