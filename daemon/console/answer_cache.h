// AnswerCache: the last answers of expensive read routes (the board and its drill-down),
// kept while the data they were computed from is unchanged. Every console page re-reads
// the board after each live event; with 20,000 schools one board costs tens of
// milliseconds of the single io thread, so fifty open pages would otherwise compute the
// same answer fifty times in a row.
//
// Validity is a "data version" the caller supplies with every lookup (ApiBackend::
// data_version: it moves whenever an event is published, the organisation is reloaded
// or the daemon's clock enters a new minute). An entry answers only lookups with the
// version it was stored under; the first lookup with a newer version empties the cache.
// The key must hold everything else the answer depends on: the route, its normalised
// query and the viewer's scope (see overview_routes.cc). Bounded by entry count and
// bytes: when full, new answers are simply not kept until the version moves.
//
// Threading: thread-safe (the board routes run on the read pool, several at once).
// Versions only move forward: a lookup with an older version than the newest seen (a
// reader that started before a change) misses without emptying the cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "daemon/console/http_types.h"

namespace pingan::console {

class AnswerCache {
 public:
  AnswerCache(size_t max_entries, size_t max_bytes)
      : max_entries_(max_entries), max_bytes_(max_bytes) {}

  // The answer stored under `key` at `version`; nullopt otherwise. A version other than
  // the stored one (newer data) drops every entry.
  std::optional<Response> Find(const std::string& key, uint64_t version);
  // Keeps `answer` for `key` at `version`, unless the cache is full or has moved on.
  void Put(const std::string& key, uint64_t version, const Response& answer);

  size_t size() const;
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  // With mu_ held: empties the cache for a newer version; false for an older one.
  bool MoveTo(uint64_t version);

  mutable std::mutex mu_;

  size_t max_entries_;
  size_t max_bytes_;
  uint64_t version_ = 0;
  size_t bytes_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
  std::unordered_map<std::string, Response> entries_;
};

}  // namespace pingan::console
