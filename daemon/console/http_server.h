// HttpServer: the Boost.Beast listener of the HTTP API, on the daemon's io_context.
//
// One Listener accepts; each connection gets an HttpSession (do_read/on_read, one
// write in flight, keep-alive) that hands each request to the Router, a pure function,
// and writes its answer. Bodies are limited (64 KiB) and every read and write has a
// timeout, so a slow or silent peer cannot hold a connection. Plain HTTP only: TLS is
// expected from a reverse proxy for now (the config refuses tls keys, see config.h).
// Threading: everything runs on the io_context's one thread; the Router must outlive
// the server.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "daemon/console/router.h"

namespace pingan::console {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (tests)
  size_t body_limit = 64 * 1024;
  std::chrono::seconds timeout{30};
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
