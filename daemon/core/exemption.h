// Exemption (免报): a dated excuse from reporting. For the local dates first..last
// (inclusive), the schools in the subtree of `scope_unit_id` owe nothing for the
// requirements listed (none listed: every requirement), e.g. one school closed for a
// typhoon day, or a district for a week of flooding. Unlike a paused school (a flag on
// the org tree without dates), an exemption is made at run time by a duty officer and
// kept in the store; withdrawing it keeps the row (audited), it only stops excusing.
//
// The rules, in one place:
//  * A window is excused when every date it covers lies in first..last (a daily
//    all-clear: its day; a monthly summary: its whole month, so a two-day closure does
//    not excuse a monthly summary), the school lies in the scope's subtree (a school is
//    its own subtree) and the window's requirement is listed (or none is).
//  * Dates are the window's local covered dates, computed in the school's zone, so an
//    exemption means the same calendar days wherever the school is.
//  * A withdrawn exemption excuses nothing from then on; what was decided while it was
//    in force stays as recorded (the ledger is history, not a view of today's rules).
//
// Plain values and pure functions: no I/O, no clock reads (time is an argument); safe
// on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

#include "daemon/core/clock.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/window.h"

namespace pingan::core {

// Longest reason, in bytes of UTF-8; longest range, in days (a school year).
inline constexpr size_t kMaxExemptionReasonBytes = 500;
inline constexpr int kMaxExemptionDays = 366;
inline constexpr size_t kMaxExemptionRequirements = 50;

struct Exemption {
  std::string id;  // UUIDv7
  date::year_month_day first{};
  date::year_month_day last{};
  std::string scope_unit_id;                 // a school, or a unit whose subtree is excused
  std::vector<std::string> requirement_ids;  // empty: every requirement
  // Why (an administrative note such as "台风停课", shown to staff; never sent in
  // messages). Not incident text: it names a closure, not people.
  std::string reason;
  std::string created_by;
  Instant created_at{};
  std::string withdrawn_by;  // empty while in force
  std::optional<Instant> withdrawn_at;

  bool withdrawn() const { return withdrawn_at.has_value(); }
  friend bool operator==(const Exemption&, const Exemption&) = default;
};

// What the person asked for; ValidateExemption checks it against the organisation and
// the requirements in force.
struct ExemptionRequest {
  date::year_month_day first{};
  date::year_month_day last{};
  std::string scope_unit_id;
  std::vector<std::string> requirement_ids;
  std::string reason;
};

// The problem with `request`, or nullopt: dates in order and at most kMaxExemptionDays
// long, a known scope unit, known requirement ids (each once), and a reason that is
// non-empty, valid UTF-8 and at most kMaxExemptionReasonBytes once trimmed.
std::optional<std::string> ValidateExemption(const ExemptionRequest& request, const OrgTree& tree,
                                             const std::vector<Requirement>& requirements);

// Whether `e` (not withdrawn) excuses `school_id` from `window` (see the rules above).
bool Excuses(const Exemption& e, const OrgTree& tree, std::string_view school_id,
             const Window& window);

// The first exemption of `exemptions` that excuses the school from the window.
const Exemption* ExcusedBy(const std::vector<Exemption>& exemptions, const OrgTree& tree,
                           std::string_view school_id, const Window& window);

// `due` with the schools an exemption excuses moved from `schools` to `paused` (the
// excused list): the sweep then records them excused and the reminders skip them, the
// board and the export show them excused, exactly like paused schools.
DueWindow WithExemptions(DueWindow due, const std::vector<Exemption>& exemptions,
                         const OrgTree& tree);

// Whether `e` is in force on the local date of `now` in `zone` (not withdrawn, and that
// date in first..last): the "in force today" of the calendar page.
bool InForceOn(const Exemption& e, const date::time_zone& zone, Instant now);

}  // namespace pingan::core
