// ReadConnections: long-lived read-only connections to the database, lent out one per
// query so that a read costs a query, not the opening of a file (open, schema check,
// WAL index mapping) each time.
//
// SQLite connections are used by one thread at a time: a Lease is that thread's for
// as long as it lives and goes back to the idle list when destroyed. At most
// `max_idle` connections are kept; more may be open while many readers run at once
// (they are bounded by the worker pools that run the reads). A connection is opened
// lazily, on the first lease that finds none idle, so a daemon whose console nobody
// uses opens none.
//
// ReadPool is the copyable handle the query contexts hold: every copy shares one set of
// connections. It converts from a database path so that a context can be built from
// the path alone (tests); the daemon makes one and hands it to everything that reads.
//
// Threading: Acquire() and Lease destruction may run on any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/store/database.h"

namespace pingan::store {

class ReadConnections {
 public:
  explicit ReadConnections(std::string path, size_t max_idle = 8);

  class Lease {
   public:
    Lease(ReadConnections* owner, std::unique_ptr<Database> db)
        : owner_(owner), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Database& db() { return *db_; }
    // A lease stands for its connection wherever a repository wants a Database.
    operator Database&() { return *db_; }  // NOLINT: implicit on purpose

   private:
    ReadConnections* owner_;
    std::unique_ptr<Database> db_;
  };

  // An idle connection, or a new one. Throws std::runtime_error (naming the path) when
  // the database cannot be opened.
  Lease Acquire();
  const std::string& path() const { return path_; }
  size_t idle() const;
  size_t opened() const;  // connections opened so far (for tests and metrics)

 private:
  void Return(std::unique_ptr<Database> db);

  const std::string path_;
  const size_t max_idle_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Database>> idle_;
  size_t opened_ = 0;
};

class ReadPool {
 public:
  ReadPool() = default;              // no database: Acquire() throws
  ReadPool(const std::string& path)  // NOLINT: implicit on purpose, see above
      : connections_(std::make_shared<ReadConnections>(path)) {}
  ReadPool(const char* path) : ReadPool(std::string(path)) {}  // NOLINT
  explicit ReadPool(std::shared_ptr<ReadConnections> shared) : connections_(std::move(shared)) {}

  ReadConnections::Lease Acquire() const;
  bool configured() const { return connections_ != nullptr; }
  std::string path() const { return connections_ ? connections_->path() : ""; }

 private:
  std::shared_ptr<ReadConnections> connections_;
};

}  // namespace pingan::store
