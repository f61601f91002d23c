// The HttpApi's live updates for incident cases: a change made through the routes is
// published as "incident.updated" once the writer stored it, with the new case state
// and owner, for the incident's school, and never with note text or the summary.
#include <gtest/gtest.h>

#include <future>

#include "daemon/app/http_api.h"
#include "daemon/services/alert_commands.h"
#include "daemon/services/incident_commands.h"
#include "daemon/services/incident_service.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/report_repository.h"
#include "tests/app/http_api_support.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::app {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const core::Instant kNow = core::FromUnixMillis(1'780'000'000'000);

class IncidentEventsTest : public ::testing::Test {
 protected:
  IncidentEventsTest() : clock_(kNow), control_(io_, zmq_) {
    config_.data_dir = dir_.path().string();
    config_.http.listen = "";  // routes only, no socket
    store::StoreWriterOptions options;
    options.database_path = config_.DataPath(config_.database);
    writer_ = std::make_unique<store::StoreWriter>(options, [](auto) {});
    {
      store::Database db(options.database_path);
      core::Report r;
      r.report_id = "inc-1";
      r.school_id = "s01";
      r.kind = core::ReportKind::kIncident;
      r.covers = date::year{2026} / 6 / 1;
      r.agent_time = kNow;
      r.incident = core::Incident{core::IncidentCategory::kFight,
                                  core::Severity::kIII,
                                  kNow,
                                  "summary naming a pupil",
                                  1,
                                  0,
                                  0,
                                  false};
      store::ReportRepository(db, 24h).Insert({r, kNow});
    }
    incidents_ = std::make_unique<services::IncidentService>(
        services::IncidentServiceContext{clock_, options.database_path, *writer_, schedules_, 24h});
    services::RegisterIncidentCommands(control_, *incidents_);
    api_ = std::make_unique<HttpApi>(io_, config_, clock_, *writer_, control_, schedules_,
                                     config_.DataPath(config_.database), nullptr,
                                     ApiServices{.incidents = incidents_.get()});
    auto token = api_->auth().CreateToken("ops", "duty_officer", "");
    token_ = std::get<0>(token);
  }
  ~IncidentEventsTest() override {
    writer_->Stop();
    api_.reset();
  }

  int Post(const std::string& path, const json& body) {
    console::Request r;
    r.method = "POST";
    r.target = path;
    r.body = body.dump();
    r.client_address = "127.0.0.1";
    r.headers["authorization"] = "Bearer " + token_;
    return api_->router().Handle(r).status;
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
  std::unique_ptr<services::IncidentService> incidents_;
  std::unique_ptr<HttpApi> api_;
  std::string token_;
};

TEST_F(IncidentEventsTest, AChangeIsPublishedWithItsNewStateAndNoText) {
  const uint64_t before = api_->events().last_id();
  ASSERT_EQ(Post("/api/v1/incidents/inc-1/assign", {{"owner", "张局"}}), 202);
  Settle();
  ASSERT_EQ(Post("/api/v1/incidents/inc-1/notes", {{"text", "named a teacher"}}), 202);
  ASSERT_EQ(Post("/api/v1/incidents/inc-1/close", {{"outcome", "handled"}, {"comment", "bye"}}),
            202);
  Settle();
  std::vector<console::Event> events;
  for (const console::Event& e : EventsSince(before)) {
    if (e.name == "incident.updated") events.push_back(e);
    EXPECT_EQ(e.data.dump().find("named a teacher"), std::string::npos) << e.name;
    EXPECT_EQ(e.data.dump().find("summary naming"), std::string::npos) << e.name;
    EXPECT_EQ(e.data.dump().find("bye"), std::string::npos) << e.name;
  }
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].school_id, "s01") << "leaders' streams filter on it";
  EXPECT_EQ(events[0].data["report_id"], "inc-1");
  EXPECT_EQ(events[0].data["school_id"], "s01");
  EXPECT_EQ(events[0].data["owner"], "张局");
  EXPECT_EQ(events[0].data["case_state"], "open") << "read after the writer stored it";
  // The later two are read once the writer ran everything before them: closed.
  EXPECT_EQ(events[2].data["case_state"], "closed");
  EXPECT_EQ(events[2].data["owner"], "张局");
}

TEST_F(IncidentEventsTest, ARefusedChangePublishesNothing) {
  const uint64_t before = api_->events().last_id();
  EXPECT_EQ(Post("/api/v1/incidents/nope/assign", {{"owner", "张局"}}), 404);
  EXPECT_EQ(Post("/api/v1/incidents/inc-1/close", {{"outcome", "maybe"}}), 400);
  Settle();
  for (const console::Event& e : EventsSince(before)) EXPECT_NE(e.name, "incident.updated");
}

// A newly stored incident report sounds the duty room's alarm: its incident alert is
// published as "alert.opened" with the severity; all-clears in the same batch cost no
// query and publish nothing of their own.
TEST_F(IncidentEventsTest, ANewIncidentReportPublishesItsAlertAsOpened) {
  const services::AlertService alerts(services::AlertCommandContext{
      clock_, config_.DataPath(config_.database), *writer_, schedules_, nullptr});
  services::RegisterAlertCommands(control_, alerts);
  {
    store::Database db(config_.DataPath(config_.database));
    auto stored = store::ReportRepository(db, 24h).Find("inc-1");
    ASSERT_TRUE(stored.has_value());
    auto alert = core::NewIncidentAlert("alert-inc-1", stored->report, kNow);
    store::AlertRepository(db).Insert(std::get<core::Alert>(alert));
  }
  const uint64_t before = api_->events().last_id();
  api_->PublishNewIncidents(
      {store::WriteOutcome{"peer-1", "inc-1", store::WriteStatus::kStored, true},
       store::WriteOutcome{"peer-2", "all-clear-1", store::WriteStatus::kStored, false}});
  Settle();
  const auto events = EventsSince(before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "alert.opened");
  EXPECT_EQ(events[0].school_id, "s01");
  EXPECT_EQ(events[0].data["id"], "alert-inc-1");
  EXPECT_EQ(events[0].data["kind"], "incident");
  EXPECT_EQ(events[0].data["severity"], "III");
  EXPECT_EQ(events[0].data.dump().find("summary naming"), std::string::npos);
}

}  // namespace
}  // namespace pingan::app
