#include "daemon/core/report.h"

#include <array>
#include <utility>

#include "daemon/core/uuid.h"

namespace pingan::core {
namespace {

constexpr std::array<std::pair<IncidentCategory, std::string_view>, 14> kCategoryNames{{
    {IncidentCategory::kCampusInjury, "campus_injury"},
    {IncidentCategory::kFoodSafety, "food_safety"},
    {IncidentCategory::kBuilding, "building"},
    {IncidentCategory::kFire, "fire"},
    {IncidentCategory::kTraffic, "traffic"},
    {IncidentCategory::kHealth, "health"},
    {IncidentCategory::kLargeEvent, "large_event"},
    {IncidentCategory::kNaturalDisaster, "natural_disaster"},
    {IncidentCategory::kPublicOrder, "public_order"},
    {IncidentCategory::kFight, "fight"},
    {IncidentCategory::kMissingStudent, "missing_student"},
    {IncidentCategory::kPsychological, "psychological"},
    {IncidentCategory::kHazard, "hazard"},
    {IncidentCategory::kOther, "other"},
}};

bool IsSchoolIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::optional<Rejection> Reject(RejectReason reason, std::string detail) {
  return Rejection{reason, std::move(detail)};
}

std::optional<Rejection> ValidateIncident(const Incident& incident, Instant now,
                                          const ReportLimits& limits) {
  const int category = static_cast<int>(incident.category);
  if (category < 1 || category > kMaxIncidentCategory) {
    return Reject(RejectReason::kBadIncident, "incident category is missing or unknown");
  }
  const int severity = static_cast<int>(incident.severity);
  if (severity < 1 || severity > 4) {
    return Reject(RejectReason::kBadIncident, "incident severity must be I, II, III or IV");
  }
  if (incident.occurred_at.time_since_epoch().count() <= 0) {
    return Reject(RejectReason::kBadIncident, "incident occurred_at is missing");
  }
  if (incident.occurred_at > now + limits.max_future_skew + kClockDoubt) {
    return Reject(RejectReason::kBadIncident, "incident occurred_at lies in the future");
  }
  if (incident.occurred_at > now + limits.max_future_skew) {
    return Reject(RejectReason::kAheadOfDaemonClock,
                  "incident occurred_at lies in the future of the checking clock (if the "
                  "daemon's clock is slow, a resend later succeeds)");
  }
  if (incident.summary.empty()) {
    return Reject(RejectReason::kBadIncident, "incident summary is empty");
  }
  if (incident.summary.size() > limits.max_summary_bytes) {
    return Reject(RejectReason::kTextTooLong,
                  "incident summary has " + std::to_string(incident.summary.size()) +
                      " bytes; the limit is " + std::to_string(limits.max_summary_bytes));
  }
  if (!IsValidUtf8(incident.summary)) {
    return Reject(RejectReason::kTextTooLong, "incident summary is not valid UTF-8");
  }
  return std::nullopt;
}

std::optional<Rejection> ValidateDate(date::year_month_day covers, Instant now,
                                      const ReportLimits& limits) {
  if (!covers.ok()) return Reject(RejectReason::kBadDate, "covered date is not a valid date");
  const auto today = date::floor<date::days>(now);
  const auto day = date::sys_days{covers};
  const auto latest = today + date::days{limits.max_days_ahead};
  if (day > latest + date::floor<date::days>(kClockDoubt)) {
    return Reject(RejectReason::kBadDate, "covered date lies in the future");
  }
  if (day > latest) {
    return Reject(RejectReason::kAheadOfDaemonClock,
                  "covered date lies in the future of the checking clock (if the daemon's "
                  "clock is slow, a resend later succeeds)");
  }
  if (day < today - date::days{limits.max_days_back}) {
    return Reject(RejectReason::kBadDate, "covered date is more than " +
                                              std::to_string(limits.max_days_back) + " days old");
  }
  return std::nullopt;
}

}  // namespace

bool IsValidSchoolId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  if (id[0] == '.' || id[0] == '-' || id[0] == '_') return false;
  for (char c : id) {
    if (!IsSchoolIdChar(c)) return false;
  }
  return true;
}

