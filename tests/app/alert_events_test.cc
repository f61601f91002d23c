// The HttpApi's alert events: PublishAlerts reads many alerts on one connection and
// builds the fields that the "alert.show" command gave the events before; a sweep's many
// new alerts become one bulk "alerts.opened" that names no school; an acknowledgement
// through the route is published once stored, with its new state; and the data version
// behind the board's cache moves with events, a replaced organisation and the minute.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <optional>

#include "daemon/app/http_api.h"
#include "daemon/jobs/deadline_sweep.h"
#include "daemon/services/alert_commands.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/ledger_repository.h"
#include "tests/app/http_api_support.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::app {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// 16:00 in Shanghai on 2026-10-01 (08:00 UTC); the grace ends half an hour later.
const core::Instant kDeadline{date::sys_days{date::year{2026} / 10 / 1} + 8h};
constexpr int kSchools = 300;

std::string SchoolId(int i) {
  return "s" + std::to_string(1000 + i);
}

core::Unit Unit(std::string id, std::string name, core::UnitKind kind, std::string parent) {
  core::Unit u;
  u.id = std::move(id);
  u.name = std::move(name);
  u.kind = kind;
  u.parent_id = std::move(parent);
  return u;
}

// city / da (the first half of the schools), db (the rest); a daily all-clear at 16:00
// with 30 minutes' grace during the National Day holiday.
config::SharedSchedule World() {
  std::vector<core::Unit> units = {Unit("city", "市教育局", core::UnitKind::kCity, ""),
                                   Unit("da", "甲区教育局", core::UnitKind::kDistrict, "city"),
                                   Unit("db", "乙区教育局", core::UnitKind::kDistrict, "city")};
  for (int i = 0; i < kSchools; ++i) {
    units.push_back(Unit(SchoolId(i), "第" + std::to_string(i) + "小学", core::UnitKind::kSchool,
                         i < kSchools / 2 ? "da" : "db"));
  }
  core::Calendar calendar;
  calendar.name = "national-day";
  calendar.time_zone = "Asia/Shanghai";
  core::Period holiday;
  holiday.name = "国庆节";
  holiday.kind = core::PeriodKind::kPublicHoliday;
  holiday.first = date::year{2026} / 10 / 1;
  holiday.last = date::year{2026} / 10 / 7;
  calendar.periods = {holiday};
  core::Requirement daily;
  daily.id = "daily";
  daily.name = "节假日每日报平安";
  daily.kind = core::RequirementKind::kDailyAllClear;
  daily.during = {core::PeriodKind::kPublicHoliday};
  daily.deadlines = {16h};
  daily.grace = 30min;
  auto tree = std::get<core::OrgTree>(core::OrgTree::Build(std::move(units)));
  return std::get<config::SharedSchedule>(
      config::MakeScheduleBundle(std::move(tree), {calendar}, {daily}, "Asia/Shanghai"));
}

class AlertEventsTest : public ::testing::Test {
 protected:
  AlertEventsTest() : clock_(kDeadline + 1h), control_(io_, zmq_), schedules_(World()) {
    config_.data_dir = dir_.path().string();
    config_.http.listen = "";  // routes only, no socket
    store::StoreWriterOptions options;
    options.database_path = DatabasePath();
    writer_ = std::make_unique<store::StoreWriter>(options, [](auto) {});
    alerts_ = std::make_unique<services::AlertService>(
        services::AlertCommandContext{clock_, DatabasePath(), *writer_, schedules_, nullptr});
    services::RegisterAlertCommands(control_, *alerts_);
    api_ = std::make_unique<HttpApi>(io_, config_, clock_, *writer_, control_, schedules_,
                                     config_.DataPath(config_.database), nullptr,
                                     ApiServices{.alerts = alerts_.get()});
  }
  ~AlertEventsTest() override {
    writer_->Stop();
    api_.reset();
  }

