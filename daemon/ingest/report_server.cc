#include "daemon/ingest/report_server.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "daemon/core/text.h"
#include "daemon/store/audit_log.h"

namespace pingan::ingest {
namespace {

std::string Property(const zmq::message_t& msg, const char* name) {
  const char* value = zmq_msg_gets(msg.handle(), name);
  return value == nullptr ? "" : value;
}

// Rejections an enrolled key causes on purpose, or a broken agent that needs a human:
// warnings; the rest (a bad report, a busy daemon) are information.
spdlog::level::level_enum LevelFor(core::RejectReason reason) {
  return reason == core::RejectReason::kSchoolMismatch || reason == core::RejectReason::kKeyRevoked
             ? spdlog::level::warn
             : spdlog::level::info;
}

wire::Ack AckFor(const store::WriteOutcome& outcome) {
  switch (outcome.status) {
    case store::WriteStatus::kStored:
      return wire::Ack{outcome.report_id, wire::AckStatus::kStored, std::nullopt, ""};
    case store::WriteStatus::kDuplicate:
      return wire::Ack{outcome.report_id, wire::AckStatus::kDuplicate, std::nullopt,
                       "already stored"};
    case store::WriteStatus::kIdTaken:
      // Not DUPLICATE: the agent would count its report as delivered, and it is not.
      return wire::Ack{outcome.report_id, wire::AckStatus::kRejected,
                       core::RejectReason::kReportIdTaken,
                       "this report id is another school's report; send it with a new id"};
    case store::WriteStatus::kFailed:
      break;
  }
  return wire::Ack{outcome.report_id, wire::AckStatus::kRejected,
                   core::RejectReason::kStoreUnavailable, "not stored this time; resend later"};
}

}  // namespace

ReportServer::ReportServer(boost::asio::io_context& io, zmq::context_t& context,
                           store::StoreWriter& writer, const core::Clock& clock,
                           const core::Clock& limits_clock, ReportServerOptions options)
    : io_(io),
      writer_(writer),
      clock_(clock),
      limits_clock_(limits_clock),
      options_(std::move(options)),
      context_(context),
      socket_(context, zmq::socket_type::router),
      rate_(options_.per_school_rate),
      log_(io, limits_clock, "ingest", options_.log_limits) {
  socket_.set(zmq::sockopt::router_mandatory, 1);
  socket_.set(zmq::sockopt::maxmsgsize, options_.max_message_bytes);
  socket_.set(zmq::sockopt::backlog, options_.backlog);
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::sndhwm, 100000);
  socket_.set(zmq::sockopt::rcvhwm, 100000);
  socket_.set(zmq::sockopt::handshake_ivl, 10000);
  if (!options_.insecure_dev) {
    socket_.set(zmq::sockopt::curve_server, 1);
    socket_.set(zmq::sockopt::curve_secretkey, options_.curve_secret_key);
    socket_.set(zmq::sockopt::zap_domain, "pingan");
  }
}

ReportServer::~ReportServer() {
  watcher_.reset();
  monitor_.reset();
}

std::string ReportServer::Bind(const ZapAuthenticator* zap) {
  if (!options_.insecure_dev && zap == nullptr) {
    // libzmq lets every CURVE client in when no ZAP handler answers: fail closed.
    throw std::logic_error("refusing to bind the report socket without a ZAP handler");
  }
  zap_ = options_.insecure_dev ? nullptr : zap;
  monitor_ =
      std::make_unique<SocketMonitor>(io_, context_, socket_, "reports", options_.max_connections);
  socket_.bind(options_.endpoint);
  watcher_ = std::make_unique<ZmqWatcher>(io_, socket_, [this] { ReceiveOne(); });
  watcher_->Start();
  return socket_.get(zmq::sockopt::last_endpoint);
}

ReportServerStats ReportServer::stats() const {
  ReportServerStats out = stats_;
  out.log_lines_suppressed = log_.suppressed();
  if (monitor_) out.connections = monitor_->counts();
  return out;
}

ReportServer::Peer ReportServer::PeerOf(const zmq::message_t& msg) {
  Peer peer{Property(msg, "User-Id"), Property(msg, kKeyProperty), Property(msg, "Peer-Address")};
  if (peer.address.empty()) peer.address = "-";
  return peer;
}

void ReportServer::ReceiveOne() {
  zmq::message_t routing_id;
  if (!socket_.recv(routing_id, zmq::recv_flags::dontwait)) return;
  std::vector<zmq::message_t> parts;
  while (socket_.get(zmq::sockopt::rcvmore)) {
    parts.emplace_back();
    (void)socket_.recv(parts.back(), zmq::recv_flags::none);  // rest of an atomic message
  }
  ++stats_.received;
  Handle(routing_id.to_string(), parts);
  UpdateBackpressure();
}

std::optional<core::Rejection> ReportServer::Admit(const Peer& peer) {
  // The key set may have changed since this connection's handshake: a revoked or
  // replaced key is refused here, on every message, not only at the next connection.
  if (zap_ != nullptr && !zap_->IsCurrent(peer.school, peer.key)) {
    return core::Rejection{core::RejectReason::kKeyRevoked,
                           "the key of this connection is no longer enrolled; nothing was stored"};
  }
  // Every frame costs one report of the sender's rate, valid or not.
  if (!rate_.Take(peer.Name(), limits_clock_.Now())) {
    return core::Rejection{core::RejectReason::kRateLimited,
                           "more than " + std::to_string(options_.per_school_rate.per_second) +
                               " reports per second from this school; resend later"};
  }
  return std::nullopt;
}

