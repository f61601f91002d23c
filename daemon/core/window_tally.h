// WindowTally: for each reporting window still to be decided, which schools of one
// organisation tree already have a ledger row, one bit per unit of the tree. It lets the
// deadline sweep find a national deadline's missing schools in memory (a pass over the
// due schools, about a millisecond for 520,000) instead of reading the window's 510,000
// ledger rows back from the database (about half a second).
//
// The tally is a cache of the ledger, never a source: a window it does not know is
// loaded from the ledger first (Load), and bits are only added for rows that were
// committed (the writer's LedgerRecorder applies a batch's rows after its commit). So a
// set bit always stands for a stored row, and the worst a missing bit can cause is a
// candidate that the sweep's insert finds already recorded (no alert; counted).
//
// Pure: no I/O, no clock. Threading: one thread (the StoreWriter's).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/core/org_tree.h"

namespace pingan::core {

class WindowTally {
 public:
  // The tree the bits index (its units() positions). Empty until Rebind.
  WindowTally() = default;

  // Indexes `tree` from now on; drops every window when it is another tree than before
  // (a reloaded organisation: positions changed). The tree must outlive its use here.
  void Rebind(const OrgTree* tree);
  const OrgTree* tree() const { return tree_; }

  bool Knows(std::string_view requirement_id, std::string_view window_id) const;
  // The window's rows as the ledger has them now (ids not in the tree are ignored).
  template <class Ids>
  void Load(std::string_view requirement_id, std::string_view window_id, const Ids& school_ids) {
    std::vector<uint64_t>& bits = Fresh(requirement_id, window_id);
    for (const auto& id : school_ids) Set(bits, id);
  }
  // A committed row; ignored for a window not loaded (its load will read the row).
  void Add(std::string_view requirement_id, std::string_view window_id, std::string_view school_id);
  // A decided window is never decided again: its bits can go.
  void Forget(std::string_view requirement_id, std::string_view window_id);

  // Whether `school` (a unit of the bound tree) has a row in a known window; false for a
  // unit of another tree.
  bool Has(std::string_view requirement_id, std::string_view window_id, const Unit& school) const;
  // The schools of `schools` without a row, in their order (a known window).
  std::vector<const Unit*> Without(std::string_view requirement_id, std::string_view window_id,
                                   const std::vector<const Unit*>& schools) const;

  size_t windows() const { return windows_.size(); }

 private:
  static std::string Key(std::string_view requirement_id, std::string_view window_id);
  std::vector<uint64_t>& Fresh(std::string_view requirement_id, std::string_view window_id);
  void Set(std::vector<uint64_t>& bits, std::string_view school_id) const;
  // The unit's position in the bound tree, or -1 when it is not one of its units.
  int64_t PositionOf(const Unit& unit) const;
  const std::vector<uint64_t>* Bits(std::string_view requirement_id,
                                    std::string_view window_id) const;
  bool Test(const std::vector<uint64_t>* bits, const Unit& school) const;

  const OrgTree* tree_ = nullptr;
  std::unordered_map<std::string, std::vector<uint64_t>> windows_;
};

}  // namespace pingan::core
