#include "daemon/ops/metrics.h"

#include <gtest/gtest.h>

namespace pingan::ops {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(Metrics, EventsAndFiguresReadAtScrapeTimeShareOneExposition) {
  Metrics metrics;
  metrics.ObserveCommit(3, 0.002);
  metrics.ObserveCommit(5, 0.004);
  metrics.AlertsOpened("missing", 7);
  metrics.AlertsOpened("incident", 0);
  metrics.NotificationAttempt("sms", "delivered");
  metrics.NotificationAttempt("sms", "delivered");
  metrics.NotificationAttempt("email", "failed");
  const std::string text = metrics.Render(
      {CounterFamily("pingan_reports_rejected_total", "Reports refused, by reason",
                     {{{{"reason", "malformed"}}, 4}, {{{"reason", "rate_limited"}}, 2}}),
       GaugeFamily("pingan_writer_queue_reports", "Reports waiting", {{{}, 12}})});
  EXPECT_TRUE(Has(text, "pingan_store_commit_reports_count 2\n")) << text;
  EXPECT_TRUE(Has(text, "pingan_store_commit_reports_sum 8\n")) << text;
  EXPECT_TRUE(Has(text, "pingan_alerts_opened_total{kind=\"missing\"} 7\n")) << text;
  EXPECT_TRUE(Has(text, "pingan_alerts_opened_total{kind=\"incident\"} 0\n"))
      << "every kind is there from the start: " << text;
  EXPECT_TRUE(Has(text, "pingan_notifications_total{channel=\"sms\",result=\"delivered\"} 2\n"))
      << text;
  EXPECT_TRUE(Has(text, "pingan_notifications_total{channel=\"email\",result=\"failed\"} 1\n"));
  EXPECT_TRUE(Has(text, "# TYPE pingan_reports_rejected_total counter\n")) << text;
  EXPECT_TRUE(Has(text, "pingan_reports_rejected_total{reason=\"malformed\"} 4\n")) << text;
  EXPECT_TRUE(Has(text, "# TYPE pingan_writer_queue_reports gauge\n")) << text;
  EXPECT_TRUE(Has(text, "pingan_writer_queue_reports 12\n")) << text;
}

}  // namespace
}  // namespace pingan::ops
