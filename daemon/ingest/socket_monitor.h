// SocketMonitor: counts the connections of a ZeroMQ socket and its failed handshakes,
// from libzmq's monitor events (zmq_socket_monitor over an inproc PAIR), read on the io
// thread through a ZmqWatcher. For /metrics: how many schools hold a connection, and
// how many peers failed the CURVE handshake (wrong server key, garbage, a scanner).
// ZAP refusals (unknown keys) are counted by the ZapAuthenticator; libzmq reports them
// here too, as authentication failures.
//
// It also caps the connections: libzmq has no limit of its own, and a flood of TCP
// connections to the report port used up the file descriptors until libzmq aborted the
// process (its IPC listener, the control socket, asserts on EMFILE). Beyond `max_open`
// an accepted connection is shut down at once (the ACCEPTED event carries its
// descriptor; it is checked to be a TCP socket on the watched port first, since the
// event arrives after the accept and the number could have been reused).
//
// Threading: io thread only. Construct after the watched socket and destroy before it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <zmq.hpp>

#include "daemon/ingest/zmq_watcher.h"

namespace pingan::ingest {

struct SocketCounts {
  int64_t open = 0;  // accepted and not yet disconnected
  uint64_t accepted = 0;
  uint64_t handshake_failed_protocol = 0;  // not ZMTP/CURVE, or a bad CURVE exchange
  uint64_t handshake_failed_auth = 0;      // refused by ZAP
  uint64_t handshake_failed_other = 0;
  uint64_t refused_over_cap = 0;  // connections shut down beyond max_open
};

class SocketMonitor {
 public:
  // `name` makes the inproc endpoint unique within the context; `max_open` caps the
  // connections held at once (0: no cap).
  SocketMonitor(boost::asio::io_context& io, zmq::context_t& context, zmq::socket_t& watched,
                const std::string& name, size_t max_open = 0);
  ~SocketMonitor();
  SocketMonitor(const SocketMonitor&) = delete;
  SocketMonitor& operator=(const SocketMonitor&) = delete;

  const SocketCounts& counts() const { return counts_; }

 private:
  void ReadEvents();
  void Count(uint16_t event, int32_t value, const std::string& endpoint);
  void Refuse(int fd, const std::string& endpoint);

  zmq::socket_t& watched_;
  zmq::socket_t events_;
  std::unique_ptr<ZmqWatcher> watcher_;
  SocketCounts counts_;
  size_t max_open_;
  bool at_cap_ = false;  // logged once per time at the cap
};

}  // namespace pingan::ingest
