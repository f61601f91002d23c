// ServiceHealth: the daemon's view of itself, for its supervisor and its operators.
//
// A probe runs every few seconds (and at half the systemd watchdog interval when one is
// asked for): it posts a no-op to the store's writer thread and, when that comes back
// to the io thread, pings the watchdog. So WATCHDOG=1 means that both the io thread and
// the writer answer; a writer stuck on a hung disk makes systemd restart pingand. The
// probe also re-evaluates readiness (ops::EvaluateReadiness) and logs each change of
// it, once: a clock set back or a failing store is an error in the log at once, not
// only a 503 on /readyz.
//
// Warnings() is what the duty console shows in its banner: the failed readiness checks
// and a report intake that looks cut off (a deadline passed, many schools owed, none
// reported: ops::LooksLikeSilentIntake), cleared by the next report, and a wall clock
// step that holds deadline decisions (StepGuardedClock), until it is confirmed. Codes and fixed
// texts only, no counts and no names: every signed-in user, leaders too, sees them.
//
// Threading: io thread only (the writer's answer is posted back to it).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/core/clock.h"
#include "daemon/core/clock_step.h"
#include "daemon/jobs/deadline_sweep.h"
#include "daemon/ops/readiness.h"
#include "daemon/ops/service_notifier.h"
#include "daemon/store/store_writer.h"

namespace pingan::app {

// How often the probe runs when systemd asks for no watchdog (or a slower one).
inline constexpr core::Millis kHealthProbeEvery = std::chrono::seconds{5};

class ServiceHealth {
 public:
  // `real_clock` times the probes; `data_clock` is the daemon's (a drill clock in drills).
  ServiceHealth(boost::asio::io_context& io, store::StoreWriter& writer,
                const core::Clock& real_clock, const core::Clock& data_clock,
                int silent_intake_min_owed);
  ServiceHealth(const ServiceHealth&) = delete;
  ServiceHealth& operator=(const ServiceHealth&) = delete;

  // Starts the probe; READY=1 with `status` for systemd.
  void Start(bool ingest_bound, const std::string& status);
  // STOPPING=1; readiness fails from now on; the probe stops.
  void BeginStop();
  // A deadline sweep completed (its position, and what its deadlines decided).
  void SweepCompleted(const jobs::SweepOutcome& outcome);
  // Reports reached the store: the intake works.
  void ReportsArrived();
  // The deadline sweep's clock saw a wall clock step (posted here by the daemon): logs
  // it loudly and tells the consoles. `held` answers whether a step is still held (it
  // may end by itself after the settle time: the probe notices and says so).
  void ClockStepped(const core::ClockStep& step);
  // A check of the database file finished (StoreCheck, `pinganctl check`): "" = clean.
  void StoreChecked(const std::string& path, const std::string& problems, double seconds);
  // An operator released the hold (`pinganctl clock confirm`).
  void ClockConfirmed() { CheckClockHold(); }
  void set_clock_hold(std::function<std::optional<core::ClockStep>()> held) {
    clock_hold_ = std::move(held);
  }
  void Reloading() const { notifier_.Reloading(); }
  void Reloaded(const std::string& status) const { notifier_.Ready(status); }

  ops::Readiness Readiness() const;

  struct Warning {
    std::string code;    // "intake_silent", "not_ready.store", "not_ready.sweep", ...
    std::string detail;  // English, for logs and tools; the console words it itself
  };
  std::vector<Warning> Warnings() const;
  // Called on the io thread when Warnings() changed (the console refetches them).
  void set_on_warnings_changed(std::function<void()> f) { on_warnings_changed_ = std::move(f); }

 private:
  void Probe();
  void Arm();
  void LogChange(const ops::Readiness& now);
  void CheckClockHold();

  boost::asio::io_context& io_;
  store::StoreWriter& writer_;
  const core::Clock& real_clock_;
  const core::Clock& data_clock_;
  ops::ServiceNotifier notifier_;
  boost::asio::steady_timer timer_;
  core::Millis probe_every_ = kHealthProbeEvery;
  bool running_ = false;
  bool probe_in_flight_ = false;
  bool ingest_bound_ = false;
  bool stopping_ = false;
  std::optional<core::Instant> writer_answer_;
  std::optional<core::Instant> last_sweep_;
  std::optional<core::Instant> swept_to_;
  std::string last_logged_;  // the failed checks last logged ("" = ready)
  int silent_intake_min_owed_;
  bool intake_silent_ = false;
  std::function<std::optional<core::ClockStep>()> clock_hold_;
  bool clock_held_ = false;   // as last told
  std::string store_damage_;  // what the last database check found
  std::function<void()> on_warnings_changed_;
};

}  // namespace pingan::app
