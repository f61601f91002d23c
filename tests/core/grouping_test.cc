#include "daemon/core/grouping.h"

#include <gtest/gtest.h>

#include "daemon/core/message_template.h"
#include "tests/core/escalation_fixture.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using testing::Cst;

// Raises a missing alert for schools [first, last] at `t` and runs the policy once.
std::vector<Notification> MissAll(int first, int last, Instant t, const std::string& window,
                                  const std::string& policy_id = "missing-major-event") {
  static const OrgTree tree = testing::MakeTree();
  static const Rosters rosters = testing::MakeRosters();
  static const EscalationConfig config = testing::MakeConfig();
  const EscalationContext ctx{tree, rosters, config};
  std::vector<Notification> out;
  for (int i = first; i <= last; ++i) {
    const Alert a =
        NewMissingAlert("m-" + testing::SchoolId(i), testing::SchoolId(i), "daily", window, t);
    auto d = Advance(a, FindPolicy(config, policy_id), ctx, t);
    out.insert(out.end(), d.notifications.begin(), d.notifications.end());
  }
  return out;
}

const GroupedMessage* For(const std::vector<GroupedMessage>& gs, std::string_view name) {
  for (const auto& g : gs) {
    if (g.recipient.name == name) return &g;
  }
  return nullptr;
}

TEST(GroupingTest, ThirtySevenSchoolsOneMessagePerRecipient) {
  const auto ns = MissAll(1, 37, Cst(3, 16), "2024-10-03");
  ASSERT_EQ(ns.size(), 74u);  // each school's duty contact + the district officer, per alert
  const auto groups = GroupNow(ns);
  // 37 school contacts get their own school's message; the officer gets one for all.
  ASSERT_EQ(groups.size(), 38u);
  const GroupedMessage* officer = For(groups, "值班员甲");
  ASSERT_NE(officer, nullptr);
  ASSERT_EQ(officer->alerts.size(), 37u);
  EXPECT_EQ(officer->alerts.front().school_id, "s01");
  EXPECT_EQ(officer->alerts.back().school_id, "s37");
  EXPECT_EQ(For(groups, "总务处5")->alerts.size(), 1u);

  const OrgTree tree = testing::MakeTree();
  TemplateOptions zh;
  const auto sms = RenderMessage(MessageInputFor(*officer, tree, Cst(3, 16), ""), zh).sms;
  EXPECT_NE(sms.find("区教育局: 37 所学校未按时报平安 (10月3日 16:00 截止)"), std::string::npos)
      << sms;
  for (int i = 1; i <= 5; ++i) EXPECT_NE(sms.find(testing::SchoolName(i)), std::string::npos);
  EXPECT_EQ(sms.find(testing::SchoolName(6)), std::string::npos) << sms;
  EXPECT_NE(sms.find(" 等"), std::string::npos);

  TemplateOptions en;
  en.locale = Locale::kEnUS;
  const auto sms_en = RenderMessage(MessageInputFor(*officer, tree, Cst(3, 16), ""), en).sms;
  EXPECT_NE(sms_en.find("37 schools"), std::string::npos) << sms_en;
  EXPECT_NE(sms_en.find("and 32 more"), std::string::npos) << sms_en;
}

TEST(GroupingTest, DifferentWindowsAreNotMerged) {
  auto ns = MissAll(1, 3, Cst(3, 16), "2024-10-03");
  auto other = MissAll(4, 5, Cst(3, 16), "2024-10-04");
  ns.insert(ns.end(), other.begin(), other.end());
  const auto groups = GroupNow(ns);
  int officer_messages = 0;
  for (const auto& g : groups) officer_messages += g.recipient.name == "值班员甲";
  EXPECT_EQ(officer_messages, 2);
}

TEST(GroupingTest, IncidentsAreNeverMerged) {
  Notification a;
  a.alert_id = "i1";
  a.alert_kind = AlertKind::kIncident;
  a.recipient = testing::Officer("值班员甲", "7001");
  a.channels = {ChannelKind::kSms};
  Notification b = a;
  b.alert_id = "i2";
  EXPECT_EQ(GroupNow({a, b}).size(), 2u);
}

TEST(GroupingTest, GroupWindowMergesNotificationsProducedWithinIt) {
  const GroupingOptions options{60s, 1000};
  GroupBuffer buffer;
  const Instant t0 = Cst(3, 16);
  AddPending(buffer, MissAll(1, 10, t0, "2024-10-03", "missing-major-event"), t0);
  AddPending(buffer, MissAll(11, 37, t0 + 20s, "2024-10-03", "missing-major-event"), t0 + 20s);
  EXPECT_TRUE(TakeDue(buffer, options, t0 + 30s).empty());
  EXPECT_EQ(NextFlush(buffer, options), t0 + 60s);
  const auto groups = TakeDue(buffer, options, t0 + 60s);
  const GroupedMessage* officer = For(groups, "值班员甲");
  ASSERT_NE(officer, nullptr);
  EXPECT_EQ(officer->alerts.size(), 37u);
  // The school contacts first seen at +20 s wait for their own window.
  EXPECT_EQ(For(groups, "总务处11"), nullptr);
  EXPECT_EQ(NextFlush(buffer, options), t0 + 80s);
  EXPECT_NE(For(TakeDue(buffer, options, t0 + 80s), "总务处11"), nullptr);
  EXPECT_TRUE(buffer.pending.empty());
  EXPECT_FALSE(NextFlush(buffer, options).has_value());
}

TEST(GroupingTest, LargeGroupsAreSplit) {
  const auto groups = GroupNow(MissAll(1, 37, Cst(3, 16), "2024-10-03"), 10);
  size_t officer_alerts = 0;
  int officer_messages = 0;
  for (const auto& g : groups) {
    if (g.recipient.name != "值班员甲") continue;
    ++officer_messages;
    officer_alerts += g.alerts.size();
    EXPECT_LE(g.alerts.size(), 10u);
  }
  EXPECT_EQ(officer_messages, 4);
  EXPECT_EQ(officer_alerts, 37u);
}

TEST(GroupingTest, ResolvedNoticesAreGroupedApartFromAlerts) {
  auto ns = MissAll(1, 2, Cst(3, 16), "2024-10-03");
  Notification resolved = ns[1];  // the officer, for school 1
  resolved.message = MessageKind::kResolved;
  resolved.resolve_reason = ResolveReason::kLateReportReceived;
  resolved.step = kResolvedStep;
  ns.push_back(resolved);
  int officer_messages = 0;
  for (const auto& g : GroupNow(ns)) officer_messages += g.recipient.name == "值班员甲";
  EXPECT_EQ(officer_messages, 2);
}

TEST(GroupingTest, GravestSeverityAndChannelUnion) {
  Notification a;
  a.alert_id = "x";
  a.alert_kind = AlertKind::kLate;
  a.recipient = testing::Officer("甲", "1");
  a.severity = Severity::kIII;
  a.channels = {ChannelKind::kSms};
  Notification b = a;
  b.alert_id = "y";
  b.severity = Severity::kII;
  b.channels = {ChannelKind::kEmail, ChannelKind::kSms};
  const auto g = GroupNow({a, b});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].severity, Severity::kII);
  EXPECT_EQ(g[0].channels, (std::vector<ChannelKind>{ChannelKind::kSms, ChannelKind::kEmail}));
}

}  // namespace
}  // namespace pingan::core
