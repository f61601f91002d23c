#include "daemon/ingest/zap_authenticator.h"

#include <spdlog/spdlog.h>

#include <array>
#include <cstring>
#include <vector>

#include <zmq_addon.hpp>

#include "daemon/core/text.h"

namespace pingan::ingest {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

bool DecodeZ85Key(std::string_view z85, std::array<uint8_t, 32>& raw) {
  if (z85.size() != 40) return false;
  char text[41];  // zmq_z85_decode wants a terminated string
  std::memcpy(text, z85.data(), 40);
  text[40] = '\0';
  return zmq_z85_decode(raw.data(), text) != nullptr;
}

std::string EncodeZ85Key(const std::string& raw) {
  char out[41] = {};
  if (raw.size() != 32) return "(invalid)";
  zmq_z85_encode(out, reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
  return out;
}

// ZAP metadata (RFC 27, as ZMTP properties): name length (1 byte), name, value length
// (4 bytes, network order), value.
std::string Metadata(std::string_view name, std::string_view value) {
  std::string out;
  out += static_cast<char>(name.size());
  out += name;
  const auto n = static_cast<uint32_t>(value.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  out += value;
  return out;
}

}  // namespace

ZapAuthenticator::ZapAuthenticator(boost::asio::io_context& io, zmq::context_t& context,
                                   const core::Clock& clock, core::LogLimits log_limits)
    : socket_(context, zmq::socket_type::rep), io_(io), log_(io, clock, "zap", log_limits) {
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

bool ZapAuthenticator::ToRawKey(std::string_view bytes, RawKey& out) {
  if (bytes.size() != out.size()) return false;
  std::memcpy(out.data(), bytes.data(), out.size());
  return true;
}

ZapAuthenticator::KeyTable ZapAuthenticator::BuildKeyTable(const wire::SchoolKeys& keys) {
  KeyTable table;
  table.reserve(keys.size());
  for (const auto& [school, z85] : keys) {
    RawKey raw;
    if (DecodeZ85Key(z85, raw)) table.emplace(raw, school);
  }
  return table;
}

void ZapAuthenticator::SwapKeyTable(KeyTable& table) {
  school_by_key_.swap(table);
  spdlog::info("zap: {} school keys allowed", school_by_key_.size());
}

void ZapAuthenticator::SetSchoolKeys(const wire::SchoolKeys& keys) {
  KeyTable table = BuildKeyTable(keys);
  SwapKeyTable(table);
}

bool ZapAuthenticator::IsCurrent(std::string_view school, std::string_view key_z85) const {
  RawKey raw;
  if (!DecodeZ85Key(key_z85, raw)) return false;
  auto it = school_by_key_.find(raw);
  return it != school_by_key_.end() && it->second == school;
}

ZapStats ZapAuthenticator::stats() const {
  ZapStats out = stats_;
  out.log_lines_suppressed = log_.suppressed();
  return out;
}

std::string ZapAuthenticator::Authenticate(const std::string& mechanism,
                                           const std::string& credentials,
                                           std::string& status_text) {
  if (mechanism != "CURVE") {
    status_text = "only CURVE is accepted";
    return "";
  }
  RawKey raw;
  auto it = ToRawKey(credentials, raw) ? school_by_key_.find(raw) : school_by_key_.end();
  if (it == school_by_key_.end()) {
    status_text = "unknown key";
    return "";
  }
  status_text = "OK";
  return it->second;
}

void ZapAuthenticator::SendReply(std::string_view request_id, std::string_view status_code,
                                 std::string_view status_text, std::string_view user_id,
                                 std::string_view key_z85) {
  // version, request id, status code, status text, user id, metadata (RFC 27).
  // The key rides along as metadata so that each message can be checked against the
  // current key set (IsCurrent), not only the handshake.
  const std::string metadata = user_id.empty() ? "" : Metadata(kKeyProperty, key_z85);
  std::array<zmq::const_buffer, 6> reply{zmq::str_buffer("1.0"),   zmq::buffer(request_id),
                                         zmq::buffer(status_code), zmq::buffer(status_text),
                                         zmq::buffer(user_id),     zmq::buffer(metadata)};
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
      ++stats_.malformed_requests;
      spdlog::error("zap: malformed request of {} frames", frames.size());
      SendReply(frames.size() > 1 ? frames[1].to_string_view() : "", "500", "malformed ZAP request",
                "", "");
      continue;
    }
    const std::string mechanism = frames[5].to_string();
    const std::string credentials = frames.size() > 6 ? frames[6].to_string() : "";
    std::string status_text;
    const std::string school = Authenticate(mechanism, credentials, status_text);
    const std::string_view address = frames[3].to_string_view();
    if (school.empty()) {
      LogRefusal(mechanism, credentials, address, status_text);
      SendReply(frames[1].to_string_view(), "400", status_text, "", "");
    } else {
      ++stats_.accepted;
      spdlog::debug("zap: school {} authenticated from {}", school, core::LogSafe(address));
      SendReply(frames[1].to_string_view(), "200", status_text, school, EncodeZ85Key(credentials));
    }
  }
}

void ZapAuthenticator::LogRefusal(const std::string& mechanism, const std::string& credentials,
                                  std::string_view address, const std::string& status_text) {
  // Anyone who reaches the port can cause this line: counted always, logged a few
  // times per address and minute.
  const bool curve = mechanism == "CURVE";
  ++(curve ? stats_.denied_unknown_key : stats_.denied_mechanism);
  log_.Write(
      spdlog::level::warn, curve ? "refused unknown key" : "refused mechanism", address,
      fmt::format("refused {} client {} from {}: {}", core::LogSafe(mechanism),
                  curve ? EncodeZ85Key(credentials) : "-", core::LogSafe(address), status_text));
}

}  // namespace pingan::ingest
