#include "daemon/app/http_api.h"

#include <spdlog/spdlog.h>

#include <SQLiteCpp/Transaction.h>

#include "daemon/console/web_assets.h"
#include "daemon/store/database.h"

namespace pingan::app {
namespace {

using nlohmann::json;

int StatusFor(const std::string& code) {
  if (code == "not_found") return 404;
  if (code == "bad_request") return 400;
  if (code == "refused") return 409;
  if (code == "no_schedule") return 503;
  return 500;
}

std::string Arg(const json& args, const char* key, bool required) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) {
    if (required) throw ControlError("bad_request", std::string("'") + key + "' is required");
    return "";
  }
  if (!it->is_string()) throw ControlError("bad_request", std::string("'") + key + "' is text");
  return it->get<std::string>();
}

json Done(const std::optional<std::string>& error, json result) {
  if (error) throw ControlError("refused", *error);
  return result;
}

}  // namespace

console::AuthOptions AuthOptionsFrom(const HttpSettings& http) {
  console::AuthOptions o;
  o.idle_timeout = std::chrono::minutes{http.session_idle_minutes};
  o.absolute_timeout = std::chrono::hours{http.session_absolute_hours};
  o.throttle.free_failures = http.login_free_failures;
  o.throttle.base_lockout = std::chrono::seconds{http.login_lockout_seconds};
  o.throttle.max_lockout = std::chrono::minutes{http.login_max_lockout_minutes};
  return o;
}

console::ApiBackend MakeApiBackend(const ControlServer& control, const ScheduleSource& schedules,
                                   const std::string& database_path) {
  console::ApiBackend backend;
  backend.command = [&control](const std::string& command, const json& args) {
    const json answer = control.Dispatch(json{{"command", command}, {"args", args}}.dump());
    if (answer.value("ok", false)) return answer["result"];
    const json& error = answer["error"];
    const std::string code = error.value("code", "internal");
    throw console::ApiError(StatusFor(code), code, error.value("message", ""));
  };
  backend.in_subtree = [&schedules](const std::string& unit, const std::string& scope) {
    SharedSchedule bundle = schedules.Get();
    return bundle != nullptr && !unit.empty() && bundle->tree.IsInSubtree(unit, scope);
  };
  backend.database_path = database_path;
  return backend;
}

void RegisterUserCommands(ControlServer& control, console::AuthService& auth) {
  control.Register("users.add", [&auth](const json& args) {
    const std::string name = Arg(args, "name", true);
    return Done(auth.AddUser(name, Arg(args, "role", true), Arg(args, "scope", false),
                             Arg(args, "password", true)),
                {{"added", name}});
  });
  control.Register("users.passwd", [&auth](const json& args) {
    const std::string name = Arg(args, "name", true);
    return Done(auth.SetPassword(name, Arg(args, "password", true)), {{"changed", name}});
  });
  control.Register("users.disable", [&auth](const json& args) {
    const std::string name = Arg(args, "name", true);
    return Done(auth.DisableUser(name), {{"disabled", name}});
  });
  control.Register("tokens.create", [&auth](const json& args) {
    const std::string label = Arg(args, "label", true);
    auto made = auth.CreateToken(label, Arg(args, "role", true), Arg(args, "scope", false));
    if (made.index() == 1) throw ControlError("refused", std::get<1>(made));
    return json{{"label", label}, {"token", std::get<0>(made)}};
  });
}

HttpApi::HttpApi(boost::asio::io_context& io, const DaemonConfig& config, const core::Clock& clock,
                 store::StoreWriter& writer, ControlServer& control,
                 const ScheduleSource& schedules)
    : auth_(clock, AuthOptionsFrom(config.http),
            [&writer](console::AuthService::Job job) {
              // Each change in its own transaction on the writer thread.
              writer.Post([job = std::move(job)](store::Database& db) {
                SQLite::Transaction tx(db.sql());
                job(db);
                tx.commit();
              });
            }),
      // Ids start at the start time so that a page still holding ids of an earlier run
      // is told to reload instead of being replayed the wrong events.
      events_(
          1000,
          static_cast<uint64_t>(core::ToUnixMillis(
              std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now())))),
      backend_(MakeApiBackend(control, schedules, config.DataPath(config.database))),
      heartbeat_(io),
      router_(auth_) {
  const std::string database_path = config.DataPath(config.database);
  {
    store::Database db(database_path, store::OpenMode::kReadOnly);
    auth_.Load(db.sql());
  }
  backend_.on_alert_changed = [this](const std::string& event, const std::string& id) {
    PublishAlert(event, id);
  };
  console::RegisterApiRoutes(router_, auth_, backend_);
  console::RegisterEventRoute(router_, events_, backend_.in_subtree);
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
  server_ = std::make_unique<console::HttpServer>(io, router_, options);
  try {
    server_->Start();
    spdlog::info("HTTP API on http://{}:{}/api/v1", options.address, server_->port());
  } catch (const std::exception& e) {
    spdlog::error("{}; continuing without the HTTP API", e.what());
    server_.reset();
  }
}

HttpApi::~HttpApi() {
  heartbeat_.cancel();
}

void HttpApi::Heartbeat() {
  events_.Heartbeat();
  heartbeat_.expires_after(std::chrono::seconds{15});
  heartbeat_.async_wait([this](boost::system::error_code ec) {
    if (!ec) Heartbeat();
  });
}

void HttpApi::PublishAlert(const std::string& name, const std::string& alert_id) {
  json alert;
  try {
    alert = backend_.command("alert.show", {{"id", alert_id}});
  } catch (const std::exception& e) {
    spdlog::warn("events: alert {} not published: {}", alert_id, e.what());
    return;
  }
  const std::string school = alert.value("school_id", "");
  events_.Publish(name, school,
                  {{"id", alert_id},
                   {"kind", alert.value("kind", "")},
                   {"state", alert.value("state", "")},
                   {"severity", alert.value("severity", json())},
                   {"school_id", school},
                   {"school_name", alert.value("school_name", "")}});
}

}  // namespace pingan::app
