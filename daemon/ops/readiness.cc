#include "daemon/ops/readiness.h"

#include <fmt/format.h>

namespace pingan::ops {
namespace {

long long Seconds(core::Millis d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

ReadinessCheck StoreCheck(const ReadinessInputs& in, const ReadinessLimits& limits) {
  if (!in.writer_answer) return {"store", false, "the store thread has not answered yet"};
  const core::Millis silent = in.real_now - *in.writer_answer;
  if (silent > limits.writer_silence) {
    return {"store", false,
            fmt::format("the store thread has not answered for {} s", Seconds(silent))};
  }
  if (in.store_failures_in_a_row > 0) {
    return {"store", false,
            fmt::format("the last {} store transactions failed (disk full? see the log)",
                        in.store_failures_in_a_row)};
  }
  if (!in.store_damage.empty()) {
    return {"store", false,
            "the database file is damaged (" + in.store_damage +
                "): stop pingand and restore the last backup (docs/operations.md)"};
  }
  return {"store", true, "writable"};
}

ReadinessCheck IngestCheck(const ReadinessInputs& in) {
  if (in.stopping) return {"ingest", false, "stopping: no new reports are read"};
  if (!in.ingest_bound) return {"ingest", false, "the report socket is not bound"};
  return {"ingest", true, "listening"};
}

ReadinessCheck SweepCheck(const ReadinessInputs& in, const ReadinessLimits& limits) {
  if (!in.last_sweep) return {"sweep", false, "the deadline sweep has not run yet"};
  const core::Millis silent = in.real_now - *in.last_sweep;
  if (silent > limits.sweep_silence) {
    return {"sweep", false,
            fmt::format("no deadline sweep completed for {} s: missing reports go unnoticed",
                        Seconds(silent))};
  }
  return {"sweep", true, "running"};
}

ReadinessCheck ClockCheck(const ReadinessInputs& in, const ReadinessLimits& limits) {
  if (in.swept_to && in.data_now + limits.clock_tolerance < *in.swept_to) {
    return {"clock", false,
            fmt::format("the clock is {} s behind the time the deadline sweep already reached: "
                        "it was set back, or the database comes from a machine ahead of this one",
                        Seconds(*in.swept_to - in.data_now))};
  }
  return {"clock", true, "not behind the sweep"};
}

}  // namespace

Readiness EvaluateReadiness(const ReadinessInputs& in, const ReadinessLimits& limits) {
  Readiness out;
  out.checks = {StoreCheck(in, limits), IngestCheck(in), SweepCheck(in, limits),
                ClockCheck(in, limits)};
  for (const ReadinessCheck& check : out.checks) out.ready = out.ready && check.ok;
  return out;
}

bool LooksLikeSilentIntake(int owed, int missing, int excused, int min_owed) {
  const int expected = owed - excused;
  return expected >= min_owed && expected > 0 && missing >= expected;
}

}  // namespace pingan::ops
