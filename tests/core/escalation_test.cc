// Escalation timelines: which recipients are told at which minute.
#include "daemon/core/escalation_engine.h"

#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "tests/core/escalation_fixture.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using testing::Cst;
using testing::Names;
using Timeline = std::map<int, std::vector<std::string>>;  // minute -> names

struct Harness {
  OrgTree tree = testing::MakeTree();
  Rosters rosters = testing::MakeRosters();
  EscalationConfig config = testing::MakeConfig();
  EscalationContext ctx{tree, rosters, config};
  Alert alert;
  const Policy* policy = nullptr;
  std::vector<std::string> warnings;

  Harness(Alert a, std::string_view policy_id) : alert(std::move(a)) {
    policy = FindPolicy(config, policy_id);
  }

  std::vector<Notification> At(Instant now) {
    EscalationDecision d = Advance(alert, policy, ctx, now);
    alert = d.alert;
    warnings.insert(warnings.end(), d.warnings.begin(), d.warnings.end());
    return d.notifications;
  }

  // Advances minute by minute over [from, from + minutes] and records who was told.
  Timeline Run(Instant from, int minutes) {
    Timeline t;
    for (int m = 0; m <= minutes; ++m) {
      auto ns = At(from + std::chrono::minutes{m});
      if (!ns.empty()) t[m] = Names(ns);
    }
    return t;
  }
};

Alert MissingAt(Instant t, const std::string& school = "s01") {
  return NewMissingAlert("m-" + school, school, "daily", "2024-10-03", t);
}

