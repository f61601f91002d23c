#include "daemon/core/message_template.h"

#include <gtest/gtest.h>

#include "tests/core/escalation_fixture.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using testing::Cst;

MessageInput Single(AlertKind kind = AlertKind::kMissing) {
  MessageInput in;
  in.alert_kind = kind;
  in.schools = {{"s01", "第一中学"}};
  in.alert_ids = {"a-1"};
  in.requirement_id = "daily";
  in.window_id = "2024-10-03";
  in.scope_name = "区教育局";
  in.deadline = Cst(3, 16);
  in.recipient_name = "王五";
  return in;
}

TemplateOptions Zh() {
  TemplateOptions o;
  o.console_base_url = "https://pingan.example.cn/";
  return o;
}

TemplateOptions En() {
  TemplateOptions o = Zh();
  o.locale = Locale::kEnUS;
  return o;
}

// Every text a rendered message carries, for "never contains" checks.
std::string AllText(const RenderedMessage& m) {
  std::string all = m.sms + "\n" + m.email.subject + "\n" + m.email.body + "\n" + m.webhook.text +
                    "\n" + m.webhook.console_link;
  for (const auto& s : m.webhook.school_names) all += "\n" + s;
  return all;
}

TEST(MessageTemplateTest, SingleMissingSchoolInChinese) {
  const RenderedMessage m = RenderMessage(Single(), Zh());
  EXPECT_EQ(m.sms.rfind("【平安校园】", 0), 0u) << m.sms;
  EXPECT_NE(m.sms.find("区教育局: 第一中学未按时报平安 (10月3日 16:00 截止)"), std::string::npos)
      << m.sms;
  EXPECT_NE(m.sms.find("https://pingan.example.cn/alerts/a-1"), std::string::npos) << m.sms;
  EXPECT_NE(m.email.subject.find("第一中学"), std::string::npos);
  EXPECT_EQ(m.email.body.rfind("王五，您好", 0), 0u) << m.email.body;
  EXPECT_EQ(m.webhook.alert_kind, "missing");
  EXPECT_EQ(m.webhook.count, 1u);
  EXPECT_EQ(m.webhook.deadline, "2024-10-03T08:00:00Z");
}

TEST(MessageTemplateTest, GroupMessageMatchesTheIssueExample) {
  MessageInput in = Single();
  in.schools.clear();
  in.alert_ids.clear();
  for (int i = 1; i <= 37; ++i) {
    in.schools.push_back({testing::SchoolId(i), testing::SchoolName(i)});
    in.alert_ids.push_back("a-" + std::to_string(i));
  }
  const RenderedMessage m = RenderMessage(in, Zh());
  EXPECT_NE(m.sms.find("区教育局: 37 所学校未按时报平安 (10月3日 16:00 截止): 第1中学, 第2中学, "
                       "第3中学, 第4中学, 第5中学 等"),
            std::string::npos)
      << m.sms;
  EXPECT_NE(m.sms.find("/alerts?requirement=daily&window=2024-10-03"), std::string::npos);
  // E-mail lists 30 names, then the remainder as a count.
  EXPECT_NE(m.email.body.find(testing::SchoolName(30)), std::string::npos);
  EXPECT_EQ(m.email.body.find(testing::SchoolName(31)), std::string::npos);
  EXPECT_NE(m.email.body.find("另有 7 所"), std::string::npos) << m.email.body;
  EXPECT_EQ(m.webhook.count, 37u);
  EXPECT_EQ(m.webhook.school_names.size(), 37u);

  const RenderedMessage e = RenderMessage(in, En());
  EXPECT_NE(e.sms.find("37 schools have not sent the all-clear report (due 3 Oct 16:00): "
                       "第1中学, 第2中学, 第3中学, 第4中学, 第5中学 and 32 more"),
            std::string::npos)
      << e.sms;
  EXPECT_EQ(e.email.body.rfind("Dear 王五,", 0), 0u);
}

