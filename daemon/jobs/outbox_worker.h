// The outbox worker: delivers outbox rows at least once, with leases, retries with
// backoff and jitter, Retry-After, fallback to the recipient's next channel, and
// per-recipient rate limits.
//
// Threads. The io thread runs the loop: it asks the StoreWriter to lease due rows
// (never more than twice the number of workers in flight), applies the rate limit
// (core::TakeToken, buckets kept in memory), and hands each row to its own small thread
// pool, where the row is rendered and sent with one blocking Channel::Send. The result
// comes back to the io thread, which posts a writer job (RecordDelivery) that judges it
// with core::OnDeliveryResult and writes the row's next state and, for a channel that
// failed for good, a line on each alert's timeline, in one transaction. Only then is the
// row released from the in-flight set, so it is never leased twice by this process.
//
// A crash (SIGKILL) mid-send leaves the row leased; once its lease ran out, the next
// process leases and sends it again: at least once, one duplicate at most per crash.
// Start/Stop/Poke: io thread. The destructor joins the pool (sends are bounded by the
// channels' timeouts).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/core/delivery_policy.h"
#include "daemon/notify/channel.h"
#include "daemon/store/outbox_repository.h"
#include "daemon/store/store_writer.h"

namespace pingan::jobs {

struct DeliveryRecord {
  bool applied = false;  // false: the row was already decided or leased again (stale)
  core::OutboxStatus status = core::OutboxStatus::kPending;
  std::string notice;  // the timeline text of a permanent failure or fallback
};

// Writer thread, one transaction: judges one attempt on `leased` (the row as it was
// leased) and records it. `random01` in [0, 1) jitters the backoff.
DeliveryRecord RecordDelivery(store::Database& db, const core::OutboxRow& leased,
                              const core::DeliveryResult& result, const core::RetryPolicy& retry,
                              core::Instant now, double random01);

// Pool thread: renders the row and makes one attempt on its current channel. A row that
// cannot be rendered or reaches nobody fails for good.
core::DeliveryResult SendOutboxRow(const core::OutboxRow& row, notify::Channel& channel,
                                   const config::ScheduleBundle* bundle,
                                   const core::TemplateOptions& templates);

class OutboxWorker {
 public:
  struct Stats {
    uint64_t attempts = 0;
    uint64_t delivered = 0;
    uint64_t retried = 0;
    uint64_t failed = 0;
    uint64_t deferred = 0;  // rate limited
  };

  OutboxWorker(boost::asio::io_context& io, store::StoreWriter& writer, const core::Clock& clock,
               const config::ScheduleSource& schedules, std::shared_ptr<notify::Channel> channel,
               config::EscalationSource setup);
  ~OutboxWorker();
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  void Start();
  void Stop();
  // Looks for due rows now (e.g. the escalation runner just queued some).
  void Poke();
  // A reload's new channels (gateways, SMTP, webhook); sends in flight finish on the old.
  void ReplaceChannel(std::shared_ptr<notify::Channel> channel) { channel_ = std::move(channel); }
  const Stats& stats() const { return stats_; }
  // Called on the io thread with the channel ("sms", "email", "webhook") and the result
  // ("delivered", "retry", "failed", "deferred") of each attempt: the daemon's metrics.
  using AttemptObserver = std::function<void(const std::string& channel, const char* result)>;
  void set_attempt_observer(AttemptObserver observer) { on_attempt_ = std::move(observer); }

 private:
  void Arm();
  void Lease();
  void OnLeased(std::vector<core::OutboxRow> rows);
  bool RateLimited(const core::OutboxRow& row, core::Instant now);
  void Send(core::OutboxRow row);
  void OnSent(core::OutboxRow row, core::DeliveryResult result);
  void Release(int64_t id);
  void Observe(const core::OutboxRow& row, const char* result) const;

  boost::asio::io_context& io_;
  store::StoreWriter& writer_;
  const core::Clock& clock_;
  const config::ScheduleSource& schedules_;
  std::shared_ptr<notify::Channel> channel_;
  config::EscalationSource setup_;  // a reload may replace it (delivery.workers: at start only)
  boost::asio::steady_timer timer_;
  boost::asio::thread_pool pool_;
  std::set<int64_t> in_flight_;                       // leased by this process and not yet recorded
  std::map<std::string, core::TokenBucket> buckets_;  // by core::RecipientKey
  bool leasing_ = false;
  bool running_ = false;
  Stats stats_;
  AttemptObserver on_attempt_;
};

}  // namespace pingan::jobs
