// Ledger rules: how a school stands with one reporting window, which window a report
// satisfies, and the sweep and reminder decisions. Pure functions over plain values;
// they take `now` as an argument and are safe on any thread.
//
// The rules, in one place:
//  * On time: received at or before grace_end (deadline + grace). A report inside the
//    grace period is on time, with lateness 0: grace is the tolerance the bureau grants.
//  * Late: received after grace_end; lateness = received_at - deadline (not - grace_end,
//    so the figure means "how long after the deadline", as people read it).
//  * Missing: nothing received and now >= grace_end. The sweep decides it once, at grace
//    end, from what has been stored by then; a report that arrives afterwards turns the
//    entry into late (or on time, if it arrived at grace_end exactly).
//  * Expected: nothing received yet and the grace period has not ended.
//  * Excused: the school is paused (closed, merged); it owes nothing, whether or not
//    something arrives. received_at is still kept.
//  * Early reports: a report covering date D counts for D's first window whenever it
//    arrives, even before the window opens (e.g. sent the evening before); it can only
//    be on time or late by the rules above. A day's later windows (several deadlines a
//    day) only take reports that arrive after the previous deadline of that day, so a
//    morning report never satisfies the afternoon's window.
//  * Incidents: an incident report covering D satisfies D's all-clear window, exactly
//    like an all-clear (the school did report; reporting an incident must never look
//    worse than silence).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/window.h"
#include "daemon/core/window_tally.h"

namespace pingan::core {

enum class LedgerStatus { kExpected, kOnTime, kLate, kMissing, kExcused };

std::string_view LedgerStatusName(LedgerStatus s);  // "expected", "on_time", "late", ...
std::optional<LedgerStatus> ParseLedgerStatus(std::string_view name);

struct LedgerEntry {
  LedgerStatus status = LedgerStatus::kExpected;
  std::optional<Instant> received_at;
  Millis lateness{0};  // received_at - deadline for late entries, else 0

  friend bool operator==(const LedgerEntry&, const LedgerEntry&) = default;
};

// `received_at` is the arrival time of the first report attributed to the window.
LedgerEntry Classify(const Window& window, std::optional<Instant> received_at, bool paused,
                     Instant now);

// Which of `candidates` (from Schedule::WindowsFor for the report's school, kind and
// covered date) a report received at `received_at` satisfies: at most one window per
// requirement. Per requirement, windows are taken in deadline order and the report goes
// to the first one not yet received (`already_received` false) that is open by then;
// the first window of the covered date is always open (early reports count). Empty when
// every open window already has its report (a repeat or correction).
std::vector<Window> AttributeReport(const std::vector<Window>& candidates, Instant received_at,
                                    const std::function<bool(const Window&)>& already_received);

// The sweep decision for one window whose grace period has ended: the schools that
// owe it and have not reported are missing; paused schools are excused.
struct SweepDecision {
  Window window;
  std::string sweep_key;  // SweepKey(window): record it to sweep the window only once
  std::vector<const Unit*> missing;
  std::vector<const Unit*> excused;
};
SweepDecision DecideSweep(const DueWindow& due,
                          const std::function<bool(std::string_view school_id)>& has_report);
// The same decision from a tally that knows the window (a pass over its bits: about a
// millisecond for 520,000 schools).
SweepDecision DecideSweep(const DueWindow& due, const WindowTally& reported);

// Schools of a window whose reminder is due that have not reported yet (paused ones
// never get reminders).
std::vector<const Unit*> SchoolsToRemind(
    const DueWindow& due, const std::function<bool(std::string_view school_id)>& has_report);

// Tallies for statistics (on-time rate per school, district, ...). Reporting promptly
// is counted apart from having incidents: these counts know nothing of incidents.
struct LedgerCounts {
  size_t expected = 0, on_time = 0, late = 0, missing = 0, excused = 0;
  void Add(LedgerStatus s, size_t n = 1);
  size_t Decided() const { return on_time + late + missing; }
  // on_time / (on_time + late + missing); nullopt when nothing has been decided.
  std::optional<double> OnTimeRate() const;
};

}  // namespace pingan::core
