#include "daemon/store/handover_repository.h"

#include <SQLiteCpp/Statement.h>

namespace pingan::store {
namespace {

constexpr const char* kHandoverColumns =
    "SELECT handover_id, open_text(note), signed_by, signed_at_ms, acked_by, acked_at_ms "
    "FROM handovers ";

Handover ReadHandover(SQLite::Statement& s) {
  Handover h;
  h.id = s.getColumn(0).getString();
  h.note = s.getColumn(1).getString();
  h.signed_by = s.getColumn(2).getString();
  h.signed_at = core::FromUnixMillis(s.getColumn(3).getInt64());
  h.acked_by = s.getColumn(4).getString();
  if (!s.getColumn(5).isNull()) h.acked_at = core::FromUnixMillis(s.getColumn(5).getInt64());
  return h;
}

}  // namespace

bool HandoverRepository::Insert(const Handover& h) {
  SQLite::Statement s(db_,
                      "INSERT OR IGNORE INTO handovers (handover_id, note, signed_by, "
                      "signed_at_ms) VALUES (?1, seal_text(?2), ?3, ?4)");  // text_seal.h
  s.bind(1, h.id);
  s.bind(2, h.note);
  s.bind(3, h.signed_by);
  s.bind(4, static_cast<int64_t>(core::ToUnixMillis(h.signed_at)));
  return s.exec() == 1;
}

bool HandoverRepository::Acknowledge(const std::string& id, const std::string& who,
                                     core::Instant now) {
  SQLite::Statement s(db_,
                      "UPDATE handovers SET acked_by = ?2, acked_at_ms = ?3 "
                      "WHERE handover_id = ?1 AND acked_at_ms IS NULL");
  s.bind(1, id);
  s.bind(2, who);
  s.bind(3, static_cast<int64_t>(core::ToUnixMillis(now)));
  return s.exec() == 1;
}

std::optional<Handover> HandoverRepository::Find(const std::string& id) {
  SQLite::Statement s(db_, std::string(kHandoverColumns) + "WHERE handover_id = ?1");
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return ReadHandover(s);
}

std::vector<Handover> HandoverRepository::List(int limit) {
  SQLite::Statement s(db_, std::string(kHandoverColumns) + "ORDER BY handover_id DESC LIMIT ?1");
  s.bind(1, limit);
  std::vector<Handover> out;
  while (s.executeStep()) out.push_back(ReadHandover(s));
  return out;
}

}  // namespace pingan::store
