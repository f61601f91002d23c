// Memory for libzmq's CURVE handshake buffers without system calls per allocation.
//
// libzmq (Debian's is built with libsodium) allocates the plaintext of each CURVE
// handshake command (HELLO, WELCOME, INITIATE, READY: ephemeral keys and metadata) with
// sodium_allocarray and frees it with sodium_free: each block a mapping of its own, with
// guard pages, locked, dump-excluded and unmapped again. Six blocks a connection, about
// 60 system calls, and every unmap a TLB shootdown across the process's threads: a
// fifth of pingand's CPU per fresh connection (docs/performance.md, "Fresh connections").
//
// A program linking curve_memory.cc defines sodium_allocarray and sodium_free itself;
// the dynamic linker binds libzmq's calls to an executable's own definitions first.
// They pass everything on to libsodium until UseCurveMemoryArena() is called. Blocks up to
// SecureArena::kLargest come from a SecureArena: slots in pages that are locked (mlock: never
// swapped, as far as RLIMIT_MEMLOCK allows) and excluded from core dumps, wiped (sodium_memzero)
// when freed, then reused. A block freed twice, or a pointer into a slot that is not a block handed
// out, stops the process (as libsodium's canary check would). What is given up: the guard page
// behind each block and the canary before it (an overrun inside libzmq would reach the
// next slot instead of faulting), and the unmapping on free (a use after free would
// read a wiped or reused slot instead of faulting). Larger blocks, pointers from
// elsewhere, and everything when PINGAN_CURVE_MEMORY=guarded is set in the environment
// go to libsodium as before.
//
// Thread safety: SecureArena and the functions here may be called from any thread
// (libzmq's I/O threads allocate); one mutex guards an arena.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include <boost/unordered/unordered_flat_map.hpp>

namespace pingan::wire {

class SecureArena {
 public:
  static constexpr size_t kSmallest = 16;   // bytes of the smallest slot
  static constexpr size_t kLargest = 4096;  // bytes of the largest slot

  // `chunk_bytes`: a power of two, at least kLargest; the unit in which pages are
  // mapped and locked. Chunks are kept until the arena is destroyed, so the arena holds
  // what the most handshakes at once needed (about 700 bytes each).
  explicit SecureArena(size_t chunk_bytes = 64 * 1024);
  ~SecureArena();
  SecureArena(const SecureArena&) = delete;
  SecureArena& operator=(const SecureArena&) = delete;

  // A wiped block of at least `bytes`, aligned to 16; nullptr if `bytes` is zero or
  // above kLargest, or no page could be mapped.
  void* Allocate(size_t bytes);
  // Wipes and takes back a block Allocate returned; false (and nothing done) for a
  // pointer outside the arena's chunks. Aborts on a block freed twice or a pointer into
  // a chunk that is not a block handed out: memory misuse by the caller.
  bool Free(void* block);

  struct Stats {
    uint64_t allocations = 0;    // blocks handed out, ever
    uint64_t bytes_in_use = 0;   // in slots handed out and not yet freed
    uint64_t bytes_mapped = 0;   // in chunks
    uint64_t lock_failures = 0;  // chunks mlock refused (RLIMIT_MEMLOCK): may be swapped
  };
  Stats stats() const;

 private:
  static constexpr int kClasses = 9;  // 16, 32, ..., 4096 bytes
  static int ClassOf(size_t bytes);
  static size_t SlotBytes(int size_class) { return kSmallest << size_class; }
  // The chunk an address would lie in (chunks are aligned to their size).
  uintptr_t ChunkBase(uintptr_t address) const { return address & ~(uintptr_t{chunk_bytes_} - 1); }
  bool AddChunk(int size_class);  // mu_ held

  // A chunk holds slots of one size class; a bit per slot says it is handed out.
  struct Chunk {
    uint8_t size_class = 0;
    std::unique_ptr<uint64_t[]> in_use;
  };

  const size_t chunk_bytes_;
  mutable std::mutex mu_;
  boost::unordered_flat_map<uintptr_t, Chunk> chunks_;  // by base address
  // Freed slots, linked through their first bytes (so that freeing allocates nothing).
  void* free_[kClasses] = {};
  struct Bump {
    char* next = nullptr;
    char* end = nullptr;
  } bump_[kClasses];
  Stats stats_;
};

// Routes libzmq's CURVE allocations in this process to a process-wide SecureArena
// (unless PINGAN_CURVE_MEMORY=guarded). Call it in main(), before any ZeroMQ socket
// (blocks allocated before stay libsodium's). Returns false when the environment asked
// for libsodium's guarded blocks.
bool UseCurveMemoryArena();

struct CurveMemoryStats {
  SecureArena::Stats arena;
  uint64_t guarded_allocations = 0;  // blocks libsodium allocated (large, or arena off)
};
CurveMemoryStats CurveMemoryFigures();

}  // namespace pingan::wire
