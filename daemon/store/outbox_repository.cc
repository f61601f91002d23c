#include "daemon/store/outbox_repository.h"

#include <SQLiteCpp/Statement.h>

#include "daemon/store/outbox_codec.h"
#include "daemon/store/sql_values.h"

namespace pingan::store {
namespace {

constexpr const char* kOutboxColumns =
    "SELECT id, idempotency_key, kind, alert_id, recipient_json, channel, payload_json, state, "
    "attempts, next_attempt_ms, lease_until_ms, last_error, created_at_ms, channels, "
    "channel_attempts, delivered_at_ms FROM outbox ";

core::OutboxRow ReadOutboxRow(SQLite::Statement& s) {
  core::OutboxRow r;
  r.id = s.getColumn(0).getInt64();
  r.key = s.getColumn(1).getString();
  StoredOutboxMessage stored;
  stored.kind = s.getColumn(2).getString();
  stored.alert_id = s.getColumn(3).getString();
  stored.recipient_json = s.getColumn(4).getString();
  stored.channel = s.getColumn(5).getString();
  stored.payload_json = s.getColumn(6).getString();
  stored.channels = s.getColumn(13).getString();
  DecodeOutboxMessage(stored, r);
  r.status =
      core::ParseOutboxStatus(s.getColumn(7).getString()).value_or(core::OutboxStatus::kPending);
  r.attempts = s.getColumn(8).getInt();
  r.next_attempt_at = core::FromUnixMillis(s.getColumn(9).getInt64());
  r.lease_until = ColumnOptionalInstant(s.getColumn(10));
  r.last_error = s.getColumn(11).getString();
  r.created_at = core::FromUnixMillis(s.getColumn(12).getInt64());
  r.channel_attempts = s.getColumn(14).getInt();
  r.delivered_at = ColumnOptionalInstant(s.getColumn(15));
  return r;
}

std::vector<core::OutboxRow> ReadOutboxRows(SQLite::Statement& s) {
  std::vector<core::OutboxRow> out;
  while (s.executeStep()) out.push_back(ReadOutboxRow(s));
  return out;
}

std::string IdList(const std::set<int64_t>& ids) {
  std::string out = "[";
  for (int64_t id : ids) out += (out.size() > 1 ? "," : "") + std::to_string(id);
  return out + "]";
}

}  // namespace

bool OutboxRepository::Enqueue(const core::OutboxRow& row) {
  const StoredOutboxMessage m = EncodeOutboxMessage(row);
  SQLite::Statement s(db_, R"sql(
INSERT INTO outbox (idempotency_key, kind, alert_id, recipient_json, channel, payload_json,
  state, attempts, next_attempt_ms, created_at_ms, channels)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?8, ?9)
ON CONFLICT (idempotency_key) DO NOTHING)sql");
  s.bind(1, row.key);
  s.bind(2, m.kind);
  s.bind(3, m.alert_id);
  s.bind(4, m.recipient_json);
  s.bind(5, m.channel);
  s.bind(6, m.payload_json);
  s.bind(7, static_cast<int64_t>(core::ToUnixMillis(row.next_attempt_at)));
  s.bind(8, static_cast<int64_t>(core::ToUnixMillis(row.created_at)));
  s.bind(9, m.channels);
  if (s.exec() == 0) return false;
  SQLite::Statement link(
      db_, "INSERT OR IGNORE INTO outbox_alerts (alert_id, outbox_id) VALUES (?1, ?2)");
  const int64_t id = db_.getLastInsertRowid();
  for (const std::string& alert_id : core::AlertIds(row)) {
    link.reset();
    link.bind(1, alert_id);
    link.bind(2, id);
    link.exec();
  }
  return true;
}

std::vector<core::OutboxRow> OutboxRepository::RowsAbout(const std::string& alert_id) {
  SQLite::Statement s(db_, std::string(kOutboxColumns) +
                               "WHERE id IN (SELECT outbox_id FROM outbox_alerts WHERE "
                               "alert_id = ?1) ORDER BY id");
  s.bind(1, alert_id);
  return ReadOutboxRows(s);
}

