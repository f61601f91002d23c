// What an unauthenticated peer can make the HTTP server hold, over a real socket:
// headers beyond the limit get 431, a body is read only after the Router admitted its
// head (4 KiB for login, nothing for unknown paths or refused callers), connections are
// capped per address, and only a trusted proxy's X-Forwarded-Proto makes cookies Secure.
#include <gtest/gtest.h>

#include <thread>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "daemon/console/http_server.h"
#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using nlohmann::json;

class HttpLimitsTest : public ApiFixture {
 protected:
  static HttpServerOptions BigBodies() {
    HttpServerOptions o;
    o.body_limit = 8 * 1024 * 1024;  // as the daemon sets it
    return o;
  }
  void Serve(HttpServerOptions options) {
    options.port = 0;
    server_ = std::make_unique<HttpServer>(io_, router_, options);
    server_->Start();
    loop_ = std::thread([this] { io_.run(); });
  }
  ~HttpLimitsTest() override {
    if (!loop_.joinable()) return;
    asio::post(io_, [this] {
      server_->Stop();
      io_.stop();
    });
    loop_.join();
  }

  std::unique_ptr<beast::tcp_stream> Connect() {
    auto stream = std::make_unique<beast::tcp_stream>(client_io_);
    stream->expires_after(std::chrono::seconds{10});  // a hang fails the test, not CI
    stream->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    return stream;
  }

  // Sends raw bytes, reads one answer. The server may answer and close before taking
  // all of them (that is the point of several tests): a failed write is not an error.
  http::response<http::string_body> Exchange(beast::tcp_stream& stream, const std::string& raw) {
    beast::error_code ignored;
    asio::write(stream.socket(), asio::buffer(raw), ignored);
    http::response<http::string_body> res;
    beast::flat_buffer buffer;
    http::read(stream, buffer, res);
    return res;
  }

