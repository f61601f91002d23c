#include "daemon/services/admin_json.h"

#include "daemon/core/local_time.h"

namespace pingan::services {
namespace {

using nlohmann::json;

json UtcOrNull(const std::optional<core::Instant>& t) {
  return t ? json(core::FormatInstantUtc(*t)) : json();
}

json Ids(const std::vector<std::string>& ids) {
  json out = json::array();
  for (size_t i = 0; i < ids.size() && i < kMaxListedIds; ++i) out.push_back(ids[i]);
  return out;
}

const char* ChangeName(UserChange change) {
  switch (change) {
    case UserChange::kAdded:
      return "added";
    case UserChange::kPasswordChanged:
      return "changed";
    case UserChange::kDisabled:
      return "disabled";
  }
  return "changed";
}

}  // namespace

json ToJson(const std::vector<store::UserRow>& users) {
  json out = json::array();
  for (const store::UserRow& u : users) {
    out.push_back({{"name", u.name},
                   {"role", u.role},
                   {"scope", u.scope_unit},
                   {"disabled", u.disabled},
                   {"created_at", core::FormatInstantUtc(u.created_at)}});
  }
  return out;
}

json ToJson(const UserChanged& change) {
  return json{{ChangeName(change.change), change.name}};
}

json ToJson(const TokenCreated& token) {
  return json{{"label", token.label}, {"token", token.token}};
}

json ToJson(const std::vector<SchoolKey>& keys) {
  json out = json::array();
  for (const SchoolKey& k : keys) {
    out.push_back({{"school_id", k.key.school_id},
                   {"school_name", k.school_name},
                   {"in_org", k.in_org},
                   {"public_key", k.key.public_key},
                   {"fingerprint", k.key.fingerprint},
                   {"enrolled_at", UtcOrNull(k.key.enrolled_at)}});
  }
  return out;
}

json ToJson(const KeyEnrolment& e) {
  json out{{"school_id", e.school_id},
           {"fingerprint", e.fingerprint},
           {"unchanged", e.unchanged},
           {"replaced", e.replaced.has_value()}};
  if (e.replaced) out["previous_fingerprint"] = *e.replaced;
  return out;
}

json ToJson(const KeyRevocation& r) {
  return json{{"school_id", r.school_id},
              {"fingerprint", r.fingerprint},
              {"revoked", true},
              {"note",
               "new connections with this key are refused from now on, and reports on a "
               "connection that is already open are refused (key_revoked)"}};
}

json ToJson(const SchoolImport& import) {
  json errors = json::array();
  for (const config::LoadError& e : import.errors) {
    errors.push_back({{"line", e.line}, {"column", e.key}, {"message", e.message}});
  }
  return json{{"applied", import.applied},          {"dry_run", import.dry_run},
              {"added", import.added.size()},       {"updated", import.updated.size()},
              {"unchanged", import.unchanged},      {"added_ids", Ids(import.added)},
              {"updated_ids", Ids(import.updated)}, {"errors", errors}};
}

json ToJson(const LedgerExport& exported) {
  return json{{"from", core::FormatDate(exported.from)},
              {"to", core::FormatDate(exported.to)},
              {"rows", exported.rows},
              {"csv", exported.csv}};
}

}  // namespace pingan::services
