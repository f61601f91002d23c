#include "agents/sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "daemon/core/local_time.h"

namespace pingan::agent {
namespace {

// Spool setting: the endpoint that answered last; a new Sender starts there.
constexpr const char* kLastGoodEndpoint = "last_good_endpoint";

SenderOptions Validated(SenderOptions options) {
  if (auto problem = CheckSenderOptions(options); !problem.empty()) {
    throw std::invalid_argument("sender options: " + problem);
  }
  if (!options.random) options.random = std::make_shared<SodiumRandom>();
  return options;
}

}  // namespace

std::string CheckSenderOptions(const SenderOptions& o) {
  if (o.endpoints.empty()) return "no daemon endpoint configured";
  for (const auto& e : o.endpoints) {
    if (e.find("://") == std::string::npos) {
      return "endpoint '" + e + "' is not a ZeroMQ endpoint like tcp://pingan.example.org:7450";
    }
  }
  if (!o.insecure_dev) {
    if (!wire::IsZ85Key(o.server_public_key)) {
      return "the daemon's public key is missing or not a 40-character Z85 key";
    }
    if (!wire::IsZ85Key(o.client_keys.public_z85) || !wire::IsZ85Key(o.client_keys.secret_z85)) {
      return "the school's keypair is missing or invalid";
    }
  }
  if (o.ack_timeout <= core::Millis{0}) return "ack timeout must be positive";
  if (o.idle_close < core::Millis{0}) return "idle close must not be negative";
  if (o.max_in_flight == 0) return "max in flight must be at least 1";
  if (o.poll_slice <= core::Millis{0} || o.poll_slice > core::Millis{50}) {
    return "poll slice must lie in 1..50 ms";
  }
  if (o.reconnect_ivl <= core::Millis{0}) return "reconnect interval must be positive";
  return CheckBackoffPolicy(o.retry);
}

Sender::Sender(Spool& spool, const core::Clock& clock, SenderOptions options)
    : owned_context_(std::make_unique<zmq::context_t>(1)),
      context_(*owned_context_),
      spool_(spool),
      clock_(clock),
      options_(Validated(std::move(options))) {
  StartWithLastGoodEndpoint();
}

Sender::Sender(zmq::context_t& context, Spool& spool, const core::Clock& clock,
               SenderOptions options)
    : context_(context), spool_(spool), clock_(clock), options_(Validated(std::move(options))) {
  StartWithLastGoodEndpoint();
}

void Sender::StartWithLastGoodEndpoint() {
  const auto last_good = spool_.GetSetting(kLastGoodEndpoint);
  if (!last_good) return;
  const auto& endpoints = options_.endpoints;
  const auto it = std::find(endpoints.begin(), endpoints.end(), *last_good);
  if (it == endpoints.end()) return;
  endpoint_index_ = static_cast<size_t>(it - endpoints.begin());
  last_good_index_ = endpoint_index_;
}

Sender::~Sender() {
  Close();
}

StepResult Sender::Step() {
  const core::Instant now = clock_.Now();
  HandleTimeouts(now);
  FillWindow(now);
  if (in_flight_.empty()) {
    MaybeCloseIdle(now);
    return StepResult{false, 0};
  }
  ReceiveAcks();
  return StepResult{true, in_flight_.size()};
}

void Sender::Flush(core::Instant deadline) {
  while (Step().busy && clock_.Now() < deadline) {
  }
}

std::optional<core::Instant> Sender::NextWakeup() {
  std::optional<core::Instant> next = spool_.Counts().next_attempt_at;
  auto earlier = [&next](core::Instant t) { next = next ? std::min(*next, t) : t; };
  for (const auto& [id, entry] : in_flight_) earlier(entry.sent_at + options_.ack_timeout);
  if (connection_ && in_flight_.empty()) earlier(last_activity_ + options_.idle_close);
  return next;
}

void Sender::Close() {
  connection_.reset();
  in_flight_.clear();
  last_ack_at_.reset();
}

size_t Sender::FillWindow(core::Instant now) {
  if (in_flight_.size() >= options_.max_in_flight) return 0;
  auto due = spool_.DuePending(now, options_.max_in_flight - in_flight_.size());
  if (due.empty()) return 0;
  if (!connection_) Connect(now);
  size_t sent = 0;
  Spool::Batch batch(spool_);
  for (const DueReport& report : due) {
    if (in_flight_.contains(report.report_id)) continue;
    if (!connection_->TrySend(report.frame)) break;  // queue full: the rest waits
    spool_.MarkSent(report.report_id, now + options_.ack_timeout);
    in_flight_.emplace(report.report_id, InFlight{now, report.attempts + 1, report.last_backoff});
    ++sent;
  }
  batch.Commit();
  stats_.sent += sent;
  if (sent > 0) last_activity_ = now;
  return sent;
}

void Sender::Connect(core::Instant now) {
  ConnectionSettings settings;
  settings.insecure_dev = options_.insecure_dev;
  settings.server_public_key = options_.server_public_key;
  settings.client_keys = options_.client_keys;
  // Jitter on our side: libzmq's reconnect interval is the same for every agent.
  const double jitter = options_.random->Uniform01();
  settings.reconnect_ivl =
      options_.reconnect_ivl + core::Millis{static_cast<int64_t>(
                                   jitter * static_cast<double>(options_.reconnect_ivl.count()))};
  settings.reconnect_ivl_max = options_.reconnect_ivl_max;
  settings.handshake_ivl = options_.handshake_ivl;
  settings.max_message_bytes = wire::kMaxFrameBytes;
  connection_ = std::make_unique<DaemonConnection>(context_, endpoint(), settings);
  last_activity_ = now;
  last_ack_at_.reset();
  ++stats_.connects;
  spdlog::debug("connecting to {}", endpoint());
}

void Sender::ReceiveAcks() {
  const auto frames = connection_->Receive(options_.poll_slice);
  if (!connection_->problem().empty()) last_problem_ = connection_->problem();
  if (frames.empty()) return;
  const core::Instant now = clock_.Now();
  Spool::Batch batch(spool_);
  for (const std::string& frame : frames) {
    if (auto ack = wire::DecodeAckFrame(frame)) {
      ApplyAck(*ack, now);
    } else {
      ++stats_.bad_frames;
    }
  }
  if (!last_ack_at_ && endpoint_index_ != last_good_index_) {
    spool_.PutSetting(kLastGoodEndpoint, endpoint());  // first answer on this connection
    last_good_index_ = endpoint_index_;
  }
  batch.Commit();
  last_activity_ = now;
  last_ack_at_ = now;
  last_problem_.clear();  // the daemon answers: whatever went wrong before is over
}

void Sender::ApplyAck(const wire::Ack& ack, core::Instant now) {
  const bool permanent = ack.reason && !core::IsTransient(*ack.reason);
  auto it = in_flight_.find(ack.report_id);
  if (it == in_flight_.end()) {
    // A late answer: still authoritative when it is final (stored or refused for good).
    ++stats_.unmatched_acks;
    bool applied = false;
    if (ack.status != wire::AckStatus::kRejected) {
      applied = spool_.MarkAcked(ack.report_id, ack.status);
    } else if (permanent) {
      applied = spool_.MarkRejected(ack.report_id, *ack.reason, ack.detail);
    }
    if (applied && observer_) observer_(ack, std::nullopt);
    return;
  }
  const InFlight entry = it->second;
  in_flight_.erase(it);
  switch (ack.status) {
    case wire::AckStatus::kStored:
    case wire::AckStatus::kDuplicate:
      spool_.MarkAcked(ack.report_id, ack.status);
      ++(ack.status == wire::AckStatus::kStored ? stats_.stored : stats_.duplicates);
      break;
    case wire::AckStatus::kRejected:
      if (permanent) {
        spool_.MarkRejected(ack.report_id, *ack.reason, ack.detail);
        ++stats_.rejected;
        spdlog::warn("report {} rejected by the daemon: {} {}", ack.report_id,
                     core::RejectReasonName(*ack.reason), ack.detail);
      } else {
        // A rejection without a reason is treated as transient: resending is safe.
        const char* reason = ack.reason ? core::RejectReasonName(*ack.reason) : "no reason";
        Reschedule(ack.report_id, entry, std::string("rejected: ") + reason + " " + ack.detail);
        ++stats_.transient_rejections;
      }
      break;
  }
  if (observer_) observer_(ack, now - entry.sent_at);
}

void Sender::HandleTimeouts(core::Instant now) {
  std::vector<std::string> expired;
  core::Instant oldest = core::Instant::max();
  for (const auto& [id, entry] : in_flight_) {
    if (entry.sent_at + options_.ack_timeout > now) continue;
    expired.push_back(id);
    oldest = std::min(oldest, entry.sent_at);
  }
  if (expired.empty()) return;
  stats_.timeouts += expired.size();
  // If the daemon answered anything since the oldest expired report was sent, the
  // endpoint works and only those reports are rescheduled; otherwise it is silent and
  // everything in flight moves on to the next endpoint.
  const bool alive = last_ack_at_ && *last_ack_at_ >= oldest;
  std::string error = "no acknowledgement from " + endpoint() + " within " +
                      core::FormatDuration(options_.ack_timeout);
  if (!last_problem_.empty()) error += " (" + last_problem_ + ")";
  Spool::Batch batch(spool_);
  if (alive) {
    for (const auto& id : expired) {
      Reschedule(id, in_flight_.at(id), error);
      in_flight_.erase(id);
    }
  } else {
    for (const auto& [id, entry] : in_flight_) Reschedule(id, entry, error);
    in_flight_.clear();
  }
  batch.Commit();
  if (alive) return;
  spdlog::warn("{}; trying the next endpoint", error);
  connection_.reset();
  last_ack_at_.reset();
  endpoint_index_ = (endpoint_index_ + 1) % options_.endpoints.size();
  ++stats_.failovers;
}

void Sender::Reschedule(const std::string& report_id, const InFlight& entry,
                        const std::string& error) {
  const core::Millis delay =
      BackoffDelay(options_.retry, entry.attempts, entry.last_backoff, *options_.random);
  spool_.MarkAttemptFailed(report_id, error, delay);
}

void Sender::MaybeCloseIdle(core::Instant now) {
  if (!connection_ || !in_flight_.empty()) return;
  if (now - last_activity_ < options_.idle_close) return;
  spdlog::debug("closing idle connection to {}", endpoint());
  connection_.reset();
  last_ack_at_.reset();
  ++stats_.idle_closes;
}

}  // namespace pingan::agent
