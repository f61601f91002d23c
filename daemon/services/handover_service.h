// HandoverService: the shift hand-over sign-off (交接班) — the outgoing officer writes a
// note and signs off, the incoming officer acknowledges it — shared by the control
// socket (handover_commands.cc: handover.sign, handover.ack, handover.list) and the HTTP
// API (api/handover_routes.cc), which are thin adapters over it:
//
//   List         newest first
//   Sign         checks the note (trimmed, valid UTF-8, 1..kMaxHandoverNoteBytes), gives
//                it an id and posts it to the writer, audited "handover.sign"
//   Acknowledge  by someone other than the signer, once; audited "handover.ack"
//
// The audit entries name the hand-over, never its note (officers' working text).
// Errors throw services::ControlError: not_found (no such hand-over), refused (already
// acknowledged, or the signer acknowledging their own), bad_request (malformed input;
// messages never quote the note).
//
// Threading: methods run on a read-pool worker, several at once (never on the io
// thread); reads lease a connection of the shared read-only pool. Changes are checked
// at once and then applied by the StoreWriter (the only writer) in one transaction with
// their audit entry, checked again against the row as it is then; they are visible to
// reads once that job ran, and `on_applied` (optional) is then called on the writer
// thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/store/handover_repository.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/store_writer.h"

namespace pingan::services {

// Longest hand-over note, in bytes of UTF-8.
inline constexpr size_t kMaxHandoverNoteBytes = 4000;

struct HandoverServiceContext {
  const core::Clock& clock;  // the daemon's clock (a drill clock during drills)
  store::ReadPool reads;     // read-only connections, shared
  store::StoreWriter& writer;
  // After a change committed (writer thread), with the hand-over's id; live updates.
  std::function<void(const std::string& id)> on_applied;
};

class HandoverService {
 public:
  explicit HandoverService(HandoverServiceContext context) : c_(std::move(context)) {}

  std::vector<store::Handover> List(int limit) const;
  store::Handover Find(const std::string& id) const;
  // The hand-over as it will be stored (id, note trimmed, who, when).
  store::Handover Sign(const std::string& note, const std::string& who) const;
  // The hand-over as it will be once acknowledged.
  store::Handover Acknowledge(const std::string& id, const std::string& who) const;

 private:
  HandoverServiceContext c_;
};

}  // namespace pingan::services
