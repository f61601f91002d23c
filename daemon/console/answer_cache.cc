#include "daemon/console/answer_cache.h"

namespace pingan::console {

void AnswerCache::MoveTo(uint64_t version) {
  if (version == version_) return;
  entries_.clear();
  bytes_ = 0;
  version_ = version;
}

std::optional<Response> AnswerCache::Find(const std::string& key, uint64_t version) {
  MoveTo(version);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  return it->second;
}

void AnswerCache::Put(const std::string& key, uint64_t version, const Response& answer) {
  // An answer computed under an older version describes data that has changed since.
  if (version != version_ || answer.stream) return;
  const size_t size = key.size() + answer.body.size();
  if (entries_.size() >= max_entries_ || bytes_ + size > max_bytes_) return;
  if (entries_.emplace(key, answer).second) bytes_ += size;
}

}  // namespace pingan::console
