// The io thread only moves bytes: with the password-hashing pool held busy by a login
// in progress (a test job keeps its one thread), a whole in-process pingand still
// answers an unrelated API request and acknowledges a school's report; the login
// completes once the pool is free, and a login that finds the pool's queue full is
// answered 503 at once instead of queueing. Waits are for events (bounded), never for
// time.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <future>
#include <thread>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <zmq.hpp>

#include "daemon/app/daemon.h"
#include "daemon/core/uuid.h"
#include "daemon/ctl/control_client.h"
#include "daemon/ingest/codec.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/gate.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::app {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;
using namespace std::chrono_literals;

const core::Instant kNow = date::sys_days{date::year{2026} / 10 / 3} + 8h;
constexpr const char* kPassword = "a long enough password";

struct Answer {
  int status = 0;
  std::string body;
  std::string retry_after;
};

// One request on its own connection.
Answer Call(unsigned short port, http::verb verb, const std::string& target,
            const std::string& body = "", const std::string& token = "") {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return {static_cast<int>(res.result_int()), res.body(),
          std::string(res[http::field::retry_after])};
}

// Spins (yielding) until `done()`; false after a generous bound, so a broken daemon
// fails the test instead of hanging it.
template <class F>
bool Eventually(F done) {
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

class IoIsolationTest : public ::testing::Test {
 protected:
  IoIsolationTest() : clock_(kNow) {
    config::DaemonConfig config = config::DefaultConfig();
    config.data_dir = dir_.path().string();
    config.listen = "tcp://127.0.0.1:*";
    config.http.listen = "127.0.0.1:0";
    config.log_level = "warn";
    DaemonOptions options;
    options.insecure_dev = true;
    daemon_ = std::make_unique<Daemon>(config, clock_, options);
    endpoint_ = daemon_->Start();
    loop_ = std::thread([this] { daemon_->Run(); });
    EXPECT_TRUE(Control(
        "users.add", {{"name", "duty"}, {"role", "duty_officer"}, {"password", kPassword}})["ok"]);
    token_ = Control("tokens.create", {{"label", "ops"}, {"role", "duty_officer"}})["result"].value(
        "token", "");
  }
  ~IoIsolationTest() override {
    daemon_->Stop();
    loop_.join();
  }

  json Control(const std::string& command, const json& args) {
    return ctl::ControlRequest(daemon_->control_socket_path(), command, args);
  }
  unsigned short port() { return daemon_->http_api()->port(); }
  console::WorkerPool& hash_pool() { return daemon_->http_api()->hash_pool(); }
  std::future<Answer> LoginInBackground() {
    return std::async(std::launch::async, [port = port()] {
      return Call(port, http::verb::post, "/api/v1/login",
                  json{{"name", "duty"}, {"password", kPassword}}.dump());
    });
  }

  // Sends one all-clear as school `school` and returns the acknowledgement.
  std::optional<wire::Ack> Report(const std::string& school) {
    core::Report r;
    std::array<uint8_t, 10> random{};
    random[9] = 7;
    r.report_id = core::FormatUuid(core::MakeUuidV7(kNow, random));
    r.school_id = school;
    r.kind = core::ReportKind::kAllClear;
    r.covers = date::year{2026} / 10 / 3;
    r.agent_time = kNow;
    zmq::context_t context(1);
    zmq::socket_t dealer(context, zmq::socket_type::dealer);
    dealer.set(zmq::sockopt::linger, 0);
    dealer.connect(endpoint_);
    dealer.send(zmq::buffer(wire::EncodeReportFrame(r)));
    zmq::pollitem_t item{dealer.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds{30000}) == 0) return std::nullopt;
    zmq::message_t ack;
    if (!dealer.recv(ack)) return std::nullopt;
    return wire::DecodeAckFrame(ack.to_string_view());
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  std::unique_ptr<Daemon> daemon_;
  std::string endpoint_;
  std::thread loop_;
  std::string token_;
};

TEST_F(IoIsolationTest, ALoginInProgressDelaysNeitherTheApiNorAnAgentsAck) {
  ASSERT_FALSE(token_.empty());
  testing::Gate gate;
  hash_pool().Post(gate.Job());  // stands for a long Argon2id verification
  gate.Started();
  auto login = LoginInBackground();
  ASSERT_TRUE(Eventually([&] { return hash_pool().queued() == 1; })) << "the login waits";

  const Answer session = Call(port(), http::verb::get, "/api/v1/session", "", token_);
  EXPECT_EQ(session.status, 200) << session.body;
  const Answer alerts = Call(port(), http::verb::get, "/api/v1/alerts", "", token_);
  EXPECT_EQ(alerts.status, 200) << alerts.body;
  const auto ack = Report("school-1");
  ASSERT_TRUE(ack.has_value()) << "no acknowledgement while a login was in progress";
  EXPECT_EQ(ack->status, wire::AckStatus::kStored);
  EXPECT_EQ(login.wait_for(0s), std::future_status::timeout) << "the login was still waiting";

  gate.Open();
  const Answer logged_in = login.get();
  EXPECT_EQ(logged_in.status, 200) << logged_in.body;
}

TEST_F(IoIsolationTest, ALoginFindingTheHashQueueFullIsAnsweredBusyAtOnce) {
  testing::Gate gate;
  hash_pool().Post(gate.Job());
  gate.Started();
  while (hash_pool().TryPost([] {})) {
  }
  EXPECT_EQ(hash_pool().queued(), hash_pool().max_queued());
  const Answer busy = Call(port(), http::verb::post, "/api/v1/login",
                           json{{"name", "duty"}, {"password", kPassword}}.dump());
  EXPECT_EQ(busy.status, 503) << busy.body;
  EXPECT_EQ(busy.retry_after, "1");
  gate.Open();
  hash_pool().WaitIdle();
  const Answer later = Call(port(), http::verb::post, "/api/v1/login",
                            json{{"name", "duty"}, {"password", kPassword}}.dump());
  EXPECT_EQ(later.status, 200) << later.body;
}

}  // namespace
}  // namespace pingan::app
