// ReportServer: the daemon's ZeroMQ ROUTER that receives reports from school agents.
//
// For each frame: decode, validate (core::ValidateReport), check that the school the
// CURVE key authenticated as (ZAP user id) is the school the report names, then hand
// it to the StoreWriter. Acks for stored and duplicate reports are sent only from
// OnCommitted, i.e. after the batch's transaction committed; rejections are answered
// at once. A school-id mismatch is rejected and written to the audit log.
//
// Threading: everything except construction runs on the io_context thread. The
// StoreWriter's completion callback must post OnCommitted onto that thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <zmq.hpp>

#include "daemon/core/clock.h"
#include "daemon/core/report.h"
#include "daemon/ingest/codec.h"
#include "daemon/ingest/zmq_watcher.h"
#include "daemon/store/store_writer.h"

namespace pingan::ingest {

struct ReportServerOptions {
  std::string endpoint = "tcp://127.0.0.1:7450";  // "tcp://127.0.0.1:*" picks a free port
  // CURVE server secret key (Z85). Empty only in insecure development mode.
  std::string curve_secret_key;
  bool insecure_dev = false;
  int backlog = 4096;
  int64_t max_message_bytes = wire::kMaxFrameBytes;
  // Stop reading from the socket while this many reports wait for the store.
  size_t max_pending = 50000;
  core::ReportLimits limits;
};

struct ReportServerStats {
  uint64_t received = 0;
  uint64_t stored = 0;
  uint64_t duplicates = 0;
  uint64_t rejected = 0;
  uint64_t store_failures = 0;
  uint64_t unroutable_acks = 0;  // peer gone before its ack: it will resend
};

class ReportServer {
 public:
  ReportServer(boost::asio::io_context& io, zmq::context_t& context, store::StoreWriter& writer,
               const core::Clock& clock, ReportServerOptions options);
  ~ReportServer();

  // Binds and starts receiving. In CURVE mode the caller must have bound the ZAP
  // authenticator first; Bind refuses otherwise. Returns the bound endpoint.
  std::string Bind(bool zap_handler_running);
  void OnCommitted(const std::vector<store::WriteOutcome>& outcomes);
  const ReportServerStats& stats() const { return stats_; }

 private:
  void ReceiveOne();
  void Handle(const std::string& routing_id, zmq::message_t& payload);
  void Reject(const std::string& routing_id, const std::string& report_id,
              const core::Rejection& rejection);
  void SendAck(const std::string& routing_id, const wire::Ack& ack);
  void AuditMismatch(const std::string& key_school, const core::Report& report);
  void UpdateBackpressure();

  boost::asio::io_context& io_;
  store::StoreWriter& writer_;
  const core::Clock& clock_;
  ReportServerOptions options_;
  zmq::socket_t socket_;
  std::unique_ptr<ZmqWatcher> watcher_;
  ReportServerStats stats_;
};

}  // namespace pingan::ingest
