// pingan-loadgen's process setup: how many ZeroMQ sockets a worker process may hold.
#include "agents/loadgen_run.h"

#include <gtest/gtest.h>

namespace pingan::agent::loadgen {
namespace {

TEST(LoadgenRun, SocketCapIsWhatTheDescriptorLimitAllows) {
  // 20,000 descriptors, 2 threads, 1 I/O thread: 64 + 6 kept aside, then four
  // descriptors for every three sockets (a connection: three mailboxes and its TCP).
  const int cap = ContextSocketCap(20000, 2, 1, 65535);
  EXPECT_EQ(cap, (20000 - 70) * 3 / 4);
  EXPECT_LE(cap / 3 * 4 + 70, 20000) << "every connection's descriptors fit";
  // --max-open 2000 on each of 2 threads is 12,000 sockets: room is left beyond them
  // for closed connections whose sockets the reaper has not destroyed yet.
  EXPECT_GT(cap, 3 * 2000 * 2);
}

TEST(LoadgenRun, SocketCapStaysWithinZeroMqAndAboveOneConnection) {
  EXPECT_EQ(ContextSocketCap(1 << 20, 1, 1, 65535), 65535);
  EXPECT_EQ(ContextSocketCap(16, 1, 1, 65535), 3);
}

}  // namespace
}  // namespace pingan::agent::loadgen
