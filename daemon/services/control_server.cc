#include "daemon/services/control_server.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <stdexcept>

#include <boost/asio/post.hpp>

namespace pingan::services {

void ThrowIfRefused(const std::optional<std::string>& error) {
  if (error) throw ControlError("refused", *error);
}

std::string TextArg(const nlohmann::json& args, const char* key, bool required) {
  auto it = args.is_object() ? args.find(key) : args.end();
  if (!args.is_object() || it == args.end() || it->is_null()) {
    if (required) throw ControlError("bad_request", std::string("'") + key + "' is required");
    return "";
  }
  if (!it->is_string()) {
    throw ControlError("bad_request", std::string("'") + key + "' must be text");
  }
  return it->get<std::string>();
}

int IntArg(const nlohmann::json& args, const char* key, int fallback, int lo, int hi) {
  if (!args.is_object()) return fallback;
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
    throw ControlError("bad_request", std::string(key) + " must be " + std::to_string(lo) + ".." +
                                          std::to_string(hi));
  }
  return it->get<int>();
}
namespace {

using nlohmann::json;

json ErrorAnswer(const std::string& code, const std::string& message) {
  return json{{"ok", false}, {"error", {{"code", code}, {"message", message}}}};
}

}  // namespace

ControlServer::ControlServer(boost::asio::io_context& io, zmq::context_t& context)
    : socket_(context, zmq::socket_type::rep), io_(io) {
  socket_.set(zmq::sockopt::linger, 0);
  // Room for a city's school list (schools.import); only the daemon's user can connect.
  socket_.set(zmq::sockopt::maxmsgsize, int64_t{16} << 20);
}

ControlServer::~ControlServer() {
  watcher_.reset();
}

void ControlServer::Register(const std::string& command, Handler handler) {
  handlers_[command] = Command{std::move(handler), false};
}

void ControlServer::RegisterChange(const std::string& command, Handler handler) {
  handlers_[command] = Command{std::move(handler), true};
}

void ControlServer::Bind(const std::string& socket_path) {
  ::unlink(socket_path.c_str());  // a stale socket from a killed daemon
  socket_.bind("ipc://" + socket_path);
  if (::chmod(socket_path.c_str(), 0600) != 0) {
    throw std::runtime_error("cannot restrict control socket " + socket_path);
  }
  watcher_ = std::make_unique<ingest::ZmqWatcher>(io_, socket_, [this] { Serve(); });
  watcher_->Start();
}

json ControlServer::Dispatch(const std::string& request_text) const {
  return Run(request_text).first;
}

std::pair<json, bool> ControlServer::Run(const std::string& request_text) const {
  json request;
  try {
    request = json::parse(request_text);
  } catch (const json::parse_error&) {
    return {ErrorAnswer("bad_request", "request is not JSON"), false};
  }
  if (!request.is_object() || !request.contains("command") || !request["command"].is_string()) {
    return {ErrorAnswer("bad_request", "request needs a \"command\" string"), false};
  }
  const std::string command = request["command"];
  auto it = handlers_.find(command);
  if (it == handlers_.end()) {
    return {ErrorAnswer("unknown_command", "no command '" + command + "'"), false};
  }
  const bool changes = it->second.changes;
  try {
    return {
        json{{"ok", true}, {"result", it->second.handler(request.value("args", json::object()))}},
        changes};
  } catch (const ControlError& e) {
    return {ErrorAnswer(e.code, e.what()), changes};
  } catch (const json::exception& e) {
    return {ErrorAnswer("bad_request", std::string("bad arguments: ") + e.what()), changes};
  } catch (const std::exception& e) {
    spdlog::error("control command {} failed: {}", command, e.what());
    return {ErrorAnswer("internal", e.what()), changes};
  }
}

void ControlServer::SetOffload(std::function<bool(std::function<void()>)> pool) {
  offload_ = std::move(pool);
}

void ControlServer::SetAfterWrites(std::function<void(std::function<void()>)> after_writes) {
  after_writes_ = std::move(after_writes);
}

void ControlServer::Serve() {
  if (answering_) return;  // REP: the answer to the last request goes first
  zmq::message_t request;
  if (!socket_.recv(request, zmq::recv_flags::dontwait)) return;
  if (!offload_) return Reply(Dispatch(request.to_string()).dump());
  answering_ = true;
  const bool queued = offload_([this, text = request.to_string()] {
    auto [answer, changes] = Run(text);
    auto reply = [this, text = answer.dump()] {
      boost::asio::post(io_, [this, text] { Reply(text); });
    };
    // A refused change posted nothing, but waiting costs it nothing either.
    if (changes && after_writes_) return after_writes_(std::move(reply));
    reply();
  });
  if (!queued) Reply(ErrorAnswer("busy", "the daemon is busy; try again").dump());
}

void ControlServer::Reply(const std::string& answer) {
  answering_ = false;
  socket_.send(zmq::buffer(answer), zmq::send_flags::none);
  watcher_->Kick();  // a request that arrived meanwhile
}

}  // namespace pingan::services
