// ZapAuthenticator: decides which CURVE clients may connect, and who they are.
//
// Implements the ZeroMQ Authentication Protocol (ZAP, RFC 27) on a REP socket bound
// to inproc://zeromq.zap.01 in the daemon's context. libzmq accepts every client key
// when no ZAP handler runs, so the daemon must Bind() this before binding its ROUTER
// (fail closed). A known school key is answered "200" with the school id as the ZAP
// user id and the key itself as metadata (kKeyProperty); libzmq attaches both to every
// message of that connection ("User-Id" and "X-Pingan-Key" properties), so that the
// ReportServer can ask IsCurrent per message and refuse a key revoked or replaced
// while its connection stays open. Refused handshakes are counted per reason and
// logged through a PeerLog (a few lines per address and minute). Runs on the
// io_context thread (via ZmqWatcher); not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <zmq.hpp>

#include "daemon/core/clock.h"
#include "daemon/core/log_limiter.h"
#include "daemon/ingest/curve_keys.h"
#include "daemon/ingest/peer_log.h"
#include "daemon/ingest/zmq_watcher.h"

namespace pingan::ingest {

// The message property (ZAP metadata) holding the Z85 public key a connection
// authenticated with.
inline constexpr const char* kKeyProperty = "X-Pingan-Key";

struct ZapStats {
  uint64_t accepted = 0;
  uint64_t denied_unknown_key = 0;  // a CURVE key not (or no longer) enrolled
  uint64_t denied_mechanism = 0;    // NULL or PLAIN where CURVE is required
  uint64_t malformed_requests = 0;  // from libzmq itself: a defect, not a peer
  uint64_t log_lines_suppressed = 0;
  uint64_t denied() const { return denied_unknown_key + denied_mechanism; }
};

class ZapAuthenticator {
 public:
  using RawKey = std::array<uint8_t, 32>;
  // Curve25519 public keys are uniformly random: any eight of their bytes are a hash
  // (the map mixes them further).
  struct RawKeyHash {
    size_t operator()(const RawKey& key) const {
      size_t h;
      std::memcpy(&h, key.data(), sizeof h);
      return h;
    }
  };
  // The allowed keys, raw key -> school id. Asked on every handshake and every message
  // (IsCurrent), for up to a nation's schools: one flat open-addressing table (~120 B a
  // school) rather than a tree of heap nodes (~160 B, ~20 cache misses a lookup).
  using KeyTable = boost::unordered_flat_map<RawKey, std::string, RawKeyHash>;
  // Any thread: a national key set takes a while to build, off the io thread.
  static KeyTable BuildKeyTable(const wire::SchoolKeys& keys);

  // `clock` paces the refusal log (real time: a drill clock must not open the flood).
  ZapAuthenticator(boost::asio::io_context& io, zmq::context_t& context, const core::Clock& clock,
                   core::LogLimits log_limits = {});
  ~ZapAuthenticator();

  // Binds the ZAP endpoint and starts answering. Throws if it cannot bind (e.g.
  // another handler is already bound in this context).
  void Bind();
  // Puts `table` in force (e.g. after `keys enroll/revoke` or SIGHUP); `table` gets the
  // previous set, for the caller to free. Connections already authenticated stay up
  // while their key stays; new handshakes use the new set.
  void SwapKeyTable(KeyTable& table);
  // BuildKeyTable and SwapKeyTable at once (start-up, tests).
  void SetSchoolKeys(const wire::SchoolKeys& keys);
  size_t allowed_keys() const { return school_by_key_.size(); }
  // Whether `key_z85` is, in the current key set, the key of `school`: false once the
  // key was revoked or replaced (SetSchoolKeys), and for anything that is not a key.
  bool IsCurrent(std::string_view school, std::string_view key_z85) const;
  ZapStats stats() const;

 private:
  void HandleRequests();
  void SendReply(std::string_view request_id, std::string_view status_code,
                 std::string_view status_text, std::string_view user_id, std::string_view key_z85);
  std::string Authenticate(const std::string& mechanism, const std::string& credentials,
                           std::string& status_text);
  void LogRefusal(const std::string& mechanism, const std::string& credentials,
                  std::string_view address, const std::string& status_text);

  static bool ToRawKey(std::string_view bytes, RawKey& out);

  zmq::socket_t socket_;
  std::unique_ptr<ZmqWatcher> watcher_;
  boost::asio::io_context& io_;
  KeyTable school_by_key_;
  ZapStats stats_;
  PeerLog log_;
};

}  // namespace pingan::ingest
