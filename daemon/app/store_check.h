// StoreCheck: PRAGMA quick_check of the live database, shortly after the start and then
// every monitoring.database_check_hours, so that a damaged page is found by pingand, not
// weeks later by a restore (a damaged middle page is invisible to the writer until it
// touches that page). The result goes to ServiceHealth: the log says DATABASE DAMAGED,
// /readyz fails on "store", and every console shows store_damaged until a check is
// clean again.
//
// The check reads the whole file (about 1 s per 200 MB here) on a read-pool thread from
// a read-only connection; WAL lets the writer and the intake go on beside it.
//
// Threading: Start/Stop and the timer on the io thread; the check on the pool; its
// result is posted back to the io thread. Stop before the io_context and the pool go.
#pragma once

#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/core/clock.h"
#include "daemon/store/read_connections.h"

namespace pingan::app {

class StoreCheck {
 public:
  using RunOnPool = std::function<void(std::function<void()>)>;
  // problems: "" when the check passed; otherwise what quick_check (or opening) said.
  using OnResult = std::function<void(const std::string& problems, double seconds)>;

  StoreCheck(boost::asio::io_context& io, store::ReadPool reads, RunOnPool pool,
             core::Millis first_after, core::Millis every, OnResult on_result);
  void Start();
  void Stop();

 private:
  void Arm(core::Millis after);
  void Run();

  boost::asio::io_context& io_;
  store::ReadPool reads_;
  RunOnPool pool_;
  core::Millis first_after_;
  core::Millis every_;
  OnResult on_result_;
  boost::asio::steady_timer timer_;
  bool running_ = false;
};

// One check now on the calling thread (never the io thread): "" when clean.
std::string CheckLiveDatabase(store::ReadPool& reads, bool full, double* seconds);

}  // namespace pingan::app