int OutboxRepository::WithdrawFor(const std::string& alert_id) {
  int changed = 0;
  for (const core::OutboxRow& row : RowsAbout(alert_id)) {
    const core::WithdrawDecision d = core::WithdrawAlert(row, alert_id);
    if (d.what == core::Withdrawal::kKeep) continue;
    ++changed;
    if (d.what == core::Withdrawal::kCancel) {
      SQLite::Statement cancel(db_,
                               "UPDATE outbox SET state = 'cancelled', last_error = ?2, "
                               "lease_until_ms = NULL WHERE id = ?1 AND state = 'pending'");
      cancel.bind(1, row.id);
      cancel.bind(2, d.row.last_error);
      cancel.exec();
      continue;
    }
    // Trimmed: the message now speaks of the other alerts only, and is no longer one of
    // this alert's (so its delivery does not owe this alert's "resolved" notice).
    const StoredOutboxMessage m = EncodeOutboxMessage(d.row);
    SQLite::Statement trim(db_, "UPDATE outbox SET payload_json = ?2, alert_id = ?3 WHERE id = ?1");
    trim.bind(1, row.id);
    trim.bind(2, m.payload_json);
    trim.bind(3, m.alert_id);
    trim.exec();
    SQLite::Statement unlink(db_,
                             "DELETE FROM outbox_alerts WHERE alert_id = ?1 AND outbox_id = ?2");
    unlink.bind(1, alert_id);
    unlink.bind(2, row.id);
    unlink.exec();
  }
  SQLite::Statement held(db_,
                         "DELETE FROM notification_hold WHERE "
                         "json_extract(notification, '$.alert_id') = ?1 AND "
                         "json_extract(notification, '$.message') <> 'resolved'");
  held.bind(1, alert_id);
  held.exec();
  return changed;
}

std::set<std::string> OutboxRepository::ReachedAbout(const std::string& alert_id) {
  std::set<std::string> out;
  for (const core::OutboxRow& row : RowsAbout(alert_id)) {
    if (row.message != core::MessageKind::kResolved && core::MayHaveReached(row)) {
      out.insert(core::RecipientKey(row.recipient));
    }
  }
  return out;
}

std::vector<core::OutboxRow> OutboxRepository::LeaseDue(core::Instant now, core::Millis lease,
                                                        int limit, const std::set<int64_t>& skip) {
  const int64_t now_ms = core::ToUnixMillis(now);
  SQLite::Statement select(db_, std::string(kOutboxColumns) +
                                    "WHERE ((state = 'pending' AND next_attempt_ms <= ?1) "
                                    "OR (state = 'leased' AND lease_until_ms <= ?1)) "
                                    "AND id NOT IN (SELECT value FROM json_each(?3)) "
                                    "ORDER BY next_attempt_ms LIMIT ?2");
  select.bind(1, now_ms);
  select.bind(2, limit);
  select.bind(3, IdList(skip));
  std::vector<core::OutboxRow> rows = ReadOutboxRows(select);
  SQLite::Statement lease_row(db_,
                              "UPDATE outbox SET state = 'leased', lease_until_ms = ?2, "
                              "attempts = attempts + 1 WHERE id = ?1");
  for (core::OutboxRow& r : rows) {
    lease_row.reset();
    lease_row.bind(1, r.id);
    lease_row.bind(2, now_ms + lease.count());
    lease_row.exec();
    r.status = core::OutboxStatus::kLeased;
    r.lease_until = now + lease;
    ++r.attempts;
  }
  return rows;
}

std::optional<core::OutboxRow> OutboxRepository::Find(int64_t id) {
  SQLite::Statement s(db_, std::string(kOutboxColumns) + "WHERE id = ?1");
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return ReadOutboxRow(s);
}

