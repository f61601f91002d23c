// The incident case commands and the typed IncidentService under them, over a real
// database and StoreWriter: what they answer at once, what the writer then stores, and
// the audit entries it writes (never free text).
#include "daemon/services/incident_commands.h"

#include <gtest/gtest.h>

#include <future>

#include "daemon/core/alert.h"
#include "daemon/services/incident_json.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/report_repository.h"
#include "tests/fakes/drain_writer.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"
#include "tests/services/alert_fixture.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::At;

constexpr core::Millis kRetention = 24h * 30;
constexpr const char* kSummary = "午餐后多名学生腹痛";

class IncidentCommandsTest : public ::testing::Test {
 protected:
  IncidentCommandsTest() : clock_(At(1, 10, 30)), server_(io_, zmq_) {
    store::StoreWriterOptions options;
    options.database_path = dir_.File("pingan.db");
    options.text_retention = kRetention;
    writer_ = std::make_unique<store::StoreWriter>(options, [](auto) {});
    schedules_.Set(testing::MakeDistrict(3));
    {
      store::Database db(options.database_path);
      Store(db, "inc-1", "s01", At(1, 9), core::ReportKind::kIncident);
      Store(db, "inc-2", "s02", At(1, 10), core::ReportKind::kIncident);
      Store(db, "calm", "s01", At(1, 10), core::ReportKind::kAllClear);
      const auto stored = store::ReportRepository(db, kRetention).Find("inc-2");
      auto alert = core::NewIncidentAlert("alert-2", stored->report, At(1, 10));
      store::AlertRepository(db).Insert(std::get<core::Alert>(alert));
    }
    service_ = std::make_unique<IncidentService>(
        IncidentServiceContext{clock_, options.database_path, *writer_, schedules_, kRetention});
    RegisterIncidentCommands(server_, *service_);
  }
  ~IncidentCommandsTest() override { writer_->Stop(); }

  static void Store(store::Database& db, const std::string& id, const std::string& school,
                    core::Instant received, core::ReportKind kind) {
    core::Report r;
    r.report_id = id;
    r.school_id = school;
    r.kind = kind;
    r.covers = date::year{2026} / 10 / 1;
    r.agent_time = received;
    if (kind == core::ReportKind::kIncident) {
      r.incident = core::Incident{core::IncidentCategory::kFoodSafety,
                                  core::Severity::kII,
                                  received - 1h,
                                  kSummary,
                                  12,
                                  0,
                                  0,
                                  true};
    }
    store::ReportRepository(db, kRetention).Insert({r, received});
  }

