// Commands: what each pingan-agent subcommand does, apart from parsing the command line
// (main.cc). Kept in the library so that tests can run them against a FakeClock and an
// in-test daemon.
//
// Exit codes: 0 spooled or delivered, 1 configuration or system problem (nothing
// spooled), 2 refused locally (bad input; nothing spooled), 3 rejected by the daemon.
// Output for people goes to `out`, problems to `err`; neither ever contains incident
// summary text. Each function runs on the calling thread.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "agents/agent_config.h"
#include "agents/report_builder.h"
#include "daemon/core/clock.h"

namespace pingan::agent {

enum ExitCode { kExitOk = 0, kExitFailure = 1, kExitRefused = 2, kExitRejected = 3 };

struct CommandIo {
  std::ostream& out;
  std::ostream& err;
  const core::Clock& clock;
  // Waits up to the given time (the caller's clock) for a reason to stop; returns true
  // when the command should stop (SIGINT/SIGTERM in `run`). Submitting commands use it
  // to pause between delivery attempts and ignore the result.
  std::function<bool(core::Millis)> wait;
};

// keygen: writes BASE.key (0600) and BASE.pub; refuses to overwrite either.
int RunKeygen(const std::string& base, CommandIo& io);

// all-clear / incident / monthly: build (refusing bad input), spool, then try to
// deliver for up to `wait`, and print the outcome.
using ReportFactory = std::function<BuildResult(const ReportContext&)>;
int SubmitReport(const AgentConfig& config, const ReportFactory& build, core::Millis wait,
                 CommandIo& io);

// status: counts per state, oldest pending, the last `last` reports.
int ShowStatus(const AgentConfig& config, bool json, size_t last, CommandIo& io);

// run: service mode until io.wait says stop. Flushes the spool, picks up reports
// spooled by other processes (checks every `poll_interval`), purges old acked rows.
int RunService(const AgentConfig& config, core::Millis poll_interval, CommandIo& io);

}  // namespace pingan::agent
