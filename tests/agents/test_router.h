// Test doubles for the agent's network side: TestRouter, a daemon stand-in (ZeroMQ
// ROUTER on tcp://127.0.0.1, free port, optional CURVE) that answers each report frame
// as a script says, on a thread of its own; SteppingClock, a clock that moves forward a
// fixed step on every reading; and helpers to make reports. Waits are bounded and
// event-driven; nothing sleeps on the wall clock.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "agents/report_builder.h"
#include "agents/sender.h"
#include "daemon/core/local_time.h"
#include "daemon/ingest/codec.h"
#include "daemon/ingest/curve_keys.h"
#include "tests/fakes/fake_clock.h"

namespace pingan::testing {

inline const core::Instant kAgentNow =
    date::sys_days{date::year{2026} / 10 / 3} + std::chrono::hours{2};  // 10:00 in Shanghai

inline core::Report AllClear(const std::string& school = "school-1",
                             core::Instant now = kAgentNow) {
  core::Report r;
  r.report_id = agent::NewReportId(now);
  r.school_id = school;
  r.kind = core::ReportKind::kAllClear;
  r.covers = date::year_month_day{date::floor<date::days>(now)};
  r.agent_time = now;
  return r;
}

inline core::Report Incident(std::string summary, core::Instant now = kAgentNow) {
  core::Report r = AllClear("school-1", now);
  r.kind = core::ReportKind::kIncident;
  r.incident = core::Incident{
      core::IncidentCategory::kFire, core::Severity::kIII, now, std::move(summary), 1, 0, 0, false};
  return r;
}

// Moves forward by `step` every time it is read: for loops that wait on the clock.
class SteppingClock final : public core::Clock {
 public:
  SteppingClock(core::Instant start, core::Millis step)
      : now_ms_(core::ToUnixMillis(start)), step_ms_(step.count()) {}
  core::Instant Now() const override { return core::FromUnixMillis(now_ms_ += step_ms_); }
  void set_step(core::Millis step) { step_ms_ = step.count(); }

 private:
  mutable std::atomic<int64_t> now_ms_;
  std::atomic<int64_t> step_ms_;
};

inline wire::Ack Answer(const core::Report& r, wire::AckStatus status,
                        std::optional<core::RejectReason> reason = std::nullopt,
                        std::string detail = "") {
  return wire::Ack{r.report_id, status, reason, std::move(detail)};
}

class TestRouter {
 public:
  // The answer to the `seen`-th arrival (1-based) of a report; nullopt = stay silent.
  using Script = std::function<std::optional<wire::Ack>(const core::Report&, int seen)>;

  static Script Storing() {
    return [](const core::Report& r, int seen) {
      return Answer(r, seen == 1 ? wire::AckStatus::kStored : wire::AckStatus::kDuplicate);
    };
  }
  static Script Silent() {
    return [](const core::Report&, int) { return std::nullopt; };
  }

  // `server_keys` empty: plain ZeroMQ (the daemon's --insecure-dev).
  TestRouter(std::optional<wire::CurveKeyPair> server_keys, Script script,
             const std::string& endpoint = "tcp://127.0.0.1:*")
      : socket_(context_, zmq::socket_type::router), script_(std::move(script)) {
    socket_.set(zmq::sockopt::linger, 0);
    if (server_keys) {
      socket_.set(zmq::sockopt::curve_server, 1);
      socket_.set(zmq::sockopt::curve_secretkey, server_keys->secret_z85);
    }
    socket_.bind(endpoint);
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TestRouter() {
    stop_ = true;
    thread_.join();
  }

  const std::string& endpoint() const { return endpoint_; }
  int received() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(arrivals_.size());
  }
  std::vector<std::string> arrivals() const {
    std::lock_guard lock(mutex_);
    return arrivals_;
  }
  // Waits (bounded, event-driven) until at least `n` frames have arrived.
  bool WaitReceived(int n, std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout,
                             [&] { return static_cast<int>(arrivals_.size()) >= n; });
  }

 private:
  void Serve() {
    while (!stop_) {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, std::chrono::milliseconds{10}) == 0) continue;
      zmq::message_t routing_id, frame;
      while (socket_.recv(routing_id, zmq::recv_flags::dontwait)) {
        if (!socket_.recv(frame, zmq::recv_flags::dontwait)) break;
        Handle(routing_id, frame);
      }
    }
  }
  void Handle(const zmq::message_t& routing_id, const zmq::message_t& frame) {
    auto decoded = wire::DecodeReportFrame(frame.to_string_view());
    ASSERT_TRUE(std::holds_alternative<core::Report>(decoded)) << "agent sent a bad frame";
    const auto& report = std::get<core::Report>(decoded);
    int seen = 0;
    {
      std::lock_guard lock(mutex_);
      arrivals_.push_back(report.report_id);
      for (const auto& id : arrivals_) seen += id == report.report_id ? 1 : 0;
    }
    auto ack = script_(report, seen);
    if (ack) {
      const std::string out = wire::EncodeAckFrame(*ack);
      socket_.send(zmq::buffer(routing_id.data(), routing_id.size()), zmq::send_flags::sndmore);
      socket_.send(zmq::buffer(out));
    }
    changed_.notify_all();
  }

  zmq::context_t context_;
  zmq::socket_t socket_;
  Script script_;
  std::string endpoint_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> arrivals_;
  std::thread thread_;
};

// Sender options for tests: CURVE with the given keys, deterministic jitter.
inline agent::SenderOptions TestSenderOptions(const std::vector<std::string>& endpoints,
                                              const wire::CurveKeyPair& server_keys,
                                              const wire::CurveKeyPair& client_keys) {
  agent::SenderOptions o;
  o.endpoints = endpoints;
  o.server_public_key = server_keys.public_z85;
  o.client_keys = client_keys;
  o.ack_timeout = std::chrono::seconds{10};
  o.idle_close = std::chrono::seconds{30};
  o.retry = agent::BackoffPolicy{std::chrono::seconds{1}, std::chrono::seconds{60}, 2.0,
                                 agent::Jitter::kFull};
  o.poll_slice = core::Millis{10};
  o.random = std::make_shared<agent::SeededRandom>(42);
  return o;
}

// Steps until `done` holds, at most `max_steps` times (each waits <= poll_slice).
inline bool StepUntil(agent::Sender& sender, const std::function<bool()>& done,
                      int max_steps = 1000) {
  for (int i = 0; i < max_steps; ++i) {
    if (done()) return true;
    sender.Step();
  }
  return done();
}

}  // namespace pingan::testing
