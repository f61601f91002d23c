// HttpServer: the Boost.Beast listener of the HTTP API, on the daemon's io_context.
//
// One Listener accepts; each connection gets an HttpSession (do_read/on_read, one
// write in flight, keep-alive) that hands each request to the Router and writes its
// answer when the Router hands it back (at once for io routes, later for routes its
// worker pools run: the session reads nothing more meanwhile).
//
// Bounded for an unauthenticated peer (see docs/security.md): connections are capped
// in all and per address (ConnectionLimits; over a cap the connection is closed at
// once), accept errors such as EMFILE back off instead of spinning, headers are
// limited (431), and the body is read only after the Router admitted the head: its
// route's limit for a caller it authenticated, 4 KiB for login, nothing for unknown
// paths or refused callers (413 beyond the limit; `body_limit` caps every route).
// Every read and write has a timeout, so a slow or silent peer cannot hold a
// connection. Behind a reverse proxy listed in `trusted_proxies` the client's address
// and scheme come from its X-Forwarded-* headers (forwarded.h).
//
// TLS: with `options.tls` set the listener speaks HTTPS only (no plain HTTP on the same
// port). The session code is one template over the stream type (plain TCP or TLS over
// TCP), so both behave alike; a TLS connection first completes its handshake within
// `handshake_timeout`, and a failed or silent handshake (say, a plain-HTTP client)
// just closes that one connection. Requests then carry `tls = true` (cookies get
// Secure) and every answer, event streams included, carries Strict-Transport-Security;
// so do requests a trusted proxy marks `X-Forwarded-Proto: https`.
// Threading: sockets, sessions and the Router's matching run on the io_context's one
// thread; route handlers run where `executors` put them. The Router and the executors'
// pools must outlive the server.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "daemon/console/connection_limits.h"
#include "daemon/console/forwarded.h"
#include "daemon/console/router.h"
#include "daemon/console/tls_context.h"

namespace pingan::console {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;     // 0: any free port (tests)
  size_t body_limit = 64 * 1024;  // the ceiling of every route's own limit
  size_t header_limit = 16 * 1024;
  std::chrono::seconds timeout{30};
  ConnectionCaps connections;
  TrustedProxies trusted_proxies;
  // HTTPS when set (see tls_context.h); null: plain HTTP.
  TlsContextPtr tls;
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds{10}};
  // Where pool routes run (see router.h); Inline: on the io thread (tests).
  Executors executors = Executors::Inline();
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, const Router& router, HttpServerOptions options);
  ~HttpServer();

  // Binds and starts accepting. Throws std::runtime_error naming the address.
  void Start();
  // Stops accepting (open connections end on their own timeouts).
  void Stop();
  unsigned short port() const;
  const ConnectionLimits& connections() const { return *limits_; }

 private:
  class Listener;
  boost::asio::io_context& io_;
  const Router& router_;
  HttpServerOptions options_;
  std::shared_ptr<ConnectionLimits> limits_;
  std::shared_ptr<Listener> listener_;
};

// Splits "host:port" ("127.0.0.1:8080", "[::1]:8080"); nullopt when malformed.
std::optional<std::pair<std::string, unsigned short>> ParseListen(const std::string& text);

}  // namespace pingan::console
