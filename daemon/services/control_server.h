// ControlServer: the daemon's local control and query channel, used by pinganctl.
//
// A ZeroMQ REP socket on ipc://<data_dir>/control.sock, made 0600 right after bind:
// only the daemon's own user (or root) can connect, which is the authentication
// (the HTTP API with sessions and tokens replaces it for remote use). A request is a
// JSON object {"command": "...", "args": {...}}; the answer is {"ok": true,
// "result": ...} or {"ok": false, "error": {"code": "...", "message": "..."}}.
// Handlers are registered by name before the io_context runs. They run on the io
// thread, or on a pool once SetOffload() gave one (the daemon passes the HTTP API's
// read pool): then the socket holds the next request until the answer of this one is
// back (REP answers in order), and a full pool answers {"code": "busy"}. A command
// registered as a change (RegisterChange: it posts writes to the StoreWriter) is
// answered only once the writer ran what it posted (SetAfterWrites), so that the next
// command reads the change ("pinganctl alert ack" then "alert show"); reads never wait
// for the writer, so "status" answers while the writer is stuck. Dispatch() is const
// and may run on several threads at once; handlers must allow that.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "daemon/ingest/zmq_watcher.h"

namespace pingan::services {

// An error a handler reports to the caller (bad arguments, not allowed, not found).
struct ControlError : std::runtime_error {
  ControlError(std::string code, const std::string& message)
      : std::runtime_error(message), code(std::move(code)) {}
  std::string code;
};

// Throws ControlError "refused" with `error` when there is one: the answer of the
// AuthService's user and token changes (a message for the operator, or nullopt).
void ThrowIfRefused(const std::optional<std::string>& error);

// Arguments of a command. args[key] as text: "" when absent or null; ControlError
// bad_request when it is not text, or when `required` and it is absent.
std::string TextArg(const nlohmann::json& args, const char* key, bool required = false);
// args[key] as an integer in [lo, hi], or `fallback` when absent; bad_request otherwise.
int IntArg(const nlohmann::json& args, const char* key, int fallback, int lo, int hi);

class ControlServer {
 public:
  using Handler = std::function<nlohmann::json(const nlohmann::json& args)>;

  ControlServer(boost::asio::io_context& io, zmq::context_t& context);
  ~ControlServer();

  void Register(const std::string& command, Handler handler);
  // A command that posts writes; see the file comment.
  void RegisterChange(const std::string& command, Handler handler);
  // Binds ipc://<path> and restricts the socket file to its owner.
  void Bind(const std::string& socket_path);
  // Runs commands through `pool` from now on (false from it: busy). Its jobs must be
  // finished before this server is destroyed.
  void SetOffload(std::function<bool(std::function<void()>)> pool);
  // `after_writes(job)` runs `job` once every write posted so far has been applied (the
  // daemon posts it to the StoreWriter, whose jobs run in order). Only with an offload.
  void SetAfterWrites(std::function<void(std::function<void()>)> after_writes);
  // Pure dispatch, for tests and for the HTTP API to reuse.
  nlohmann::json Dispatch(const std::string& request_text) const;

 private:
  struct Command {
    Handler handler;
    bool changes = false;
  };
  // The answer, and whether the command was a change (known and registered so).
  std::pair<nlohmann::json, bool> Run(const std::string& request_text) const;
  void Serve();
  void Reply(const std::string& answer);

  zmq::socket_t socket_;
  boost::asio::io_context& io_;
  std::unique_ptr<ingest::ZmqWatcher> watcher_;
  std::map<std::string, Command> handlers_;
  std::function<bool(std::function<void()>)> offload_;
  std::function<void(std::function<void()>)> after_writes_;
  bool answering_ = false;  // a request is with the pool
};

}  // namespace pingan::services