  static std::string Login(const std::string& extra_headers = "") {
    const std::string body = json{{"name", "duty"}, {"password", kPassword}}.dump();
    return "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
           extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  // True when the server closed the connection (EOF or reset) without an answer.
  static bool ClosedWithoutAnswer(beast::tcp_stream& stream) {
    char byte;
    beast::error_code ec;
    const size_t n = stream.socket().read_some(asio::buffer(&byte, 1), ec);
    return n == 0 && ec;
  }

  asio::io_context io_;
  asio::io_context client_io_;
  std::unique_ptr<HttpServer> server_;
  std::thread loop_;
};

TEST_F(HttpLimitsTest, HeadersBeyondTheLimitGet431NotAReset) {
  Serve({});
  auto stream = Connect();
  const std::string raw =
      "GET /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(64 * 1024, 'a') +
      "\r\n\r\n";
  auto res = Exchange(*stream, raw);
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_EQ(json::parse(res.body())["error"]["code"], "headers_too_large");
}

TEST_F(HttpLimitsTest, AnAnonymousBodyIsRefusedOnItsAnnouncedLengthBeforeItIsRead) {
  Serve(BigBodies());
  auto stream = Connect();
  // Announces 8 MiB but sends only the head: the answer must not wait for the body.
  auto res = Exchange(*stream,
                      "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                      "application/json\r\nContent-Length: 8388607\r\n\r\n");
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_FALSE(res.keep_alive());
}

TEST_F(HttpLimitsTest, AChunkedAnonymousBodyIsCutAtThePublicLimit) {
  Serve(BigBodies());
  auto stream = Connect();
  const std::string chunk(8 * 1024, 'x');
  std::string raw =
      "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  raw += "2000\r\n" + chunk + "\r\n";
  EXPECT_EQ(Exchange(*stream, raw).result_int(), 413);
}

TEST_F(HttpLimitsTest, UnknownPathsAndRefusedCallersAreAnsweredWithoutReadingTheBody) {
  Serve(BigBodies());
  auto stream = Connect();
  auto missing = Exchange(*stream,
                          "POST /api/v1/nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: "
                          "8000000\r\n\r\n");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_FALSE(missing.keep_alive()) << "the unread body cannot be skipped";

  auto import = Connect();
  auto refused = Exchange(*import,
                          "POST /api/v1/schools/import HTTP/1.1\r\nHost: x\r\nContent-Length: "
                          "8000000\r\n\r\n");
  EXPECT_EQ(refused.result_int(), 401) << "the large limit is for signed-in admins only";
}

TEST_F(HttpLimitsTest, ASignedInAdminMaySendALargeImportButADutyOfficerMayNot) {
  Serve(BigBodies());
  auto as = [&](const std::string& user) {
    auto stream = Connect();
    const std::string body = json{{"name", user}, {"password", kPassword}}.dump();
    auto login = Exchange(*stream,
                          "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                          "application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(login.result_int(), 200) << login.body();
    const auto session = json::parse(login.body());
    return std::make_pair(CookieValue(std::string(login[http::field::set_cookie]), kSessionCookie),
                          session.value("csrf_token", ""));
  };
  const std::string csv(200 * 1024, '#');  // beyond the JSON limit, within the import's
  auto post = [&](const std::pair<std::string, std::string>& who) {
    auto stream = Connect();
    return Exchange(*stream, "POST /api/v1/schools/import HTTP/1.1\r\nHost: x\r\nCookie: " +
                                 std::string(kSessionCookie) + "=" + who.first +
                                 "\r\nX-CSRF-Token: " + who.second +
                                 "\r\nContent-Type: text/csv\r\nContent-Length: " +
                                 std::to_string(csv.size()) + "\r\n\r\n" + csv)
        .result_int();
  };
  EXPECT_NE(post(as("admin")), 413) << "read whole and handed to the import";
  EXPECT_EQ(post(as("duty")), 403);
}

TEST_F(HttpLimitsTest, ConnectionsBeyondThePerAddressCapAreClosedAtOnce) {
  HttpServerOptions options;
  options.connections = {.total = 100, .per_address = 3};
  Serve(options);
  std::vector<std::unique_ptr<beast::tcp_stream>> held;
  for (int i = 0; i < 3; ++i) held.push_back(Connect());
  auto extra = Connect();  // the kernel completes the handshake; the server then closes
  EXPECT_TRUE(ClosedWithoutAnswer(*extra));
  EXPECT_EQ(server_->connections().refused_per_address(), 1u);
  auto res = Exchange(*held.front(), "GET /api/v1/session HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(res.result_int(), 401) << "held connections keep working";

  // A closed connection frees its slot (once the server has seen the close: polled).
  held.pop_back();
  int status = 0;
  for (int attempt = 0; attempt < 250 && status == 0; ++attempt) {
    auto next = Connect();
    beast::error_code ec;
    asio::write(next->socket(),
                asio::buffer(std::string("GET /api/v1/session HTTP/1.1\r\nHost: x\r\n\r\n")), ec);
    http::response<http::string_body> answer;
    beast::flat_buffer buffer;
    http::read(*next, buffer, answer, ec);
    if (!ec) status = answer.result_int();
    if (status == 0) std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  EXPECT_EQ(status, 401);
}

TEST_F(HttpLimitsTest, OnlyATrustedProxyMakesTheCookieSecure) {
  HttpServerOptions options;
  std::string error;
  options.trusted_proxies = *TrustedProxies::Parse({"127.0.0.1"}, &error);
  Serve(options);
  auto stream = Connect();
  auto res = Exchange(*stream, Login("X-Forwarded-Proto: https\r\nX-Forwarded-For: 192.0.2.4\r\n"));
  ASSERT_EQ(res.result_int(), 200) << res.body();
  EXPECT_NE(std::string(res[http::field::set_cookie]).find("; Secure"), std::string::npos);
  EXPECT_EQ(res[http::field::strict_transport_security], "max-age=31536000");
}

TEST_F(HttpLimitsTest, AnUntrustedPeerCannotClaimHttps) {
  Serve({});
  auto stream = Connect();
  auto res = Exchange(*stream, Login("X-Forwarded-Proto: https\r\n"));
  ASSERT_EQ(res.result_int(), 200) << res.body();
  EXPECT_EQ(std::string(res[http::field::set_cookie]).find("Secure"), std::string::npos);
  EXPECT_EQ(res.find(http::field::strict_transport_security), res.end());
}

}  // namespace
}  // namespace pingan::console