TEST(MessageTemplateTest, IncidentNamesGradeAndLeaderFlag) {
  MessageInput in = Single(AlertKind::kIncident);
  in.severity = Severity::kII;
  in.needs_leader_attention = true;
  in.deadline.reset();
  const RenderedMessage m = RenderMessage(in, Zh());
  EXPECT_NE(m.sms.find("第一中学报告突发事件 (II 级, 重大), 需领导关注"), std::string::npos)
      << m.sms;
  const RenderedMessage e = RenderMessage(in, En());
  EXPECT_NE(e.sms.find("severity II, serious"), std::string::npos) << e.sms;
  EXPECT_EQ(e.webhook.severity, "II");
  EXPECT_TRUE(e.webhook.needs_leader_attention);
}

TEST(MessageTemplateTest, IncidentNamesCategoryAndEveryCasualtyCount) {
  MessageInput in = Single(AlertKind::kIncident);
  in.severity = Severity::kII;
  in.incident = IncidentFacts{IncidentCategory::kFire, 2, 0, 1};
  in.deadline.reset();
  const RenderedMessage m = RenderMessage(in, Zh());
  EXPECT_NE(m.sms.find("第一中学报告突发事件: 消防安全 (II 级, 重大), 伤 2 人, 亡 0 人, 失踪 1 人"),
            std::string::npos)
      << m.sms;
  EXPECT_NE(m.email.subject.find("消防安全"), std::string::npos) << m.email.subject;
  EXPECT_NE(m.email.body.find("伤 2 人, 亡 0 人, 失踪 1 人"), std::string::npos);
  const RenderedMessage e = RenderMessage(in, En());
  EXPECT_NE(e.sms.find("reported an incident: fire (severity II, serious); 2 injured, 0 dead, "
                       "1 missing"),
            std::string::npos)
      << e.sms;
  ASSERT_TRUE(e.webhook.incident.has_value());
  EXPECT_EQ(*e.webhook.incident, *in.incident);
}

TEST(MessageTemplateTest, EveryCategoryHasALabelInBothLocales) {
  for (int c = 1; c <= kMaxIncidentCategory; ++c) {
    const auto category = static_cast<IncidentCategory>(c);
    EXPECT_FALSE(CategoryLabel(category, Locale::kZhCN).empty()) << c;
    EXPECT_FALSE(CategoryLabel(category, Locale::kEnUS).empty()) << c;
  }
  EXPECT_EQ(CategoryLabel(IncidentCategory::kFoodSafety, Locale::kZhCN), "食品安全");
  EXPECT_EQ(CategoryLabel(IncidentCategory::kOther, Locale::kEnUS), "other");
}

TEST(MessageTemplateTest, KindsOfMessageArePrefixed) {
  MessageInput in = Single();
  in.message = MessageKind::kResolved;
  in.resolve_reason = ResolveReason::kLateReportReceived;
  EXPECT_NE(RenderMessage(in, Zh()).sms.find("[已解除: 已补报]"), std::string::npos);
  EXPECT_NE(RenderMessage(in, En()).sms.find("[Resolved: late report received]"),
            std::string::npos);
  EXPECT_EQ(RenderMessage(in, En()).webhook.resolve_reason, "late_report_received");
  in.message = MessageKind::kReminder;
  EXPECT_NE(RenderMessage(in, Zh()).sms.find("[再次提醒]"), std::string::npos);
  in.message = MessageKind::kReopened;
  EXPECT_NE(RenderMessage(in, En()).sms.find("[Acknowledgement lapsed]"), std::string::npos);
}

// A reminder before the deadline must not read like a missed report or a repeat.
TEST(MessageTemplateTest, ADueSoonReminderSaysNotYetReported) {
  MessageInput in = Single();
  in.message = MessageKind::kDueSoon;
  const std::string zh = RenderMessage(in, Zh()).sms;
  EXPECT_NE(zh.find("[提醒]"), std::string::npos) << zh;
  EXPECT_NE(zh.find("尚未报平安"), std::string::npos) << zh;
  EXPECT_EQ(zh.find("未按时"), std::string::npos) << zh;
  EXPECT_EQ(zh.find("再次提醒"), std::string::npos) << zh;
  const std::string en = RenderMessage(in, En()).sms;
  EXPECT_NE(en.find("[Due soon]"), std::string::npos) << en;
  EXPECT_NE(en.find("has not yet sent"), std::string::npos) << en;
}

