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

#include <cstdint>
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

// The ZeroMQ sockets one worker process may hold: as many as its descriptor limit
// allows (a connection is three sockets and four descriptors: three mailboxes and the
// TCP connection), less a reserve for the rest of the process, at most the context's
// own `zmq_socket_limit`. Not derived from --max-open: zmq_close is asynchronous, and a
// closed connection's sockets keep their slots until the context's reaper thread has
// destroyed them; a cap of exactly --max-open's sockets was reached with fewer
// connections open, and the EMFILE ("Too many open files") stopped every worker. A
// fresh report that finds no socket free now waits for the reaper (socket_waits).
int ContextSocketCap(uint64_t fd_limit, int threads, int io_threads, int zmq_socket_limit);

// This worker's share of `total` connections (open mode).
size_t ConnectionShare(size_t total, int worker, int workers);

// Runs the load and returns the merged stats. Throws std::runtime_error when a worker
// process fails (its error is on stderr).
LoadStats RunLoad(const RunOptions& options);

}  // namespace pingan::agent::loadgen
