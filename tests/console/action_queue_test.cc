// The duty room's action queue and acknowledging from it, over the ApiFixture's real
// AlertService and StoreWriter: the queue's order with mixed severities, a leader's
// queue of their subtree only, one-tap acknowledge without a comment, and several
// alerts acknowledged together with one comment on each timeline (issue 13).
#include <gtest/gtest.h>

#include "daemon/core/alert.h"
#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;

class ActionQueueTest : public ApiFixture {
 protected:
  // Besides alert-a (a1) and alert-b (b1), missing since kStart: a severity-II incident
  // at b1 ten minutes later, whose case 张局 owns, and a late report at a1.
  ActionQueueTest() {
    core::Report r;
    r.report_id = "report-b";
    r.school_id = "b1";
    r.kind = core::ReportKind::kIncident;
    r.incident = core::Incident{};
    r.incident->severity = core::Severity::kII;
    store::AlertRepository alerts(*db_);
    alerts.Insert(std::get<core::Alert>(
        core::NewIncidentAlert("incident-b", r, kStart + std::chrono::minutes{10})));
    alerts.Insert(core::NewLateAlert("late-a", "a1", "daily", "w1", kStart));
    const Session duty = As("duty");
    EXPECT_EQ(Post(duty, "/api/v1/incidents/report-b/assign", {{"owner", "张局"}}).status, 202);
    clock_.Advance(std::chrono::minutes{45});
  }

  json Queue(const Session& s) {
    const Response res = Get(s, "/api/v1/queue");
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body);
  }

  static std::vector<std::string> Ids(const json& queue) {
    std::vector<std::string> out;
    for (const json& item : queue["items"]) out.push_back(item["id"]);
    return out;
  }

  core::Alert Stored(const std::string& id) { return *store::AlertRepository(*db_).Find(id); }
};

TEST_F(ActionQueueTest, IncidentsBySeverityThenMissingThenLateOldestFirst) {
  const json q = Queue(As("duty"));
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"incident-b", "alert-a", "alert-b", "late-a"}));
  EXPECT_EQ(q["now"], core::FormatInstantUtc(clock_.Now()));
  const json& incident = q["items"][0];
  EXPECT_EQ(incident["age_minutes"], 35) << "by the daemon's clock";
  EXPECT_EQ(incident["owner"], "张局") << "the case owner";
  EXPECT_EQ(incident["step"], 0);
  EXPECT_EQ(incident["exhausted"], false);
  EXPECT_TRUE(incident.contains("next_wakeup"));
  EXPECT_EQ(q["items"][1]["age_minutes"], 45);
  EXPECT_EQ(q["items"][1]["owner"], "");
}

TEST_F(ActionQueueTest, ALeaderSeesTheQueueOfTheirSubtree) {
  EXPECT_EQ(Ids(Queue(As("leader-a"))), (std::vector<std::string>{"alert-a", "late-a"}));
}

TEST_F(ActionQueueTest, OneTapAcknowledgeNeedsNoComment) {
  const Session duty = As("duty");
  const Response res = Post(duty, "/api/v1/alerts/alert-a/ack", json::object());
  ASSERT_EQ(res.status, 202) << res.body;
  const core::Alert a = Stored("alert-a");
  EXPECT_EQ(a.state, core::AlertState::kAcknowledged);
  EXPECT_EQ(a.acknowledged_by, "duty");
  EXPECT_EQ(a.timeline.back().comment, "");
  const json q = Queue(duty);
  EXPECT_EQ(Ids(q).back(), "alert-a") << "taken: below the open ones";
  EXPECT_EQ(q["items"].back()["owner"], "duty");
  EXPECT_EQ(Post(duty, "/api/v1/alerts/alert-b/ack", {{"comment", 7}}).status, 400);
}

TEST_F(ActionQueueTest, SeveralAlertsAcknowledgedWithOneComment) {
  const Session duty = As("duty");
  const Response res = Post(duty, "/api/v1/alerts/ack",
                            {{"ids", {"alert-a", "alert-b", "late-a", "nope"}},
                             {"comment", "已逐一电话联系，学校正在补报"}});
  ASSERT_EQ(res.status, 202) << res.body;
  const json answer = json::parse(res.body);
  ASSERT_EQ(answer["acknowledged"].size(), 3u);
  ASSERT_EQ(answer["refused"].size(), 1u);
  EXPECT_EQ(answer["refused"][0]["id"], "nope");
  EXPECT_EQ(answer["refused"][0]["code"], "not_found");
  for (const char* id : {"alert-a", "alert-b", "late-a"}) {
    const core::Alert a = Stored(id);
    // A late alert is resolved by its acknowledgement (the report is in).
    const bool late = a.kind == core::AlertKind::kLate;
    EXPECT_EQ(a.state, late ? core::AlertState::kResolved : core::AlertState::kAcknowledged) << id;
    const core::TimelineEntry& ack = a.timeline[a.timeline.size() - (late ? 2 : 1)];
    EXPECT_EQ(ack.what, "acknowledged") << id;
    EXPECT_EQ(ack.comment, "已逐一电话联系，学校正在补报") << id;
  }
  const auto audit = AuditActions();
  EXPECT_EQ(std::count(audit.begin(), audit.end(), "alert.acknowledge"), 3);
  // Nothing left to take: the whole request is refused.
  EXPECT_EQ(Post(duty, "/api/v1/alerts/ack", {{"ids", {"alert-a"}}}).status, 409);
  EXPECT_EQ(Post(duty, "/api/v1/alerts/ack", {{"ids", json::array()}}).status, 400);
  EXPECT_EQ(Post(duty, "/api/v1/alerts/ack", {{"ids", "alert-a"}}).status, 400);
}

TEST_F(ActionQueueTest, ALeaderCannotTakeAlertsOutsideTheSubtreeInBulk) {
  const Response res =
      Post(As("leader-a"), "/api/v1/alerts/ack", {{"ids", {"alert-a", "alert-b"}}});
  ASSERT_EQ(res.status, 202) << res.body;
  const json answer = json::parse(res.body);
  ASSERT_EQ(answer["refused"].size(), 1u);
  EXPECT_EQ(answer["refused"][0]["id"], "alert-b");
  EXPECT_EQ(answer["refused"][0]["code"], "not_found") << "outside is as unknown";
  EXPECT_EQ(Stored("alert-b").state, core::AlertState::kOpen);
  EXPECT_EQ(Post(As("auditor"), "/api/v1/alerts/ack", {{"ids", {"alert-b"}}}).status, 403);
}

TEST_F(ActionQueueTest, ContactsOfASchoolForItsViewersOnly) {
  EXPECT_EQ(Get(As("duty"), "/api/v1/schools/b1/contacts").status, 200);
  EXPECT_EQ(commands_.back(), "contacts");
  EXPECT_EQ(Get(As("leader-a"), "/api/v1/schools/b1/contacts").status, 404);
  EXPECT_EQ(Get(As("leader-a"), "/api/v1/schools/a1/contacts").status, 200);
}

}  // namespace
}  // namespace pingan::console
