// HTTPS: the Beast server with a TLS context made from a certificate generated at run
// time, talked to by a Beast SSL client that verifies that certificate. Covers the
// login cookie's Secure flag and HSTS, event streams over TLS ending at logout, peers
// that are not TLS (plain HTTP, silence) being closed without disturbing others, and
// the checks of http.tls_cert / http.tls_key (LoadTlsContext and the config loader).
// Client operations are asynchronous with a 5 s stream timeout each, so a broken
// server fails a test instead of hanging it; nothing sleeps.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "daemon/config/config.h"
#include "daemon/console/event_stream.h"
#include "daemon/console/http_server.h"
#include "daemon/console/tls_context.h"
#include "daemon/console/web_assets.h"
#include "tests/console/api_fixture.h"
#include "tests/fakes/test_cert.h"

namespace pingan::console {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using nlohmann::json;
using Reply = http::response<http::string_body>;
constexpr std::chrono::seconds kClientTimeout{5};

// Runs the client's io_context until the pending operations are done.
void Drain(asio::io_context& io) {
  io.restart();
  io.run();
}

// A TCP connection that speaks no TLS: for the plain-HTTP and the silent peer.
class RawClient {
 public:
  explicit RawClient(unsigned short port) : stream_(io_) {
    stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void Send(const std::string& bytes) { asio::write(stream_.socket(), asio::buffer(bytes)); }
  // Reads until the server closes; returns the error that ended reading (eof, reset,
  // or beast::error::timeout when the server kept the connection open).
  beast::error_code ReadToEnd(std::string* got) {
    beast::error_code result;
    std::function<void()> next = [&] {
      stream_.expires_after(kClientTimeout);
      stream_.async_read_some(asio::buffer(buf_), [&](beast::error_code ec, size_t n) {
        got->append(buf_, n);
        if (ec) {
          result = ec;
        } else {
          next();
        }
      });
    };
    next();
    Drain(io_);
    return result;
  }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  char buf_[512];
};

// A verifying HTTPS client on its own io_context.
class TlsClient {
 public:
  TlsClient(const std::string& trusted_cert, unsigned short port)
      : ctx_(ssl::context::tls_client), stream_(io_, ctx_) {
    ctx_.load_verify_file(trusted_cert);
    stream_.set_verify_mode(ssl::verify_peer);
    stream_.set_verify_callback(ssl::host_name_verification("localhost"));
    SSL_set_tlsext_host_name(stream_.native_handle(), "localhost");
    Lowest().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  beast::error_code Handshake() {
    beast::error_code result;
    Lowest().expires_after(kClientTimeout);
    stream_.async_handshake(ssl::stream_base::client, [&](beast::error_code ec) { result = ec; });
    Drain(io_);
    return result;
  }

  Reply Exchange(http::verb verb, const std::string& target, const std::string& cookie = "",
                 const std::string& body = "", const std::string& csrf = "") {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "localhost");
    if (!cookie.empty()) req.set(http::field::cookie, std::string(kSessionCookie) + "=" + cookie);
    if (!csrf.empty()) req.set("X-CSRF-Token", csrf);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    Reply res;
    beast::error_code result;
    Lowest().expires_after(kClientTimeout);
    http::async_write(stream_, req, [&](beast::error_code ec, size_t) {
      if (ec) {
        result = ec;
        return;
      }
      http::async_read(stream_, buffer_, res, [&](beast::error_code ec2, size_t) { result = ec2; });
    });
    Drain(io_);
    EXPECT_FALSE(result) << result.message();
    return res;
  }

