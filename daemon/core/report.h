// Report: what a school sends, as plain domain values (no protobuf).
//
// ValidateReport is the single set of rules that both the agent (refusing locally
// before spooling) and the daemon (refusing before storing) apply. Pure: it takes the
// current instant as an argument. Values are freely copyable; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <date/date.h>

#include "daemon/core/clock.h"
#include "daemon/core/text.h"  // IsValidUtf8

namespace pingan::core {

enum class ReportKind { kAllClear = 1, kIncident = 2, kMonthlySummary = 3 };

// Numbering matches the wire enum so conversion is a checked cast.
enum class IncidentCategory {
  kCampusInjury = 1,
  kFoodSafety,
  kBuilding,
  kFire,
  kTraffic,
  kHealth,
  kLargeEvent,
  kNaturalDisaster,
  kPublicOrder,
  kFight,
  kMissingStudent,
  kPsychological,
  kHazard,
  kOther,
};
inline constexpr int kMaxIncidentCategory = static_cast<int>(IncidentCategory::kOther);

// National grading: I (特别重大) is the most serious, IV (一般) the least.
enum class Severity { kI = 1, kII = 2, kIII = 3, kIV = 4 };

struct Incident {
  IncidentCategory category = IncidentCategory::kOther;
  Severity severity = Severity::kIV;
  Instant occurred_at{};
  std::string summary;  // protected free text: never logged, never in notifications
  uint32_t injured = 0;
  uint32_t dead = 0;
  uint32_t missing = 0;
  bool needs_leader_attention = false;
};

// What may be said about an incident outside the protected record (messages, webhooks):
// its category and casualty counts. Counts are not personal and leaders ask for them
// first; the summary is not here, so nothing built from these facts can carry it.
struct IncidentFacts {
  IncidentCategory category = IncidentCategory::kOther;
  uint32_t injured = 0;
  uint32_t dead = 0;
  uint32_t missing = 0;

  friend bool operator==(const IncidentFacts&, const IncidentFacts&) = default;
};
IncidentFacts FactsOf(const Incident& incident);

struct MonthlySummary {
  uint32_t hazards_found = 0;
  uint32_t hazards_rectified = 0;
  uint32_t drills_held = 0;
  uint32_t incidents = 0;
};

struct Report {
  std::string report_id;  // canonical lowercase UUID text (UUIDv7 from agents)
  std::string school_id;
  ReportKind kind = ReportKind::kAllClear;
  date::year_month_day covers{};
  Instant agent_time{};
  std::optional<Incident> incident;
  std::optional<MonthlySummary> monthly;
};

// Why a report is refused. Values match the wire enum RejectReason.
enum class RejectReason {
  kUnsupportedVersion = 1,
  kMalformed = 2,
  kBadReportId = 3,
  kSchoolMismatch = 4,
  kBadKind = 5,
  kBadDate = 6,
  kBadIncident = 7,
  kTextTooLong = 8,
  kBadMonthly = 9,
  kBadSchoolId = 10,
  kReportIdTaken = 11,  // the id names another school's stored report
  kStoreUnavailable = 100,
  kRateLimited = 101,  // over the per-school report rate: resend later
  kKeyRevoked = 102,   // the connection's key was revoked or replaced since it connected
  // A time in the report lies ahead of the daemon's clock by less than kClockDoubt
  // beyond the limit: a slow daemon clock is likelier than a wrong report, so resend.
  kAheadOfDaemonClock = 103,
};

// How far beyond its limits a time may lie ahead of the daemon's clock and still be
// answered as the daemon's doubt (kAheadOfDaemonClock) rather than the report's error.
inline constexpr Millis kClockDoubt = std::chrono::hours{24};

// Transient reasons are worth resending unchanged; permanent ones are not.
inline bool IsTransient(RejectReason r) {
  return static_cast<int>(r) >= 100;
}
const char* RejectReasonName(RejectReason r);

struct Rejection {
  RejectReason reason;
  std::string detail;  // human-readable; never quotes the report's free text
};

struct ReportLimits {
  size_t max_summary_bytes = 4096;
  // How far a covered date may lie before "today" (UTC) and after it.
  int max_days_back = 400;
  int max_days_ahead = 1;
  // How far in the future an incident's occurred_at may lie (clock skew allowance).
  Millis max_future_skew = std::chrono::minutes{10};
};

// School ids: 1..64 characters of [A-Za-z0-9_.-], starting with a letter or digit.
bool IsValidSchoolId(std::string_view id);

std::optional<Rejection> ValidateReport(const Report& report, Instant now,
                                        const ReportLimits& limits);

std::string_view ReportKindName(ReportKind kind);  // "all_clear", "incident", "monthly"
std::optional<ReportKind> ParseReportKind(std::string_view name);
std::string_view SeverityName(Severity s);  // "I".."IV"
std::optional<Severity> ParseSeverity(std::string_view name);
std::string_view IncidentCategoryName(IncidentCategory c);  // "fire", "food_safety", ...
std::optional<IncidentCategory> ParseIncidentCategory(std::string_view name);

}  // namespace pingan::core
