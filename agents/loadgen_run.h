// Load generator run: spreads the workers over --processes forked processes of
// --threads threads each (one core-bound client must not be what limits the figure:
// CURVE's crypto runs in each process's ZeroMQ I/O threads), starts them together and
// merges what they saw.
//
// Every worker first connects (open mode) and reports ready; once all are, the parent
// picks one start instant on CLOCK_MONOTONIC and hands it to every process through a
// pipe; each child sends its merged LoadStats back as JSON on another pipe. Call
// RunLoad from a process without threads or ZeroMQ contexts (it forks).
#pragma once

#include <string>

#include "agents/loadgen_stats.h"
#include "agents/loadgen_worker.h"

namespace pingan::agent::loadgen {

struct RunOptions {
  WorkerOptions worker;    // worker/workers/open_connections are set per worker
  int processes = 1;       // 1: the threads run in this process (no fork)
  int threads = 1;         // per process
  size_t connections = 0;  // open mode: connections held in all (0: fresh mode)
  int io_threads = 1;      // ZeroMQ I/O threads per process
};

// "" when usable, else what is wrong.
std::string CheckRunOptions(const RunOptions& options);

// This worker's share of `total` connections (open mode).
size_t ConnectionShare(size_t total, int worker, int workers);

// Runs the load and returns the merged stats. Throws std::runtime_error when a worker
// process fails (its error is on stderr).
LoadStats RunLoad(const RunOptions& options);

}  // namespace pingan::agent::loadgen
