#include "daemon/services/alert_commands.h"

#include <gtest/gtest.h>

#include <future>

#include "daemon/jobs/escalation_runner.h"
#include "daemon/store/audit_log.h"
#include "tests/fakes/drain_writer.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"
#include "tests/services/escalation_support.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::At;

class AlertCommandsTest : public ::testing::Test {
 protected:
  AlertCommandsTest() : clock_(At(1, 10, 30)), server_(io_, zmq_) {
    store::StoreWriterOptions options;
    options.database_path = dir_.File("pingan.db");
    writer_ = std::make_unique<store::StoreWriter>(options, [](auto) {});
    schedules_.Set(testing::MakeDistrict(3));
    {
      store::Database db(options.database_path);
      ids_ = testing::InsertMissing(db, 3, At(1, 10, 30));
      jobs::RunEscalation(db, schedules_.Get().get(), *setup_, At(1, 10, 30));
    }
    alerts_ = std::make_unique<AlertService>(
        AlertCommandContext{clock_, options.database_path, *writer_, schedules_, setup_});
    RegisterAlertCommands(server_, *alerts_);
  }

  json Call(const std::string& command, const json& args) {
    return server_.Dispatch(json{{"command", command}, {"args", args}}.dump());
  }
  json Ok(const std::string& command, const json& args) {
    const json answer = Call(command, args);
    EXPECT_TRUE(answer.value("ok", false)) << answer.dump();
    return answer.value("result", json());
  }
  std::string ErrorCode(const std::string& command, const json& args) {
    const json answer = Call(command, args);
    EXPECT_FALSE(answer.value("ok", true)) << answer.dump();
    return answer["error"].value("code", "");
  }
  // Waits until the writer ran everything posted so far.
  void Flush() { pingan::testing::DrainWriter(*writer_); }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  boost::asio::io_context io_;
  zmq::context_t zmq_;
  ControlServer server_;
  std::unique_ptr<store::StoreWriter> writer_;
  std::unique_ptr<AlertService> alerts_;
  config::ScheduleSource schedules_;
  std::shared_ptr<config::EscalationSetup> setup_ = testing::MakeSetup();
  std::vector<std::string> ids_;
};

TEST_F(AlertCommandsTest, ListsAlertsWithFilters) {
  const json all = Ok("alerts", json::object());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["state"], "open");
  EXPECT_EQ(all[0]["policy"], "missing");
  EXPECT_EQ(all[0]["notified"], 1);
  const json one = Ok("alerts", {{"school", "s02"}});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["school_name"], "第2小学");
  EXPECT_TRUE(Ok("alerts", {{"state", "resolved"}}).empty());
  EXPECT_EQ(ErrorCode("alerts", {{"state", "closed"}}), "bad_request");
}

TEST_F(AlertCommandsTest, AcknowledgeNeedsWhoAndCommentAndStopsEscalation) {
  EXPECT_EQ(ErrorCode("alert.ack", {{"id", ids_[0]}, {"who", "王五"}}), "bad_request");
  EXPECT_EQ(ErrorCode("alert.ack", {{"id", ids_[0]}, {"who", "王五"}, {"comment", "  "}}),
            "refused");
  EXPECT_EQ(ErrorCode("alert.ack", {{"id", "nope"}, {"who", "a"}, {"comment", "b"}}), "not_found");
  const json acked =
      Ok("alert.ack", {{"id", ids_[0]}, {"who", "王五"}, {"comment", "calling the school"}});
  EXPECT_EQ(acked["accepted"], true);
  EXPECT_EQ(acked["ack_expires_at"], core::FormatInstantUtc(At(1, 12, 30)))
      << "the policy's ack timeout";
  Flush();
  const json shown = Ok("alert.show", {{"id", ids_[0]}});
  EXPECT_EQ(shown["state"], "acknowledged");
  EXPECT_EQ(shown["acknowledged_by"], "王五");
  EXPECT_EQ(shown["timeline"].back()["what"], "acknowledged");
  EXPECT_EQ(shown["timeline"].back()["comment"], "calling the school");
  EXPECT_EQ(shown["notified"][0]["name"], "总务处1");
  ASSERT_EQ(shown["outbox"].size(), 1u);
  EXPECT_EQ(shown["outbox"][0]["channel"], "email");
  EXPECT_EQ(ErrorCode("alert.ack", {{"id", ids_[0]}, {"who", "李四"}, {"comment", "me too"}}),
            "refused");
  store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
  const auto audit = store::RecentAudit(db.sql(), 10);
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit[0].action, "alert.acknowledge");
  EXPECT_EQ(audit[0].actor, "user:王五");
}

TEST_F(AlertCommandsTest, ResolveByHandTellsThoseNotified) {
  EXPECT_EQ(
      ErrorCode(
          "alert.resolve",
          {{"id", ids_[1]}, {"reason", "late_report_received"}, {"who", "王五"}, {"comment", "x"}}),
      "bad_request")
      << "only the system resolves by late report";
  Ok("alert.resolve",
     {{"id", ids_[1]}, {"reason", "false_alarm"}, {"who", "王五"}, {"comment", "school closed"}});
  Flush();
  EXPECT_EQ(Ok("alert.show", {{"id", ids_[1]}})["resolve_reason"], "false_alarm");
  store::Database db(dir_.File("pingan.db"));
  const jobs::EscalationRunOutcome outcome =
      jobs::RunEscalation(db, schedules_.Get().get(), *setup_, At(1, 10, 31));
  EXPECT_EQ(outcome.resolution_notices, 1);
  const json outbox = Ok("outbox", {{"state", "pending"}});
  EXPECT_EQ(outbox["counts"]["pending"], 4);
  EXPECT_EQ(outbox["rows"].back()["kind"], "resolved");
  EXPECT_EQ(outbox["rows"].back()["recipient"], "总务处2");
  EXPECT_EQ(ErrorCode("outbox", {{"state", "lost"}}), "bad_request");
}

}  // namespace
}  // namespace pingan::services
