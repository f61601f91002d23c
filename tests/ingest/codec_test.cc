#include "daemon/ingest/codec.h"

#include <gtest/gtest.h>

#include "pingan/v1/report.pb.h"
#include "tests/ingest/ingest_harness.h"

namespace pingan::wire {
namespace {

using namespace std::chrono_literals;

TEST(Codec, ReportRoundTripsEveryField) {
  core::Report in = testing::SampleAllClear("sch-1", 7);
  in.kind = core::ReportKind::kIncident;
  in.incident = core::Incident{core::IncidentCategory::kTraffic,
                               core::Severity::kI,
                               testing::kHarnessNow - 30min,
                               "校车追尾",
                               3,
                               1,
                               2,
                               true};
  auto out = DecodeReportFrame(EncodeReportFrame(in));
  ASSERT_TRUE(std::holds_alternative<core::Report>(out));
  const core::Report& r = std::get<core::Report>(out);
  EXPECT_EQ(r.report_id, in.report_id);
  EXPECT_EQ(r.school_id, "sch-1");
  EXPECT_EQ(r.covers, in.covers);
  EXPECT_EQ(r.agent_time, in.agent_time);
  ASSERT_TRUE(r.incident);
  EXPECT_EQ(r.incident->category, core::IncidentCategory::kTraffic);
  EXPECT_EQ(r.incident->severity, core::Severity::kI);
  EXPECT_EQ(r.incident->occurred_at, in.incident->occurred_at);
  EXPECT_EQ(r.incident->summary, "校车追尾");
  EXPECT_EQ(r.incident->injured, 3u);
  EXPECT_EQ(r.incident->dead, 1u);
  EXPECT_EQ(r.incident->missing, 2u);
  EXPECT_TRUE(r.incident->needs_leader_attention);
  EXPECT_FALSE(r.monthly);
}

TEST(Codec, RejectsGarbageWrongVersionAndEmptyEnvelopes) {
  auto garbage = DecodeReportFrame("\xff\xff\xff\xff");
  ASSERT_TRUE(std::holds_alternative<DecodeFailure>(garbage));
  EXPECT_EQ(std::get<DecodeFailure>(garbage).rejection.reason, core::RejectReason::kMalformed);

  v1::Envelope env;
  env.set_protocol_version(static_cast<v1::ProtocolVersion>(2));
  env.mutable_report()->set_report_id("r-1");
  auto version = DecodeReportFrame(env.SerializeAsString());
  ASSERT_TRUE(std::holds_alternative<DecodeFailure>(version));
  EXPECT_EQ(std::get<DecodeFailure>(version).rejection.reason,
            core::RejectReason::kUnsupportedVersion);
  EXPECT_EQ(std::get<DecodeFailure>(version).report_id, "r-1") << "kept so the agent can match";

  v1::Envelope empty;
  empty.set_protocol_version(v1::PROTOCOL_VERSION_1);
  auto none = DecodeReportFrame(empty.SerializeAsString());
  ASSERT_TRUE(std::holds_alternative<DecodeFailure>(none));
  EXPECT_EQ(std::get<DecodeFailure>(none).rejection.reason, core::RejectReason::kMalformed);
}

// Found from outside: an empty frame was answered UNSUPPORTED_VERSION (an empty
// envelope reads as version 0), and a summary that is not UTF-8 failed the whole parse
// (MALFORMED, no report id, a libprotobuf line on stderr).
TEST(Codec, AnEmptyFrameIsMalformed) {
  auto empty = DecodeReportFrame("");
  ASSERT_TRUE(std::holds_alternative<DecodeFailure>(empty));
  EXPECT_EQ(std::get<DecodeFailure>(empty).rejection.reason, core::RejectReason::kMalformed);
}

TEST(Codec, TextThatIsNotUtf8ReachesValidationWithItsReportId) {
  core::Report in = testing::SampleAllClear("sch-1", 7);
  in.kind = core::ReportKind::kIncident;
  in.incident = core::Incident{core::IncidentCategory::kFire,
                               core::Severity::kIII,
                               testing::kHarnessNow - 30min,
                               std::string("\xc3\x28 bad"),
                               0,
                               0,
                               0,
                               false};
  auto out = DecodeReportFrame(EncodeReportFrame(in));
  ASSERT_TRUE(std::holds_alternative<core::Report>(out)) << "parsed, not MALFORMED";
  const core::Report& r = std::get<core::Report>(out);
  EXPECT_EQ(r.report_id, in.report_id);
  const auto rejection = core::ValidateReport(r, testing::kHarnessNow, {});
  ASSERT_TRUE(rejection.has_value());
  EXPECT_EQ(rejection->reason, core::RejectReason::kTextTooLong);

  v1::Envelope env;
  env.set_protocol_version(v1::PROTOCOL_VERSION_1);
  env.mutable_report()->set_report_id("\xff\xfe");
  auto bad_id = DecodeReportFrame(env.SerializeAsString());
  ASSERT_TRUE(std::holds_alternative<core::Report>(bad_id));
  EXPECT_EQ(core::ValidateReport(std::get<core::Report>(bad_id), testing::kHarnessNow, {})->reason,
            core::RejectReason::kBadReportId);
}

TEST(Codec, UnknownEnumValuesAndBadDatesReachValidationAsInvalid) {
  core::Report in = testing::SampleAllClear("sch-1", 1);
  v1::Envelope env;
  ASSERT_TRUE(env.ParseFromString(EncodeReportFrame(in)));
  env.mutable_report()->set_kind(static_cast<v1::ReportKind>(42));
  env.mutable_report()->mutable_covers()->set_month(13);
  auto out = DecodeReportFrame(env.SerializeAsString());
  ASSERT_TRUE(std::holds_alternative<core::Report>(out));
  auto rejection = core::ValidateReport(std::get<core::Report>(out), testing::kHarnessNow, {});
  ASSERT_TRUE(rejection);
  EXPECT_EQ(rejection->reason, core::RejectReason::kBadKind);
}

// Found from outside: covers {year: 67562, month: 12, day: 4} was stored as covering
// 2026-12-04 (the 32-bit year wrapped into date::year's 16 bits): a false all-clear.
TEST(Codec, AYearBeyondTheCalendarIsABadDateNotAWrappedOne) {
  const core::Report in = testing::SampleAllClear("sch-1", 1);  // covers 2026-10-03
  for (int year : {67562, -63510, 133098, 2026 + 65536, 0, 10000, -1}) {
    v1::Envelope env;
    ASSERT_TRUE(env.ParseFromString(EncodeReportFrame(in)));
    env.mutable_report()->mutable_covers()->set_year(year);
    auto out = DecodeReportFrame(env.SerializeAsString());
    ASSERT_TRUE(std::holds_alternative<core::Report>(out)) << year;
    auto rejection = core::ValidateReport(std::get<core::Report>(out), testing::kHarnessNow, {});
    ASSERT_TRUE(rejection) << year << " was accepted";
    EXPECT_EQ(rejection->reason, core::RejectReason::kBadDate) << year;
  }
}

TEST(Codec, AckRoundTripsAndRejectsNonAcks) {
  const Ack in{"id-1", AckStatus::kRejected, core::RejectReason::kTextTooLong, "too long"};
  auto out = DecodeAckFrame(EncodeAckFrame(in));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->report_id, "id-1");
  EXPECT_EQ(out->status, AckStatus::kRejected);
  EXPECT_EQ(out->reason, core::RejectReason::kTextTooLong);
  EXPECT_EQ(out->detail, "too long");
  EXPECT_FALSE(DecodeAckFrame(EncodeReportFrame(testing::SampleAllClear("s", 1))));
  EXPECT_FALSE(DecodeAckFrame("garbage"));
}

}  // namespace
}  // namespace pingan::wire
