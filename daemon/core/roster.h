// Duty rosters (值班表): who is on duty for a unit, shift by shift.
//
// Shifts are written in the unit's local time (its IANA time zone, via date/tz) because
// that is how rosters are drawn up; Roster::Build converts them to UTC once and checks
// them. A Roster is an immutable value after Build: share it read-only between threads
// and replace it whole to change it. WhoIsOnDuty and FindGaps are pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <date/date.h>

#include "daemon/core/clock.h"
#include "daemon/core/recipient.h"

namespace pingan::core {

// One shift: [start, end) in the unit's local time, and who holds it.
struct Shift {
  date::local_seconds start{};
  date::local_seconds end{};
  Recipient person;   // name, phone, email of the officer on duty
  std::string label;  // optional, e.g. "值班领导"; shown to admins only
};

class Roster {
 public:
  struct BuildError {
    std::string unit_id;
    size_t shift_index = 0;  // index into the shifts given to Build
    std::string message;
  };
  // Validates the time zone and every shift (end after start, a name, a phone or an
  // email) and sorts the shifts by start. Overlapping shifts are allowed: everyone on
  // duty at an instant is notified.
  static std::variant<Roster, BuildError> Build(std::string unit_id, std::string time_zone,
                                                std::vector<Shift> shifts);

  const std::string& unit_id() const { return unit_id_; }
  const std::string& time_zone() const { return time_zone_; }
  const std::vector<Shift>& shifts() const { return shifts_; }

  // Everyone whose shift covers `t` (start <= t < end), in shift order.
  std::vector<Recipient> OnDutyAt(Instant t) const;

  struct Interval {
    Instant start{};
    Instant end{};
  };
  // Shift intervals in UTC, parallel to shifts().
  const std::vector<Interval>& intervals() const { return intervals_; }

 private:
  std::string unit_id_;
  std::string time_zone_;
  std::vector<Shift> shifts_;
  std::vector<Interval> intervals_;
};

// All rosters, by unit id.
using Rosters = std::map<std::string, Roster, std::less<>>;

// Who is on duty for `unit_id` at `t`; empty when the unit has no roster or the roster
// has a gap at `t`.
std::vector<Recipient> WhoIsOnDuty(const Rosters& rosters, std::string_view unit_id, Instant t);

// A stretch of time with nobody on duty.
struct RosterGap {
  Instant from{};
  Instant to{};
  friend bool operator==(const RosterGap&, const RosterGap&) = default;
};

// The uncovered parts of [from, to) for `unit_id` (the whole range when it has no
// roster), so admins see holes before the period starts.
std::vector<RosterGap> FindGaps(const Rosters& rosters, std::string_view unit_id, Instant from,
                                Instant to);
std::vector<RosterGap> FindGaps(const Roster& roster, Instant from, Instant to);

// Converts a local time in `zone` to UTC; in a DST overlap the earlier instant. Throws
// nothing; returns nullopt for an unknown zone.
std::optional<Instant> LocalToInstant(date::local_seconds local, std::string_view zone);

}  // namespace pingan::core
