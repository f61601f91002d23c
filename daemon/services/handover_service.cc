#include "daemon/services/handover_service.h"

#include <spdlog/spdlog.h>

#include "daemon/core/text.h"
#include "daemon/jobs/ids.h"
#include "daemon/services/control_server.h"
#include "daemon/services/query_support.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/write_transaction.h"

namespace pingan::services {
namespace {

// Longest actor name, in bytes (as for case owners and exemptions).
std::string Note(const std::string& raw) {
  std::string note(core::TrimSpace(raw));
  if (note.empty()) throw ControlError("bad_request", "the hand-over note must not be empty");
  if (!core::IsValidUtf8(note) || note.size() > kMaxHandoverNoteBytes) {
    throw ControlError("bad_request", "the hand-over note must be valid UTF-8 of at most " +
                                          std::to_string(kMaxHandoverNoteBytes) + " bytes");
  }
  return note;
}

}  // namespace

std::vector<store::Handover> HandoverService::List(int limit) const {
  auto db = c_.reads.Acquire();
  return store::HandoverRepository(db).List(limit);
}

store::Handover HandoverService::Find(const std::string& id) const {
  auto db = c_.reads.Acquire();
  auto h = store::HandoverRepository(db).Find(id);
  if (!h) throw ControlError("not_found", "no hand-over " + id);
  return std::move(*h);
}

store::Handover HandoverService::Sign(const std::string& note, const std::string& who) const {
  const core::Instant now = c_.clock.Now();
  store::Handover h{jobs::NewId(now), Note(note), ActorNameArg(who), now, "", std::nullopt};
  c_.writer.Post([h, on_applied = c_.on_applied](store::Database& db) {
    store::WriteTransaction tx(db);
    if (!store::HandoverRepository(db).Insert(h)) {
      spdlog::warn("hand-over {} exists already: not stored again", h.id);
      return;
    }
    store::AppendAudit(db, {h.signed_at, "user:" + h.signed_by, "handover.sign", h.id, ""});
    tx.Commit();
    if (on_applied) on_applied(h.id);
  });
  return h;
}

store::Handover HandoverService::Acknowledge(const std::string& id, const std::string& who) const {
  store::Handover h = Find(id);
  const std::string by = ActorNameArg(who);
  if (h.acknowledged()) throw ControlError("refused", "hand-over " + id + " is acknowledged");
  if (by == h.signed_by) {
    throw ControlError("refused", "the incoming officer acknowledges a hand-over, not its signer");
  }
  h.acked_by = by;
  h.acked_at = c_.clock.Now();
  c_.writer.Post([id, by, at = *h.acked_at, on_applied = c_.on_applied](store::Database& db) {
    store::WriteTransaction tx(db);
    if (!store::HandoverRepository(db).Acknowledge(id, by, at)) {
      spdlog::warn("hand-over {}: acknowledgement not applied (acknowledged already)", id);
      return;
    }
    store::AppendAudit(db, {at, "user:" + by, "handover.ack", id, ""});
    tx.Commit();
    if (on_applied) on_applied(id);
  });
  return h;
}

}  // namespace pingan::services
