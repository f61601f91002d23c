// OutboxRepository: the transactional outbox. A notification is enqueued in the same
// transaction as the decision that caused it (a sweep, an escalation step), and a
// delivery worker leases due rows, sends them, and records the outcome. The
// idempotency key makes enqueueing the same notification twice a no-op. Rows are
// core::OutboxRow, encoded and decoded by outbox_codec.h. Also the hold area where
// notifications wait out the grouping window. One connection, one thread at a time;
// writes run inside the caller's transaction.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/core/escalation_engine.h"
#include "daemon/core/outbox_row.h"
#include "daemon/store/database.h"

namespace pingan::store {

// A notification waiting for its grouping window.
struct HeldNotification {
  int64_t id = 0;
  std::string group_key;  // core::GroupKey
  core::Instant produced_at{};
  std::optional<core::Notification> notification;  // nullopt: unreadable
};

class OutboxRepository {
 public:
  explicit OutboxRepository(Database& db) : db_(db.sql()) {}

  // Returns false when a row with the same idempotency key exists already. The row is
  // stored pending, with no attempt yet.
  bool Enqueue(const core::OutboxRow& row);
  // Due rows: pending with next_attempt_at <= now, or leased with an expired lease
  // (a worker died mid-send), leaving out rows this process is still sending (`skip`: a
  // lease that ran out during a slow send, or a drill clock jump, must not start a
  // second copy). Marks them leased until now + lease and counts the attempt.
  std::vector<core::OutboxRow> LeaseDue(core::Instant now, core::Millis lease, int limit,
                                        const std::set<int64_t>& skip = {});
  std::optional<core::OutboxRow> Find(int64_t id);
  // Writes the outcome of an attempt (core::OnDeliveryResult: status, channels and the
  // current one, channel attempts, next attempt, error, delivery time) and ends the lease.
  void RecordAttempt(const core::OutboxRow& after);
  // Hands a leased row back untried (rate limit): pending again at `until`, and the
  // lease's attempt is not counted.
  void Defer(int64_t id, core::Instant until);
  std::vector<core::OutboxRow> List(std::optional<core::OutboxStatus> status, int limit);
  int64_t Count(core::OutboxStatus status);
  // Rows about one alert (the first alert of a grouped message), oldest first.
  std::vector<core::OutboxRow> ListForAlert(const std::string& alert_id, int limit);

  // The alert was resolved: its queued messages are withdrawn (core::WithdrawAlert:
  // cancelled, or a grouped message left without it) and its notifications waiting in
  // the grouping hold are dropped. Returns the rows cancelled or trimmed. Idempotent.
  int WithdrawFor(const std::string& alert_id);
  // core::RecipientKey of everyone a message about the alert may have reached
  // (core::MayHaveReached): who is owed its "resolved" notice.
  std::set<std::string> ReachedAbout(const std::string& alert_id);

  void Hold(const core::Notification& n, core::Instant produced_at);
  std::vector<HeldNotification> Held();
  void ReleaseHeld(const std::vector<int64_t>& ids);

 private:
  std::vector<core::OutboxRow> RowsAbout(const std::string& alert_id);

  SQLite::Database& db_;
};

}  // namespace pingan::store
