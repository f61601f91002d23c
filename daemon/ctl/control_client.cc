#include "daemon/ctl/control_client.h"

#include <stdexcept>

#include <zmq.hpp>

namespace pingan::ctl {

using nlohmann::json;

json ControlRequest(const std::string& socket_path, const std::string& command, const json& args,
                    int timeout_ms) {
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::req);
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::rcvtimeo, timeout_ms);
  socket.set(zmq::sockopt::sndtimeo, timeout_ms);
  socket.connect("ipc://" + socket_path);
  const std::string text = json{{"command", command}, {"args", args}}.dump();
  if (!socket.send(zmq::buffer(text), zmq::send_flags::none)) {
    throw std::runtime_error("cannot reach pingand at " + socket_path);
  }
  zmq::message_t answer;
  if (!socket.recv(answer)) {
    throw std::runtime_error("pingand did not answer at " + socket_path +
                             " (is it running, and are you its user?)");
  }
  return json::parse(answer.to_string());
}

}  // namespace pingan::ctl
