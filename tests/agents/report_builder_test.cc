#include "agents/report_builder.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "daemon/core/local_time.h"
#include "daemon/core/uuid.h"
#include "tests/agents/test_router.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::agent {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class ReportBuilderTest : public ::testing::Test {
 protected:
  ReportContext Context(core::Instant now = testing::kAgentNow) {
    return ReportContext{"school-1", core::FindTimeZone("Asia/Shanghai"), now, {}};
  }
  static core::Report Built(const BuildResult& result) {
    if (auto* refusal = std::get_if<LocalRefusal>(&result)) {
      ADD_FAILURE() << "refused: " << refusal->message;
      return {};
    }
    return std::get<core::Report>(result);
  }
  static std::string Refusal(const BuildResult& result) {
    if (!std::holds_alternative<LocalRefusal>(result)) {
      ADD_FAILURE() << "expected a refusal";
      return "";
    }
    return std::get<LocalRefusal>(result).message;
  }
  static IncidentInput Fire(std::string summary = "厨房起火") {
    IncidentInput in;
    in.category = "fire";
    in.severity = "III";
    in.summary = std::move(summary);
    return in;
  }
};

TEST_F(ReportBuilderTest, TodayIsTheAgentsLocalDate) {
  // 17:30 UTC on 2 October is 01:30 on 3 October in Shanghai.
  const core::Instant evening = date::sys_days{date::year{2026} / 10 / 2} + hours{17} + minutes{30};
  const core::Report r = Built(BuildAllClear(Context(evening), std::nullopt));
  EXPECT_EQ(r.covers, date::year{2026} / 10 / 3);
  EXPECT_EQ(r.kind, core::ReportKind::kAllClear);
  EXPECT_EQ(r.school_id, "school-1");
  EXPECT_EQ(r.agent_time, evening);
  EXPECT_TRUE(core::IsCanonicalUuid(r.report_id));
}

TEST_F(ReportBuilderTest, ExplicitAndBadDates) {
  EXPECT_EQ(Built(BuildAllClear(Context(), "2026-10-01")).covers, date::year{2026} / 10 / 1);
  EXPECT_NE(Refusal(BuildAllClear(Context(), "2026-02-30")).find("2026-02-30"), std::string::npos);
  EXPECT_NE(Refusal(BuildAllClear(Context(), "3 Oct")).find("YYYY-MM-DD"), std::string::npos);
  EXPECT_NE(Refusal(BuildAllClear(Context(), "2026-10-20")).find("future"), std::string::npos);
}

TEST_F(ReportBuilderTest, IncidentFieldsAndDefaults) {
  IncidentInput in = Fire();
  in.severity = "2";
  in.injured = 3;
  in.needs_leader_attention = true;
  const core::Report r = Built(BuildIncident(Context(), in));
  ASSERT_TRUE(r.incident);
  EXPECT_EQ(r.incident->category, core::IncidentCategory::kFire);
  EXPECT_EQ(r.incident->severity, core::Severity::kII);
  EXPECT_EQ(r.incident->occurred_at, testing::kAgentNow);
  EXPECT_EQ(r.incident->injured, 3u);
  EXPECT_TRUE(r.incident->needs_leader_attention);
  EXPECT_EQ(r.incident->summary, "厨房起火");
}

TEST_F(ReportBuilderTest, RefusesBadIncidentInputWithoutQuotingTheSummary) {
  const std::string secret = "张三在厨房受伤";
  IncidentInput bad_severity = Fire(secret);
  bad_severity.severity = "V";
  EXPECT_NE(Refusal(BuildIncident(Context(), bad_severity)).find("severity 'V'"),
            std::string::npos);
  IncidentInput bad_category = Fire(secret);
  bad_category.category = "flood";
  EXPECT_NE(Refusal(BuildIncident(Context(), bad_category)).find("flood"), std::string::npos);
  IncidentInput empty = Fire("");
  EXPECT_NE(Refusal(BuildIncident(Context(), empty)).find("empty"), std::string::npos);
  IncidentInput future = Fire(secret);
  future.occurred_at = "2026-10-03T12:00:00Z";  // two hours after now
  const std::string refusal = Refusal(BuildIncident(Context(), future));
  EXPECT_NE(refusal.find("future"), std::string::npos);
  EXPECT_EQ(refusal.find(secret), std::string::npos);
}

TEST_F(ReportBuilderTest, SummaryLimitIsTheDaemons) {
  const size_t limit = core::ReportLimits{}.max_summary_bytes;
  Built(BuildIncident(Context(), Fire(std::string(limit, 'x'))));
  const std::string refusal = Refusal(BuildIncident(Context(), Fire(std::string(limit + 1, 'x'))));
  EXPECT_NE(refusal.find("text_too_long"), std::string::npos);
  EXPECT_NE(refusal.find(std::to_string(limit)), std::string::npos);
  EXPECT_NE(Refusal(BuildIncident(Context(), Fire("bad \xff utf8"))).find("UTF-8"),
            std::string::npos);
}

