#include "daemon/services/query_support.h"

#include <sstream>

#include <date/tz.h>

#include "daemon/core/local_time.h"
#include "daemon/core/text.h"
#include "daemon/store/exemption_repository.h"

namespace pingan::services {

using nlohmann::json;

config::SharedSchedule RequireSchedule(const config::ScheduleSource& schedules) {
  config::SharedSchedule bundle = schedules.Get();
  if (!bundle) throw ControlError("no_schedule", "no organisation and calendars are configured");
  return bundle;
}

config::SharedSchedule RequireSchedule(const ConsoleQueryContext& c) {
  return RequireSchedule(c.schedules);
}

std::optional<core::Instant> ParseInstantText(std::string_view text) {
  for (const char* format : {"%FT%TZ", "%FT%T%Ez"}) {
    std::istringstream in{std::string(text)};
    date::sys_time<std::chrono::milliseconds> t;
    in >> date::parse(format, t);
    // The whole text must be the instant: no trailing words.
    if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return t;
  }
  return std::nullopt;
}

core::Instant ParseInstantArg(const char* key, std::string_view text) {
  auto t = ParseInstantText(text);
  if (!t) {
    throw ControlError("bad_request",
                       std::string(key) + " must be an ISO instant like 2026-10-03T08:00:00Z");
  }
  return *t;
}

date::year_month_day TodayIn(const config::ScheduleBundle& b, core::Instant now) {
  const date::time_zone* zone = core::FindTimeZone(b.schedule.default_time_zone());
  return date::year_month_day{date::sys_days{core::LocalDayOf(*zone, now).time_since_epoch()}};
}

std::string ViewedUnitId(const config::ScheduleBundle& b, const std::string& id) {
  if (!id.empty()) {
    if (b.tree.Find(id) == nullptr) throw ControlError("not_found", "no unit " + id);
    return id;
  }
  const auto roots = b.tree.Roots();
  return roots.size() == 1 ? roots.front()->id : "";
}

bool InView(const config::ScheduleBundle& b, const std::string& viewed, std::string_view unit_id) {
  return viewed.empty() ? b.tree.Find(unit_id) != nullptr : b.tree.IsInSubtree(unit_id, viewed);
}

std::string ActorNameArg(const std::string& raw) {
  constexpr size_t kMaxActorBytes = 200;
  std::string who(core::TrimSpace(raw));
  if (who.empty()) throw ControlError("bad_request", "'who' must not be empty");
  if (!core::IsValidUtf8(who) || who.size() > kMaxActorBytes) {
    throw ControlError("bad_request", "'who' must be valid UTF-8 of at most 200 bytes");
  }
  return who;
}

std::string UnitName(const config::ScheduleBundle* b, std::string_view unit_id) {
  const core::Unit* u = b != nullptr ? b->tree.Find(unit_id) : nullptr;
  return u != nullptr ? u->name : "";
}

std::string RequirementName(const config::ScheduleBundle& b, std::string_view id) {
  for (const core::Requirement& r : b.requirements) {
    if (r.id == id && !r.disabled && !r.name.empty()) return r.name;
  }
  return std::string(id);
}

std::string LocalText(core::Instant t, const std::string& zone, const char* format) {
  const date::time_zone* z = core::FindTimeZone(zone);
  if (z == nullptr) return core::FormatInstantUtc(t);
  const auto local = date::zoned_time{z, date::floor<std::chrono::minutes>(t)}.get_local_time();
  return date::format(format, local);
}

json ContactsJson(const std::vector<core::Contact>& list) {
  json contacts = json::array();
  for (const core::Contact& ct : list) {
    contacts.push_back({{"role", core::ContactRoleName(ct.role)},
                        {"name", ct.name},
                        {"phone", ct.phone},
                        {"email", ct.email}});
  }
  return contacts;
}

std::vector<core::Exemption> ExemptionsReaching(store::Database& db, core::Instant t) {
  return store::ExemptionRepository(db).InForceReaching(t);
}

std::vector<core::DueWindow> WithExemptions(std::vector<core::DueWindow> windows,
                                            store::Database& db, const core::OrgTree& tree) {
  if (windows.empty()) return windows;
  core::Instant earliest = windows.front().window.grace_end;
  for (const core::DueWindow& due : windows) earliest = std::min(earliest, due.window.grace_end);
  const std::vector<core::Exemption> exemptions = ExemptionsReaching(db, earliest);
  if (exemptions.empty()) return windows;
  for (core::DueWindow& due : windows) due = core::WithExemptions(std::move(due), exemptions, tree);
  return windows;
}

json TimeOrNull(const std::optional<core::Instant>& t) {
  return t ? json(core::FormatInstantUtc(*t)) : json();
}

int64_t CeilMinutes(core::Millis d) {
  return std::chrono::ceil<std::chrono::minutes>(d).count();
}

core::BoardStatus BoardStatusOf(store::LedgerRowStatus s) {
  switch (s) {
    case store::LedgerRowStatus::kOnTime:
      return core::BoardStatus::kOnTime;
    case store::LedgerRowStatus::kLate:
      return core::BoardStatus::kLate;
    case store::LedgerRowStatus::kMissing:
      return core::BoardStatus::kMissing;
    case store::LedgerRowStatus::kExcused:
      return core::BoardStatus::kExcused;
  }
  return core::BoardStatus::kOutstanding;
}

}  // namespace pingan::services
