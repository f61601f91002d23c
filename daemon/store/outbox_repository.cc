#include "daemon/store/outbox_repository.h"

#include <algorithm>

#include <SQLiteCpp/Statement.h>

#include "daemon/core/text.h"

namespace pingan::store {
namespace {

constexpr const char* kColumns =
    "SELECT id, idempotency_key, kind, alert_id, recipient_json, channel, payload_json, state, "
    "attempts, next_attempt_ms, lease_until_ms, last_error, created_at_ms, channels, "
    "channel_attempts, delivered_at_ms FROM outbox ";

std::vector<std::string> SplitChannels(const std::string& text) {
  std::vector<std::string> out;
  for (std::string_view channel : core::Split(text, ',')) {
    if (!channel.empty()) out.emplace_back(channel);
  }
  return out;
}

OutboxState ParseState(const std::string& s) {
  if (s == "leased") return OutboxState::kLeased;
  if (s == "delivered") return OutboxState::kDelivered;
  if (s == "failed") return OutboxState::kFailed;
  return OutboxState::kPending;
}

OutboxRow ReadRow(SQLite::Statement& s) {
  OutboxRow r;
  r.id = s.getColumn(0).getInt64();
  r.idempotency_key = s.getColumn(1).getString();
  r.kind = s.getColumn(2).getString();
  r.alert_id = s.getColumn(3).getString();
  r.recipient_json = s.getColumn(4).getString();
  r.channel = s.getColumn(5).getString();
  r.payload_json = s.getColumn(6).getString();
  r.state = ParseState(s.getColumn(7).getString());
  r.attempts = s.getColumn(8).getInt();
  r.next_attempt_at = core::FromUnixMillis(s.getColumn(9).getInt64());
  if (!s.getColumn(10).isNull()) r.lease_until = core::FromUnixMillis(s.getColumn(10).getInt64());
  r.last_error = s.getColumn(11).getString();
  r.created_at = core::FromUnixMillis(s.getColumn(12).getInt64());
  r.channels = SplitChannels(s.getColumn(13).getString());
  r.channel_attempts = s.getColumn(14).getInt();
  if (!s.getColumn(15).isNull()) r.delivered_at = core::FromUnixMillis(s.getColumn(15).getInt64());
  return r;
}

std::string JoinChannels(const std::vector<std::string>& channels) {
  std::string out;
  for (const std::string& c : channels) out += (out.empty() ? "" : ",") + c;
  return out;
}

std::string IdList(const std::set<int64_t>& ids) {
  std::string out = "[";
  for (int64_t id : ids) out += (out.size() > 1 ? "," : "") + std::to_string(id);
  return out + "]";
}

}  // namespace

std::string_view OutboxStateName(OutboxState s) {
  switch (s) {
    case OutboxState::kPending:
      return "pending";
    case OutboxState::kLeased:
      return "leased";
    case OutboxState::kDelivered:
      return "delivered";
    case OutboxState::kFailed:
      return "failed";
  }
  return "pending";
}

bool OutboxRepository::Enqueue(const OutboxRow& row) {
  SQLite::Statement s(db_, R"sql(
INSERT INTO outbox (idempotency_key, kind, alert_id, recipient_json, channel, payload_json,
  state, attempts, next_attempt_ms, created_at_ms, channels)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?8, ?9)
ON CONFLICT (idempotency_key) DO NOTHING)sql");
  s.bind(1, row.idempotency_key);
  s.bind(2, row.kind);
  s.bind(3, row.alert_id);
  s.bind(4, row.recipient_json);
  s.bind(5, row.channel);
  s.bind(6, row.payload_json);
  s.bind(7, static_cast<int64_t>(core::ToUnixMillis(row.next_attempt_at)));
  s.bind(8, static_cast<int64_t>(core::ToUnixMillis(row.created_at)));
  s.bind(9, JoinChannels(row.channels));
  return s.exec() > 0;
}

std::vector<OutboxRow> OutboxRepository::LeaseDue(core::Instant now, core::Millis lease,
                                                  int limit) {
  return LeaseDue(now, lease, limit, {});
}

std::vector<OutboxRow> OutboxRepository::LeaseDue(core::Instant now, core::Millis lease, int limit,
                                                  const std::set<int64_t>& skip) {
  const int64_t now_ms = core::ToUnixMillis(now);
  SQLite::Statement select(db_, std::string(kColumns) +
                                    "WHERE ((state = 'pending' AND next_attempt_ms <= ?1) "
                                    "OR (state = 'leased' AND lease_until_ms <= ?1)) "
                                    "AND id NOT IN (SELECT value FROM json_each(?3)) "
                                    "ORDER BY next_attempt_ms LIMIT ?2");
  select.bind(1, now_ms);
  select.bind(2, limit);
  select.bind(3, IdList(skip));
  std::vector<OutboxRow> rows;
  while (select.executeStep()) rows.push_back(ReadRow(select));
  SQLite::Statement lease_row(db_,
                              "UPDATE outbox SET state = 'leased', lease_until_ms = ?2, "
                              "attempts = attempts + 1 WHERE id = ?1");
  for (OutboxRow& r : rows) {
    lease_row.reset();
    lease_row.bind(1, r.id);
    lease_row.bind(2, now_ms + lease.count());
    lease_row.exec();
    r.state = OutboxState::kLeased;
    r.lease_until = now + lease;
    ++r.attempts;
  }
  return rows;
}

