#include "daemon/core/reminders.h"

#include <gtest/gtest.h>

#include "daemon/core/message_template.h"
#include "tests/core/escalation_fixture.h"

namespace pingan::core {
namespace {

using testing::Cst;

class RemindersTest : public ::testing::Test {
 protected:
  RemindersTest() : tree_(testing::MakeTree(3)) {
    due_.window.requirement_id = "daily";
    due_.window.window_id = "2024-10-03";
    due_.window.deadline = Cst(3, 16);
    due_.window.remind_at = Cst(3, 15);
    due_.window.time_zone = "Asia/Shanghai";
    for (int i = 1; i <= 3; ++i) due_.schools.push_back(tree_.Find(testing::SchoolId(i)));
  }
  ReminderPlan Plan(const std::vector<ChannelKind>& channels, std::string_view label = "") {
    return PlanReminders(
        due_, [](std::string_view id) { return id == "s01"; }, tree_, channels, label, Cst(3, 15));
  }

  OrgTree tree_;
  DueWindow due_;
};

TEST_F(RemindersTest, OneRowPerDutyContactOfEachSchoolThatHasNotReported) {
  const ReminderPlan plan = Plan(kDefaultReminderChannels);
  EXPECT_EQ(plan.schools_without_contact, 0);
  ASSERT_EQ(plan.rows.size(), 2u) << "s01 reported; one duty contact each";
  const OutboxRow& row = plan.rows[0];
  EXPECT_EQ(row.key, "reminder|" + SweepKey(due_.window) + "|s02|总务处2");
  EXPECT_EQ(row.message, MessageKind::kDueSoon);
  EXPECT_EQ(row.recipient.name, "总务处2");
  EXPECT_EQ(row.channels, (std::vector<ChannelKind>{ChannelKind::kSms, ChannelKind::kEmail}));
  EXPECT_EQ(row.school.id, "s02");
  EXPECT_EQ(row.deadline, Cst(3, 16));
  EXPECT_EQ(row.next_attempt_at, Cst(3, 15));
  EXPECT_TRUE(AlertIds(row).empty()) << "no alert exists yet";
  // The wording is the reminder's: "尚未报平安" before the deadline.
  const auto input = MessageInputFor(row, tree_, "Asia/Shanghai");
  ASSERT_TRUE(std::holds_alternative<MessageInput>(input));
  const RenderedMessage text = RenderMessage(std::get<MessageInput>(input), {});
  EXPECT_NE(text.sms.find("第2中学尚未报平安"), std::string::npos) << text.sms;
  EXPECT_NE(text.sms.find("16:00"), std::string::npos) << text.sms;
}

// The example: a monthly summary's reminder said the daily all-clear was
// missing. It names the requirement now.
TEST_F(RemindersTest, AMonthlySummarysReminderNamesTheSummaryNotTheAllClear) {
  Requirement daily;
  daily.id = "daily";
  daily.name = "节假日每日报平安";
  Requirement monthly;
  monthly.id = "monthly";
  monthly.name = "月度安全汇总";
  monthly.kind = RequirementKind::kMonthlySummary;
  const std::vector<Requirement> requirements{daily, monthly};
  EXPECT_EQ(ReportLabel(requirements, "daily"), "") << "the templates' own 报平安";
  EXPECT_EQ(ReportLabel(requirements, "monthly"), "月度安全汇总");
  EXPECT_EQ(ReportLabel(requirements, "gone"), "");

  due_.window.requirement_id = "monthly";
  const ReminderPlan plan = Plan(kDefaultReminderChannels, ReportLabel(requirements, "monthly"));
  ASSERT_FALSE(plan.rows.empty());
  EXPECT_EQ(plan.rows[0].report_label, "月度安全汇总");
  const auto input = MessageInputFor(plan.rows[0], tree_, "Asia/Shanghai");
  const RenderedMessage zh = RenderMessage(std::get<MessageInput>(input), {});
  EXPECT_NE(zh.sms.find("[提醒] 第2中学尚未报送月度安全汇总 (10月3日 16:00 截止)"),
            std::string::npos)
      << zh.sms;
  EXPECT_EQ(zh.sms.find("报平安"), std::string::npos) << zh.sms;
  TemplateOptions en;
  en.locale = Locale::kEnUS;
  const RenderedMessage e = RenderMessage(std::get<MessageInput>(input), en);
  EXPECT_NE(e.sms.find("has not yet sent the 月度安全汇总"), std::string::npos) << e.sms;
}

TEST_F(RemindersTest, ChannelsAreChosenLikeAStepsFromTheConfiguredPreference) {
  const ReminderPlan email_first = Plan({ChannelKind::kEmail, ChannelKind::kSms});
  ASSERT_EQ(email_first.rows.size(), 2u);
  EXPECT_EQ(CurrentChannel(email_first.rows[0]), ChannelKind::kEmail);
  // Contacts have no webhook: a webhook-only preference reaches nobody.
  const ReminderPlan hooks = Plan({ChannelKind::kWebhook});
  EXPECT_TRUE(hooks.rows.empty());
  EXPECT_EQ(hooks.schools_without_contact, 2);
}

}  // namespace
}  // namespace pingan::core
