// ExemptionService: the typed queries and changes on dated exemptions (免报,
// core/exemption.h), shared by the control socket (exemption_commands.cc) and the HTTP
// API (api/exemption_routes.cc), which are thin adapters over it:
//
//   List      newest first; withdrawn ones only when asked for
//   Find      one exemption
//   Create    checks the request against the organisation and requirements in force,
//             gives it an id and posts it to the writer (jobs::CreateExemption: the
//             missing windows it covers become excused), audited "exemption.create"
//   Withdraw  posts the withdrawal (jobs::WithdrawExemption), audited
//             "exemption.withdraw"; nothing decided is rewritten
//
// Errors throw services::ControlError: no_schedule (no organisation configured),
// not_found (no such exemption), refused (already withdrawn), bad_request (malformed
// input; messages never quote the reason).
//
// Threading: methods run on a read-pool worker, several at once (never on the io
// thread); reads lease a connection of the shared read-only pool. Changes are checked at
// once and then applied by the StoreWriter (the only writer) in one transaction with
// their audit entry; they are visible to reads once that job ran (milliseconds), and
// `on_applied` (optional) is then called on the writer thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/core/exemption.h"
#include "daemon/jobs/exemption_changes.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/store_writer.h"

namespace pingan::services {

struct ExemptionServiceContext {
  const core::Clock& clock;  // the daemon's clock (a drill clock during drills)
  store::ReadPool reads;     // read-only connections, shared
  store::StoreWriter& writer;
  const config::ScheduleSource& schedules;
  // After a change committed (writer thread): what it excused; for live updates.
  std::function<void(const jobs::ExemptionApplied&)> on_applied;
};

struct ExemptionQuery {
  bool with_withdrawn = false;
  int limit = 200;
};

struct CreateExemptionRequest {
  std::string from;                       // local date YYYY-MM-DD
  std::string to;                         // local date YYYY-MM-DD, inclusive
  std::string scope;                      // a school or unit id
  std::vector<std::string> requirements;  // empty: every requirement
  std::string reason;
  std::string who;
};

struct WithdrawExemptionRequest {
  std::string id;
  std::string who;
};

class ExemptionService {
 public:
  explicit ExemptionService(ExemptionServiceContext context) : c_(std::move(context)) {}

  std::vector<core::Exemption> List(const ExemptionQuery& query) const;
  core::Exemption Find(const std::string& id) const;
  // The exemption as it will be stored (id, who, when).
  core::Exemption Create(const CreateExemptionRequest& request) const;
  // The exemption as it will be once withdrawn.
  core::Exemption Withdraw(const WithdrawExemptionRequest& request) const;

  const config::ScheduleSource& schedules() const { return c_.schedules; }
  core::Instant Now() const { return c_.clock.Now(); }

 private:
  ExemptionServiceContext c_;
};

}  // namespace pingan::services