TEST(MessageTemplateTest, DeadlineInTheSchoolsTimeZone) {
  EXPECT_EQ(FormatDeadline(Cst(3, 16), "Asia/Shanghai", Locale::kZhCN), "10月3日 16:00");
  EXPECT_EQ(FormatDeadline(Cst(3, 16), "Asia/Urumqi", Locale::kEnUS), "3 Oct 14:00");
  EXPECT_EQ(FormatDeadline(Cst(3, 16), "No/Such_Zone", Locale::kEnUS), "3 Oct 08:00 UTC");
}

TEST(MessageTemplateTest, IncidentSummaryNeverLeavesThroughAnyChannel) {
  // The whole path: report with free text -> alert -> escalation -> grouping -> render.
  const std::string summary = "初二(3)班张小明在厕所被高年级学生殴打, 家长李某电话13912345678";
  Report r;
  r.report_id = "0191e6a0-0000-7000-8000-0000000000aa";
  r.school_id = "s01";
  r.kind = ReportKind::kIncident;
  r.incident = Incident{};
  r.incident->severity = Severity::kI;
  r.incident->category = IncidentCategory::kFight;
  r.incident->injured = 1;
  r.incident->summary = summary;
  const Alert alert = std::get<Alert>(NewIncidentAlert("i-1", r, Cst(3, 9)));

  const OrgTree tree = testing::MakeTree(3);
  const Rosters rosters = testing::MakeRosters();
  const EscalationConfig config = testing::MakeConfig();
  const EscalationContext ctx{tree, rosters, config};
  const auto decision = Advance(alert, FindPolicy(config, "incident"), ctx, Cst(3, 9));
  ASSERT_FALSE(decision.notifications.empty());
  for (const auto& e : decision.alert.timeline)
    EXPECT_EQ(e.comment.find("张小明"), std::string::npos);
  for (const GroupedMessage& g : GroupNow(decision.notifications)) {
    for (const TemplateOptions& o : {Zh(), En()}) {
      MessageInput in = MessageInputFor(g, tree, {}, "");
      in.incident = FactsOf(*r.incident);  // what the runner adds from the stored report
      const RenderedMessage rendered = RenderMessage(in, o);
      const std::string all = AllText(rendered);
      EXPECT_NE(all.find(std::string(CategoryLabel(IncidentCategory::kFight, o.locale))),
                std::string::npos)
          << "the category is said";
      EXPECT_EQ(all.find(summary), std::string::npos);
      EXPECT_EQ(all.find("张小明"), std::string::npos);
      EXPECT_EQ(all.find("李某"), std::string::npos);
      EXPECT_EQ(all.find("13912345678"), std::string::npos);
      EXPECT_NE(all.find("第1中学"), std::string::npos);  // but it does say where
    }
  }
}

TEST(MessageTemplateTest, InputFromGroupFindsNamesScopeAndZone) {
  const OrgTree tree = testing::MakeTree(3);
  GroupedMessage g;
  g.recipient = testing::Officer("值班员甲", "7001");
  g.alerts = {{"a1", "s01", 0, 0}, {"a2", "s03", 0, 0}, {"a3", "ghost", 0, 0}};
  const MessageInput in = MessageInputFor(g, tree, Cst(3, 16), "月度安全汇总");
  ASSERT_EQ(in.schools.size(), 3u);
  EXPECT_EQ(in.schools[1].name, "第3中学");
  EXPECT_EQ(in.schools[2].name, "");  // unknown school: the id is shown instead
  EXPECT_EQ(in.scope_name, "区教育局");
  EXPECT_EQ(in.time_zone, "Asia/Shanghai");
  EXPECT_EQ(in.recipient_name, "值班员甲");
  const auto m = RenderMessage(in, Zh());
  EXPECT_NE(m.sms.find("未按时报送月度安全汇总"), std::string::npos) << m.sms;
  EXPECT_NE(m.sms.find("ghost"), std::string::npos);
}

}  // namespace
}  // namespace pingan::core