  json Call(const std::string& command, const json& args) {
    return server_.Dispatch(json{{"command", command}, {"args", args}}.dump());
  }
  json Ok(const std::string& command, const json& args) {
    const json answer = Call(command, args);
    EXPECT_TRUE(answer.value("ok", false)) << command << " " << answer.dump();
    return answer.value("result", json());
  }
  std::string ErrorCode(const std::string& command, const json& args) {
    const json answer = Call(command, args);
    EXPECT_FALSE(answer.value("ok", true)) << answer.dump();
    return answer["error"].value("code", "");
  }
  // Waits until the writer ran everything posted so far.
  void Flush() { pingan::testing::DrainWriter(*writer_); }
  std::vector<store::AuditEntry> Audit() {
    store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
    return store::RecentAudit(db, 100);
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  boost::asio::io_context io_;
  zmq::context_t zmq_;
  ControlServer server_;
  std::unique_ptr<store::StoreWriter> writer_;
  config::ScheduleSource schedules_;
  std::unique_ptr<IncidentService> service_;
};

TEST_F(IncidentCommandsTest, ListsIncidentFactsNewestFirstWithoutText) {
  const json all = Ok("incidents", json::object());
  ASSERT_EQ(all.size(), 2u) << "the all-clear is no incident";
  EXPECT_EQ(all[0]["report_id"], "inc-2");
  EXPECT_EQ(all[0]["school_name"], "第2小学");
  EXPECT_EQ(all[0]["alert_id"], "alert-2");
  EXPECT_EQ(all[0]["category"], "food_safety");
  EXPECT_EQ(all[0]["severity"], "II");
  EXPECT_EQ(all[0]["injured"], 12);
  EXPECT_EQ(all[0]["needs_leader_attention"], true);
  EXPECT_EQ(all[0]["received_at"], core::FormatInstantUtc(At(1, 10)));
  EXPECT_TRUE(all[0]["case"].is_null());
  EXPECT_TRUE(all[1]["alert_id"].is_null());
  EXPECT_EQ(all.dump().find(kSummary), std::string::npos);
  EXPECT_EQ(Ok("incidents", {{"school", "s01"}}).size(), 1u);
  EXPECT_EQ(Ok("incidents", {{"state", "closed"}}).size(), 0u);
  EXPECT_EQ(Ok("incidents", {{"state", "open"}, {"limit", 1}}).size(), 1u);
  EXPECT_EQ(ErrorCode("incidents", {{"state", "resolved"}}), "bad_request");
  EXPECT_EQ(ErrorCode("incidents", {{"limit", 0}}), "bad_request");
}

TEST_F(IncidentCommandsTest, AssignIsWrittenByTheWriterWithAnAuditEntry) {
  const json done =
      Ok("incident.assign",
         {{"id", "inc-1"}, {"owner", " 张局 "}, {"owner_role", "分管副局长"}, {"who", "duty"}});
  EXPECT_EQ(done["accepted"], true);
  EXPECT_EQ(done["owner"], "张局") << "trimmed";
  Flush();
  const json shown = Ok("incident.show", {{"id", "inc-1"}});
  EXPECT_EQ(shown["case"]["owner"], "张局");
  EXPECT_EQ(shown["case"]["owner_role"], "分管副局长");
  EXPECT_EQ(shown["case"]["state"], "open");
  EXPECT_EQ(shown["case"]["assigned_by"], "duty");
  EXPECT_EQ(shown["case"]["assigned_at"], core::FormatInstantUtc(At(1, 10, 30)));
  Ok("incident.assign", {{"id", "inc-1"}, {"owner", "李科长"}, {"who", "admin"}});
  Flush();
  const json again = Ok("incident.show", {{"id", "inc-1"}});
  EXPECT_EQ(again["case"]["owner"], "李科长");
  EXPECT_TRUE(again["case"]["owner_role"].is_null());
  ASSERT_EQ(again["case"]["assignments"].size(), 2u);
  EXPECT_EQ(again["case"]["assignments"][0]["owner"], "张局");
  EXPECT_EQ(Ok("incidents", json::object())[1]["case"]["owner"], "李科长");
  const auto audit = Audit();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].action, "incident.assign");
  EXPECT_EQ(audit[1].actor, "user:duty");
  EXPECT_EQ(audit[1].object, "inc-1");
  EXPECT_EQ(audit[1].detail, "张局 (分管副局长)");
}

TEST_F(IncidentCommandsTest, NoteTextOnlyWithTextAndNeverInTheAuditLog) {
  Ok("incident.note", {{"id", "inc-2"}, {"text", "已电话联系校长"}, {"who", "duty"}});
  Ok("incident.note", {{"id", "inc-2"}, {"text", "家长已通知"}, {"who", "leader"}});
  Flush();
  const json plain = Ok("incident.show", {{"id", "inc-2"}, {"with_text", false}});
  ASSERT_EQ(plain["notes"].size(), 2u);
  EXPECT_EQ(plain["notes"][0]["author"], "duty");
  EXPECT_EQ(plain["notes"][0]["kind"], "note");
  EXPECT_TRUE(plain["notes"][0]["text"].is_null());
  EXPECT_FALSE(plain.contains("summary"));
  EXPECT_TRUE(plain["case"].is_null()) << "notes alone name no owner";
  EXPECT_EQ(plain.dump().find("已电话"), std::string::npos);
  EXPECT_EQ(plain.dump().find(kSummary), std::string::npos);

  const json full = Ok("incident.show", {{"id", "inc-2"}, {"with_text", true}});
  EXPECT_EQ(full["notes"][0]["text"], "已电话联系校长");
  EXPECT_EQ(full["notes"][1]["text"], "家长已通知");
  EXPECT_EQ(full["summary"], kSummary);
  for (const auto& e : Audit()) {
    EXPECT_EQ(e.action, "incident.note");
    EXPECT_EQ(e.detail, "");
  }
  EXPECT_EQ(ErrorCode("incident.show", {{"id", "inc-2"}, {"with_text", "yes"}}), "bad_request");
}

