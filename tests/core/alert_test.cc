#include "daemon/core/alert.h"

#include <gtest/gtest.h>

#include "tests/core/escalation_fixture.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using testing::Cst;

Alert Missing() {
  return NewMissingAlert("a1", "s01", "daily", "2024-10-03", Cst(3, 16));
}

template <typename T>
const T& Get(const AlertResult& r) {
  if (std::holds_alternative<AlertError>(r)) {
    ADD_FAILURE() << std::get<AlertError>(r).message;
  }
  return std::get<T>(r);
}

TEST(AlertTest, NewMissingAlertIsOpenWithRaisedEntry) {
  const Alert a = Missing();
  EXPECT_EQ(a.state, AlertState::kOpen);
  EXPECT_EQ(a.kind, AlertKind::kMissing);
  EXPECT_EQ(a.requirement_id, "daily");
  EXPECT_EQ(a.window_id, "2024-10-03");
  ASSERT_EQ(a.timeline.size(), 1u);
  EXPECT_EQ(a.timeline[0].what, "raised");
  EXPECT_EQ(a.timeline[0].at, Cst(3, 16));
}

TEST(AlertTest, AcknowledgeNeedsAnActorAndTakesACommentOptionally) {
  const Alert a = Missing();
  for (const char* blank : {"", "  \n "}) {
    const AlertResult acked = Acknowledge(a, "王五", blank, Cst(3, 16, 5), 0ms);
    ASSERT_TRUE(std::holds_alternative<Alert>(acked)) << "one tap, no comment";
    EXPECT_EQ(std::get<Alert>(acked).state, AlertState::kAcknowledged);
    EXPECT_EQ(std::get<Alert>(acked).timeline.back().what, "acknowledged");
    EXPECT_EQ(std::get<Alert>(acked).timeline.back().comment, "");
  }
  EXPECT_TRUE(std::holds_alternative<AlertError>(Acknowledge(a, "", "在处理", Cst(3, 16, 5), 0ms)));
  EXPECT_TRUE(std::holds_alternative<AlertError>(
      Acknowledge(a, "王五", std::string(kMaxCommentBytes + 1, 'x'), Cst(3, 16, 5), 0ms)));
  EXPECT_TRUE(
      std::holds_alternative<AlertError>(Acknowledge(a, "王五", "\xff\xfe", Cst(3, 16, 5), 0ms)));
}

TEST(AlertTest, ACommentGoesOnTheTimelineAndChangesNothingElse) {
  const Alert a = Missing();
  auto commented = Comment(a, "王五", "电话未接通, 稍后再打", Cst(3, 16, 5));
  ASSERT_TRUE(std::holds_alternative<Alert>(commented));
  const Alert& c = std::get<Alert>(commented);
  EXPECT_EQ(c.state, a.state);
  EXPECT_EQ(c.escalation.next_step_at, a.escalation.next_step_at) << "escalation goes on";
  ASSERT_EQ(c.timeline.size(), a.timeline.size() + 1);
  EXPECT_EQ(c.timeline.back().what, "commented");
  EXPECT_EQ(c.timeline.back().actor, "王五");
  EXPECT_EQ(c.timeline.back().comment, "电话未接通, 稍后再打");
  // Also on a resolved alert (a follow-up), never without actor or text.
  auto resolved = Resolve(a, ResolveReason::kHandled, "王五", "已处置", Cst(3, 16, 6));
  ASSERT_TRUE(std::holds_alternative<Alert>(resolved));
  EXPECT_TRUE(std::holds_alternative<Alert>(
      Comment(std::get<Alert>(resolved), "李四", "回访: 一切正常", Cst(3, 17, 0))));
  EXPECT_TRUE(std::holds_alternative<AlertError>(Comment(a, "王五", " ", Cst(3, 16, 5))));
  EXPECT_TRUE(std::holds_alternative<AlertError>(Comment(a, "", "x", Cst(3, 16, 5))));
}

