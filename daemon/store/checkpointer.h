// Checkpointer: copies the write-ahead log back into the database file on a thread of
// its own, so that the writer's commits (and with them every ack) never wait for it.
//
// SQLite checkpoints automatically inside the commit that takes the WAL past 1,000
// pages: that commit then writes those pages into the database file and fsyncs it
// (synchronous=FULL) before it returns. At a national deadline that was a fifth of
// the sweep's transaction (docs/performance.md). Attached to the writer's connection,
// the Checkpointer takes SQLite's automatic checkpoint away (sqlite3_wal_hook) and
// instead wakes its thread, which runs a PASSIVE checkpoint over its own connection:
// readers and the writer go on meanwhile, and a checkpoint never makes anyone wait.
//
// The log must also start over: SQLite rewinds the WAL only when a write transaction
// begins with every frame already copied back, which a checkpoint running beside a
// steady stream of commits never achieves (it is always a batch behind). So once the
// WAL passes `restart_pages` and the thread has copied all but the last `restart_lag`
// pages, the writer copies that small rest itself, after its commit: the next
// transaction then writes the log from its start. A large commit (a deadline's sweep)
// is left to the thread, as is everything while the thread is busy.
//
// Bounded: should the thread not keep up (a stuck disk, a reader holding an old
// snapshot), the writer checkpoints inline once the WAL reaches `inline_pages`, as
// SQLite would have done, and says so in the log (at most once a minute).
//
// Threading: construct and destroy on the thread that owns the writer's Database,
// before its first write and after its last; the WAL hook runs on the writer thread,
// the checkpoint on the Checkpointer's. RunOnce is for tests that run without the
// thread (`start_thread` false). Counters may be read from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/store/database.h"

namespace pingan::store {

// How often the WAL was copied back, and by whom (for /metrics).
struct CheckpointCounts {
  uint64_t background = 0;    // the Checkpointer's own thread
  uint64_t restarts = 0;      // the writer, copying the small rest so the log starts over
  uint64_t inline_bound = 0;  // the writer, because the WAL reached inline_pages
};

struct CheckpointerOptions {
  int wake_pages = 1000;         // SQLite's own automatic checkpoint threshold
  int restart_pages = 8 * 1000;  // ~32 MiB of 4 KiB pages: the log starts over
  int restart_lag = 2 * 1000;    // at most this much left for the writer to copy
  int inline_pages = 64 * 1000;  // ~256 MiB: the thread is not keeping up
  bool start_thread = true;
};

class Checkpointer {
 public:
  Checkpointer(Database& writer, CheckpointerOptions options = {});
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // One PASSIVE checkpoint on the Checkpointer's connection, on the calling thread.
  // True when the whole WAL was copied back.
  bool RunOnce();

  uint64_t background_checkpoints() const { return background_.load(); }
  // The writer copied the small rest so that the log could start over.
  uint64_t restarts() const { return restarts_.load(); }
  // The writer checkpointed because the WAL reached `inline_pages`.
  uint64_t inline_checkpoints() const { return inline_.load(); }
  CheckpointCounts counts() const {
    return {background_checkpoints(), restarts(), inline_checkpoints()};
  }

 private:
  static int OnWalCommit(void* self, struct sqlite3* db, const char* schema, int pages);
  // Writer thread, after a commit that left `pages` in the log: what is left to copy.
  int PagesNotCopied(int pages);
  void WarnNotKeepingUp(int pages);
  // A PASSIVE checkpoint on `db` (caller holds run_mu_); records how far it got. True
  // when the whole log was copied back.
  bool CheckpointLocked(struct sqlite3* db, const char* schema);
  void Run();
  void Wake();

  Database& writer_;
  const CheckpointerOptions options_;
  std::unique_ptr<SQLite::Database> own_;
  std::atomic<uint64_t> background_{0};
  std::atomic<uint64_t> restarts_{0};
  std::atomic<uint64_t> inline_{0};
  int64_t last_inline_warning_ms_ = 0;  // writer thread only

  // One checkpoint at a time, the thread's or the writer's; the writer only tries it,
  // except at the inline bound.
  std::mutex run_mu_;
  // The last checkpoint's view: the log's frames then (high half) and how many of them
  // were copied back (low half), in one word so that the writer reads a matching pair.
  std::atomic<uint64_t> last_checkpoint_{0};
  int last_log_pages_ = 0;  // writer thread only: the log shrank = it started over

  std::mutex mu_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pingan::store
