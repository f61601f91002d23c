// DaemonProcess: runs the real pingand binary for black-box tests, on loopback and a
// temporary data directory. Start waits (bounded) until the daemon has written its
// bound endpoint (Launch and WaitListening are its two halves, for tests that stop it
// during its start); Kill sends a signal and reaps the process. Also helpers to enroll
// schools (keys in the daemon's key directory) and ask the control channel, and a
// log file (set_log_file) that receives the daemon's stderr for tests of its log.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/ctl/control_client.h"
#include "daemon/ingest/curve_keys.h"
#include "tests/fakes/sanitizer_reports.h"

namespace pingan::testing {

class DaemonProcess {
 public:
  explicit DaemonProcess(std::string data_dir) : data_dir_(std::move(data_dir)) {
    std::filesystem::create_directories(std::filesystem::path(data_dir_) / "schools");
  }
  ~DaemonProcess() {
    if (pid_ > 0) Kill(SIGKILL);
    ExpectNoSanitizerReports(SanitizerPrefix());
  }

  // Starts pingand with `extra` arguments; returns the bound endpoint.
  std::string Start(const std::vector<std::string>& extra = {}) {
    Launch(extra);
    return WaitListening();
  }

  // Starts pingand and returns at once (for tests that stop it during its start).
  void Launch(const std::vector<std::string>& extra = {}) {
    std::filesystem::remove(EndpointFile());
    std::vector<std::string> args = {PINGAND_PATH,   "--data-dir",  data_dir_,
                                     "--listen",     listen_,       "--endpoint-file",
                                     EndpointFile(), "--log-level", log_level_};
    // No HTTP API unless a test asks for one (set_http_listen, on a port it found free):
    // test daemons running in parallel must not compete for a fixed port.
    args.insert(args.end(), {"--http-listen", http_listen_});
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      if (file_limit_ > 0) {
        const rlimit limit{file_limit_, file_limit_};
        ::setrlimit(RLIMIT_NOFILE, &limit);
      }
      for (const auto& [name, value] : env_) ::setenv(name.c_str(), value.c_str(), 1);
      RouteSanitizerReports(SanitizerPrefix());
      if (!log_file_.empty()) {
        const int fd = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) ::dup2(fd, STDERR_FILENO);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }

  // Bounded wait (10 s) for the launched daemon to listen (it writes the endpoint file
  // once it does); returns the endpoint. Throws when it exits or does not come up.
  std::string WaitListening() {
    for (int i = 0; i < 1000; ++i) {
      if (std::string endpoint = ListeningEndpoint(); !endpoint.empty()) {
        listen_ = endpoint;  // a restart binds the same port, so agents find it again
        return endpoint;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("pingand exited during start");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("pingand did not start within 10 s");
  }

  // The endpoint the daemon wrote once listening; "" while it is starting.
  std::string ListeningEndpoint() const {
    std::ifstream in(EndpointFile());
    std::string endpoint;
    in >> endpoint;
    return endpoint;
  }

  // Sends `signal` and waits for the process to end; returns its wait status. A
  // sanitizer report the process wrote fails the test.
  int Kill(int signal) {
    if (pid_ <= 0) return 0;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    ExpectNoSanitizerReports(SanitizerPrefix());
    return status;
  }

  // Waits for the process to end by itself (after a Signal); returns its wait status.
  int Wait() { return Kill(0); }  // signal 0 sends nothing

  // Sends `signal` without waiting; true while the process has not exited.
  void Signal(int signal) const { ::kill(pid_, signal); }
  bool Running() const {
    int status = 0;
    return pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == 0;
  }

  wire::CurveKeyPair Enroll(const std::string& school_id) {
    wire::CurveKeyPair keys = wire::GenerateCurveKeyPair();
    auto written = wire::WriteKeyPair(data_dir_ + "/schools/" + school_id, keys);
    if (std::holds_alternative<wire::KeyError>(written)) throw std::runtime_error("enroll failed");
    return keys;
  }
  std::string ServerPublicKey() const {
    return std::get<std::string>(wire::ReadPublicKeyFile(data_dir_ + "/daemon.pub"));
  }
  nlohmann::json Control(const std::string& command, const nlohmann::json& args = {}) {
    auto answer = ctl::ControlRequest(data_dir_ + "/control.sock", command,
                                      args.is_null() ? nlohmann::json::object() : args);
    if (!answer.value("ok", false)) throw std::runtime_error(answer.dump());
    return answer["result"];
  }
  // The daemon's clock (a drill clock in drills).
  core::Instant Now() { return core::FromUnixMillis(Control("status")["now_ms"].get<int64_t>()); }
  // Moves a drill clock to `target` and waits (bounded) until the deadline sweep has got
  // there; false when it did not.
  bool AdvanceDrillTo(core::Instant target) {
    const auto delta = target - Now();
    if (delta.count() > 0) Control("clock.advance", {{"by", std::to_string(delta.count()) + "ms"}});
    for (int i = 0; i < 500; ++i) {
      if (Control("status").value("swept_to_ms", int64_t{0}) >= core::ToUnixMillis(target)) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{10});  // the next 1 s sweep tick
    }
    return false;
  }
  const std::string& data_dir() const { return data_dir_; }
  std::string EndpointFile() const { return data_dir_ + "/endpoint"; }
  // Beside the data directory, so that nothing of the test's lands in it.
  std::string SanitizerPrefix() const { return data_dir_ + ".sanitizer"; }
  // "127.0.0.1:<port>" turns the HTTP API on at the next Start.
  void set_http_listen(std::string listen) { http_listen_ = std::move(listen); }
  // Soft and hard RLIMIT_NOFILE of the next Start (0: inherited), as `ulimit -n` would.
  void set_file_limit(rlim_t limit) { file_limit_ = limit; }
  pid_t pid() const { return pid_; }
  // The daemon's stderr (its log) goes to `path` from the next Start, appended.
  void set_log_file(std::string path) { log_file_ = std::move(path); }
  void set_log_level(std::string level) { log_level_ = std::move(level); }
  // An environment variable of the next Start (e.g. NOTIFY_SOCKET).
  void set_env(std::string name, std::string value) {
    env_.emplace_back(std::move(name), std::move(value));
  }

 private:
  std::string data_dir_;
  std::string listen_ = "tcp://127.0.0.1:*";
  std::string http_listen_;
  rlim_t file_limit_ = 0;
  std::string log_file_;
  std::string log_level_ = "warn";
  std::vector<std::pair<std::string, std::string>> env_;
  pid_t pid_ = -1;
};

}  // namespace pingan::testing
