// pingan's schema, as an ordered list of migrations. Append only: a released migration
// is never edited, a change is a new migration.
#include "daemon/store/database.h"

namespace pingan::store {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "reports, protected incident text, audit log", R"sql(
-- One row per report, keyed by the agent-made UUIDv7 (text form sorts by time, so the
-- key index grows at its end). WITHOUT ROWID: the key b-tree is the table.
CREATE TABLE reports (
  report_id      TEXT PRIMARY KEY,
  school_id      TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('all_clear', 'incident', 'monthly')),
  covers         TEXT NOT NULL,            -- local date YYYY-MM-DD
  agent_time_ms  INTEGER NOT NULL,         -- agent's clock, informational
  received_at_ms INTEGER NOT NULL,         -- daemon's clock: lateness is judged by this
  -- incident block (NULL unless kind = 'incident')
  category       TEXT,
  severity       INTEGER CHECK (severity BETWEEN 1 AND 4),
  occurred_at_ms INTEGER,
  injured        INTEGER,
  dead           INTEGER,
  missing        INTEGER,
  needs_leader_attention INTEGER,
  -- monthly block (NULL unless kind = 'monthly')
  hazards_found     INTEGER,
  hazards_rectified INTEGER,
  drills_held       INTEGER,
  incidents         INTEGER
) WITHOUT ROWID;
CREATE INDEX reports_by_school_date ON reports (school_id, covers);

-- Incident free text lives apart from the report row: read access is scoped and
-- audited, and rows are purged after the retention period.
CREATE TABLE incident_texts (
  report_id      TEXT PRIMARY KEY REFERENCES reports (report_id),
  summary        TEXT NOT NULL,
  purge_after_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX incident_texts_by_purge ON incident_texts (purge_after_ms);

-- Who did what: logins, acknowledgements, configuration changes, reads of protected
-- text, and refused reports (e.g. a key claiming another school).
CREATE TABLE audit_log (
  id       INTEGER PRIMARY KEY,
  at_ms    INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  object   TEXT NOT NULL DEFAULT '',
  detail   TEXT NOT NULL DEFAULT ''
);
)sql"},
  };
  return kMigrations;
}

}  // namespace pingan::store
