// The board and its drill-down answer from a cache (the fake board answers
// differently each run: its incidents count the runs, so a served copy is visible) while the
// daemon's data version is unchanged: a repeated request does not reach the backend, a new version
// does, the key holds the query and the viewer (leaders of different scopes, and leaders and duty
// officers, never share an answer), failures are not kept; and AnswerCache's bounds.
#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/console/answer_cache.h"
#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;

class BoardCacheTest : public ApiFixture {
 protected:
  Response Get(const std::string& target, const std::string& cookie) {
    return router_.Handle(WithSession(Make("GET", target), cookie));
  }
  json GetJson(const std::string& target, const std::string& cookie) {
    const Response res = Get(target, cookie);
    EXPECT_EQ(res.status, 200) << target << " " << res.body;
    return json::parse(res.body, nullptr, false);
  }
  long Asked(const std::string& command) const {
    return std::count(commands_.begin(), commands_.end(), command);
  }
  // School ids of a drill-down answer.
  static std::vector<std::string> Schools(const json& list) {
    std::vector<std::string> out;
    for (const json& item : list) out.push_back(item.value("school_id", ""));
    return out;
  }
};

TEST_F(BoardCacheTest, ASecondIdenticalRequestDoesNotReachTheBackend) {
  const std::string duty = Login("duty");
  const json first = GetJson("/api/v1/board?date=2026-10-03", duty);
  const json again = GetJson("/api/v1/board?date=2026-10-03", duty);
  EXPECT_EQ(Asked("board"), 1);
  EXPECT_EQ(again, first);
  GetJson("/api/v1/board/schools?window=2026-10-03", duty);
  GetJson("/api/v1/board/schools?window=2026-10-03", duty);
  EXPECT_EQ(Asked("board.schools"), 1);
  // Another session of another user with the same view shares the answer.
  EXPECT_EQ(GetJson("/api/v1/board?date=2026-10-03", Login("auditor")), first);
  EXPECT_EQ(Asked("board"), 1);
}

TEST_F(BoardCacheTest, ANewDataVersionReachesTheBackendAgain) {
  const std::string duty = Login("duty");
  const json before = GetJson("/api/v1/board", duty);
  ++data_version_;  // an event was published: the counts may have changed
  const json after = GetJson("/api/v1/board", duty);
  EXPECT_EQ(Asked("board"), 2);
  EXPECT_NE(after["incidents"], before["incidents"]);
  EXPECT_EQ(GetJson("/api/v1/board", duty), after) << "kept again under the new version";
  EXPECT_EQ(Asked("board"), 2);
}

TEST_F(BoardCacheTest, EachQueryHasItsOwnEntry) {
  const std::string duty = Login("duty");
  const json day3 = GetJson("/api/v1/board?date=2026-10-03", duty);
  const json day4 = GetJson("/api/v1/board?date=2026-10-04", duty);
  const json unit = GetJson("/api/v1/board?date=2026-10-03&unit=district-b", duty);
  EXPECT_EQ(Asked("board"), 3);
  EXPECT_EQ(day4["date"], "2026-10-04");
  EXPECT_EQ(unit["unit"]["id"], "district-b");
  EXPECT_EQ(GetJson("/api/v1/board?date=2026-10-03", duty), day3);
  GetJson("/api/v1/board/schools?window=2026-10-03&status=missing", duty);
  GetJson("/api/v1/board/schools?window=2026-10-03&status=late", duty);
  EXPECT_EQ(Asked("board.schools"), 2);
}

TEST_F(BoardCacheTest, LeadersOfDifferentScopesNeverShareAnEntry) {
  ASSERT_EQ(auth_.AddUser("leader-city", "leader", "city", kPassword), std::nullopt);
  parent_["district-a"] = parent_["district-b"] = "city";
  // The same command arguments ({unit: district-a}) for all three viewers; the fake
  // drill-down lists a1 and b1 whatever it is asked, so only the route's scoping keeps
  // b1 from district A's leader.
  const std::string target = "/api/v1/board/schools?window=2026-10-03&unit=district-a";
  const std::string duty = Login("duty");
  const std::string city = Login("leader-city");
  const std::string leader_a = Login("leader-a");
  EXPECT_EQ(Schools(GetJson(target, duty)), (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(Schools(GetJson(target, city)), (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(Schools(GetJson(target, leader_a)), std::vector<std::string>{"a1"});
  EXPECT_EQ(Schools(GetJson("/api/v1/board/schools?window=2026-10-03", leader_a)),
            std::vector<std::string>{"a1"})
      << "the default unit (the scope) makes the same arguments";
  EXPECT_EQ(Asked("board.schools"), 3) << "one per viewer, none shared";
  GetJson("/api/v1/board?unit=district-a", city);
  GetJson("/api/v1/board?unit=district-a", leader_a);
  EXPECT_EQ(Asked("board"), 2);
}

TEST_F(BoardCacheTest, FailuresAreNotKept) {
  bool fail = true;
  custom_command_ = [&fail](const std::string& command, const json&) -> std::optional<json> {
    if (command == "board" && fail) throw ApiError(503, "no_schedule", "no organisation");
    return std::nullopt;
  };
  const std::string duty = Login("duty");
  EXPECT_EQ(Get("/api/v1/board", duty).status, 503);
  fail = false;
  EXPECT_EQ(Get("/api/v1/board", duty).status, 200);
  EXPECT_EQ(Asked("board"), 2);
  // A leader outside their scope is refused before the cache is asked.
  EXPECT_EQ(Get("/api/v1/board?unit=district-b", Login("leader-a")).status, 404);
}

Response Answer(const std::string& body) {
  return JsonResponse(200, json{{"body", body}});
}

TEST(AnswerCacheTest, KeepsAnswersOfTheCurrentVersionOnly) {
  AnswerCache cache(8, 1 << 20);
  EXPECT_FALSE(cache.Find("k", 1));
  cache.Put("k", 1, Answer("one"));
  ASSERT_TRUE(cache.Find("k", 1));
  EXPECT_EQ(cache.Find("k", 1)->body, Answer("one").body);
  EXPECT_FALSE(cache.Find("k", 2)) << "a new version empties the cache";
  EXPECT_EQ(cache.size(), 0u);
  cache.Put("k", 1, Answer("stale"));  // computed under the old version
  EXPECT_FALSE(cache.Find("k", 2));
  EXPECT_EQ(cache.hits(), 2u);
}

TEST(AnswerCacheTest, StopsKeepingWhenFullUntilTheVersionMoves) {
  const size_t one = std::string("k0").size() + Answer("x").body.size();
  AnswerCache by_count(2, 1 << 20);
  AnswerCache by_bytes(100, 2 * one);
  for (AnswerCache* cache : {&by_count, &by_bytes}) {
    for (const char* key : {"k0", "k1", "k2"}) {
      cache->Find(key, 1);
      cache->Put(key, 1, Answer("x"));
    }
    EXPECT_EQ(cache->size(), 2u);
    EXPECT_TRUE(cache->Find("k0", 1));
    EXPECT_FALSE(cache->Find("k2", 1));
    cache->Find("k2", 2);
    cache->Put("k2", 2, Answer("x"));
    EXPECT_TRUE(cache->Find("k2", 2)) << "room again after the version moved";
  }
}

}  // namespace
}  // namespace pingan::console
