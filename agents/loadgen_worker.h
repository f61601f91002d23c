// Load generator worker: one thread playing its share of the simulated schools the way
// deployed agents behave. Each report is an all-clear built and encoded by the agent's
// own code (BuildAllClear, wire::EncodeReportFrame) and sent over the agent's own
// DaemonConnection (DEALER, CURVE with the school's key), then the worker waits for
// its ack up to the ack timeout.
//
// Fresh mode (the agents' real pattern): every report opens a connection for its
// school, sends, waits for the ack and closes; its latency includes the TCP and CURVE
// handshakes. At most max_open are open at once; a report that finds ZeroMQ with no
// socket free (a closed connection's sockets are released only once the context's
// reaper thread has destroyed them) waits for one, counted in socket_waits.
// Open mode: the worker first connects its share of --connections schools and keeps
// them open, then sends each report over one of them (round robin) as that school;
// latency is then the daemon's ingest and commit path alone.
//
// Times come from a MonoClock (microseconds, monotonic); the only wall-clock wait is the
// socket poll, at most 10 ms at a time. Threading: one thread per worker, which owns its
// sockets; workers of one process share a zmq::context_t.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <date/tz.h>
#include <zmq.hpp>

#include "agents/loadgen_keys.h"
#include "agents/loadgen_schedule.h"
#include "agents/loadgen_stats.h"

namespace pingan::agent::loadgen {

class MonoClock {
 public:
  virtual ~MonoClock() = default;
  virtual Micros Now() const = 0;
};

// CLOCK_MONOTONIC (std::chrono::steady_clock): one clock for all processes of a machine.
class SteadyMonoClock final : public MonoClock {
 public:
  Micros Now() const override {
    return std::chrono::duration_cast<Micros>(std::chrono::steady_clock::now().time_since_epoch());
  }
};

struct WorkerOptions {
  std::string endpoint;
  std::string server_public_key;  // the daemon's Z85 public key
  FleetNaming naming;             // schools and their keys
  Schedule schedule;              // every worker's reports; this one sends its share
  int worker = 0;
  int workers = 1;
  size_t open_connections = 0;  // 0: fresh mode; else this worker's share, held open
  Micros ack_timeout = std::chrono::seconds{10};
  Micros connect_timeout = std::chrono::seconds{30};  // open mode: all connected by then
  size_t max_open = 2000;                 // fresh mode: connections at once (sends wait beyond it)
  const date::time_zone* zone = nullptr;  // for the all-clear's covered date (today)
};

// Connects (open mode), then calls `ready`, which blocks until every worker is ready
// and returns the common start instant; sends on schedule from there and returns once
// every report was answered or timed out.
LoadStats RunWorker(zmq::context_t& context, const WorkerOptions& options, const MonoClock& clock,
                    const std::function<Micros()>& ready);

}  // namespace pingan::agent::loadgen
