// HttpCall: one HTTP/1.1 request to a pingand on loopback, on a fresh connection, for
// black-box tests. Answers status 0 when the connection was refused, closed or timed
// out (bounded by `timeout`), so a test of a broken daemon fails instead of hanging.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace pingan::testing {

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string content_type;
};

inline HttpAnswer HttpCall(int port, boost::beast::http::verb method, const std::string& target,
                           const std::string& body = "",
                           const std::map<std::string, std::string>& headers = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  using tcp = boost::asio::ip::tcp;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  beast::error_code ec;
  stream.connect(
      tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
      ec);
  if (ec) return {};
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req, ec);
  if (ec) return {};
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  if (ec) return {};
  return {static_cast<int>(res.result_int()), res.body(),
          std::string(res[http::field::content_type])};
}

}  // namespace pingan::testing
