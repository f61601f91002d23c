#include "daemon/app/service_health.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "daemon/core/local_time.h"
#include "daemon/core/text.h"

namespace pingan::app {

ServiceHealth::ServiceHealth(boost::asio::io_context& io, store::StoreWriter& writer,
                             const core::Clock& real_clock, const core::Clock& data_clock,
                             int silent_intake_min_owed)
    : io_(io),
      writer_(writer),
      real_clock_(real_clock),
      data_clock_(data_clock),
      timer_(io),
      silent_intake_min_owed_(silent_intake_min_owed) {
  if (const auto watchdog = notifier_.watchdog_ping_interval()) {
    probe_every_ = std::min(probe_every_, std::chrono::duration_cast<core::Millis>(*watchdog));
    spdlog::info("systemd watchdog: pinging every {} ms", probe_every_.count());
  }
}

void ServiceHealth::Start(bool ingest_bound, const std::string& status) {
  ingest_bound_ = ingest_bound;
  running_ = true;
  notifier_.Ready(status);
  Probe();
}

void ServiceHealth::BeginStop() {
  stopping_ = true;
  running_ = false;
  timer_.cancel();
  notifier_.Stopping("stopping: committing and acknowledging what was received");
}

void ServiceHealth::SweepCompleted(const jobs::SweepOutcome& o) {
  last_sweep_ = real_clock_.Now();
  swept_to_ = o.to;
  if (intake_silent_ || o.windows == 0 ||
      !ops::LooksLikeSilentIntake(o.owed, o.missing, o.excused, silent_intake_min_owed_)) {
    return;
  }
  intake_silent_ = true;
  spdlog::error(
      "NO REPORTS: {} deadlines passed with {} schools owing and not one report arrived. "
      "Is the report port reachable from the schools (firewall, address, DNS), and do the "
      "agents have this daemon's public key? Cleared at the next report.",
      o.windows, o.owed - o.excused);
  if (on_warnings_changed_) on_warnings_changed_();
}

void ServiceHealth::ReportsArrived() {
  if (!intake_silent_) return;
  intake_silent_ = false;
  spdlog::warn("reports arrive again: the report intake works");
  if (on_warnings_changed_) on_warnings_changed_();
}

void ServiceHealth::ClockStepped(const core::ClockStep& step) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(step.size).count();
  spdlog::error(
      "CLOCK STEP: the wall clock moved {} min {} real time (now {}). Deadlines after {} are "
      "NOT decided until the time is confirmed with `pinganctl clock confirm`{}.",
      minutes < 0 ? -minutes : minutes, minutes < 0 ? "behind" : "ahead of",
      core::FormatInstantUtc(step.seen_at), core::FormatInstantUtc(step.hold_at),
      step.ends ? " or the settle time (monitoring.clock_settle_minutes) has passed" : "");
  clock_held_ = true;
  if (on_warnings_changed_) on_warnings_changed_();
}

void ServiceHealth::StoreChecked(const std::string& path, const std::string& problems,
                                 double seconds) {
  if (problems == store_damage_) {
    if (problems.empty()) spdlog::info("database check: {} is sound ({:.1f} s)", path, seconds);
    return;
  }
  if (problems.empty()) {
    spdlog::warn("database check: {} is sound again", path);
  } else {
    spdlog::error(
        "DATABASE DAMAGED: {} fails quick_check: {}. Reports may be lost or unreadable: stop "
        "pingand, keep the file, and restore the last backup (pinganctl restore).",
        path, core::LogSafe(problems, 400));
  }
  store_damage_ = problems;
  if (on_warnings_changed_) on_warnings_changed_();
}

void ServiceHealth::CheckClockHold() {
  const bool held = clock_hold_ && clock_hold_().has_value();
  if (held == clock_held_) return;
  clock_held_ = held;
  if (!held) spdlog::warn("clock step released: deadlines are decided again");
  if (on_warnings_changed_) on_warnings_changed_();
}

std::vector<ServiceHealth::Warning> ServiceHealth::Warnings() const {
  std::vector<Warning> out;
  if (clock_hold_) {
    if (std::optional<core::ClockStep> step = clock_hold_()) {
      out.push_back({"clock_step", "the wall clock jumped; deadlines after " +
                                       core::FormatInstantUtc(step->hold_at) +
                                       " wait for `pinganctl clock confirm`"});
    }
  }
  if (intake_silent_) {
    out.push_back({"intake_silent",
                   "a deadline passed and not one school reported: the report intake may be "
                   "cut off"});
  }
  for (const ops::ReadinessCheck& check : Readiness().checks) {
    if (check.ok) continue;
    const bool damaged = check.name == "store" && !store_damage_.empty();
    out.push_back({damaged ? "store_damaged" : "not_ready." + check.name, check.detail});
  }
  return out;
}

ops::Readiness ServiceHealth::Readiness() const {
  ops::ReadinessInputs in;
  in.real_now = real_clock_.Now();
  in.writer_answer = writer_answer_;
  in.store_failures_in_a_row = writer_.FailuresInARow();
  in.store_damage = store_damage_;
  in.ingest_bound = ingest_bound_;
  in.stopping = stopping_;
  in.last_sweep = last_sweep_;
  in.data_now = data_clock_.Now();
  in.swept_to = swept_to_;
  return ops::EvaluateReadiness(in);
}

void ServiceHealth::Probe() {
  if (!running_ || probe_in_flight_) return;
  probe_in_flight_ = true;
  // The answer comes back through the writer's queue: it proves that thread is alive.
  writer_.Post([this](store::Database&) {
    boost::asio::post(io_, [this] {
      probe_in_flight_ = false;
      if (!running_) return;
      writer_answer_ = real_clock_.Now();
      notifier_.WatchdogPing();
      LogChange(Readiness());
      CheckClockHold();
    });
  });
  Arm();
}

void ServiceHealth::Arm() {
  timer_.expires_after(probe_every_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !running_) return;
    if (probe_in_flight_) {
      // The writer has not answered a whole period: no watchdog ping (systemd restarts
      // pingand if this lasts), and readiness says so.
      LogChange(Readiness());
      Arm();
      return;
    }
    Probe();
  });
}

void ServiceHealth::LogChange(const ops::Readiness& now) {
  std::string failed;
  for (const ops::ReadinessCheck& check : now.checks) {
    if (!check.ok) failed += (failed.empty() ? "" : "; ") + check.name + ": " + check.detail;
  }
  if (failed == last_logged_) return;
  if (failed.empty()) {
    spdlog::warn("ready again (was: {})", last_logged_);
    notifier_.Status("ready");
  } else {
    spdlog::error("NOT READY: {}", failed);
    notifier_.Status("not ready: " + failed);
  }
  last_logged_ = failed;
  if (on_warnings_changed_) on_warnings_changed_();
}

}  // namespace pingan::app
