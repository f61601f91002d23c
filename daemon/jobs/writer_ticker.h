// WriterTicker: runs a job on the StoreWriter thread periodically and hands its
// outcome back to the io_context thread. The deadline sweep and the escalation runner
// are both this: a timer on the io thread, one run in flight at most, a Kick to run at
// once (e.g. after a drill clock jumped), and a run that asks for more (its batch was
// full) followed by another at once.
//
// Threading: Start, Stop, Kick and `done` run on the io thread; `job` runs on the
// writer thread. A job that throws is logged and retried at the next tick. The ticker
// must outlive the StoreWriter's queued jobs (stop the writer first).
#pragma once

#include <spdlog/spdlog.h>

#include <functional>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/core/clock.h"
#include "daemon/store/store_writer.h"

namespace pingan::jobs {

template <typename Outcome>
class WriterTicker {
 public:
  using Job = std::function<Outcome(store::Database&)>;
  // Returns true to run again at once.
  using Done = std::function<bool(const Outcome&)>;

  WriterTicker(boost::asio::io_context& io, store::StoreWriter& writer, std::string name,
               core::Millis tick, Job job, Done done)
      : io_(io),
        writer_(writer),
        name_(std::move(name)),
        tick_(tick),
        job_(std::move(job)),
        done_(std::move(done)),
        timer_(io) {}

  // Runs at once (catching up on what fell due while the daemon was down), then ticks.
  void Start() {
    running_ = true;
    Run();
  }
  void Stop() {
    running_ = false;
    timer_.cancel();
  }
  void Kick() {
    if (!running_ || in_flight_) return;
    timer_.cancel();  // the cancelled wait returns operation_aborted and does nothing
    Run();
  }

 private:
  void Arm() {
    timer_.expires_after(tick_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec && running_) Run();
    });
  }

  void Run() {
    if (in_flight_) return;
    in_flight_ = true;
    writer_.Post([this](store::Database& db) {
      std::optional<Outcome> outcome;
      try {
        outcome = job_(db);
      } catch (const std::exception& e) {
        spdlog::error("{} failed, will retry: {}", name_, e.what());
      }
      boost::asio::post(io_, [this, outcome = std::move(outcome)] {
        in_flight_ = false;
        const bool again = outcome && done_ && done_(*outcome);
        if (!running_) return;
        if (again) {
          Run();
        } else {
          Arm();
        }
      });
    });
  }

  boost::asio::io_context& io_;
  store::StoreWriter& writer_;
  std::string name_;
  core::Millis tick_;
  Job job_;
  Done done_;
  boost::asio::steady_timer timer_;
  bool in_flight_ = false;
  bool running_ = false;
};

}  // namespace pingan::jobs
