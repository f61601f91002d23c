// Conversions between core's time values and SQLite parameters and columns, shared by
// the repositories. Internal to daemon/store (SQLite types never leave it): instants are
// stored as Unix milliseconds, an absent instant as NULL.
//
// Threading: free functions without state.
#pragma once

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>

#include "daemon/core/clock.h"

namespace pingan::store {

inline int64_t Ms(core::Instant t) {
  return core::ToUnixMillis(t);
}

inline std::optional<int64_t> Ms(const std::optional<core::Instant>& t) {
  if (!t) return std::nullopt;
  return Ms(*t);
}

// Binds the value, or NULL when there is none.
inline void BindOptional(SQLite::Statement& s, int index, const std::optional<int64_t>& v) {
  if (v)
    s.bind(index, *v);
  else
    s.bind(index);
}

inline core::Instant ColumnInstant(const SQLite::Column& c) {
  return core::FromUnixMillis(c.getInt64());
}

inline std::optional<core::Instant> ColumnOptionalInstant(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return ColumnInstant(c);
}

}  // namespace pingan::store