void ReportServer::Handle(const std::string& routing_id, std::vector<zmq::message_t>& parts) {
  if (parts.empty()) {  // ROUTER always delivers a body; nothing to answer otherwise
    Reject(routing_id, Peer{"", "", "-"}, "",
           {core::RejectReason::kMalformed, "expected exactly one frame per report"});
    return;
  }
  const Peer peer = PeerOf(parts[0]);
  if (parts.size() != 1) {
    const auto refused = Admit(peer);
    Reject(routing_id, peer, "",
           refused ? *refused
                   : core::Rejection{core::RejectReason::kMalformed,
                                     "expected exactly one frame per report"});
    return;
  }
  auto decoded = wire::DecodeReportFrame(parts[0].to_string_view());
  auto* failure = std::get_if<wire::DecodeFailure>(&decoded);
  const std::string& report_id =
      failure ? failure->report_id : std::get<core::Report>(decoded).report_id;
  if (auto refused = Admit(peer)) {
    Reject(routing_id, peer, report_id, *refused);
    return;
  }
  if (failure) {
    Reject(routing_id, peer, failure->report_id, failure->rejection);
    return;
  }
  core::Report& report = std::get<core::Report>(decoded);
  const core::Instant now = clock_.Now();
  if (auto rejection = core::ValidateReport(report, now, options_.limits)) {
    Reject(routing_id, peer, report.report_id, *rejection);
    return;
  }
  if (!options_.insecure_dev && peer.school != report.school_id) {
    AuditMismatch(peer.school, report);
    Reject(routing_id, peer, report.report_id,
           {core::RejectReason::kSchoolMismatch,
            "this key belongs to school '" + peer.school + "', not '" + report.school_id + "'"});
    return;
  }
  writer_.Submit(store::WriteRequest{store::IncomingReport{std::move(report), now}, routing_id});
}

void ReportServer::Reject(const std::string& routing_id, const Peer& peer,
                          const std::string& report_id, const core::Rejection& rejection) {
  ++stats_.rejected;
  ++stats_.rejected_by_reason[rejection.reason];
  const char* reason = core::RejectReasonName(rejection.reason);
  // Everything here but the reason's name came from the peer: escaped and cut.
  log_.Write(LevelFor(rejection.reason), std::string("rejected ") + reason, peer.Name(),
             fmt::format("rejected report {} from {}: {} ({})",
                         report_id.empty() ? "-" : core::LogSafe(report_id),
                         core::LogSafe(peer.Name()), reason, core::LogSafe(rejection.detail, 160)));
  SendAck(routing_id,
          wire::Ack{report_id, wire::AckStatus::kRejected, rejection.reason, rejection.detail});
}

void ReportServer::AuditMismatch(const std::string& key_school, const core::Report& report) {
  // Logged with the rejection (rate-limited); the audit log keeps every one.
  store::AuditEntry entry{clock_.Now(), "school:" + key_school, "report.rejected.school_mismatch",
                          report.report_id, "claimed school_id " + report.school_id};
  writer_.Post([entry](store::Database& db) { store::AppendAudit(db, entry); });
}

void ReportServer::OnCommitted(const std::vector<store::WriteOutcome>& outcomes) {
  for (const store::WriteOutcome& outcome : outcomes) {
    switch (outcome.status) {
      case store::WriteStatus::kStored:
        ++stats_.stored;
        break;
      case store::WriteStatus::kDuplicate:
        ++stats_.duplicates;
        break;
      case store::WriteStatus::kIdTaken:
        ++stats_.rejected;
        ++stats_.rejected_by_reason[core::RejectReason::kReportIdTaken];
        break;
      case store::WriteStatus::kFailed:
        ++stats_.store_failures;
        break;
    }
    SendAck(outcome.reply_to, AckFor(outcome));
  }
  UpdateBackpressure();
  if (watcher_) watcher_->Kick();  // our sends may have consumed the FD's edge
}

void ReportServer::SendAck(const std::string& routing_id, const wire::Ack& ack) {
  const std::string frame = wire::EncodeAckFrame(ack);
  try {
    if (!socket_.send(zmq::buffer(routing_id),
                      zmq::send_flags::sndmore | zmq::send_flags::dontwait) ||
        !socket_.send(zmq::buffer(frame), zmq::send_flags::dontwait)) {
      ++stats_.unroutable_acks;  // high-water mark reached; the agent will resend
    }
  } catch (const zmq::error_t& e) {
    ++stats_.unroutable_acks;  // EHOSTUNREACH: the agent disconnected; it will resend
    spdlog::debug("ingest: ack for {} not delivered: {}", core::LogSafe(ack.report_id), e.what());
  }
}

void ReportServer::StopReceiving() {
  receiving_stopped_ = true;
  if (watcher_) watcher_->set_paused(true);
}

void ReportServer::LingerOnClose(std::chrono::milliseconds linger) {
  socket_.set(zmq::sockopt::linger, static_cast<int>(linger.count()));
}

void ReportServer::UpdateBackpressure() {
  if (!watcher_ || receiving_stopped_) return;
  const size_t depth = writer_.QueueDepth();
  if (!watcher_->paused() && depth >= options_.max_pending) {
    watcher_->set_paused(true);
    spdlog::warn("ingest: {} reports wait for the store; pausing reads", depth);
  } else if (watcher_->paused() && depth < options_.max_pending / 2) {
    watcher_->set_paused(false);
    watcher_->Kick();
  }
}

}  // namespace pingan::ingest
