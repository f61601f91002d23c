// Acknowledge and resolve through the HTTP routes, answered by the control channel's
// own alert commands and written by a real StoreWriter: the alert changes and the audit
// log names the signed-in user.
#include <gtest/gtest.h>

#include <future>

#include "daemon/app/http_api.h"
#include "daemon/core/alert.h"
#include "daemon/services/alert_commands.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/audit_log.h"
#include "tests/fakes/drain_writer.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::console {
namespace {

using nlohmann::json;

const core::Instant kNow = core::FromUnixMillis(1'780'000'000'000);

class AlertActionsTest : public ::testing::Test {
 protected:
  AlertActionsTest()
      : clock_(kNow),
        writer_(store::StoreWriterOptions::For(dir_.File("pingan.db")), [](auto) {}),
        control_(io_, zmq_),
        alerts_(services::AlertCommandContext{clock_, dir_.File("pingan.db"), writer_, schedules_,
                                              nullptr}),
        auth_(clock_, Options(), [this](AuthService::Job job) { writer_.Post(std::move(job)); }),
        router_(auth_) {
    services::RegisterAlertCommands(control_, alerts_);
    api::ApiBackend backend = app::MakeApiBackend(schedules_, dir_.File("pingan.db"));
    backend.alerts = &alerts_;
    api::RegisterApiRoutes(router_, auth_, std::move(backend));
    EXPECT_EQ(auth_.AddUser("duty", "duty_officer", "", "correct horse battery"), std::nullopt);
    writer_.Post([](store::Database& db) {
      store::AlertRepository(db).Insert(
          core::NewMissingAlert("alert-1", "s1", "daily", "w1", kNow));
      store::AlertRepository(db).Insert(
          core::NewMissingAlert("alert-2", "s2", "daily", "w1", kNow));
    });
    Drain();
    const Response login = router_.Handle(
        Post("/api/v1/login", {{"name", "duty"}, {"password", "correct horse battery"}}));
    EXPECT_EQ(login.status, 200);
    cookie_ = CookieValue(login.Header("Set-Cookie"), kSessionCookie);
    csrf_ = json::parse(login.body)["csrf_token"];
  }
  ~AlertActionsTest() override { writer_.Stop(); }

  static AuthOptions Options() {
    AuthOptions o;
    o.cost = PasswordCost::kMinimum;
    return o;
  }

  // Waits (without sleeping) until every job posted so far ran on the writer thread.
  void Drain() { pingan::testing::DrainWriter(writer_); }

  Request Post(const std::string& path, const json& body) {
    Request r;
    r.method = "POST";
    r.target = path;
    r.body = body.dump();
    r.client_address = "127.0.0.1";
    r.headers["content-type"] = "application/json";
    if (!cookie_.empty()) {
      r.headers["cookie"] = std::string(kSessionCookie) + "=" + cookie_;
      r.headers["x-csrf-token"] = csrf_;
    }
    return r;
  }

  core::Alert Read(const std::string& id) {
    store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
    return *store::AlertRepository(db).Find(id);
  }

