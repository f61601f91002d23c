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
      {2, "ledger, sweep progress, alerts with timeline, notification outbox", R"sql(
-- What each school did about each reporting window. A row exists once something is
-- known: the report arrived (on_time / late) or the sweep found silence (missing).
-- "Expected" is the absence of a row for a window the schedule names.
CREATE TABLE ledger (
  school_id      TEXT NOT NULL,
  requirement_id TEXT NOT NULL,
  window_id      TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('on_time', 'late', 'missing', 'excused')),
  deadline_ms    INTEGER NOT NULL,
  report_id      TEXT,
  received_at_ms INTEGER,
  lateness_ms    INTEGER NOT NULL DEFAULT 0,
  updated_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (requirement_id, window_id, school_id)
) WITHOUT ROWID;
CREATE INDEX ledger_by_school ON ledger (school_id, window_id);

-- Every window the sweep has decided, so that each deadline fires exactly once, also
-- across restarts and catch-up after downtime.
-- sweep_key tells apart windows with the same id but other deadlines (an override in
-- a subtree, another time zone); kind is 'deadline' or 'reminder'.
CREATE TABLE swept_windows (
  sweep_key      TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('deadline', 'reminder')),
  requirement_id TEXT NOT NULL,
  window_id      TEXT NOT NULL,
  due_at_ms      INTEGER NOT NULL,
  swept_at_ms    INTEGER NOT NULL,
  schools        INTEGER NOT NULL,
  affected       INTEGER NOT NULL,         -- missing schools, or reminders sent
  PRIMARY KEY (sweep_key, kind)
) WITHOUT ROWID;

-- Small durable settings of the daemon's own (e.g. how far the sweep has got).
CREATE TABLE daemon_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE alerts (
  alert_id       TEXT PRIMARY KEY,          -- UUIDv7
  kind           TEXT NOT NULL CHECK (kind IN ('missing', 'late', 'incident')),
  school_id      TEXT NOT NULL,
  requirement_id TEXT NOT NULL DEFAULT '',
  window_id      TEXT NOT NULL DEFAULT '',
  report_id      TEXT NOT NULL DEFAULT '',
  severity       INTEGER,
  needs_leader_attention INTEGER NOT NULL DEFAULT 0,
  state          TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
  created_at_ms  INTEGER NOT NULL,
  acknowledged_by TEXT NOT NULL DEFAULT '',
  acknowledged_at_ms INTEGER,
  ack_expires_at_ms  INTEGER,
  resolve_reason TEXT,
  resolved_at_ms INTEGER,
  next_step_at_ms INTEGER,                  -- escalation wake-up, NULL when none
  escalation_json TEXT NOT NULL DEFAULT '{}',
  notified_json   TEXT NOT NULL DEFAULT '[]'
) WITHOUT ROWID;
-- One missing alert per school and window, whatever happens.
CREATE UNIQUE INDEX alerts_one_missing ON alerts (school_id, requirement_id, window_id)
  WHERE kind = 'missing';
CREATE INDEX alerts_by_state ON alerts (state, created_at_ms);
CREATE INDEX alerts_by_wakeup ON alerts (next_step_at_ms) WHERE next_step_at_ms IS NOT NULL;

CREATE TABLE alert_timeline (
  alert_id TEXT NOT NULL REFERENCES alerts (alert_id),
  seq      INTEGER NOT NULL,
  at_ms    INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  what     TEXT NOT NULL,
  comment  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (alert_id, seq)
) WITHOUT ROWID;

