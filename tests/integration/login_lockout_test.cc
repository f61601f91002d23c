// Login under attack against the real pingand over real sockets: a client at 127.0.0.2
// guessing the password of `duty` locks only itself out, while `duty` from 127.0.0.1
// signs in at once; a login not sent as JSON, or from a foreign Origin, is refused.
// (Linux routes all of 127.0.0.0/8 to loopback, so the two clients have different
// addresses as the daemon sees them: the attacker binds 127.0.0.2 before connecting.)
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <cstdlib>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "tests/fakes/temp_dir.h"
#include "tests/integration/daemon_process.h"
#include "tests/notify/test_peers.h"

namespace pingan::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::asio::ip::tcp;
using nlohmann::json;

constexpr const char* kPassword = "correct horse battery";

struct Reply {
  int status = 0;
  std::string body;
  std::string retry_after;
};

class LoginLockoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreeLoopbackPort();
    daemon_.set_http_listen("127.0.0.1:" + std::to_string(port_));
    daemon_.Start();
    daemon_.Control("users.add",
                    {{"name", "duty"}, {"role", "duty_officer"}, {"password", kPassword}});
  }

  // One login on its own connection from `source`, with the given headers.
  Reply Login(const std::string& source, const std::string& password,
              const std::string& content_type = "application/json",
              const std::string& origin = "") {
    boost::asio::io_context io;
    tcp::socket socket(io);
    socket.open(tcp::v4());
    socket.bind({boost::asio::ip::make_address(source), 0});
    beast::error_code ec;
    for (int i = 0; i < 100; ++i) {  // the HTTP API may come up just after the endpoint
      socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
      if (!ec) break;
      socket.close();
      socket.open(tcp::v4());
      socket.bind({boost::asio::ip::make_address(source), 0});
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (ec) return {};
    http::request<http::string_body> req{http::verb::post, "/api/v1/login", 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    if (!origin.empty()) req.set(http::field::origin, origin);
    req.body() = json{{"name", "duty"}, {"password", password}}.dump();
    req.prepare_payload();
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return {static_cast<int>(res.result_int()), res.body(),
            std::string(res[http::field::retry_after])};
  }

  TempDir dir_;
  DaemonProcess daemon_{dir_.File("data")};
  unsigned short port_ = 0;
};

TEST_F(LoginLockoutTest, ALockedOutAttackerAddressDoesNotStopTheRightUserElsewhere) {
  for (int i = 0; i < 6; ++i) EXPECT_EQ(Login("127.0.0.2", "wrong password").status, 401) << i;
  const Reply attacker = Login("127.0.0.2", kPassword);
  EXPECT_EQ(attacker.status, 429) << attacker.body;
  // The lockout is 30 s from the failure that caused it, on the daemon's real clock:
  // a slow run (sanitizers, a loaded machine) may take a second or more to get here.
  const int retry_after = std::atoi(attacker.retry_after.c_str());
  EXPECT_GT(retry_after, 0) << attacker.retry_after;
  EXPECT_LE(retry_after, 30) << attacker.retry_after;
  const Reply duty = Login("127.0.0.1", kPassword);
  EXPECT_EQ(duty.status, 200) << duty.body;
  EXPECT_FALSE(json::parse(duty.body).value("csrf_token", "").empty());
}

TEST_F(LoginLockoutTest, LoginCsrfIsRefusedOverTheWire) {
  EXPECT_EQ(Login("127.0.0.1", kPassword, "text/plain").status, 415);
  EXPECT_EQ(Login("127.0.0.1", kPassword, "application/json", "https://evil.example").status, 403);
  EXPECT_EQ(Login("127.0.0.1", kPassword, "application/json; charset=utf-8",
                  "http://127.0.0.1:" + std::to_string(port_))
                .status,
            200);
}

}  // namespace
}  // namespace pingan::testing
