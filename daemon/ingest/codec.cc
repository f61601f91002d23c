#include "daemon/ingest/codec.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include "daemon/core/text.h"
#include "pingan/v1/report.pb.h"

namespace pingan::wire {
namespace {

namespace pb = ::pingan::v1;

DecodeFailure Failure(std::string report_id, core::RejectReason reason, std::string detail) {
  return DecodeFailure{std::move(report_id), core::Rejection{reason, std::move(detail)}};
}

date::year_month_day FromWire(const pb::LocalDate& d) {
  // Out-of-range values become !ok() dates, which validation rejects. The year too:
  // date::year holds 16 bits, so 67562 would wrap to 2026 and count as today's
  // all-clear. No report covers a day outside years 1..9999.
  if (d.month() < 1 || d.month() > 12 || d.day() < 1 || d.day() > 31) return {};
  if (d.year() < 1 || d.year() > 9999) return {};
  return date::year{d.year()} / date::month{static_cast<unsigned>(d.month())} /
         date::day{static_cast<unsigned>(d.day())};
}

void ToWire(date::year_month_day ymd, pb::LocalDate* out) {
  out->set_year(static_cast<int>(ymd.year()));
  out->set_month(static_cast<int>(static_cast<unsigned>(ymd.month())));
  out->set_day(static_cast<int>(static_cast<unsigned>(ymd.day())));
}

core::Incident FromWire(const pb::Incident& in) {
  core::Incident out;
  // Unknown or unspecified enum values are carried through as out-of-range numbers so
  // that core validation names the problem (one set of rules).
  out.category = static_cast<core::IncidentCategory>(in.category());
  out.severity = static_cast<core::Severity>(in.severity());
  out.occurred_at = core::FromUnixMillis(in.occurred_at_unix_ms());
  out.summary = in.summary();
  out.injured = in.injured();
  out.dead = in.dead();
  out.missing = in.missing();
  out.needs_leader_attention = in.needs_leader_attention();
  return out;
}

}  // namespace

std::variant<core::Report, DecodeFailure> DecodeReportFrame(std::string_view frame) {
  if (frame.empty()) return Failure("", core::RejectReason::kMalformed, "empty frame");
  pb::Envelope env;
  if (frame.size() > static_cast<size_t>(kMaxFrameBytes) ||
      !env.ParseFromArray(frame.data(), static_cast<int>(frame.size()))) {
    return Failure("", core::RejectReason::kMalformed, "frame is not a pingan envelope");
  }
  const std::string report_id = env.has_report() ? env.report().report_id() : "";
  if (env.protocol_version() != pb::PROTOCOL_VERSION_1) {
    return Failure(report_id, core::RejectReason::kUnsupportedVersion,
                   "protocol version " + std::to_string(env.protocol_version()) +
                       " is not supported; this daemon speaks version 1");
  }
  if (!env.has_report()) {
    return Failure("", core::RejectReason::kMalformed, "envelope carries no report");
  }
  const pb::Report& in = env.report();
  core::Report out;
  out.report_id = in.report_id();
  out.school_id = in.school_id();
  out.kind = static_cast<core::ReportKind>(in.kind());
  out.covers = in.has_covers() ? FromWire(in.covers()) : date::year_month_day{};
  out.agent_time = core::FromUnixMillis(in.agent_time_unix_ms());
  if (in.has_incident()) out.incident = FromWire(in.incident());
  if (in.has_monthly()) {
    const auto& m = in.monthly();
    out.monthly = core::MonthlySummary{m.hazards_found(), m.hazards_rectified(), m.drills_held(),
                                       m.incidents()};
  }
  return out;
}

std::string EncodeReportFrame(const core::Report& report) {
  pb::Envelope env;
  env.set_protocol_version(pb::PROTOCOL_VERSION_1);
  pb::Report* out = env.mutable_report();
  out->set_report_id(report.report_id);
  out->set_school_id(report.school_id);
  out->set_kind(static_cast<pb::ReportKind>(report.kind));
  ToWire(report.covers, out->mutable_covers());
  out->set_agent_time_unix_ms(core::ToUnixMillis(report.agent_time));
  if (report.incident) {
    const core::Incident& in = *report.incident;
    pb::Incident* inc = out->mutable_incident();
    inc->set_category(static_cast<pb::IncidentCategory>(in.category));
    inc->set_severity(static_cast<pb::Severity>(in.severity));
    inc->set_occurred_at_unix_ms(core::ToUnixMillis(in.occurred_at));
    inc->set_summary(in.summary);
    inc->set_injured(in.injured);
    inc->set_dead(in.dead);
    inc->set_missing(in.missing);
    inc->set_needs_leader_attention(in.needs_leader_attention);
  }
  if (report.monthly) {
    pb::MonthlySummary* m = out->mutable_monthly();
    m->set_hazards_found(report.monthly->hazards_found);
    m->set_hazards_rectified(report.monthly->hazards_rectified);
    m->set_drills_held(report.monthly->drills_held);
    m->set_incidents(report.monthly->incidents);
  }
  return env.SerializeAsString();
}

std::string EncodeAckFrame(const Ack& ack) {
  pb::Envelope env;
  env.set_protocol_version(pb::PROTOCOL_VERSION_1);
  pb::Ack* out = env.mutable_ack();
  out->set_report_id(ack.report_id);
  out->set_status(static_cast<pb::AckStatus>(ack.status));
  if (ack.reason) out->set_reason(static_cast<pb::RejectReason>(*ack.reason));
  out->set_detail(ack.detail);
  return env.SerializeAsString();
}

std::optional<Ack> DecodeAckFrame(std::string_view frame) {
  pb::Envelope env;
  if (!env.ParseFromArray(frame.data(), static_cast<int>(frame.size())) || !env.has_ack()) {
    return std::nullopt;
  }
  const pb::Ack& in = env.ack();
  if (in.status() < pb::ACK_STATUS_STORED || in.status() > pb::ACK_STATUS_REJECTED) {
    return std::nullopt;
  }
  Ack out;
  out.report_id = in.report_id();
  out.status = static_cast<AckStatus>(in.status());
  if (out.status == AckStatus::kRejected) {
    out.reason = in.reason() == pb::REJECT_REASON_UNSPECIFIED
                     ? core::RejectReason::kMalformed
                     : static_cast<core::RejectReason>(in.reason());
  }
  out.detail = in.detail();
  return out;
}

const char* AckStatusName(AckStatus status) {
  switch (status) {
    case AckStatus::kStored:
      return "stored";
    case AckStatus::kDuplicate:
      return "duplicate";
    case AckStatus::kRejected:
      return "rejected";
  }
  return "unknown";
}

void RouteProtobufLogs() {
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
        const auto spd = level >= google::protobuf::LOGLEVEL_ERROR     ? spdlog::level::err
                         : level == google::protobuf::LOGLEVEL_WARNING ? spdlog::level::warn
                                                                       : spdlog::level::info;
        spdlog::log(spd, "protobuf: {} ({}:{})", core::LogSafe(message, 200), file, line);
      });
}

}  // namespace pingan::wire