-- Transactional outbox: a notification is a row written in the same transaction as
-- the decision that caused it, and delivered later with leases and retries.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL,           -- reminder, alert, resolved, grouped
  alert_id        TEXT NOT NULL DEFAULT '',
  recipient_json  TEXT NOT NULL,
  channel         TEXT NOT NULL,
  payload_json    TEXT NOT NULL,           -- template key and parameters, no free text
  state           TEXT NOT NULL CHECK (state IN ('pending', 'leased', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  lease_until_ms  INTEGER,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at_ms   INTEGER NOT NULL,
  delivered_at_ms INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_ms);
)sql"},
      {3, "escalation wake-ups for every alert, outbox channel fallback, grouping hold", R"sql(
-- next_step_at_ms now holds the alert's escalation wake-up (core::NextWakeup: a new
-- alert is due at creation, an acknowledged one when its acknowledgement lapses; a
-- resolved one while its "resolved" notices are owed). Alerts written before had NULL.
UPDATE alerts SET next_step_at_ms = CASE
    WHEN coalesce(json_extract(escalation_json, '$.started'), 0) = 0 THEN created_at_ms
    WHEN state = 'acknowledged' THEN ack_expires_at_ms
    ELSE next_step_at_ms END
  WHERE state <> 'resolved' AND next_step_at_ms IS NULL;

-- The channels of a message in fallback order (comma-separated; '' = only `channel`),
-- and the attempts made on the current channel (`attempts` counts all of them).
ALTER TABLE outbox ADD COLUMN channels TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN channel_attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_by_alert ON outbox (alert_id) WHERE alert_id <> '';

-- Notifications held back for the grouping window (escalation.grouping.window), so that
-- a restart inside the window loses none: written in the transaction that decided them,
-- moved to the outbox in the transaction that groups them.
CREATE TABLE notification_hold (
  id             INTEGER PRIMARY KEY,
  group_key      TEXT NOT NULL,            -- core::GroupKey
  produced_at_ms INTEGER NOT NULL,
  notification   TEXT NOT NULL             -- JSON; never incident free text
);
CREATE INDEX notification_hold_by_key ON notification_hold (group_key);
)sql"},
      {4, "console users, sessions and API tokens", R"sql(
-- Local console users. password_hash is libsodium's crypto_pwhash_str (Argon2id, with
-- its parameters and salt inside the string). scope_unit: the org unit a leader sees.
CREATE TABLE users (
  name          TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'duty_officer', 'leader', 'auditor')),
  scope_unit    TEXT NOT NULL DEFAULT '',
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- Login sessions. Only a hash of the random session token is kept, so a copy of the
-- database cannot be turned into a session. last_seen is written lazily (idle timeout).
CREATE TABLE sessions (
  token_hash    TEXT PRIMARY KEY,
  user_name     TEXT NOT NULL REFERENCES users (name),
  csrf_token    TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  last_seen_ms  INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL           -- absolute expiry
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_name);

