// Metrics: pingand's Prometheus metrics, in prometheus-cpp's data model and text format.
//
// Two kinds of figures meet here. What the daemon learns as events happen and keeps
// nowhere else (commit batch sizes and latencies, sweep durations, alerts opened,
// notification attempts) lives in this registry, fed by the threads where it happens.
// What the daemon already counts (reports received, rejected by reason, handshakes,
// queue depths, open alerts) is read at scrape time and handed to Render as families
// built with CounterFamily/GaugeFamily, so that no figure is kept twice.
//
// Labels carry kinds, reasons and channel names only: never a school, a person or text.
//
// Threading: every member may be called from any thread (prometheus-cpp's metrics are
// atomic and its families lock).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

namespace pingan::ops {

using Labels = std::vector<std::pair<std::string, std::string>>;
using Sample = std::pair<Labels, double>;

prometheus::MetricFamily CounterFamily(std::string name, std::string help,
                                       const std::vector<Sample>& samples);
prometheus::MetricFamily GaugeFamily(std::string name, std::string help,
                                     const std::vector<Sample>& samples);

class Metrics {
 public:
  Metrics();

  // One committed (or failed) batch of reports: its size and how long it took.
  void ObserveCommit(size_t reports, double seconds);
  // Alerts opened, by kind ("missing", "late", "incident").
  void AlertsOpened(const std::string& kind, size_t count);
  // One delivery attempt's result ("delivered", "retry", "failed", "deferred").
  void NotificationAttempt(const std::string& channel, const std::string& result);
  void ObserveSweep(double seconds);
  // An outbound heartbeat that did not reach its URL.
  void HeartbeatFailed();

  // The exposition text (Content-Type kContentType) of the registry and `read_now`.
  std::string Render(std::vector<prometheus::MetricFamily> read_now) const;

  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Histogram* commit_reports_;
  prometheus::Histogram* commit_seconds_;
  prometheus::Histogram* sweep_seconds_;
  prometheus::Family<prometheus::Counter>* alerts_opened_;
  prometheus::Family<prometheus::Counter>* notifications_;
  prometheus::Counter* heartbeat_failures_;
};

}  // namespace pingan::ops
