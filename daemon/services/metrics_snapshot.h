// The figures /metrics reads at scrape time, from where the daemon already keeps them
// (ingest and handshake counters on the io thread, connection and stream counts, the
// alerts and outbox tables), turned into Prometheus families (ops::CounterFamily /
// GaugeFamily). Names start with pingan_; labels are kinds, reasons and states only.
//
// Threading: IoFigures is filled on the io thread; the functions run anywhere
// (the caller reads store::CountWaiting on a read-only connection of its own).
#pragma once

#include <optional>
#include <vector>

#include <prometheus/metric_family.h>

#include "daemon/ingest/curve_memory.h"
#include "daemon/ingest/report_server.h"
#include "daemon/ingest/zap_authenticator.h"
#include "daemon/store/checkpointer.h"
#include "daemon/store/waiting_counts.h"

namespace pingan::services {

struct IoFigures {
  ingest::ReportServerStats ingest;
  std::optional<ingest::ZapStats> zap;  // none in insecure mode
  size_t http_connections = 0;
  size_t event_streams = 0;
  size_t writer_queue = 0;
  store::CheckpointCounts checkpoints;
  wire::CurveMemoryStats curve_memory;  // any thread may read it; gathered with the rest
};

std::vector<prometheus::MetricFamily> IoFamilies(const IoFigures& figures);
// Open and acknowledged alerts by kind, outbox rows waiting by state
// (store::CountWaiting).
std::vector<prometheus::MetricFamily> StoreFamilies(const store::WaitingCounts& counts);

}  // namespace pingan::services