-- API tokens for pinganctl and integrations; hashed like sessions, shown once.
CREATE TABLE api_tokens (
  token_hash    TEXT PRIMARY KEY,
  label         TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'duty_officer', 'leader', 'auditor')),
  scope_unit    TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  revoked       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
)sql"},
      {5, "incident cases (case owner, closure) and follow-up notes", R"sql(
-- One case per incident report (包案): who owns it, and whether and how it was closed.
-- A row exists once somebody was assigned or the case was closed; no row = open and
-- unowned. owner / owner_role are '' when not set. outcome: handled (办结), false_report
-- (虚报, the report proved untrue) or transferred (移交, handed to another authority).
CREATE TABLE incident_cases (
  report_id      TEXT PRIMARY KEY REFERENCES reports (report_id),
  owner          TEXT NOT NULL DEFAULT '',
  owner_role     TEXT NOT NULL DEFAULT '',
  assigned_by    TEXT NOT NULL DEFAULT '',
  assigned_at_ms INTEGER,
  state          TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  closed_by      TEXT NOT NULL DEFAULT '',
  closed_at_ms   INTEGER,
  outcome        TEXT CHECK (outcome IN ('handled', 'false_report', 'transferred'))
) WITHOUT ROWID;

-- Every assignment of a case owner, oldest first (seq), so that a reassignment keeps
-- who owned the case before.
CREATE TABLE incident_case_owners (
  report_id      TEXT NOT NULL REFERENCES reports (report_id),
  seq            INTEGER NOT NULL,
  owner          TEXT NOT NULL,
  owner_role     TEXT NOT NULL DEFAULT '',
  assigned_by    TEXT NOT NULL,
  assigned_at_ms INTEGER NOT NULL,
  PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;

-- Follow-up notes (回访) and closing comments. Their text may name people: it is
-- protected exactly like the incident summary (scoped, audited reads) and shares the
-- summary's purge date; a purge sets text and purge_after_ms to NULL and keeps who
-- wrote when. kind: 'note' or 'closure' (the comment given when the case was closed).
CREATE TABLE incident_notes (
  report_id      TEXT NOT NULL REFERENCES reports (report_id),
  seq            INTEGER NOT NULL,
  at_ms          INTEGER NOT NULL,
  author         TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('note', 'closure')),
  text           TEXT,
  purge_after_ms INTEGER,
  PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
CREATE INDEX incident_notes_by_purge ON incident_notes (purge_after_ms)
  WHERE purge_after_ms IS NOT NULL;

-- The incident list (newest first) without scanning every all-clear, and the incident
-- alert of a report.
CREATE INDEX reports_incidents_by_time ON reports (received_at_ms, report_id)
  WHERE kind = 'incident';
CREATE INDEX alerts_by_incident_report ON alerts (report_id) WHERE kind = 'incident';
)sql"},
      {6, "alert indexes for the newest-first list, one school's alerts and the hand-over",
       R"sql(
-- The alert list without a state filter (ORDER BY created_at_ms DESC, alert_id DESC
-- LIMIT n) walks this index from its end instead of sorting every alert; the state
-- filter already has alerts_by_state. (alert_id, the key, ends every index entry of a
-- WITHOUT ROWID table, so both orders are complete.)
CREATE INDEX alerts_by_time ON alerts (created_at_ms);
-- One school's alerts, newest first (the school page), without scanning the others.
CREATE INDEX alerts_by_school ON alerts (school_id, created_at_ms);
-- The hand-over's "resolved since": with alerts_by_state for the unresolved ones, it
-- reads only what concerns the shift, not every alert ever resolved.
CREATE INDEX alerts_by_resolved ON alerts (resolved_at_ms) WHERE resolved_at_ms IS NOT NULL;
)sql"},
      {7, "cancelled outbox rows and every alert of a grouped message", R"sql(
-- A message still queued when its alert is resolved is cancelled, not sent: a new
-- state, so the table is rebuilt (SQLite cannot change a CHECK constraint in place).
CREATE TABLE outbox_new (
  id              INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL,
  alert_id        TEXT NOT NULL DEFAULT '',
  recipient_json  TEXT NOT NULL,
  channel         TEXT NOT NULL,
  payload_json    TEXT NOT NULL,
  state           TEXT NOT NULL
                  CHECK (state IN ('pending', 'leased', 'delivered', 'failed', 'cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  lease_until_ms  INTEGER,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at_ms   INTEGER NOT NULL,
  delivered_at_ms INTEGER,
  channels        TEXT NOT NULL DEFAULT '',
  channel_attempts INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outbox_new (id, idempotency_key, kind, alert_id, recipient_json, channel,
  payload_json, state, attempts, next_attempt_ms, lease_until_ms, last_error, created_at_ms,
  delivered_at_ms, channels, channel_attempts)
SELECT id, idempotency_key, kind, alert_id, recipient_json, channel, payload_json, state,
  attempts, next_attempt_ms, lease_until_ms, last_error, created_at_ms, delivered_at_ms,
  channels, channel_attempts FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_ms);
CREATE INDEX outbox_by_alert ON outbox (alert_id) WHERE alert_id <> '';

-- Every alert a message is about (a grouped message names up to 1000), so that the
-- rows of one alert are found without reading payloads: to cancel them when it is
-- resolved, and to know who was actually told.
CREATE TABLE outbox_alerts (
  alert_id  TEXT NOT NULL,
  outbox_id INTEGER NOT NULL,
  PRIMARY KEY (alert_id, outbox_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO outbox_alerts (alert_id, outbox_id)
SELECT json_extract(a.value, '$.alert_id'), o.id
FROM outbox o, json_each(o.payload_json, '$.alerts') a
WHERE json_valid(o.payload_json) AND json_extract(a.value, '$.alert_id') <> '';
)sql"},
      {8, "dated exemptions (免报), withdrawn but never deleted; one late alert per window", R"sql(
-- An exemption excuses the schools of a subtree from some (or all) requirements for the
-- local dates first_day..last_day (inclusive). A withdrawal sets withdrawn_*; the row
-- stays, so the audit trail and the ledger rows it excused keep their reason.
-- requirement_ids: comma-separated ids, '' = every requirement. reason: an
-- administrative note (a closure), not incident text: stored as it is.
CREATE TABLE exemptions (
  exemption_id    TEXT PRIMARY KEY,         -- UUIDv7
  first_day       TEXT NOT NULL,            -- local date YYYY-MM-DD
  last_day        TEXT NOT NULL,
  scope_unit      TEXT NOT NULL,
  requirement_ids TEXT NOT NULL DEFAULT '',
  reason          TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  withdrawn_by    TEXT NOT NULL DEFAULT '',
  withdrawn_at_ms INTEGER,
  CHECK (first_day <= last_day)
) WITHOUT ROWID;
-- The sweep reads the exemptions still in force that reach the windows it decides.
CREATE INDEX exemptions_in_force ON exemptions (last_day) WHERE withdrawn_at_ms IS NULL;
-- A new exemption excuses the missing rows it covers: find them without a full scan.
CREATE INDEX ledger_missing_by_deadline ON ledger (deadline_ms) WHERE status = 'missing';
-- Late alerts (a requirement's raise_late_alert): one per school and window, like
-- missing alerts.
CREATE UNIQUE INDEX alerts_one_late ON alerts (school_id, requirement_id, window_id)
  WHERE kind = 'late';
)sql"},
      {9,
       "shift hand-overs (交接班) signed off and acknowledged; the wall role for users and tokens",
       R"sql(
-- The outgoing officer's note and sign-off, the incoming one's acknowledgement; never
-- deleted. The note is working text: shown in the console, never logged or audited.
CREATE TABLE handovers (
  handover_id  TEXT PRIMARY KEY,           -- UUIDv7
  note         TEXT NOT NULL,
  signed_by    TEXT NOT NULL,
  signed_at_ms INTEGER NOT NULL,
  acked_by     TEXT NOT NULL DEFAULT '',
  acked_at_ms  INTEGER
) WITHOUT ROWID;

-- The wall role (the big screen as a kiosk) for users and tokens: SQLite cannot change a
-- CHECK in place, so both tables are rebuilt; with foreign keys deferred, the rows put
-- back satisfy the sessions referring to users again before the commit.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE users_old AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
  name          TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'duty_officer', 'leader', 'auditor', 'wall')),
  scope_unit    TEXT NOT NULL DEFAULT '',
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO users (name, password_hash, role, scope_unit, disabled, created_at_ms)
SELECT name, password_hash, role, scope_unit, disabled, created_at_ms FROM users_old;
DROP TABLE users_old;
CREATE TABLE api_tokens_old AS SELECT * FROM api_tokens;
DROP TABLE api_tokens;
CREATE TABLE api_tokens (
  token_hash    TEXT PRIMARY KEY,
  label         TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'duty_officer', 'leader', 'auditor', 'wall')),
  scope_unit    TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  revoked       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO api_tokens (token_hash, label, role, scope_unit, created_at_ms, revoked)
SELECT token_hash, label, role, scope_unit, created_at_ms, revoked FROM api_tokens_old;
DROP TABLE api_tokens_old;
)sql"},
  };
  return kMigrations;
}

}  // namespace pingan::store
