// ControlServer over its socket: a command registered as a change is answered only once
// the writer ran what it posted (pinganctl's next command reads the change), a read is
// answered without waiting for the writer (status while the writer is stuck), and a
// request that is not a command is refused at once.
#include "daemon/services/control_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>

#include "tests/fakes/temp_dir.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class ControlServerTest : public ::testing::Test {
 protected:
  ControlServerTest() : server_(io_, zmq_), client_(zmq_, zmq::socket_type::req) {
    server_.Register("value.get", [this](const json&) { return json(value_.load()); });
    server_.RegisterChange("value.set", [this](const json& args) {
      value_ = args.at("to").get<int>();
      return json("set");
    });
    server_.SetOffload([](std::function<void()> job) {
      job();
      return true;
    });
    // Holds the answer of a change, as the daemon's StoreWriter would until the
    // change's jobs ran.
    server_.SetAfterWrites([this](std::function<void()> job) {
      held_ = std::move(job);
      held_promise_.set_value();
    });
    const std::string path = (dir_.path() / "control.sock").string();
    server_.Bind(path);
    client_.set(zmq::sockopt::linger, 0);
    client_.set(zmq::sockopt::rcvtimeo, 10000);  // a bound, never a wait for absence
    client_.connect("ipc://" + path);
    io_thread_ = std::thread([this] { io_.run(); });
  }
  ~ControlServerTest() override {
    work_.reset();
    io_.stop();
    io_thread_.join();
  }

  void Send(const json& request) {
    client_.send(zmq::buffer(request.dump()), zmq::send_flags::none);
  }
  // The next answer, or null when none came within the receive bound.
  json Receive() {
    zmq::message_t answer;
    if (!client_.recv(answer)) return nullptr;
    return json::parse(answer.to_string());
  }
  bool Waiting() {
    zmq::message_t answer;
    return !client_.recv(answer, zmq::recv_flags::dontwait).has_value();
  }

  pingan::testing::TempDir dir_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  zmq::context_t zmq_;
  ControlServer server_;
  zmq::socket_t client_;
  std::thread io_thread_;
  std::atomic<int> value_{0};
  std::function<void()> held_;
  std::promise<void> held_promise_;
};

TEST_F(ControlServerTest, AChangeIsAnsweredOnlyOnceTheWriterRanWhatItPosted) {
  Send({{"command", "value.set"}, {"args", {{"to", 7}}}});
  ASSERT_EQ(held_promise_.get_future().wait_for(10s), std::future_status::ready)
      << "the change's answer did not wait for the writer";
  EXPECT_EQ(value_, 7);
  EXPECT_TRUE(Waiting()) << "answered before the writer ran the change";
  held_();  // the writer reached the answer's job
  EXPECT_EQ(Receive(), (json{{"ok", true}, {"result", "set"}}));
}

TEST_F(ControlServerTest, AReadIsAnsweredWithoutWaitingForTheWriter) {
  value_ = 3;
  Send({{"command", "value.get"}});
  EXPECT_EQ(Receive(), (json{{"ok", true}, {"result", 3}}));
  EXPECT_FALSE(held_) << "a read went through the writer";
}

TEST_F(ControlServerTest, UnknownCommandsAndBadRequestsAreRefusedAtOnce) {
  Send({{"command", "value.drop"}});
  EXPECT_EQ(Receive()["error"]["code"], "unknown_command");
  client_.send(zmq::buffer(std::string("not json")), zmq::send_flags::none);
  EXPECT_EQ(Receive()["error"]["code"], "bad_request");
  EXPECT_FALSE(held_);
}

}  // namespace
}  // namespace pingan::services
