#include "daemon/console/connection_limits.h"

#include <algorithm>

namespace pingan::console {

size_t ConnectionBudget(uint64_t file_limit, size_t configured) {
  // Descriptors no HTTP connection may take: SQLite (database, WAL, shm per
  // connection), ZeroMQ's sockets and internal pipes, log files, the control socket.
  constexpr uint64_t kReserve = 64;
  const uint64_t half = file_limit / 2;
  const uint64_t budget = half > kReserve ? half - kReserve : 0;
  return std::max<size_t>(8, std::min<uint64_t>(configured, budget));
}

ConnectionLimits::Slot ConnectionLimits::Admit(const std::string& address,
                                               bool exempt_from_per_address, Refusal* why) {
  State& st = *state_;
  std::lock_guard lock(st.mu);
  if (st.open >= caps_.total) {
    ++st.refused_total;
    *why = Refusal::kTotal;
    return nullptr;
  }
  auto [it, added] = st.per_address.try_emplace(address, 0);
  if (!exempt_from_per_address && it->second >= caps_.per_address) {
    if (added) st.per_address.erase(it);
    ++st.refused_per_address;
    *why = Refusal::kPerAddress;
    return nullptr;
  }
  ++it->second;
  ++st.open;
  *why = Refusal::kNone;
  return Slot(static_cast<void*>(state_.get()), [state = state_, address](void*) {
    std::lock_guard lock(state->mu);
    --state->open;
    auto mine = state->per_address.find(address);
    if (mine != state->per_address.end() && --mine->second == 0) state->per_address.erase(mine);
  });
}

size_t ConnectionLimits::open() const {
  std::lock_guard lock(state_->mu);
  return state_->open;
}

uint64_t ConnectionLimits::refused_total() const {
  std::lock_guard lock(state_->mu);
  return state_->refused_total;
}

uint64_t ConnectionLimits::refused_per_address() const {
  std::lock_guard lock(state_->mu);
  return state_->refused_per_address;
}

}  // namespace pingan::console
