// RawAgent: an agent's socket without the agent (no spool, no resend policy): sends
// what a test wants on one CURVE connection that stays open, and reads acks with a
// bounded wait. For tests that need exact control over what is sent (forged frames,
// resends of known report ids). One thread at a time, like the ZeroMQ socket inside.
// AllClear builds a valid all-clear of today for a school.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "agents/report_builder.h"
#include "daemon/ingest/codec.h"
#include "daemon/ingest/curve_keys.h"

namespace pingan::testing {

// An agent's socket, without the agent: sends what a test wants on one connection that
// stays open, and reads acks with a bounded wait.
class RawAgent {
 public:
  RawAgent(zmq::context_t& context, const std::string& endpoint, const std::string& server_key,
           const wire::CurveKeyPair& keys)
      : socket_(context, zmq::socket_type::dealer) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::curve_serverkey, server_key);
    socket_.set(zmq::sockopt::curve_publickey, keys.public_z85);
    socket_.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
    socket_.connect(endpoint);
  }
  void SendFrame(const std::string& frame) { socket_.send(zmq::buffer(frame)); }
  void Send(const core::Report& r) { SendFrame(wire::EncodeReportFrame(r)); }
  std::optional<wire::Ack> NextAck(std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, timeout) == 0) return std::nullopt;
    zmq::message_t msg;
    if (!socket_.recv(msg)) return std::nullopt;
    return wire::DecodeAckFrame(msg.to_string_view());
  }

 private:
  zmq::socket_t socket_;
};

inline core::Report AllClear(const std::string& school) {
  core::Report r;
  r.report_id = agent::NewReportId(core::Instant{
      std::chrono::floor<core::Millis>(std::chrono::system_clock::now().time_since_epoch())});
  r.school_id = school;
  r.kind = core::ReportKind::kAllClear;
  r.covers = date::year_month_day{date::floor<date::days>(std::chrono::system_clock::now())};
  r.agent_time = core::Instant{
      std::chrono::floor<core::Millis>(std::chrono::system_clock::now().time_since_epoch())};
  return r;
}

}  // namespace pingan::testing
