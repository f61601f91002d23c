// PeerLog: how ingest writes log lines that a remote peer causes (a rejected frame, a
// refused handshake), so that no peer can flood the log.
//
// Each line has a kind and a peer ("rejected bad_report_id", "sch-a"); per kind and
// peer the first few lines of each minute are written, then "N more ... suppressed"
// once the minute is over, and all peers together share one budget
// (core::LogLimiter). Every string that came from outside must already be escaped and
// cut with core::LogSafe by the caller; the peer is escaped here.
//
// Time comes from the clock given (the daemon passes real time, also during a drill);
// a timer on the io_context writes owed summaries when a flood stops. Threading: io
// thread only; destroy before the io_context.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/core/clock.h"
#include "daemon/core/log_limiter.h"

namespace pingan::ingest {

class PeerLog {
 public:
  PeerLog(boost::asio::io_context& io, const core::Clock& clock, std::string subsystem,
          core::LogLimits limits);
  ~PeerLog();
  PeerLog(const PeerLog&) = delete;
  PeerLog& operator=(const PeerLog&) = delete;

  // Writes "<subsystem>: <line>" at `level` unless this (kind, peer) or the whole
  // budget is spent for the current minute.
  void Write(spdlog::level::level_enum level, std::string_view kind, std::string_view peer,
             const std::string& line);
  // Lines not written so far.
  uint64_t suppressed() const { return limiter_.suppressed(); }

 private:
  void WriteSummaries();
  void ArmTimer();

  const core::Clock& clock_;
  std::string subsystem_;
  core::LogLimiter limiter_;
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;
};

}  // namespace pingan::ingest
