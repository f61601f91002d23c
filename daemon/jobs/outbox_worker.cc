#include "daemon/jobs/outbox_worker.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include "daemon/store/write_transaction.h"

#include "daemon/store/alert_repository.h"

namespace pingan::jobs {
namespace {

double Random01() {
  return static_cast<double>(randombytes_random()) / 4294967296.0;
}

// Puts a delivery problem on the timeline of every alert the row is about.
void NoteOnAlerts(store::AlertRepository& alerts, const std::vector<std::string>& ids,
                  const std::string& text, core::Instant now) {
  for (const std::string& id : ids) {
    if (auto alert = alerts.Find(id)) {
      alerts.Save(core::NoteOnTimeline(*alert, "delivery_failed", text, now));
    }
  }
}

}  // namespace

DeliveryRecord RecordDelivery(store::Database& db, const core::OutboxRow& leased,
                              const core::DeliveryResult& result, const core::RetryPolicy& retry,
                              core::Instant now, double random01) {
  DeliveryRecord record;
  store::WriteTransaction tx(db);
  store::OutboxRepository outbox(db);
  const auto current = outbox.Find(leased.id);
  if (!current || current->status == core::OutboxStatus::kDelivered ||
      current->status == core::OutboxStatus::kFailed ||
      current->status == core::OutboxStatus::kCancelled) {
    return record;
  }
  // Another lease took the row meanwhile: only news of a delivery is still worth keeping.
  const bool same_lease =
      current->status == core::OutboxStatus::kLeased && current->attempts == leased.attempts;
  if (!same_lease && result.status != core::DeliveryStatus::kDelivered) return record;
  const core::DeliveryOutcome outcome =
      core::OnDeliveryResult(*current, result, retry, now, random01);
  outbox.RecordAttempt(outcome.row);
  record.applied = true;
  record.status = outcome.row.status;
  if (outcome.notice) {
    record.notice = core::DescribeNotice(*outcome.notice, current->recipient);
    store::AlertRepository alerts(db);
    NoteOnAlerts(alerts, core::AlertIds(*current), record.notice, now);
  }
  tx.Commit();
  return record;
}

core::DeliveryResult SendOutboxRow(const core::OutboxRow& row, notify::Channel& channel,
                                   const config::ScheduleBundle* bundle,
                                   const core::TemplateOptions& templates) {
  if (!row.unreadable.empty()) return core::DeliveryResult::Permanent(row.unreadable);
  if (row.channels.empty()) {
    return core::DeliveryResult::Permanent("no usable channel for " + row.recipient.name);
  }
  static const core::OrgTree kNoOrg = std::get<core::OrgTree>(core::OrgTree::Build({}));
  auto input = core::MessageInputFor(row, bundle != nullptr ? bundle->tree : kNoOrg,
                                     bundle != nullptr ? bundle->time_zone : "Asia/Shanghai");
  if (auto* problem = std::get_if<std::string>(&input)) {
    return core::DeliveryResult::Permanent(*problem);
  }
  notify::OutgoingMessage message;
  message.channel = core::CurrentChannel(row);
  message.recipient = row.recipient;
  message.idempotency_key = core::IdempotencyKey(row);
  message.content = core::RenderMessage(std::get<core::MessageInput>(input), templates);
  try {
    return channel.Send(message);
  } catch (const std::exception& e) {
    return core::DeliveryResult::Transient(std::string("send failed: ") + e.what());
  }
}

OutboxWorker::OutboxWorker(boost::asio::io_context& io, store::StoreWriter& writer,
                           const core::Clock& clock, const config::ScheduleSource& schedules,
                           std::shared_ptr<notify::Channel> channel, config::EscalationSource setup)
    : io_(io),
      writer_(writer),
      clock_(clock),
      schedules_(schedules),
      channel_(std::move(channel)),
      setup_(std::move(setup)),
      timer_(io),
      pool_(static_cast<size_t>(setup_->settings.delivery.workers)) {}

OutboxWorker::~OutboxWorker() {
  pool_.stop();  // drops sends not yet started; their rows stay leased until the lease ends
  pool_.join();
}

void OutboxWorker::Start() {
  running_ = true;
  Lease();
  Arm();
}

void OutboxWorker::Stop() {
  running_ = false;
  timer_.cancel();
}

void OutboxWorker::Poke() {
  if (running_) Lease();
}

void OutboxWorker::Arm() {
  timer_.expires_after(setup_->settings.delivery.poll);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !running_) return;
    Lease();
    Arm();
  });
}

