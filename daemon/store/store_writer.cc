#include "daemon/store/store_writer.h"

#include "daemon/core/thread_name.h"

#include <spdlog/spdlog.h>

#include <SQLiteCpp/Transaction.h>

#include <chrono>
#include <stdexcept>

namespace pingan::store {

StoreWriter::StoreWriter(StoreWriterOptions options, Completion on_batch_committed)
    : options_(std::move(options)),
      on_batch_committed_(std::move(on_batch_committed)),
      db_(std::make_unique<Database>(options_.database_path)),
      reports_(std::make_unique<ReportRepository>(*db_, options_.text_retention)),
      checkpointer_(std::make_unique<Checkpointer>(*db_)),
      thread_([this] { Run(); }) {
  core::NameThread(thread_, "store-writer");
}

StoreWriter::~StoreWriter() {
  Stop();
}

void StoreWriter::AddObserver(std::shared_ptr<ReportObserver> observer) {
  std::lock_guard lock(mu_);
  observers_.push_back(std::move(observer));
}

void StoreWriter::Submit(WriteRequest request) {
  {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(request));
  }
  wake_.notify_one();
}

void StoreWriter::Post(Job job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

size_t StoreWriter::QueueDepth() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

void StoreWriter::WhenIdle(std::function<void()> done) {
  // A job runs after the batch taken with it; reports beyond max_batch may still wait,
  // so the job looks again after the next batch until none is left.
  Post([this, done = std::move(done)](Database&) mutable {
    if (QueueDepth() == 0) {
      done();
    } else {
      WhenIdle(std::move(done));
    }
  });
}

void StoreWriter::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void StoreWriter::Run() {
  for (;;) {
    std::vector<WriteRequest> batch;
    std::deque<Job> jobs;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty() || !jobs_.empty(); });
      if (pending_.empty() && jobs_.empty()) return;  // stopping, nothing left
      const size_t n = std::min(pending_.size(), options_.max_batch);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
      jobs.swap(jobs_);
    }
    if (!batch.empty()) on_batch_committed_(TimedBatch(batch));
    for (Job& job : jobs) {
      try {
        job(*db_);
        if (const uint64_t failed = job_failures_.Succeed()) {
          spdlog::warn("store: jobs succeed again after {} failed", failed);
        }
      } catch (const std::exception& e) {
        NoteFailure(e);
        if (job_failures_.Fail()) {
          spdlog::error("store job failed: {} ({} in a row; this line repeats every 1000th)",
                        e.what(), job_failures_.failures());
        }
      }
    }
  }
}

std::vector<WriteOutcome> StoreWriter::TimedBatch(std::vector<WriteRequest>& batch) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<WriteOutcome> outcomes = WriteBatch(batch);
  failures_in_a_row_.store(batch_failures_.failures());
  if (options_.on_batch_timed) {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    options_.on_batch_timed(outcomes.size(), took.count());
  }
  return outcomes;
}

void StoreWriter::NoteFailure(const std::exception& e) {
  if (!IsDamage(e) || damaged_.exchange(true)) return;
  spdlog::critical(
      "store: DATABASE DAMAGED: {}: {}. No report is written or acknowledged any more; the "
      "agents keep theirs until the database is restored.",
      options_.database_path, e.what());
  if (options_.on_damage) options_.on_damage(e.what());
}

void StoreWriter::EndBatch(bool committed) {
  for (auto& observer : observers_) {
    try {
      observer->OnBatchEnded(*db_, committed);
    } catch (const std::exception& e) {
      NoteFailure(e);
      if (job_failures_.Fail()) {
        spdlog::error("store: after a batch: {} ({} in a row; this line repeats every 1000th)",
                      e.what(), job_failures_.failures());
      }
    }
  }
}

std::vector<WriteOutcome> StoreWriter::WriteBatch(std::vector<WriteRequest>& batch) {
  std::vector<WriteOutcome> outcomes;
  outcomes.reserve(batch.size());
  bool committed = false;
  try {
    if (damaged_.load()) throw std::runtime_error("the database file is damaged");
    SQLite::Transaction tx(db_->sql());
    for (WriteRequest& req : batch) {
      const InsertStatus status = reports_->Insert(req.incoming);
      if (status == InsertStatus::kStored) {
        for (auto& observer : observers_) observer->OnStored(*db_, req.incoming);
      }
      const bool stored = status == InsertStatus::kStored;
      const WriteStatus written = stored                               ? WriteStatus::kStored
                                  : status == InsertStatus::kDuplicate ? WriteStatus::kDuplicate
                                                                       : WriteStatus::kIdTaken;
      outcomes.push_back(
          WriteOutcome{std::move(req.reply_to), req.incoming.report.report_id, written,
                       stored && req.incoming.report.kind == core::ReportKind::kIncident});
    }
    tx.commit();
    committed = true;
    if (const uint64_t failed = batch_failures_.Succeed()) {
      spdlog::warn("store: reports are committed again after {} failed batches", failed);
    }
  } catch (const std::exception& e) {
    NoteFailure(e);
    // The transaction rolled back: nothing of this batch is stored, so none may be acked
    // as stored. A report that appeared twice in the batch is failed too (both copies).
    if (batch_failures_.Fail()) {
      spdlog::error(
          "store: batch of {} reports not committed: {} ({} batches in a row; this line "
          "repeats every 1000th, reports are answered STORE_UNAVAILABLE and resent)",
          batch.size(), e.what(), batch_failures_.failures());
    }
    for (WriteOutcome& o : outcomes) {
      o.status = WriteStatus::kFailed;
      o.new_incident = false;
    }
    for (size_t i = outcomes.size(); i < batch.size(); ++i) {
      outcomes.push_back(WriteOutcome{std::move(batch[i].reply_to),
                                      batch[i].incoming.report.report_id, WriteStatus::kFailed});
    }
  }
  EndBatch(committed);
  return outcomes;
}

}  // namespace pingan::store
