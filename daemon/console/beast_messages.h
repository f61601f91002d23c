// The conversions between Boost.Beast's HTTP messages and the Router's plain Request
// and Response (http_types.h), shared by the HttpServer and the router fuzz target
// (tests/fuzz/http_router_fuzz.cc), which feeds them the bytes a peer could send.
// Pure functions; any thread.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "daemon/console/forwarded.h"
#include "daemon/console/http_types.h"

namespace pingan::console {

// The Router's view of a request: header names lower-case, the client's address and
// scheme resolved from `peer` (and X-Forwarded-* when `peer` is a trusted proxy).
Request ToRequest(const boost::beast::http::request<boost::beast::http::string_body>& in,
                  const std::string& peer, bool tls, const TrustedProxies& proxies);

// The answer as Beast writes it: Server header, HSTS over TLS, Content-Length.
boost::beast::http::response<boost::beast::http::string_body> ToBeast(const Response& in,
                                                                      unsigned version,
                                                                      bool keep_alive, bool tls);

// The head of a streaming answer (no length; the connection closes when it ends).
std::string StreamHead(const Response& res, bool tls);

}  // namespace pingan::console
