// SchoolService: the typed queries behind the duty console's school pages, shared by the
// control socket (school_commands.cc: schools, school.show) and the HTTP routes
// (api/school_routes.cc), which are thin adapters over it; the JSON of its results is in
// school_json.h.
//
//   List  the schools of a unit's subtree in tree order; `text` matches a substring of
//         the id or the name (ASCII letters without regard to case)
//   Show  one school: where it sits, its contacts, the record of its last `days` days
//         (what the ledger recorded, and the windows the schedule names that have no
//         row yet: outstanding, or excused while paused or exempted), its on-time
//         stats (decided windows only) and its unresolved alerts
//
// Callers scope leaders (the school must lie in their subtree). Threading: the methods
// are const and run on a read-pool worker, several at once; each leases a read-only
// connection from the shared pool. Errors are thrown as ControlError (not_found,
// bad_request, no_schedule).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/core/alert.h"
#include "daemon/core/board.h"
#include "daemon/core/org_tree.h"
#include "daemon/services/overview_service.h"
#include "daemon/services/query_support.h"

namespace pingan::services {

struct SchoolsQuery {
  std::string unit;  // default: the whole organisation
  std::string text;  // "" matches every school
  int limit = 200;
};

struct SchoolRow {
  std::string id;
  std::string name;
  std::string parent_id;
  std::string parent_name;
  bool paused = false;
  std::string time_zone;
};

struct SchoolQuery {
  std::string id;
  int days = 30;  // 1..366
};

// One window of a school's record.
struct SchoolHistoryItem {
  std::string requirement_id;
  std::string requirement_name;
  std::string window_id;
  std::string kind;  // core::ReportKindName
  core::Instant deadline{};
  core::BoardStatus status = core::BoardStatus::kOutstanding;
  std::optional<core::Instant> received_at;
  std::optional<core::Millis> lateness;  // when received
};

struct SchoolPage {
  core::Unit school;
  std::vector<UnitRef> path;  // root .. parent
  std::string time_zone;
  int days = 30;
  core::ReportingStats stats;
  std::vector<SchoolHistoryItem> history;  // newest first
  std::vector<core::Alert> open_alerts;    // open, then acknowledged
  config::SharedSchedule names;            // the organisation the alerts are named from
};

// Virtual so that route tests can stand in a fake; the daemon has one instance, shared
// by the control commands and the HTTP routes.
class SchoolService {
 public:
  explicit SchoolService(ConsoleQueryContext context) : c_(std::move(context)) {}
  virtual ~SchoolService() = default;

  virtual std::vector<SchoolRow> List(const SchoolsQuery& q) const;
  virtual SchoolPage Show(const SchoolQuery& q) const;

 private:
  ConsoleQueryContext c_;
};

}  // namespace pingan::services
