// ReportServer: the daemon's ZeroMQ ROUTER that receives reports from school agents.
//
// For each frame: check that the key the connection authenticated with is still
// enrolled (ZapAuthenticator::IsCurrent; a revoked or replaced key is refused on open
// connections too), spend one report of the sender's rate (core::RateLimiter, per
// school), decode, validate (core::ValidateReport), check that the school the CURVE
// key authenticated as (ZAP user id) is the school the report names, then hand it to
// the StoreWriter. Acks for stored and duplicate reports are sent only from
// OnCommitted, i.e. after the batch's transaction committed; rejections are answered
// at once, counted per reason, and logged through a PeerLog (escaped, a few lines per
// peer, reason and minute). A school-id mismatch is also written to the audit log.
//
// Threading: everything except construction runs on the io_context thread. The
// StoreWriter's completion callback must post OnCommitted onto that thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <zmq.hpp>

#include "daemon/core/clock.h"
#include "daemon/core/log_limiter.h"
#include "daemon/core/rate_limiter.h"
#include "daemon/core/report.h"
#include "daemon/ingest/codec.h"
#include "daemon/ingest/peer_log.h"
#include "daemon/ingest/socket_monitor.h"
#include "daemon/ingest/zap_authenticator.h"
#include "daemon/ingest/zmq_watcher.h"
#include "daemon/store/store_writer.h"

namespace pingan::ingest {

struct ReportServerOptions {
  std::string endpoint = "tcp://127.0.0.1:7450";  // "tcp://127.0.0.1:*" picks a free port
  // CURVE server secret key (Z85). Empty only in insecure development mode.
  std::string curve_secret_key;
  bool insecure_dev = false;
  int backlog = 4096;
  // Connections held at once (SocketMonitor's cap; 0: none). The daemon derives it
  // from ingest.max_connections and the open-file limit.
  size_t max_connections = 0;
  int64_t max_message_bytes = wire::kMaxFrameBytes;
  // Stop reading from the socket while this many reports wait for the store.
  size_t max_pending = 50000;
  core::ReportLimits limits;
  // Reports per second (and burst) one school may send; more get RATE_LIMITED
  // (transient: the agent resends later). Keyed by the authenticated school, or by the
  // peer address in insecure mode.
  core::ReportRate per_school_rate;
  // How many rejection lines per peer and reason (and in all) reach the log.
  core::LogLimits log_limits;
};

struct ReportServerStats {
  uint64_t received = 0;
  uint64_t stored = 0;
  uint64_t duplicates = 0;
  uint64_t rejected = 0;
  std::map<core::RejectReason, uint64_t> rejected_by_reason;  // sums to `rejected`
  uint64_t store_failures = 0;
  uint64_t unroutable_acks = 0;  // peer gone before its ack: it will resend
  uint64_t log_lines_suppressed = 0;
  SocketCounts connections;  // open connections and failed handshakes (libzmq's monitor)
};

class ReportServer {
 public:
  // `clock` stamps reports (the daemon's clock, a drill clock during a drill);
  // `limits_clock` paces the rate limit and the rejection log (always real time).
  ReportServer(boost::asio::io_context& io, zmq::context_t& context, store::StoreWriter& writer,
               const core::Clock& clock, const core::Clock& limits_clock,
               ReportServerOptions options);
  ~ReportServer();

  // Binds and starts receiving. In CURVE mode the caller must have bound the ZAP
  // authenticator `zap` first (it must outlive this server); Bind refuses a null one
  // then. Returns the bound endpoint.
  std::string Bind(const ZapAuthenticator* zap);
  void OnCommitted(const std::vector<store::WriteOutcome>& outcomes);
  ReportServerStats stats() const;

  // A graceful stop, step 1: read no more reports (the agents resend what was not read);
  // the acks of reports already handed to the store still go out from OnCommitted.
  void StopReceiving();
  // Step 2, once the store is idle: the socket's close (at destruction) waits up to
  // `linger` for the acks queued on it to leave, instead of dropping them.
  void LingerOnClose(std::chrono::milliseconds linger);

 private:
  // Who sent a frame, from the properties libzmq attaches to each message.
  struct Peer {
    std::string school;   // ZAP user id; "" in insecure mode
    std::string key;      // the Z85 key the connection authenticated with
    std::string address;  // the TCP peer's address
    const std::string& Name() const { return school.empty() ? address : school; }
  };
  static Peer PeerOf(const zmq::message_t& msg);

  void ReceiveOne();
  // Whether the peer may send now at all: its key still enrolled, its rate not spent
  // (spends one report of it).
  std::optional<core::Rejection> Admit(const Peer& peer);
  void Handle(const std::string& routing_id, std::vector<zmq::message_t>& parts);
  void Reject(const std::string& routing_id, const Peer& peer, const std::string& report_id,
              const core::Rejection& rejection);
  void SendAck(const std::string& routing_id, const wire::Ack& ack);
  void AuditMismatch(const std::string& key_school, const core::Report& report);
  void UpdateBackpressure();

  boost::asio::io_context& io_;
  store::StoreWriter& writer_;
  const core::Clock& clock_;
  const core::Clock& limits_clock_;
  ReportServerOptions options_;
  zmq::context_t& context_;
  zmq::socket_t socket_;
  std::unique_ptr<SocketMonitor> monitor_;  // from Bind on; stopped before socket_ closes
  const ZapAuthenticator* zap_ = nullptr;
  core::RateLimiter rate_;
  PeerLog log_;
  std::unique_ptr<ZmqWatcher> watcher_;
  bool receiving_stopped_ = false;
  ReportServerStats stats_;
};

}  // namespace pingan::ingest
