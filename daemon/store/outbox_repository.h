// OutboxRepository: the transactional outbox. A notification is enqueued in the same
// transaction as the decision that caused it (a sweep, an escalation step), and a
// delivery worker leases due rows, sends them, and records the outcome. The
// idempotency key makes enqueueing the same notification twice a no-op. Also the hold
// area where notifications wait out the grouping window. One connection, one thread at
// a time; writes run inside the caller's transaction.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "daemon/core/clock.h"

namespace pingan::store {

enum class OutboxState { kPending, kLeased, kDelivered, kFailed };
std::string_view OutboxStateName(OutboxState s);

struct OutboxRow {
  int64_t id = 0;  // assigned by the store
  std::string idempotency_key;
  std::string kind;  // "reminder", "alert", "resolved", "grouped"
  std::string alert_id;
  std::string recipient_json;         // {"name":..,"phone":..,"email":..}
  std::string channel;                // "sms", "email", "webhook": the one tried now
  std::vector<std::string> channels;  // fallback order incl. `channel`; empty: only `channel`
  int channel_attempts = 0;           // attempts on `channel` (`attempts` counts all)
  std::string payload_json;           // template key and parameters; never incident free text
  OutboxState state = OutboxState::kPending;
  int attempts = 0;
  core::Instant next_attempt_at{};
  std::optional<core::Instant> lease_until;
  std::string last_error;
  core::Instant created_at{};
  std::optional<core::Instant> delivered_at;
};

// The outcome of one attempt, as the delivery policy decided it.
struct AttemptRecord {
  OutboxState state = OutboxState::kPending;  // pending (retry), delivered or failed
  std::string channel;                        // the channel to use next (after a fallback)
  std::vector<std::string> channels;          // the fallback order; empty: keep the row's
  int channel_attempts = 0;
  core::Instant next_attempt_at{};
  std::string last_error;
  std::optional<core::Instant> delivered_at;
};

// A notification waiting for its grouping window.
struct HeldNotification {
  int64_t id = 0;
  std::string group_key;
  core::Instant produced_at{};
  std::string notification_json;
};

class OutboxRepository {
 public:
  explicit OutboxRepository(SQLite::Database& db) : db_(db) {}

  // Returns false when a row with the same idempotency key exists already.
  bool Enqueue(const OutboxRow& row);
  // Due rows: pending with next_attempt_at <= now, or leased with an expired lease
  // (a worker died mid-send). Marks them leased until now + lease.
  std::vector<OutboxRow> LeaseDue(core::Instant now, core::Millis lease, int limit);
  // The same, leaving out rows this process is still sending (`skip`): a lease that ran
  // out during a slow send (or a drill clock jump) must not start a second copy.
  std::vector<OutboxRow> LeaseDue(core::Instant now, core::Millis lease, int limit,
                                  const std::set<int64_t>& skip);
  std::optional<OutboxRow> Find(int64_t id);
  // Writes the outcome of an attempt and ends the lease.
  void RecordAttempt(int64_t id, const AttemptRecord& record);
  // Hands a leased row back untried (rate limit): pending again at `until`, and the
  // lease's attempt is not counted.
  void Defer(int64_t id, core::Instant until);
  void MarkDelivered(int64_t id, core::Instant now);
  // Back to pending for another attempt at `next_attempt`, or failed for good.
  void MarkAttemptFailed(int64_t id, const std::string& error,
                         std::optional<core::Instant> next_attempt);
  std::vector<OutboxRow> List(std::optional<OutboxState> state, int limit);
  int64_t Count(OutboxState state);
  // Rows about one alert (the first alert of a grouped message), oldest first.
  std::vector<OutboxRow> ListForAlert(const std::string& alert_id, int limit);

  void Hold(const HeldNotification& held);
  std::vector<HeldNotification> Held();
  void ReleaseHeld(const std::vector<int64_t>& ids);

 private:
  SQLite::Database& db_;
};

}  // namespace pingan::store
