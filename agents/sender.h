// Sender: delivers the spool's pending reports to the daemon and records the answers.
//
// Connects lazily when something is due, keeps at most `max_in_flight` reports
// unanswered, matches acks to reports by report_id, and writes every answer to the
// spool. A report with no ack within `ack_timeout` is rescheduled with exponential
// backoff and jitter; when nothing at all came back from the endpoint meanwhile, the
// connection is dropped and the next endpoint is tried (failover, round robin). After
// `idle_close` without traffic the connection is closed: an idle ZeroMQ connection
// costs the daemon ~30 KiB and half a million schools cannot all stay connected.
// The endpoint that answered last is remembered in the spool, and a new Sender (a new
// CLI command, a restarted service) starts with it.
//
// Every time decision (ack timeout, backoff, idle close) reads the injected Clock; the
// only wall-clock wait is the socket poll, at most `poll_slice` per Step. Tests drive
// Step by hand and move a FakeClock between calls.
//
// Threading: one thread per Sender (it owns a ZeroMQ socket and uses the Spool).
// Several Senders may share one zmq::context_t (e.g. a load generator running many
// simulated schools in one process), each with its own Spool.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "agents/backoff.h"
#include "agents/connection.h"
#include "agents/spool.h"
#include "daemon/core/clock.h"
#include "daemon/ingest/codec.h"

namespace pingan::agent {

struct SenderOptions {
  std::vector<std::string> endpoints;  // ZeroMQ endpoints, tried in order on failover
  bool insecure_dev = false;           // no CURVE (only for a daemon in --insecure-dev)
  std::string server_public_key;       // the daemon's Z85 public key (CURVE)
  wire::CurveKeyPair client_keys;      // the school's keypair (CURVE)
  core::Millis ack_timeout{std::chrono::seconds{10}};
  core::Millis idle_close{std::chrono::seconds{30}};
  BackoffPolicy retry;  // when to resend an unanswered or transiently rejected report
  // ZMQ_RECONNECT_IVL for each new socket is drawn from [ivl, 2*ivl) so that agents do
  // not reconnect in step; ZMQ_RECONNECT_IVL_MAX caps libzmq's own backoff.
  core::Millis reconnect_ivl{1000};
  core::Millis reconnect_ivl_max{60000};
  core::Millis handshake_ivl{10000};
  size_t max_in_flight = 64;
  core::Millis poll_slice{20};           // longest wall-clock wait in one Step (<= 50 ms)
  std::shared_ptr<RandomSource> random;  // jitter source; nullptr = SodiumRandom
};

// "" when usable, else what is wrong (e.g. "no endpoint configured").
std::string CheckSenderOptions(const SenderOptions& options);

struct SenderStats {
  uint64_t sent = 0;  // frames handed to ZeroMQ (resends included)
  uint64_t stored = 0;
  uint64_t duplicates = 0;
  uint64_t rejected = 0;              // permanent rejections
  uint64_t transient_rejections = 0;  // e.g. store_unavailable: rescheduled
  uint64_t timeouts = 0;              // reports that got no ack within ack_timeout
  uint64_t failovers = 0;             // connections dropped for silence
  uint64_t connects = 0;
  uint64_t idle_closes = 0;
  uint64_t unmatched_acks = 0;  // acks for reports not in flight (late or unknown)
  uint64_t bad_frames = 0;      // frames that are not acks
};

struct StepResult {
  bool busy = false;  // reports in flight or just sent: call Step again at once
  size_t in_flight = 0;
};

class Sender {
 public:
  // Throws std::invalid_argument when CheckSenderOptions fails. The first form owns a
  // private zmq::context_t; the second shares the caller's, which must outlive it.
  Sender(Spool& spool, const core::Clock& clock, SenderOptions options);
  Sender(zmq::context_t& context, Spool& spool, const core::Clock& clock, SenderOptions options);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // One bounded round: send what is due (up to the window), wait up to poll_slice for
  // acks, record them, handle ack timeouts and failover, close an idle connection.
  StepResult Step();
  // Steps until nothing is in flight or due, or until `deadline` (injected clock).
  // With a clock that stands still it returns only once everything due is answered;
  // tests of silent daemons call Step and move their FakeClock instead.
  void Flush(core::Instant deadline);
  // When an idle Sender next has work without new reports: the earliest pending
  // resend or the idle close. nullopt when there is none.
  std::optional<core::Instant> NextWakeup();
  // Drops the connection. Reports in flight stay pending and are resent after their
  // resend guard (ack_timeout after sending).
  void Close();

  bool connected() const { return connection_ != nullptr; }
  const std::string& endpoint() const { return options_.endpoints[endpoint_index_]; }
  // The last connection problem seen ("" when none), e.g. a failed CURVE handshake.
  const std::string& last_problem() const { return last_problem_; }
  const SenderStats& stats() const { return stats_; }

  // Called for every ack applied to the spool, with the time since the report was sent;
  // round_trip is nullopt for a late ack (one that came after its report's ack timeout),
  // which the spool still takes when it is final (stored, duplicate, refused for good).
  using AckObserver = std::function<void(const wire::Ack&, std::optional<core::Millis> round_trip)>;
  void set_ack_observer(AckObserver observer) { observer_ = std::move(observer); }

 private:
  struct InFlight {
    core::Instant sent_at;
    int attempts;  // including this send
    core::Millis last_backoff;
  };

  void StartWithLastGoodEndpoint();
  size_t FillWindow(core::Instant now);
  void Connect(core::Instant now);
  void ReceiveAcks();
  void ApplyAck(const wire::Ack& ack, core::Instant now);
  void HandleTimeouts(core::Instant now);
  void Reschedule(const std::string& report_id, const InFlight& entry, const std::string& error);
  void MaybeCloseIdle(core::Instant now);

  std::unique_ptr<zmq::context_t> owned_context_;
  zmq::context_t& context_;
  Spool& spool_;
  const core::Clock& clock_;
  SenderOptions options_;
  std::unique_ptr<DaemonConnection> connection_;
  size_t endpoint_index_ = 0;
  std::optional<size_t> last_good_index_;  // as recorded in the spool
  std::map<std::string, InFlight> in_flight_;
  core::Instant last_activity_{};             // last send or ack on this connection
  std::optional<core::Instant> last_ack_at_;  // on this connection
  std::string last_problem_;
  SenderStats stats_;
  AckObserver observer_;
};

}  // namespace pingan::agent
