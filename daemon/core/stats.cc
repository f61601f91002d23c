#include "daemon/core/stats.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "daemon/core/board.h"

namespace pingan::core {
namespace {

struct SchoolTally {
  std::set<date::sys_days> late_days, missing_days, bad_days;
  LedgerCounts counts;
};

std::string DistrictName(const OrgTree& tree, const Unit* school) {
  if (school == nullptr) return "";
  for (const Unit* a : tree.Ancestors(*school)) {
    if (a->kind == UnitKind::kDistrict) return a->name;
  }
  return "";
}

bool InView(const OrgTree& tree, const std::string& viewed, const std::string& school) {
  return viewed.empty() || tree.IsInSubtree(school, viewed);
}

class Tally {
 public:
  Tally(const OrgTree& tree, const StatsOptions& options) : tree_(tree), options_(options) {
    for (auto d = date::sys_days{options.from}; d <= date::sys_days{options.to};
         d += date::days{1}) {
      out_.days.push_back({date::year_month_day{d}, {}});
    }
    for (AlertKind k : {AlertKind::kMissing, AlertKind::kLate, AlertKind::kIncident}) {
      out_.alerts[k] = {};
    }
  }

  void Add(const StatsEntry& e, Instant now) {
    const bool known = tree_.Find(e.school_id) != nullptr;
    // Rows of schools no longer listed count only for the whole organisation.
    if (known ? !InView(tree_, options_.viewed_unit, e.school_id) : !options_.viewed_unit.empty())
      return;
    const auto day = date::sys_days{e.day};
    if (day < date::sys_days{options_.from} || day > date::sys_days{options_.to}) return;
    const LedgerStatus s = StatusAt(e, now);
    out_.total.Add(s);
    out_.days[static_cast<size_t>((day - date::sys_days{options_.from}).count())].counts.Add(s);
    const Unit* child = known ? ChildToward(tree_, options_.viewed_unit, e.school_id) : nullptr;
    if (child != nullptr || !known) unit_counts_[child ? child->id : ""].Add(s);
    SchoolTally& t = schools_[e.school_id];
    t.counts.Add(s);
    if (s == LedgerStatus::kLate) t.late_days.insert(day);
    if (s == LedgerStatus::kMissing) t.missing_days.insert(day);
    if (s == LedgerStatus::kLate || s == LedgerStatus::kMissing) t.bad_days.insert(day);
  }

  void Add(const StatsAlert& a) {
    const bool known = tree_.Find(a.school_id) != nullptr;
    if (known ? !InView(tree_, options_.viewed_unit, a.school_id) : !options_.viewed_unit.empty())
      return;
    AlertStats& s = out_.alerts[a.kind];
    ++s.raised;
    if (a.acknowledged) acks_[a.kind].push_back(*a.acknowledged - a.raised);
    if (a.resolved) {
      closes_[a.kind].push_back(*a.resolved - a.raised);
    } else {
      ++s.open;
    }
    if (a.kind != AlertKind::kIncident) return;
    IncidentStats& i = out_.incidents;
    ++i.handling.raised;
    if (a.category) ++i.by_category[*a.category];
    if (a.severity) ++i.by_severity[*a.severity];
    if (a.acknowledged) incident_acks_.push_back(*a.acknowledged - a.raised);
    const std::optional<Instant> closed = a.case_closed ? a.case_closed : a.resolved;
    if (closed) {
      incident_closes_.push_back(*closed - a.raised);
    } else {
      ++i.handling.open;
    }
  }

  PeriodStats Finish() {
    Units();
    Repeated();
    for (auto& [kind, s] : out_.alerts) {
      s.to_acknowledge = Durations(acks_[kind]);
      s.to_close = Durations(closes_[kind]);
    }
    out_.incidents.handling.to_acknowledge = Durations(incident_acks_);
    out_.incidents.handling.to_close = Durations(incident_closes_);
    return std::move(out_);
  }

 private:
  static DurationStats Durations(std::vector<Millis>& values) {
    return {values.size(), Median(std::move(values))};
  }

  void Units() {
    const Unit* viewed = options_.viewed_unit.empty() ? nullptr : tree_.Find(options_.viewed_unit);
    const std::vector<const Unit*> children = viewed ? tree_.Children(viewed->id) : tree_.Roots();
    for (const Unit* c : children) {
      auto it = unit_counts_.find(c->id);
      if (it != unit_counts_.end()) out_.units.push_back({c->id, c->name, it->second});
    }
    if (auto it = unit_counts_.find(""); it != unit_counts_.end()) {
      out_.units.push_back({"", "", it->second});
    }
  }

  void Repeated() {
    for (const auto& [id, t] : schools_) {
      if (static_cast<int>(t.bad_days.size()) < std::max(1, options_.repeat_days)) continue;
      const Unit* u = tree_.Find(id);
      out_.repeated.push_back(
          {id, u ? u->name : "", DistrictName(tree_, u), static_cast<int>(t.late_days.size()),
           static_cast<int>(t.missing_days.size()), static_cast<int>(t.bad_days.size()), t.counts});
    }
    std::sort(out_.repeated.begin(), out_.repeated.end(),
              [](const RepeatedSchool& a, const RepeatedSchool& b) {
                return std::tie(b.days, b.missing_days, a.school_id) <
                       std::tie(a.days, a.missing_days, b.school_id);
              });
  }

  const OrgTree& tree_;
  const StatsOptions& options_;
  PeriodStats out_;
  std::unordered_map<std::string, LedgerCounts> unit_counts_;
  std::unordered_map<std::string, SchoolTally> schools_;
  std::map<AlertKind, std::vector<Millis>> acks_, closes_;
  std::vector<Millis> incident_acks_, incident_closes_;
};

}  // namespace

LedgerStatus StatusAt(const StatsEntry& entry, Instant now) {
  if (entry.recorded) return *entry.recorded;
  if (entry.excused) return LedgerStatus::kExcused;
  return now < entry.grace_end ? LedgerStatus::kExpected : LedgerStatus::kMissing;
}

std::optional<Millis> Median(std::vector<Millis> values) {
  if (values.empty()) return std::nullopt;
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<long>(mid), values.end());
  const Millis upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const Millis lower = *std::max_element(values.begin(), values.begin() + static_cast<long>(mid));
  return lower + (upper - lower) / 2;
}

PeriodStats ComputeStats(const OrgTree& tree, const StatsOptions& options,
                         const std::vector<StatsEntry>& entries,
                         const std::vector<StatsAlert>& alerts, Instant now) {
  Tally tally(tree, options);
  for (const StatsEntry& e : entries) tally.Add(e, now);
  for (const StatsAlert& a : alerts) tally.Add(a);
  return tally.Finish();
}

}  // namespace pingan::core
