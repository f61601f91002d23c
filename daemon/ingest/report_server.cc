#include "daemon/ingest/report_server.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "daemon/store/audit_log.h"

namespace pingan::ingest {
namespace {

// The school the connection authenticated as, or "" when there is none (insecure mode).
std::string AuthenticatedSchool(zmq::message_t& msg) {
  const char* user = zmq_msg_gets(msg.handle(), "User-Id");
  return user == nullptr ? "" : user;
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
                           ReportServerOptions options)
    : io_(io),
      writer_(writer),
      clock_(clock),
      options_(std::move(options)),
      socket_(context, zmq::socket_type::router) {
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
}

std::string ReportServer::Bind(bool zap_handler_running) {
  if (!options_.insecure_dev && !zap_handler_running) {
    // libzmq lets every CURVE client in when no ZAP handler answers: fail closed.
    throw std::logic_error("refusing to bind the report socket without a ZAP handler");
  }
  socket_.bind(options_.endpoint);
  watcher_ = std::make_unique<ZmqWatcher>(io_, socket_, [this] { ReceiveOne(); });
  watcher_->Start();
  return socket_.get(zmq::sockopt::last_endpoint);
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
  const std::string id = routing_id.to_string();
  if (parts.size() != 1) {
    Reject(id, "", {core::RejectReason::kMalformed, "expected exactly one frame per report"});
    return;
  }
  Handle(id, parts[0]);
  UpdateBackpressure();
}

void ReportServer::Handle(const std::string& routing_id, zmq::message_t& payload) {
  auto decoded = wire::DecodeReportFrame(payload.to_string_view());
  if (auto* failure = std::get_if<wire::DecodeFailure>(&decoded)) {
    Reject(routing_id, failure->report_id, failure->rejection);
    return;
  }
  core::Report& report = std::get<core::Report>(decoded);
  const core::Instant now = clock_.Now();
  if (auto rejection = core::ValidateReport(report, now, options_.limits)) {
    Reject(routing_id, report.report_id, *rejection);
    return;
  }
  const std::string key_school = AuthenticatedSchool(payload);
  if (!options_.insecure_dev && key_school != report.school_id) {
    AuditMismatch(key_school, report);
    Reject(routing_id, report.report_id,
           {core::RejectReason::kSchoolMismatch,
            "this key belongs to school '" + key_school + "', not '" + report.school_id + "'"});
    return;
  }
  writer_.Submit(store::WriteRequest{store::IncomingReport{std::move(report), now}, routing_id});
}

void ReportServer::Reject(const std::string& routing_id, const std::string& report_id,
                          const core::Rejection& rejection) {
  ++stats_.rejected;
  spdlog::info("ingest: rejected report {}: {} ({})", report_id.empty() ? "-" : report_id,
               core::RejectReasonName(rejection.reason), rejection.detail);
  SendAck(routing_id,
          wire::Ack{report_id, wire::AckStatus::kRejected, rejection.reason, rejection.detail});
}

void ReportServer::AuditMismatch(const std::string& key_school, const core::Report& report) {
  spdlog::warn("ingest: key of school {} sent a report claiming school {}", key_school,
               report.school_id);
  store::AuditEntry entry{clock_.Now(), "school:" + key_school, "report.rejected.school_mismatch",
                          report.report_id, "claimed school_id " + report.school_id};
  writer_.Post([entry](store::Database& db) { store::AppendAudit(db.sql(), entry); });
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
    spdlog::debug("ingest: ack for {} not delivered: {}", ack.report_id, e.what());
  }
}

void ReportServer::UpdateBackpressure() {
  if (!watcher_) return;
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
