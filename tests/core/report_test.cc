#include "daemon/core/report.h"

#include <gtest/gtest.h>

#include "daemon/core/uuid.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using date::days;

const Instant kNow = date::sys_days{date::year{2026} / 10 / 3} + 8h;

Report AllClear() {
  Report r;
  r.report_id = "01928f3e-7a00-7abc-8def-0123456789ab";
  r.school_id = "sch-001";
  r.kind = ReportKind::kAllClear;
  r.covers = date::year{2026} / 10 / 3;
  r.agent_time = kNow;
  return r;
}

Report IncidentReport() {
  Report r = AllClear();
  r.kind = ReportKind::kIncident;
  r.incident = Incident{IncidentCategory::kFire, Severity::kIII, kNow - 1h, "厨房电器起火，已扑灭"};
  return r;
}

std::optional<RejectReason> ReasonOf(const Report& r, ReportLimits limits = {}) {
  auto rejection = ValidateReport(r, kNow, limits);
  if (!rejection) return std::nullopt;
  EXPECT_FALSE(rejection->detail.empty());
  return rejection->reason;
}

TEST(ValidateReport, AcceptsWellFormedReportsOfEveryKind) {
  EXPECT_EQ(ReasonOf(AllClear()), std::nullopt);
  EXPECT_EQ(ReasonOf(IncidentReport()), std::nullopt);
  Report monthly = AllClear();
  monthly.kind = ReportKind::kMonthlySummary;
  monthly.monthly = MonthlySummary{3, 2, 1, 0};
  EXPECT_EQ(ReasonOf(monthly), std::nullopt);
}

TEST(ValidateReport, RejectsBadReportIds) {
  for (const char* id :
       {"", "not-a-uuid", "01928F3E-7A00-7ABC-8DEF-0123456789AB",
        "01928f3e7a007abc8def0123456789ab", "01928f3e-7a00-7abc-8def-0123456789a",
        "01928f3e-7a00-7abc-8def-0123456789abc", "01928f3e_7a00-7abc-8def-0123456789ab",
        "g1928f3e-7a00-7abc-8def-0123456789ab"}) {
    Report r = AllClear();
    r.report_id = id;
    EXPECT_EQ(ReasonOf(r), RejectReason::kBadReportId) << id;
  }
}

TEST(ValidateReport, RejectsBadSchoolIds) {
  for (const char* id : {"", "-leading-dash", "has space", "学校", "a/b"}) {
    Report r = AllClear();
    r.school_id = id;
    EXPECT_EQ(ReasonOf(r), RejectReason::kBadSchoolId) << id;
  }
  Report r = AllClear();
  r.school_id = std::string(65, 'a');
  EXPECT_EQ(ReasonOf(r), RejectReason::kBadSchoolId);
}

TEST(ValidateReport, RejectsUnknownKind) {
  for (int kind : {0, 4, -1, 99}) {
    Report r = AllClear();
    r.kind = static_cast<ReportKind>(kind);
    EXPECT_EQ(ReasonOf(r), RejectReason::kBadKind) << kind;
  }
}

TEST(ValidateReport, RejectsInvalidAndFarOffDates) {
  Report r = AllClear();
  r.covers = date::year{2026} / 2 / 30;
  EXPECT_EQ(ReasonOf(r), RejectReason::kBadDate);
  r.covers = date::year_month_day{date::sys_days{date::year{2026} / 10 / 3} + days{3}};
  EXPECT_EQ(ReasonOf(r), RejectReason::kBadDate) << "three days ahead";
  r.covers = date::year_month_day{date::sys_days{date::year{2026} / 10 / 3} + days{2}};
  EXPECT_EQ(ReasonOf(r), RejectReason::kAheadOfDaemonClock)
      << "two days ahead: perhaps the daemon's clock is a day slow; resent later";
  EXPECT_TRUE(IsTransient(RejectReason::kAheadOfDaemonClock));
  r.covers = date::year_month_day{date::sys_days{date::year{2026} / 10 / 3} + days{1}};
  EXPECT_EQ(ReasonOf(r), std::nullopt) << "tomorrow (UTC) is today east of UTC";
  ReportLimits limits;
  r.covers = date::year_month_day{date::sys_days{date::year{2026} / 10 / 3} -
                                  days{limits.max_days_back + 1}};
  EXPECT_EQ(ReasonOf(r, limits), RejectReason::kBadDate);
}

