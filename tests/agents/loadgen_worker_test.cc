// pingan-loadgen's worker in fresh mode (a connection per report, as deployed agents
// do) against an in-test CURVE ROUTER: every report is acked over its own connection,
// and the worker stays within its sockets and descriptors. A closed connection's three
// ZeroMQ sockets keep their slots in the context (and their mailbox descriptors) until
// the context's reaper thread has destroyed them; a worker that opens the next
// connection at once finds no slot free and must wait for the reaper instead of
// failing with EMFILE ("Too many open files"), which stopped every worker at 867
// connections a second.
#include "agents/loadgen_worker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "tests/agents/test_router.h"

namespace pingan::agent::loadgen {
namespace {

// This process's open descriptors (the listing's own descriptor not counted).
int OpenDescriptors() {
  int n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++n;
  }
  return n - 1;
}

// The steady clock, counting this process's descriptors on every reading: the worker
// reads its clock on each turn of its loop, so the peak is seen as it happens.
class DescriptorCountingClock final : public MonoClock {
 public:
  Micros Now() const override {
    peak_ = std::max(peak_, OpenDescriptors());
    return steady_.Now();
  }
  int peak() const { return peak_; }

 private:
  SteadyMonoClock steady_;
  mutable int peak_ = 0;
};

TEST(LoadgenWorker, FreshConnectionsWaitForClosedSocketsAndStayWithinDescriptors) {
  const auto server_keys = wire::GenerateCurveKeyPair();
  testing::TestRouter router(server_keys, testing::TestRouter::Storing());
  constexpr size_t kMaxOpen = 4;
  constexpr int64_t kReports = 200;
  // Room for exactly kMaxOpen connections (a DEALER and its monitor's two PAIRs each):
  // every connection after the first kMaxOpen needs the slots of one just closed.
  zmq::context_t context(1);
  context.set(zmq::ctxopt::max_sockets, static_cast<int>(3 * kMaxOpen));

  WorkerOptions options;
  options.endpoint = router.endpoint();
  options.server_public_key = server_keys.public_z85;
  options.naming.schools = kReports;
  options.schedule = Schedule{kReports, Pace::kBurst, 0, Micros{1}};  // all due at once
  options.max_open = kMaxOpen;
  options.zone = date::locate_zone("Asia/Shanghai");
  const int before = OpenDescriptors();
  DescriptorCountingClock clock;

  const LoadStats stats = RunWorker(context, options, clock, [&] { return clock.Now(); });

  EXPECT_EQ(stats.acked(), static_cast<uint64_t>(kReports));
  EXPECT_EQ(stats.errors.total(), 0u);
  EXPECT_EQ(stats.connections, static_cast<uint64_t>(kReports)) << "one connection per report";
  EXPECT_EQ(router.received(), kReports);
  // Most of the 196 reports after the first four find the slots of the connection
  // just closed still taken (about 120 here): the wait was exercised, not skipped.
  EXPECT_GT(stats.socket_waits, 0u);
  // Each open connection holds five descriptors in this process (three mailboxes, the
  // TCP connection and the ROUTER's end of it), and connections just closed keep their
  // TCP ends until the I/O threads have seen the close: 8 per slot allows for both;
  // 8 more for the worker's epoll and the context's I/O and reaper threads. A
  // connection not released would add up over the 200 reports, far beyond.
  EXPECT_LE(clock.peak(), before + 8 + 8 * static_cast<int>(kMaxOpen))
      << "descriptors before the run: " << before;
}

}  // namespace
}  // namespace pingan::agent::loadgen
