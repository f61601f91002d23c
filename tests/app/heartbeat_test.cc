// The outbound heartbeat against a real HTTP peer on loopback: beats while ready,
// withheld while not, failures counted. The period is shortened to milliseconds; every
// wait is bounded on a condition.
#include "daemon/app/heartbeat.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <future>
#include <memory>
#include <thread>

#include "tests/notify/test_peers.h"

namespace pingan::app {
namespace {

using namespace std::chrono_literals;

class HeartbeatTest : public ::testing::Test {
 protected:
  ~HeartbeatTest() override {
    io_.stop();
    if (loop_.joinable()) loop_.join();
  }
  // Starts a heartbeat on `path` of the peer, every 20 ms, on the io thread.
  void Run(const std::string& path, std::function<bool()> ready,
           std::function<void()> on_failure = nullptr) {
    beat_ = std::make_unique<Heartbeat>(io_, peer_.Url(path), 20ms, std::move(ready),
                                        std::move(on_failure));
    boost::asio::post(io_, [this] { beat_->Start(); });
    loop_ = std::thread([this] { io_.run(); });
  }
  // The heartbeat's figures, read on the io thread; polls until `done` holds (5 s).
  template <class F>
  bool Eventually(F done) {
    for (int i = 0; i < 500; ++i) {
      std::promise<HeartbeatStats> p;
      boost::asio::post(io_, [&] { p.set_value(beat_->stats()); });
      if (done(p.get_future().get())) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  testing::TestHttpServer peer_;
  std::atomic<int> reported_{0};  // failures the heartbeat reported
  std::thread loop_;
  // Last: destroyed first, after the loop stopped (results it posts are dropped).
  std::unique_ptr<Heartbeat> beat_;
};

TEST_F(HeartbeatTest, BeatsEveryPeriodWhileReady) {
  Run("/ping/abc", [] { return true; });
  EXPECT_TRUE(Eventually([](const HeartbeatStats& s) { return s.sent >= 3; }));
  const auto requests = peer_.requests();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/ping/abc");
}

TEST_F(HeartbeatTest, ANotReadyDaemonWithholdsItsBeat) {
  Run("/ping", [] { return false; });
  EXPECT_TRUE(Eventually([](const HeartbeatStats& s) { return s.withheld >= 3; }));
  EXPECT_TRUE(peer_.requests().empty());
}

TEST_F(HeartbeatTest, FailuresAreCountedAndReported) {
  testing::ScriptedResponse unavailable;
  unavailable.status = 503;
  for (int i = 0; i < 3; ++i) peer_.Respond(unavailable);
  Run(
      "/ping", [] { return true; }, [this] { ++reported_; });
  EXPECT_TRUE(Eventually([](const HeartbeatStats& s) { return s.failed >= 3 && s.sent >= 1; }));
  EXPECT_EQ(reported_.load(), 3);
}

}  // namespace
}  // namespace pingan::app
