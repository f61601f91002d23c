// One real socket: the Beast server on 127.0.0.1 port 0 answers through the Router,
// keeps the connection alive between requests, and refuses oversized bodies. Plus the
// `http:` configuration section.
#include <gtest/gtest.h>

#include <thread>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "daemon/config/config.h"
#include "daemon/console/http_server.h"
#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using nlohmann::json;

class HttpServerTest : public ApiFixture {};

TEST_F(HttpServerTest, AnswersOverARealSocketWithKeepAlive) {
  boost::asio::io_context io;
  HttpServerOptions options;
  options.port = 0;
  options.body_limit = 1024;
  HttpServer server(io, router_, options);
  server.Start();
  ASSERT_NE(server.port(), 0);
  std::thread loop([&io] { io.run(); });

  boost::asio::io_context client_io;
  beast::tcp_stream stream(client_io);
  stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port()));
  beast::flat_buffer buffer;
  auto exchange = [&](http::request<http::string_body> req) {
    req.set(http::field::host, "127.0.0.1");
    req.prepare_payload();
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    return res;
  };
  auto unauth = exchange({http::verb::get, "/api/v1/session", 11});
  EXPECT_EQ(unauth.result_int(), 401);
  EXPECT_EQ(json::parse(unauth.body())["error"]["code"], "unauthenticated");
  EXPECT_EQ(unauth[http::field::content_type], "application/json; charset=utf-8");

  // Same connection: log in, then use the cookie.
  http::request<http::string_body> login{http::verb::post, "/api/v1/login", 11};
  login.set(http::field::content_type, "application/json");
  login.body() = json{{"name", "duty"}, {"password", kPassword}}.dump();
  auto logged_in = exchange(login);
  ASSERT_EQ(logged_in.result_int(), 200) << logged_in.body();
  const std::string cookie =
      CookieValue(std::string(logged_in[http::field::set_cookie]), kSessionCookie);
  http::request<http::string_body> session{http::verb::get, "/api/v1/session", 11};
  session.set(http::field::cookie, std::string(kSessionCookie) + "=" + cookie);
  auto ok = exchange(session);
  EXPECT_EQ(ok.result_int(), 200);
  EXPECT_EQ(json::parse(ok.body())["user"], "duty");

  http::request<http::string_body> big{http::verb::post, "/api/v1/login", 11};
  big.set(http::field::content_type, "application/json");
  big.body() = std::string(kPublicBodyLimit + 1, 'x');
  EXPECT_EQ(exchange(big).result_int(), 413);

  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  boost::asio::post(io, [&] {
    server.Stop();
    io.stop();
  });
  loop.join();
}

TEST(HttpConfigTest, ParsesTheHttpSectionAndChecksTlsFiles) {
  auto parsed =
      config::ParseConfig("http:\n  listen: \"0.0.0.0:9090\"\n  session_idle_minutes: 5\n",
                          "test.yaml", config::DefaultConfig());
  ASSERT_TRUE(std::holds_alternative<config::DaemonConfig>(parsed));
  const auto& http = std::get<config::DaemonConfig>(parsed).http;
  EXPECT_EQ(http.listen, "0.0.0.0:9090");
  EXPECT_EQ(http.session_idle_minutes, 5);
  EXPECT_EQ(http.session_absolute_hours, 12);  // the default kept
  EXPECT_EQ(config::DefaultConfig().http.listen, "127.0.0.1:8080");

  // TLS files are loaded while parsing (tls_test.cc has the details).
  auto tls = config::ParseConfig("http:\n  tls_cert: /nonexistent/cert.pem\n  tls_key: key.pem\n",
                                 "test.yaml", config::DefaultConfig());
  ASSERT_TRUE(std::holds_alternative<config::ConfigError>(tls));
  EXPECT_EQ(std::get<config::ConfigError>(tls).key, "http.tls_cert");
  EXPECT_NE(std::get<config::ConfigError>(tls).message.find("/nonexistent/cert.pem"),
            std::string::npos);
  auto bad =
      config::ParseConfig("http:\n  listen: nowhere\n", "test.yaml", config::DefaultConfig());
  ASSERT_TRUE(std::holds_alternative<config::ConfigError>(bad));
  EXPECT_EQ(std::get<config::ConfigError>(bad).key, "http.listen");
}

}  // namespace
}  // namespace pingan::console
