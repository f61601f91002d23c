#include "daemon/ingest/curve_memory.h"

#include <dlfcn.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "daemon/core/text.h"

namespace pingan::wire {

SecureArena::SecureArena(size_t chunk_bytes) : chunk_bytes_(chunk_bytes) {
  if (chunk_bytes_ < kLargest || (chunk_bytes_ & (chunk_bytes_ - 1)) != 0) {
    std::abort();  // a programming error, not input
  }
}

SecureArena::~SecureArena() {
  for (const auto& [base, chunk] : chunks_) {
    sodium_memzero(reinterpret_cast<void*>(base), chunk_bytes_);
    munlock(reinterpret_cast<void*>(base), chunk_bytes_);
    munmap(reinterpret_cast<void*>(base), chunk_bytes_);
  }
}

int SecureArena::ClassOf(size_t bytes) {
  int size_class = 0;
  while (SlotBytes(size_class) < bytes) ++size_class;
  return size_class;
}

bool SecureArena::AddChunk(int size_class) {
  // Map twice the chunk and keep the aligned part, so that a block's chunk is its
  // address rounded down: Free can tell the arena's blocks from any other pointer.
  const size_t span = 2 * chunk_bytes_;
  void* mapped = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) return false;
  const auto start = reinterpret_cast<uintptr_t>(mapped);
  const uintptr_t base = ChunkBase(start + chunk_bytes_ - 1);
  if (base > start) munmap(mapped, base - start);
  if (const uintptr_t tail = start + span - (base + chunk_bytes_); tail > 0) {
    munmap(reinterpret_cast<void*>(base + chunk_bytes_), tail);
  }
  auto* pages = reinterpret_cast<char*>(base);
  try {
    const size_t words = (chunk_bytes_ / SlotBytes(size_class) + 63) / 64;
    chunks_.emplace(base, Chunk{static_cast<uint8_t>(size_class),
                                std::make_unique<uint64_t[]>(words)});  // zeroed
  } catch (const std::bad_alloc&) {
    munmap(pages, chunk_bytes_);
    return false;  // the caller falls back to libsodium
  }
  if (mlock(pages, chunk_bytes_) != 0 && stats_.lock_failures++ == 0) {
    spdlog::warn(
        "CURVE memory: pages for handshake keys could not be locked ({}; raise "
        "LimitMEMLOCK): they may be swapped out",
        std::strerror(errno));
  }
  madvise(pages, chunk_bytes_, MADV_DONTDUMP);
  bump_[size_class] = Bump{pages, pages + chunk_bytes_};
  stats_.bytes_mapped += chunk_bytes_;
  return true;
}

void* SecureArena::Allocate(size_t bytes) {
  if (bytes == 0 || bytes > kLargest) return nullptr;
  const int size_class = ClassOf(bytes);
  std::lock_guard lock(mu_);
  char* block = nullptr;
  if (free_[size_class] != nullptr) {
    block = static_cast<char*>(free_[size_class]);  // wiped when freed, but for the link
    std::memcpy(&free_[size_class], block, sizeof(void*));
    sodium_memzero(block, sizeof(void*));
  } else {
    Bump& bump = bump_[size_class];
    if (bump.next == bump.end && !AddChunk(size_class)) return nullptr;
    block = bump.next;  // fresh anonymous pages read as zero
    bump.next += SlotBytes(size_class);
  }
  const uintptr_t address = reinterpret_cast<uintptr_t>(block);
  const uintptr_t base = ChunkBase(address);
  Chunk& chunk = chunks_.find(base)->second;
  const size_t slot = (address - base) / SlotBytes(size_class);
  chunk.in_use[slot / 64] |= uint64_t{1} << (slot % 64);
  ++stats_.allocations;
  stats_.bytes_in_use += SlotBytes(size_class);
  return block;
}