std::optional<Rejection> ValidateReport(const Report& report, Instant now,
                                        const ReportLimits& limits) {
  if (!IsUuidV7(report.report_id)) {
    return Reject(RejectReason::kBadReportId,
                  "report_id is not a UUIDv7 in canonical lowercase form (version 7, RFC 9562 "
                  "variant)");
  }
  if (!IsValidSchoolId(report.school_id)) {
    return Reject(RejectReason::kBadSchoolId, "school_id is empty or has invalid characters");
  }
  const int kind = static_cast<int>(report.kind);
  if (kind < 1 || kind > 3) return Reject(RejectReason::kBadKind, "report kind is unknown");
  if (auto bad = ValidateDate(report.covers, now, limits)) return bad;

  const bool is_incident = report.kind == ReportKind::kIncident;
  const bool is_monthly = report.kind == ReportKind::kMonthlySummary;
  if (is_incident != report.incident.has_value()) {
    return Reject(RejectReason::kBadIncident, is_incident
                                                  ? "an incident report needs an incident block"
                                                  : "only incident reports carry an incident");
  }
  if (is_monthly != report.monthly.has_value()) {
    return Reject(RejectReason::kBadMonthly, is_monthly ? "a monthly summary needs its figures"
                                                        : "only monthly summaries carry figures");
  }
  if (is_incident) return ValidateIncident(*report.incident, now, limits);
  return std::nullopt;
}

const char* RejectReasonName(RejectReason r) {
  switch (r) {
    case RejectReason::kUnsupportedVersion:
      return "unsupported_version";
    case RejectReason::kMalformed:
      return "malformed";
    case RejectReason::kBadReportId:
      return "bad_report_id";
    case RejectReason::kSchoolMismatch:
      return "school_mismatch";
    case RejectReason::kBadKind:
      return "bad_kind";
    case RejectReason::kBadDate:
      return "bad_date";
    case RejectReason::kBadIncident:
      return "bad_incident";
    case RejectReason::kTextTooLong:
      return "text_too_long";
    case RejectReason::kBadMonthly:
      return "bad_monthly";
    case RejectReason::kBadSchoolId:
      return "bad_school_id";
    case RejectReason::kReportIdTaken:
      return "report_id_taken";
    case RejectReason::kStoreUnavailable:
      return "store_unavailable";
    case RejectReason::kRateLimited:
      return "rate_limited";
    case RejectReason::kKeyRevoked:
      return "key_revoked";
    case RejectReason::kAheadOfDaemonClock:
      return "ahead_of_daemon_clock";
  }
  return "unknown";
}

std::string_view ReportKindName(ReportKind kind) {
  switch (kind) {
    case ReportKind::kAllClear:
      return "all_clear";
    case ReportKind::kIncident:
      return "incident";
    case ReportKind::kMonthlySummary:
      return "monthly";
  }
  return "unknown";
}

std::optional<ReportKind> ParseReportKind(std::string_view name) {
  for (auto k : {ReportKind::kAllClear, ReportKind::kIncident, ReportKind::kMonthlySummary}) {
    if (ReportKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view SeverityName(Severity s) {
  static constexpr std::string_view kNames[] = {"I", "II", "III", "IV"};
  const int i = static_cast<int>(s);
  return i >= 1 && i <= 4 ? kNames[i - 1] : "?";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (int i = 1; i <= 4; ++i) {
    const auto s = static_cast<Severity>(i);
    if (SeverityName(s) == name || std::to_string(i) == name) return s;
  }
  return std::nullopt;
}

IncidentFacts FactsOf(const Incident& incident) {
  return IncidentFacts{incident.category, incident.injured, incident.dead, incident.missing};
}

std::string_view IncidentCategoryName(IncidentCategory c) {
  for (const auto& [category, name] : kCategoryNames) {
    if (category == c) return name;
  }
  return "unknown";
}

std::optional<IncidentCategory> ParseIncidentCategory(std::string_view name) {
  for (const auto& [category, n] : kCategoryNames) {
    if (n == name) return category;
  }
  return std::nullopt;
}

}  // namespace pingan::core
