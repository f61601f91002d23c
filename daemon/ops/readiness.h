// Readiness: whether pingand can do its job right now, decided from figures the daemon
// gathers (pure: no clock reads, no I/O). Each check says what is wrong in words an
// operator can act on; /readyz answers 503 with them when one fails.
//
//   store   the writer thread answered lately, its last commit or job succeeded (a full
//           disk or a locked database shows here), and the last check of the database
//           file (PRAGMA quick_check) found no damage
//   ingest  the report socket is bound and the daemon is not stopping
//   sweep   the deadline sweep completed lately (missing reports are being noticed)
//   clock   the clock has not gone back behind the time the sweep already reached
//           (a wrong clock would decide deadlines twice or never)
//
// Plain values; no threading concerns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/clock.h"

namespace pingan::ops {

struct ReadinessInputs {
  core::Instant real_now{};                    // real time (the probes' clock)
  std::optional<core::Instant> writer_answer;  // real time the writer last ran a probe
  uint64_t store_failures_in_a_row = 0;        // failed batches or jobs since the last success
  std::string store_damage;  // what the last check of the database found ("" = none)
  bool ingest_bound = false;
  bool stopping = false;
  std::optional<core::Instant> last_sweep;  // real time the last sweep completed
  core::Instant data_now{};                 // the daemon's clock (a drill clock in drills)
  std::optional<core::Instant> swept_to;    // the sweep position reached (daemon's clock)
};

struct ReadinessLimits {
  core::Millis writer_silence = std::chrono::seconds{30};
  core::Millis sweep_silence = std::chrono::seconds{120};
  core::Millis clock_tolerance = std::chrono::minutes{5};
};

struct ReadinessCheck {
  std::string name;
  bool ok = true;
  std::string detail;
};

struct Readiness {
  bool ready = true;
  std::vector<ReadinessCheck> checks;
};

Readiness EvaluateReadiness(const ReadinessInputs& in, const ReadinessLimits& limits = {});

// Whether the deadlines one sweep decided look like a report intake that is cut off (a
// firewall, a moved address, a server key the agents do not have) rather than schools
// that forgot: at least `min_owed` schools owed a report, none excused counted, and not
// one of them reported. The daemon cannot tell from inside; it says so, loudly.
bool LooksLikeSilentIntake(int owed, int missing, int excused, int min_owed);

}  // namespace pingan::ops
