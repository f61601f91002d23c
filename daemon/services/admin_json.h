// The JSON views of the administration results (admin_service.h): the one place that
// names their fields, for pinganctl (ctl/output.cc), the web console and the tests. Pure
// functions, any thread.
//
//   users        [{name, role, scope, disabled, created_at}]
//   user change  {added | changed | disabled: name}
//   token        {label, token}
//   keys         [{school_id, school_name, in_org, public_key, fingerprint, enrolled_at}]
//   enrolment    {school_id, fingerprint, replaced, unchanged, previous_fingerprint?}
//   revocation   {school_id, fingerprint, revoked: true, note}
//   import       {applied, dry_run, added, updated, unchanged, added_ids, updated_ids
//                (at most kMaxListedIds each), errors: [{line, column, message}]}
//   export       {from, to, rows, csv} (the HTTP route sends the CSV itself)
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/services/admin_service.h"

namespace pingan::services {

inline constexpr size_t kMaxListedIds = 200;  // of added / updated schools in an answer

nlohmann::json ToJson(const std::vector<store::UserRow>& users);
nlohmann::json ToJson(const UserChanged& change);
nlohmann::json ToJson(const TokenCreated& token);
nlohmann::json ToJson(const std::vector<SchoolKey>& keys);
nlohmann::json ToJson(const KeyEnrolment& enrolment);
nlohmann::json ToJson(const KeyRevocation& revocation);
nlohmann::json ToJson(const SchoolImport& import);
nlohmann::json ToJson(const LedgerExport& exported);

}  // namespace pingan::services
