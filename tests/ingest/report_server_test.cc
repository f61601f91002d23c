#include "daemon/ingest/report_server.h"

#include <gtest/gtest.h>

#include "daemon/store/audit_log.h"
#include "tests/ingest/ingest_harness.h"

namespace pingan::testing {
namespace {

struct Enrolled {
  wire::CurveKeyPair a = wire::GenerateCurveKeyPair();
  wire::CurveKeyPair b = wire::GenerateCurveKeyPair();
  wire::SchoolKeys Keys() const { return {{"sch-a", a.public_z85}, {"sch-b", b.public_z85}}; }
};

TEST(ReportServer, StoresAndAcksThenAnswersDuplicate) {
  Enrolled keys;
  IngestHarness h(keys.Keys());
  h.Start();
  TestClient client(h, keys.a);
  const core::Report report = SampleAllClear("sch-a", 1);
  client.Send(report);
  auto ack = client.NextAck();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->report_id, report.report_id);
  EXPECT_EQ(ack->status, wire::AckStatus::kStored);
  client.Send(report);
  ack = client.NextAck();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, wire::AckStatus::kDuplicate);
  EXPECT_EQ(h.StoredRows(), 1);
}

TEST(ReportServer, AnIdOfAnotherSchoolsReportIsRejectedNotCalledADuplicate) {
  Enrolled keys;
  IngestHarness h(keys.Keys());
  h.Start();
  TestClient a(h, keys.a), b(h, keys.b);
  const core::Report first = SampleAllClear("sch-a", 1);
  a.Send(first);
  auto ack = a.NextAck();
  ASSERT_TRUE(ack);
  ASSERT_EQ(ack->status, wire::AckStatus::kStored);
  core::Report same_id = first;
  same_id.school_id = "sch-b";
  b.Send(same_id);
  ack = b.NextAck();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, wire::AckStatus::kRejected) << "DUPLICATE would drop it silently";
  EXPECT_EQ(ack->reason, core::RejectReason::kReportIdTaken);
  EXPECT_FALSE(core::IsTransient(*ack->reason)) << "resending the same id cannot help";
  EXPECT_EQ(h.StoredRows(), 1);
}

TEST(ReportServer, UnknownKeyIsRefusedAndNothingIsStored) {
  Enrolled keys;
  IngestHarness h(keys.Keys());
  h.Start();
  TestClient stranger(h, wire::GenerateCurveKeyPair());
  stranger.Send(SampleAllClear("sch-a", 1));
  EXPECT_TRUE(stranger.WaitEvent(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH));
  // An enrolled school still gets through, and only its report is stored.
  TestClient school(h, keys.b);
  school.Send(SampleAllClear("sch-b", 2));
  ASSERT_TRUE(school.NextAck());
  EXPECT_EQ(h.StoredRows(), 1);
  EXPECT_EQ(h.Stats().received, 1u);
}

TEST(ReportServer, SpoofedSchoolIdIsRejectedAndAudited) {
  Enrolled keys;
  IngestHarness h(keys.Keys());
  h.Start();
  TestClient client(h, keys.a);
  const core::Report spoofed = SampleAllClear("sch-b", 1);
  client.Send(spoofed);
  auto ack = client.NextAck();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, wire::AckStatus::kRejected);
  EXPECT_EQ(ack->reason, core::RejectReason::kSchoolMismatch);
  EXPECT_EQ(h.StoredRows(), 0);
  auto audit = h.OnStore([](store::Database& db) { return store::RecentAudit(db, 10); });
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor, "school:sch-a");
  EXPECT_EQ(audit[0].action, "report.rejected.school_mismatch");
  EXPECT_EQ(audit[0].object, spoofed.report_id);
}

TEST(ReportServer, GarbageAndInvalidReportsGetReasonsAndOthersKeepWorking) {
  Enrolled keys;
  IngestHarness h(keys.Keys());
  h.Start();
  TestClient bad(h, keys.a);
  bad.SendFrame("\x08\x96\x01 this is not protobuf \xff\xff");
  auto ack = bad.NextAck();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason, core::RejectReason::kMalformed);

  core::Report invalid = SampleAllClear("sch-a", 2);
  invalid.kind = core::ReportKind::kIncident;  // without an incident block
  bad.Send(invalid);
  ack = bad.NextAck();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->report_id, invalid.report_id);
  EXPECT_EQ(ack->reason, core::RejectReason::kBadIncident);

  // A multi-frame message is refused as a whole.
  bad.socket().send(zmq::str_buffer("a"), zmq::send_flags::sndmore);
  bad.socket().send(zmq::str_buffer("b"));
  ack = bad.NextAck();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason, core::RejectReason::kMalformed);

  TestClient good(h, keys.b);
  good.Send(SampleAllClear("sch-b", 3));
  ack = good.NextAck();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, wire::AckStatus::kStored);
  EXPECT_EQ(h.StoredRows(), 1);
}

TEST(ReportServer, OversizeFrameDropsThatConnectionOnly) {
  Enrolled keys;
  IngestHarness h(keys.Keys());
  h.Start();
  TestClient big(h, keys.a);
  ASSERT_TRUE(big.WaitEvent(ZMQ_EVENT_HANDSHAKE_SUCCEEDED));
  big.SendFrame(std::string(wire::kMaxFrameBytes + 1, 'x'));
  EXPECT_TRUE(big.WaitEvent(ZMQ_EVENT_DISCONNECTED)) << "libzmq closes on MAXMSGSIZE";

  TestClient good(h, keys.b);
  good.Send(SampleAllClear("sch-b", 1));
  auto ack = good.NextAck();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, wire::AckStatus::kStored);
  EXPECT_EQ(h.Stats().received, 1u) << "the oversize frame never reached the daemon";
}

TEST(ReportServer, RefusesToBindWithoutZapHandler) {
  Enrolled keys;
  IngestHarness h(keys.Keys(), /*with_zap=*/false);
  EXPECT_THROW(h.Start(), std::logic_error);
}

}  // namespace
}  // namespace pingan::testing
