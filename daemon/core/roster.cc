#include "daemon/core/roster.h"

#include <algorithm>
#include <stdexcept>

#include <date/tz.h>

namespace pingan::core {
namespace {

const date::time_zone* FindZone(std::string_view zone) {
  try {
    return date::locate_zone(zone);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

Instant ToInstant(const date::time_zone* tz, date::local_seconds local) {
  return std::chrono::time_point_cast<Millis>(tz->to_sys(local, date::choose::earliest));
}

}  // namespace

std::optional<Instant> LocalToInstant(date::local_seconds local, std::string_view zone) {
  const date::time_zone* tz = FindZone(zone);
  if (tz == nullptr) return std::nullopt;
  return ToInstant(tz, local);
}

std::variant<Roster, Roster::BuildError> Roster::Build(std::string unit_id, std::string time_zone,
                                                       std::vector<Shift> shifts) {
  const date::time_zone* tz = FindZone(time_zone);
  if (tz == nullptr) return BuildError{unit_id, 0, "unknown time zone '" + time_zone + "'"};
  for (size_t i = 0; i < shifts.size(); ++i) {
    const Shift& s = shifts[i];
    if (ToInstant(tz, s.end) <= ToInstant(tz, s.start)) {
      return BuildError{unit_id, i, "the shift ends before it starts"};
    }
    if (s.person.name.empty()) return BuildError{unit_id, i, "the shift has no name"};
    if (s.person.phone.empty() && s.person.email.empty()) {
      return BuildError{unit_id, i, "the shift has neither a phone nor an email"};
    }
  }
  std::stable_sort(shifts.begin(), shifts.end(),
                   [](const Shift& a, const Shift& b) { return a.start < b.start; });
  Roster r;
  r.unit_id_ = std::move(unit_id);
  r.time_zone_ = std::move(time_zone);
  r.shifts_ = std::move(shifts);
  for (const Shift& s : r.shifts_)
    r.intervals_.push_back({ToInstant(tz, s.start), ToInstant(tz, s.end)});
  return r;
}

std::vector<Recipient> Roster::OnDutyAt(Instant t) const {
  std::vector<Recipient> out;
  for (size_t i = 0; i < shifts_.size(); ++i) {
    if (intervals_[i].start <= t && t < intervals_[i].end) out.push_back(shifts_[i].person);
  }
  return out;
}

std::vector<Recipient> WhoIsOnDuty(const Rosters& rosters, std::string_view unit_id, Instant t) {
  auto it = rosters.find(unit_id);
  if (it == rosters.end()) return {};
  return it->second.OnDutyAt(t);
}

std::vector<RosterGap> FindGaps(const Roster& roster, Instant from, Instant to) {
  if (to <= from) return {};
  std::vector<Roster::Interval> iv = roster.intervals();
  std::sort(iv.begin(), iv.end(),
            [](const Roster::Interval& a, const Roster::Interval& b) { return a.start < b.start; });
  std::vector<RosterGap> gaps;
  Instant covered_until = from;  // everything before this is covered (or outside the range)
  for (const auto& i : iv) {
    if (covered_until >= to) break;
    if (i.end <= covered_until) continue;
    if (i.start > covered_until) gaps.push_back({covered_until, std::min(i.start, to)});
    covered_until = std::max(covered_until, i.end);
  }
  if (covered_until < to) gaps.push_back({covered_until, to});
  return gaps;
}

std::vector<RosterGap> FindGaps(const Rosters& rosters, std::string_view unit_id, Instant from,
                                Instant to) {
  auto it = rosters.find(unit_id);
  if (it == rosters.end())
    return to <= from ? std::vector<RosterGap>{} : std::vector<RosterGap>{{from, to}};
  return FindGaps(it->second, from, to);
}

}  // namespace pingan::core
