#include "agents/connection.h"

#include <atomic>
#include <cstring>

#include <spdlog/spdlog.h>

namespace pingan::agent {
namespace {

// Unique inproc names for monitors of sockets that may share one context.
std::string NextMonitorEndpoint() {
  static std::atomic<uint64_t> next{0};
  return "inproc://pingan-agent-monitor-" + std::to_string(next++);
}

constexpr int kMonitoredEvents =
    ZMQ_EVENT_CONNECTED | ZMQ_EVENT_CONNECT_RETRIED | ZMQ_EVENT_DISCONNECTED |
    ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
    ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

const char* HandshakeProblem(uint16_t event, bool insecure) {
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
    return "the daemon refused this school's key: is <school_id>.pub installed there?";
  }
  return insecure ? "handshake failed: does the daemon run with --insecure-dev too?"
                  : "CURVE handshake failed: check server_public_key (or the daemon runs "
                    "with --insecure-dev)";
}

}  // namespace

DaemonConnection::DaemonConnection(zmq::context_t& context, std::string endpoint,
                                   const ConnectionSettings& settings)
    : endpoint_(std::move(endpoint)),
      monitor_endpoint_(NextMonitorEndpoint()),
      socket_(context, zmq::socket_type::dealer),
      monitor_(context, zmq::socket_type::pair) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::reconnect_ivl, static_cast<int>(settings.reconnect_ivl.count()));
  socket_.set(
      zmq::sockopt::reconnect_ivl_max,
      static_cast<int>(std::max(settings.reconnect_ivl_max, settings.reconnect_ivl).count()));
  socket_.set(zmq::sockopt::handshake_ivl, static_cast<int>(settings.handshake_ivl.count()));
  if (settings.max_message_bytes > 0) {
    socket_.set(zmq::sockopt::maxmsgsize, settings.max_message_bytes);
  }
  if (!settings.insecure_dev) {
    socket_.set(zmq::sockopt::curve_serverkey, settings.server_public_key);
    socket_.set(zmq::sockopt::curve_publickey, settings.client_keys.public_z85);
    socket_.set(zmq::sockopt::curve_secretkey, settings.client_keys.secret_z85);
  }
  // The monitor is a third socket; without it problem() would stay silent, so a
  // context out of sockets (EMFILE) fails the whole connection.
  if (zmq_socket_monitor(socket_.handle(), monitor_endpoint_.c_str(), kMonitoredEvents) != 0) {
    throw zmq::error_t();
  }
  monitor_.connect(monitor_endpoint_);
  insecure_ = settings.insecure_dev;
  socket_.connect(endpoint_);
}

DaemonConnection::~DaemonConnection() {
  // Stop the monitor before closing: its PAIR must not outlive the monitored socket's
  // end of the pipe with events still queued.
  zmq_socket_monitor(socket_.handle(), nullptr, 0);
  socket_.close();
  monitor_.close();
}

bool DaemonConnection::TrySend(std::string_view frame) {
  return socket_.send(zmq::buffer(frame.data(), frame.size()), zmq::send_flags::dontwait)
      .has_value();
}

std::vector<std::string> DaemonConnection::Receive(core::Millis wait) {
  zmq::pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0},
                             {monitor_.handle(), 0, ZMQ_POLLIN, 0}};
  zmq::poll(items, 2, wait);
  DrainMonitor();
  std::vector<std::string> frames;
  zmq::message_t message;
  while (socket_.recv(message, zmq::recv_flags::dontwait)) {
    frames.push_back(message.to_string());
  }
  return frames;
}

void DaemonConnection::DrainMonitor() {
  zmq::message_t event;
  zmq::message_t address;
  while (monitor_.recv(event, zmq::recv_flags::dontwait)) {
    // A monitor event is two frames: 6 bytes (event id, value), then the address.
    if (!event.more() || !monitor_.recv(address, zmq::recv_flags::dontwait)) continue;
    if (event.size() < sizeof(uint16_t)) continue;
    uint16_t id = 0;
    std::memcpy(&id, event.data(), sizeof id);
    spdlog::debug("{}: socket event {:#x}", endpoint_, id);
    OnEvent(id);
  }
  // A failed handshake is followed by a disconnect and a reconnect; it stays the
  // explanation until a handshake succeeds.
  const bool handshake = !handshake_problem_.empty();
  problem_ = handshake ? handshake_problem_ : transport_problem_;
  problem_kind_ = handshake ? handshake_kind_ : transport_kind_;
}

void DaemonConnection::OnEvent(uint16_t id) {
  switch (id) {
    case ZMQ_EVENT_CONNECTED:
      transport_problem_.clear();
      transport_kind_ = ProblemKind::kNone;
      break;
    case ZMQ_EVENT_DISCONNECTED:
      transport_problem_ = "connection lost";
      transport_kind_ = ProblemKind::kConnectionLost;
      break;
    case ZMQ_EVENT_CONNECT_RETRIED:
      // Also announced right after a disconnect; only a retry after a failed connect
      // means the daemon cannot be reached.
      if (last_event_ != ZMQ_EVENT_DISCONNECTED) {
        transport_problem_ = "cannot connect (daemon down, wrong address or blocked by a firewall)";
        transport_kind_ = ProblemKind::kCannotConnect;
      }
      break;
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
      handshake_problem_.clear();
      transport_problem_.clear();
      handshake_kind_ = transport_kind_ = ProblemKind::kNone;
      ++handshakes_;
      break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      handshake_problem_ = HandshakeProblem(id, insecure_);
      handshake_kind_ = id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH ? ProblemKind::kKeyRefused
                                                              : ProblemKind::kHandshakeFailed;
      break;
    default:
      break;
  }
  last_event_ = id;
}

}  // namespace pingan::agent
