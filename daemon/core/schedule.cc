// Schedule queries. Build lives in schedule_build.cc.
#include "daemon/core/schedule.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "daemon/core/local_time.h"

namespace pingan::core {
namespace {

// On-demand generation works on months; keep instants where the calendar arithmetic
// of date/tz is well defined, whatever a caller passes.
Instant Clamp(Instant t) {
  static const Instant kLow{date::sys_days{date::year{1900} / 1 / 1}};
  static const Instant kHigh{date::sys_days{date::year{2500} / 1 / 1}};
  return std::clamp(t, kLow, kHigh);
}

date::year_month MonthOf(const date::time_zone& zone, Instant t) {
  const date::year_month_day ymd{LocalDayOf(zone, Clamp(t))};
  return {ymd.year(), ymd.month()};
}

date::year_month MonthOf(date::year_month_day d) {
  return {d.year(), d.month()};
}

// A covered month's window has its reminder, deadline and grace end within two months
// either side of the month (grace and reminder are at most 31 days).
constexpr date::months kMonthMargin{2};

bool ByDeadline(const Window& a, const Window& b) {
  return std::tie(a.deadline, a.requirement_id, a.window_id) <
         std::tie(b.deadline, b.requirement_id, b.window_id);
}

}  // namespace

std::string ScheduleError::ToString() const {
  std::string out = source.empty() ? "" : source + ": ";
  return out + subject + ": " + message;
}

const Schedule::SchoolEntry* Schedule::FindSchool(std::string_view id) const {
  auto it = std::lower_bound(schools_.begin(), schools_.end(), id,
                             [](const SchoolEntry& e, std::string_view v) { return e.id < v; });
  return it != schools_.end() && it->id == id ? &*it : nullptr;
}

std::optional<Window> Schedule::OnDemandWindowFor(const Group& g, date::year_month ym) const {
  return MakeMonthlyWindow(requirements_[g.requirement], *g.zone, ym);
}

std::vector<Window> Schedule::OnDemandWindows(const Group& g, Instant lo, Instant hi) const {
  std::vector<Window> out;
  const date::year_month last = MonthOf(*g.zone, hi) + kMonthMargin;
  for (date::year_month ym = MonthOf(*g.zone, lo) - kMonthMargin; ym <= last;
       ym += date::months{1}) {
    if (auto w = OnDemandWindowFor(g, ym)) out.push_back(std::move(*w));
  }
  return out;
}

void Schedule::AppendSchools(const std::vector<uint32_t>& groups, DueWindow& out) const {
  size_t schools = out.schools.size(), paused = out.paused.size();
  for (uint32_t g : groups) {
    schools += groups_[g].schools.size();
    paused += groups_[g].paused.size();
  }
  out.schools.reserve(schools);
  out.paused.reserve(paused);
  for (uint32_t g : groups) {
    const Group& group = groups_[g];
    out.schools.insert(out.schools.end(), group.schools.begin(), group.schools.end());
    out.paused.insert(out.paused.end(), group.paused.begin(), group.paused.end());
  }
}

std::vector<DueWindow> Schedule::Collect(const std::vector<Event>& index, Instant from, Instant to,
                                         bool reminders) const {
  std::vector<DueWindow> out;
  if (to <= from) return out;
  auto first = std::upper_bound(index.begin(), index.end(), from,
                                [](Instant t, const Event& e) { return t < e.at; });
  for (auto it = first; it != index.end() && it->at <= to; ++it) {
    const SharedWindow& shared = windows_[it->window];
    out.push_back(DueWindow{shared.window, {}, {}});
    AppendSchools(shared.groups, out.back());
  }
  if (on_demand_groups_.empty()) return out;
  std::unordered_map<std::string, size_t> by_key;
  for (size_t i = 0; i < out.size(); ++i) by_key.emplace(SweepKey(out[i].window), i);
  for (uint32_t gi : on_demand_groups_) {
    for (Window& w : OnDemandWindows(groups_[gi], from, to)) {
      if (reminders && !HasReminder(w)) continue;
      const Instant at = reminders ? w.remind_at : w.grace_end;
      if (at <= from || at > to) continue;
      auto [it, added] = by_key.emplace(SweepKey(w), out.size());
      if (added) out.push_back(DueWindow{std::move(w), {}, {}});
      AppendSchools({gi}, out[it->second]);
    }
  }
  std::stable_sort(out.begin(), out.end(), [reminders](const DueWindow& a, const DueWindow& b) {
    return reminders ? a.window.remind_at < b.window.remind_at
                     : a.window.grace_end < b.window.grace_end;
  });
  return out;
}

std::vector<DueWindow> Schedule::GraceEndsBetween(Instant from_exclusive,
                                                  Instant to_inclusive) const {
  return Collect(by_grace_end_, from_exclusive, to_inclusive, /*reminders=*/false);
}

std::vector<DueWindow> Schedule::RemindersBetween(Instant from_exclusive,
                                                  Instant to_inclusive) const {
  return Collect(by_remind_, from_exclusive, to_inclusive, /*reminders=*/true);
}

std::optional<Instant> Schedule::NextEventAfter(Instant t) const {
  std::optional<Instant> best;
  auto consider = [&](Instant x) {
    if (x > t && (!best || x < *best)) best = x;
  };
  for (const auto* index : {&by_grace_end_, &by_remind_}) {
    auto it = std::upper_bound(index->begin(), index->end(), t,
                               [](Instant v, const Event& e) { return v < e.at; });
    if (it != index->end()) consider(it->at);
  }
  for (uint32_t gi : on_demand_groups_) {
    const Group& g = groups_[gi];
    const Requirement& r = requirements_[g.requirement];
    date::year_month start = MonthOf(*g.zone, t) - kMonthMargin;
    if (r.active_from) start = std::max(start, MonthOf(*r.active_from) - date::months{1});
    // The answer lies within a few months of `start` unless the requirement has ended.
    for (date::year_month ym = start; ym <= start + date::months{6}; ym += date::months{1}) {
      if (auto w = OnDemandWindowFor(g, ym)) {
        consider(w->grace_end);
        if (HasReminder(*w)) consider(w->remind_at);
      }
    }
  }
  return best;
}

std::vector<Window> Schedule::Covering(const SchoolEntry& s, date::year_month_day day, bool daily,
                                       bool monthly) const {
  std::vector<Window> out;
  const date::sys_days d{day};
  for (uint32_t gi : context_groups_[s.context]) {
    const Group& g = groups_[gi];
    const bool is_daily = requirements_[g.requirement].kind == RequirementKind::kDailyAllClear;
    if (is_daily ? !daily : !monthly) continue;
    if (g.on_demand) {
      if (auto w = OnDemandWindowFor(g, MonthOf(day))) out.push_back(std::move(*w));
      continue;
    }
    // A group's windows do not overlap and ascend, so covers_last ascends too.
    auto it = std::lower_bound(g.windows.begin(), g.windows.end(), d, [&](uint32_t w, auto v) {
      return date::sys_days{windows_[w].window.covers_last} < v;
    });
    for (; it != g.windows.end() && date::sys_days{windows_[*it].window.covers_first} <= d; ++it) {
      out.push_back(windows_[*it].window);
    }
  }
  return out;
}

std::vector<Window> Schedule::WindowsFor(std::string_view school_id, ReportKind kind,
                                         date::year_month_day covers) const {
  const SchoolEntry* s = FindSchool(school_id);
  if (s == nullptr || !covers.ok()) return {};
  const bool monthly = kind == ReportKind::kMonthlySummary;
  std::vector<Window> out = Covering(*s, covers, !monthly, monthly);
  std::sort(out.begin(), out.end(), [](const Window& a, const Window& b) {
    return std::tie(a.requirement_id, a.deadline) < std::tie(b.requirement_id, b.deadline);
  });
  return out;
}

std::optional<Window> Schedule::WindowFor(std::string_view school_id, ReportKind kind,
                                          date::year_month_day covers) const {
  std::vector<Window> all = WindowsFor(school_id, kind, covers);
  if (all.empty()) return std::nullopt;
  return *std::min_element(all.begin(), all.end(), ByDeadline);
}

std::vector<Window> Schedule::WindowsOn(std::string_view school_id,
                                        date::year_month_day local_day) const {
  const SchoolEntry* s = FindSchool(school_id);
  if (s == nullptr || !local_day.ok()) return {};
  std::vector<Window> out = Covering(*s, local_day, true, true);
  std::sort(out.begin(), out.end(), ByDeadline);
  return out;
}

std::vector<Schedule::Upcoming> Schedule::UpcomingDeadlinesFor(
    Instant from, size_t limit, const std::function<bool(const Unit&)>& include) const {
  std::vector<Upcoming> out;
  if (limit == 0) return out;
  // How many of each group's schools are included: windows are owed by groups.
  std::vector<size_t> included(groups_.size(), 0);
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    for (const auto* list : {&groups_[gi].schools, &groups_[gi].paused}) {
      for (const Unit* s : *list) included[gi] += include(*s) ? 1 : 0;
    }
  }
  auto it = std::lower_bound(by_deadline_.begin(), by_deadline_.end(), from,
                             [](const Event& e, Instant v) { return e.at < v; });
  for (; it != by_deadline_.end() && out.size() < limit; ++it) {
    const SharedWindow& shared = windows_[it->window];
    size_t schools = 0;
    for (uint32_t g : shared.groups) schools += included[g];
    if (schools > 0) out.push_back({shared.window, schools});
  }
  std::unordered_map<std::string, size_t> by_key;
  for (size_t i = 0; i < out.size(); ++i) by_key.emplace(SweepKey(out[i].window), i);
  for (uint32_t gi : on_demand_groups_) {
    if (included[gi] == 0) continue;
    const Group& g = groups_[gi];
    const Requirement& r = requirements_[g.requirement];
    date::year_month ym = MonthOf(*g.zone, from) - kMonthMargin;
    if (r.active_from) ym = std::max(ym, MonthOf(*r.active_from) - date::months{1});
    // At most one window per month: `limit` months (capped at a century) suffice.
    const auto months = static_cast<int>(std::min<size_t>(limit, 1200));
    const date::year_month stop = ym + date::months{months + 4};
    size_t taken = 0;
    for (; ym <= stop && taken < limit; ym += date::months{1}) {
      auto w = OnDemandWindowFor(g, ym);
      if (!w || w->deadline < from) continue;
      auto [at, added] = by_key.emplace(SweepKey(*w), out.size());
      if (added) out.push_back({std::move(*w), 0});
      out[at->second].schools += included[gi];
      ++taken;
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Upcoming& a, const Upcoming& b) { return ByDeadline(a.window, b.window); });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::optional<std::string> Schedule::TimeZoneOf(std::string_view school_id) const {
  const SchoolEntry* s = FindSchool(school_id);
  if (s == nullptr) return std::nullopt;
  return context_zone_[s->context];
}

size_t Schedule::SchoolCount(std::string_view requirement_id) const {
  size_t n = 0;
  for (const Group& g : groups_) {
    if (requirements_[g.requirement].id == requirement_id) n += g.schools.size() + g.paused.size();
  }
  return n;
}

}  // namespace pingan::core
