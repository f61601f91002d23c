// SchoolFleet: many simulated schools in one test process, each with its own spool and
// Sender (the real agent library) sharing one ZeroMQ context, each delivering on its
// own thread. Acks are counted and remembered as they come (thread-safe), so a test can
// act in the middle of the stream, e.g. kill the daemon after N acks.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "agents/report_builder.h"
#include "agents/sender.h"
#include "agents/spool.h"
#include "daemon/core/system_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::testing {

struct FleetSchool {
  std::string school_id;
  wire::CurveKeyPair keys;
};

class SchoolFleet {
 public:
  SchoolFleet(std::vector<FleetSchool> schools, std::string endpoint, std::string server_key)
      : schools_(std::move(schools)),
        endpoint_(std::move(endpoint)),
        server_key_(std::move(server_key)),
        context_(2) {
    for (const auto& s : schools_) {
      // The agents' own fsyncs would dominate the test's time; the daemon stays durable.
      agent::SpoolOptions options;
      options.durable = false;
      auto spool = agent::Spool::Open(dir_.File(s.school_id + ".spool"), clock_, options);
      spools_.push_back(std::move(std::get<std::unique_ptr<agent::Spool>>(spool)));
    }
  }
  ~SchoolFleet() { Join(); }

  // Spools `per_school` all-clear reports for each school (distinct covered dates).
  void QueueAllClears(int per_school, date::year_month_day first_day) {
    for (size_t i = 0; i < schools_.size(); ++i) {
      for (int n = 0; n < per_school; ++n) {
        QueueAllClear(i, date::sys_days{first_day} - date::days{n});
      }
    }
  }

  // Spools one all-clear covering `day` for school number `index`.
  void QueueAllClear(size_t index, date::year_month_day day) {
    core::Report r;
    r.report_id = agent::NewReportId(clock_.Now());
    r.school_id = schools_[index].school_id;
    r.kind = core::ReportKind::kAllClear;
    r.covers = day;
    r.agent_time = clock_.Now();
    auto added = spools_[index]->Add(r);
    if (!std::holds_alternative<agent::AddResult>(added)) throw std::runtime_error("refused");
    std::lock_guard lock(mu_);
    queued_.insert(r.report_id);
  }

  // Starts one delivery thread per school; each runs until its spool has nothing
  // pending or `budget` (real time) runs out.
  void StartDelivery(std::chrono::seconds budget) {
    for (size_t i = 0; i < schools_.size(); ++i) {
      threads_.emplace_back([this, i, budget] { Deliver(i, budget); });
    }
  }
  void Join() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }
  // Blocks until at least `n` acks arrived (bounded by `budget`).
  bool WaitForAcks(size_t n, std::chrono::seconds budget) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, budget, [&] { return acked_.size() >= n; });
  }
  // Blocks until every id of `ids` was acked (bounded by `budget`).
  bool WaitForAcked(const std::set<std::string>& ids, std::chrono::seconds budget) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, budget, [&] {
      return std::includes(acked_.begin(), acked_.end(), ids.begin(), ids.end());
    });
  }
  std::set<std::string> AckedIds() {
    std::lock_guard lock(mu_);
    return acked_;
  }
  size_t AckCount() {
    std::lock_guard lock(mu_);
    return acked_.size();
  }
  // Every report id spooled (sent or still to be sent).
  std::set<std::string> QueuedIds() {
    std::lock_guard lock(mu_);
    return queued_;
  }
  int64_t Pending() {
    int64_t n = 0;
    for (auto& s : spools_) n += s->Counts().pending;
    return n;
  }
  uint64_t duplicates() const { return duplicates_; }
  // How long an agent waits for an ack before it resends (before StartDelivery). An ack
  // that comes later, on the same connection, still counts (the spool takes it).
  void set_ack_timeout(std::chrono::milliseconds timeout) { ack_timeout_ = timeout; }

 private:
  void Deliver(size_t i, std::chrono::seconds budget) {
    agent::SenderOptions options;
    options.endpoints = {endpoint_};
    options.server_public_key = server_key_;
    options.client_keys = schools_[i].keys;
    options.ack_timeout = ack_timeout_;
    options.retry = agent::BackoffPolicy{std::chrono::milliseconds{50},
                                         std::chrono::milliseconds{500}, 2.0, agent::Jitter::kFull};
    options.reconnect_ivl = std::chrono::milliseconds{100};
    options.reconnect_ivl_max = std::chrono::milliseconds{500};
    options.max_in_flight = 8;
    agent::Sender sender(context_, *spools_[i], clock_, options);
    sender.set_ack_observer([this](const wire::Ack& ack, std::optional<core::Millis>) {
      if (ack.status == wire::AckStatus::kDuplicate) ++duplicates_;
      std::lock_guard lock(mu_);
      acked_.insert(ack.report_id);
      cv_.notify_all();
    });
    const core::Instant until = clock_.Now() + budget;
    while (clock_.Now() < until && spools_[i]->Counts().pending > 0) {
      sender.Flush(std::min(until, clock_.Now() + std::chrono::seconds{2}));
    }
  }

  TempDir dir_;
  core::SystemClock clock_;
  std::vector<FleetSchool> schools_;
  std::string endpoint_;
  std::string server_key_;
  zmq::context_t context_;
  std::vector<std::unique_ptr<agent::Spool>> spools_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> acked_;
  std::set<std::string> queued_;
  std::atomic<uint64_t> duplicates_{0};
  std::chrono::milliseconds ack_timeout_{1500};
};

}  // namespace pingan::testing
