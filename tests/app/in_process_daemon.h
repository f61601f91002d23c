// InProcessDaemon: a whole pingand (app::Daemon) on its own thread in the test process,
// on loopback ports the system picks, with a duty officer's API token: for tests that
// need the daemon's own clocks or timings injected (DaemonOptions), which a separate
// process cannot take. Control() talks to its control socket, Get() to its HTTP API.
// Waits are for conditions (Eventually, bounded), never for time.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "daemon/app/daemon.h"
#include "daemon/ctl/control_client.h"
#include "tests/integration/http_client.h"

namespace pingan::testing {

// Spins (briefly sleeping) until `done()`; false after a generous bound, so a broken
// daemon fails the test instead of hanging it.
template <class F>
bool Eventually(F done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
  }
  return true;
}

class InProcessDaemon {
 public:
  // The embedded default with loopback listeners, plain-text ingest, quiet logs.
  static config::DaemonConfig TestConfig(const std::string& data_dir) {
    config::DaemonConfig config = config::DefaultConfig();
    config.data_dir = data_dir;
    config.listen = "tcp://127.0.0.1:*";
    config.http.listen = "127.0.0.1:0";
    config.log_level = "warn";
    return config;
  }

  ~InProcessDaemon() {
    if (!daemon_) return;
    daemon_->Stop();
    loop_.join();
  }

  void Start(const config::DaemonConfig& config, const core::Clock& clock,
             app::DaemonOptions options) {
    options.insecure_dev = true;
    daemon_ = std::make_unique<app::Daemon>(config, clock, options);
    daemon_->Start();
    loop_ = std::thread([this] { daemon_->Run(); });
    token_ = Control("tokens.create", {{"label", "t"}, {"role", "duty_officer"}})["result"].value(
        "token", "");
  }

  nlohmann::json Control(const std::string& command, const nlohmann::json& args) {
    return ctl::ControlRequest(daemon_->control_socket_path(), command, args);
  }
  HttpAnswer Get(const std::string& target) {
    return HttpCall(daemon_->http_api()->port(), boost::beast::http::verb::get, target, "",
                    {{"Authorization", "Bearer " + token_}});
  }
  // The codes of the consoles' system warnings (empty when the request failed).
  std::set<std::string> WarningCodes() {
    const HttpAnswer a = Get("/api/v1/system/warnings");
    std::set<std::string> codes;
    if (a.status != 200) return codes;
    const nlohmann::json answer = nlohmann::json::parse(a.body);
    for (const auto& w : answer["warnings"]) codes.insert(w["code"].get<std::string>());
    return codes;
  }

 private:
  std::unique_ptr<app::Daemon> daemon_;
  std::thread loop_;
  std::string token_;
};

}  // namespace pingan::testing
