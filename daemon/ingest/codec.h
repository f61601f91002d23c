// Codec: the only place where protobuf wire messages meet core values.
//
// The daemon decodes agent frames into core::Report (rejecting what does not parse)
// and encodes acks; the agent does the reverse. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "daemon/core/report.h"

namespace pingan::wire {

// Upper bound for one frame on the wire; the daemon sets ZMQ_MAXMSGSIZE to this, so
// larger frames are dropped by libzmq (and their connection closed) before parsing.
inline constexpr int64_t kMaxFrameBytes = 64 * 1024;
inline constexpr int kProtocolVersion = 1;

enum class AckStatus { kStored = 1, kDuplicate = 2, kRejected = 3 };

struct Ack {
  std::string report_id;
  AckStatus status = AckStatus::kRejected;
  std::optional<core::RejectReason> reason;  // set when status is kRejected
  std::string detail;
};

// A frame that parsed as a report envelope, or why it did not. On a parse failure the
// report id is kept when it could be read, so the agent can match the rejection.
struct DecodeFailure {
  std::string report_id;
  core::Rejection rejection;
};
std::variant<core::Report, DecodeFailure> DecodeReportFrame(std::string_view frame);
std::string EncodeReportFrame(const core::Report& report);

std::string EncodeAckFrame(const Ack& ack);
std::optional<Ack> DecodeAckFrame(std::string_view frame);

const char* AckStatusName(AckStatus status);  // "stored", "duplicate", "rejected"

// Sends libprotobuf's own log lines (it writes to stderr by itself) through spdlog,
// escaped and cut (core::LogSafe). Call once at start, before any frame is parsed.
void RouteProtobufLogs();

}  // namespace pingan::wire