  std::string DatabasePath() const { return config_.DataPath(config_.database); }
  // Runs `job` on the writer thread, as the daemon does (a second writing connection
  // beside it could meet "database is locked"), and returns its result.
  template <class F>
  auto OnWriter(F job) -> decltype(job(std::declval<store::Database&>())) {
    using Result = decltype(job(std::declval<store::Database&>()));
    auto task = std::make_shared<std::packaged_task<Result(store::Database&)>>(std::move(job));
    auto result = task->get_future();
    writer_->Post([task](store::Database& db) { (*task)(db); });
    return result.get();
  }
  void Insert(const core::Alert& alert) {
    EXPECT_TRUE(
        OnWriter([&](store::Database& db) { return store::AlertRepository(db).Insert(alert); }));
  }
  // Every school was silent at the deadline: the real sweep opens one alert each.
  jobs::SweepOutcome SweepAll() {
    return OnWriter([this](store::Database& db) {
      store::LedgerRepository(db).SetState(jobs::kSweepPositionKey,
                                           std::to_string(core::ToUnixMillis(kDeadline)));
      return jobs::SweepDeadlines(db, *schedules_.Get(), kDeadline + 1h);
    });
  }
  json Show(const std::string& id) {
    const json answer =
        control_.Dispatch(json{{"command", "alert.show"}, {"args", {{"id", id}}}}.dump());
    EXPECT_TRUE(answer.value("ok", false)) << answer;
    return answer["result"];
  }
  void Settle() { app::Settle(*writer_, io_, api_.get()); }
  std::vector<console::Event> EventsSince(uint64_t id) { return app::EventsSince(*api_, id); }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  config::DaemonConfig config_;
  boost::asio::io_context io_;
  zmq::context_t zmq_;
  services::ControlServer control_;
  config::ScheduleSource schedules_;
  std::unique_ptr<store::StoreWriter> writer_;
  std::unique_ptr<services::AlertService> alerts_;
  std::unique_ptr<HttpApi> api_;
};

TEST_F(AlertEventsTest, ABatchBuildsTheFieldsAlertShowGave) {
  Insert(core::NewMissingAlert("alert-1", SchoolId(1), "daily", "2026-10-01", kDeadline));
  core::Report report;
  report.report_id = "inc-1";
  report.school_id = SchoolId(200);
  report.kind = core::ReportKind::kIncident;
  report.covers = date::year{2026} / 10 / 1;
  report.agent_time = kDeadline;
  report.incident = core::Incident{
      core::IncidentCategory::kFire, core::Severity::kII, kDeadline, "protected", 1, 0, 0, true};
  Insert(std::get<core::Alert>(core::NewIncidentAlert("alert-2", report, kDeadline)));
  Insert(core::NewMissingAlert("alert-3", "not-in-the-tree", "daily", "2026-10-01", kDeadline));

  const uint64_t before = api_->events().last_id();
  api_->PublishAlerts("alert.updated", {"alert-1", "no-such-alert", "alert-2", "alert-3"});
  Settle();
  const auto events = EventsSince(before);
  ASSERT_EQ(events.size(), 3u) << "the unknown alert is skipped";
  const std::vector<std::string> ids = {"alert-1", "alert-2", "alert-3"};
  for (size_t i = 0; i < ids.size(); ++i) {
    const console::Event& e = events[i];
    const json shown = Show(ids[i]);
    EXPECT_EQ(e.name, "alert.updated");
    EXPECT_EQ(e.school_id, shown["school_id"]) << "the leaders' filter";
    EXPECT_EQ(e.data.size(), 6u) << e.data;
    for (const char* key : {"id", "kind", "state", "severity", "school_id", "school_name"}) {
      EXPECT_EQ(e.data[key], shown[key]) << ids[i] << " " << key;
    }
  }
  EXPECT_EQ(events[0].data["school_name"], "第1小学");
  EXPECT_EQ(events[1].data["severity"], "II");
  EXPECT_EQ(events[2].data["school_name"], "");
  EXPECT_EQ(events[1].data.dump().find("protected"), std::string::npos);
}

TEST_F(AlertEventsTest, ASweepOfThreeHundredNewAlertsIsOneBulkEventNamingNoSchool) {
  const jobs::SweepOutcome swept = SweepAll();
  ASSERT_EQ(swept.new_alert_ids.size(), static_cast<size_t>(kSchools));
  const uint64_t before = api_->events().last_id();
  api_->PublishAlerts("alert.opened", swept.new_alert_ids);  // as Daemon::PublishSweep does
  Settle();
  const auto events = EventsSince(before);
  ASSERT_EQ(events.size(), 1u);
  const console::Event& bulk = events[0];
  EXPECT_EQ(bulk.name, "alerts.opened");
  EXPECT_EQ(bulk.school_id, "");
  const json first = Show(swept.new_alert_ids.front());
  EXPECT_EQ(
      bulk.data,
      (json{{"kind", "missing"}, {"requirement_id", "daily"}, {"window_id", first["window_id"]}}));
  std::vector<std::string> schools = bulk.school_ids;
  std::sort(schools.begin(), schools.end());
  std::vector<std::string> expected;
  for (int i = 0; i < kSchools; ++i) expected.push_back(SchoolId(i));
  EXPECT_EQ(schools, expected) << "every school, for the leaders' filter";
  EXPECT_EQ(console::FormatEvent(bulk).find(SchoolId(0)), std::string::npos);
  EXPECT_EQ(console::FormatEvent(bulk).find("小学"), std::string::npos);
}

