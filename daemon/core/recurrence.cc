#include "daemon/core/recurrence.h"

#include <memory>

#include <libical/ical.h>

#include "daemon/core/text.h"

namespace pingan::core {
namespace {

using IteratorPtr = std::unique_ptr<icalrecur_iterator, decltype(&icalrecur_iterator_free)>;

bool Set(const short* by) {
  return by[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

icaltimetype IcalDate(date::sys_days day) {
  const date::year_month_day ymd{day};
  // From icaltime_null_time: libical 3.0 repeats a daily rule started on icaltime_null_date.
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.is_date = 1;
  return t;
}

date::sys_days FromIcal(const icaltimetype& t) {
  return date::sys_days{date::year{t.year} / date::month{static_cast<unsigned>(t.month)} /
                        date::day{static_cast<unsigned>(t.day)}};
}

// libical's parse of `rule`, or the problem with it.
std::optional<std::string> Parse(std::string_view rule, icalrecurrencetype& out) {
  const std::string text(TrimSpace(rule));
  if (text.empty()) return "is empty";
  if (text.rfind("RRULE:", 0) == 0) return "must be the rule's value, without 'RRULE:'";
  icalerror_clear_errno();
  out = icalrecurrencetype_from_string(text.c_str());
  if (out.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
    icalerror_clear_errno();
    return "is not an iCalendar RRULE (e.g. FREQ=WEEKLY;BYDAY=FR)";
  }
  return std::nullopt;
}

std::optional<std::string> CheckParts(const icalrecurrencetype& r) {
  switch (r.freq) {
    case ICAL_DAILY_RECURRENCE:
      break;
    case ICAL_WEEKLY_RECURRENCE:
      if (!Set(r.by_day)) return "FREQ=WEEKLY needs BYDAY (the weekdays it means)";
      break;
    case ICAL_MONTHLY_RECURRENCE:
      if (!Set(r.by_month_day) && !Set(r.by_day)) {
        return "FREQ=MONTHLY needs BYMONTHDAY or BYDAY (the days it means)";
      }
      break;
    case ICAL_YEARLY_RECURRENCE:
      if (!Set(r.by_year_day) && !Set(r.by_week_no) && !Set(r.by_day) && !Set(r.by_month_day)) {
        return "FREQ=YEARLY needs BYMONTH with BYMONTHDAY or BYDAY, or BYYEARDAY (the days it "
               "means)";
      }
      break;
    default:
      return "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY: a rule names whole days";
  }
  if (Set(r.by_hour) || Set(r.by_minute) || Set(r.by_second)) {
    return "BYHOUR, BYMINUTE and BYSECOND do not apply: the due time is set by the requirement";
  }
  if (r.rscale != nullptr) return "RSCALE is not supported";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> CheckRecurrence(std::string_view rule) {
  icalrecurrencetype r;
  if (auto problem = Parse(rule, r)) return problem;
  if (auto problem = CheckParts(r)) return problem;
  IteratorPtr it(icalrecur_iterator_new(r, IcalDate(kRecurrenceEpoch)), &icalrecur_iterator_free);
  icalerror_clear_errno();
  if (!it) return "names no day that exists (e.g. the 30th of February)";
  if (icaltime_is_null_time(icalrecur_iterator_next(it.get()))) return "names no day";
  return std::nullopt;
}

std::vector<date::sys_days> RecurrenceDays(std::string_view rule, date::sys_days start,
                                           date::sys_days from, date::sys_days to) {
  std::vector<date::sys_days> out;
  icalrecurrencetype r;
  if (Parse(rule, r) || CheckParts(r)) return out;
  IteratorPtr it(icalrecur_iterator_new(r, IcalDate(start)), &icalrecur_iterator_free);
  icalerror_clear_errno();
  if (!it) return out;
  // Iterated from the start rather than skipped with icalrecur_iterator_set_start, which
  // loses the phase of INTERVAL > 1 in libical 3.0.
  for (int step = 0; step < kMaxRecurrenceSteps; ++step) {
    const icaltimetype t = icalrecur_iterator_next(it.get());
    if (icaltime_is_null_time(t)) break;
    const date::sys_days day = FromIcal(t);
    if (day > to) break;
    if (day >= from && (out.empty() || out.back() < day)) out.push_back(day);
  }
  return out;
}

}  // namespace pingan::core
