// Routes that read stored records directly: GET /api/v1/incidents/{report_id} (the
// facts of an incident report; its protected summary only for roles allowed to read
// it, each read written to the audit log) and GET /api/v1/audit (the audit log, newest
// first). Each request opens a read-only connection (WAL: beside the writer).
#include "daemon/console/api_context.h"

#include "daemon/core/local_time.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"
#include "daemon/store/report_repository.h"

namespace pingan::console {
namespace {

using nlohmann::json;

// Retention only matters for inserts; reading needs none.
constexpr core::Millis kNoRetention{0};

Response Incident(const ApiContext& api, const RouteContext& c) {
  const std::string& path = api.backend.database_path;
  const std::string id = c.params.at("report_id");
  store::Database db(path, store::OpenMode::kReadOnly);
  store::ReportRepository reports(db.sql(), kNoRetention);
  auto stored = reports.Find(id);
  // Outside a leader's subtree is answered exactly like "does not exist".
  if (!stored || !stored->report.incident || !api.Visible(*c.principal, stored->report.school_id)) {
    throw ApiError(404, "not_found", "no incident report " + id);
  }
  const core::Report& r = stored->report;
  const core::Incident& i = *r.incident;
  json out{{"report_id", r.report_id},
           {"school_id", r.school_id},
           {"covers", core::FormatDate(r.covers)},
           {"received_at", core::FormatInstantUtc(stored->received_at)},
           {"category", core::IncidentCategoryName(i.category)},
           {"severity", core::SeverityName(i.severity)},
           {"occurred_at", core::FormatInstantUtc(i.occurred_at)},
           {"injured", i.injured},
           {"dead", i.dead},
           {"missing", i.missing},
           {"needs_leader_attention", i.needs_leader_attention}};
  if (RoleHas(c.principal->role, Permission::kReadIncidentText)) {
    auto text = reports.ReadIncidentText(id);
    out["summary"] = text ? json(*text) : json();  // null once purged
    api.auth.Audit(c.principal->Actor(), "incident.text.read", id, "");
  }
  return JsonResponse(200, out);
}

Response Audit(const std::string& path, const RouteContext& c) {
  int limit = 200;
  if (auto it = c.query.find("limit"); it != c.query.end()) {
    try {
      limit = std::stoi(it->second);
    } catch (const std::exception&) {
      limit = 0;
    }
  }
  if (limit < 1 || limit > 10000) throw ApiError(400, "bad_request", "limit must be 1..10000");
  store::Database db(path, store::OpenMode::kReadOnly);
  json out = json::array();
  for (const store::AuditEntry& e : store::RecentAudit(db.sql(), limit)) {
    out.push_back({{"at", core::FormatInstantUtc(e.at)},
                   {"actor", e.actor},
                   {"action", e.action},
                   {"object", e.object},
                   {"detail", e.detail}});
  }
  return JsonResponse(200, out);
}

}  // namespace

void AddIncidentRoutes(Router& router, ApiPtr api) {
  router.Add({"GET", "/api/v1/incidents/{report_id}", Permission::kViewIncidents, false,
              [api](const RouteContext& c) { return Incident(*api, c); }});
  router.Add({"GET", "/api/v1/audit", Permission::kViewAudit, false,
              [api](const RouteContext& c) { return Audit(api->backend.database_path, c); }});
}

}  // namespace pingan::console
