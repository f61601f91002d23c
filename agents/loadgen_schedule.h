// Load generator schedule: when each of the N reports is sent, and which worker sends
// it. Open loop: a report goes out at its time whether or not earlier ones were
// answered, as independent schools do (a closed loop would slow down with the daemon
// and hide its latency).
//
// Times are microseconds on a monotonic clock (CLOCK_MONOTONIC is one clock for every
// process of the machine, so forked workers share one start instant). Pure values;
// a SendPlan belongs to one worker thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace pingan::agent::loadgen {

using Micros = std::chrono::microseconds;

enum class Pace {
  kRate,   // steady: `rate` reports a second
  kBurst,  // all reports spread evenly over `window` (schools reporting before a deadline)
};

struct Schedule {
  int64_t reports = 0;
  Pace pace = Pace::kRate;
  double rate = 0;  // reports per second (kRate)
  Micros window{};  // kBurst

  // When report `index` (0-based) is due, after the start.
  Micros Offset(int64_t index) const;
  // When the last report is due.
  Micros Span() const;
};

// "" when usable, else what is wrong.
std::string CheckSchedule(const Schedule& schedule);

// The reports of one worker out of `workers`: indexes worker, worker+workers, ...
// handed out in order as their time comes.
class SendPlan {
 public:
  SendPlan(const Schedule& schedule, int worker, int workers, Micros start);

  // The next report due at `now` (and takes it), or nullopt when none is due yet.
  std::optional<int64_t> NextDue(Micros now);
  // When the next report is due; nullopt once every report was taken.
  std::optional<Micros> NextAt() const;
  // When report `index` was due.
  Micros DueAt(int64_t index) const { return start_ + schedule_.Offset(index); }
  int64_t count() const;  // reports of this worker
  bool done() const { return next_ >= schedule_.reports; }

 private:
  Schedule schedule_;
  int64_t next_;
  int64_t step_;
  int64_t first_;
  Micros start_;
};

}  // namespace pingan::agent::loadgen
