#include "agents/commands.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "agents/sender.h"
#include "agents/spool.h"
#include "daemon/core/local_time.h"
#include "daemon/ingest/curve_keys.h"

namespace pingan::agent {
namespace {

constexpr auto kPurgeEvery = std::chrono::hours{1};

const date::time_zone& ZoneOr(const AgentConfig& config) {
  const date::time_zone* zone = core::FindTimeZone(config.time_zone);
  return zone != nullptr ? *zone : *core::FindTimeZone("UTC");
}

// Local wall time for people: "2026-10-03 16:05:09 CST".
std::string LocalText(const date::time_zone& zone, core::Instant t) {
  return date::format("%F %T %Z", date::make_zoned(&zone, date::floor<std::chrono::seconds>(t)));
}

std::unique_ptr<Spool> OpenSpool(const AgentConfig& config, CommandIo& io) {
  auto opened = Spool::Open(config.spool_path, io.clock);
  if (auto* e = std::get_if<SpoolError>(&opened)) {
    io.err << "pingan-agent: " << e->message << "\n";
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<Spool>>(opened));
}

// What happened to one report, in the words the command prints; sets the exit code.
int PrintOutcome(const SpoolEntry& e, CommandIo& io) {
  io.out << e.report_id << ": ";
  if (e.state == SpoolState::kAcked) {
    io.out << wire::AckStatusName(e.ack_status.value_or(wire::AckStatus::kStored)) << "\n";
    return kExitOk;
  }
  if (e.state == SpoolState::kRejected) {
    io.out << "rejected: " << core::RejectReasonName(*e.rejected) << " " << e.reject_detail << "\n";
    return kExitRejected;
  }
  io.out << "spooled, not yet acknowledged: will be resent by `pingan-agent run`";
  if (!e.last_error.empty()) io.out << " (last attempt: " << e.last_error << ")";
  io.out << "\n";
  return kExitOk;
}

nlohmann::json EntryJson(const SpoolEntry& e) {
  nlohmann::json j{
      {"report_id", e.report_id}, {"kind", core::ReportKindName(e.kind)},
      {"covers", e.covers},       {"state", SpoolStateName(e.state)},
      {"attempts", e.attempts},   {"created_at", core::FormatInstantUtc(e.created_at)}};
  if (e.state == SpoolState::kPending) {
    j["next_attempt_at"] = core::FormatInstantUtc(e.next_attempt_at);
  }
  if (!e.last_error.empty()) j["last_error"] = e.last_error;
  if (e.ack_status) j["ack_status"] = wire::AckStatusName(*e.ack_status);
  if (e.rejected) {
    j["reject_reason"] = core::RejectReasonName(*e.rejected);
    j["reject_detail"] = e.reject_detail;
  }
  if (e.answered_at) j["answered_at"] = core::FormatInstantUtc(*e.answered_at);
  return j;
}

void PrintEntry(const SpoolEntry& e, const date::time_zone& zone, std::ostream& out) {
  out << "  " << e.report_id << "  " << core::ReportKindName(e.kind) << "  " << e.covers << "  "
      << LocalText(zone, e.created_at) << "  ";
  switch (e.state) {
    case SpoolState::kAcked:
      out << "acked (" << wire::AckStatusName(e.ack_status.value_or(wire::AckStatus::kStored))
          << ")";
      break;
    case SpoolState::kRejected:
      out << "rejected: " << core::RejectReasonName(*e.rejected) << " " << e.reject_detail;
      break;
    case SpoolState::kPending:
      out << "pending, " << e.attempts << " attempt(s), next "
          << LocalText(zone, e.next_attempt_at);
      if (!e.last_error.empty()) out << "; last error: " << e.last_error;
      break;
  }
  out << "\n";
}

}  // namespace

int RunKeygen(const std::string& base, CommandIo& io) {
  for (const char* ext : {".key", ".pub"}) {
    if (std::filesystem::exists(base + ext)) {
      io.err << "pingan-agent: " << base << ext << " exists; refusing to overwrite it\n";
      return kExitFailure;
    }
  }
  const wire::CurveKeyPair keys = wire::GenerateCurveKeyPair();
  if (auto r = wire::WriteKeyPair(base, keys); auto* e = std::get_if<wire::KeyError>(&r)) {
    io.err << "pingan-agent: " << e->message << "\n";
    return kExitFailure;
  }
  io.out << "wrote " << base << ".key (secret, mode 0600) and " << base << ".pub\n"
         << "public key: " << keys.public_z85 << "\n"
         << "Give " << base << ".pub to the daemon's operator, to be installed as "
         << "<school_id>.pub in its school key directory.\n";
  return kExitOk;
}

int SubmitReport(const AgentConfig& config, const ReportFactory& build, core::Millis wait,
                 CommandIo& io) {
  if (auto problem = CheckReportingSettings(config); !problem.empty()) {
    io.err << "pingan-agent: " << problem << "\n";
    return kExitFailure;
  }
  auto options = MakeSenderOptions(config);
  if (auto* problem = std::get_if<std::string>(&options)) {
    io.err << "pingan-agent: cannot send: " << *problem << "\n";
    return kExitFailure;
  }
  const ReportContext context{config.school_id, &AgentTimeZone(config), io.clock.Now(), {}};
  BuildResult built = build(context);
  if (auto* refusal = std::get_if<LocalRefusal>(&built)) {
    io.err << "pingan-agent: refused, nothing was spooled: " << refusal->message << "\n";
    return kExitRefused;
  }
  const core::Report& report = std::get<core::Report>(built);
  auto spool = OpenSpool(config, io);
  if (!spool) return kExitFailure;
  if (auto added = spool->Add(report); auto* refusal = std::get_if<LocalRefusal>(&added)) {
    io.err << "pingan-agent: refused, nothing was spooled: " << refusal->message << "\n";
    return kExitRefused;
  }
  io.out << "spooled " << core::ReportKindName(report.kind) << " report " << report.report_id
         << " for " << core::FormatDate(report.covers) << "\n";

  Sender sender(*spool, io.clock, std::get<SenderOptions>(std::move(options)));
  const core::Instant deadline = io.clock.Now() + wait;
  while (io.clock.Now() < deadline) {
    const StepResult step = sender.Step();
    if (spool->Get(report.report_id)->state != SpoolState::kPending) break;
    if (!step.busy) {
      // Waiting for a backoff to expire; pause instead of spinning.
      io.wait(std::min<core::Millis>(core::Millis{100}, deadline - io.clock.Now()));
    }
  }
  sender.Close();
  return PrintOutcome(*spool->Get(report.report_id), io);
}

int ShowStatus(const AgentConfig& config, bool json, size_t last, CommandIo& io) {
  if (!std::filesystem::exists(config.spool_path)) {
    io.out << "no spool at " << config.spool_path << " yet: nothing was ever reported\n";
    return kExitOk;
  }
  auto spool = OpenSpool(config, io);
  if (!spool) return kExitFailure;
  const SpoolCounts counts = spool->Counts();
  const auto recent = spool->Recent(last);
  if (json) {
    nlohmann::json j{{"spool", config.spool_path},
                     {"pending", counts.pending},
                     {"acked", counts.acked},
                     {"rejected", counts.rejected},
                     {"recent", nlohmann::json::array()}};
    if (counts.oldest_pending) j["oldest_pending"] = core::FormatInstantUtc(*counts.oldest_pending);
    if (counts.next_attempt_at)
      j["next_attempt_at"] = core::FormatInstantUtc(*counts.next_attempt_at);
    for (const auto& e : recent) j["recent"].push_back(EntryJson(e));
    io.out << j.dump(2) << "\n";
    return kExitOk;
  }
  const date::time_zone& zone = ZoneOr(config);
  io.out << "spool: " << config.spool_path << "\n"
         << "pending: " << counts.pending << "  acked: " << counts.acked
         << "  rejected: " << counts.rejected << "\n";
  if (counts.oldest_pending) {
    io.out << "oldest pending report created " << LocalText(zone, *counts.oldest_pending)
           << "; next attempt " << LocalText(zone, *counts.next_attempt_at) << "\n";
  }
  if (!recent.empty()) io.out << "last " << recent.size() << " report(s), newest first:\n";
  for (const auto& e : recent) PrintEntry(e, zone, io.out);
  return kExitOk;
}

int RunService(const AgentConfig& config, core::Millis poll_interval, CommandIo& io) {
  auto options = MakeSenderOptions(config);
  if (auto* problem = std::get_if<std::string>(&options)) {
    io.err << "pingan-agent: cannot send: " << *problem << "\n";
    return kExitFailure;
  }
  auto spool = OpenSpool(config, io);
  if (!spool) return kExitFailure;
  Sender sender(*spool, io.clock, std::get<SenderOptions>(std::move(options)));
  spdlog::info("pingan-agent running: spool {}, {} endpoint(s)", config.spool_path,
               config.endpoints.size());
  core::Instant next_purge = io.clock.Now();
  while (true) {
    const core::Instant now = io.clock.Now();
    if (now >= next_purge) {
      const int64_t purged = spool->PurgeAcked(std::chrono::days{config.keep_acked_days});
      if (purged > 0) spdlog::info("purged {} acknowledged report(s) from the spool", purged);
      next_purge = now + kPurgeEvery;
    }
    if (sender.Step().busy) {
      if (io.wait(core::Millis{0})) break;
      continue;
    }
    core::Millis pause = poll_interval;
    if (auto wake = sender.NextWakeup()) {
      pause = std::clamp<core::Millis>(*wake - io.clock.Now(), core::Millis{0}, poll_interval);
    }
    if (io.wait(pause)) break;
  }
  sender.Close();
  spdlog::info("pingan-agent stopped; {} report(s) pending", spool->Counts().pending);
  return kExitOk;
}

}  // namespace pingan::agent
