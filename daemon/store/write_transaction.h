// WriteTransaction: one write transaction on a store::Database, so code outside
// daemon/store groups repository writes atomically without touching SQLite types.
// Begins on construction; Commit() makes the writes durable; destroying it without
// Commit() rolls back (an exception thrown mid-job leaves nothing half-written).
//
// Threading: lives on the thread that owns the Database (the StoreWriter thread for
// jobs); never shared or moved between threads.
#pragma once

#include <SQLiteCpp/Transaction.h>

#include "daemon/store/database.h"

namespace pingan::store {

class WriteTransaction {
 public:
  explicit WriteTransaction(Database& db) : tx_(db.sql()) {}
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void Commit() { tx_.commit(); }

 private:
  SQLite::Transaction tx_;
};

}  // namespace pingan::store
