#include "daemon/console/answer_cache.h"

namespace pingan::console {

bool AnswerCache::MoveTo(uint64_t version) {
  if (version < version_) return false;
  if (version > version_) {
    entries_.clear();
    bytes_ = 0;
    version_ = version;
  }
  return true;
}

std::optional<Response> AnswerCache::Find(const std::string& key, uint64_t version) {
  std::lock_guard lock(mu_);
  auto it = MoveTo(version) ? entries_.find(key) : entries_.end();
  if (it == entries_.end()) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  return it->second;
}

void AnswerCache::Put(const std::string& key, uint64_t version, const Response& answer) {
  std::lock_guard lock(mu_);
  // An answer computed under an older version describes data that has changed since.
  if (version != version_ || answer.stream) return;
  const size_t size = key.size() + answer.body.size();
  if (entries_.size() >= max_entries_ || bytes_ + size > max_bytes_) return;
  if (entries_.emplace(key, answer).second) bytes_ += size;
}

size_t AnswerCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

uint64_t AnswerCache::hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}

uint64_t AnswerCache::misses() const {
  std::lock_guard lock(mu_);
  return misses_;
}

}  // namespace pingan::console
