// Daemon: the composition root. Wires clock, store writer, ZAP authenticator and
// report server onto one io_context, and owns their lifetimes.
//
// Threads: the io_context thread (sockets, timers, signals), the StoreWriter thread,
// and libzmq's own I/O thread. Start/Run/Stop are called from the main thread; Stop
// may also be called from a signal handler running on the io_context.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <zmq.hpp>

#include "daemon/app/config.h"
#include "daemon/core/clock.h"
#include "daemon/ingest/report_server.h"
#include "daemon/ingest/zap_authenticator.h"
#include "daemon/store/store_writer.h"

namespace pingan::app {

struct DaemonOptions {
  bool insecure_dev = false;
};

class Daemon {
 public:
  Daemon(DaemonConfig config, const core::Clock& clock, DaemonOptions options);
  ~Daemon();

  // Opens the store, loads keys, binds the ZAP handler and then the report socket.
  // Throws std::runtime_error with an operator-readable message on failure.
  std::string Start();
  // Runs the event loop until Stop.
  void Run();
  void Stop();
  // Re-reads the school key directory (SIGHUP).
  void ReloadKeys();

  boost::asio::io_context& io() { return io_; }
  const ingest::ReportServer& report_server() const { return *report_server_; }

 private:
  std::string LoadServerSecretKey();

  DaemonConfig config_;
  const core::Clock& clock_;
  DaemonOptions options_;
  boost::asio::io_context io_;
  zmq::context_t zmq_context_;
  std::unique_ptr<store::StoreWriter> writer_;
  std::unique_ptr<ingest::ZapAuthenticator> zap_;
  std::unique_ptr<ingest::ReportServer> report_server_;
};

}  // namespace pingan::app
