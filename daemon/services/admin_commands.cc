#include "daemon/services/admin_commands.h"

#include <spdlog/spdlog.h>

#include "daemon/config/school_import.h"
#include "daemon/config/school_keys.h"
#include "daemon/core/local_time.h"
#include "daemon/services/ledger_export.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/auth_repository.h"
#include "daemon/store/database.h"

namespace pingan::services {
namespace {

using nlohmann::json;

constexpr size_t kMaxListedIds = 200;  // of added / updated schools in an answer

// TextArg, with empty text counted as absent (names and keys must not be "").
std::string Arg(const json& args, const char* key, bool required = false) {
  const std::string text = TextArg(args, key);
  if (text.empty() && required) {
    throw ControlError("bad_request", std::string("'") + key + "' is required");
  }
  return text;
}

// true, 1, "1", "true", "yes"
bool Flag(const json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return false;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number_integer()) return it->get<int>() != 0;
  if (it->is_string()) {
    const std::string v = it->get<std::string>();
    return v == "1" || v == "true" || v == "yes";
  }
  throw ControlError("bad_request", std::string("'") + key + "' must be true or false");
}

json UtcOrNull(const std::optional<core::Instant>& t) {
  return t ? json(core::FormatInstantUtc(*t)) : json();
}

void Audit(const AdminCommandContext& c, const json& args, const std::string& action,
           const std::string& object, const std::string& detail) {
  std::string actor = Arg(args, "actor");
  if (actor.empty()) actor = "control";
  store::AuditEntry entry{c.wall_clock.Now(), actor, action, object, detail};
  c.writer.Post([entry](store::Database& db) { store::AppendAudit(db, entry); });
}

[[noreturn]] void Fail(const config::KeyStoreError& e) {
  throw ControlError(e.code, e.message);
}

json UsersList(const AdminCommandContext& c) {
  auto db = c.reads.Acquire();
  json out = json::array();
  for (const store::UserRow& u : store::AuthRepository(db).ListUsers()) {
    out.push_back({{"name", u.name},
                   {"role", u.role},
                   {"scope", u.scope_unit},
                   {"disabled", u.disabled},
                   {"created_at", core::FormatInstantUtc(u.created_at)}});
  }
  return out;
}

json KeysList(const AdminCommandContext& c) {
  auto listed = config::ListSchoolKeys(c.school_keys);
  if (auto* e = std::get_if<config::KeyStoreError>(&listed)) Fail(*e);
  config::SharedSchedule bundle = c.schedules.Get();
  json out = json::array();
  for (const config::EnrolledKey& k : std::get<std::vector<config::EnrolledKey>>(listed)) {
    const core::Unit* unit = bundle ? bundle->tree.Find(k.school_id) : nullptr;
    out.push_back({{"school_id", k.school_id},
                   {"school_name", unit ? unit->name : ""},
                   {"in_org", unit != nullptr},
                   {"public_key", k.public_key},
                   {"fingerprint", k.fingerprint},
                   {"enrolled_at", UtcOrNull(k.enrolled_at)}});
  }
  return out;
}

json KeysEnroll(const AdminCommandContext& c, const json& args) {
  const std::string school = Arg(args, "school", true);
  const std::string key = Arg(args, "public_key", true);
  config::SharedSchedule bundle = c.schedules.Get();
  if (!bundle || bundle->tree.Find(school) == nullptr) {
    throw ControlError("not_found", "no unit '" + school + "' in the organisation");
  }
  auto enrolled = config::EnrolSchoolKey(c.school_keys, school, key);
  if (auto* e = std::get_if<config::KeyStoreError>(&enrolled)) Fail(*e);
  const config::EnrolOutcome& outcome = std::get<config::EnrolOutcome>(enrolled);
  json out{{"school_id", school},
           {"fingerprint", config::KeyFingerprint(key)},
           {"unchanged", outcome.unchanged},
           {"replaced", !outcome.unchanged && !outcome.previous_key.empty()}};
  if (outcome.unchanged) return out;
  if (!outcome.previous_key.empty()) {
    out["previous_fingerprint"] = config::KeyFingerprint(outcome.previous_key);
  }
  if (c.on_keys_changed) c.on_keys_changed();
  Audit(c, args, "keys.enroll", school,
        "fingerprint=" + config::KeyFingerprint(key) +
            (outcome.previous_key.empty()
                 ? ""
                 : " replaced=" + config::KeyFingerprint(outcome.previous_key)));
  spdlog::info("school {}: CURVE key {} enrolled{}", school, config::KeyFingerprint(key),
               outcome.previous_key.empty() ? "" : " (replacing the previous key)");
  return out;
}

json KeysRevoke(const AdminCommandContext& c, const json& args) {
  const std::string school = Arg(args, "school", true);
  auto revoked = config::RevokeSchoolKey(c.school_keys, school, c.wall_clock.Now());
  if (auto* e = std::get_if<config::KeyStoreError>(&revoked)) Fail(*e);
  const std::string fingerprint = config::KeyFingerprint(std::get<std::string>(revoked));
  if (c.on_keys_changed) c.on_keys_changed();
  Audit(c, args, "keys.revoke", school, "fingerprint=" + fingerprint);
  spdlog::warn("school {}: CURVE key {} revoked", school, fingerprint);
  return json{{"school_id", school},
              {"fingerprint", fingerprint},
              {"revoked", true},
              {"note",
               "new connections with this key are refused from now on, and reports on a "
               "connection that is already open are refused (key_revoked)"}};
}

json Ids(const std::vector<std::string>& ids) {
  json out = json::array();
  for (size_t i = 0; i < ids.size() && i < kMaxListedIds; ++i) out.push_back(ids[i]);
  return out;
}

json ImportAnswer(const config::ImportPlan& plan, bool dry_run, bool applied) {
  json errors = json::array();
  for (const config::LoadError& e : plan.errors) {
    errors.push_back({{"line", e.line}, {"column", e.key}, {"message", e.message}});
  }
  return json{{"applied", applied},
              {"dry_run", dry_run},
              {"added", plan.added.size()},
              {"updated", plan.updated.size()},
              {"unchanged", plan.unchanged},
              {"added_ids", Ids(plan.added)},
              {"updated_ids", Ids(plan.updated)},
              {"errors", errors}};
}

json SchoolsImport(const AdminCommandContext& c, const json& args) {
  const std::string csv = Arg(args, "csv", true);
  const bool dry_run = Flag(args, "dry_run");
  std::string file = Arg(args, "file");
  if (file.empty()) file = "import.csv";
  config::SharedSchedule current = c.schedules.Get();
  if (!current) {
    throw ControlError("no_schedule",
                       "no organisation is configured (org.file / org.csv): configure one first");
  }
  config::ImportPlan plan = config::PlanSchoolImport(current->tree, csv, file);
  if (!plan.errors.empty() || dry_run) return ImportAnswer(plan, dry_run, false);
  auto bundle = config::MakeScheduleBundle(std::move(*plan.tree), current->calendars,
                                           current->requirements, current->time_zone);
  plan.tree.reset();
  if (auto* e = std::get_if<core::ScheduleError>(&bundle)) {
    plan.errors.push_back(config::LoadError{file, 0, "", e->ToString()});
    return ImportAnswer(plan, dry_run, false);
  }
  // Only what changes is pinned over the configuration.
  std::vector<core::Unit> changed;
  for (const core::Unit& u : plan.rows) {
    const core::Unit* before = current->tree.Find(u.id);
    if (before == nullptr || !config::SameUnit(*before, u)) changed.push_back(u);
  }
  if (!changed.empty()) {
    // Saved before it is used: a failed write leaves everything as it was.
    if (auto e = config::SaveImportedSchools(c.imported_schools, changed)) {
      throw ControlError("internal", *e);
    }
    c.schedules.Set(std::get<config::SharedSchedule>(std::move(bundle)));
  }
  const std::string counts = "added=" + std::to_string(plan.added.size()) +
                             " updated=" + std::to_string(plan.updated.size()) +
                             " unchanged=" + std::to_string(plan.unchanged);
  Audit(c, args, "schools.import", file, counts);
  spdlog::info("schools import from {}: {}", file, counts);
  return ImportAnswer(plan, false, true);
}

json ExportLedger(const AdminCommandContext& c, const json& args) {
  ExportRequest request;
  for (auto [key, field] : {std::pair{"from", &request.from}, std::pair{"to", &request.to}}) {
    auto day = core::ParseDate(Arg(args, key, true));
    if (!day) throw ControlError("bad_request", std::string("'") + key + "' must be YYYY-MM-DD");
    *field = *day;
  }
  request.unit = Arg(args, "unit");
  request.scope = Arg(args, "scope");
  config::SharedSchedule bundle = c.schedules.Get();
  if (!bundle) throw ControlError("no_schedule", "no organisation and calendars are configured");
  auto db = c.reads.Acquire();
  auto exported = ExportLedgerCsv(*bundle, db.db(), request, c.clock.Now());
  if (auto* e = std::get_if<ExportError>(&exported)) throw ControlError(e->code, e->message);
  ExportResult& result = std::get<ExportResult>(exported);
  return json{{"from", core::FormatDate(request.from)},
              {"to", core::FormatDate(request.to)},
              {"rows", result.rows},
              {"csv", std::move(result.csv)}};
}

}  // namespace

void RegisterAdminCommands(ControlServer& server, const AdminCommandContext& context) {
  // The context is copied into each handler; its references outlive the server.
  server.Register("users.list", [context](const json&) { return UsersList(context); });
  server.Register("keys.list", [context](const json&) { return KeysList(context); });
  server.RegisterChange("keys.enroll", [context](const json& a) { return KeysEnroll(context, a); });
  server.RegisterChange("keys.revoke", [context](const json& a) { return KeysRevoke(context, a); });
  server.RegisterChange("schools.import",
                        [context](const json& a) { return SchoolsImport(context, a); });
  server.Register("export.ledger", [context](const json& a) { return ExportLedger(context, a); });
  RegisterBackupCommand(server, context);
}

}  // namespace pingan::services
