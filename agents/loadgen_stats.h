// LoadStats: what one load generator worker saw, and the sum over all of them: acks,
// errors by kind, connections, reconnects, ack latencies and how far sends fell behind
// their schedule. Merged across threads and (as JSON through a pipe) across processes;
// printed as text or JSON. A value; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "agents/loadgen_histogram.h"
#include "agents/loadgen_schedule.h"

namespace pingan::agent::loadgen {

struct LoadErrors {
  uint64_t timeout = 0;           // no ack within the ack timeout, connection looked fine
  uint64_t connect_failed = 0;    // the TCP connection could not be made
  uint64_t key_refused = 0;       // the daemon's ZAP handler refused the school's key
  uint64_t handshake_failed = 0;  // CURVE handshake failed otherwise (wrong server key)
  uint64_t connection_lost = 0;   // connected, then dropped before the ack
  uint64_t send_failed = 0;       // the DEALER's queue was full (never sent)
  uint64_t nack = 0;              // the daemon answered "rejected" (by reason below)
  std::map<std::string, uint64_t> nack_reasons;
  uint64_t total() const {
    return timeout + connect_failed + key_refused + handshake_failed + connection_lost +
           send_failed + nack;
  }
};

struct LoadStats {
  uint64_t scheduled = 0;   // reports due in the run
  uint64_t sent = 0;        // handed to a connection
  uint64_t stored = 0;      // acked "stored"
  uint64_t duplicates = 0;  // acked "duplicate"
  LoadErrors errors;
  uint64_t late_acks = 0;     // acks after their timeout (already counted as errors)
  uint64_t bad_frames = 0;    // frames that were not acks of a report in flight
  uint64_t connections = 0;   // DEALER connections opened
  uint64_t reconnects = 0;    // handshakes beyond the first on one connection
  uint64_t socket_waits = 0;  // fresh reports that waited for closed connections' sockets
  Micros first_send{0};       // monotonic clock; 0 = none
  Micros last_ack{0};
  Micros max_send_lag{0};  // latest send behind its scheduled time
  LatencyHistogram latency;

  uint64_t acked() const { return stored + duplicates; }
  void NoteSend(Micros at, Micros due);
  void NoteAck(Micros at) { last_ack = std::max(last_ack, at); }
  void Merge(const LoadStats& other);
  // Acks a second between the first send and the last ack.
  double AchievedRate() const;

  nlohmann::json ToJson() const;  // complete (histogram included): for merging
  static LoadStats FromJson(const nlohmann::json& json);
  // The summary for people (--json prints it as JSON): counts, errors, latency
  // percentiles in milliseconds, rates.
  nlohmann::json Summary(const Schedule& schedule) const;

 private:
  nlohmann::json CountsJson() const;
};

std::string FormatSummary(const nlohmann::json& summary);

}  // namespace pingan::agent::loadgen
