// HandoverRepository: shift hand-overs (交接班) as stored — the outgoing officer's note
// and sign-off, and the incoming officer's acknowledgement; never deleted. The note may
// name people, so it is sealed at rest as incident text is (text_seal.h). Thin SQL over
// one connection; writes run inside the caller's transaction. One thread at a time (the
// writer's connection, or a leased read-only one for the reads).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/store/database.h"

namespace pingan::store {

struct Handover {
  std::string id;  // UUIDv7: sorts by signing time
  std::string note;
  std::string signed_by;
  core::Instant signed_at{};
  std::string acked_by;  // "" until acknowledged
  std::optional<core::Instant> acked_at;
  bool acknowledged() const { return acked_at.has_value(); }
};

class HandoverRepository {
 public:
  explicit HandoverRepository(Database& db) : db_(db.sql()) {}

  // False when the id exists already.
  bool Insert(const Handover& h);
  // Marks it acknowledged; false when there is no such hand-over or it was acknowledged.
  bool Acknowledge(const std::string& id, const std::string& who, core::Instant now);
  std::optional<Handover> Find(const std::string& id);
  // Newest first.
  std::vector<Handover> List(int limit);

 private:
  SQLite::Database& db_;
};

}  // namespace pingan::store
