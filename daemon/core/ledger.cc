#include "daemon/core/ledger.h"

#include <algorithm>
#include <map>

namespace pingan::core {

std::string_view LedgerStatusName(LedgerStatus s) {
  switch (s) {
    case LedgerStatus::kExpected:
      return "expected";
    case LedgerStatus::kOnTime:
      return "on_time";
    case LedgerStatus::kLate:
      return "late";
    case LedgerStatus::kMissing:
      return "missing";
    case LedgerStatus::kExcused:
      return "excused";
  }
  return "unknown";
}

std::optional<LedgerStatus> ParseLedgerStatus(std::string_view name) {
  for (auto s : {LedgerStatus::kExpected, LedgerStatus::kOnTime, LedgerStatus::kLate,
                 LedgerStatus::kMissing, LedgerStatus::kExcused}) {
    if (LedgerStatusName(s) == name) return s;
  }
  return std::nullopt;
}

LedgerEntry Classify(const Window& window, std::optional<Instant> received_at, bool paused,
                     Instant now) {
  LedgerEntry e;
  e.received_at = received_at;
  if (paused) {
    e.status = LedgerStatus::kExcused;
  } else if (received_at) {
    if (*received_at <= window.grace_end) {
      e.status = LedgerStatus::kOnTime;
    } else {
      e.status = LedgerStatus::kLate;
      e.lateness = *received_at - window.deadline;
    }
  } else {
    e.status = now >= window.grace_end ? LedgerStatus::kMissing : LedgerStatus::kExpected;
  }
  return e;
}

std::vector<Window> AttributeReport(const std::vector<Window>& candidates, Instant received_at,
                                    const std::function<bool(const Window&)>& already_received) {
  // Per requirement and covered range, in deadline order.
  std::map<std::string_view, std::vector<const Window*>> by_requirement;
  for (const Window& w : candidates) by_requirement[w.requirement_id].push_back(&w);
  std::vector<Window> out;
  for (auto& [id, windows] : by_requirement) {
    std::sort(windows.begin(), windows.end(), [](const Window* a, const Window* b) {
      return std::tie(a->covers_first, a->deadline) < std::tie(b->covers_first, b->deadline);
    });
    for (size_t i = 0; i < windows.size(); ++i) {
      const Window& w = *windows[i];
      const bool first_of_range = i == 0 || windows[i - 1]->covers_first != w.covers_first;
      if (!first_of_range && received_at < w.opens_at) break;  // later slots are not open
      if (!already_received(w)) {
        out.push_back(w);
        break;
      }
    }
  }
  return out;
}

namespace {

SweepDecision Decision(const DueWindow& due, std::vector<const Unit*> missing) {
  return SweepDecision{due.window, SweepKey(due.window), std::move(missing), due.paused};
}

}  // namespace

SweepDecision DecideSweep(const DueWindow& due,
                          const std::function<bool(std::string_view school_id)>& has_report) {
  std::vector<const Unit*> missing;
  for (const Unit* school : due.schools) {
    if (!has_report(school->id)) missing.push_back(school);
  }
  return Decision(due, std::move(missing));
}

SweepDecision DecideSweep(const DueWindow& due, const WindowTally& reported) {
  return Decision(due,
                  reported.Without(due.window.requirement_id, due.window.window_id, due.schools));
}

std::vector<const Unit*> SchoolsToRemind(
    const DueWindow& due, const std::function<bool(std::string_view school_id)>& has_report) {
  std::vector<const Unit*> out;
  for (const Unit* school : due.schools) {
    if (!has_report(school->id)) out.push_back(school);
  }
  return out;
}

void LedgerCounts::Add(LedgerStatus s, size_t n) {
  switch (s) {
    case LedgerStatus::kExpected:
      expected += n;
      break;
    case LedgerStatus::kOnTime:
      on_time += n;
      break;
    case LedgerStatus::kLate:
      late += n;
      break;
    case LedgerStatus::kMissing:
      missing += n;
      break;
    case LedgerStatus::kExcused:
      excused += n;
      break;
  }
}

std::optional<double> LedgerCounts::OnTimeRate() const {
  if (Decided() == 0) return std::nullopt;
  return static_cast<double>(on_time) / static_cast<double>(Decided());
}

}  // namespace pingan::core
