#include "daemon/services/period_windows.h"

#include <unordered_map>
#include <unordered_set>

#include "daemon/core/window.h"
#include "daemon/services/query_support.h"

namespace pingan::services {

std::optional<core::Error> CheckPeriod(const core::OrgTree& tree, const PeriodRequest& request,
                                       int max_days) {
  const auto days = (date::sys_days{request.to} - date::sys_days{request.from}).count() + 1;
  if (days < 1) return core::CodedError("bad_request", "'from' must not be after 'to'");
  if (days > max_days) {
    return core::CodedError("bad_request",
                            "the period is at most " + std::to_string(max_days) + " days");
  }
  for (const std::string* unit : {&request.unit, &request.scope}) {
    if (!unit->empty() && tree.Find(*unit) == nullptr) {
      return core::CodedError("not_found", "no unit '" + *unit + "'");
    }
  }
  if (!request.unit.empty() && !request.scope.empty() &&
      !tree.IsInSubtree(request.unit, request.scope)) {
    return core::CodedError("not_found", "no unit '" + request.unit + "'");
  }
  return std::nullopt;
}

PeriodWindows::PeriodWindows(const config::ScheduleBundle& bundle, store::Database& db,
                             const PeriodRequest& request)
    : bundle_(bundle), db_(db), ledger_(db), request_(request) {}

std::optional<core::Error> PeriodWindows::Collect(size_t max_entries,
                                                  const std::string& too_large_message) {
  const date::sys_days from{request_.from};
  const date::sys_days to{request_.to};
  // Grace ends lie after the covered days: up to a day for zones, much more for
  // monthly summaries due in the following month.
  const core::Instant end = to + date::days{100};
  for (core::Instant t = from - date::days{2}; t < end; t += date::days{14}) {
    for (core::DueWindow& due : WithExemptions(
             bundle_.schedule.GraceEndsBetween(t, t + date::days{14}), db_, bundle_.tree)) {
      // Filed under the day it is due, not the first day it covers: a period of
      // 09-28..10-11 holds September's summary due on 09-30, not October's due 10-31.
      const date::year_month_day due_day = core::DueDay(due.window);
      if (date::sys_days{due_day} < from || date::sys_days{due_day} > to) continue;
      WindowSchools& w = windows_[{due_day, due.window.window_id, due.window.requirement_id}];
      w.owed += due.schools.size() + due.paused.size();
      w.schools.push_back(Keep(due.schools));
      w.paused.push_back(Keep(due.paused));
      expected_ += w.schools.back().size() + w.paused.back().size();
      w.windows.push_back(std::move(due.window));
      if (expected_ > max_entries) return core::CodedError("too_large", too_large_message);
    }
  }
  return std::nullopt;
}

std::optional<core::Error> PeriodWindows::Visit(
    const std::function<void(const PeriodEntry&)>& on_entry, const AfterWindow& after_window) {
  for (auto& [key, w] : windows_) {
    VisitWindow(w, on_entry);
    if (after_window) {
      if (auto e = after_window()) return e;
    }
  }
  return std::nullopt;
}

bool PeriodWindows::Wanted(std::string_view school) const {
  const core::OrgTree& tree = bundle_.tree;
  return (request_.unit.empty() || tree.IsInSubtree(school, request_.unit)) &&
         (request_.scope.empty() || tree.IsInSubtree(school, request_.scope));
}

std::vector<const core::Unit*> PeriodWindows::Keep(
    const std::vector<const core::Unit*>& units) const {
  if (!Scoped()) return units;
  std::vector<const core::Unit*> out;
  for (const core::Unit* u : units) {
    if (Wanted(u->id)) out.push_back(u);
  }
  return out;
}

void PeriodWindows::VisitWindow(const WindowSchools& w,
                                const std::function<void(const PeriodEntry&)>& on_entry) {
  const core::Window& first = w.windows.front();
  size_t listed = 0;
  for (size_t i = 0; i < w.windows.size(); ++i) listed += w.schools[i].size() + w.paused[i].size();
  // A small part of a big window: one lookup per school beats reading the window.
  const bool by_school = Scoped() && listed * 16 < w.owed;
  std::unordered_map<std::string, store::LedgerRow> recorded;
  if (!by_school) {
    for (store::LedgerRow& r : ledger_.ForWindow(first.requirement_id, first.window_id)) {
      recorded.emplace(r.school_id, std::move(r));
    }
  }
  std::unordered_set<std::string_view> done;
  for (size_t i = 0; i < w.windows.size(); ++i) {
    for (bool paused : {false, true}) {
      for (const core::Unit* u : paused ? w.paused[i] : w.schools[i]) {
        if (!done.insert(u->id).second) continue;
        std::optional<store::LedgerRow> found;
        const store::LedgerRow* row = nullptr;
        if (by_school) {
          found = ledger_.Find(u->id, first.requirement_id, first.window_id);
          if (found) row = &*found;
        } else if (auto it = recorded.find(u->id); it != recorded.end()) {
          row = &it->second;
        }
        on_entry(PeriodEntry{w.windows[i], u->id, u, row, paused});
      }
    }
  }
  if (by_school) return;
  // Recorded for schools the schedule no longer lists (removed, moved): kept.
  for (const auto& [school, row] : recorded) {
    if (done.count(school) || !Wanted(school)) continue;
    core::Window zoned = first;
    zoned.time_zone = bundle_.schedule.TimeZoneOf(school).value_or(first.time_zone);
    on_entry(PeriodEntry{zoned, school, bundle_.tree.Find(school), &row, false});
  }
}

}  // namespace pingan::services