  // Sends a GET and reads the raw (streamed) answer until `needle` or an error.
  void StartStream(const std::string& target, const std::string& cookie) {
    std::string req = "GET " + target +
                      " HTTP/1.1\r\nHost: localhost\r\nCookie: " + kSessionCookie + "=" + cookie +
                      "\r\n\r\n";
    beast::error_code result;
    Lowest().expires_after(kClientTimeout);
    asio::async_write(stream_, asio::buffer(req),
                      [&](beast::error_code ec, size_t) { result = ec; });
    Drain(io_);
    ASSERT_FALSE(result) << result.message();
  }
  // Reads until `needle` arrived (true) or the stream ended (false; `ended` says how).
  bool ReadUntil(const std::string& needle, beast::error_code* ended = nullptr) {
    beast::error_code result;
    std::function<void()> next = [&] {
      if (got.find(needle) != std::string::npos) return;
      Lowest().expires_after(kClientTimeout);
      stream_.async_read_some(asio::buffer(buf_), [&](beast::error_code ec, size_t n) {
        got.append(buf_, n);
        if (ec) {
          result = ec;
        } else {
          next();
        }
      });
    };
    next();
    Drain(io_);
    if (ended) *ended = result;
    return got.find(needle) != std::string::npos;
  }

  std::string got;

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  asio::io_context io_;
  ssl::context ctx_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  char buf_[1024];
};

class TlsServerTest : public ApiFixture {
 protected:
  TlsServerTest() : cert_(testing::MakeSelfSignedCert(dir_.path())), hub_(100, 1) {
    RegisterWebRoutes(router_);
    RegisterEventRoute(router_, hub_, auth_,
                       [](const std::string&, const std::string&) { return true; });
  }
  ~TlsServerTest() override {
    if (!loop_.joinable()) return;
    asio::post(io_, [this] {
      hub_ = EventHub(100, 1);  // forgets the server's sinks while the io_context lives
      server_->Stop();
      io_.stop();
    });
    loop_.join();
  }

  // From here on the router and the hub belong to the io thread.
  void Serve(std::chrono::milliseconds handshake_timeout = std::chrono::seconds{10}) {
    auto loaded = LoadTlsContext(cert_.cert_file, cert_.key_file);
    ASSERT_TRUE(std::holds_alternative<TlsContextPtr>(loaded))
        << std::get<TlsError>(loaded).message;
    HttpServerOptions options;
    options.port = 0;
    options.tls = std::get<TlsContextPtr>(loaded);
    options.handshake_timeout = handshake_timeout;
    server_ = std::make_unique<HttpServer>(io_, router_, options);
    server_->Start();
    loop_ = std::thread([this] { io_.run(); });
  }

  std::unique_ptr<TlsClient> Connect() {
    auto client = std::make_unique<TlsClient>(cert_.cert_file, server_->port());
    const beast::error_code ec = client->Handshake();
    EXPECT_FALSE(ec) << ec.message();
    return client;
  }

  // Logs in over `client`; returns the cookie token and fills `csrf`.
  std::string LoginOver(TlsClient& client, std::string* csrf, std::string* set_cookie = nullptr) {
    const Reply res = client.Exchange(http::verb::post, "/api/v1/login", "",
                                      json{{"name", "duty"}, {"password", kPassword}}.dump());
    EXPECT_EQ(res.result_int(), 200) << res.body();
    *csrf = json::parse(res.body()).value("csrf_token", "");
    if (set_cookie) *set_cookie = std::string(res[http::field::set_cookie]);
    return CookieValue(std::string(res[http::field::set_cookie]), kSessionCookie);
  }