TEST_F(IncidentCommandsTest, CloseRecordsOutcomeAndRefusesLaterChanges) {
  EXPECT_EQ(ErrorCode("incident.close", {{"id", "inc-1"}, {"outcome", "resolved"}, {"who", "d"}}),
            "bad_request");
  // Hold the writer so that both closes below are accepted before it runs either.
  std::promise<void> held;
  std::promise<void> release;
  writer_->Post([&held, f = release.get_future().share()](store::Database&) {
    held.set_value();
    f.wait();
  });
  held.get_future().wait();
  const json closed = Ok("incident.close", {{"id", "inc-1"},
                                            {"outcome", "false_report"},
                                            {"who", "duty"},
                                            {"comment", "学校核实为误报"}});
  EXPECT_EQ(closed["state"], "closed");
  // Accepted before the writer ran: the writer checks again and applies only the first.
  Ok("incident.close", {{"id", "inc-1"}, {"outcome", "handled"}, {"who", "other"}});
  release.set_value();
  Flush();
  const json shown = Ok("incident.show", {{"id", "inc-1"}, {"with_text", true}});
  EXPECT_EQ(shown["case"]["state"], "closed");
  EXPECT_EQ(shown["case"]["outcome"], "false_report");
  EXPECT_EQ(shown["case"]["closed_by"], "duty");
  EXPECT_TRUE(shown["case"]["owner"].is_null());
  ASSERT_EQ(shown["notes"].size(), 1u);
  EXPECT_EQ(shown["notes"][0]["kind"], "closure");
  EXPECT_EQ(shown["notes"][0]["text"], "学校核实为误报");
  const auto audit = Audit();
  ASSERT_EQ(audit.size(), 1u) << "the second close was not applied";
  EXPECT_EQ(audit[0].action, "incident.close");
  EXPECT_EQ(audit[0].detail, "false_report");

  EXPECT_EQ(ErrorCode("incident.assign", {{"id", "inc-1"}, {"owner", "x"}, {"who", "d"}}),
            "refused");
  EXPECT_EQ(ErrorCode("incident.note", {{"id", "inc-1"}, {"text", "x"}, {"who", "d"}}), "refused");
  EXPECT_EQ(ErrorCode("incident.close", {{"id", "inc-1"}, {"outcome", "handled"}, {"who", "d"}}),
            "refused");
  EXPECT_EQ(Ok("incidents", {{"state", "closed"}}).size(), 1u);
  EXPECT_EQ(Ok("incidents", {{"state", "open"}})[0]["report_id"], "inc-2");
}