void OutboxRepository::RecordAttempt(const core::OutboxRow& r) {
  SQLite::Statement s(db_, R"sql(
UPDATE outbox SET state = ?2, channel = CASE WHEN ?4 = '' THEN channel ELSE ?3 END,
  channels = ?4, channel_attempts = ?5,
  next_attempt_ms = ?6, last_error = ?7, delivered_at_ms = ?8, lease_until_ms = NULL
WHERE id = ?1)sql");
  s.bind(1, r.id);
  s.bind(2, std::string(core::OutboxStatusName(r.status)));
  s.bind(3, std::string(core::ChannelKindName(core::CurrentChannel(r))));
  s.bind(4, EncodeChannels(r.channels));
  s.bind(5, r.channel_attempts);
  s.bind(6, static_cast<int64_t>(core::ToUnixMillis(r.next_attempt_at)));
  s.bind(7, r.last_error);
  if (r.delivered_at)
    s.bind(8, static_cast<int64_t>(core::ToUnixMillis(*r.delivered_at)));
  else
    s.bind(8);
  s.exec();
}

void OutboxRepository::Defer(int64_t id, core::Instant until) {
  SQLite::Statement s(db_,
                      "UPDATE outbox SET state = 'pending', lease_until_ms = NULL, "
                      "attempts = max(attempts - 1, 0), next_attempt_ms = max(next_attempt_ms, ?2) "
                      "WHERE id = ?1 AND state = 'leased'");
  s.bind(1, id);
  s.bind(2, static_cast<int64_t>(core::ToUnixMillis(until)));
  s.exec();
}

std::vector<core::OutboxRow> OutboxRepository::ListForAlert(const std::string& alert_id,
                                                            int limit) {
  SQLite::Statement s(db_,
                      std::string(kOutboxColumns) + "WHERE alert_id = ?1 ORDER BY id LIMIT ?2");
  s.bind(1, alert_id);
  s.bind(2, limit);
  return ReadOutboxRows(s);
}

void OutboxRepository::Hold(const core::Notification& n, core::Instant produced_at) {
  SQLite::Statement s(db_,
                      "INSERT INTO notification_hold (group_key, produced_at_ms, notification) "
                      "VALUES (?1, ?2, ?3)");
  s.bind(1, core::GroupKey(n));
  s.bind(2, static_cast<int64_t>(core::ToUnixMillis(produced_at)));
  s.bind(3, EncodeHeldNotification(n));
  s.exec();
}

std::vector<HeldNotification> OutboxRepository::Held() {
  SQLite::Statement s(db_,
                      "SELECT id, group_key, produced_at_ms, notification FROM notification_hold "
                      "ORDER BY id");
  std::vector<HeldNotification> out;
  while (s.executeStep()) {
    out.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString(),
                   core::FromUnixMillis(s.getColumn(2).getInt64()),
                   DecodeHeldNotification(s.getColumn(3).getString())});
  }
  return out;
}

void OutboxRepository::ReleaseHeld(const std::vector<int64_t>& ids) {
  SQLite::Statement s(db_, "DELETE FROM notification_hold WHERE id = ?1");
  for (int64_t id : ids) {
    s.reset();
    s.bind(1, id);
    s.exec();
  }
}

std::vector<core::OutboxRow> OutboxRepository::List(std::optional<core::OutboxStatus> status,
                                                    int limit) {
  SQLite::Statement s(db_, std::string(kOutboxColumns) +
                               (status ? "WHERE state = ?1 " : "WHERE ?1 IS NULL ") +
                               "ORDER BY id LIMIT ?2");
  if (status)
    s.bind(1, std::string(core::OutboxStatusName(*status)));
  else
    s.bind(1);
  s.bind(2, limit);
  return ReadOutboxRows(s);
}

int64_t OutboxRepository::Count(core::OutboxStatus status) {
  SQLite::Statement s(db_, "SELECT count(*) FROM outbox WHERE state = ?1");
  s.bind(1, std::string(core::OutboxStatusName(status)));
  s.executeStep();
  return s.getColumn(0).getInt64();
}

}  // namespace pingan::store
