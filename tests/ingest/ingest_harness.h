// Test harness: a real ReportServer + ZapAuthenticator + StoreWriter on loopback
// (tcp://127.0.0.1, free port), with its io_context on a thread of its own, and a
// small CURVE DEALER client. Waits are bounded and event-driven, never sleeps.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstring>
#include <future>
#include <memory>
#include <thread>
#include <zmq.hpp>

#include "daemon/core/uuid.h"
#include "daemon/ingest/codec.h"
#include "daemon/ingest/curve_keys.h"
#include "daemon/ingest/report_server.h"
#include "daemon/ingest/zap_authenticator.h"
#include "daemon/store/store_writer.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::testing {

inline const core::Instant kHarnessNow =
    date::sys_days{date::year{2026} / 10 / 3} + std::chrono::hours{8};

inline core::Report SampleAllClear(const std::string& school, int n) {
  core::Report r;
  std::array<uint8_t, 10> random{};
  random[8] = static_cast<uint8_t>(n >> 8);
  random[9] = static_cast<uint8_t>(n);
  random[0] = static_cast<uint8_t>(school.size() + school.back());
  r.report_id = core::FormatUuid(core::MakeUuidV7(kHarnessNow + core::Millis{n}, random));
  r.school_id = school;
  r.kind = core::ReportKind::kAllClear;
  r.covers = date::year{2026} / 10 / 3;
  r.agent_time = kHarnessNow;
  return r;
}

class IngestHarness {
 public:
  explicit IngestHarness(const wire::SchoolKeys& keys, bool with_zap = true)
      : clock_(kHarnessNow), server_keys_(wire::GenerateCurveKeyPair()) {
    store::StoreWriterOptions store_options;
    store_options.database_path = dir_.File("pingan.db");
    writer_ = std::make_unique<store::StoreWriter>(
        store_options, [this](std::vector<store::WriteOutcome> outcomes) {
          boost::asio::post(io_, [this, o = std::move(outcomes)] { server_->OnCommitted(o); });
        });
    if (with_zap) {
      zap_ = std::make_unique<ingest::ZapAuthenticator>(io_, context_, clock_);
      zap_->SetSchoolKeys(keys);
      zap_->Bind();
    }
    options_.endpoint = "tcp://127.0.0.1:*";
    options_.curve_secret_key = server_keys_.secret_z85;
  }

  // Change before Start.
  ingest::ReportServerOptions& options() { return options_; }

  void Start() {
    // One clock for report times and the limits: tests move both by hand.
    server_ =
        std::make_unique<ingest::ReportServer>(io_, context_, *writer_, clock_, clock_, options_);
    endpoint_ = server_->Bind(zap_.get());
    thread_ = std::thread([this] { io_.run(); });
  }

  ~IngestHarness() {
    io_.stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    zap_.reset();
    writer_->Stop();
  }

  // Runs `fn` on the io thread and waits for it (stats are io-thread state).
  template <typename F>
  auto OnIo(F fn) {
    std::packaged_task<decltype(fn())()> task(fn);
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }
  ingest::ReportServerStats Stats() {
    return OnIo([this] { return server_->stats(); });
  }
  ingest::ZapStats ZapStats() {
    return OnIo([this] { return zap_->stats(); });
  }
  // Replaces the enrolled keys, as a SIGHUP or `pinganctl keys` would.
  void SetKeys(const wire::SchoolKeys& keys) {
    OnIo([&] {
      zap_->SetSchoolKeys(keys);
      return 0;
    });
  }
  FakeClock& clock() { return clock_; }
  // Runs `fn` against the database on the writer thread, after everything queued.
  template <typename F>
  auto OnStore(F fn) {
    std::promise<decltype(fn(std::declval<store::Database&>()))> done;
    writer_->Post([&](store::Database& db) { done.set_value(fn(db)); });
    return done.get_future().get();
  }
  int64_t StoredRows() {
    return OnStore([](store::Database& db) {
      return db.sql().execAndGet("SELECT count(*) FROM reports").getInt64();
    });
  }

  const std::string& endpoint() const { return endpoint_; }
  const wire::CurveKeyPair& server_keys() const { return server_keys_; }
  zmq::context_t& client_context() { return client_context_; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  FakeClock clock_;
  wire::CurveKeyPair server_keys_;
  boost::asio::io_context io_;
  zmq::context_t context_;
  zmq::context_t client_context_;
  std::unique_ptr<store::StoreWriter> writer_;
  std::unique_ptr<ingest::ZapAuthenticator> zap_;
  ingest::ReportServerOptions options_;
  std::unique_ptr<ingest::ReportServer> server_;
  std::string endpoint_;
  std::thread thread_;
};

// A CURVE DEALER that sends frames and waits (bounded) for acks.
class TestClient {
 public:
  TestClient(IngestHarness& h, const wire::CurveKeyPair& keys)
      : socket_(h.client_context(), zmq::socket_type::dealer),
        monitor_(h.client_context(), zmq::socket_type::pair) {
    static int next_monitor = 0;
    const std::string monitor_endpoint = "inproc://test-monitor-" + std::to_string(next_monitor++);
    zmq_socket_monitor(socket_.handle(), monitor_endpoint.c_str(), ZMQ_EVENT_ALL);
    monitor_.connect(monitor_endpoint);
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::curve_serverkey, h.server_keys().public_z85);
    socket_.set(zmq::sockopt::curve_publickey, keys.public_z85);
    socket_.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
    socket_.connect(h.endpoint());
  }
  void SendFrame(const std::string& frame) { socket_.send(zmq::buffer(frame)); }
  void Send(const core::Report& r) { SendFrame(wire::EncodeReportFrame(r)); }
  std::optional<wire::Ack> NextAck(int timeout_ms = 10000) {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds{timeout_ms}) == 0) return std::nullopt;
    zmq::message_t msg;
    if (!socket_.recv(msg)) return std::nullopt;
    return wire::DecodeAckFrame(msg.to_string_view());
  }
  zmq::socket_t& socket() { return socket_; }
  // Waits (bounded) for a socket-monitor event such as ZMQ_EVENT_HANDSHAKE_SUCCEEDED
  // or ZMQ_EVENT_HANDSHAKE_FAILED_AUTH; returns false if it did not come.
  bool WaitEvent(uint16_t wanted, int timeout_ms = 10000) {
    zmq::pollitem_t item{monitor_.handle(), 0, ZMQ_POLLIN, 0};
    while (zmq::poll(&item, 1, std::chrono::milliseconds{timeout_ms}) > 0) {
      zmq::message_t event, address;
      if (!monitor_.recv(event) || !monitor_.recv(address)) return false;
      uint16_t id = 0;
      std::memcpy(&id, event.data(), sizeof id);
      if (id == wanted) return true;
    }
    return false;
  }

 private:
  zmq::socket_t socket_;
  zmq::socket_t monitor_;
};

}  // namespace pingan::testing
