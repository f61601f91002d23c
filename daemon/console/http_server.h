// HttpServer: the Boost.Beast listener of the HTTP API, on the daemon's io_context.
//
// One Listener accepts; each connection gets an HttpSession (do_read/on_read, one
// write in flight, keep-alive) that hands each request to the Router and writes its
// answer when the Router hands it back (at once for io routes, later for routes its
// worker pools run: the session reads nothing more meanwhile). Bodies are limited
// (`body_limit`: 64 KiB unless set; the daemon allows 8 MiB for school imports) and
// every read and write has a timeout, so a slow or silent peer cannot hold a
// connection.
//
// TLS: with `options.tls` set the listener speaks HTTPS only (no plain HTTP on the same
// port). The session code is one template over the stream type (plain TCP or TLS over
// TCP), so both behave alike; a TLS connection first completes its handshake within
// `handshake_timeout`, and a failed or silent handshake (say, a plain-HTTP client)
// just closes that one connection. Requests then carry `tls = true` (cookies get
// Secure) and every answer, event streams included, carries Strict-Transport-Security.
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

#include "daemon/console/router.h"
#include "daemon/console/tls_context.h"

namespace pingan::console {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (tests)
  size_t body_limit = 64 * 1024;
  std::chrono::seconds timeout{30};
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

 private:
  class Listener;
  boost::asio::io_context& io_;
  const Router& router_;
  HttpServerOptions options_;
  std::shared_ptr<Listener> listener_;
};

// Splits "host:port" ("127.0.0.1:8080", "[::1]:8080"); nullopt when malformed.
std::optional<std::pair<std::string, unsigned short>> ParseListen(const std::string& text);

}  // namespace pingan::console