bool SecureArena::Free(void* block) {
  const auto address = reinterpret_cast<uintptr_t>(block);
  const uintptr_t base = ChunkBase(address);
  std::lock_guard lock(mu_);
  const auto found = chunks_.find(base);
  if (found == chunks_.end()) return false;
  Chunk& chunk = found->second;
  const int size_class = chunk.size_class;
  const size_t offset = address - base;
  const size_t slot = offset / SlotBytes(size_class);
  const uint64_t bit = uint64_t{1} << (slot % 64);
  if (offset % SlotBytes(size_class) != 0 || (chunk.in_use[slot / 64] & bit) == 0) {
    // libsodium would stop here too (its canary check): freeing twice, or a pointer
    // that is no block, means the caller's memory is already wrong.
    std::fputs("pingan: a CURVE buffer was freed twice or is no block of the arena\n", stderr);
    std::abort();
  }
  chunk.in_use[slot / 64] &= ~bit;
  sodium_memzero(block, SlotBytes(size_class));
  std::memcpy(block, &free_[size_class], sizeof(void*));
  free_[size_class] = block;
  stats_.bytes_in_use -= SlotBytes(size_class);
  return true;
}

SecureArena::Stats SecureArena::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

namespace {

// Off until main() asks: until then every block is libsodium's.
std::atomic<bool> g_arena_on{false};
std::atomic<uint64_t> g_guarded{0};

SecureArena& Arena() {
  static SecureArena* const arena = new SecureArena();  // never destroyed: libzmq's I/O
  return *arena;                                        // threads may outlive main()
}

// libsodium's own functions, which the definitions below hide from libzmq.
struct Sodium {
  using AllocArray = void* (*)(size_t, size_t);
  using Free = void (*)(void*);
  AllocArray allocarray = reinterpret_cast<AllocArray>(dlsym(RTLD_NEXT, "sodium_allocarray"));
  Free free = reinterpret_cast<Free>(dlsym(RTLD_NEXT, "sodium_free"));
};

const Sodium& RealSodium() {
  static const Sodium sodium = [] {
    Sodium found;
    if (found.allocarray == nullptr || found.free == nullptr) {
      // libzmq's calls come here whatever happens: without libsodium's own functions
      // nothing could be freed safely. libsodium is a dependency of libzmq, so this
      // means a broken installation.
      std::fputs("pingan: libsodium's sodium_allocarray/sodium_free not found\n", stderr);
      std::abort();
    }
    return found;
  }();
  return sodium;
}

}  // namespace

bool UseCurveMemoryArena() {
  const char* setting = std::getenv("PINGAN_CURVE_MEMORY");
  const bool guarded = setting != nullptr && std::strcmp(setting, "guarded") == 0;
  if (setting != nullptr && *setting != '\0' && !guarded && std::strcmp(setting, "arena") != 0) {
    spdlog::warn("PINGAN_CURVE_MEMORY={}: not 'guarded' or 'arena'; using the arena",
                 core::LogSafe(setting, 40));
  }
  (void)RealSodium();  // found now, or the process stops here rather than later
  g_arena_on.store(!guarded);
  return !guarded;
}

CurveMemoryStats CurveMemoryFigures() {
  return CurveMemoryStats{Arena().stats(), g_guarded.load()};
}

}  // namespace pingan::wire

// The definitions libzmq's calls bind to (see curve_memory.h). Same contract as
// libsodium's: nullptr with errno ENOMEM on overflow or when nothing can be had.
extern "C" void* sodium_allocarray(size_t count, size_t size) {
  using namespace pingan::wire;
  if (count > 0 && size > std::numeric_limits<size_t>::max() / count) {
    errno = ENOMEM;
    return nullptr;
  }
  if (g_arena_on.load(std::memory_order_relaxed)) {
    if (void* block = Arena().Allocate(count * size)) return block;
  }
  g_guarded.fetch_add(1, std::memory_order_relaxed);
  return RealSodium().allocarray(count, size);
}

extern "C" void sodium_free(void* block) {
  using namespace pingan::wire;
  if (block == nullptr) return;
  // Arena blocks are told by address, so a block stays the arena's even if the setting
  // changed after it was handed out.
  if (Arena().Free(block)) return;
  RealSodium().free(block);
}