Alert IncidentAt(Instant t, Severity s, bool leaders = false) {
  Report r;
  r.report_id = "r1";
  r.school_id = "s01";
  r.kind = ReportKind::kIncident;
  r.incident = Incident{};
  r.incident->severity = s;
  r.incident->needs_leader_attention = leaders;
  return std::get<Alert>(NewIncidentAlert("i1", r, t));
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(EscalationTest, MissingAlertFullTimeline) {
  Harness h(MissingAt(Cst(3, 16)), "missing-default");
  const Timeline expected = {{0, {"总务处1"}},   {30, {"值班员甲"}},  {60, {"区局分管"}},
                             {120, {"总务处1"}}, {150, {"值班员甲"}}, {180, {"区局分管"}}};
  EXPECT_EQ(h.Run(Cst(3, 16), 300), expected);
  EXPECT_TRUE(h.alert.escalation.exhausted);
  EXPECT_FALSE(NextWakeup(h.alert).has_value());
  EXPECT_EQ(h.alert.timeline.back().what, "escalation_exhausted");
  EXPECT_TRUE(h.warnings.empty());
}

TEST(EscalationTest, SecondPassIsAReminder) {
  Harness h(MissingAt(Cst(3, 16)), "missing-default");
  EXPECT_EQ(h.At(Cst(3, 16))[0].message, MessageKind::kAlert);
  h.At(Cst(3, 17));
  const auto reminder = h.At(Cst(3, 18));
  ASSERT_EQ(reminder.size(), 1u);
  EXPECT_EQ(reminder[0].message, MessageKind::kReminder);
  EXPECT_EQ(reminder[0].repetition, 1);
  EXPECT_EQ(reminder[0].step, 0);
}

TEST(EscalationTest, NotificationsCarryAlertFactsAndChannels) {
  Harness h(MissingAt(Cst(3, 16)), "missing-default");
  const auto ns = h.At(Cst(3, 16));
  ASSERT_EQ(ns.size(), 1u);
  EXPECT_EQ(ns[0].alert_id, "m-s01");
  EXPECT_EQ(ns[0].requirement_id, "daily");
  EXPECT_EQ(ns[0].window_id, "2024-10-03");
  EXPECT_EQ(ns[0].recipient.phone, "6101");
  EXPECT_EQ(ns[0].channels, (std::vector<ChannelKind>{ChannelKind::kSms, ChannelKind::kEmail}));
  EXPECT_EQ(NextWakeup(h.alert), Cst(3, 16, 30));
}

TEST(EscalationTest, AcknowledgeAtEachStepStopsEscalation) {
  for (int acked_after = 0; acked_after < 3; ++acked_after) {
    SCOPED_TRACE(acked_after);
    Harness h(MissingAt(Cst(3, 16)), "missing-default");
    const Instant step_time = Cst(3, 16) + std::chrono::minutes{30 * acked_after};
    for (int m = 0; m <= 30 * acked_after; ++m) h.At(Cst(3, 16) + std::chrono::minutes{m});
    h.alert = std::get<Alert>(Acknowledge(h.alert, "王五", "已联系学校", step_time + 1min, 0ms));
    EXPECT_FALSE(NextWakeup(h.alert).has_value());
    EXPECT_TRUE(h.Run(step_time + 1min, 600).empty());
    EXPECT_EQ(h.alert.state, AlertState::kAcknowledged);
  }
}

TEST(EscalationTest, AckTimeoutReopensAndContinuesWithThePendingStep) {
  Harness h(MissingAt(Cst(3, 16)), "missing-default");
  h.At(Cst(3, 16));  // step 1: school duty contact
  h.alert =
      std::get<Alert>(Acknowledge(h.alert, "王五", "在核实", Cst(3, 16, 5), h.policy->ack_timeout));
  EXPECT_EQ(NextWakeup(h.alert), Cst(3, 18, 5));
  const Timeline t = h.Run(Cst(3, 16, 5), 150);
  // Silent for two hours, then step 2 at once, then step 3 thirty minutes later.
  const Timeline expected = {{120, {"值班员甲"}}, {150, {"区局分管"}}};
  EXPECT_EQ(t, expected);
  EXPECT_EQ(h.alert.state, AlertState::kOpen);
  const auto it = std::find_if(h.alert.timeline.begin(), h.alert.timeline.end(),
                               [](const TimelineEntry& e) { return e.what == "ack_timeout"; });
  ASSERT_NE(it, h.alert.timeline.end());
  EXPECT_EQ(it->at, Cst(3, 18, 5));
}

TEST(EscalationTest, ReopenedNoticeSaysSo) {
  Harness h(MissingAt(Cst(3, 16)), "missing-default");
  h.At(Cst(3, 16));
  h.alert = std::get<Alert>(Acknowledge(h.alert, "王五", "在核实", Cst(3, 16, 5), 1h));
  const auto ns = h.At(Cst(3, 17, 5));
  ASSERT_EQ(ns.size(), 1u);
  EXPECT_EQ(ns[0].message, MessageKind::kReopened);
}

TEST(EscalationTest, AckTimeoutAfterExhaustionTellsTheTopAgain) {
  Harness h(MissingAt(Cst(3, 16)), "missing-default");
  h.Run(Cst(3, 16), 200);
  ASSERT_TRUE(h.alert.escalation.exhausted);
  h.alert = std::get<Alert>(Acknowledge(h.alert, "王五", "处理中", Cst(3, 19, 30), 1h));
  const auto ns = h.At(Cst(3, 20, 30));
  EXPECT_EQ(Names(ns), std::vector<std::string>{"区局分管"});
  EXPECT_GT(ns[0].repetition, h.policy->repeat);  // a fresh idempotency key
}

TEST(EscalationTest, LateReportResolvesAndTellsThoseAlreadyNotified) {
  Harness h(MissingAt(Cst(3, 16)), "missing-default");
  h.Run(Cst(3, 16), 40);  // 总务处1 at 16:00, 值班员甲 at 16:30
  const Alert resolved = std::get<Alert>(ResolveByLateReport(h.alert, "r-late", Cst(3, 16, 41)));
  std::set<std::string> reached;
  for (const auto& n : resolved.notified) reached.insert(RecipientKey(n.recipient));
  const auto notices = ResolutionNotices(resolved, reached);
  EXPECT_EQ(Names(notices), (std::vector<std::string>{"总务处1", "值班员甲"}));
  // 值班员甲's message was withdrawn before it went out: only 总务处1 hears it is over.
  reached.erase(RecipientKey(resolved.notified[1].recipient));
  EXPECT_EQ(Names(ResolutionNotices(resolved, reached)), (std::vector<std::string>{"总务处1"}));
  for (const auto& n : notices) {
    EXPECT_EQ(n.message, MessageKind::kResolved);
    EXPECT_EQ(n.resolve_reason, ResolveReason::kLateReportReceived);
    EXPECT_EQ(n.step, kResolvedStep);
  }
  h.alert = resolved;
  EXPECT_TRUE(h.Run(Cst(3, 16, 41), 300).empty());
  EXPECT_FALSE(NextWakeup(h.alert).has_value());
  EXPECT_TRUE(ResolutionNotices(MissingAt(Cst(3, 16)), reached).empty());  // not resolved
}

TEST(EscalationTest, RosterHandOverAtMidnightChangesTheOfficer) {
  Harness h(MissingAt(Cst(3, 23, 30)), "");
  Policy p;
  p.id = "duty-twice";
  p.steps = {{0min, {Target::OnDuty(UnitRef::Ancestor(UnitKind::kDistrict))}},
             {40min, {Target::OnDuty(UnitRef::Ancestor(UnitKind::kDistrict))}}};
  h.policy = &p;
  const Timeline expected = {{0, {"值班员甲"}}, {40, {"值班员乙"}}};
  EXPECT_EQ(h.Run(Cst(3, 23, 30), 90), expected);
}

TEST(EscalationTest, RosterGapFallsBackToDutyContactsWithAWarning) {
  Harness h(MissingAt(Cst(4, 8, 30)), "missing-default");
  const Timeline t = h.Run(Cst(4, 8, 30), 30);
  EXPECT_EQ(t.at(30), std::vector<std::string>{"区局值班室"});
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_NE(h.warnings[0].find("roster gap"), std::string::npos);
  EXPECT_TRUE(std::any_of(h.alert.timeline.begin(), h.alert.timeline.end(),
                          [](const TimelineEntry& e) { return e.what == "warning"; }));
}

TEST(EscalationTest, CatchUpAfterDowntimeFiresDueStepsOnceAndStaysAnchored) {
  Harness h(MissingAt(Cst(3, 16)), "missing-default");
  const auto ns = h.At(Cst(3, 17, 5));
  EXPECT_EQ(Names(ns), (std::vector<std::string>{"总务处1", "值班员甲", "区局分管"}));
  EXPECT_EQ(NextWakeup(h.alert), Cst(3, 18));
  EXPECT_TRUE(h.At(Cst(3, 17, 6)).empty());
}

TEST(EscalationTest, IncidentTimeline) {
  Harness h(IncidentAt(Cst(3, 9), Severity::kIII), "incident");
  const Timeline expected = {{0, {"校长1", "值班员甲"}}, {15, {"区局分管"}}};
  EXPECT_EQ(h.Run(Cst(3, 9), 120), expected);
  EXPECT_FALSE(h.alert.escalation.leaders_notified);
}

TEST(EscalationTest, SevereIncidentGoesStraightToLeadersOfDistrictAndAbove) {
  for (Severity s : {Severity::kI, Severity::kII}) {
    Harness h(IncidentAt(Cst(3, 9), s), "incident");
    const auto first = h.At(Cst(3, 9));
    std::vector<std::string> leaders;
    for (const auto& n : first) {
      if (n.step == kLeaderStep) leaders.push_back(n.recipient.name);
    }
    EXPECT_EQ(Sorted(leaders),
              Sorted({"区局分管", "区局局长", "市局分管", "市局局长", "省厅分管", "省厅厅长"}));
    // The policy's first step runs as well; the school is not a "leader" unit.
    EXPECT_TRUE(std::any_of(first.begin(), first.end(),
                            [](const Notification& n) { return n.recipient.name == "校长1"; }));
    EXPECT_TRUE(h.alert.escalation.leaders_notified);
    EXPECT_TRUE(h.At(Cst(3, 9, 1)).empty());  // leaders are told once
  }
}

// The district's supervising leader is both a fast-path leader and step 2's target:
// one message for the alert, and the timeline says why step 2 sent nothing.
TEST(EscalationTest, ALeaderToldByTheFastPathIsNotToldAgainByALaterStep) {
  Harness h(IncidentAt(Cst(3, 9), Severity::kII), "incident");
  const Timeline t = h.Run(Cst(3, 9), 120);
  std::map<std::string, int> messages;
  for (const auto& [minute, names] : t) {
    for (const std::string& n : names) ++messages[n];
  }
  EXPECT_EQ(messages["区局分管"], 1) << "fast path only";
  EXPECT_FALSE(t.contains(15)) << "step 2 names only someone already told";
  EXPECT_TRUE(std::any_of(h.alert.timeline.begin(), h.alert.timeline.end(), [](const auto& e) {
    return e.what == "notified" && e.comment == "step 2, pass 1: nobody; already told: 区局分管";
  }));
  EXPECT_EQ(h.alert.notified.size(), 8u) << "6 leaders, principal, officer on duty";
}

// A new pass is a reminder and reaches everyone again, leaders included; within it each
// person still gets one message.
TEST(EscalationTest, OnePersonOneMessagePerPassWhateverStepsNameThem) {
  Harness h(MissingAt(Cst(3, 16)), "");
  Policy p;
  p.id = "same-person-twice";
  p.steps = {
      {0min, {Target::Contact(UnitRef::School(), ContactRole::kDutyContact)}},
      {10min,
       {Target::Contact(UnitRef::School(), ContactRole::kDutyContact), Target::Group("安稳办")}}};
  p.repeat = 1;
  p.repeat_interval = 30min;
  h.policy = &p;
  const Timeline expected = {{0, {"总务处1"}},
                             {10, {"安稳办主任", "安稳办干事"}},
                             {40, {"总务处1"}},
                             {50, {"安稳办主任", "安稳办干事"}}};
  EXPECT_EQ(h.Run(Cst(3, 16), 120), expected);
  for (const NotifiedRecipient& n : h.alert.notified) EXPECT_EQ(n.pass, 1) << n.recipient.name;
}

TEST(EscalationTest, LeadersAreToldEvenIfAcknowledgedBeforeTheFirstRun) {
  Harness h(IncidentAt(Cst(3, 9), Severity::kII), "incident");
  h.alert = std::get<Alert>(Acknowledge(h.alert, "王五", "已到场", Cst(3, 9) + 1s, 1h));
  EXPECT_EQ(NextWakeup(h.alert), Cst(3, 9));
  const auto ns = h.At(Cst(3, 9) + 2s);
  ASSERT_EQ(ns.size(), 6u);
  for (const auto& n : ns) EXPECT_EQ(n.step, kLeaderStep);
  EXPECT_EQ(NextWakeup(h.alert), Cst(3, 10) + 1s);  // then only the ack lapse matters
  const auto lapsed = h.At(Cst(3, 10) + 1s);
  EXPECT_EQ(Sorted(Names(lapsed)), Sorted({"校长1", "值班员甲"}));  // step 1, as reopened
  EXPECT_EQ(lapsed[0].message, MessageKind::kReopened);
}

TEST(EscalationTest, LeaderFlagTriggersFastPathEvenForMinorIncident) {
  Harness h(IncidentAt(Cst(3, 9), Severity::kIV, /*leaders=*/true), "incident");
  const auto first = h.At(Cst(3, 9));
  EXPECT_TRUE(std::any_of(first.begin(), first.end(),
                          [](const Notification& n) { return n.recipient.name == "省厅厅长"; }));
}

TEST(EscalationTest, NoPolicyStillRunsLeaderFastPathAndStops) {
  Harness h(IncidentAt(Cst(3, 9), Severity::kI), "");
  const auto first = h.At(Cst(3, 9));
  EXPECT_EQ(first.size(), 6u);
  EXPECT_TRUE(h.alert.escalation.exhausted);
  EXPECT_FALSE(NextWakeup(h.alert).has_value());
  ASSERT_FALSE(h.warnings.empty());
}

TEST(EscalationTest, PolicyRemovedUnderARunningAlertStopsInsteadOfSpinning) {
  Harness h(MissingAt(Cst(3, 16)), "missing-default");
  h.At(Cst(3, 16));
  h.policy = nullptr;  // configuration reloaded without any matching policy
  EXPECT_TRUE(h.At(Cst(3, 16, 30)).empty());
  EXPECT_FALSE(NextWakeup(h.alert).has_value());
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_TRUE(h.At(Cst(3, 16, 31)).empty());
  EXPECT_EQ(h.warnings.size(), 1u);  // said once
}

TEST(EscalationTest, GroupTargetAndDedupeWithinAStep) {
  Harness h(MissingAt(Cst(3, 16)), "");
  Policy p;
  p.id = "group";
  p.steps = {
      {0min,
       {Target::Group("安稳办"), Target::Contact(UnitRef::School(), ContactRole::kDutyContact),
        Target::Contact(UnitRef::School(), ContactRole::kDutyContact)}}};
  h.policy = &p;
  EXPECT_EQ(Names(h.At(Cst(3, 16))),
            (std::vector<std::string>{"安稳办主任", "安稳办干事", "总务处1"}));
}

TEST(EscalationTest, RecipientWithoutUsableChannelIsAWarning) {
  Harness h(MissingAt(Cst(3, 16)), "");
  Policy p;
  p.id = "webhook-only";
  p.steps = {{0min,
              {Target::Contact(UnitRef::School(), ContactRole::kDutyContact)},
              {ChannelKind::kWebhook}}};
  h.policy = &p;
  EXPECT_TRUE(h.At(Cst(3, 16)).empty());
  EXPECT_EQ(h.warnings.size(), 1u);
}

TEST(EscalationTest, OnTickAdvancesOnlyDueAlertsAndKeepsTheirPolicy) {
  const OrgTree tree = testing::MakeTree();
  const Rosters rosters = testing::MakeRosters();
  const EscalationConfig config = testing::MakeConfig();
  const EscalationContext ctx{tree, rosters, config};
  std::vector<Alert> alerts = {MissingAt(Cst(3, 16), "s01"), MissingAt(Cst(3, 17), "s02")};
  bool major = true;
  const PeriodKindsFn periods = [&](const Alert&) {
    return major ? std::vector<std::string>{"major_event"} : std::vector<std::string>{};
  };
  auto decisions = OnTick(alerts, ctx, periods, Cst(3, 16));
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].alert.escalation.policy_id, "missing-major-event");
  EXPECT_EQ(Names(decisions[0].notifications), (std::vector<std::string>{"总务处1", "值班员甲"}));
  alerts[0] = decisions[0].alert;

  major = false;  // the period ended; the running chain is not swapped
  decisions = OnTick(alerts, ctx, periods, Cst(3, 16, 10));
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(Names(decisions[0].notifications), (std::vector<std::string>{"区局分管", "区局局长"}));
  alerts[0] = decisions[0].alert;
  EXPECT_TRUE(alerts[0].escalation.exhausted);

  decisions = OnTick(alerts, ctx, periods, Cst(3, 17));
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].alert.escalation.policy_id, "missing-default");
}

}  // namespace
}  // namespace pingan::core
