// DaemonConnection is three ZeroMQ sockets (the DEALER and its monitor's two PAIRs):
// with no room for all three in the context it fails as a whole (EMFILE) instead of
// connecting without its monitor, whose events explain why reports are not acked.
#include "agents/connection.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "daemon/ingest/curve_keys.h"

namespace pingan::agent {
namespace {

ConnectionSettings CurveSettings() {
  ConnectionSettings settings;
  settings.server_public_key = wire::GenerateCurveKeyPair().public_z85;
  settings.client_keys = wire::GenerateCurveKeyPair();
  return settings;
}

TEST(DaemonConnection, WithoutRoomForItsMonitorItFailsWithEmfile) {
  zmq::context_t context(1);
  context.set(zmq::ctxopt::max_sockets, 2);  // the DEALER and one PAIR; no monitor
  try {
    DaemonConnection connection(context, "tcp://127.0.0.1:1", CurveSettings());
    FAIL() << "connected without a monitor";
  } catch (const zmq::error_t& e) {
    EXPECT_EQ(e.num(), EMFILE);
  }
  // Three sockets are all it takes.
  zmq::context_t roomy(1);
  roomy.set(zmq::ctxopt::max_sockets, 3);
  DaemonConnection connection(roomy, "tcp://127.0.0.1:1", CurveSettings());
  EXPECT_EQ(connection.endpoint(), "tcp://127.0.0.1:1");
}

}  // namespace
}  // namespace pingan::agent
