// Schedule::Build: validation, per-school resolution of requirements, calendars and
// zones (through shared "contexts"), grouping and window precomputation.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "daemon/core/due_days.h"
#include "daemon/core/local_time.h"
#include "daemon/core/recurrence.h"
#include "daemon/core/schedule.h"

namespace pingan::core {

// Everything that decides a school's windows, as inherited down the tree. Most units
// add nothing, so most share their parent's context; contexts are interned.
struct BuildContext {
  std::string unit_zone;           // nearest `time_zone` on the unit or an ancestor
  std::string calendar_zone;       // zone of the deepest calendar in scope that names one
  std::vector<int32_t> slots;      // per distinct requirement id: index into requirements, or -1
  std::vector<uint32_t> periods;   // into flat periods, sorted
  std::vector<uint32_t> workdays;  // into flat adjusted working days, sorted
};

class ScheduleBuilder {
 public:
  ScheduleBuilder(const OrgTree& tree, std::vector<Calendar> calendars,
                  std::vector<Requirement> requirements, std::string default_zone)
      : tree_(tree), calendars_(std::move(calendars)) {
    s_.requirements_ = std::move(requirements);
    s_.default_zone_name_ = std::move(default_zone);
  }

  std::variant<Schedule, ScheduleError> Run() {
    if (FindTimeZone(s_.default_zone_name_) == nullptr) {
      return ScheduleError{"default time zone", "",
                           "unknown time zone '" + s_.default_zone_name_ + "'"};
    }
    if (auto e = CheckUnitZones()) return *e;
    if (auto e = IndexCalendars()) return *e;
    if (auto e = IndexRequirements()) return *e;
    MakeBaseContext();
    AssignSchools();
    MakeWindows();
    return std::move(s_);
  }

 private:
  struct Contribution {
    std::vector<uint32_t> requirements, periods, workdays;
    std::string calendar_zone;
  };

  std::optional<ScheduleError> CheckScope(const std::string& scope, const std::string& subject,
                                          const std::string& source) const {
    if (scope.empty() || tree_.Find(scope) != nullptr) return std::nullopt;
    return ScheduleError{subject, source, "scope unit '" + scope + "' does not exist"};
  }

  std::optional<ScheduleError> CheckUnitZones() {
    std::map<std::string, bool, std::less<>> known;
    for (const Unit& u : tree_.units()) {
      if (u.time_zone.empty()) continue;
      auto it = known.find(u.time_zone);
      if (it == known.end()) {
        it = known.emplace(u.time_zone, FindTimeZone(u.time_zone) != nullptr).first;
      }
      if (!it->second) {
        return ScheduleError{"unit '" + u.id + "'", "", "unknown time zone '" + u.time_zone + "'"};
      }
    }
    return std::nullopt;
  }

  Contribution& At(const std::string& scope) {
    return scope.empty() ? base_ : contributions_[scope];
  }

  std::optional<ScheduleError> IndexPeriod(const Calendar& c, const Period& p) {
    const std::string subject = "calendar '" + c.name + "' period '" + p.name + "'";
    if (!p.first.ok() || !p.last.ok()) return ScheduleError{subject, p.source, "invalid date"};
    const auto length = date::sys_days{p.last} - date::sys_days{p.first};
    if (length < date::days{0}) return ScheduleError{subject, p.source, "ends before it starts"};
    if (length >= date::days{kMaxPeriodDays}) {
      return ScheduleError{subject, p.source,
                           "longer than " + std::to_string(kMaxPeriodDays) + " days"};
    }
    const std::string& scope = p.scope_unit_id.empty() ? c.scope_unit_id : p.scope_unit_id;
    if (auto e = CheckScope(scope, subject, p.source)) return e;
    if (!c.scope_unit_id.empty() && !tree_.IsInSubtree(scope, c.scope_unit_id)) {
      return ScheduleError{subject, p.source, "scope lies outside the calendar's scope"};
    }
    for (const std::string& tag : p.tags) tags_.insert(tag);
    const date::sys_days first{p.first}, last{p.last};
    if (periods_.empty() || first < span_first_) span_first_ = first;
    if (periods_.empty() || last > span_last_) span_last_ = last;
    At(scope).periods.push_back(static_cast<uint32_t>(periods_.size()));
    periods_.push_back(&p);
    return std::nullopt;
  }

