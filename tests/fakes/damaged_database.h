// MakeDatabaseWithADamagedMiddlePage: a pingan database whose header, schema and last
// pages are sound but one page in the middle of the audit log's table is overwritten
// with garbage: the writer appends past it and a plain open does not notice it, only a
// check that reads the whole file does (the case of 47,845 reports acked into a
// database failing integrity_check).
#pragma once

#include <fstream>
#include <string>

#include "daemon/store/database.h"

namespace pingan::testing {

inline void MakeDatabaseWithADamagedMiddlePage(const std::string& path) {
  int64_t pages = 0;
  int64_t page_size = 0;
  {
    store::Database db(path);
    db.sql().exec("PRAGMA journal_mode=DELETE");  // everything in the main file
    db.sql().exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
        "INSERT INTO audit_log (at_ms, actor, action, object, detail) "
        "SELECT i, 'test', 'filler', 'x', printf('%.200c', 'x') FROM n");
    pages = db.sql().execAndGet("PRAGMA page_count").getInt64();
    page_size = db.sql().execAndGet("PRAGMA page_size").getInt64();
  }
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp((pages / 2) * page_size);
  const std::string garbage(static_cast<size_t>(page_size), '\xA5');
  file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

}  // namespace pingan::testing
