// EventPacer: lets a stream of "this changed" notes out as events at most once per
// interval — the first at once, every later one within the interval folded into one
// event at its end. Nothing is dropped: a note is always followed by an event at or
// after it, within one interval.
//
// Why: the console's pages and its board cache follow `ledger.updated`, which report
// intake caused after every committed batch — in the reporting hour, dozens a second,
// each making fifty open consoles recompute the board (docs/performance.md). A second
// of delay is invisible on a duty room's screen; the recomputations were not.
//
// Pure: time comes as an argument (a steady clock's, as pacing is about elapsed time,
// whatever the wall or drill clock says). Not thread-safe; one owner.
#pragma once

#include <chrono>
#include <optional>

namespace pingan::core {

class EventPacer {
 public:
  using Time = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;

  explicit EventPacer(Duration interval) : interval_(interval) {}

  // Something changed at `now`: true when its event goes out now, false when it is
  // folded into the one due at DueAt().
  bool Note(Time now);
  // When the folded event is due; nullopt when none is owed.
  std::optional<Time> DueAt() const;
  // At DueAt() or later: true when the folded event goes out now.
  bool Fire(Time now);

 private:
  Duration interval_;
  std::optional<Time> last_sent_;
  bool owed_ = false;
};

}  // namespace pingan::core