  std::optional<ScheduleError> IndexCalendars() {
    std::map<std::string, const Calendar*> zone_by_scope;
    for (const Calendar& c : calendars_) {
      const std::string subject = "calendar '" + c.name + "'";
      if (auto e = CheckScope(c.scope_unit_id, subject, c.source)) return e;
      if (!c.time_zone.empty()) {
        if (FindTimeZone(c.time_zone) == nullptr) {
          return ScheduleError{subject, c.source, "unknown time zone '" + c.time_zone + "'"};
        }
        auto [it, added] = zone_by_scope.emplace(c.scope_unit_id, &c);
        if (!added && it->second->time_zone != c.time_zone) {
          return ScheduleError{
              subject, c.source,
              "time zone differs from calendar '" + it->second->name + "' on the same scope"};
        }
        At(c.scope_unit_id).calendar_zone = c.time_zone;
      }
      for (const Period& p : c.periods) {
        if (auto e = IndexPeriod(c, p)) return e;
      }
      for (const AdjustedWorkingDay& w : c.working_days) {
        const std::string wsubject = subject + " working day '" + w.name + "'";
        if (!w.day.ok()) return ScheduleError{wsubject, w.source, "invalid date"};
        const std::string& scope = w.scope_unit_id.empty() ? c.scope_unit_id : w.scope_unit_id;
        if (auto e = CheckScope(scope, wsubject, w.source)) return e;
        At(scope).workdays.push_back(static_cast<uint32_t>(workdays_.size()));
        workdays_.push_back(date::sys_days{w.day});
      }
    }
    return std::nullopt;
  }

  std::optional<ScheduleError> IndexRequirements() {
    std::map<std::pair<std::string, std::string>, bool> seen;  // (id, scope)
    std::map<std::string, int32_t> slot_of_id;
    for (size_t i = 0; i < s_.requirements_.size(); ++i) {
      const Requirement& r = s_.requirements_[i];
      const std::string subject = "requirement '" + r.id + "'";
      if (auto problem = ValidateRequirement(r)) return ScheduleError{subject, r.source, *problem};
      if (auto e = CheckScope(r.scope_unit_id, subject, r.source)) return e;
      for (const std::string& tag : r.during_tags) {
        if (!tags_.contains(tag)) {
          return ScheduleError{subject, r.source,
                               "during: '" + tag + "' is neither a period kind nor the tag of " +
                                   "any calendar period"};
        }
      }
      if (!seen.emplace(std::pair{r.id, r.scope_unit_id}, true).second) {
        return ScheduleError{subject, r.source, "defined twice for the same scope"};
      }
      auto [it, added] = slot_of_id.emplace(r.id, static_cast<int32_t>(slot_of_id.size()));
      (void)added;
      slot_.push_back(it->second);
      At(r.scope_unit_id).requirements.push_back(static_cast<uint32_t>(i));
    }
    slot_count_ = slot_of_id.size();
    return std::nullopt;
  }

  // What applies to everyone: items without a scope. Every root unit derives from it.
  void MakeBaseContext() {
    BuildContext root;
    root.slots.assign(slot_count_, -1);
    base_context_ = Derive(Intern(std::move(root)), base_, "");
  }

  uint32_t Intern(BuildContext c) {
    std::string key = c.unit_zone + '\n' + c.calendar_zone + '\n';
    for (int32_t s : c.slots) key += std::to_string(s) + ',';
    key += '\n';
    for (uint32_t p : c.periods) key += std::to_string(p) + ',';
    key += '\n';
    for (uint32_t w : c.workdays) key += std::to_string(w) + ',';
    auto [it, added] = interned_.emplace(std::move(key), static_cast<uint32_t>(contexts_.size()));
    if (added) contexts_.push_back(std::move(c));
    return it->second;
  }

  // The context of a unit below `parent` that contributes `add` and sets `unit_zone`.
  uint32_t Derive(uint32_t parent, const Contribution& add, const std::string& unit_zone) {
    BuildContext c = contexts_[parent];
    if (!unit_zone.empty()) c.unit_zone = unit_zone;
    if (!add.calendar_zone.empty()) c.calendar_zone = add.calendar_zone;
    for (uint32_t r : add.requirements) {
      c.slots[slot_[r]] = s_.requirements_[r].disabled ? -1 : static_cast<int32_t>(r);
    }
    c.periods.insert(c.periods.end(), add.periods.begin(), add.periods.end());
    c.workdays.insert(c.workdays.end(), add.workdays.begin(), add.workdays.end());
    std::sort(c.periods.begin(), c.periods.end());
    std::sort(c.workdays.begin(), c.workdays.end());
    return Intern(std::move(c));
  }