  testing::TestCert cert_;
  EventHub hub_;
  asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
  std::thread loop_;
};

TEST_F(TlsServerTest, ServesThePageAndLoginWithSecureCookieAndHsts) {
  Serve();
  auto client = Connect();
  const Reply page = client->Exchange(http::verb::get, "/");
  EXPECT_EQ(page.result_int(), 200);
  EXPECT_NE(page.body().find("/static/app.js"), std::string::npos);
  EXPECT_EQ(page[http::field::strict_transport_security], "max-age=31536000");

  std::string csrf, set_cookie;
  const std::string cookie = LoginOver(*client, &csrf, &set_cookie);
  EXPECT_NE(set_cookie.find("; Secure"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  // Same TLS connection, kept alive: the cookie works.
  const Reply session = client->Exchange(http::verb::get, "/api/v1/session", cookie);
  ASSERT_EQ(session.result_int(), 200) << session.body();
  EXPECT_EQ(json::parse(session.body())["user"], "duty");
}

TEST_F(TlsServerTest, EventStreamWorksOverTlsAndEndsAtLogout) {
  Serve();
  auto api = Connect();
  std::string csrf;
  const std::string cookie = LoginOver(*api, &csrf);
  auto events = Connect();
  events->StartStream("/api/v1/events", cookie);
  ASSERT_TRUE(events->ReadUntil("retry: 3000\n\n")) << events->got;
  EXPECT_NE(events->got.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(events->got.find("Strict-Transport-Security: max-age=31536000\r\n"), std::string::npos);
  asio::post(io_, [this] { hub_.Publish("alert.opened", "a1", {{"id", "alert-a"}}); });
  ASSERT_TRUE(events->ReadUntil("\"alert-a\"}\n\n")) << events->got;

  EXPECT_EQ(api->Exchange(http::verb::post, "/api/v1/logout", cookie, "", csrf).result_int(), 200);
  beast::error_code ended;
  EXPECT_TRUE(events->ReadUntil("event: session.ended\n", &ended)) << events->got;
  events->ReadUntil("never sent", &ended);
  EXPECT_TRUE(ended) << "the server closed the stream";
  EXPECT_NE(ended, beast::error::timeout) << "closed, not merely quiet";
}

TEST_F(TlsServerTest, PlainHttpOnTheTlsPortIsClosedWhileTlsClientsWork) {
  Serve();
  RawClient silent(server_->port());  // connected, never speaks: holds no one up
  RawClient plain(server_->port());
  plain.Send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
  std::string got;
  const beast::error_code ec = plain.ReadToEnd(&got);
  EXPECT_NE(ec, beast::error::timeout) << "the server closed the plain-HTTP connection";
  EXPECT_EQ(got.find("HTTP/1.1"), std::string::npos) << "no plain HTTP answer: " << got;

  auto client = Connect();
  EXPECT_EQ(client->Exchange(http::verb::get, "/").result_int(), 200);
}

TEST_F(TlsServerTest, ASilentPeerIsDroppedAtTheHandshakeTimeout) {
  Serve(std::chrono::milliseconds{200});
  RawClient silent(server_->port());
  std::string got;
  const beast::error_code ec = silent.ReadToEnd(&got);
  EXPECT_NE(ec, beast::error::timeout) << "the server, not the client's 5 s, ended it";
  EXPECT_TRUE(got.empty());
  auto client = Connect();
  EXPECT_EQ(client->Exchange(http::verb::get, "/").result_int(), 200);
}

TEST(TlsContextTest, NamesTheFileThatIsMissingUnreadableOrOfAnotherKey) {
  testing::TempDir dir;
  const auto a = testing::MakeSelfSignedCert(dir.path(), "a");
  const auto b = testing::MakeSelfSignedCert(dir.path(), "b");
  EXPECT_TRUE(std::holds_alternative<TlsContextPtr>(LoadTlsContext(a.cert_file, a.key_file)));

  auto mismatch = LoadTlsContext(a.cert_file, b.key_file);
  ASSERT_TRUE(std::holds_alternative<TlsError>(mismatch));
  EXPECT_EQ(std::get<TlsError>(mismatch).file, TlsFile::kKey);
  EXPECT_NE(std::get<TlsError>(mismatch).message.find("does not match"), std::string::npos);
  EXPECT_NE(std::get<TlsError>(mismatch).message.find(b.key_file), std::string::npos);

  auto missing = LoadTlsContext(dir.File("nope.crt"), a.key_file);
  ASSERT_TRUE(std::holds_alternative<TlsError>(missing));
  EXPECT_EQ(std::get<TlsError>(missing).file, TlsFile::kCert);
  EXPECT_NE(std::get<TlsError>(missing).message.find(dir.File("nope.crt")), std::string::npos);

  // The key where the certificate belongs, and the certificate as the key.
  auto swapped = LoadTlsContext(a.key_file, a.cert_file);
  ASSERT_TRUE(std::holds_alternative<TlsError>(swapped));
  EXPECT_EQ(std::get<TlsError>(swapped).file, TlsFile::kCert);
  EXPECT_NE(std::get<TlsError>(swapped).message.find("not a PEM certificate"), std::string::npos);
  auto not_key = LoadTlsContext(a.cert_file, a.cert_file);
  ASSERT_TRUE(std::holds_alternative<TlsError>(not_key));
  EXPECT_NE(std::get<TlsError>(not_key).message.find("not an unencrypted PEM private key"),
            std::string::npos);
}

TEST(TlsConfigTest, NeedsBothFilesThatExistAndMatch) {
  testing::TempDir dir;
  const auto a = testing::MakeSelfSignedCert(dir.path(), "a");
  const auto b = testing::MakeSelfSignedCert(dir.path(), "b");
  auto parse = [](const std::string& cert, const std::string& key) {
    std::string yaml = "http:\n  listen: \"127.0.0.1:8443\"\n";
    if (!cert.empty()) yaml += "  tls_cert: \"" + cert + "\"\n";
    if (!key.empty()) yaml += "  tls_key: \"" + key + "\"\n";
    return config::ParseConfig(yaml, "test.yaml", config::DefaultConfig());
  };
  auto error = [](const auto& parsed) {
    EXPECT_TRUE(std::holds_alternative<config::ConfigError>(parsed));
    return std::holds_alternative<config::ConfigError>(parsed)
               ? std::get<config::ConfigError>(parsed)
               : config::ConfigError{};
  };
  auto ok = parse(a.cert_file, a.key_file);
  ASSERT_TRUE(std::holds_alternative<config::DaemonConfig>(ok));
  EXPECT_EQ(std::get<config::DaemonConfig>(ok).http.tls_key_file, a.key_file);

  const auto only_cert = error(parse(a.cert_file, ""));
  EXPECT_EQ(only_cert.key, "http.tls_key");
  EXPECT_EQ(only_cert.line, 3) << "points at the tls_cert line";
  EXPECT_EQ(error(parse("", a.key_file)).key, "http.tls_cert");

  const auto missing = error(parse(dir.File("gone.crt"), a.key_file));
  EXPECT_EQ(missing.key, "http.tls_cert");
  EXPECT_NE(missing.ToString().find(dir.File("gone.crt")), std::string::npos) << missing.ToString();
  EXPECT_NE(missing.ToString().find("test.yaml:3"), std::string::npos) << missing.ToString();

  const auto mismatch = error(parse(a.cert_file, b.key_file));
  EXPECT_EQ(mismatch.key, "http.tls_key");
  EXPECT_NE(mismatch.message.find("does not match"), std::string::npos);
}

TEST(TlsConfigTest, RelativePathsStartAtTheConfigFilesDirectory) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "tls");
  testing::MakeSelfSignedCert(dir.path() / "tls", "console");
  const std::string file = dir.File("pingand.yaml");
  std::ofstream(file) << "http:\n  tls_cert: tls/console.crt\n  tls_key: tls/console.key\n";
  auto loaded = config::LoadConfigFile(file);
  ASSERT_TRUE(std::holds_alternative<config::DaemonConfig>(loaded))
      << std::get<config::ConfigError>(loaded).ToString();
  const auto& config = std::get<config::DaemonConfig>(loaded);
  EXPECT_EQ(config.ConfigPath(config.http.tls_cert_file), dir.File("tls/console.crt"));
}

}  // namespace
}  // namespace pingan::console
