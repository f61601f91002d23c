#include "daemon/services/alert_commands.h"

#include <gtest/gtest.h>

#include <future>

#include "daemon/store/audit_log.h"
#include "tests/services/alert_fixture.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::At;

// The control commands over AlertFixture's three escalated missing alerts.
class AlertCommandsTest : public AlertFixture {
 protected:
  AlertCommandsTest() : server_(io_, zmq_) { RegisterAlertCommands(server_, *alerts_); }

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
  boost::asio::io_context io_;
  zmq::context_t zmq_;
  ControlServer server_;
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

TEST_F(AlertCommandsTest, AcknowledgeNeedsWhoAndStopsEscalation) {
  EXPECT_EQ(ErrorCode("alert.ack", {{"id", ids_[0]}, {"comment", "on it"}}), "bad_request");
  EXPECT_EQ(ErrorCode("alert.ack", {{"id", ids_[0]}, {"who", " "}}), "refused");
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
  const store::AuditEntry last = LatestAudit();
  EXPECT_EQ(last.action, "alert.acknowledge");
  EXPECT_EQ(last.actor, "user:王五");
}

// Resolving by hand withdraws the alert's queued message in the same transaction: the
// worker cannot lease it afterwards, and nobody is owed a "resolved" notice.
TEST_F(AlertCommandsTest, ResolvingCancelsTheAlertsQueuedMessagesAtOnce) {
  Ok("alert.resolve",
     {{"id", ids_[2]}, {"reason", "handled"}, {"who", "王五"}, {"comment", "called"}});
  Flush();
  const json cancelled = Ok("outbox", {{"state", "cancelled"}});
  ASSERT_EQ(cancelled["rows"].size(), 1u) << cancelled.dump();
  EXPECT_EQ(cancelled["rows"][0]["recipient"], "总务处3");
  EXPECT_EQ(cancelled["counts"]["pending"], 2);
  store::Database db(dir_.File("pingan.db"));
  EXPECT_EQ(
      jobs::RunEscalation(db, schedules_.Get().get(), *setup_, At(1, 10, 31)).resolution_notices,
      0);
}

TEST_F(AlertCommandsTest, ResolveByHandTellsThoseNotified) {
  EXPECT_EQ(
      ErrorCode(
          "alert.resolve",
          {{"id", ids_[1]}, {"reason", "late_report_received"}, {"who", "王五"}, {"comment", "x"}}),
      "bad_request")
      << "only the system resolves by late report";
  {
    store::Database db(dir_.File("pingan.db"));
    ASSERT_EQ(testing::DeliverDue(db, At(1, 10, 30)), 3u) << "every school was told";
  }
  Ok("alert.resolve",
     {{"id", ids_[1]}, {"reason", "false_alarm"}, {"who", "王五"}, {"comment", "school closed"}});
  Flush();
  EXPECT_EQ(Ok("alert.show", {{"id", ids_[1]}})["resolve_reason"], "false_alarm");
  store::Database db(dir_.File("pingan.db"));
  const jobs::EscalationRunOutcome outcome =
      jobs::RunEscalation(db, schedules_.Get().get(), *setup_, At(1, 10, 31));
  EXPECT_EQ(outcome.resolution_notices, 1);
  const json outbox = Ok("outbox", {{"state", "pending"}});
  EXPECT_EQ(outbox["counts"]["pending"], 1);
  EXPECT_EQ(outbox["counts"]["delivered"], 3);
  EXPECT_EQ(outbox["rows"].back()["kind"], "resolved");
  EXPECT_EQ(outbox["rows"].back()["recipient"], "总务处2");
  EXPECT_EQ(ErrorCode("outbox", {{"state", "lost"}}), "bad_request");
}

}  // namespace
}  // namespace pingan::services
