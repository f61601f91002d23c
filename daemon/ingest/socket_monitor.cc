#include "daemon/ingest/socket_monitor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

namespace pingan::ingest {

SocketMonitor::SocketMonitor(boost::asio::io_context& io, zmq::context_t& context,
                             zmq::socket_t& watched, const std::string& name, size_t max_open)
    : watched_(watched), events_(context, zmq::socket_type::pair), max_open_(max_open) {
  const std::string endpoint = "inproc://pingan-monitor-" + name;
  const int mask = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED |
                   ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                   ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
  if (zmq_socket_monitor(watched_.handle(), endpoint.c_str(), mask) != 0) throw zmq::error_t();
  events_.set(zmq::sockopt::linger, 0);
  events_.connect(endpoint);
  watcher_ = std::make_unique<ZmqWatcher>(io, events_, [this] { ReadEvents(); });
  watcher_->Start();
}

SocketMonitor::~SocketMonitor() {
  watcher_.reset();
  zmq_socket_monitor(watched_.handle(), nullptr, 0);  // stops the monitor
}

void SocketMonitor::ReadEvents() {
  // Each event is two frames: 2 bytes of event number and 4 of value, then the
  // endpoint's address (not needed here).
  zmq::message_t head;
  if (!events_.recv(head, zmq::recv_flags::dontwait)) return;
  std::string endpoint;
  while (events_.get(zmq::sockopt::rcvmore)) {
    zmq::message_t rest;
    (void)events_.recv(rest, zmq::recv_flags::none);
    endpoint = rest.to_string();
  }
  if (head.size() < sizeof(uint16_t) + sizeof(int32_t)) return;
  uint16_t event = 0;
  int32_t value = 0;
  std::memcpy(&event, head.data(), sizeof event);
  std::memcpy(&value, static_cast<const char*>(head.data()) + sizeof event, sizeof value);
  Count(event, value, endpoint);
}

void SocketMonitor::Count(uint16_t event, int32_t value, const std::string& endpoint) {
  switch (event) {
    case ZMQ_EVENT_ACCEPTED:  // value: the new connection's descriptor
      ++counts_.accepted;
      ++counts_.open;
      if (max_open_ > 0 && static_cast<size_t>(counts_.open) > max_open_) {
        Refuse(value, endpoint);
      } else if (at_cap_ && static_cast<size_t>(counts_.open) < max_open_ * 9 / 10) {
        at_cap_ = false;
        spdlog::warn("report port: {} connections, below the cap of {} again", counts_.open,
                     max_open_);
      }
      break;
    case ZMQ_EVENT_DISCONNECTED:  // also after a failed handshake
      if (counts_.open > 0) --counts_.open;
      break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      ++counts_.handshake_failed_protocol;
      break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      ++counts_.handshake_failed_auth;
      break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
      ++counts_.handshake_failed_other;
      break;
    default:
      break;
  }
}

void SocketMonitor::Refuse(int fd, const std::string& endpoint) {
  // Only a TCP socket whose local port is the listener's: the number may have been
  // closed and reused since the accept.
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return;
  int port = 0;
  if (local.ss_family == AF_INET) {
    port = ntohs(reinterpret_cast<const sockaddr_in*>(&local)->sin_port);
  } else if (local.ss_family == AF_INET6) {
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(&local)->sin6_port);
  } else {
    return;
  }
  const size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos || endpoint.substr(colon + 1) != std::to_string(port)) return;
  ::shutdown(fd, SHUT_RDWR);  // libzmq sees the end and closes it, freeing the descriptor
  ++counts_.refused_over_cap;
  if (!at_cap_) {
    at_cap_ = true;
    spdlog::warn(
        "report port: {} connections reach the cap of {}; new ones are closed at once "
        "(ingest.max_connections, the open-file limit; a flood? see docs/security.md)",
        counts_.open, max_open_);
  }
}

}  // namespace pingan::ingest
