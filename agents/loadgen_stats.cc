#include "agents/loadgen_stats.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace pingan::agent::loadgen {
namespace {

double Ms(int64_t micros) {
  return static_cast<double>(micros) / 1000.0;
}

nlohmann::json ErrorsJson(const LoadErrors& e) {
  return {{"timeout", e.timeout},
          {"connect_failed", e.connect_failed},
          {"key_refused", e.key_refused},
          {"handshake_failed", e.handshake_failed},
          {"connection_lost", e.connection_lost},
          {"send_failed", e.send_failed},
          {"nack", e.nack},
          {"nack_reasons", e.nack_reasons},
          {"total", e.total()}};
}

LoadErrors ErrorsFromJson(const nlohmann::json& j) {
  LoadErrors e;
  e.timeout = j.at("timeout");
  e.connect_failed = j.at("connect_failed");
  e.key_refused = j.at("key_refused");
  e.handshake_failed = j.at("handshake_failed");
  e.connection_lost = j.at("connection_lost");
  e.send_failed = j.at("send_failed");
  e.nack = j.at("nack");
  e.nack_reasons = j.at("nack_reasons").get<std::map<std::string, uint64_t>>();
  return e;
}

}  // namespace

void LoadStats::NoteSend(Micros at, Micros due) {
  ++sent;
  if (first_send == Micros{0} || at < first_send) first_send = at;
  max_send_lag = std::max(max_send_lag, at - due);
}

void LoadStats::Merge(const LoadStats& o) {
  scheduled += o.scheduled;
  sent += o.sent;
  stored += o.stored;
  duplicates += o.duplicates;
  errors.timeout += o.errors.timeout;
  errors.connect_failed += o.errors.connect_failed;
  errors.key_refused += o.errors.key_refused;
  errors.handshake_failed += o.errors.handshake_failed;
  errors.connection_lost += o.errors.connection_lost;
  errors.send_failed += o.errors.send_failed;
  errors.nack += o.errors.nack;
  for (const auto& [reason, n] : o.errors.nack_reasons) errors.nack_reasons[reason] += n;
  late_acks += o.late_acks;
  bad_frames += o.bad_frames;
  connections += o.connections;
  reconnects += o.reconnects;
  socket_waits += o.socket_waits;
  if (o.first_send != Micros{0} && (first_send == Micros{0} || o.first_send < first_send)) {
    first_send = o.first_send;
  }
  last_ack = std::max(last_ack, o.last_ack);
  max_send_lag = std::max(max_send_lag, o.max_send_lag);
  latency.Merge(o.latency);
}

double LoadStats::AchievedRate() const {
  const auto span = last_ack - first_send;
  if (acked() == 0 || span <= Micros{0}) return 0;
  return static_cast<double>(acked()) * 1e6 / static_cast<double>(span.count());
}

// The counts both views carry.
nlohmann::json LoadStats::CountsJson() const {
  return {{"scheduled", scheduled},
          {"sent", sent},
          {"stored", stored},
          {"duplicates", duplicates},
          {"errors", ErrorsJson(errors)},
          {"late_acks", late_acks},
          {"bad_frames", bad_frames},
          {"connections", connections},
          {"reconnects", reconnects},
          {"socket_waits", socket_waits}};
}

nlohmann::json LoadStats::ToJson() const {
  nlohmann::json out = CountsJson();
  out["first_send_us"] = first_send.count();
  out["last_ack_us"] = last_ack.count();
  out["max_send_lag_us"] = max_send_lag.count();
  out["latency"] = latency.ToJson();
  return out;
}

LoadStats LoadStats::FromJson(const nlohmann::json& j) {
  LoadStats s;
  s.scheduled = j.at("scheduled");
  s.sent = j.at("sent");
  s.stored = j.at("stored");
  s.duplicates = j.at("duplicates");
  s.errors = ErrorsFromJson(j.at("errors"));
  s.late_acks = j.at("late_acks");
  s.bad_frames = j.at("bad_frames");
  s.connections = j.at("connections");
  s.reconnects = j.at("reconnects");
  s.socket_waits = j.at("socket_waits");
  s.first_send = Micros{j.at("first_send_us").get<int64_t>()};
  s.last_ack = Micros{j.at("last_ack_us").get<int64_t>()};
  s.max_send_lag = Micros{j.at("max_send_lag_us").get<int64_t>()};
  s.latency = LatencyHistogram::FromJson(j.at("latency"));
  return s;
}

nlohmann::json LoadStats::Summary(const Schedule& schedule) const {
  const auto& h = latency;
  const double planned_rate = schedule.pace == Pace::kRate
                                  ? schedule.rate
                                  : static_cast<double>(schedule.reports) * 1e6 /
                                        static_cast<double>(schedule.window.count());
  const auto span = acked() > 0 ? std::max(last_ack - first_send, Micros{0}) : Micros{0};
  nlohmann::json out = CountsJson();
  out.update(nlohmann::json{
      {"acked", acked()},
      {"latency_ms",
       {{"count", h.count()},
        {"mean", Ms(static_cast<int64_t>(h.mean()))},
        {"p50", Ms(h.Percentile(0.50))},
        {"p90", Ms(h.Percentile(0.90))},
        {"p99", Ms(h.Percentile(0.99))},
        {"p99.9", Ms(h.Percentile(0.999))},
        {"max", Ms(h.max())}}},
      {"planned_rate", planned_rate},
      {"achieved_rate", AchievedRate()},
      {"duration_s", static_cast<double>(span.count()) / 1e6},  // first send to last ack
      {"max_send_lag_ms", Ms(max_send_lag.count())},
  });
  return out;
}

std::string FormatSummary(const nlohmann::json& s) {
  std::ostringstream out;
  const auto& e = s["errors"];
  const auto& l = s["latency_ms"];
  char line[512];
  std::snprintf(line, sizeof line,
                "reports   scheduled %llu, sent %llu, acked %llu (stored %llu, duplicate %llu)\n",
                s["scheduled"].get<unsigned long long>(), s["sent"].get<unsigned long long>(),
                s["acked"].get<unsigned long long>(), s["stored"].get<unsigned long long>(),
                s["duplicates"].get<unsigned long long>());
  out << line;
  out << "errors    " << e["total"] << ": timeout " << e["timeout"] << ", connect failed "
      << e["connect_failed"] << ", key refused " << e["key_refused"] << ", handshake failed "
      << e["handshake_failed"] << ", connection lost " << e["connection_lost"] << ", send failed "
      << e["send_failed"] << ", nack " << e["nack"];
  for (const auto& [reason, n] : e["nack_reasons"].items()) out << " " << reason << "=" << n;
  out << "\n";
  out << "links     connections " << s["connections"] << ", reconnects " << s["reconnects"]
      << ", late acks " << s["late_acks"] << ", bad frames " << s["bad_frames"] << ", socket waits "
      << s["socket_waits"] << "\n";
  std::snprintf(line, sizeof line,
                "latency   ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f "
                "(%llu acks)\n",
                l["p50"].get<double>(), l["p90"].get<double>(), l["p99"].get<double>(),
                l["p99.9"].get<double>(), l["max"].get<double>(), l["mean"].get<double>(),
                l["count"].get<unsigned long long>());
  out << line;
  std::snprintf(line, sizeof line,
                "rate      planned %.1f/s, achieved %.1f/s over %.3f s; sends up to %.3f ms "
                "behind schedule\n",
                s["planned_rate"].get<double>(), s["achieved_rate"].get<double>(),
                s["duration_s"].get<double>(), s["max_send_lag_ms"].get<double>());
  out << line;
  return out.str();
}

}  // namespace pingan::agent::loadgen