TEST_F(ReportBuilderTest, FrameLargerThanTheDaemonAcceptsIsRefused) {
  // With a (mis)configured summary limit above the frame size, the frame check still
  // keeps a report the daemon would drop unread out of the spool.
  ReportContext context = Context();
  context.limits.max_summary_bytes = 1 << 20;
  const auto big = BuildIncident(context, Fire(std::string(wire::kMaxFrameBytes, 'x')));
  EXPECT_NE(Refusal(big).find("encoded report"), std::string::npos);
  core::Report fits = Built(BuildIncident(context, Fire(std::string(60000, 'x'))));
  EXPECT_FALSE(CheckReport(fits, testing::kAgentNow, context.limits));
}

TEST_F(ReportBuilderTest, OccurredAtForms) {
  const auto& zone = *core::FindTimeZone("Asia/Shanghai");
  const core::Instant utc_0030 = date::sys_days{date::year{2026} / 10 / 3} + minutes{30};
  EXPECT_EQ(ParseDateTime("2026-10-03T00:30:00Z", zone), utc_0030);
  EXPECT_EQ(ParseDateTime("2026-10-03T00:30Z", zone), utc_0030);
  EXPECT_EQ(ParseDateTime("2026-10-03T08:30:00+08:00", zone), utc_0030);
  EXPECT_EQ(ParseDateTime("2026-10-03T08:30+0800", zone), utc_0030);
  EXPECT_EQ(ParseDateTime("2026-10-03 08:30", zone), utc_0030);  // local
  EXPECT_EQ(ParseDateTime("2026-10-03T08:30:00.250", zone), utc_0030 + core::Millis{250});
  EXPECT_FALSE(ParseDateTime("2026-10-03T08:30 tomorrow", zone));
  EXPECT_FALSE(ParseDateTime("yesterday", zone));
  EXPECT_FALSE(ParseDateTime("2026-10-03", zone));
  IncidentInput in = Fire();
  in.occurred_at = "noon";
  EXPECT_NE(Refusal(BuildIncident(Context(), in)).find("ISO 8601"), std::string::npos);
}

TEST_F(ReportBuilderTest, MonthlySummaryCoversItsMonth) {
  MonthlyInput in{"2026-09", 4, 3, 1, 0};
  const core::Report r = Built(BuildMonthly(Context(), in));
  EXPECT_EQ(r.covers, date::year{2026} / 9 / 1);
  ASSERT_TRUE(r.monthly);
  EXPECT_EQ(r.monthly->hazards_found, 4u);
  EXPECT_EQ(r.monthly->hazards_rectified, 3u);
  EXPECT_EQ(r.monthly->drills_held, 1u);
  // The current month may be summarised before it ends.
  EXPECT_EQ(Built(BuildMonthly(Context(), {"2026-10", 0, 0, 0, 0})).covers,
            date::year{2026} / 10 / 1);
  EXPECT_NE(Refusal(BuildMonthly(Context(), {"2026-13", 0, 0, 0, 0})).find("YYYY-MM"),
            std::string::npos);
  EXPECT_NE(Refusal(BuildMonthly(Context(), {"2026-9", 0, 0, 0, 0})).find("YYYY-MM"),
            std::string::npos);
  EXPECT_NE(Refusal(BuildMonthly(Context(), {"2026-12", 0, 0, 0, 0})).find("future"),
            std::string::npos);
}

TEST_F(ReportBuilderTest, ReportIdsAreFreshTimeOrderedUuidV7) {
  const std::string a = NewReportId(testing::kAgentNow);
  const std::string b = NewReportId(testing::kAgentNow);
  EXPECT_NE(a, b);
  auto bytes = core::ParseUuid(a);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(core::UuidV7Time(*bytes), testing::kAgentNow);
  EXPECT_LT(a, NewReportId(testing::kAgentNow + core::Millis{1}));
}

TEST_F(ReportBuilderTest, BadSchoolIdIsRefused) {
  ReportContext context = Context();
  context.school_id = "-bad id";
  EXPECT_NE(Refusal(BuildAllClear(context, std::nullopt)).find("school_id"), std::string::npos);
}

// The documented ways keep the text out of `ps`: --summary-file PATH, --summary-file -
// and --summary - read it; only plain --summary TEXT is taken as given.
TEST(ReadSummaryTest, FromAFileOrStdinSoTheTextIsNotInTheProcessList) {
  testing::TempDir dir;
  std::ofstream(dir.File("summary.txt")) << "课间一名学生摔伤，已送医\r\n";
  std::istringstream unused("never read");
  EXPECT_EQ(ReadSummary("", dir.File("summary.txt"), unused), "课间一名学生摔伤，已送医");
  std::istringstream piped("午餐后多名学生呕吐\n");
  EXPECT_EQ(ReadSummary("-", "", piped), "午餐后多名学生呕吐");
  std::istringstream piped_again("第二行\n还有\n");
  EXPECT_EQ(ReadSummary("", "-", piped_again), "第二行\n还有");
  EXPECT_EQ(ReadSummary("inline text", "", unused), "inline text");
  EXPECT_FALSE(ReadSummary("", dir.File("absent.txt"), unused).has_value());
  EXPECT_EQ(unused.str(), "never read");
}

}  // namespace
}  // namespace pingan::agent
