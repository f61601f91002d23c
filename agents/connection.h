// DaemonConnection: one ZeroMQ DEALER connected to one daemon endpoint, with CURVE (or
// none in --insecure-dev mode) and a socket monitor that remembers why a connection
// is not working (refused, CURVE handshake failed), so that "not acknowledged" can
// say why.
//
// The DEALER is created, configured and connected in the constructor and closed (with
// ZMQ_LINGER 0: unsent frames are dropped, the spool still has them) in the
// destructor. Not thread-safe: ZeroMQ sockets belong to one thread; the context may be
// shared with other connections.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "daemon/core/clock.h"
#include "daemon/ingest/curve_keys.h"

namespace pingan::agent {

struct ConnectionSettings {
  bool insecure_dev = false;              // no CURVE (for a daemon started with --insecure-dev)
  std::string server_public_key;          // Z85, required with CURVE
  wire::CurveKeyPair client_keys;         // the school's keypair, required with CURVE
  core::Millis reconnect_ivl{1000};       // ZMQ_RECONNECT_IVL (caller applies jitter)
  core::Millis reconnect_ivl_max{60000};  // ZMQ_RECONNECT_IVL_MAX
  core::Millis handshake_ivl{10000};      // ZMQ_HANDSHAKE_IVL
  int64_t max_message_bytes = 0;          // ZMQ_MAXMSGSIZE for acks; 0 = no limit
};

// What kind of problem problem() describes, for callers that count them (the load
// generator's error tally) rather than show them.
enum class ProblemKind { kNone, kCannotConnect, kConnectionLost, kKeyRefused, kHandshakeFailed };

class DaemonConnection {
 public:
  // Throws zmq::error_t for programming errors (bad endpoint syntax, bad keys; callers
  // validate endpoints and keys first) and when the context or the process has no
  // socket left for the DEALER or its monitor (EMFILE). A connection is three sockets
  // (the DEALER, the monitor's two PAIRs) and four descriptors (their mailboxes, the
  // TCP connection); closing is asynchronous: they are released once the context's
  // reaper thread has destroyed them.
  DaemonConnection(zmq::context_t& context, std::string endpoint,
                   const ConnectionSettings& settings);
  ~DaemonConnection();
  DaemonConnection(const DaemonConnection&) = delete;
  DaemonConnection& operator=(const DaemonConnection&) = delete;

  // Queues one frame without blocking; false when the queue is full (ZMQ_SNDHWM).
  bool TrySend(std::string_view frame);
  // Waits up to `wait` (wall time; keep it short) for frames, then drains every frame
  // that is ready (ZMQ_FD is edge-triggered: always read until EAGAIN).
  std::vector<std::string> Receive(core::Millis wait);

  const std::string& endpoint() const { return endpoint_; }
  // The last problem the monitor reported ("" when none, or once a handshake worked).
  const std::string& problem() const { return problem_; }
  ProblemKind problem_kind() const { return problem_kind_; }
  // Handshakes completed so far (more than one: libzmq reconnected after a drop).
  // Like problem(), up to date as of the last Receive.
  uint64_t handshakes() const { return handshakes_; }
  // The DEALER, for zmq_poll over many connections at once (then Receive with no wait
  // on the ready ones); never send or receive on it directly.
  void* poll_handle() { return socket_.handle(); }

 private:
  void DrainMonitor();
  void OnEvent(uint16_t id);

  std::string endpoint_;
  std::string monitor_endpoint_;
  zmq::socket_t socket_;
  zmq::socket_t monitor_;
  std::string problem_;
  std::string handshake_problem_;
  std::string transport_problem_;
  ProblemKind problem_kind_ = ProblemKind::kNone;
  ProblemKind handshake_kind_ = ProblemKind::kNone;
  ProblemKind transport_kind_ = ProblemKind::kNone;
  uint64_t handshakes_ = 0;
  uint16_t last_event_ = 0;
  bool insecure_ = false;
};

}  // namespace pingan::agent
