// pinganctl's command table: every HTTP route it names exists in the daemon's router
// with the same method, and requests are built as the routes read them.
#include "daemon/ctl/command_table.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "daemon/api/api_routes.h"
#include "daemon/ctl/output.h"
#include "tests/fakes/fake_clock.h"

namespace pingan::ctl {
namespace {

using nlohmann::json;

TEST(CommandTableTest, EveryHttpRouteOfTheTableExistsInTheApi) {
  pingan::testing::FakeClock clock(core::FromUnixMillis(1'780'000'000'000));
  console::AuthService auth(clock, {}, [](console::AuthService::Job) {});
  console::Router router(auth);
  api::ApiBackend backend;
  backend.in_subtree = [](const std::string&, const std::string&) { return true; };
  api::RegisterApiRoutes(router, auth, backend);
  int checked = 0;
  for (const CtlCommand& c : Commands()) {
    if (!c.http) continue;
    std::string path = c.http->path;
    for (size_t open; (open = path.find('{')) != std::string::npos;) {
      path.replace(open, path.find('}', open) - open + 1, "x");
    }
    bool found = false;
    for (const console::Route& r : router.routes()) {
      std::map<std::string, std::string> params;
      found =
          found || (r.method == c.http->method && console::MatchPattern(r.pattern, path, &params));
    }
    EXPECT_TRUE(found) << c.words << ": " << c.http->method << " " << c.http->path;
    ++checked;
  }
  EXPECT_GE(checked, 24);
}

TEST(CommandTableTest, WordsAndControlCommandsAreUnique) {
  std::set<std::string> words, controls;
  for (const CtlCommand& c : Commands()) {
    EXPECT_TRUE(words.insert(c.words).second) << c.words;
    EXPECT_TRUE(controls.insert(c.control).second) << c.control;
    EXPECT_FALSE(c.help.empty()) << c.words;
    EXPECT_EQ(FindCommand(c.control), &c);
  }
  EXPECT_EQ(FindCommand("nope"), nullptr);
}

HttpCall Build(const std::string& control, const json& args) {
  const CtlCommand* c = FindCommand(control);
  EXPECT_NE(c, nullptr) << control;
  auto built = BuildHttpCall(*c->http, args);
  EXPECT_TRUE(std::holds_alternative<HttpCall>(built)) << std::get<std::string>(built);
  return std::get<HttpCall>(built);
}

TEST(BuildHttpCallTest, GetsCarryTheArgumentsInTheQuery) {
  const HttpCall list = Build("alerts", {{"state", "open"}, {"school", "第一 小学"}, {"limit", 5}});
  EXPECT_EQ(list.method, "GET");
  EXPECT_EQ(list.target,
            "/api/v1/alerts?limit=5&school=%E7%AC%AC%E4%B8%80%20%E5%B0%8F%E5%AD%A6"
            "&state=open");
  EXPECT_TRUE(list.body.empty());
  EXPECT_EQ(Build("alert.show", {{"id", "a/1"}}).target, "/api/v1/alerts/a%2F1");
  EXPECT_EQ(Build("export.ledger", {{"from", "2026-10-01"}, {"to", "2026-10-07"}}).target,
            "/api/v1/export/ledger?from=2026-10-01&to=2026-10-07");
  EXPECT_EQ(FindCommand("export.ledger")->http->reply, Reply::kCsv);
}

TEST(BuildHttpCallTest, PostsSendTheRestAsJsonWithoutLocalOnlyArguments) {
  const HttpCall ack = Build("alert.ack", {{"id", "a1"}, {"comment", "on it"}, {"who", "wang"}});
  EXPECT_EQ(ack.method, "POST");
  EXPECT_EQ(ack.target, "/api/v1/alerts/a1/ack");
  EXPECT_EQ(ack.content_type, "application/json");
  EXPECT_EQ(json::parse(ack.body), (json{{"comment", "on it"}}));  // the token names who
  const HttpCall passwd = Build("users.passwd", {{"name", "wang"}, {"password", "secret pw"}});
  EXPECT_EQ(passwd.target, "/api/v1/users/wang/password");
  EXPECT_EQ(json::parse(passwd.body), (json{{"password", "secret pw"}}));
  EXPECT_EQ(Build("users.disable", {{"name", "wang"}}).body, "{}");
  const CtlCommand* revoke = FindCommand("keys.revoke");
  auto missing = BuildHttpCall(*revoke->http, json::object());
  ASSERT_TRUE(std::holds_alternative<std::string>(missing));
  EXPECT_NE(std::get<std::string>(missing).find("school"), std::string::npos);
}

TEST(BuildHttpCallTest, AnImportSendsTheCsvItselfAndTheDryRunInTheQuery) {
  const std::string csv = "id,name\nb2,乙二小学\n";
  const HttpCall dry =
      Build("schools.import", {{"csv", csv}, {"dry_run", true}, {"file", "x.csv"}});
  EXPECT_EQ(dry.target, "/api/v1/schools/import?dry_run=1");
  EXPECT_EQ(dry.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(dry.body, csv);
  EXPECT_EQ(Build("schools.import", {{"csv", csv}}).target, "/api/v1/schools/import");
}

TEST(ArgsFromTest, SendsOnlyWhatWasGiven) {
  CtlInputs in;
  in.text["state"] = "open";
  in.text["kind"] = "";
  in.limit = 7;
  EXPECT_EQ(ArgsFrom(in), (json{{"state", "open"}, {"limit", 7}}));
  in.dry_run = true;
  in.days = 3;
  EXPECT_EQ(ArgsFrom(in), (json{{"state", "open"}, {"limit", 7}, {"days", 3}, {"dry_run", true}}));
}

TEST(OutputTest, TablesAlignChineseTextByItsWidth) {
  EXPECT_EQ(DisplayWidth("甲一小学"), 8u);
  EXPECT_EQ(DisplayWidth("a1"), 2u);
  std::ostringstream out;
  PrintTable(
      out,
      json::array({json{{"id", "a1"}, {"name", "甲一小学"}}, json{{"id", "b22"}, {"name", "x"}}}),
      {"id", "name"});
  EXPECT_EQ(out.str(),
            "id   name      \n"
            "a1   甲一小学  \n"
            "b22  x         \n");
}

TEST(OutputTest, ImportProblemsAreListedWithTheirLines) {
  std::ostringstream out;
  PrintHuman(out, "schools.import",
             json{{"applied", false},
                  {"dry_run", false},
                  {"added", 0},
                  {"updated", 0},
                  {"unchanged", 0},
                  {"errors",
                   json::array({json{
                       {"line", 4}, {"column", "parent"}, {"message", "unknown parent 'x'"}}})}});
  EXPECT_NE(out.str().find("not applied"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("4     parent  unknown parent 'x'"), std::string::npos) << out.str();
}

TEST(OutputTest, AnObjectPrintsItsFieldsAndItsListsAsTables) {
  std::ostringstream out;
  PrintObject(out, json{{"report_id", "r1"},
                        {"case", {{"owner", "李"}}},
                        {"notes", json::array({json{{"at", "t1"}, {"text", "n1"}}})}});
  EXPECT_NE(out.str().find("report_id: r1\n"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("case.owner: 李\n"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("\nnotes\nat  text  \nt1  n1    \n"), std::string::npos) << out.str();
}

// The issue: `calendar show` printed JSON without --json. Human text by default, for
// it and for any command without its own layout.
TEST(OutputTest, CalendarShowAndEveryOtherAnswerPrintAsTextNotJson) {
  const json calendars = {
      {"time_zone", "Asia/Shanghai"},
      {"calendars", json::array({json{{"name", "holiday"},
                                      {"time_zone", "Asia/Shanghai"},
                                      {"scope", ""},
                                      {"periods", json::array({json{{"name", "国庆节"},
                                                                    {"kind", "public_holiday"},
                                                                    {"first", "2026-10-01"},
                                                                    {"last", "2026-10-07"},
                                                                    {"scope", ""}}})},
                                      {"adjusted_working_days", json::array({"2026-10-10"})}}})},
      {"requirements", json::array({json{{"id", "daily"},
                                         {"name", "每日报平安"},
                                         {"kind", "daily_all_clear"},
                                         {"scope", ""},
                                         {"grace", "30m"},
                                         {"disabled", false}}})}};
  std::ostringstream out;
  PrintHuman(out, "calendar.show", calendars);
  EXPECT_NE(out.str().find("calendar holiday (Asia/Shanghai)\n"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("国庆节"), std::string::npos);
  EXPECT_NE(out.str().find("2026-10-10"), std::string::npos);
  EXPECT_NE(out.str().find("daily  每日报平安"), std::string::npos) << out.str();
  for (const json& answer : {calendars, json{{"ok", true}}, json::array({json{{"a", 1}}})}) {
    for (const std::string control : {"calendar.show", "status", "no.such.layout"}) {
      if ((control == "calendar.show") != (answer.is_object() && answer.contains("calendars"))) {
        continue;
      }
      std::ostringstream text;
      PrintHuman(text, control, answer);
      EXPECT_FALSE(text.str().starts_with("{") || text.str().starts_with("["))
          << control << ": " << text.str();
    }
  }
}

// The routing the calendar page shows, in words with its zh-CN labels: who gets each
// requirement's reminder, the policies that may take its alerts with whom each step
// tells over what, and the leaders' fast path.
TEST(OutputTest, CalendarShowPrintsWhoIsToldInWords) {
  const json step1 = {{"wait", "0s"},
                      {"to", json::array({"school_duty", "school_on_duty"})},
                      {"channels", json::array({"sms", "email"})},
                      {"all_at_once", false}};
  const json step2 = {{"wait", "1h"},
                      {"to", json::array({"district_on_duty", "group:city-room", "unit:d1_leader",
                                          "person:值班大屏"})},
                      {"channels", json::array({"sms", "email", "webhook"})},
                      {"all_at_once", true}};
  const json calendars = {
      {"time_zone", "Asia/Shanghai"},
      {"calendars", json::array()},
      {"requirements",
       json::array(
           {json{{"id", "exam-night"},
                 {"name", "考试夜间平安报"},
                 {"reminder",
                  {{"before", "2h"},
                   {"to", json::array({"school_primary"})},
                   {"channels", json::array({"sms"})},
                   {"all_at_once", false},
                   {"default", false}}},
                 {"escalation", json::array({json{{"alert_kind", "missing"},
                                                  {"policy", "exam"},
                                                  {"periods", json::array({"major_event", "考试"})},
                                                  {"steps", json::array({step1, step2})}}})}},
            json{{"id", "orphan"},
                 {"name", "无人管"},
                 {"reminder", nullptr},
                 {"escalation", json::array()}},
            json{{"id", "incidents"},
                 {"name", "突发事件"},
                 {"reminder", nullptr},
                 {"escalation", nullptr}}})},
      {"leaders",
       {{"enabled", true},
        {"max_severity", "II"},
        {"lowest_unit", "district"},
        {"roles", json::array({"supervising_leader", "primary_accountable"})},
        {"channels", json::array({"sms", "email"})},
        {"all_at_once", true}}}};
  std::ostringstream out;
  PrintHuman(out, "calendar.show", calendars);
  const std::string text = out.str();
  const std::string want = R"(
升级策略 (谁被通知)
考试夜间平安报 (exam-night)
  截止前提醒: 截止前 2h: 本校第一责任人 (短信)
  漏报 · exam [重大活动期间, 考试]
    1. +0s 本校值班联系人、本校值班人员 (短信 → 邮件)
    2. +1h 区县值班人员、群组 city-room、d1分管领导、值班大屏 (短信 + 邮件 + 推送 同时发送)
无人管 (orphan)
  没有匹配的升级策略
重大突发事件直报领导: II 重大 及以上级别, 区县及以上单位的分管领导、第一责任人 (短信 + 邮件 同时发送)
)";
  EXPECT_NE(text.find(want), std::string::npos) << text;
  EXPECT_EQ(text.find("突发事件 (incidents)"), std::string::npos) << "nothing to say about it";
  json off = calendars;
  off["leaders"]["enabled"] = false;
  std::ostringstream disabled;
  PrintHuman(disabled, "calendar.show", off);
  EXPECT_NE(disabled.str().find("重大突发事件直报领导: 未启用\n"), std::string::npos)
      << disabled.str();
  // Without an escalation file there is no routing to print.
  json none = calendars;
  none["leaders"] = nullptr;
  for (json& r : none["requirements"]) {
    r["escalation"] = nullptr;
    r["reminder"] = nullptr;
  }
  std::ostringstream bare;
  PrintHuman(bare, "calendar.show", none);
  EXPECT_EQ(bare.str().find("升级策略"), std::string::npos) << bare.str();
}

}  // namespace
}  // namespace pingan::ctl
