// Spool: the agent's durable outbox, one SQLite file. Every report is written here
// FIRST and only then sent; a row stays pending until the daemon acknowledges it, so
// reports survive restarts of the agent, of the daemon and of the machine.
//
// State machine of a row:
//   Add ─▶ pending ──MarkSent──▶ pending (attempts+1, resend guard)
//            │  ▲                   │
//            │  └─MarkAttemptFailed─┘ (no ack in time, or a transient rejection)
//            ├─MarkAcked──▶ acked     (STORED or DUPLICATE: the daemon has it)
//            └─MarkRejected─▶ rejected (permanent reason: never resent)
// Acked and rejected rows drop their encoded frame (it holds the protected incident
// summary); secure_delete overwrites the freed pages.
//
// The file is opened in WAL mode with synchronous=FULL and a busy timeout, so a CLI
// command and the `run` service may use the same spool at once (a report sent by both
// is acked DUPLICATE, which is harmless). Times come from the injected Clock, or from
// the `now` argument where one is taken. Thread-compatible: one thread at a time per
// Spool object. SQLite I/O errors (disk full, corruption) throw SQLite::Exception;
// everything caused by input is returned as a value.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "agents/report_builder.h"
#include "daemon/core/clock.h"
#include "daemon/core/report.h"
#include "daemon/ingest/codec.h"

namespace pingan::agent {

enum class SpoolState { kPending, kAcked, kRejected };
std::string_view SpoolStateName(SpoolState state);  // "pending", "acked", "rejected"

struct SpoolOptions {
  core::ReportLimits limits;  // what Add checks against (the daemon's defaults)
  // synchronous=FULL (every commit survives a power cut). Load generators simulating
  // many schools in one process may turn it off (synchronous=NORMAL) so that they
  // measure the daemon rather than their own fsyncs. Real agents never do.
  bool durable = true;
};

// One row as `status` shows it. Holds no frame, hence no protected text.
struct SpoolEntry {
  std::string report_id;
  core::ReportKind kind = core::ReportKind::kAllClear;
  std::string covers;  // YYYY-MM-DD
  core::Instant created_at{};
  SpoolState state = SpoolState::kPending;
  int attempts = 0;  // frames sent so far
  core::Instant next_attempt_at{};
  core::Millis last_backoff{0};
  std::string last_error;                      // why the last attempt failed
  std::optional<wire::AckStatus> ack_status;   // kStored or kDuplicate once acked
  std::optional<core::RejectReason> rejected;  // once rejected
  std::string reject_detail;
  std::optional<core::Instant> answered_at;  // when acked or rejected
};

// A pending report whose time to be (re)sent has come.
struct DueReport {
  std::string report_id;
  std::string frame;  // wire::EncodeReportFrame bytes
  int attempts = 0;
  core::Millis last_backoff{0};
};

struct SpoolCounts {
  int64_t pending = 0;
  int64_t acked = 0;
  int64_t rejected = 0;
  std::optional<core::Instant> oldest_pending;  // created_at of the oldest pending row
  std::optional<core::Instant> next_attempt_at;
};

enum class AddResult { kAdded, kAlreadySpooled };

struct SpoolError {
  std::string message;  // names the file
};

class Spool {
 public:
  // Opens (creating with mode 0600 if needed) and migrates the spool at `path`.
  static std::variant<std::unique_ptr<Spool>, SpoolError> Open(const std::string& path,
                                                               const core::Clock& clock,
                                                               SpoolOptions options = {});
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Validates (CheckReport) and inserts as pending, due now. A report whose id is
  // already spooled is left as it is (kAlreadySpooled). A refused report is not stored.
  std::variant<AddResult, LocalRefusal> Add(const core::Report& report);

  // Pending rows with next_attempt_at <= now; incidents first, then oldest due first.
  std::vector<DueReport> DuePending(core::Instant now, size_t limit);
  // The frame went out: attempts+1, and unless answered it becomes due again at
  // `resend_at` (a guard in case this process dies before the ack timeout fires).
  void MarkSent(const std::string& report_id, core::Instant resend_at);
  // No usable answer: resend after `backoff` from now. No-op unless pending.
  void MarkAttemptFailed(const std::string& report_id, const std::string& error,
                         core::Millis backoff);
  // The daemon stored it (kStored / kDuplicate). False when the id is not pending.
  bool MarkAcked(const std::string& report_id, wire::AckStatus status);
  // A permanent rejection: never resent. False when the id is not pending.
  bool MarkRejected(const std::string& report_id, core::RejectReason reason,
                    const std::string& detail);

  SpoolCounts Counts();
  std::optional<SpoolEntry> Get(const std::string& report_id);
  std::vector<SpoolEntry> Recent(size_t n);  // newest first
  // Deletes acked rows answered more than `older_than` ago; returns how many.
  int64_t PurgeAcked(std::chrono::days older_than);

  // Small named values the agent keeps between runs (e.g. the endpoint that answered
  // last, so that a short-lived CLI command does not start with a dead one).
  std::optional<std::string> GetSetting(const std::string& name);
  void PutSetting(const std::string& name, const std::string& value);

  // Groups Mark* calls into one transaction (one fsync instead of one per call).
  // Destroyed without Commit, it rolls back.
  class Batch {
   public:
    explicit Batch(Spool& spool) : tx_(*spool.db_) {}
    void Commit() { tx_.commit(); }

   private:
    SQLite::Transaction tx_;
  };

  const std::string& path() const { return path_; }

 private:
  Spool(std::string path, std::unique_ptr<SQLite::Database> db, const core::Clock& clock,
        SpoolOptions options);
  void Migrate();

  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  const core::Clock& clock_;
  SpoolOptions options_;
};

}  // namespace pingan::agent
