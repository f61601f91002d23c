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

struct CheckpointerOptions {
  int wake_pages = 1000;         // SQLite's own automatic checkpoint threshold
  int inline_pages = 64 * 1000;  // ~256 MiB of 4 KiB pages: the writer steps in
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
  uint64_t inline_checkpoints() const { return inline_.load(); }

 private:
  static int OnWalCommit(void* self, struct sqlite3* db, const char* schema, int pages);
  void Run();
  void Wake();

  Database& writer_;
  const CheckpointerOptions options_;
  std::unique_ptr<SQLite::Database> own_;
  std::atomic<uint64_t> background_{0};
  std::atomic<uint64_t> inline_{0};
  int64_t last_inline_warning_ms_ = 0;  // writer thread only

  std::mutex mu_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pingan::store
