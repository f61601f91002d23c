#include "daemon/ops/metrics.h"

#include <prometheus/text_serializer.h>

namespace pingan::ops {
namespace {

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type,
                                const std::vector<Sample>& samples) {
  prometheus::MetricFamily family{std::move(name), std::move(help), type, {}};
  for (const auto& [labels, value] : samples) {
    prometheus::ClientMetric metric;
    for (const auto& [key, label_value] : labels) metric.label.push_back({key, label_value});
    if (type == prometheus::MetricType::Counter) {
      metric.counter.value = value;
    } else {
      metric.gauge.value = value;
    }
    family.metric.push_back(std::move(metric));
  }
  return family;
}

prometheus::Labels Map(const std::string& key, const std::string& value) {
  return prometheus::Labels{{key, value}};
}

}  // namespace

prometheus::MetricFamily CounterFamily(std::string name, std::string help,
                                       const std::vector<Sample>& samples) {
  return Family(std::move(name), std::move(help), prometheus::MetricType::Counter, samples);
}

prometheus::MetricFamily GaugeFamily(std::string name, std::string help,
                                     const std::vector<Sample>& samples) {
  return Family(std::move(name), std::move(help), prometheus::MetricType::Gauge, samples);
}

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  // Batches hold 1 report when idle and up to max_batch (4096 by default) under load.
  commit_reports_ =
      &prometheus::BuildHistogram()
           .Name("pingan_store_commit_reports")
           .Help("Reports per committed store transaction (group commit)")
           .Register(*registry_)
           .Add({}, prometheus::Histogram::BucketBoundaries{1, 4, 16, 64, 256, 1024, 4096});
  commit_seconds_ = &prometheus::BuildHistogram()
                         .Name("pingan_store_commit_seconds")
                         .Help("Time to write and commit one batch of reports (fsync included)")
                         .Register(*registry_)
                         .Add({}, prometheus::Histogram::BucketBoundaries{
                                      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5});
  sweep_seconds_ =
      &prometheus::BuildHistogram()
           .Name("pingan_sweep_seconds")
           .Help("Time of one deadline sweep on the store thread")
           .Register(*registry_)
           .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30});
  alerts_opened_ = &prometheus::BuildCounter()
                        .Name("pingan_alerts_opened_total")
                        .Help("Alerts opened since start, by kind")
                        .Register(*registry_);
  notifications_ = &prometheus::BuildCounter()
                        .Name("pingan_notifications_total")
                        .Help("Notification delivery attempts since start, by channel and result")
                        .Register(*registry_);
  heartbeat_failures_ = &prometheus::BuildCounter()
                             .Name("pingan_heartbeat_failures_total")
                             .Help("Outbound heartbeats that did not reach their URL")
                             .Register(*registry_)
                             .Add({});
  // Present from the first scrape, so that a rate() over them starts at zero.
  for (const char* kind : {"missing", "late", "incident"}) alerts_opened_->Add(Map("kind", kind));
}

void Metrics::ObserveCommit(size_t reports, double seconds) {
  commit_reports_->Observe(static_cast<double>(reports));
  commit_seconds_->Observe(seconds);
}

void Metrics::AlertsOpened(const std::string& kind, size_t count) {
  if (count > 0) alerts_opened_->Add(Map("kind", kind)).Increment(static_cast<double>(count));
}

void Metrics::NotificationAttempt(const std::string& channel, const std::string& result) {
  notifications_->Add({{"channel", channel}, {"result", result}}).Increment();
}

void Metrics::ObserveSweep(double seconds) {
  sweep_seconds_->Observe(seconds);
}

void Metrics::HeartbeatFailed() {
  heartbeat_failures_->Increment();
}

std::string Metrics::Render(std::vector<prometheus::MetricFamily> read_now) const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (auto& family : read_now) families.push_back(std::move(family));
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace pingan::ops
