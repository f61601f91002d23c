#include "daemon/services/metrics_snapshot.h"

#include "daemon/ops/metrics.h"

namespace pingan::services {
namespace {

using ops::CounterFamily;
using ops::GaugeFamily;
using ops::Sample;

double D(uint64_t v) {
  return static_cast<double>(v);
}

std::vector<Sample> Rejections(const ingest::ReportServerStats& s) {
  std::vector<Sample> out;
  for (const auto& [reason, n] : s.rejected_by_reason) {
    out.push_back({{{"reason", core::RejectReasonName(reason)}}, D(n)});
  }
  return out;
}

void AddHandshakes(const IoFigures& f, std::vector<prometheus::MetricFamily>& out) {
  const ingest::SocketCounts& c = f.ingest.connections;
  std::vector<Sample> failed = {{{{"reason", "protocol"}}, D(c.handshake_failed_protocol)},
                                {{{"reason", "other"}}, D(c.handshake_failed_other)}};
  if (f.zap) {
    failed.push_back({{{"reason", "unknown_key"}}, D(f.zap->denied_unknown_key)});
    failed.push_back({{{"reason", "mechanism"}}, D(f.zap->denied_mechanism)});
    out.push_back(CounterFamily("pingan_handshakes_accepted_total",
                                "CURVE handshakes whose key ZAP accepted",
                                {{{}, D(f.zap->accepted)}}));
  }
  out.push_back(CounterFamily("pingan_handshakes_failed_total",
                              "Connections refused during the handshake, by reason", failed));
}

}  // namespace

std::vector<prometheus::MetricFamily> IoFamilies(const IoFigures& f) {
  const ingest::ReportServerStats& s = f.ingest;
  std::vector<prometheus::MetricFamily> out = {
      CounterFamily("pingan_reports_received_total", "Report frames read from the report socket",
                    {{{}, D(s.received)}}),
      CounterFamily("pingan_reports_stored_total", "Reports committed and acknowledged STORED",
                    {{{}, D(s.stored)}}),
      CounterFamily("pingan_reports_duplicate_total",
                    "Reports already stored, acknowledged DUPLICATE", {{{}, D(s.duplicates)}}),
      CounterFamily("pingan_reports_rejected_total", "Reports refused, by reason", Rejections(s)),
      CounterFamily("pingan_reports_store_failed_total",
                    "Reports answered STORE_UNAVAILABLE because their batch did not commit",
                    {{{}, D(s.store_failures)}}),
      CounterFamily("pingan_acks_unroutable_total",
                    "Acknowledgements whose agent had gone (it resends)",
                    {{{}, D(s.unroutable_acks)}}),
      GaugeFamily("pingan_zmq_connections", "Open connections on the report socket",
                  {{{}, static_cast<double>(s.connections.open)}}),
      CounterFamily("pingan_zmq_connections_refused_total",
                    "Report-port connections closed at once beyond ingest.max_connections",
                    {{{}, D(s.connections.refused_over_cap)}}),
      GaugeFamily("pingan_http_connections", "Open HTTP connections",
                  {{{}, D(f.http_connections)}}),
      GaugeFamily("pingan_sse_clients", "Open console event streams", {{{}, D(f.event_streams)}}),
      GaugeFamily("pingan_writer_queue_reports", "Reports waiting for the store's writer",
                  {{{}, D(f.writer_queue)}}),
      CounterFamily("pingan_wal_checkpoints_total",
                    "Copies of the write-ahead log into the database file, by who ran them "
                    "(inline: the background checkpoint was not keeping up)",
                    {{{{"by", "background"}}, D(f.checkpoints.background)},
                     {{{"by", "restart"}}, D(f.checkpoints.restarts)},
                     {{{"by", "inline"}}, D(f.checkpoints.inline_bound)}}),
      GaugeFamily("pingan_curve_memory_bytes",
                  "Locked memory for CURVE handshake buffers: mapped, and in use by "
                  "handshakes in progress",
                  {{{{"state", "mapped"}}, D(f.curve_memory.arena.bytes_mapped)},
                   {{{"state", "in_use"}}, D(f.curve_memory.arena.bytes_in_use)}}),
      CounterFamily("pingan_curve_memory_lock_failures_total",
                    "Chunks of CURVE handshake memory that could not be locked (raise "
                    "LimitMEMLOCK)",
                    {{{}, D(f.curve_memory.arena.lock_failures)}}),
      CounterFamily("pingan_curve_guarded_allocations_total",
                    "CURVE buffers left to libsodium's guarded allocations (large, or "
                    "PINGAN_CURVE_MEMORY=guarded)",
                    {{{}, D(f.curve_memory.guarded_allocations)}}),
  };
  AddHandshakes(f, out);
  return out;
}

std::vector<prometheus::MetricFamily> StoreFamilies(const store::WaitingCounts& counts) {
  std::vector<Sample> alerts;
  for (const auto& a : counts.alerts) {
    alerts.push_back({{{"kind", std::string(core::AlertKindName(a.kind))},
                       {"state", std::string(core::AlertStateName(a.state))}},
                      D(static_cast<uint64_t>(a.count))});
  }
  std::vector<Sample> outbox;
  for (const auto& o : counts.outbox) {
    outbox.push_back({{{"state", std::string(core::OutboxStatusName(o.state))}},
                      D(static_cast<uint64_t>(o.count))});
  }
  return {
      GaugeFamily("pingan_alerts", "Alerts not yet resolved, by kind and state", alerts),
      GaugeFamily("pingan_outbox_messages", "Notifications waiting to be sent, by state", outbox)};
}

}  // namespace pingan::services
