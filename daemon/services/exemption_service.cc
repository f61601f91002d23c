#include "daemon/services/exemption_service.h"

#include <spdlog/spdlog.h>

#include "daemon/core/local_time.h"
#include "daemon/core/text.h"
#include "daemon/jobs/ids.h"
#include "daemon/services/control_server.h"
#include "daemon/services/query_support.h"
#include "daemon/store/exemption_repository.h"

namespace pingan::services {
namespace {

date::year_month_day ExemptionDateArg(const std::string& text, const char* key) {
  auto d = core::ParseDate(text);
  if (!d) throw ControlError("bad_request", std::string("'") + key + "' must be a date YYYY-MM-DD");
  return *d;
}

}  // namespace

std::vector<core::Exemption> ExemptionService::List(const ExemptionQuery& q) const {
  auto db = c_.reads.Acquire();
  return store::ExemptionRepository(db).List(q.with_withdrawn, q.limit);
}

core::Exemption ExemptionService::Find(const std::string& id) const {
  auto db = c_.reads.Acquire();
  auto e = store::ExemptionRepository(db).Find(id);
  if (!e) throw ControlError("not_found", "no exemption " + id);
  return std::move(*e);
}

core::Exemption ExemptionService::Create(const CreateExemptionRequest& r) const {
  config::SharedSchedule bundle = c_.schedules.Get();
  if (!bundle) throw ControlError("no_schedule", "no organisation is configured");
  const core::ExemptionRequest request{ExemptionDateArg(r.from, "from"),
                                       ExemptionDateArg(r.to, "to"), r.scope, r.requirements,
                                       r.reason};
  if (auto problem = core::ValidateExemption(request, bundle->tree, bundle->requirements)) {
    throw ControlError("bad_request", *problem);
  }
  const core::Instant now = c_.clock.Now();
  core::Exemption e{jobs::NewId(now),
                    request.first,
                    request.last,
                    request.scope_unit_id,
                    request.requirement_ids,
                    std::string(core::TrimSpace(request.reason)),
                    ActorNameArg(r.who),
                    now,
                    "",
                    std::nullopt};
  c_.writer.Post([e, bundle, on_applied = c_.on_applied](store::Database& db) {
    const jobs::ExemptionApplied done = jobs::CreateExemption(db, *bundle, e);
    if (!done.stored) spdlog::warn("exemption {} exists already: not stored again", e.id);
    if (done.excused_rows > 0) {
      spdlog::info("exemption {}: {} decided windows excused, {} missing alerts resolved", e.id,
                   done.excused_rows, done.resolved_alert_ids.size());
    }
    if (on_applied) on_applied(done);
  });
  return e;
}

core::Exemption ExemptionService::Withdraw(const WithdrawExemptionRequest& r) const {
  core::Exemption e = Find(r.id);
  if (e.withdrawn()) throw ControlError("refused", "exemption " + r.id + " is already withdrawn");
  e.withdrawn_by = ActorNameArg(r.who);
  e.withdrawn_at = c_.clock.Now();
  c_.writer.Post([id = e.id, who = e.withdrawn_by, &clock = c_.clock,
                  on_applied = c_.on_applied](store::Database& db) {
    if (!jobs::WithdrawExemption(db, id, who, clock.Now())) {
      spdlog::warn("exemption {}: withdrawal not applied (already withdrawn)", id);
      return;
    }
    if (on_applied) on_applied(jobs::ExemptionApplied{true, 0, {}});
  });
  return e;
}

}  // namespace pingan::services