TEST(ValidateReport, RejectsSeverityOutOfRange) {
  for (int s : {0, 5, -3}) {
    Report r = IncidentReport();
    r.incident->severity = static_cast<Severity>(s);
    EXPECT_EQ(ReasonOf(r), RejectReason::kBadIncident) << s;
  }
}

TEST(ValidateReport, RejectsUnknownCategoryMissingTimeAndFutureTime) {
  Report r = IncidentReport();
  r.incident->category = static_cast<IncidentCategory>(0);
  EXPECT_EQ(ReasonOf(r), RejectReason::kBadIncident);
  r = IncidentReport();
  r.incident->category = static_cast<IncidentCategory>(kMaxIncidentCategory + 1);
  EXPECT_EQ(ReasonOf(r), RejectReason::kBadIncident);
  r = IncidentReport();
  r.incident->occurred_at = Instant{};
  EXPECT_EQ(ReasonOf(r), RejectReason::kBadIncident);
  r = IncidentReport();
  r.incident->occurred_at = kNow + 11min;
  EXPECT_EQ(ReasonOf(r), RejectReason::kAheadOfDaemonClock)
      << "found from outside: a daemon clock 10 minutes slow refused fresh incidents for good";
  r.incident->occurred_at = kNow + 10min + 24h + 1min;
  EXPECT_EQ(ReasonOf(r), RejectReason::kBadIncident) << "beyond any clock doubt";
  r.incident->occurred_at = kNow + 9min;
  EXPECT_EQ(ReasonOf(r), std::nullopt) << "within the allowed clock skew";
}

TEST(ValidateReport, RejectsOversizeEmptyAndInvalidUtf8Summaries) {
  ReportLimits limits;
  limits.max_summary_bytes = 30;
  Report r = IncidentReport();
  r.incident->summary = std::string(31, 'x');
  EXPECT_EQ(ReasonOf(r, limits), RejectReason::kTextTooLong);
  r.incident->summary = std::string(30, 'x');
  EXPECT_EQ(ReasonOf(r, limits), std::nullopt) << "exactly at the limit";
  r.incident->summary = "";
  EXPECT_EQ(ReasonOf(r, limits), RejectReason::kBadIncident);
  r.incident->summary = "bad \xff byte";
  EXPECT_EQ(ReasonOf(r, limits), RejectReason::kTextTooLong);
}

TEST(ValidateReport, AllClearCarriesNoIncidentAndIncidentNeedsOne) {
  Report r = AllClear();
  r.incident = IncidentReport().incident;
  EXPECT_EQ(ReasonOf(r), RejectReason::kBadIncident);
  r = IncidentReport();
  r.incident.reset();
  EXPECT_EQ(ReasonOf(r), RejectReason::kBadIncident);
  r = AllClear();
  r.monthly = MonthlySummary{};
  EXPECT_EQ(ReasonOf(r), RejectReason::kBadMonthly);
  r.kind = ReportKind::kMonthlySummary;
  r.monthly.reset();
  EXPECT_EQ(ReasonOf(r), RejectReason::kBadMonthly);
}

TEST(Utf8, AcceptsValidAndRejectsMalformedSequences) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("平安校园 ✓ 😀"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe5\xb9"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
}

TEST(Names, RoundTripForEveryEnumValue) {
  for (int i = 1; i <= kMaxIncidentCategory; ++i) {
    const auto c = static_cast<IncidentCategory>(i);
    EXPECT_EQ(ParseIncidentCategory(IncidentCategoryName(c)), c);
  }
  for (int i = 1; i <= 4; ++i) {
    const auto s = static_cast<Severity>(i);
    EXPECT_EQ(ParseSeverity(SeverityName(s)), s);
    EXPECT_EQ(ParseSeverity(std::to_string(i)), s);
  }
  EXPECT_EQ(ParseSeverity("V"), std::nullopt);
  for (auto k : {ReportKind::kAllClear, ReportKind::kIncident, ReportKind::kMonthlySummary}) {
    EXPECT_EQ(ParseReportKind(ReportKindName(k)), k);
  }
  EXPECT_FALSE(IsTransient(RejectReason::kSchoolMismatch));
  EXPECT_TRUE(IsTransient(RejectReason::kStoreUnavailable));
}

}  // namespace
}  // namespace pingan::core
