// pingan-loadgen's tallies: merging workers' stats, the JSON trip between processes,
// the rate and the summary printed for people and machines.
#include "agents/loadgen_stats.h"

#include <gtest/gtest.h>

namespace pingan::agent::loadgen {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

LoadStats Sample(Micros first_send, Micros last_ack, uint64_t stored) {
  LoadStats s;
  s.scheduled = stored + 2;
  for (uint64_t i = 0; i < stored + 2; ++i) s.NoteSend(first_send, first_send);
  s.stored = stored;
  s.errors.timeout = 1;
  s.errors.nack = 1;
  s.errors.nack_reasons["RATE_LIMITED"] = 1;
  s.connections = stored + 2;
  s.reconnects = 1;
  s.socket_waits = 3;
  for (uint64_t i = 0; i < stored; ++i) s.latency.Record(1000 + static_cast<int64_t>(i));
  s.NoteAck(last_ack);
  return s;
}

TEST(LoadgenStats, MergeAddsCountsAndSpansBothWorkers) {
  LoadStats a = Sample(seconds{10}, seconds{12}, 100);
  const LoadStats b = Sample(seconds{11}, seconds{14}, 300);
  a.Merge(b);
  EXPECT_EQ(a.scheduled, 404u);
  EXPECT_EQ(a.acked(), 400u);
  EXPECT_EQ(a.errors.total(), 4u);
  EXPECT_EQ(a.errors.nack_reasons.at("RATE_LIMITED"), 2u);
  EXPECT_EQ(a.socket_waits, 6u);
  EXPECT_EQ(a.first_send, seconds{10});
  EXPECT_EQ(a.last_ack, seconds{14});
  EXPECT_EQ(a.latency.count(), 400u);
  EXPECT_DOUBLE_EQ(a.AchievedRate(), 100.0);  // 400 acks in 4 s
}

TEST(LoadgenStats, MergingIntoEmptyStatsKeepsTheFirstSend) {
  LoadStats total;
  total.Merge(Sample(seconds{3}, seconds{5}, 10));
  EXPECT_EQ(total.first_send, seconds{3});
}

TEST(LoadgenStats, SendLagIsTheWorstDelayBehindSchedule) {
  LoadStats s;
  s.NoteSend(milliseconds{105}, milliseconds{100});
  s.NoteSend(milliseconds{230}, milliseconds{200});
  s.NoteSend(milliseconds{300}, milliseconds{300});
  EXPECT_EQ(s.max_send_lag, milliseconds{30});
  EXPECT_EQ(s.sent, 3u);
}

TEST(LoadgenStats, SurvivesTheJsonTripBetweenProcesses) {
  const LoadStats s = Sample(seconds{1}, seconds{2}, 50);
  const LoadStats back = LoadStats::FromJson(nlohmann::json::parse(s.ToJson().dump()));
  EXPECT_EQ(back.ToJson(), s.ToJson());
}

TEST(LoadgenStats, SummaryGivesCountsErrorsPercentilesAndRates) {
  const LoadStats s = Sample(seconds{0}, seconds{1}, 1000);
  const Schedule schedule{1002, Pace::kRate, 1002, {}};
  const auto j = s.Summary(schedule);
  EXPECT_EQ(j["acked"], 1000);
  EXPECT_EQ(j["errors"]["total"], 2);
  EXPECT_EQ(j["errors"]["timeout"], 1);
  EXPECT_EQ(j["reconnects"], 1);
  EXPECT_EQ(j["socket_waits"], 3);
  EXPECT_NEAR(j["latency_ms"]["p50"].get<double>(), 1.5, 0.03);
  EXPECT_NEAR(j["latency_ms"]["p99"].get<double>(), 1.99, 0.04);
  EXPECT_DOUBLE_EQ(j["latency_ms"]["max"].get<double>(), 1.999);
  EXPECT_DOUBLE_EQ(j["achieved_rate"].get<double>(), 1000.0);
  EXPECT_DOUBLE_EQ(j["planned_rate"].get<double>(), 1002.0);
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 1.0);
  const std::string text = FormatSummary(j);
  EXPECT_NE(text.find("acked 1000"), std::string::npos) << text;
  EXPECT_NE(text.find("RATE_LIMITED=1"), std::string::npos) << text;
  EXPECT_NE(text.find("p99.9"), std::string::npos) << text;
  EXPECT_NE(text.find("socket waits 3"), std::string::npos) << text;
}

TEST(LoadgenStats, BurstPlansReportsOverItsWindowAndNoAckMeansNoDuration) {
  LoadStats s;
  s.scheduled = 10;
  s.NoteSend(seconds{100}, seconds{100});
  s.errors.connect_failed = 10;
  const auto j = s.Summary(Schedule{10, Pace::kBurst, 0, seconds{4}});
  EXPECT_DOUBLE_EQ(j["planned_rate"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["achieved_rate"].get<double>(), 0.0);
}

}  // namespace
}  // namespace pingan::agent::loadgen