  std::vector<store::AuditEntry> Audit() {
    store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
    return store::RecentAudit(db, 100);
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  boost::asio::io_context io_;
  zmq::context_t zmq_{1};
  store::StoreWriter writer_;
  services::ControlServer control_;
  services::AlertService alerts_;
  config::ScheduleSource schedules_;
  AuthService auth_;
  Router router_;
  std::string cookie_;
  std::string csrf_;
};

TEST_F(AlertActionsTest, AcknowledgeAndResolveAreAppliedAndAudited) {
  const Response ack = router_.Handle(Post("/api/v1/alerts/alert-1/ack", {{"comment", "calling"}}));
  ASSERT_EQ(ack.status, 202) << ack.body;
  const Response resolve = router_.Handle(
      Post("/api/v1/alerts/alert-2/resolve", {{"reason", "false_alarm"}, {"comment", "closed"}}));
  ASSERT_EQ(resolve.status, 202) << resolve.body;
  Drain();
  EXPECT_EQ(Read("alert-1").state, core::AlertState::kAcknowledged);
  EXPECT_EQ(Read("alert-1").acknowledged_by, "duty");
  EXPECT_EQ(Read("alert-2").state, core::AlertState::kResolved);
  std::map<std::string, store::AuditEntry> by_action;
  for (const auto& e : Audit()) by_action.emplace(e.action, e);
  ASSERT_TRUE(by_action.count("alert.acknowledge"));
  EXPECT_EQ(by_action["alert.acknowledge"].actor, "user:duty");
  EXPECT_EQ(by_action["alert.acknowledge"].object, "alert-1");
  ASSERT_TRUE(by_action.count("alert.resolve"));
  EXPECT_EQ(by_action["alert.resolve"].actor, "user:duty");
  EXPECT_EQ(by_action["alert.resolve"].detail, "false_alarm");
  ASSERT_TRUE(by_action.count("login"));
}

TEST_F(AlertActionsTest, ACommentIsAppendedToTheTimelineAndAudited) {
  const Response res =
      router_.Handle(Post("/api/v1/alerts/alert-1/comment", {{"comment", "电话未接通"}}));
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(router_.Handle(Post("/api/v1/alerts/alert-1/comment", {{"comment", ""}})).status, 400);
  EXPECT_EQ(router_.Handle(Post("/api/v1/alerts/nope/comment", {{"comment", "x"}})).status, 404);
  Drain();
  const core::Alert a = Read("alert-1");
  EXPECT_EQ(a.state, core::AlertState::kOpen) << "a comment is not an acknowledgement";
  ASSERT_FALSE(a.timeline.empty());
  EXPECT_EQ(a.timeline.back().what, "commented");
  EXPECT_EQ(a.timeline.back().actor, "duty");
  EXPECT_EQ(a.timeline.back().comment, "电话未接通");
  bool audited = false;
  for (const auto& e : Audit()) audited |= e.action == "alert.comment" && e.object == "alert-1";
  EXPECT_TRUE(audited);
}

TEST_F(AlertActionsTest, ControlErrorsBecomeHttpStatuses) {
  EXPECT_EQ(router_.Handle(Post("/api/v1/alerts/none/ack", {{"comment", "x"}})).status, 404);
  EXPECT_EQ(
      router_
          .Handle(Post("/api/v1/alerts/alert-1/resolve", {{"reason", "bogus"}, {"comment", "x"}}))
          .status,
      400);
  ASSERT_EQ(
      router_
          .Handle(Post("/api/v1/alerts/alert-1/resolve", {{"reason", "handled"}, {"comment", "x"}}))
          .status,
      202);
  Drain();
  // Resolved alerts cannot be acknowledged: the alert rules refuse it.
  const Response again = router_.Handle(Post("/api/v1/alerts/alert-1/ack", {{"comment", "x"}}));
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(json::parse(again.body)["error"]["code"], "refused");
}

TEST_F(AlertActionsTest, UserCommandsOverTheControlChannel) {
  app::RegisterUserCommands(control_, auth_);
  auto run = [this](const std::string& command, const json& args) {
    return control_.Dispatch(json{{"command", command}, {"args", args}}.dump());
  };
  EXPECT_TRUE(run("users.add", {{"name", "lead"},
                                {"role", "leader"},
                                {"scope", "d1"},
                                {"password", "long enough pw"}})["ok"]);
  const json dup =
      run("users.add", {{"name", "lead"}, {"role", "admin"}, {"password", "long enough pw"}});
  EXPECT_FALSE(dup["ok"]);
  const json token = run("tokens.create", {{"label", "ci"}, {"role", "auditor"}});
  ASSERT_TRUE(token["ok"]) << token;
  EXPECT_TRUE(auth_.FromApiToken(token["result"]["token"]).has_value());
  EXPECT_TRUE(run("users.disable", {{"name", "lead"}})["ok"]);
  EXPECT_FALSE(run("users.passwd", {{"name", "ghost"}, {"password", "long enough pw"}})["ok"]);
  Drain();
  store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
  EXPECT_EQ(db.sql().execAndGet("SELECT disabled FROM users WHERE name = 'lead'").getInt(), 1);
  EXPECT_EQ(db.sql().execAndGet("SELECT count(*) FROM api_tokens").getInt(), 1);
}

}  // namespace
}  // namespace pingan::console

namespace pingan::console {
namespace {

TEST_F(AlertActionsTest, TheDaemonWiringServesTheApiAndTheUserCommands) {
  config::DaemonConfig config;
  config.data_dir = dir_.path().string();
  config.database = "pingan.db";
  config.http.listen = "127.0.0.1:0";
  app::HttpApi api(io_, config, clock_, writer_, control_, schedules_,
                   config.DataPath(config.database), nullptr, app::ApiServices{.alerts = &alerts_});
  EXPECT_NE(api.port(), 0);
  EXPECT_GE(api.router().routes().size(), 13u);
  // The users made before are loaded; a new one can be added over the control channel.
  const nlohmann::json added = control_.Dispatch(
      nlohmann::json{{"command", "users.add"},
                     {"args", {{"name", "ops"}, {"role", "admin"}, {"password", "long enough pw"}}}}
          .dump());
  EXPECT_TRUE(added["ok"]) << added;
  Request login;
  login.method = "POST";
  login.target = "/api/v1/login";
  login.body = nlohmann::json{{"name", "duty"}, {"password", "correct horse battery"}}.dump();
  login.headers["content-type"] = "application/json";
  EXPECT_EQ(api.router().Handle(login).status, 200);
}

}  // namespace
}  // namespace pingan::console

namespace pingan::console {
namespace {

// One JSON view: pinganctl's alert.show / alerts and the console's GET routes answer
// the same document for the same alert.
TEST_F(AlertActionsTest, TheControlCommandAndTheRouteShowTheSameJson) {
  Request show = Post("/api/v1/alerts/alert-1", json::object());
  show.method = "GET";
  show.body.clear();
  const Response shown = router_.Handle(show);
  ASSERT_EQ(shown.status, 200) << shown.body;
  const json by_command =
      control_.Dispatch(json{{"command", "alert.show"}, {"args", {{"id", "alert-1"}}}}.dump());
  ASSERT_TRUE(by_command["ok"]) << by_command;
  EXPECT_EQ(json::parse(shown.body), by_command["result"]);
  Request list = show;
  list.target = "/api/v1/alerts";
  const Response listed = router_.Handle(list);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const json all = control_.Dispatch(json{{"command", "alerts"}, {"args", json::object()}}.dump());
  EXPECT_EQ(json::parse(listed.body), all["result"]);
}

}  // namespace
}  // namespace pingan::console