void OutboxWorker::Lease() {
  const int capacity = 2 * setup_->settings.delivery.workers;
  const int free = capacity - static_cast<int>(in_flight_.size());
  if (leasing_ || free <= 0) return;
  leasing_ = true;
  const core::Millis lease = setup_->settings.delivery.lease;
  writer_.Post([this, skip = in_flight_, free, lease](store::Database& db) {
    std::vector<core::OutboxRow> rows;
    try {
      store::WriteTransaction tx(db);
      rows = store::OutboxRepository(db).LeaseDue(clock_.Now(), lease, free, skip);
      tx.Commit();
    } catch (const std::exception& e) {
      spdlog::error("outbox: leasing failed, will retry: {}", e.what());
      rows.clear();
    }
    boost::asio::post(io_, [this, rows = std::move(rows)]() mutable { OnLeased(std::move(rows)); });
  });
}

void OutboxWorker::OnLeased(std::vector<core::OutboxRow> rows) {
  leasing_ = false;
  const core::Instant now = clock_.Now();
  const bool full_batch = !rows.empty() && running_;
  for (core::OutboxRow& row : rows) {
    in_flight_.insert(row.id);
    if (RateLimited(row, now)) continue;
    Send(std::move(row));
  }
  // There may be more due rows than there was room for: look again once room is made.
  if (full_batch) Lease();
}

bool OutboxWorker::RateLimited(const core::OutboxRow& row, core::Instant now) {
  const std::string key = core::RecipientKey(row.recipient);
  const core::RateDecision d =
      core::TakeToken(buckets_[key], setup_->settings.delivery.rate_limit, now);
  buckets_[key] = d.bucket;
  if (d.allowed) return false;
  ++stats_.deferred;
  Observe(row, "deferred");
  writer_.Post([this, id = row.id, until = d.retry_at](store::Database& db) {
    try {
      store::OutboxRepository(db).Defer(id, until);
    } catch (const std::exception& e) {
      spdlog::error("outbox: deferring row {} failed: {}", id, e.what());
    }
    boost::asio::post(io_, [this, id] { Release(id); });
  });
  return true;
}

void OutboxWorker::Send(core::OutboxRow row) {
  ++stats_.attempts;
  boost::asio::post(pool_, [this, row = std::move(row), channel = channel_,
                            bundle = schedules_.Get(), setup = setup_.Get()]() mutable {
    core::DeliveryResult result =
        SendOutboxRow(row, *channel, bundle.get(), setup->settings.templates);
    boost::asio::post(io_, [this, row = std::move(row), result = std::move(result)]() mutable {
      OnSent(std::move(row), std::move(result));
    });
  });
}

void OutboxWorker::Observe(const core::OutboxRow& row, const char* result) const {
  if (on_attempt_)
    on_attempt_(std::string(core::ChannelKindName(core::CurrentChannel(row))), result);
}

void OutboxWorker::OnSent(core::OutboxRow row, core::DeliveryResult result) {
  // The reason names the channel and the peer's answer, never the message text. A retry
  // is routine (info); what it leads to, a fallback or a failure, is logged as a warning.
  if (result.status != core::DeliveryStatus::kDelivered) {
    spdlog::info("outbox: row {} ({}) attempt {} failed: {}", row.id,
                 core::ChannelKindName(core::CurrentChannel(row)), row.attempts, result.reason);
  }
  writer_.Post([this, row = std::move(row), result = std::move(result),
                retry = setup_->settings.delivery.retry](store::Database& db) {
    DeliveryRecord record;
    try {
      record = RecordDelivery(db, row, result, retry, clock_.Now(), Random01());
    } catch (const std::exception& e) {
      spdlog::error("outbox: recording row {} failed (its lease will run out): {}", row.id,
                    e.what());
    }
    boost::asio::post(io_, [this, row, record = std::move(record)] {
      const int64_t id = row.id;
      if (record.applied) {
        if (record.status == core::OutboxStatus::kDelivered) ++stats_.delivered;
        if (record.status == core::OutboxStatus::kPending) ++stats_.retried;
        if (record.status == core::OutboxStatus::kFailed) ++stats_.failed;
        Observe(row, record.status == core::OutboxStatus::kDelivered ? "delivered"
                     : record.status == core::OutboxStatus::kFailed  ? "failed"
                                                                     : "retry");
      }
      if (!record.notice.empty()) spdlog::warn("outbox: row {}: {}", id, record.notice);
      Release(id);
    });
  });
}

void OutboxWorker::Release(int64_t id) {
  in_flight_.erase(id);
  // Keep the bucket map small: a full bucket is the same as no bucket.
  if (buckets_.size() > 10000) {
    const core::Instant now = clock_.Now();
    const core::RateLimit limit = setup_->settings.delivery.rate_limit;
    std::erase_if(buckets_, [&](const auto& kv) {
      return core::TakeToken(kv.second, limit, now).bucket.tokens >= limit.burst - 1;
    });
  }
  if (running_) Lease();
}

}  // namespace pingan::jobs
