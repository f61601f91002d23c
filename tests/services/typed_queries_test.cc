// The typed read services behind the console's pages and pinganctl (StatusService,
// SchoolService, DutyService) over a real database and a fake clock: what their typed
// answers hold, and that the control commands answer exactly the JSON view of the same
// call (the HTTP routes use the same views; tests/console checks their scoping).
#include <gtest/gtest.h>

#include "daemon/services/control_handlers.h"
#include "daemon/services/duty_json.h"
#include "daemon/services/school_json.h"
#include "daemon/services/status_json.h"
#include "tests/services/console_query_support.h"
#include "tests/services/error_code.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using pingan::testing::CodeOf;
using testing::At;

class TypedQueriesTest : public testing::ConsoleQueryTest {
 protected:
  TypedQueriesTest()
      : status_(
            ControlContext{clock_, nullptr, schedules_, dir_.File("pingan.db"), nullptr, nullptr}) {
    RegisterControlHandlers(server_, status_);
  }

  // da: 王值班 on duty 10-03 08:00-20:00 (Shanghai).
  void WithRoster() {
    auto setup = std::make_shared<config::EscalationSetup>();
    const auto local = [](int hour) {
      return date::local_days{date::year{2026} / 10 / 3} + std::chrono::hours{hour};
    };
    setup->rosters.emplace("da",
                           std::get<core::Roster>(core::Roster::Build(
                               "da", "Asia/Shanghai",
                               {{local(8), local(20), {"王值班", "13800000001", "", ""}, ""}})));
    Register(setup);
  }

  StatusService status_;
};

TEST_F(TypedQueriesTest, TheStatusCountsWhatIsStored) {
  Missing("a1", 2);
  Incident("b1", 3, At(3, 11));
  const DaemonStatus s = status_.Status();
  EXPECT_EQ(s.clock.now, At(3, 17));
  EXPECT_FALSE(s.clock.drill);
  EXPECT_EQ(s.reports, 1);
  EXPECT_EQ(s.open_alerts, 2) << "the missing report's and the incident's";
  EXPECT_EQ(s.acknowledged_alerts, 0);
  EXPECT_FALSE(s.swept_to.has_value()) << "no sweep ran";
  EXPECT_EQ(s.schools, 4);
  const json by_command = Ok("status", json::object());
  EXPECT_EQ(by_command, ToJson(s));
  EXPECT_EQ(Ok("clock.now", json::object()), ToJson(status_.Clock()));
}

TEST_F(TypedQueriesTest, TheNextDeadlinesCountTheSchoolsInView) {
  const std::vector<UpcomingDeadline> all = status_.NextDeadlines({"", 2});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].window.window.requirement_id, "holiday-daily");
  EXPECT_EQ(all[0].window.window.window_id, "2026-10-04");
  EXPECT_EQ(all[0].window.requirement_name, "假期每日平安报");
  EXPECT_EQ(all[0].schools, 4) << "a1, a2, a3 (paused) and b1";
  const std::vector<UpcomingDeadline> db = status_.NextDeadlines({"db", 1});
  ASSERT_EQ(db.size(), 1u);
  EXPECT_EQ(db[0].schools, 1);
  EXPECT_EQ(CodeOf([&] { status_.NextDeadlines({"nowhere", 1}); }), "not_found");
  EXPECT_EQ(Ok("deadlines.next", {{"unit", "db"}, {"limit", 1}}), ToJson(db));
}

TEST_F(TypedQueriesTest, TheMissingListNamesTheSchoolAndItsAlert) {
  const std::string alert = Missing("a1", 2);
  const std::vector<MissingReport> missing = status_.Missing(10);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].school_name, "甲一小");
  EXPECT_EQ(missing[0].window_id, "2026-10-02");
  EXPECT_EQ(missing[0].deadline, At(2, 16));
  EXPECT_EQ(missing[0].alert_id, alert);
  EXPECT_EQ(missing[0].alert_state, core::AlertState::kOpen);
  EXPECT_EQ(Ok("missing", json::object()), ToJson(missing));
}

TEST_F(TypedQueriesTest, TheCalendarOfAUnitAndWithoutAnOrganisation) {
  const CalendarOverview all = status_.Calendar("");
  EXPECT_EQ(all.time_zone, "Asia/Shanghai");
  ASSERT_EQ(all.calendars.size(), 1u);
  EXPECT_EQ(all.calendars[0].periods.size(), 1u);
  EXPECT_EQ(all.requirements.size(), 2u);
  EXPECT_EQ(status_.Calendar("da").requirements.size(), 2u) << "unscoped: everyone's";
  EXPECT_EQ(CodeOf([&] { status_.Calendar("nowhere"); }), "not_found");
  EXPECT_EQ(Ok("calendar.show", {{"unit", "da"}}), ToJson(status_.Calendar("da")));
  schedules_.Set(nullptr);
  EXPECT_EQ(CodeOf([&] { status_.Calendar(""); }), "no_schedule");
  EXPECT_EQ(CodeOf([&] { status_.NextDeadlines({}); }), "no_schedule");
}

