#include "daemon/core/window_tally.h"

namespace pingan::core {

std::string WindowTally::Key(std::string_view requirement_id, std::string_view window_id) {
  std::string key;
  key.reserve(requirement_id.size() + 1 + window_id.size());
  key.append(requirement_id).push_back('\x1f');  // in neither id (config checks them)
  key.append(window_id);
  return key;
}

void WindowTally::Rebind(const OrgTree* tree) {
  if (tree == tree_) return;
  tree_ = tree;
  windows_.clear();
}

bool WindowTally::Knows(std::string_view requirement_id, std::string_view window_id) const {
  return tree_ != nullptr && windows_.contains(Key(requirement_id, window_id));
}

std::vector<uint64_t>& WindowTally::Fresh(std::string_view requirement_id,
                                          std::string_view window_id) {
  std::vector<uint64_t>& bits = windows_[Key(requirement_id, window_id)];
  bits.assign(tree_ == nullptr ? 0 : (tree_->units().size() + 63) / 64, 0);
  return bits;
}

void WindowTally::Set(std::vector<uint64_t>& bits, std::string_view school_id) const {
  const Unit* unit = tree_ == nullptr ? nullptr : tree_->Find(school_id);
  if (unit == nullptr) return;
  const auto i = static_cast<size_t>(PositionOf(*unit));
  bits[i / 64] |= uint64_t{1} << (i % 64);
}

void WindowTally::Add(std::string_view requirement_id, std::string_view window_id,
                      std::string_view school_id) {
  auto it = windows_.find(Key(requirement_id, window_id));
  if (it != windows_.end()) Set(it->second, school_id);
}

void WindowTally::Forget(std::string_view requirement_id, std::string_view window_id) {
  windows_.erase(Key(requirement_id, window_id));
}

int64_t WindowTally::PositionOf(const Unit& unit) const {
  if (tree_ == nullptr || tree_->units().empty()) return -1;
  const Unit* first = tree_->units().data();
  if (&unit < first || &unit >= first + tree_->units().size()) return -1;
  return &unit - first;
}

const std::vector<uint64_t>* WindowTally::Bits(std::string_view requirement_id,
                                               std::string_view window_id) const {
  auto it = windows_.find(Key(requirement_id, window_id));
  return it == windows_.end() ? nullptr : &it->second;
}

bool WindowTally::Test(const std::vector<uint64_t>* bits, const Unit& school) const {
  const int64_t i = PositionOf(school);
  if (bits == nullptr || i < 0) return false;
  const auto at = static_cast<size_t>(i);
  return ((*bits)[at / 64] >> (at % 64)) & 1;
}

bool WindowTally::Has(std::string_view requirement_id, std::string_view window_id,
                      const Unit& school) const {
  return Test(Bits(requirement_id, window_id), school);
}

std::vector<const Unit*> WindowTally::Without(std::string_view requirement_id,
                                              std::string_view window_id,
                                              const std::vector<const Unit*>& schools) const {
  const std::vector<uint64_t>* bits = Bits(requirement_id, window_id);
  std::vector<const Unit*> out;
  for (const Unit* school : schools) {
    if (!Test(bits, *school)) out.push_back(school);
  }
  return out;
}

}  // namespace pingan::core
