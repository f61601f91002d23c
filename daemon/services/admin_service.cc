#include "daemon/services/admin_service.h"

#include <spdlog/spdlog.h>

#include "daemon/core/local_time.h"
#include "daemon/services/control_server.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"

namespace pingan::services {
namespace {

[[noreturn]] void Fail(const config::KeyStoreError& e) {
  throw ControlError(e.code, e.message);
}

date::year_month_day DayText(const char* key, const std::string& text) {
  if (text.empty()) throw ControlError("bad_request", std::string("'") + key + "' is required");
  auto day = core::ParseDate(text);
  if (!day) throw ControlError("bad_request", std::string("'") + key + "' must be YYYY-MM-DD");
  return *day;
}

SchoolImport Answer(const config::ImportPlan& plan, bool dry_run, bool applied) {
  return SchoolImport{applied, dry_run, plan.added, plan.updated, plan.unchanged, plan.errors};
}

}  // namespace

ExportRequest ParseExportRequest(const std::string& from, const std::string& to,
                                 const std::string& unit, const std::string& scope) {
  return ExportRequest{DayText("from", from), DayText("to", to), unit, scope};
}

void AdminService::Audit(const std::string& actor, const std::string& action,
                         const std::string& object, const std::string& detail) const {
  store::AuditEntry entry{c_.wall_clock.Now(), actor.empty() ? "control" : actor, action, object,
                          detail};
  c_.writer.Post([entry](store::Database& db) { store::AppendAudit(db, entry); });
}

std::vector<store::UserRow> AdminService::Users() const {
  auto db = c_.reads.Acquire();
  return store::AuthRepository(db).ListUsers();
}

std::vector<SchoolKey> AdminService::Keys() const {
  auto listed = config::ListSchoolKeys(c_.school_keys);
  if (auto* e = std::get_if<config::KeyStoreError>(&listed)) Fail(*e);
  config::SharedSchedule bundle = c_.schedules.Get();
  std::vector<SchoolKey> out;
  for (config::EnrolledKey& k : std::get<std::vector<config::EnrolledKey>>(listed)) {
    const core::Unit* unit = bundle ? bundle->tree.Find(k.school_id) : nullptr;
    out.push_back({std::move(k), unit ? unit->name : "", unit != nullptr});
  }
  return out;
}

KeyEnrolment AdminService::EnrolKey(const KeyEnrolRequest& r) const {
  if (r.school.empty()) throw ControlError("bad_request", "'school' is required");
  if (r.public_key.empty()) throw ControlError("bad_request", "'public_key' is required");
  config::SharedSchedule bundle = c_.schedules.Get();
  if (!bundle || bundle->tree.Find(r.school) == nullptr) {
    throw ControlError("not_found", "no unit '" + r.school + "' in the organisation");
  }
  auto enrolled = config::EnrolSchoolKey(c_.school_keys, r.school, r.public_key);
  if (auto* e = std::get_if<config::KeyStoreError>(&enrolled)) Fail(*e);
  const config::EnrolOutcome& outcome = std::get<config::EnrolOutcome>(enrolled);
  KeyEnrolment out{r.school, config::KeyFingerprint(r.public_key), outcome.unchanged, {}};
  if (outcome.unchanged) return out;
  if (!outcome.previous_key.empty()) out.replaced = config::KeyFingerprint(outcome.previous_key);
  if (c_.on_keys_changed) c_.on_keys_changed();
  Audit(r.actor, "keys.enroll", r.school,
        "fingerprint=" + out.fingerprint + (out.replaced ? " replaced=" + *out.replaced : ""));
  spdlog::info("school {}: CURVE key {} enrolled{}", r.school, out.fingerprint,
               out.replaced ? " (replacing the previous key)" : "");
  return out;
}

KeyRevocation AdminService::RevokeKey(const KeyRevokeRequest& r) const {
  if (r.school.empty()) throw ControlError("bad_request", "'school' is required");
  auto revoked = config::RevokeSchoolKey(c_.school_keys, r.school, c_.wall_clock.Now());
  if (auto* e = std::get_if<config::KeyStoreError>(&revoked)) Fail(*e);
  const std::string fingerprint = config::KeyFingerprint(std::get<std::string>(revoked));
  if (c_.on_keys_changed) c_.on_keys_changed();
  Audit(r.actor, "keys.revoke", r.school, "fingerprint=" + fingerprint);
  spdlog::warn("school {}: CURVE key {} revoked", r.school, fingerprint);
  return KeyRevocation{r.school, fingerprint};
}

SchoolImport AdminService::ImportSchools(const SchoolImportRequest& r) const {
  if (r.csv.empty()) throw ControlError("bad_request", "'csv' is required");
  const std::string file = r.file.empty() ? "import.csv" : r.file;
  config::SharedSchedule current = c_.schedules.Get();
  if (!current) {
    throw ControlError("no_schedule",
                       "no organisation is configured (org.file / org.csv): configure one first");
  }
  config::ImportPlan plan = config::PlanSchoolImport(current->tree, r.csv, file);
  if (!plan.errors.empty() || r.dry_run) return Answer(plan, r.dry_run, false);
  auto bundle = config::MakeScheduleBundle(std::move(*plan.tree), current->calendars,
                                           current->requirements, current->time_zone);
  plan.tree.reset();
  if (auto* e = std::get_if<core::ScheduleError>(&bundle)) {
    plan.errors.push_back(config::LoadError{file, 0, "", e->ToString()});
    return Answer(plan, r.dry_run, false);
  }
  // Only what changes is pinned over the configuration.
  std::vector<core::Unit> changed;
  for (const core::Unit& u : plan.rows) {
    const core::Unit* before = current->tree.Find(u.id);
    if (before == nullptr || !config::SameUnit(*before, u)) changed.push_back(u);
  }
  if (!changed.empty()) {
    // Saved before it is used: a failed write leaves everything as it was.
    if (auto e = config::SaveImportedSchools(c_.imported_schools, changed)) {
      throw ControlError("internal", *e);
    }
    c_.schedules.Set(std::get<config::SharedSchedule>(std::move(bundle)));
  }
  const std::string counts = "added=" + std::to_string(plan.added.size()) +
                             " updated=" + std::to_string(plan.updated.size()) +
                             " unchanged=" + std::to_string(plan.unchanged);
  Audit(r.actor, "schools.import", file, counts);
  spdlog::info("schools import from {}: {}", file, counts);
  return Answer(plan, false, true);
}

LedgerExport AdminService::ExportLedger(const ExportRequest& request) const {
  config::SharedSchedule bundle = c_.schedules.Get();
  if (!bundle) throw ControlError("no_schedule", "no organisation and calendars are configured");
  auto db = c_.reads.Acquire();
  auto exported = ExportLedgerCsv(*bundle, db.db(), request, c_.clock.Now());
  if (auto* e = std::get_if<ExportError>(&exported)) throw ControlError(e->code, e->message);
  ExportResult& result = std::get<ExportResult>(exported);
  return LedgerExport{request.from, request.to, result.rows, std::move(result.csv)};
}

}  // namespace pingan::services
