// Memory of the per-school state pingand keeps for a nation: 520,000 schools (the
// world of bench/national_scale.h), each with an enrolled CURVE key.
//
// For each structure, the heap bytes it holds once built (glibc's mallinfo2: bytes
// handed out, so the figure does not depend on what the allocator keeps cached), divided by
// the number of schools, next to issue 15's target of 128 B a school in all. Also the
// transient cost of loading the key file (the map LoadSchoolKeys returns, freed after
// the key table is built) and the peak RSS.
//
//   school_state_bench        (a few seconds; no timing, so no baseline is needed)
#include <malloc.h>
#include <zmq.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>

#include "bench/national_scale.h"
#include "daemon/core/system_clock.h"
#include "daemon/ingest/zap_authenticator.h"

namespace {

using namespace pingan;
using namespace pingan::bench;

// Bytes handed out by malloc: from its arenas, and in blocks of their own (mmap) for
// large ones such as a table's array.
size_t HeapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// What LoadSchoolKeys returns for the national world: each school a random public key.
// Any 32 bytes encode as a key; the table does not check that they lie on the curve.
wire::SchoolKeys RandomKeys(const core::OrgTree& tree) {
  std::mt19937_64 random(15);
  wire::SchoolKeys keys;
  for (const core::Unit& unit : tree.units()) {
    if (unit.kind != core::UnitKind::kSchool) continue;
    uint64_t raw[4] = {random(), random(), random(), random()};
    char z85[41] = {};
    zmq_z85_encode(z85, reinterpret_cast<const uint8_t*>(raw), sizeof raw);
    keys.emplace(unit.id, z85);
  }
  return keys;
}

// The key table as it was until 2026-12-07 (a std::map from the 32 raw key bytes to the
// school id), for comparison.
size_t TreeOfNodesKeyTable(const wire::SchoolKeys& keys) {
  const size_t before = HeapInUse();
  std::map<std::string, std::string> table;
  for (const auto& [school, z85] : keys) {
    std::string raw(32, '\0');
    zmq_z85_decode(reinterpret_cast<uint8_t*>(raw.data()), z85.c_str());
    table.emplace(std::move(raw), school);
  }
  return HeapInUse() - before;
}

void Row(const char* what, size_t bytes) {
  std::printf("%-48s %10.1f MiB %8.1f B/school\n", what, double(bytes) / (1 << 20),
              double(bytes) / double(kSchools));
}

}  // namespace

int main() {
  size_t before = HeapInUse();
  const core::OrgTree tree = MakeTree();
  const size_t tree_bytes = HeapInUse() - before;

  before = HeapInUse();
  const core::Schedule schedule = BuildSchedule(tree);
  const size_t schedule_bytes = HeapInUse() - before;

  boost::asio::io_context io;
  zmq::context_t context;
  core::SystemClock clock;
  ingest::ZapAuthenticator zap(io, context, clock);
  size_t key_file_bytes = 0;
  size_t key_table_bytes = 0;
  size_t former_key_table_bytes = 0;
  {
    before = HeapInUse();
    const wire::SchoolKeys keys = RandomKeys(tree);
    key_file_bytes = HeapInUse() - before;
    before = HeapInUse();
    zap.SetSchoolKeys(keys);
    key_table_bytes = HeapInUse() - before;
    former_key_table_bytes = TreeOfNodesKeyTable(keys);
  }

  std::printf("%zu schools, %zu units\n\n", kSchools, tree.units().size());
  Row("organisation tree (core::OrgTree)", tree_bytes);
  Row("schedule (core::Schedule)", schedule_bytes);
  Row("key table (ingest::ZapAuthenticator)", key_table_bytes);
  Row("kept in all", tree_bytes + schedule_bytes + key_table_bytes);
  std::printf("%-48s %10s %8d B/school\n", "issue 15's target", "", 128);
  Row("transient: the loaded key file (freed)", key_file_bytes);
  Row("former key table (std::map, before 2026-12-07)", former_key_table_bytes);
  std::printf("\nRSS once the key file is freed %.1f MiB", StatusMb("VmRSS:"));
  const auto trim_start = std::chrono::steady_clock::now();
  malloc_trim(0);
  const std::chrono::duration<double, std::milli> trim =
      std::chrono::steady_clock::now() - trim_start;
  std::printf(", after malloc_trim %.1f MiB (%.1f ms)\n", StatusMb("VmRSS:"), trim.count());
  std::printf("peak RSS %.1f MiB (keys allowed: %zu)\n", PeakRssMb(), zap.allowed_keys());
  return 0;
}