  uint32_t DeriveUnit(uint32_t parent, const Unit& u) {
    auto it = contributions_.find(u.id);
    const bool zone_change = !u.time_zone.empty() && u.time_zone != contexts_[parent].unit_zone;
    if (it == contributions_.end() && !zone_change) return parent;
    static const Contribution kNothing;
    return Derive(parent, it == contributions_.end() ? kNothing : it->second, u.time_zone);
  }

  // The context of units()[i], computing (and memoising) those of its ancestors first.
  uint32_t ContextOf(size_t i) {
    const auto& units = tree_.units();
    std::vector<size_t> chain;
    uint32_t ctx = base_context_;
    for (size_t cur = i;;) {
      if (context_of_[cur] >= 0) {
        ctx = static_cast<uint32_t>(context_of_[cur]);
        break;
      }
      chain.push_back(cur);
      const Unit* parent = tree_.Parent(units[cur]);
      if (parent == nullptr) break;
      cur = static_cast<size_t>(parent - units.data());
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      ctx = DeriveUnit(ctx, units[*it]);
      context_of_[*it] = static_cast<int32_t>(ctx);
    }
    return ctx;
  }

  void AssignSchools() {
    const auto& units = tree_.units();
    context_of_.assign(units.size(), -1);
    for (size_t i = 0; i < units.size(); ++i) {
      const Unit& u = units[i];
      if (u.kind != UnitKind::kSchool) continue;
      const uint32_t ctx = ContextOf(i);
      if (ctx >= s_.context_groups_.size()) {
        s_.context_groups_.resize(contexts_.size());
        context_ready_.resize(contexts_.size(), false);
      }
      if (!context_ready_[ctx]) MakeGroups(ctx);
      for (uint32_t g : s_.context_groups_[ctx]) {
        (u.paused ? s_.groups_[g].paused : s_.groups_[g].schools).push_back(&u);
      }
      s_.schools_.push_back(Schedule::SchoolEntry{u.id, ctx});
    }
    s_.context_groups_.resize(contexts_.size());
    std::sort(s_.schools_.begin(), s_.schools_.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
  }

  // The days of requirement `r`'s recurrence over every period's span (and the reach of
  // a shift), expanded once per requirement.
  const std::vector<date::sys_days>& RuleDays(uint32_t r) {
    auto [it, added] = rule_days_.try_emplace(r);
    const Requirement& req = s_.requirements_[r];
    if (added && !req.recurrence.empty() && !periods_.empty()) {
      const date::sys_days start =
          req.active_from ? date::sys_days{*req.active_from} : kRecurrenceEpoch;
      const date::days reach{kMaxShiftDays};
      it->second = RecurrenceDays(req.recurrence, start, span_first_ - reach, span_last_ + reach);
    }
    return it->second;
  }

  std::vector<date::sys_days> QualifyingDays(uint32_t r, const DayCalendar& cal) {
    const Requirement& req = s_.requirements_[r];
    if (req.kind == RequirementKind::kDailyAllClear) return DueDays(req, cal, RuleDays(r));
    return cal.DaysIn(req.during, req.during_tags);
  }

  void MakeGroups(uint32_t ctx) {
    context_ready_[ctx] = true;
    const BuildContext& c = contexts_[ctx];
    const std::string& configured = !c.unit_zone.empty()       ? c.unit_zone
                                    : !c.calendar_zone.empty() ? c.calendar_zone
                                                               : s_.default_zone_name_;
    // Validated before; the canonical name merges aliases ("Asia/Chongqing").
    const date::time_zone* zone = FindTimeZone(configured);
    const std::string zone_name{zone->name()};
    s_.context_zone_.resize(contexts_.size());
    s_.context_zone_[ctx] = zone_name;
    std::vector<const Period*> periods;
    for (uint32_t p : c.periods) periods.push_back(periods_[p]);
    std::vector<date::sys_days> workdays;
    for (uint32_t w : c.workdays) workdays.push_back(workdays_[w]);
    const DayCalendar cal(std::move(periods), std::move(workdays));
    for (int32_t r : c.slots) {
      if (r < 0) continue;
      const Requirement& req = s_.requirements_[static_cast<size_t>(r)];
      if (req.kind == RequirementKind::kIncident) continue;
      const bool on_demand = req.kind == RequirementKind::kMonthlySummary && req.during.empty() &&
                             req.during_tags.empty();
      GroupKey key{static_cast<uint32_t>(r), zone_name, {}};
      if (!on_demand) key.days = QualifyingDays(static_cast<uint32_t>(r), cal);
      auto [it, added] =
          group_of_.emplace(std::move(key), static_cast<uint32_t>(s_.groups_.size()));
      if (added) {
        Schedule::Group g;
        g.requirement = static_cast<uint32_t>(r);
        g.zone = zone;
        g.zone_name = zone_name;
        g.on_demand = on_demand;
        s_.groups_.push_back(std::move(g));
        group_days_.push_back(it->first.days);
        if (on_demand) s_.on_demand_groups_.push_back(it->second);
      }
      s_.context_groups_[ctx].push_back(it->second);
    }
  }

  std::vector<Window> GroupWindows(const Schedule::Group& g,
                                   const std::vector<date::sys_days>& days) const {
    const Requirement& r = s_.requirements_[g.requirement];
    std::vector<Window> out;
    if (r.kind == RequirementKind::kDailyAllClear) {
      for (date::sys_days d : days) {
        for (Window& w : MakeDailyWindows(r, *g.zone, d)) out.push_back(std::move(w));
      }
      return out;
    }
    std::vector<date::year_month> months;
    for (date::sys_days d : days) {
      const date::year_month_day ymd{d};
      const date::year_month ym{ymd.year(), ymd.month()};
      if (months.empty() || months.back() != ym) months.push_back(ym);
    }
    for (date::year_month ym : months) {
      if (auto w = MakeMonthlyWindow(r, *g.zone, ym)) out.push_back(std::move(*w));
    }
    return out;
  }

  void MakeWindows() {
    std::unordered_map<std::string, uint32_t> by_key;
    for (uint32_t gi = 0; gi < s_.groups_.size(); ++gi) {
      Schedule::Group& g = s_.groups_[gi];
      if (g.on_demand) continue;
      for (Window& w : GroupWindows(g, group_days_[gi])) {
        auto [it, added] = by_key.emplace(SweepKey(w), static_cast<uint32_t>(s_.windows_.size()));
        if (added) s_.windows_.push_back(Schedule::SharedWindow{std::move(w), {}});
        s_.windows_[it->second].groups.push_back(gi);
        g.windows.push_back(it->second);
      }
    }
    for (uint32_t i = 0; i < s_.windows_.size(); ++i) {
      const Window& w = s_.windows_[i].window;
      s_.by_grace_end_.push_back({w.grace_end, i});
      s_.by_deadline_.push_back({w.deadline, i});
      if (HasReminder(w)) s_.by_remind_.push_back({w.remind_at, i});
    }
    for (auto* index : {&s_.by_grace_end_, &s_.by_deadline_, &s_.by_remind_}) {
      std::sort(index->begin(), index->end(), [](const auto& a, const auto& b) {
        return a.at != b.at ? a.at < b.at : a.window < b.window;
      });
    }
  }

  struct GroupKey {
    uint32_t requirement;
    std::string zone;
    std::vector<date::sys_days> days;
    bool operator<(const GroupKey& o) const {
      return std::tie(requirement, zone, days) < std::tie(o.requirement, o.zone, o.days);
    }
  };

  const OrgTree& tree_;
  std::vector<Calendar> calendars_;
  Schedule s_;
  std::vector<const Period*> periods_;
  std::set<std::string, std::less<>> tags_;    // every period tag of every calendar
  date::sys_days span_first_{}, span_last_{};  // the first and last day of any period
  std::unordered_map<uint32_t, std::vector<date::sys_days>> rule_days_;
  std::vector<date::sys_days> workdays_;
  std::vector<int32_t> slot_;  // requirement index -> slot
  size_t slot_count_ = 0;      // distinct requirement ids
  Contribution base_;          // items scoped to everyone
  std::unordered_map<std::string, Contribution> contributions_;
  std::vector<BuildContext> contexts_;
  std::unordered_map<std::string, uint32_t> interned_;
  uint32_t base_context_ = 0;
  std::vector<int32_t> context_of_;
  std::vector<bool> context_ready_;
  std::map<GroupKey, uint32_t> group_of_;
  std::vector<std::vector<date::sys_days>> group_days_;
};

std::variant<Schedule, ScheduleError> Schedule::Build(const OrgTree& tree,
                                                      std::vector<Calendar> calendars,
                                                      std::vector<Requirement> requirements,
                                                      std::string default_time_zone) {
  return ScheduleBuilder(tree, std::move(calendars), std::move(requirements),
                         std::move(default_time_zone))
      .Run();
}

}  // namespace pingan::core
