// The locked arena for libzmq's CURVE handshake buffers: blocks are distinct, aligned
// and wiped when freed; pointers from elsewhere are left to libsodium, a double free
// stops the process; and a real
// CURVE exchange in this process takes its buffers from the arena (the interposed
// sodium_allocarray / sodium_free are what libzmq calls) and gives them all back.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <set>
#include <zmq.hpp>

#include "daemon/ingest/curve_keys.h"
#include "daemon/ingest/curve_memory.h"

namespace pingan::wire {
namespace {

bool AllZero(const void* block, size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(block);
  return std::all_of(p, p + bytes, [](unsigned char c) { return c == 0; });
}

TEST(SecureArenaTest, BlocksAreDistinctAlignedAndLargeEnough) {
  SecureArena arena;
  std::set<char*> starts;
  std::vector<std::pair<char*, size_t>> blocks;
  for (size_t bytes : {1, 16, 17, 67, 96, 160, 227, 1000, 4096}) {
    auto* block = static_cast<char*>(arena.Allocate(bytes));
    ASSERT_NE(block, nullptr) << bytes;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(block) % 16, 0u) << bytes;
    EXPECT_TRUE(AllZero(block, bytes)) << bytes;
    std::memset(block, 0x5a, bytes);  // must not reach any other block
    blocks.emplace_back(block, bytes);
    starts.insert(block);
  }
  EXPECT_EQ(starts.size(), blocks.size());
  for (auto [block, bytes] : blocks) {
    EXPECT_TRUE(std::all_of(block, block + bytes, [](char c) { return c == 0x5a; })) << bytes;
  }
  EXPECT_EQ(arena.stats().allocations, blocks.size());
}

TEST(SecureArenaTest, AFreedBlockIsWipedBeforeItIsHandedOutAgain) {
  SecureArena arena;
  auto* secret = static_cast<char*>(arena.Allocate(96));
  std::memset(secret, 0xaa, 96);
  ASSERT_TRUE(arena.Free(secret));
  void* again = arena.Allocate(96);
  ASSERT_EQ(again, secret);          // the slot is reused, not a fresh (zero) page
  EXPECT_TRUE(AllZero(again, 128));  // the whole slot, not only what was asked for
}

TEST(SecureArenaTest, ZeroAndTooLargeRequestsAreLeftToTheCaller) {
  SecureArena arena;
  EXPECT_EQ(arena.Allocate(0), nullptr);
  EXPECT_EQ(arena.Allocate(SecureArena::kLargest + 1), nullptr);
  EXPECT_EQ(arena.stats().bytes_mapped, 0u);
}

TEST(SecureArenaTest, PointersItDidNotHandOutAreNotTaken) {
  SecureArena arena;
  void* mine = arena.Allocate(32);
  void* heap = std::malloc(32);
  int on_stack = 0;
  EXPECT_FALSE(arena.Free(heap));
  EXPECT_FALSE(arena.Free(&on_stack));
  EXPECT_TRUE(arena.Free(mine));
  std::free(heap);
}

// libsodium's canary check stops the process on these; so does the arena, since two
// handshakes sharing one buffer would mix their keys.
TEST(SecureArenaDeathTest, ABlockFreedTwiceStopsTheProcess) {
  SecureArena arena;
  void* block = arena.Allocate(64);
  ASSERT_TRUE(arena.Free(block));
  EXPECT_DEATH(arena.Free(block), "freed twice or is no block");
}

TEST(SecureArenaDeathTest, APointerThatIsNoBlockHandedOutStopsTheProcess) {
  SecureArena arena;
  auto* block = static_cast<char*>(arena.Allocate(64));
  EXPECT_DEATH(arena.Free(block + 8), "freed twice or is no block");   // inside a block
  EXPECT_DEATH(arena.Free(block + 64), "freed twice or is no block");  // never handed out
  EXPECT_TRUE(arena.Free(block));
}

TEST(SecureArenaTest, ChunksAreAddedAsNeededAndSlotsCountedBack) {
  SecureArena arena(SecureArena::kLargest);  // one 4 KiB slot per chunk
  std::vector<void*> blocks;
  for (int i = 0; i < 3; ++i) blocks.push_back(arena.Allocate(3000));
  ASSERT_EQ(std::count(blocks.begin(), blocks.end(), nullptr), 0);
  EXPECT_EQ(arena.stats().bytes_mapped, 3 * SecureArena::kLargest);
  EXPECT_EQ(arena.stats().bytes_in_use, 3 * SecureArena::kLargest);
  for (void* block : blocks) EXPECT_TRUE(arena.Free(block));
  EXPECT_EQ(arena.stats().bytes_in_use, 0u);
  EXPECT_NE(arena.Allocate(4096), nullptr);  // from the freed slots: no new chunk
  EXPECT_EQ(arena.stats().bytes_mapped, 3 * SecureArena::kLargest);
}

// One CURVE request and reply over loopback TCP, both ends in this process; the
// context is closed before returning, so every socket's handshake state is freed.
void CurveRoundTrip() {
  const CurveKeyPair server_keys = GenerateCurveKeyPair();
  const CurveKeyPair client_keys = GenerateCurveKeyPair();
  zmq::context_t context;
  {
    zmq::socket_t server(context, zmq::socket_type::router);
    server.set(zmq::sockopt::curve_server, 1);
    server.set(zmq::sockopt::curve_secretkey, server_keys.secret_z85);
    server.set(zmq::sockopt::linger, 0);
    server.set(zmq::sockopt::rcvtimeo, 10'000);
    server.bind("tcp://127.0.0.1:*");
    zmq::socket_t client(context, zmq::socket_type::dealer);
    client.set(zmq::sockopt::curve_serverkey, server_keys.public_z85);
    client.set(zmq::sockopt::curve_publickey, client_keys.public_z85);
    client.set(zmq::sockopt::curve_secretkey, client_keys.secret_z85);
    client.set(zmq::sockopt::linger, 0);
    client.set(zmq::sockopt::rcvtimeo, 10'000);
    client.connect(server.get(zmq::sockopt::last_endpoint));
    client.send(zmq::str_buffer("ping"));
    zmq::message_t routing_id, body;
    ASSERT_TRUE(server.recv(routing_id));
    ASSERT_TRUE(server.recv(body));
    EXPECT_EQ(body.to_string(), "ping");
    server.send(routing_id, zmq::send_flags::sndmore);
    server.send(zmq::str_buffer("pong"));
    zmq::message_t reply;
    ASSERT_TRUE(client.recv(reply));
    EXPECT_EQ(reply.to_string(), "pong");
  }
  context.close();  // waits for the reaper: every socket destroyed
}

// One test for the process-wide setting, so that no other test sees it half-changed.
TEST(CurveMemoryTest, LibzmqsHandshakeBuffersComeFromTheArenaUnlessGuardedIsAsked) {
  unsetenv("PINGAN_CURVE_MEMORY");
  ASSERT_TRUE(UseCurveMemoryArena());
  const CurveMemoryStats before = CurveMemoryFigures();
  CurveRoundTrip();
  const CurveMemoryStats after = CurveMemoryFigures();
  // HELLO, WELCOME, INITIATE and READY at least, on each end.
  EXPECT_GE(after.arena.allocations - before.arena.allocations, 8u);
  EXPECT_EQ(after.guarded_allocations, before.guarded_allocations);
  EXPECT_EQ(after.arena.bytes_in_use, before.arena.bytes_in_use);  // all given back

  setenv("PINGAN_CURVE_MEMORY", "guarded", 1);
  EXPECT_FALSE(UseCurveMemoryArena());
  CurveRoundTrip();
  const CurveMemoryStats guarded = CurveMemoryFigures();
  EXPECT_EQ(guarded.arena.allocations, after.arena.allocations);
  EXPECT_GE(guarded.guarded_allocations - after.guarded_allocations, 8u);

  unsetenv("PINGAN_CURVE_MEMORY");
  EXPECT_TRUE(UseCurveMemoryArena());
}

}  // namespace
}  // namespace pingan::wire
