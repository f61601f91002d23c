// The hand-over sign-off commands (handover.sign, handover.ack, handover.list) and the
// HandoverService under them, over a real database and StoreWriter: what they answer at
// once, what the writer stores, the audit entries (never the note), the on_applied
// callback, and the refusals (own sign-off, twice, unknown, bad note).
#include "daemon/services/handover_commands.h"

#include <gtest/gtest.h>

#include "daemon/core/local_time.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/handover_repository.h"
#include "tests/fakes/drain_writer.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const core::Instant kT0 = core::FromUnixMillis(1'780'000'000'000);

class HandoverCommandsTest : public ::testing::Test {
 protected:
  HandoverCommandsTest() : clock_(kT0), server_(io_, zmq_) {
    store::StoreWriterOptions options;
    options.database_path = dir_.File("pingan.db");
    writer_ = std::make_unique<store::StoreWriter>(options, [](auto) {});
    service_ = std::make_unique<HandoverService>(
        HandoverServiceContext{clock_, options.database_path, *writer_,
                               [this](const std::string& id) { applied_.push_back(id); }});
    RegisterHandoverCommands(server_, *service_);
  }
  ~HandoverCommandsTest() override { writer_->Stop(); }

  json Call(const std::string& command, const json& args) {
    return server_.Dispatch(json{{"command", command}, {"args", args}}.dump());
  }
  json Ok(const std::string& command, const json& args) {
    const json answer = Call(command, args);
    EXPECT_TRUE(answer.value("ok", false)) << command << " " << answer.dump();
    Flush();
    return answer.value("result", json());
  }
  std::string ErrorCode(const std::string& command, const json& args) {
    const json answer = Call(command, args);
    EXPECT_FALSE(answer.value("ok", true)) << answer.dump();
    Flush();
    return answer.contains("error") ? answer["error"].value("code", "") : "";
  }
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
  std::unique_ptr<HandoverService> service_;
  std::vector<std::string> applied_;
};

TEST_F(HandoverCommandsTest, SignedOffThenAcknowledgedByTheNextOfficerAndAudited) {
  const json signed_off = Ok("handover.sign", {{"note", " 第1小学待回访 "}, {"who", "wang"}});
  const std::string id = signed_off["id"];
  EXPECT_EQ(signed_off["note"], "第1小学待回访");
  EXPECT_EQ(signed_off["signed_at"], core::FormatInstantUtc(kT0));
  clock_.Advance(5min);
  const json acked = Ok("handover.ack", {{"id", id}, {"who", "li"}});
  EXPECT_EQ(acked["acked_by"], "li");
  EXPECT_EQ(acked["acked_at"], core::FormatInstantUtc(kT0 + 5min));

  const json list = Ok("handover.list", json::object());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["signed_by"], "wang");
  EXPECT_EQ(list[0]["acked_by"], "li");
  EXPECT_EQ(applied_, (std::vector<std::string>{id, id}));
  std::vector<std::string> actions;
  for (const store::AuditEntry& e : Audit()) {
    actions.insert(actions.begin(), e.action + " " + e.actor + " " + e.object);
    EXPECT_EQ(e.detail.find("回访"), std::string::npos);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"handover.sign user:wang " + id,
                                               "handover.ack user:li " + id}));
}

TEST_F(HandoverCommandsTest, RefusesTheSignerTwiceAndUnknownOnes) {
  const std::string id = Ok("handover.sign", {{"note", "x"}, {"who", "wang"}})["id"];
  EXPECT_EQ(ErrorCode("handover.ack", {{"id", id}, {"who", " wang "}}), "refused");
  Ok("handover.ack", {{"id", id}, {"who", "li"}});
  EXPECT_EQ(ErrorCode("handover.ack", {{"id", id}, {"who", "zhao"}}), "refused");
  EXPECT_EQ(ErrorCode("handover.ack", {{"id", "nope"}, {"who", "li"}}), "not_found");
  store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
  EXPECT_EQ(store::HandoverRepository(db).Find(id)->acked_by, "li") << "the first one stands";
}

TEST_F(HandoverCommandsTest, TheWriterRechecksAnAcknowledgementAlreadyApplied) {
  const std::string id = Ok("handover.sign", {{"note", "x"}, {"who", "wang"}})["id"];
  // Two acknowledgements, the second checked before the first is written (or, should
  // the writer be quick, refused at once): the first one stands either way.
  service_->Acknowledge(id, "li");
  try {
    service_->Acknowledge(id, "zhao");
  } catch (const ControlError& e) {
    EXPECT_EQ(e.code, "refused");
  }
  Flush();
  const json list = Ok("handover.list", json::object());
  EXPECT_EQ(list[0]["acked_by"], "li");
  int acks = 0;
  for (const store::AuditEntry& e : Audit()) acks += e.action == "handover.ack";
  EXPECT_EQ(acks, 1);
}

TEST_F(HandoverCommandsTest, ABadNoteOrSignerIsRefusedAndNothingIsStored) {
  EXPECT_EQ(ErrorCode("handover.sign", {{"note", "  "}, {"who", "wang"}}), "bad_request");
  EXPECT_EQ(ErrorCode("handover.sign", {{"note", std::string(4001, 'x')}, {"who", "wang"}}),
            "bad_request");
  EXPECT_EQ(ErrorCode("handover.sign", {{"note", "x"}, {"who", " "}}), "bad_request");
  EXPECT_EQ(ErrorCode("handover.sign", {{"who", "wang"}}), "bad_request");
  EXPECT_EQ(ErrorCode("handover.list", {{"limit", 0}}), "bad_request");
  EXPECT_TRUE(Ok("handover.list", json::object()).empty());
  EXPECT_TRUE(applied_.empty());
}

}  // namespace
}  // namespace pingan::services
