#include "daemon/store/checkpointer.h"

#include "daemon/core/thread_name.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>

namespace pingan::store {
namespace {

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Checkpointer::Checkpointer(Database& writer, CheckpointerOptions options)
    : writer_(writer), options_(options) {
  own_ = std::make_unique<SQLite::Database>(writer_.path(), SQLite::OPEN_READWRITE);
  // A checkpoint syncs as its connection says: the same durability as the writer's.
  own_->exec("PRAGMA synchronous=FULL");
  // Replaces SQLite's automatic checkpoint on the writer's connection.
  sqlite3_wal_hook(writer_.sql().getHandle(), &Checkpointer::OnWalCommit, this);
  if (options_.start_thread) {
    thread_ = std::thread([this] { Run(); });
    core::NameThread(thread_, "checkpointer");
  }
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_autocheckpoint(writer_.sql().getHandle(), options_.wake_pages);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool Checkpointer::RunOnce() {
  std::lock_guard lock(run_mu_);
  return CheckpointLocked(own_->getHandle(), nullptr);
}

bool Checkpointer::CheckpointLocked(struct sqlite3* db, const char* schema) {
  int log_frames = 0;
  int copied = 0;
  const int rc =
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied);
  if (rc != SQLITE_OK) {
    // A full disk or an I/O error: the writer's own commits will say it loudly; the
    // next commit wakes this thread again. (SQLITE_BUSY: another checkpoint ran.)
    if (rc != SQLITE_BUSY) spdlog::warn("checkpoint failed: {}", sqlite3_errmsg(db));
    return false;
  }
  last_checkpoint_.store(uint64_t(uint32_t(log_frames)) << 32 | uint32_t(copied));
  return copied == log_frames;
}

int Checkpointer::PagesNotCopied(int pages) {
  const bool started_over = pages < last_log_pages_;
  last_log_pages_ = pages;
  const uint64_t last = last_checkpoint_.load();
  const int log_then = int(last >> 32);
  const int copied = int(last & 0xffff'ffffu);
  // A checkpoint of an earlier log, or none yet, says nothing about this one.
  if (started_over || pages < log_then) return pages;
  return pages - copied;
}

// Writer thread, after each commit, with the pages now in the WAL.
int Checkpointer::OnWalCommit(void* self, struct sqlite3* db, const char* schema, int pages) {
  auto* me = static_cast<Checkpointer*>(self);
  const CheckpointerOptions& o = me->options_;
  const int not_copied = me->PagesNotCopied(pages);
  if (pages >= o.inline_pages) {
    me->WarnNotKeepingUp(pages);
    std::lock_guard lock(me->run_mu_);  // waits for the thread's checkpoint, if any
    me->CheckpointLocked(db, schema);
    ++me->inline_;
    return SQLITE_OK;
  }
  if (pages >= o.restart_pages && not_copied <= o.restart_lag) {
    // Never waits: should the thread be copying, a later commit tries again.
    std::unique_lock lock(me->run_mu_, std::try_to_lock);
    if (lock.owns_lock() && me->CheckpointLocked(db, schema)) {
      ++me->restarts_;
      return SQLITE_OK;
    }
  }
  if (pages >= o.wake_pages) me->Wake();
  return SQLITE_OK;
}

void Checkpointer::WarnNotKeepingUp(int pages) {
  const int64_t now = SteadyMillis();
  if (now - last_inline_warning_ms_ < 60'000) return;
  last_inline_warning_ms_ = now;
  spdlog::warn(
      "the write-ahead log holds {} pages: the background checkpoint is not keeping up "
      "(a slow disk, or a long read?), so commits checkpoint inline meanwhile",
      pages);
}

void Checkpointer::Wake() {
  {
    std::lock_guard lock(mu_);
    wanted_ = true;
  }
  wake_.notify_one();
}

void Checkpointer::Run() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || wanted_; });
      if (stopping_) return;
      wanted_ = false;  // commits meanwhile ask again
    }
    RunOnce();
    ++background_;
  }
}

}  // namespace pingan::store
