// The incident case routes over the ApiFixture's users and stored reports (report-a at
// school a1 in district A, report-b at b1 in district B), answered by the real
// IncidentService and written by a real StoreWriter: who may act, who sees free text,
// and that a leader reaches nothing outside the subtree.
#include <gtest/gtest.h>

#include <future>

#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;

class IncidentRoutesTest : public ApiFixture {
 protected:
  json Show(const Session& s, const std::string& id) {
    const Response res = Get(s, "/api/v1/incidents/" + id);
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body);
  }
};

TEST_F(IncidentRoutesTest, DutyOfficerAssignsNotesAndCloses) {
  const Session duty = As("duty");
  const Response assigned = Post(duty, "/api/v1/incidents/report-a/assign",
                                 {{"owner", "张局"}, {"owner_role", "分管副局长"}});
  ASSERT_EQ(assigned.status, 202) << assigned.body;
  EXPECT_EQ(json::parse(assigned.body)["accepted"], true);
  ASSERT_EQ(Post(duty, "/api/v1/incidents/report-a/notes", {{"text", "已到现场"}}).status, 202);
  json shown = Show(duty, "report-a");
  EXPECT_EQ(shown["case"]["owner"], "张局");
  EXPECT_EQ(shown["case"]["assigned_by"], "duty");
  EXPECT_EQ(shown["notes"][0]["text"], "已到现场");
  EXPECT_EQ(shown["notes"][0]["author"], "duty");
  EXPECT_EQ(shown["summary"], "protected text of report-a");

  const Response closed = Post(duty, "/api/v1/incidents/report-a/close",
                               {{"outcome", "handled"}, {"comment", "已办结"}});
  ASSERT_EQ(closed.status, 202) << closed.body;
  shown = Show(duty, "report-a");
  EXPECT_EQ(shown["case"]["state"], "closed");
  EXPECT_EQ(shown["case"]["outcome"], "handled");
  EXPECT_EQ(shown["notes"][1]["kind"], "closure");
  EXPECT_EQ(Post(duty, "/api/v1/incidents/report-a/notes", {{"text", "x"}}).status, 409);
  EXPECT_EQ(Post(duty, "/api/v1/incidents/report-a/assign", {{"owner", "x"}}).status, 409);
  EXPECT_EQ(changed_, (std::vector<std::string>{"report-a", "report-a", "report-a"}))
      << "one live update per accepted change, none for refused ones";
  const auto actions = AuditActions();
  for (const char* want :
       {"incident.assign", "incident.note", "incident.close", "incident.text.read"}) {
    EXPECT_NE(std::find(actions.begin(), actions.end(), want), actions.end()) << want;
  }
  const json closed_list = json::parse(Get(duty, "/api/v1/incidents?state=closed").body);
  ASSERT_EQ(closed_list.size(), 1u);
  EXPECT_EQ(closed_list[0]["report_id"], "report-a");
  EXPECT_EQ(closed_list[0]["case"]["owner"], "张局");
}

TEST_F(IncidentRoutesTest, AuditorSeesTheCaseButNeitherTextNorActions) {
  const Session duty = As("duty");
  Post(duty, "/api/v1/incidents/report-a/assign", {{"owner", "张局"}});
  Post(duty, "/api/v1/incidents/report-a/notes", {{"text", "点名的笔记"}});
  const Session auditor = As("auditor");
  const auto before = AuditActions();
  const auto reads_before = std::count(before.begin(), before.end(), "incident.text.read");
  const json shown = Show(auditor, "report-a");
  EXPECT_EQ(shown["case"]["owner"], "张局");
  ASSERT_EQ(shown["notes"].size(), 1u);
  EXPECT_TRUE(shown["notes"][0]["text"].is_null());
  EXPECT_FALSE(shown.contains("summary"));
  EXPECT_EQ(shown.dump().find("点名"), std::string::npos);
  EXPECT_EQ(shown.dump().find("protected text"), std::string::npos);
  const auto after = AuditActions();
  EXPECT_EQ(std::count(after.begin(), after.end(), "incident.text.read"), reads_before)
      << "nothing protected was read";
  for (const char* action : {"assign", "notes", "close"}) {
    const Response res = Post(auditor, std::string("/api/v1/incidents/report-a/") + action,
                              {{"owner", "x"}, {"text", "x"}, {"outcome", "handled"}});
    EXPECT_EQ(res.status, 403) << action;
  }
  const json list = json::parse(Get(auditor, "/api/v1/incidents").body);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list.dump().find("protected text"), std::string::npos);
  EXPECT_EQ(Show(auditor, "report-a")["case"]["state"], "open") << "the auditor changed nothing";
}

TEST_F(IncidentRoutesTest, LeaderActsOnlyInsideTheSubtree) {
  const Session leader = As("leader-a");
  for (const char* action : {"assign", "notes", "close"}) {
    const Response res = Post(leader, std::string("/api/v1/incidents/report-b/") + action,
                              {{"owner", "x"}, {"text", "x"}, {"outcome", "handled"}});
    EXPECT_EQ(res.status, 404) << action;
  }
  EXPECT_EQ(Get(leader, "/api/v1/incidents/report-b").status, 404);
  EXPECT_TRUE(changed_.empty());
  const Session duty = As("duty");
  json b = Show(duty, "report-b");
  EXPECT_TRUE(b["case"].is_null()) << "nothing reached report-b";
  EXPECT_TRUE(b["notes"].empty());

  ASSERT_EQ(Post(leader, "/api/v1/incidents/report-a/assign", {{"owner", "本人"}}).status, 202);
  const json a = Show(leader, "report-a");
  EXPECT_EQ(a["case"]["owner"], "本人");
  EXPECT_EQ(a["summary"], "protected text of report-a") << "leaders read text in their subtree";
  const json list = json::parse(Get(leader, "/api/v1/incidents").body);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["school_id"], "a1");
}

TEST_F(IncidentRoutesTest, BadRequestsAreRefusedBeforeAnythingIsWritten) {
  const Session duty = As("duty");
  EXPECT_EQ(Post(duty, "/api/v1/incidents/report-a/assign", {{"owner_role", "x"}}).status, 400);
  EXPECT_EQ(
      Post(duty, "/api/v1/incidents/report-a/assign", {{"owner", "x"}, {"owner_role", 5}}).status,
      400);
  EXPECT_EQ(Post(duty, "/api/v1/incidents/report-a/close", {{"outcome", "resolved"}}).status, 400);
  EXPECT_EQ(
      Post(duty, "/api/v1/incidents/report-a/notes", {{"text", std::string(4001, 'x')}}).status,
      400);
  EXPECT_EQ(Post(duty, "/api/v1/incidents/nope/notes", {{"text", "x"}}).status, 404);
  EXPECT_EQ(Get(duty, "/api/v1/incidents?state=bogus").status, 400);
  EXPECT_TRUE(changed_.empty());
  EXPECT_TRUE(Show(duty, "report-a")["notes"].empty());
}

}  // namespace
}  // namespace pingan::console
