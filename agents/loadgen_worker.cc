#include "agents/loadgen_worker.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "agents/connection.h"
#include "agents/report_builder.h"
#include "daemon/core/system_clock.h"
#include "daemon/ingest/codec.h"

namespace pingan::agent::loadgen {
namespace {

constexpr Micros kPollSlice = std::chrono::milliseconds{10};
// How long a report that found no socket free waits before trying again: the reaper
// usually frees a closed connection's sockets within a millisecond.
constexpr Micros kSocketWait = std::chrono::milliseconds{1};

// One DEALER as one school; fresh links close after their only report.
struct Link {
  std::unique_ptr<DaemonConnection> connection;
  uint32_t in_flight = 0;
};

struct Pending {
  size_t link;
  Micros sent_at;
};

class Worker {
 public:
  Worker(zmq::context_t& context, const WorkerOptions& options, const MonoClock& clock)
      : context_(context), options_(options), clock_(clock), fresh_(options.open_connections == 0) {
    settings_.server_public_key = options.server_public_key;
    settings_.max_message_bytes = wire::kMaxFrameBytes;
    if (epoll_ < 0) throw std::runtime_error("epoll_create1 failed");
  }
  ~Worker() {
    for (size_t i = 0; i < links_.size(); ++i) Close(i);
    ::close(epoll_);
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  LoadStats Run(const std::function<Micros()>& ready) {
    if (!fresh_) OpenAll();
    SendPlan plan(options_.schedule, options_.worker, options_.workers, ready());
    stats_.scheduled = static_cast<uint64_t>(plan.count());
    while (!plan.done() || !in_flight_.empty() || held_) {
      SendDue(plan);
      Expire(clock_.Now());
      Micros until = clock_.Now() + (held_ && CanOpen() ? kSocketWait : kPollSlice);
      if (const auto next = plan.NextAt(); next && CanOpen()) until = std::min(until, *next);
      if (!deadlines_.empty()) until = std::min(until, deadlines_.front().first);
      Poll(until - clock_.Now());
    }
    for (size_t i = 0; i < links_.size(); ++i) Close(i);
    return stats_;
  }

 private:
  // Open mode: this worker's schools are worker, worker+workers, ... (as numbers after
  // naming.first); connect them all and wait (bounded) for their handshakes.
  void OpenAll() {
    for (size_t k = 0; k < options_.open_connections; ++k) {
      const int64_t n = options_.worker + static_cast<int64_t>(k) * options_.workers;
      link_school_.push_back(options_.naming.first + n);
      if (!Open(link_school_.back())) {
        throw std::runtime_error("no ZeroMQ socket left for connection " + std::to_string(k + 1) +
                                 ": raise the descriptor limit (ulimit -n)");
      }
    }
    // Handshakes are monitor events, which come without frames: ask the links not yet
    // up, fewer and fewer, every 100 ms (each asking costs a few system calls).
    std::vector<size_t> waiting(links_.size());
    for (size_t i = 0; i < waiting.size(); ++i) waiting[i] = i;
    const Micros until = clock_.Now() + options_.connect_timeout;
    while (!waiting.empty() && clock_.Now() < until) {
      const Micros next_check = clock_.Now() + std::chrono::milliseconds{100};
      while (clock_.Now() < next_check) Poll(next_check - clock_.Now());
      std::erase_if(waiting, [&](size_t i) {
        Drain(i);
        return links_[i]->connection->handshakes() > 0;
      });
    }
  }

  // Sends what is due while connections may be opened. A report that finds no socket
  // free is held and tried again after a short wait (see Open).
  void SendDue(SendPlan& plan) {
    while (CanOpen()) {
      if (!held_) held_ = plan.NextDue(clock_.Now());
      if (!held_) return;
      if (!Send(*held_, plan.DueAt(*held_))) {
        if (!held_waited_) ++stats_.socket_waits;
        held_waited_ = true;
        return;
      }
      held_.reset();
      held_waited_ = false;
    }
  }

  // Connects as `school`; nullopt when ZeroMQ has no socket to spare (EMFILE: the
  // context's cap or the descriptor limit). zmq_close is asynchronous: a closed
  // connection's three sockets keep their slots and mailbox descriptors until the
  // context's reaper thread has destroyed them, after their session ended in the I/O
  // thread, so even below --max-open the next connection may have to wait for it.
  std::optional<size_t> Open(int64_t school) {
    settings_.client_keys = DeriveSchoolKeys(options_.naming.seed, school);
    auto link = std::make_unique<Link>();
    try {
      link->connection = std::make_unique<DaemonConnection>(context_, options_.endpoint, settings_);
    } catch (const zmq::error_t& e) {
      if (e.num() != EMFILE && e.num() != ENFILE) throw;
      return std::nullopt;
    }
    ++stats_.connections;
    size_t i = links_.size();
    if (!free_.empty()) {
      i = free_.back();
      free_.pop_back();
      links_[i] = std::move(link);
    } else {
      links_.push_back(std::move(link));
    }
    Watch(i, EPOLL_CTL_ADD);
    return i;
  }

  // The DEALER's ZMQ_FD (its mailbox) in the worker's epoll set, keyed by link index:
  // unlike zmq_poll over every link, a wait costs nothing per idle connection.
  void Watch(size_t i, int op) {
    int fd = -1;
    size_t size = sizeof fd;
    zmq_getsockopt(links_[i]->connection->poll_handle(), ZMQ_FD, &fd, &size);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = i;
    if (::epoll_ctl(epoll_, op, fd, &event) != 0 && op == EPOLL_CTL_ADD) {
      throw std::runtime_error("epoll_ctl failed");
    }
  }

  void Close(size_t i) {
    if (!links_[i]) return;
    links_[i]->connection->Receive(core::Millis{0});  // the monitor's last events
    const uint64_t handshakes = links_[i]->connection->handshakes();
    if (handshakes > 1) stats_.reconnects += handshakes - 1;
    Watch(i, EPOLL_CTL_DEL);
    links_[i].reset();
    free_.push_back(i);
    if (fresh_) --open_;
  }

  bool CanOpen() const { return !fresh_ || open_ < options_.max_open; }

  // False when no connection could be opened for it (nothing was sent).
  bool Send(int64_t index, Micros due) {
    int64_t school = options_.naming.first + index;
    size_t link = 0;
    if (fresh_) {
      const auto opened = Open(school);
      if (!opened) return false;
      link = *opened;
      ++open_;
    } else {
      link = next_link_++ % options_.open_connections;
      school = link_school_[link];
    }
    ReportContext context{SchoolId(options_.naming, school), options_.zone, wall_.Now(), {}};
    auto built = BuildAllClear(context, std::nullopt);
    if (auto* refusal = std::get_if<LocalRefusal>(&built)) {
      throw std::runtime_error("cannot build a report: " + refusal->message);
    }
    const auto& report = std::get<core::Report>(built);
    const std::string frame = wire::EncodeReportFrame(report);
    const Micros now = clock_.Now();
    if (!links_[link]->connection->TrySend(frame)) {
      ++stats_.errors.send_failed;
      if (fresh_) Close(link);
      return true;
    }
    stats_.NoteSend(now, due);
    in_flight_.emplace(report.report_id, Pending{link, now});
    deadlines_.emplace_back(now + options_.ack_timeout, report.report_id);
    ++links_[link]->in_flight;
    // A send may have consumed the mailbox signal of an ack that arrived meanwhile
    // (ZMQ_FD is edge-triggered): look once now, or it would wait for the next signal.
    Drain(link);
    return true;
  }

  void Drain(size_t link) {
    for (const auto& frame : links_[link]->connection->Receive(core::Millis{0})) OnFrame(frame);
  }

  // Waits up to `wait` for frames on any link and handles them.
  void Poll(Micros wait) {
    // Rounded up: a send at most 1 ms late (max_send_lag says so) rather than a busy loop.
    const int ms = static_cast<int>(std::max<int64_t>(0, (wait.count() + 999) / 1000));
    epoll_event events[256];
    const int n = ::epoll_wait(epoll_, events, 256, ms);
    for (int k = 0; k < n; ++k) {
      const auto i = static_cast<size_t>(events[k].data.u64);
      if (i < links_.size() && links_[i]) Drain(i);
    }
  }

  void OnFrame(const std::string& frame) {
    const Micros now = clock_.Now();
    const auto ack = wire::DecodeAckFrame(frame);
    if (!ack) {
      ++stats_.bad_frames;
      return;
    }
    const auto it = in_flight_.find(ack->report_id);
    if (it == in_flight_.end()) {
      if (expired_.erase(ack->report_id) > 0) {
        ++stats_.late_acks;
      } else {
        ++stats_.bad_frames;
      }
      return;
    }
    stats_.latency.Record((now - it->second.sent_at).count());
    stats_.NoteAck(now);
    switch (ack->status) {
      case wire::AckStatus::kStored:
        ++stats_.stored;
        break;
      case wire::AckStatus::kDuplicate:
        ++stats_.duplicates;
        break;
      case wire::AckStatus::kRejected:
        ++stats_.errors.nack;
        ++stats_.errors.nack_reasons[ack->reason ? core::RejectReasonName(*ack->reason) : "?"];
        break;
    }
    Finish(it);
  }

  void Finish(std::unordered_map<std::string, Pending>::iterator it) {
    const size_t link = it->second.link;
    in_flight_.erase(it);
    if (links_[link] && --links_[link]->in_flight == 0 && fresh_) Close(link);
  }

  void Expire(Micros now) {
    while (!deadlines_.empty() && deadlines_.front().first <= now) {
      const std::string id = std::move(deadlines_.front().second);
      deadlines_.pop_front();
      auto it = in_flight_.find(id);
      if (it == in_flight_.end()) continue;  // answered in time
      auto& connection = *links_[it->second.link]->connection;
      for (const auto& frame : connection.Receive(core::Millis{0})) OnFrame(frame);
      it = in_flight_.find(id);
      if (it == in_flight_.end()) continue;  // the ack was waiting after all
      CountFailure(connection);
      if (!fresh_) expired_.insert(id);
      Finish(it);
    }
  }

  void CountFailure(const DaemonConnection& connection) {
    auto& e = stats_.errors;
    switch (connection.problem_kind()) {
      case ProblemKind::kKeyRefused:
        ++e.key_refused;
        break;
      case ProblemKind::kHandshakeFailed:
        ++e.handshake_failed;
        break;
      case ProblemKind::kCannotConnect:
        ++e.connect_failed;
        break;
      case ProblemKind::kConnectionLost:
        ++e.connection_lost;
        break;
      case ProblemKind::kNone:
        ++e.timeout;
        break;
    }
  }

  zmq::context_t& context_;
  const WorkerOptions& options_;
  const MonoClock& clock_;
  core::SystemClock wall_;  // the reports' own times (agent_time, today's date)
  const bool fresh_;
  ConnectionSettings settings_;
  std::vector<std::unique_ptr<Link>> links_;
  std::vector<size_t> free_;
  std::vector<int64_t> link_school_;  // open mode: the school of each link
  size_t open_ = 0;                   // fresh links open
  size_t next_link_ = 0;
  std::optional<int64_t> held_;  // fresh mode: a due report waiting for a socket
  bool held_waited_ = false;     // held_ already counted in socket_waits
  std::unordered_map<std::string, Pending> in_flight_;
  std::deque<std::pair<Micros, std::string>> deadlines_;  // in send order
  std::unordered_set<std::string> expired_;  // open mode: timed out, an ack may still come
  int epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  LoadStats stats_;
};

}  // namespace

LoadStats RunWorker(zmq::context_t& context, const WorkerOptions& options, const MonoClock& clock,
                    const std::function<Micros()>& ready) {
  Worker worker(context, options, clock);
  return worker.Run(ready);
}

}  // namespace pingan::agent::loadgen
