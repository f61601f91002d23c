// Heartbeat: the optional outbound "pingand is alive and ready" (monitoring.heartbeat_url),
// e.g. a Healthchecks check URL. Every period, while the daemon is ready, one GET;
// when the daemon, its machine or its network dies, the beats stop and the monitoring
// service raises the alarm that pingand itself can no longer raise. A daemon that is
// up but not ready withholds the beat for the same reason.
//
// Failures are counted (metrics) and logged once per streak, then every 10th, so a
// monitoring service that is down does not flood the log.
//
// Threading: constructed, started and stopped on the io thread, where the timer runs;
// the GET (blocking libcurl, bounded by its timeouts) runs on the heartbeat's own
// thread, never on the io thread. Destroy after the io_context stopped running (the
// destructor joins that thread; a result it posts then is dropped).
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "daemon/core/clock.h"
#include "daemon/core/failure_streak.h"

namespace pingan::app {

struct HeartbeatStats {
  uint64_t sent = 0;      // answered with a 2xx status
  uint64_t failed = 0;    // no answer, or another status
  uint64_t withheld = 0;  // periods skipped because the daemon was not ready
};

class Heartbeat {
 public:
  Heartbeat(boost::asio::io_context& io, std::string url, core::Millis every,
            std::function<bool()> ready, std::function<void()> on_failure);
  ~Heartbeat();
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  // The first beat goes at once, then every period.
  void Start();
  void Stop();
  const HeartbeatStats& stats() const { return stats_; }  // io thread

 private:
  void Beat();
  void Arm();
  void Done(bool ok, const std::string& why);

  boost::asio::io_context& io_;
  std::string url_;
  core::Millis every_;
  std::function<bool()> ready_;
  std::function<void()> on_failure_;
  boost::asio::steady_timer timer_;
  boost::asio::thread_pool sender_{1};
  bool running_ = false;
  bool in_flight_ = false;
  core::FailureStreak failures_{10};
  HeartbeatStats stats_;
};

}  // namespace pingan::app
