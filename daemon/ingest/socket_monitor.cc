#include "daemon/ingest/socket_monitor.h"

#include <cstring>

namespace pingan::ingest {

SocketMonitor::SocketMonitor(boost::asio::io_context& io, zmq::context_t& context,
                             zmq::socket_t& watched, const std::string& name)
    : watched_(watched), events_(context, zmq::socket_type::pair) {
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
  while (events_.get(zmq::sockopt::rcvmore)) {
    zmq::message_t rest;
    (void)events_.recv(rest, zmq::recv_flags::none);
  }
  if (head.size() < sizeof(uint16_t)) return;
  uint16_t event = 0;
  std::memcpy(&event, head.data(), sizeof event);
  Count(event);
}

void SocketMonitor::Count(uint16_t event) {
  switch (event) {
    case ZMQ_EVENT_ACCEPTED:
      ++counts_.accepted;
      ++counts_.open;
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

}  // namespace pingan::ingest
