#include "daemon/store/read_connections.h"

#include <stdexcept>

namespace pingan::store {

ReadConnections::ReadConnections(std::string path, size_t max_idle)
    : path_(std::move(path)), max_idle_(max_idle) {}

ReadConnections::Lease::~Lease() {
  if (db_ && owner_ != nullptr) owner_->Return(std::move(db_));
}

ReadConnections::Lease ReadConnections::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Database> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  // Opening reads the file: outside the lock, so other readers are not held up.
  auto db = std::make_unique<Database>(path_, OpenMode::kReadOnly);
  std::lock_guard lock(mu_);
  ++opened_;
  return Lease(this, std::move(db));
}

void ReadConnections::Return(std::unique_ptr<Database> db) {
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(db));
  // else: closed here (a burst of readers beyond what is worth keeping open).
}

size_t ReadConnections::idle() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

size_t ReadConnections::opened() const {
  std::lock_guard lock(mu_);
  return opened_;
}

ReadConnections::Lease ReadPool::Acquire() const {
  if (!connections_) throw std::logic_error("no database configured for reads");
  return connections_->Acquire();
}

}  // namespace pingan::store
