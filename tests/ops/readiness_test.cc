#include "daemon/ops/readiness.h"

#include <gtest/gtest.h>

namespace pingan::ops {
namespace {

using namespace std::chrono_literals;

const core::Instant kNow = core::FromUnixMillis(1'790'000'000'000);

// A daemon that is fine: everything answered a moment ago.
ReadinessInputs Healthy() {
  ReadinessInputs in;
  in.real_now = kNow;
  in.writer_answer = kNow - 2s;
  in.ingest_bound = true;
  in.last_sweep = kNow - 1s;
  in.data_now = kNow;
  in.swept_to = kNow - 1s;
  return in;
}

const ReadinessCheck& Check(const Readiness& r, const std::string& name) {
  for (const auto& c : r.checks) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no check " + name);
}

TEST(Readiness, AHealthyDaemonIsReadyOnEveryCheck) {
  const Readiness r = EvaluateReadiness(Healthy());
  EXPECT_TRUE(r.ready);
  ASSERT_EQ(r.checks.size(), 4u);
  for (const auto& c : r.checks) EXPECT_TRUE(c.ok) << c.name << ": " << c.detail;
}

TEST(Readiness, AWriterSilentLongerThanItsLimitIsNotReady) {
  ReadinessInputs in = Healthy();
  in.writer_answer = kNow - 31s;
  const Readiness r = EvaluateReadiness(in);
  EXPECT_FALSE(r.ready);
  EXPECT_FALSE(Check(r, "store").ok);
  EXPECT_NE(Check(r, "store").detail.find("31 s"), std::string::npos) << Check(r, "store").detail;
  in.writer_answer = kNow - 30s;
  EXPECT_TRUE(EvaluateReadiness(in).ready) << "the limit itself is still ready";
}

TEST(Readiness, FailingBatchesAreNotReadyAndSaySo) {
  ReadinessInputs in = Healthy();
  in.store_failures_in_a_row = 3;
  const Readiness r = EvaluateReadiness(in);
  EXPECT_FALSE(r.ready);
  EXPECT_NE(Check(r, "store").detail.find("3 store transactions failed"), std::string::npos);
}

TEST(Readiness, ADamagedDatabaseFileIsNotReadyAndNamesTheProblem) {
  ReadinessInputs in = Healthy();
  in.store_damage = "Page 42: btreeInitPage() returns error code 11";
  const Readiness r = EvaluateReadiness(in);
  EXPECT_FALSE(r.ready);
  EXPECT_NE(Check(r, "store").detail.find("Page 42"), std::string::npos)
      << Check(r, "store").detail;
  EXPECT_NE(Check(r, "store").detail.find("restore"), std::string::npos) << "says what to do";
}

TEST(Readiness, NoWriterAnswerYetIsNotReady) {
  ReadinessInputs in = Healthy();
  in.writer_answer.reset();
  EXPECT_FALSE(Check(EvaluateReadiness(in), "store").ok);
}

TEST(Readiness, AStoppingOrUnboundIngestIsNotReady) {
  ReadinessInputs in = Healthy();
  in.stopping = true;
  EXPECT_FALSE(Check(EvaluateReadiness(in), "ingest").ok);
  in = Healthy();
  in.ingest_bound = false;
  EXPECT_FALSE(Check(EvaluateReadiness(in), "ingest").ok);
}

TEST(Readiness, ASweepThatStoppedCompletingIsNotReady) {
  ReadinessInputs in = Healthy();
  in.last_sweep = kNow - 121s;
  EXPECT_FALSE(Check(EvaluateReadiness(in), "sweep").ok);
  in.last_sweep.reset();
  EXPECT_FALSE(Check(EvaluateReadiness(in), "sweep").ok);
}

TEST(Readiness, AClockSetBackBehindTheSweepIsNotReadyBeyondTheTolerance) {
  ReadinessInputs in = Healthy();
  in.swept_to = kNow + 4min;  // NTP stepping back a little: tolerated
  EXPECT_TRUE(Check(EvaluateReadiness(in), "clock").ok);
  in.swept_to = kNow + 2h;  // set back two hours, or a database from the future
  const Readiness r = EvaluateReadiness(in);
  EXPECT_FALSE(r.ready);
  EXPECT_NE(Check(r, "clock").detail.find("7200 s behind"), std::string::npos)
      << Check(r, "clock").detail;
}

TEST(SilentIntake, ManySchoolsOwingAndNoneReportingLooksCutOff) {
  EXPECT_TRUE(LooksLikeSilentIntake(/*owed=*/40, /*missing=*/40, /*excused=*/0, /*min_owed=*/10));
  EXPECT_TRUE(LooksLikeSilentIntake(40, 30, 10, 10)) << "the excused do not count as silence";
}

TEST(SilentIntake, OneReportOrFewSchoolsIsNotSilence) {
  EXPECT_FALSE(LooksLikeSilentIntake(40, 39, 0, 10)) << "one school got through";
  EXPECT_FALSE(LooksLikeSilentIntake(9, 9, 0, 10)) << "too few owed to tell";
  EXPECT_FALSE(LooksLikeSilentIntake(40, 0, 40, 10)) << "everyone excused";
  EXPECT_FALSE(LooksLikeSilentIntake(0, 0, 0, 0)) << "nothing owed";
}

}  // namespace
}  // namespace pingan::ops
