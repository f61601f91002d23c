// The commands pinganctl sends over the control channel: status, the drill clock,
// calendars, upcoming deadlines, today's ledger and the missing list. Each handler is a
// function from JSON arguments to a JSON result (the HTTP API reuses them), reading a
// read-only connection from the shared pool and the current schedule. They run on a
// read-pool worker (several at once; see docs/architecture.md, Threads).
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/core/drill_clock.h"
#include "daemon/services/control_server.h"
#include "daemon/store/read_connections.h"

namespace pingan::services {

struct ControlContext {
  const core::Clock& clock;
  core::DrillClock* drill = nullptr;  // set only when the daemon runs on a drill clock
  const config::ScheduleSource& schedules;
  store::ReadPool reads;  // read-only connections, shared
  std::function<nlohmann::json()> ingest_stats;
  std::function<void()> on_clock_moved;  // e.g. sweep at once after a drill jump
  // The escalation setup in force (null: none): the calendar shows who is told.
  config::EscalationSource escalation = nullptr;
};

void RegisterControlHandlers(ControlServer& server, const ControlContext& context);

}  // namespace pingan::services
