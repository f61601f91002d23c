#include "daemon/services/control_handlers.h"

#include <algorithm>

#include "daemon/core/local_time.h"
#include "daemon/services/board_json.h"
#include "daemon/services/query_support.h"
#include "daemon/services/status_json.h"
#include "daemon/store/database.h"
#include "daemon/store/ledger_repository.h"

namespace pingan::services {
namespace {

using nlohmann::json;

json ClockAdvance(const ControlContext& c, const json& args) {
  if (c.drill == nullptr) {
    throw ControlError("not_drill", "the clock can only be moved when pingand runs --clock drill");
  }
  // Either a step ("by": 2h) or a time to jump to ("to": an absolute instant, for
  // scripts that rehearse "the 16:30 grace end"). A drill clock only moves forward:
  // the sweep and escalation positions already passed the present.
  const std::string by_text = TextArg(args, "by");
  const std::string to_text = TextArg(args, "to");
  if (by_text.empty() == to_text.empty()) {
    throw ControlError("bad_request", "give either 'by' (e.g. 2h) or 'to' (an ISO instant)");
  }
  std::optional<core::Millis> by;
  if (!by_text.empty()) {
    by = core::ParseDuration(by_text);
    if (!by || by->count() <= 0) throw ControlError("bad_request", "'by' must be like 2h or 1d30m");
  } else {
    const auto to = ParseInstantText(to_text);
    if (!to) {
      throw ControlError("bad_request",
                         "'to' must be an ISO instant like 2026-10-03T16:30:00+08:00");
    }
    by = std::chrono::duration_cast<core::Millis>(*to - c.clock.Now());
    if (by->count() <= 0) {
      throw ControlError("bad_request", "'to' " + to_text + " is not after the drill clock's " +
                                            core::FormatInstantUtc(c.clock.Now()) +
                                            ": it only moves forward");
    }
  }
  c.drill->Advance(*by);
  if (c.on_clock_moved) c.on_clock_moved();
  return json{{"now", core::FormatInstantUtc(c.clock.Now())}};
}

json LedgerToday(const ControlContext& c, const json& args) {
  config::SharedSchedule b = RequireSchedule(c.schedules);
  const date::year_month_day day = DayArg(args, *b, c.clock.Now());
  const date::sys_days d{day};
  // Windows covering the day end within a few days of it, in any zone.
  const core::Instant from = d - date::days{2};
  const core::Instant to = d + date::days{40};
  auto db = c.reads.Acquire();
  store::LedgerRepository ledger(db);
  const core::Instant now = c.clock.Now();
  json windows = json::array();
  for (const core::DueWindow& due :
       WithExemptions(b->schedule.GraceEndsBetween(from, to), db.db(), b->tree)) {
    const core::Window& w = due.window;
    if (date::sys_days{w.covers_first} > d || date::sys_days{w.covers_last} < d) continue;
    if (w.kind != core::ReportKind::kAllClear) continue;
    auto counts = ledger.CountByStatus(w.requirement_id, w.window_id);
    json item = ToJson(ViewOf(*b, w));
    const int schools = static_cast<int>(due.schools.size());
    const int on_time = counts[store::LedgerRowStatus::kOnTime];
    const int late = counts[store::LedgerRowStatus::kLate];
    const int missing = counts[store::LedgerRowStatus::kMissing];
    item["schools"] = schools;
    item["on_time"] = on_time;
    item["late"] = late;
    item["missing"] = missing;
    item["excused"] = due.paused.size();
    item["outstanding"] = now <= w.grace_end ? schools - on_time - late - missing : 0;
    windows.push_back(item);
  }
  return json{{"date", core::FormatDate(day)}, {"windows", windows}};
}

}  // namespace

void RegisterControlHandlers(ControlServer& server, const StatusService& status) {
  // `status` outlives the server; its context's references too.
  const StatusService* s = &status;
  server.Register("status", [s](const json&) { return ToJson(s->Status()); });
  server.Register("clock.now", [s](const json&) { return ToJson(s->Clock()); });
  server.RegisterChange("clock.advance",
                        [s](const json& args) { return ClockAdvance(s->context(), args); });
  server.Register("calendar.show",
                  [s](const json& args) { return ToJson(s->Calendar(TextArg(args, "unit"))); });
  server.Register("deadlines.next", [s](const json& args) {
    return ToJson(s->NextDeadlines({TextArg(args, "unit"), IntArg(args, "limit", 10, 1, 10000)}));
  });
  server.Register("ledger.today",
                  [s](const json& args) { return LedgerToday(s->context(), args); });
  server.Register("missing", [s](const json& args) {
    return ToJson(s->Missing(IntArg(args, "limit", 200, 1, 10000)));
  });
}

}  // namespace pingan::services
