#include "daemon/ingest/zap_authenticator.h"

#include <spdlog/spdlog.h>

#include <array>
#include <vector>

#include <zmq_addon.hpp>

namespace pingan::ingest {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

std::string DecodeZ85Key(const std::string& z85) {
  std::array<uint8_t, 32> raw{};
  if (zmq_z85_decode(raw.data(), z85.c_str()) == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(raw.data()), raw.size());
}

std::string EncodeZ85Key(const std::string& raw) {
  char out[41] = {};
  if (raw.size() != 32) return "(invalid)";
  zmq_z85_encode(out, reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
  return out;
}

}  // namespace

ZapAuthenticator::ZapAuthenticator(boost::asio::io_context& io, zmq::context_t& context)
    : socket_(context, zmq::socket_type::rep), io_(io) {
  socket_.set(zmq::sockopt::linger, 0);
}

ZapAuthenticator::~ZapAuthenticator() {
  watcher_.reset();
}

void ZapAuthenticator::Bind() {
  socket_.bind(kZapEndpoint);
  watcher_ = std::make_unique<ZmqWatcher>(io_, socket_, [this] { HandleRequests(); });
  watcher_->Start();
}

void ZapAuthenticator::SetSchoolKeys(const wire::SchoolKeys& keys) {
  std::map<std::string, std::string> next;
  for (const auto& [school, z85] : keys) {
    const std::string raw = DecodeZ85Key(z85);
    if (!raw.empty()) next.emplace(raw, school);
  }
  school_by_key_.swap(next);
  spdlog::info("zap: {} school keys allowed", school_by_key_.size());
}

std::string ZapAuthenticator::Authenticate(const std::string& mechanism,
                                           const std::string& credentials,
                                           std::string& status_text) {
  if (mechanism != "CURVE") {
    status_text = "only CURVE is accepted";
    return "";
  }
  auto it = school_by_key_.find(credentials);
  if (it == school_by_key_.end()) {
    status_text = "unknown key";
    return "";
  }
  status_text = "OK";
  return it->second;
}

void ZapAuthenticator::SendReply(std::string_view request_id, std::string_view status_code,
                                 std::string_view status_text, std::string_view user_id) {
  // version, request id, status code, status text, user id, metadata (RFC 27).
  std::array<zmq::const_buffer, 6> reply{zmq::str_buffer("1.0"),   zmq::buffer(request_id),
                                         zmq::buffer(status_code), zmq::buffer(status_text),
                                         zmq::buffer(user_id),     zmq::str_buffer("")};
  zmq::send_multipart(socket_, reply);
}

void ZapAuthenticator::HandleRequests() {
  // REP: one request, one reply, until no request is waiting (edge-triggered FD).
  for (;;) {
    std::vector<zmq::message_t> frames;
    auto n = zmq::recv_multipart(socket_, std::back_inserter(frames), zmq::recv_flags::dontwait);
    if (!n) return;
    // version, request id, domain, address, identity, mechanism, credentials...
    if (frames.size() < 6 || frames[0].to_string_view() != "1.0") {
      spdlog::error("zap: malformed request of {} frames", frames.size());
      SendReply(frames.size() > 1 ? frames[1].to_string_view() : "", "500", "malformed ZAP request",
                "");
      continue;
    }
    const std::string mechanism = frames[5].to_string();
    const std::string credentials = frames.size() > 6 ? frames[6].to_string() : "";
    std::string status_text;
    const std::string school = Authenticate(mechanism, credentials, status_text);
    if (school.empty()) {
      ++denied_;
      spdlog::warn("zap: refused {} client {} from {}: {}", mechanism,
                   mechanism == "CURVE" ? EncodeZ85Key(credentials) : "-",
                   frames[3].to_string_view(), status_text);
    } else {
      ++accepted_;
      spdlog::debug("zap: school {} authenticated from {}", school, frames[3].to_string_view());
    }
    SendReply(frames[1].to_string_view(), school.empty() ? "400" : "200", status_text, school);
  }
}

}  // namespace pingan::ingest