TEST_F(TypedQueriesTest, SchoolsOfAUnitByText) {
  auto ids = [](const std::vector<SchoolRow>& rows) {
    std::vector<std::string> out;
    for (const SchoolRow& r : rows) out.push_back(r.id);
    return out;
  };
  EXPECT_EQ(ids(schools_->List({"da", "", 200})), (std::vector<std::string>{"a1", "a2", "a3"}));
  const std::vector<SchoolRow> second = schools_->List({"", "甲二", 200});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].parent_name, "甲区教育局");
  EXPECT_EQ(ids(schools_->List({"", "", 1})), (std::vector<std::string>{"a1"}));
  EXPECT_EQ(CodeOf([&] { schools_->List({"nowhere", "", 1}); }), "not_found");
  EXPECT_EQ(Ok("schools", {{"q", "a"}}), ToJson(schools_->List({"", "a", 200})));
}

TEST_F(TypedQueriesTest, ASchoolPageIsTyped) {
  Received("a1", 1, At(1, 9));
  const std::string alert = Missing("a1", 2);
  const SchoolPage page = schools_->Show({"a1", 7});
  EXPECT_EQ(page.school.name, "甲一小");
  ASSERT_EQ(page.path.size(), 2u);
  EXPECT_EQ(page.path[0].id, "city");
  EXPECT_EQ(page.path[1].kind, "district");
  ASSERT_EQ(page.open_alerts.size(), 1u);
  EXPECT_EQ(page.open_alerts[0].id, alert);
  ASSERT_GE(page.history.size(), 2u);
  EXPECT_EQ(page.history[0].window_id, "2026-10-03") << "newest first";
  EXPECT_EQ(page.history[0].requirement_name, "假期每日平安报");
  EXPECT_EQ(page.history[0].kind, "all_clear");
  EXPECT_EQ(page.stats.missing, 1);
  EXPECT_EQ(page.stats.on_time, 1);
  EXPECT_EQ(CodeOf([&] { schools_->Show({"a1", 0}); }), "bad_request");
  EXPECT_EQ(CodeOf([&] { schools_->Show({"da", 7}); }), "not_found") << "a district";
  EXPECT_EQ(Ok("school.show", {{"id", "a1"}, {"days", 7}}), ToJson(page));
}

TEST_F(TypedQueriesTest, TheShiftSummaryIsTypedAndNewestFirst) {
  Missing("a1", 3);
  const std::string second = Missing("a2", 3);
  auto acked = core::Acknowledge(*store::AlertRepository(db_).Find(second), "王五", "在联系",
                                 At(3, 16, 40), 2h);
  store::AlertRepository(db_).Save(std::get<core::Alert>(acked));
  const ShiftSummary s = duty_->Summary({});
  EXPECT_EQ(s.since, At(3, 5));
  EXPECT_EQ(s.until, At(3, 17));
  ASSERT_EQ(s.opened.size(), 2u);
  ASSERT_EQ(s.acknowledged.size(), 1u);
  EXPECT_EQ(s.acknowledged[0].alert_id, second);
  EXPECT_EQ(s.acknowledged[0].by, "王五");
  EXPECT_EQ(s.acknowledged[0].comment, "在联系");
  EXPECT_FALSE(s.acknowledged[0].reason.has_value());
  EXPECT_EQ(s.still_open.size(), 2u);
  EXPECT_TRUE(s.resolved.empty());
  const ShiftSummary db = duty_->Summary({std::nullopt, "db"});
  EXPECT_TRUE(db.opened.empty() && db.still_open.empty());
  EXPECT_EQ(CodeOf([&] { duty_->Summary({At(3, 18), ""}); }), "bad_request") << "after now";
  EXPECT_EQ(Ok("handover", json::object()), ToJson(s));
}

TEST_F(TypedQueriesTest, RostersContactsAndGapsAreTyped) {
  EXPECT_FALSE(duty_->Rosters({}).escalation);
  WithRoster();
  const RosterListing listing = duty_->Rosters({});
  ASSERT_EQ(listing.rosters.size(), 1u);
  const RosterView& da = listing.rosters[0];
  ASSERT_TRUE(da.on_duty.has_value());
  EXPECT_EQ(da.on_duty->person.name, "王值班");
  EXPECT_TRUE(da.on_duty->now);
  EXPECT_FALSE(da.next.has_value());
  EXPECT_EQ(da.gaps.size(), 2u) << "before 08:00 today and after 20:00 until tomorrow ends";
  EXPECT_TRUE(duty_->Rosters({At(3, 21), "da"}).rosters[0].on_duty == std::nullopt);
  EXPECT_TRUE(duty_->Rosters({std::nullopt, "db"}).rosters.empty());
  const SchoolContacts contacts = duty_->Contacts("a1");
  ASSERT_EQ(contacts.units.size(), 2u);
  EXPECT_EQ(contacts.units[0].contacts.size(), 2u);
  ASSERT_EQ(contacts.units[1].on_duty.size(), 1u);
  EXPECT_EQ(contacts.units[1].on_duty[0].person.phone, "13800000001");
  EXPECT_TRUE(duty_->Contacts("a1", At(3, 21)).units[1].on_duty.empty());
  const GapListing gaps = duty_->Gaps({14, "da"});
  EXPECT_TRUE(gaps.escalation);
  EXPECT_EQ(gaps.rosters, 1);
  EXPECT_EQ(duty_->Gaps({14, "db"}).rosters, 0);
  EXPECT_EQ(CodeOf([&] { duty_->Gaps({0, ""}); }), "bad_request");
  EXPECT_EQ(Ok("rosters", json::object()), ToJson(listing));
  EXPECT_EQ(Ok("contacts", {{"school", "a1"}}), ToJson(contacts));
  EXPECT_EQ(Ok("rosters.gaps", {{"unit", "da"}}), ToJson(gaps));
}

}  // namespace
}  // namespace pingan::services
