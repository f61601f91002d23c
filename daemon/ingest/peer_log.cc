#include "daemon/ingest/peer_log.h"

#include "daemon/core/text.h"

namespace pingan::ingest {
namespace {

// How often owed summaries are looked for while lines are being suppressed.
constexpr std::chrono::seconds kSummaryCheck{5};

}  // namespace

PeerLog::PeerLog(boost::asio::io_context& io, const core::Clock& clock, std::string subsystem,
                 core::LogLimits limits)
    : clock_(clock), subsystem_(std::move(subsystem)), limiter_(limits), timer_(io) {}

PeerLog::~PeerLog() {
  timer_.cancel();
}

void PeerLog::Write(spdlog::level::level_enum level, std::string_view kind, std::string_view peer,
                    const std::string& line) {
  std::string key(kind);
  key += " from ";
  key += core::LogSafe(peer);
  const bool write = limiter_.Allow(key, clock_.Now());
  WriteSummaries();
  if (write) spdlog::log(level, "{}: {}", subsystem_, line);
  ArmTimer();
}

void PeerLog::WriteSummaries() {
  for (const core::SuppressedLines& s : limiter_.TakeSummaries(clock_.Now())) {
    if (s.key.empty()) {
      spdlog::warn("{}: {} more lines suppressed (the log budget of all peers was spent)",
                   subsystem_, s.count);
    } else {
      spdlog::warn("{}: {} more lines like '{}' suppressed", subsystem_, s.count, s.key);
    }
  }
}

void PeerLog::ArmTimer() {
  if (timer_armed_ || limiter_.idle()) return;
  timer_armed_ = true;
  timer_.expires_after(kSummaryCheck);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the owner is going away
    timer_armed_ = false;
    WriteSummaries();
    ArmTimer();
  });
}

}  // namespace pingan::ingest
