// StoreWriter: the daemon's one writer thread, with group commit.
//
// The event loop hands it reports (Submit) and other write jobs (Post). The thread
// takes everything that arrived since its last commit, writes it in ONE transaction,
// commits (one fsync for the whole batch, synchronous=FULL), and only then reports
// the outcomes through the completion callback, so an ack can never precede its row.
// Checkpoints run beside it (Checkpointer), not inside its commits.
// If the commit fails, every report of the batch comes back kFailed (nothing of the
// batch is kept) and the agents will resend.
//
// A damaged file (SQLite says SQLITE_CORRUPT or SQLITE_NOTADB, in a batch or a job) is
// not a passing trouble like a full disk: the writer calls on_damage once and from then
// on fails every report without touching the file, so nothing more is acked into it
// and the agents keep their reports spooled until the database is restored.
//
// Threading: Submit, Post, QueueDepth and Stop may be called from any thread. The
// completion callback and jobs run on the writer thread; the callback must not block
// (it typically posts the acks to the event loop).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/core/failure_streak.h"
#include "daemon/store/checkpointer.h"
#include "daemon/store/database.h"
#include "daemon/store/report_repository.h"

namespace pingan::store {

// Runs inside a batch's transaction after each report is stored (not for duplicates),
// e.g. to update the ledger in the same commit. Throwing fails the whole batch.
class ReportObserver {
 public:
  virtual ~ReportObserver() = default;
  virtual void OnStored(Database& db, const IncomingReport& report) = 0;
  // After the batch: `committed`, or rolled back (nothing OnStored wrote is there). Runs
  // outside the batch's transaction; a throw is logged and changes nothing of the batch.
  virtual void OnBatchEnded(Database& /*db*/, bool /*committed*/) {}
};

struct WriteRequest {
  IncomingReport incoming;
  std::string reply_to;  // opaque to the store (the ZeroMQ routing id)
};

enum class WriteStatus { kStored, kDuplicate, kIdTaken, kFailed };

struct WriteOutcome {
  std::string reply_to;
  std::string report_id;
  WriteStatus status;
  bool new_incident = false;  // a newly stored incident report (its alert was opened)
};

struct StoreWriterOptions {
  std::string database_path;
  core::Millis text_retention = std::chrono::hours{24 * 365};
  size_t max_batch = 4096;  // reports per transaction at most
  // Called on the writer thread after each batch (committed or failed) with its size
  // and duration: the daemon's metrics. Must not block.
  std::function<void(size_t reports, double seconds)> on_batch_timed;
  // Called once on the writer thread when the file turns out damaged, with SQLite's
  // words. Must not block.
  std::function<void(const std::string& what)> on_damage;

  // `database_path` with every other option at its default.
  static StoreWriterOptions For(std::string database_path) {
    StoreWriterOptions options;
    options.database_path = std::move(database_path);
    return options;
  }
};

class StoreWriter {
 public:
  using Completion = std::function<void(std::vector<WriteOutcome>)>;
  using Job = std::function<void(Database&)>;

  // Opens and migrates the database on the calling thread (so errors surface at start
  // up), then starts the writer thread.
  StoreWriter(StoreWriterOptions options, Completion on_batch_committed);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // Observers must be added before the first Submit.
  void AddObserver(std::shared_ptr<ReportObserver> observer);
  void Submit(WriteRequest request);
  // Runs `job` on the writer thread between batches; the job manages its own
  // transaction. Exceptions are logged and swallowed.
  void Post(Job job);
  size_t QueueDepth() const;
  // Calls `done` on the writer thread once every report submitted before this call has
  // been committed and its outcome handed to the completion callback (a graceful stop
  // waits for this before it closes the report socket). Reports submitted meanwhile
  // delay it too: stop submitting first.
  void WhenIdle(std::function<void()> done);
  // Finishes what is queued, then joins the thread. Idempotent.
  void Stop();
  // Any thread: how the WAL has been copied back so far.
  CheckpointCounts checkpoints() const { return checkpointer_->counts(); }
  // Report batches failed since the last one committed (0: the store takes reports).
  // Any thread: the daemon's readiness check. (Failing jobs show elsewhere: the sweep,
  // a job like any, stops completing.)
  uint64_t FailuresInARow() const { return failures_in_a_row_.load(); }
  // The file was found damaged: no report is written any more. Any thread.
  bool Damaged() const { return damaged_.load(); }

 private:
  void Run();
  // WriteBatch, timed for on_batch_timed, with failures_in_a_row_ updated.
  std::vector<WriteOutcome> TimedBatch(std::vector<WriteRequest>& batch);
  std::vector<WriteOutcome> WriteBatch(std::vector<WriteRequest>& batch);
  // Tells the observers how the batch ended.
  void EndBatch(bool committed);
  // Writer thread: a failure that says the file is damaged stops all writing of reports.
  void NoteFailure(const std::exception& e);

  StoreWriterOptions options_;
  Completion on_batch_committed_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ReportRepository> reports_;
  // Copies the WAL back on its own thread: no commit waits for a checkpoint.
  std::unique_ptr<Checkpointer> checkpointer_;
  std::vector<std::shared_ptr<ReportObserver>> observers_;
  // Writer thread only: a full disk must not become a log line per batch.
  core::FailureStreak batch_failures_;
  core::FailureStreak job_failures_;
  std::atomic<uint64_t> failures_in_a_row_{0};
  std::atomic<bool> damaged_{false};

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<WriteRequest> pending_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pingan::store
