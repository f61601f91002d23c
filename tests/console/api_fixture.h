// ApiFixture: the whole /api/v1 router over a temporary database, a FakeClock, real
// alert and incident services holding one alert and one incident report in each of two
// districts (alert-a and report-a at school a1 in A, alert-b and report-b at b1 in B),
// fakes of the read services (console_query_fakes.h, fake_overview.h) and of the admin
// routes' services (fake_admin.h), for tests that drive the API as a pure function. The
// AuthService's persistence jobs run at once on the test's own connection, so what it writes can be
// read back immediately; the services' changes go through a StoreWriter (Drain() waits for them).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include <SQLiteCpp/Statement.h>

#include "daemon/api/api_routes.h"
#include "daemon/console/auth.h"
#include "daemon/console/router.h"
#include "daemon/services/alert_service.h"
#include "daemon/services/exemption_service.h"
#include "daemon/services/handover_service.h"
#include "daemon/services/incident_service.h"
#include "daemon/services/stats_service.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"
#include "daemon/store/report_repository.h"
#include "tests/console/console_query_fakes.h"
#include "tests/console/fake_admin.h"
#include "tests/console/fake_overview.h"
#include "tests/fakes/drain_writer.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::console {

inline const core::Instant kStart = core::FromUnixMillis(1'780'000'000'000);
inline constexpr const char* kPassword = "correct horse battery";
inline constexpr core::Millis kTextRetention = std::chrono::hours{24};

class ApiFixture : public ::testing::Test {
 protected:
  ApiFixture()
      : clock_(kStart),
        db_(std::make_unique<store::Database>(dir_.File("pingan.db"))),
        auth_(clock_, Options(),
              [this](AuthService::Job job) {
                ++persisted_;
                job(*db_);
              }),
        overview_(clock_),
        status_(clock_, [this](const std::string& c, const nlohmann::json& q) { Record(c, q); }),
        schools_(clock_, [this](const std::string& c, const nlohmann::json& q) { Record(c, q); }),
        duty_(clock_, [this](const std::string& c, const nlohmann::json& q) { Record(c, q); }),
        writer_(WriterOptions(dir_.File("pingan.db")), [](auto) {}),
        alert_service_(
            services::AlertCommandContext{clock_, dir_.File("pingan.db"), writer_, schedules_, {}}),
        incident_service_(services::IncidentServiceContext{clock_, dir_.File("pingan.db"), writer_,
                                                           schedules_, kTextRetention}),
        exemption_service_(services::ExemptionServiceContext{
            clock_, dir_.File("pingan.db"), writer_, schedules_, {}}),
        stats_service_(services::StatsServiceContext{clock_, dir_.File("pingan.db"), schedules_}),
        handover_service_(
            services::HandoverServiceContext{clock_, dir_.File("pingan.db"), writer_, {}}),
        admin_(clock_, writer_, schedules_,
               [this](const std::string& c, const nlohmann::json& q) { Record(c, q); }),
        clock_service_(clock_,
                       [this](const std::string& c, const nlohmann::json& q) { Record(c, q); }),
        router_(auth_) {
    // Schools: a1 in district A, b1 in district B.
    parent_ = {{"a1", "district-a"}, {"b1", "district-b"}};
    alerts_ = {{"alert-a", "a1"}, {"alert-b", "b1"}};
    for (const auto& [id, school] : alerts_) {
      store::AlertRepository(*db_).Insert(core::NewMissingAlert(id, school, "daily", "w1", kStart));
    }
    api::ApiBackend backend;
    backend.in_subtree = [this](const std::string& unit, const std::string& scope) {
      if (unit == scope) return true;
      auto it = parent_.find(unit);
      return it != parent_.end() && (it->second == scope || scope == "city");
    };
    backend.reads = dir_.File("pingan.db");
    FakeOverviewAnswers();
    backend.overview = &overview_;
    backend.alerts = &alert_service_;
    backend.incidents = &incident_service_;
    backend.exemptions = &exemption_service_;
    backend.stats = &stats_service_;
    backend.handovers = &handover_service_;
    backend.status = &status_;
    backend.schools = &schools_;
    backend.duty = &duty_;
    backend.admin = &admin_;
    backend.clock = &clock_service_;
    backend.on_incident_changed = [this](const std::string& id) { changed_.push_back(id); };
    backend.data_version = [this] { return data_version_; };
    api::RegisterApiRoutes(router_, auth_, backend);
    for (auto [name, role, scope] :
         {std::tuple{"admin", "admin", ""}, std::tuple{"duty", "duty_officer", ""},
          std::tuple{"leader-a", "leader", "district-a"}, std::tuple{"auditor", "auditor", ""},
          std::tuple{"wall", "wall", ""}}) {
      EXPECT_EQ(auth_.AddUser(name, role, scope, kPassword), std::nullopt);
    }
    StoreIncident("report-a", "a1");
    StoreIncident("report-b", "b1");
  }

  static store::StoreWriterOptions WriterOptions(std::string path) {
    store::StoreWriterOptions options = store::StoreWriterOptions::For(std::move(path));
    options.text_retention = kTextRetention;
    return options;
  }

  static AuthOptions Options() {
    AuthOptions o;
    o.cost = PasswordCost::kMinimum;  // fast hashes for tests
    return o;
  }