TEST_F(AlertEventsTest, UpToTheThresholdEachNewAlertHasItsOwnEvent) {
  const jobs::SweepOutcome swept = SweepAll();
  const std::vector<std::string> few(swept.new_alert_ids.begin(),
                                     swept.new_alert_ids.begin() + kBulkAlertEvents);
  uint64_t before = api_->events().last_id();
  api_->PublishAlerts("alert.opened", few);
  Settle();
  auto events = EventsSince(before);
  ASSERT_EQ(events.size(), kBulkAlertEvents);
  EXPECT_EQ(events[0].name, "alert.opened");
  EXPECT_EQ(events[0].data["id"], few[0]);
  // Changes of many alerts stay single events: only openings come in bulk.
  before = api_->events().last_id();
  api_->PublishAlerts("alert.updated", swept.new_alert_ids);
  Settle();
  EXPECT_EQ(EventsSince(before).size(), static_cast<size_t>(kSchools));
}

TEST_F(AlertEventsTest, AnAcknowledgementIsPublishedOnceStoredWithItsNewState) {
  Insert(core::NewMissingAlert("alert-1", SchoolId(1), "daily", "2026-10-01", kDeadline));
  const std::string token = std::get<0>(api_->auth().CreateToken("ops", "duty_officer", ""));
  const uint64_t before = api_->events().last_id();
  console::Request r;
  r.method = "POST";
  r.target = "/api/v1/alerts/alert-1/ack";
  r.body = json{{"comment", "calling the school"}}.dump();
  r.client_address = "127.0.0.1";
  r.headers["authorization"] = "Bearer " + token;
  ASSERT_EQ(api_->router().Handle(r).status, 202);
  EXPECT_EQ(api_->events().last_id(), before) << "not before the writer stored it";
  Settle();
  const auto events = EventsSince(before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "alert.updated");
  EXPECT_EQ(events[0].data["state"], "acknowledged");
}

// Read-your-writes: the console reloads right after a change is answered, so the answer
// waits until the writer ran the change (it once came while the change was still queued,
// and the page showed the alert unacknowledged). A read does not wait for the writer.
TEST_F(AlertEventsTest, AChangeIsAnsweredOnceStoredAndAReadAnswersWhileTheWriterIsBusy) {
  Insert(core::NewMissingAlert("alert-1", SchoolId(1), "daily", "2026-10-01", kDeadline));
  const std::string token = std::get<0>(api_->auth().CreateToken("ops", "duty_officer", ""));
  auto request = [&](const std::string& method, const std::string& target) {
    console::Request r;
    r.method = method;
    r.target = target;
    r.body = method == "POST" ? json::object().dump() : "";
    r.client_address = "127.0.0.1";
    r.headers["authorization"] = "Bearer " + token;
    return r;
  };
  std::promise<void> gate;
  writer_->Post([released = gate.get_future().share()](store::Database&) { released.wait(); });

  std::optional<std::string> state_when_answered;
  api_->router().HandleAsync(request("POST", "/api/v1/alerts/alert-1/ack"), api_->executors(),
                             [&](console::Response res) {
                               EXPECT_EQ(res.status, 202);
                               state_when_answered = Show("alert-1")["state"];
                             });
  std::optional<console::Response> read;
  api_->router().HandleAsync(request("GET", "/api/v1/alerts/alert-1"), api_->executors(),
                             [&](console::Response res) { read = std::move(res); });
  api_->read_pool().WaitIdle();
  io_.poll();
  io_.restart();
  ASSERT_TRUE(read.has_value()) << "a read does not wait for the writer";
  EXPECT_EQ(json::parse(read->body)["state"], "open");
  EXPECT_FALSE(state_when_answered.has_value()) << "answered before the writer ran the change";

  gate.set_value();
  Settle();
  ASSERT_TRUE(state_when_answered.has_value());
  EXPECT_EQ(*state_when_answered, "acknowledged");
}

TEST_F(AlertEventsTest, TheDataVersionMovesWithEventsTheOrganisationAndTheMinute) {
  const uint64_t v = api_->DataVersion();
  EXPECT_EQ(api_->DataVersion(), v);
  clock_.Advance(30s);  // still 09:00 UTC
  EXPECT_EQ(api_->DataVersion(), v);
  clock_.Advance(30s);  // 09:01: the board's "now" (and at midnight its day) moved
  const uint64_t next_minute = api_->DataVersion();
  EXPECT_NE(next_minute, v);
  api_->events().Publish("ledger.updated", "", {{"reports", 1}});
  const uint64_t after_event = api_->DataVersion();
  EXPECT_NE(after_event, next_minute);
  EXPECT_EQ(api_->DataVersion(), after_event);
  schedules_.Set(World());  // e.g. a school import: no event, but other schools
  EXPECT_NE(api_->DataVersion(), after_event);
}

}  // namespace
}  // namespace pingan::app