TEST(AlertTest, AcknowledgeStopsEscalationAndSetsExpiry) {
  Alert a = Missing();
  a.escalation.started = true;
  a.escalation.step = 1;
  a.escalation.next_step_at = Cst(3, 16, 30);
  const Alert acked = Get<Alert>(Acknowledge(a, " 王五 ", "已电话联系学校", Cst(3, 16, 5), 2h));
  EXPECT_EQ(acked.state, AlertState::kAcknowledged);
  EXPECT_EQ(acked.acknowledged_by, "王五");
  EXPECT_EQ(acked.ack_expires_at, Cst(3, 18, 5));
  EXPECT_FALSE(acked.escalation.next_step_at.has_value());
  EXPECT_EQ(acked.escalation.step, 1);  // where to continue if the ack lapses
  EXPECT_EQ(acked.timeline.back().what, "acknowledged");
  EXPECT_EQ(acked.timeline.back().comment, "已电话联系学校");

  const Alert forever = Get<Alert>(Acknowledge(a, "王五", "ok", Cst(3, 16, 5), 0ms));
  EXPECT_FALSE(forever.ack_expires_at.has_value());
  EXPECT_FALSE(AckTimedOut(forever, Cst(30, 0)));
}

TEST(AlertTest, AcknowledgeTwiceOrAfterResolveIsAnError) {
  const Alert acked = Get<Alert>(Acknowledge(Missing(), "王五", "ok", Cst(3, 16, 5), 0ms));
  const auto again = Acknowledge(acked, "赵六", "me too", Cst(3, 16, 6), 0ms);
  ASSERT_TRUE(std::holds_alternative<AlertError>(again));
  EXPECT_NE(std::get<AlertError>(again).message.find("王五"), std::string::npos);

  const Alert resolved =
      Get<Alert>(Resolve(Missing(), ResolveReason::kHandled, "王五", "done", Cst(3, 17)));
  EXPECT_TRUE(
      std::holds_alternative<AlertError>(Acknowledge(resolved, "王五", "x", Cst(3, 17, 1), 0ms)));
}

TEST(AlertTest, ResolveTwiceIsAnError) {
  const Alert once =
      Get<Alert>(Resolve(Missing(), ResolveReason::kFalseAlarm, "王五", "放假调课", Cst(3, 17)));
  EXPECT_EQ(once.state, AlertState::kResolved);
  EXPECT_EQ(once.resolve_reason, ResolveReason::kFalseAlarm);
  EXPECT_EQ(once.resolved_at, Cst(3, 17));
  EXPECT_TRUE(std::holds_alternative<AlertError>(
      Resolve(once, ResolveReason::kHandled, "王五", "again", Cst(3, 18))));
  EXPECT_TRUE(std::holds_alternative<AlertError>(ResolveByLateReport(once, "r1", Cst(3, 18))));
}

TEST(AlertTest, ManualResolveNeedsCommentAndCannotClaimLateReport) {
  EXPECT_TRUE(std::holds_alternative<AlertError>(
      Resolve(Missing(), ResolveReason::kHandled, "王五", "", Cst(3, 17))));
  EXPECT_TRUE(std::holds_alternative<AlertError>(
      Resolve(Missing(), ResolveReason::kLateReportReceived, "王五", "x", Cst(3, 17))));
}

TEST(AlertTest, LateReportResolvesOnlyMissingAlerts) {
  const Alert resolved = Get<Alert>(ResolveByLateReport(Missing(), "r-late", Cst(3, 17)));
  EXPECT_EQ(resolved.state, AlertState::kResolved);
  EXPECT_EQ(resolved.resolve_reason, ResolveReason::kLateReportReceived);
  EXPECT_EQ(resolved.report_id, "r-late");
  EXPECT_EQ(resolved.timeline.back().actor, "system");

  const Alert late = NewLateAlert("a2", "s01", "daily", "2024-10-03", Cst(3, 16));
  EXPECT_TRUE(std::holds_alternative<AlertError>(ResolveByLateReport(late, "r", Cst(3, 17))));
}

TEST(AlertTest, AckTimeoutReopensOnlyAfterExpiry) {
  const Alert acked = Get<Alert>(Acknowledge(Missing(), "王五", "ok", Cst(3, 16, 5), 1h));
  EXPECT_FALSE(AckTimedOut(acked, Cst(3, 17, 4)));
  EXPECT_TRUE(std::holds_alternative<AlertError>(ReopenAfterAckTimeout(acked, Cst(3, 17, 4))));
  ASSERT_TRUE(AckTimedOut(acked, Cst(3, 17, 5)));
  const Alert open = Get<Alert>(ReopenAfterAckTimeout(acked, Cst(3, 17, 5)));
  EXPECT_EQ(open.state, AlertState::kOpen);
  EXPECT_TRUE(open.acknowledged_by.empty());
  EXPECT_EQ(open.escalation.next_step_at, Cst(3, 17, 5));
  EXPECT_EQ(open.timeline.back().what, "ack_timeout");
}

