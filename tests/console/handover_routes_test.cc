// The hand-over sign-off routes (交接班) over the ApiFixture, answered by the real
// HandoverService and written by a real StoreWriter: the outgoing officer signs with a
// note, someone else acknowledges it once, both are audited (without the note), and bad
// requests are refused with nothing stored.
#include <gtest/gtest.h>

#include "daemon/store/handover_repository.h"
#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class HandoverRoutesTest : public ApiFixture {
 protected:
  json List(const Session& s) {
    const Response res = Get(s, "/api/v1/handovers");
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body);
  }
};

TEST_F(HandoverRoutesTest, TheOutgoingOfficerSignsAndTheIncomingOneAcknowledges) {
  const Session duty = As("duty");
  const Response signed_off =
      Post(duty, "/api/v1/handovers", {{"note", "  a1 还未报平安，已电话  "}});
  ASSERT_EQ(signed_off.status, 202) << signed_off.body;
  const json h = json::parse(signed_off.body);
  EXPECT_EQ(h["note"], "a1 还未报平安，已电话") << "trimmed";
  EXPECT_EQ(h["signed_by"], "duty");
  EXPECT_EQ(h["signed_at"], core::FormatInstantUtc(clock_.Now()));
  EXPECT_TRUE(h["acked_by"].is_null());
  const std::string id = h["id"];

  EXPECT_EQ(Post(duty, "/api/v1/handovers/" + id + "/ack", json::object()).status, 409)
      << "the signer does not acknowledge their own hand-over";
  clock_.Advance(10min);
  const Session next = As("admin");
  const Response acked = Post(next, "/api/v1/handovers/" + id + "/ack", json::object());
  ASSERT_EQ(acked.status, 202) << acked.body;
  EXPECT_EQ(json::parse(acked.body)["acked_by"], "admin");
  EXPECT_EQ(Post(next, "/api/v1/handovers/" + id + "/ack", json::object()).status, 409);
  EXPECT_EQ(Post(next, "/api/v1/handovers/nope/ack", json::object()).status, 404);

  const json listed = List(As("auditor"));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["acked_by"], "admin");
  EXPECT_EQ(listed[0]["acked_at"], core::FormatInstantUtc(clock_.Now()));
  const auto entries = store::RecentAudit(*db_, 100);
  int sign = 0;
  int ack = 0;
  for (const auto& e : entries) {
    if (e.action == "handover.sign") sign += e.actor == "user:duty" && e.object == id;
    if (e.action == "handover.ack") ack += e.actor == "user:admin" && e.object == id;
    EXPECT_EQ(e.detail.find("已电话"), std::string::npos) << "the note stays out of the log";
  }
  EXPECT_EQ(sign, 1);
  EXPECT_EQ(ack, 1);
}

// The note may name people: read as incident text is. Roles that may not read protected
// text (auditors) and leaders (scoped to a subtree) see the sign-off without it; a list
// that carries notes is audited, naming the hand-overs and never their text.
TEST_F(HandoverRoutesTest, TheNoteIsReadAsIncidentTextIs) {
  const Response signed_off = Post(As("duty"), "/api/v1/handovers", {{"note", "张校长电话未通"}});
  ASSERT_EQ(signed_off.status, 202) << signed_off.body;
  const std::string id = json::parse(signed_off.body)["id"];
  auto reads = [&] {
    int n = 0;
    for (const auto& e : store::RecentAudit(*db_, 100)) {
      if (e.action != "handover.note.read") continue;
      EXPECT_EQ(e.detail, id);
      ++n;
    }
    return n;
  };
  for (const char* user : {"auditor", "leader-a"}) {
    const json listed = List(As(user));
    ASSERT_EQ(listed.size(), 1u) << user;
    EXPECT_TRUE(listed[0]["note"].is_null()) << user;
    EXPECT_EQ(listed[0]["signed_by"], "duty") << user;
  }
  EXPECT_EQ(reads(), 0) << "nothing protected was read";
  const Response acked = Post(As("leader-a"), "/api/v1/handovers/" + id + "/ack", json::object());
  ASSERT_EQ(acked.status, 202) << acked.body;
  EXPECT_TRUE(json::parse(acked.body)["note"].is_null());

  EXPECT_EQ(List(As("admin"))[0]["note"], "张校长电话未通");
  EXPECT_EQ(reads(), 1);
}

TEST_F(HandoverRoutesTest, NewestFirstAndOnlyRolesThatActMaySign) {
  ASSERT_EQ(Post(As("duty"), "/api/v1/handovers", {{"note", "first"}}).status, 202);
  clock_.Advance(8h);  // the next shift, signed in afresh
  const Session duty = As("duty");
  ASSERT_EQ(Post(duty, "/api/v1/handovers", {{"note", "second"}}).status, 202);
  const json listed = List(duty);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["note"], "second");
  for (const char* user : {"auditor", "wall"}) {
    EXPECT_EQ(Post(As(user), "/api/v1/handovers", {{"note", "x"}}).status, 403) << user;
    EXPECT_EQ(Post(As(user), "/api/v1/handovers/" + listed[0]["id"].get<std::string>() + "/ack",
                   json::object())
                  .status,
              403)
        << user;
  }
  EXPECT_EQ(Get(As("wall"), "/api/v1/handovers").status, 403);
}

TEST_F(HandoverRoutesTest, ABadNoteIsRefusedAndNothingIsStored) {
  const Session duty = As("duty");
  EXPECT_EQ(Post(duty, "/api/v1/handovers", json::object()).status, 400);
  EXPECT_EQ(Post(duty, "/api/v1/handovers", {{"note", "   "}}).status, 400);
  EXPECT_EQ(Post(duty, "/api/v1/handovers", {{"note", std::string(4001, 'x')}}).status, 400);
  const Response bad_utf8 = router_.Handle(WithSession(
      Make("POST", "/api/v1/handovers", "{\"note\": \"\xff\xfe\"}"), duty.cookie, duty.csrf));
  EXPECT_EQ(bad_utf8.status, 400) << bad_utf8.body;
  EXPECT_TRUE(store::HandoverRepository(*db_).List(10).empty());
  EXPECT_TRUE(List(duty).empty());
}

}  // namespace
}  // namespace pingan::console
