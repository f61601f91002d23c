// pingan-loadgen's latency histogram: bucket arithmetic, percentiles, merging and the
// JSON form the worker processes send to their parent.
#include "agents/loadgen_histogram.h"

#include <gtest/gtest.h>

namespace pingan::agent::loadgen {
namespace {

TEST(LoadgenHistogram, EmptyHistogramReportsZeros) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(0.99), 0);
  EXPECT_EQ(h.max(), 0);
}

TEST(LoadgenHistogram, BucketsCoverEveryValueContiguouslyWithinOneSixtyFourth) {
  int64_t previous_upper = -1;
  for (size_t b = 0; b < 2000; ++b) {
    const int64_t upper = LatencyHistogram::BucketUpper(b);
    const int64_t lower = previous_upper + 1;
    ASSERT_EQ(LatencyHistogram::BucketOf(lower), b) << lower;
    ASSERT_EQ(LatencyHistogram::BucketOf(upper), b) << upper;
    EXPECT_LE(static_cast<double>(upper - lower), static_cast<double>(lower) / 64.0 + 1.0);
    previous_upper = upper;
  }
}

TEST(LoadgenHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int v : {5, 7, 9, 11}) h.Record(v);
  EXPECT_EQ(h.Percentile(0.25), 5);
  EXPECT_EQ(h.Percentile(0.5), 7);
  EXPECT_EQ(h.Percentile(0.75), 9);
  EXPECT_EQ(h.Percentile(1.0), 11);
  EXPECT_DOUBLE_EQ(h.mean(), 8.0);
}

TEST(LoadgenHistogram, PercentilesOfAUniformSpreadAreWithinBucketPrecision) {
  LatencyHistogram h;
  for (int v = 1; v <= 100000; ++v) h.Record(v);  // 1 us .. 100 ms
  EXPECT_EQ(h.count(), 100000u);
  const auto near = [](int64_t got, double want) {
    EXPECT_GE(static_cast<double>(got), want) << got;
    EXPECT_LE(static_cast<double>(got), want * (1 + 1.0 / 64)) << got;
  };
  near(h.Percentile(0.50), 50000);
  near(h.Percentile(0.90), 90000);
  near(h.Percentile(0.99), 99000);
  near(h.Percentile(0.999), 99900);
  EXPECT_EQ(h.max(), 100000);
  EXPECT_LE(h.Percentile(1.0), h.max());
}

TEST(LoadgenHistogram, OneSlowAckShowsInTheTailNotTheMedian) {
  LatencyHistogram h;
  for (int i = 0; i < 999; ++i) h.Record(1000);
  h.Record(2'000'000);
  EXPECT_LE(h.Percentile(0.99), 1015);
  EXPECT_LE(h.Percentile(0.999), 1015);
  EXPECT_GE(h.Percentile(1.0), 1'970'000);
  EXPECT_EQ(h.max(), 2'000'000);
}

TEST(LoadgenHistogram, MergeAddsCountsAndKeepsTheLargerMax) {
  LatencyHistogram a;
  LatencyHistogram b;
  for (int i = 0; i < 100; ++i) a.Record(100);
  for (int i = 0; i < 300; ++i) b.Record(5000);
  b.Record(9000);
  a.Merge(b);
  EXPECT_EQ(a.count(), 401u);
  EXPECT_EQ(a.max(), 9000);
  EXPECT_EQ(a.Percentile(0.2), 100);
  EXPECT_GE(a.Percentile(0.5), 5000);
}

TEST(LoadgenHistogram, SurvivesTheJsonTripBetweenProcesses) {
  LatencyHistogram h;
  for (int v = 0; v < 5000; v += 7) h.Record(v * 13);
  const auto back = LatencyHistogram::FromJson(nlohmann::json::parse(h.ToJson().dump()));
  EXPECT_EQ(back.count(), h.count());
  EXPECT_EQ(back.max(), h.max());
  EXPECT_DOUBLE_EQ(back.mean(), h.mean());
  for (double q : {0.1, 0.5, 0.9, 0.99, 0.999}) EXPECT_EQ(back.Percentile(q), h.Percentile(q));
}

}  // namespace
}  // namespace pingan::agent::loadgen