TEST(AlertTest, IncidentAlertCopiesGradeButNeverTheSummary) {
  Report r;
  r.report_id = "0191e6a0-0000-7000-8000-000000000001";
  r.school_id = "s01";
  r.kind = ReportKind::kIncident;
  r.incident = Incident{};
  r.incident->severity = Severity::kII;
  r.incident->needs_leader_attention = true;
  r.incident->summary = "学生李某在操场摔伤";
  const Alert a = Get<Alert>(NewIncidentAlert("a3", r, Cst(3, 9)));
  EXPECT_EQ(a.kind, AlertKind::kIncident);
  EXPECT_EQ(a.severity, Severity::kII);
  EXPECT_TRUE(a.needs_leader_attention);
  EXPECT_EQ(a.report_id, r.report_id);
  for (const auto& e : a.timeline) EXPECT_EQ(e.comment.find("李某"), std::string::npos);

  r.incident.reset();
  EXPECT_TRUE(std::holds_alternative<AlertError>(NewIncidentAlert("a4", r, Cst(3, 9))));
}

// A late report is in when its alert is raised: acknowledging it is all there is to do.
TEST(AlertTest, AcknowledgingALateAlertResolvesIt) {
  const Alert late = NewLateAlert("a5", "s01", "daily", "2024-10-03", Cst(3, 17));
  const Alert done = Get<Alert>(Acknowledge(late, "王五", "", Cst(3, 17, 5), 30min));
  EXPECT_EQ(done.state, AlertState::kResolved);
  EXPECT_EQ(done.resolve_reason, ResolveReason::kHandled);
  EXPECT_EQ(done.acknowledged_by, "王五");
  EXPECT_FALSE(done.ack_expires_at.has_value()) << "nothing can lapse";
  EXPECT_FALSE(done.escalation.next_step_at.has_value());
  ASSERT_EQ(done.timeline.size(), 3u);
  EXPECT_EQ(done.timeline[1].what, "acknowledged");
  EXPECT_EQ(done.timeline[2].what, "resolved");
  // A missing alert stays acknowledged (escalation may resume when it lapses).
  EXPECT_EQ(Get<Alert>(Acknowledge(Missing(), "王五", "", Cst(3, 17, 5), 30min)).state,
            AlertState::kAcknowledged);
}

TEST(AlertTest, AnExemptionResolvesOnlyAnUnresolvedMissingAlert) {
  const Alert excused = Get<Alert>(ResolveByExemption(Missing(), "ex-1", Cst(3, 18)));
  EXPECT_EQ(excused.state, AlertState::kResolved);
  EXPECT_EQ(excused.resolve_reason, ResolveReason::kExcused);
  EXPECT_EQ(excused.timeline.back().comment, "excused: exemption ex-1");
  EXPECT_TRUE(std::holds_alternative<AlertError>(ResolveByExemption(excused, "ex-1", Cst(3, 19))));
  const Alert late = NewLateAlert("a6", "s01", "daily", "2024-10-03", Cst(3, 17));
  EXPECT_TRUE(std::holds_alternative<AlertError>(ResolveByExemption(late, "ex-1", Cst(3, 19))));
  // People cannot claim the system's reasons.
  EXPECT_TRUE(std::holds_alternative<AlertError>(
      Resolve(Missing(), ResolveReason::kExcused, "王五", "台风", Cst(3, 19))));
}

TEST(AlertTest, NamesRoundTrip) {
  for (auto k : {AlertKind::kMissing, AlertKind::kLate, AlertKind::kIncident}) {
    EXPECT_EQ(ParseAlertKind(AlertKindName(k)), k);
  }
  for (auto s : {AlertState::kOpen, AlertState::kAcknowledged, AlertState::kResolved}) {
    EXPECT_EQ(ParseAlertState(AlertStateName(s)), s);
  }
  for (auto r : {ResolveReason::kLateReportReceived, ResolveReason::kHandled,
                 ResolveReason::kFalseAlarm, ResolveReason::kExcused}) {
    EXPECT_EQ(ParseResolveReason(ResolveReasonName(r)), r);
  }
  EXPECT_FALSE(ParseAlertKind("bogus").has_value());
}

}  // namespace
}  // namespace pingan::core
