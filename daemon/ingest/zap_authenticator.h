// ZapAuthenticator: decides which CURVE clients may connect, and who they are.
//
// Implements the ZeroMQ Authentication Protocol (ZAP, RFC 27) on a REP socket bound
// to inproc://zeromq.zap.01 in the daemon's context. libzmq accepts every client key
// when no ZAP handler runs, so the daemon must Bind() this before binding its ROUTER
// (fail closed). A known school key is answered "200" with the school id as the ZAP
// user id, which libzmq then attaches to every message ("User-Id" property). Runs on
// the io_context thread (via ZmqWatcher); not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <zmq.hpp>

#include "daemon/ingest/curve_keys.h"
#include "daemon/ingest/zmq_watcher.h"

namespace pingan::ingest {

class ZapAuthenticator {
 public:
  ZapAuthenticator(boost::asio::io_context& io, zmq::context_t& context);
  ~ZapAuthenticator();

  // Binds the ZAP endpoint and starts answering. Throws if it cannot bind (e.g.
  // another handler is already bound in this context).
  void Bind();
  // Replaces the set of allowed keys (e.g. after `keys enroll/revoke` or SIGHUP).
  // Connections already authenticated stay up; new handshakes use the new set.
  void SetSchoolKeys(const wire::SchoolKeys& keys);
  size_t allowed_keys() const { return school_by_key_.size(); }
  uint64_t accepted() const { return accepted_; }
  uint64_t denied() const { return denied_; }

 private:
  void HandleRequests();
  void SendReply(std::string_view request_id, std::string_view status_code,
                 std::string_view status_text, std::string_view user_id);
  std::string Authenticate(const std::string& mechanism, const std::string& credentials,
                           std::string& status_text);

  zmq::socket_t socket_;
  std::unique_ptr<ZmqWatcher> watcher_;
  boost::asio::io_context& io_;
  std::map<std::string, std::string> school_by_key_;  // 32-byte binary key -> school id
  uint64_t accepted_ = 0;
  uint64_t denied_ = 0;
};

}  // namespace pingan::ingest