TEST_F(IncidentCommandsTest, RefusesUnknownReportsAndBadText) {
  for (const char* id : {"nope", "calm"}) {
    EXPECT_EQ(ErrorCode("incident.show", {{"id", id}}), "not_found");
    EXPECT_EQ(ErrorCode("incident.assign", {{"id", id}, {"owner", "x"}, {"who", "d"}}),
              "not_found");
    EXPECT_EQ(ErrorCode("incident.note", {{"id", id}, {"text", "x"}, {"who", "d"}}), "not_found");
    EXPECT_EQ(ErrorCode("incident.close", {{"id", id}, {"outcome", "handled"}, {"who", "d"}}),
              "not_found");
  }
  EXPECT_EQ(ErrorCode("incident.assign", {{"id", "inc-1"}, {"owner", "  "}, {"who", "d"}}),
            "bad_request");
  EXPECT_EQ(ErrorCode("incident.assign", {{"id", "inc-1"}, {"owner", "x"}}), "bad_request");
  EXPECT_EQ(ErrorCode("incident.note", {{"id", "inc-1"}, {"text", "\n"}, {"who", "d"}}),
            "bad_request");
  EXPECT_EQ(ErrorCode("incident.note", {{"id", "inc-1"}, {"text", 7}, {"who", "d"}}),
            "bad_request");
  // 4000 bytes of UTF-8 are fine, one more byte is not.
  std::string longest;
  while (longest.size() + 3 <= kMaxNoteBytes) longest += "安";
  longest.append(kMaxNoteBytes - longest.size(), 'a');
  Ok("incident.note", {{"id", "inc-1"}, {"text", longest}, {"who", "d"}});
  const json too_long =
      Call("incident.note", {{"id", "inc-1"}, {"text", longest + "a"}, {"who", "d"}});
  EXPECT_EQ(too_long["error"]["code"], "bad_request");
  EXPECT_EQ(too_long.dump().find("安"), std::string::npos) << "errors never quote the text";
  Flush();
  EXPECT_EQ(Audit().size(), 1u) << "only the valid note was written";
}

// The typed service under the commands: typed filters, the detail with and without
// text, the accepted (trimmed) requests, and the event view built from a typed row.
TEST_F(IncidentCommandsTest, TheTypedServiceListsFindsAndShows) {
  EXPECT_EQ(service_->List({}).size(), 2u);
  IncidentQuery one = ParseIncidentQuery("open");
  one.school_id = "s02";
  const auto found = service_->List(one);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].alert_id, "alert-2");
  EXPECT_EQ(found[0].report.report.incident->summary, "") << "rows carry no text";
  EXPECT_EQ(ControlErrorOf([] { ParseIncidentQuery("resolved"); }), "bad_request");
  EXPECT_EQ(ControlErrorOf([] { ParseCloseOutcome("maybe"); }), "bad_request");
  EXPECT_EQ(service_->FindMany({"inc-1", "calm", "nope", "inc-2"}).size(), 2u);
  EXPECT_EQ(ControlErrorOf([this] { service_->Find("calm"); }), "not_found");

  service_->AddNote({"inc-1", "duty", "已到现场"});
  Flush();
  const IncidentDetail plain = service_->Show("inc-1", false);
  ASSERT_EQ(plain.notes.size(), 1u);
  EXPECT_FALSE(plain.notes[0].text.has_value());
  EXPECT_FALSE(plain.summary.has_value());
  const IncidentDetail full = service_->Show("inc-1", true);
  EXPECT_EQ(full.notes[0].text, "已到现场");
  EXPECT_EQ(full.summary, kSummary);
}

TEST_F(IncidentCommandsTest, TheTypedServiceAnswersTheAcceptedRequestAndTheEventHasNoText) {
  const AssignRequest accepted = service_->Assign({"inc-2", " duty ", " 张局 ", "  "});
  EXPECT_EQ(accepted.owner, "张局");
  EXPECT_EQ(accepted.who, "duty");
  EXPECT_EQ(accepted.owner_role, "");
  service_->AddNote({"inc-2", "duty", "点名的笔记"});
  const CloseRequest closed = service_->Close({"inc-2", "duty", store::CaseOutcome::kHandled, ""});
  EXPECT_EQ(CloseAcceptedJson(closed)["outcome"], "handled");
  Flush();
  const json event = IncidentEventJson(service_->Find("inc-2"));
  EXPECT_EQ(event, (json{{"report_id", "inc-2"},
                         {"school_id", "s02"},
                         {"case_state", "closed"},
                         {"owner", "张局"}}));
  EXPECT_EQ(IncidentEventJson(service_->Find("inc-1"))["case_state"], "open");
  EXPECT_EQ(ControlErrorOf([this] { service_->AddNote({"inc-2", "duty", "x"}); }), "refused");
}

}  // namespace
}  // namespace pingan::services