  void StoreIncident(const std::string& id, const std::string& school) {
    core::Report r;
    r.report_id = id;
    r.school_id = school;
    r.kind = core::ReportKind::kIncident;
    r.covers = date::year_month_day{date::year{2026}, date::month{6}, date::day{1}};
    r.agent_time = kStart;
    r.incident = core::Incident{core::IncidentCategory::kFire,
                                core::Severity::kIII,
                                kStart,
                                "protected text of " + id,
                                2,
                                0,
                                0,
                                true};
    store::ReportRepository(*db_, kTextRetention).Insert({r, kStart});
  }

  // The board: its date and unit echo the query, `incidents` counts the boards asked
  // for (a cached copy shows an old count); the drill-down lists a1 and b1, missing,
  // whatever it is asked. Both record their command in commands_ and pass through
  // custom_command_ (which may throw).
  void FakeOverviewAnswers() {
    overview_.board = [this](const services::BoardQuery& q) {
      nlohmann::json args = nlohmann::json::object();
      if (q.date) args["date"] = core::FormatDate(*q.date);
      if (!q.unit.empty()) args["unit"] = q.unit;
      Record("board", args);
      services::DayBoard b{q.date.value_or(date::year{2026} / 10 / 1), clock_.Now(), {}, 0, {}};
      b.unit.id = q.unit;
      b.incidents = static_cast<int>(std::count(commands_.begin(), commands_.end(), "board"));
      return b;
    };
    overview_.schools = [this](const services::BoardSchoolsQuery& q) {
      Record("board.schools", nlohmann::json{{"window", q.window}, {"unit", q.unit}});
      std::vector<services::BoardSchoolRow> rows(2);
      rows[0].school_id = "a1";
      rows[1].school_id = "b1";
      for (auto& r : rows) r.status = core::BoardStatus::kMissing;
      return rows;
    };
  }
  // A read service's call: in commands_, its query in asked_, through custom_command_.
  void Record(const std::string& command, const nlohmann::json& args) {
    commands_.push_back(command);
    asked_[command] = args;
    if (custom_command_) custom_command_(command, args);
  }

  Request Make(const std::string& method, const std::string& target, std::string body = "") {
    Request r;
    r.method = method;
    r.target = target;
    r.body = std::move(body);
    r.client_address = "10.0.0.1";
    // As the console page sends it (login refuses anything else).
    if (!r.body.empty()) r.headers["content-type"] = "application/json";
    return r;
  }

  // Signs in; returns the session cookie token and fills `csrf`.
  std::string Login(const std::string& name, std::string* csrf = nullptr,
                    const std::string& password = kPassword) {
    const Response res = router_.Handle(Make(
        "POST", "/api/v1/login", nlohmann::json{{"name", name}, {"password", password}}.dump()));
    EXPECT_EQ(res.status, 200) << res.body;
    if (csrf) *csrf = nlohmann::json::parse(res.body).value("csrf_token", "");
    return CookieValue(res.Header("Set-Cookie"), kSessionCookie);
  }

  Request WithSession(Request r, const std::string& cookie, const std::string& csrf = "") {
    r.headers["cookie"] = std::string(kSessionCookie) + "=" + cookie;
    if (!csrf.empty()) r.headers["x-csrf-token"] = csrf;
    return r;
  }

  // A signed-in user's cookie and CSRF token.
  struct Session {
    std::string cookie;
    std::string csrf;
  };
  Session As(const std::string& user) {
    Session s;
    s.cookie = Login(user, &s.csrf);
    return s;
  }
  Response Get(const Session& s, const std::string& path) {
    return router_.Handle(WithSession(Make("GET", path), s.cookie));
  }
  // Posts and waits until the writer applied what the route posted.
  Response Post(const Session& s, const std::string& path, const nlohmann::json& body) {
    const Response res =
        router_.Handle(WithSession(Make("POST", path, body.dump()), s.cookie, s.csrf));
    Drain();
    return res;
  }

  // Waits until the StoreWriter ran the changes posted so far.
  void Drain() { testing::DrainWriter(writer_); }

  // Audit actions in order of writing.
  std::vector<std::string> AuditActions() {
    std::vector<std::string> out;
    for (const auto& e : store::RecentAudit(*db_, 1000)) out.insert(out.begin(), e.action);
    return out;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  std::unique_ptr<store::Database> db_;
  int persisted_ = 0;
  AuthService auth_;
  testing::FakeOverview overview_;
  testing::FakeStatus status_;
  testing::FakeSchools schools_;
  testing::FakeDuty duty_;
  store::StoreWriter writer_;
  config::ScheduleSource schedules_;  // no organisation: the alert views name no schools
  services::AlertService alert_service_;
  services::IncidentService incident_service_;
  services::ExemptionService exemption_service_;
  services::StatsService stats_service_;
  services::HandoverService handover_service_;
  testing::FakeAdmin admin_;
  testing::FakeClockService clock_service_;
  Router router_;
  std::map<std::string, std::string> parent_;
  std::map<std::string, std::string> alerts_;  // alert id -> school, as stored
  std::vector<std::string> commands_;
  std::map<std::string, nlohmann::json> asked_;  // the last query of each read service call
  std::vector<std::string> changed_;             // ApiBackend::on_incident_changed, in order
  // ApiBackend::data_version: tests move it to stand for changed data.
  uint64_t data_version_ = 1;
  // A look at each service call and its query; it may throw to stand for a failing
  // service. What it returns is not used: the fakes answer (their members set answers).
  std::function<std::optional<nlohmann::json>(const std::string&, const nlohmann::json&)>
      custom_command_;
};

}  // namespace pingan::console