void OutboxRepository::MarkDelivered(int64_t id, core::Instant now) {
  SQLite::Statement s(db_,
                      "UPDATE outbox SET state = 'delivered', delivered_at_ms = ?2, "
                      "lease_until_ms = NULL WHERE id = ?1");
  s.bind(1, id);
  s.bind(2, static_cast<int64_t>(core::ToUnixMillis(now)));
  s.exec();
}

void OutboxRepository::MarkAttemptFailed(int64_t id, const std::string& error,
                                         std::optional<core::Instant> next_attempt) {
  SQLite::Statement s(db_,
                      "UPDATE outbox SET state = ?2, last_error = ?3, lease_until_ms = NULL, "
                      "next_attempt_ms = coalesce(?4, next_attempt_ms) WHERE id = ?1");
  s.bind(1, id);
  s.bind(2, next_attempt ? "pending" : "failed");
  s.bind(3, error);
  if (next_attempt)
    s.bind(4, static_cast<int64_t>(core::ToUnixMillis(*next_attempt)));
  else
    s.bind(4);
  s.exec();
}

std::optional<OutboxRow> OutboxRepository::Find(int64_t id) {
  SQLite::Statement s(db_, std::string(kColumns) + "WHERE id = ?1");
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return ReadRow(s);
}

void OutboxRepository::RecordAttempt(int64_t id, const AttemptRecord& r) {
  SQLite::Statement s(db_, R"sql(
UPDATE outbox SET state = ?2, channel = ?3, channel_attempts = ?4, next_attempt_ms = ?5,
  last_error = ?6, delivered_at_ms = ?7, lease_until_ms = NULL,
  channels = CASE WHEN ?8 = '' THEN channels ELSE ?8 END
WHERE id = ?1)sql");
  s.bind(1, id);
  s.bind(2, std::string(OutboxStateName(r.state)));
  s.bind(3, r.channel);
  s.bind(4, r.channel_attempts);
  s.bind(5, static_cast<int64_t>(core::ToUnixMillis(r.next_attempt_at)));
  s.bind(6, r.last_error);
  if (r.delivered_at)
    s.bind(7, static_cast<int64_t>(core::ToUnixMillis(*r.delivered_at)));
  else
    s.bind(7);
  s.bind(8, JoinChannels(r.channels));
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

std::vector<OutboxRow> OutboxRepository::ListForAlert(const std::string& alert_id, int limit) {
  SQLite::Statement s(db_, std::string(kColumns) + "WHERE alert_id = ?1 ORDER BY id LIMIT ?2");
  s.bind(1, alert_id);
  s.bind(2, limit);
  std::vector<OutboxRow> out;
  while (s.executeStep()) out.push_back(ReadRow(s));
  return out;
}

void OutboxRepository::Hold(const HeldNotification& held) {
  SQLite::Statement s(db_,
                      "INSERT INTO notification_hold (group_key, produced_at_ms, notification) "
                      "VALUES (?1, ?2, ?3)");
  s.bind(1, held.group_key);
  s.bind(2, static_cast<int64_t>(core::ToUnixMillis(held.produced_at)));
  s.bind(3, held.notification_json);
  s.exec();
}

std::vector<HeldNotification> OutboxRepository::Held() {
  SQLite::Statement s(db_,
                      "SELECT id, group_key, produced_at_ms, notification FROM notification_hold "
                      "ORDER BY id");
  std::vector<HeldNotification> out;
  while (s.executeStep()) {
    out.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString(),
                   core::FromUnixMillis(s.getColumn(2).getInt64()), s.getColumn(3).getString()});
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

std::vector<OutboxRow> OutboxRepository::List(std::optional<OutboxState> state, int limit) {
  SQLite::Statement s(db_, std::string(kColumns) +
                               (state ? "WHERE state = ?1 " : "WHERE ?1 IS NULL ") +
                               "ORDER BY id LIMIT ?2");
  if (state)
    s.bind(1, std::string(OutboxStateName(*state)));
  else
    s.bind(1);
  s.bind(2, limit);
  std::vector<OutboxRow> out;
  while (s.executeStep()) out.push_back(ReadRow(s));
  return out;
}

int64_t OutboxRepository::Count(OutboxState state) {
  SQLite::Statement s(db_, "SELECT count(*) FROM outbox WHERE state = ?1");
  s.bind(1, std::string(OutboxStateName(state)));
  s.executeStep();
  return s.getColumn(0).getInt64();
}

}  // namespace pingan::store
