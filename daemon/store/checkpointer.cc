#include "daemon/store/checkpointer.h"

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
  if (options_.start_thread) thread_ = std::thread([this] { Run(); });
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
  int log_frames = 0;
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(own_->getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                           &log_frames, &copied);
  if (rc != SQLITE_OK) {
    // A full disk or an I/O error: the writer's own commits will say it loudly; the
    // next commit wakes this thread again.
    spdlog::warn("background checkpoint failed: {}", sqlite3_errmsg(own_->getHandle()));
    return false;
  }
  return copied == log_frames;
}

// Writer thread, after each commit, with the pages now in the WAL.
int Checkpointer::OnWalCommit(void* self, struct sqlite3* db, const char* schema, int pages) {
  auto* me = static_cast<Checkpointer*>(self);
  if (pages >= me->options_.inline_pages) {
    ++me->inline_;
    const int64_t now = SteadyMillis();
    if (now - me->last_inline_warning_ms_ >= 60'000) {
      me->last_inline_warning_ms_ = now;
      spdlog::warn(
          "the write-ahead log holds {} pages: the background checkpoint is not keeping up "
          "(a slow disk, or a long read?), so commits checkpoint inline meanwhile",
          pages);
    }
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= me->options_.wake_pages) {
    me->Wake();
  }
  return SQLITE_OK;
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
