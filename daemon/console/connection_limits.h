// ConnectionLimits: how many HTTP connections the daemon holds at once, in all and per
// client address, so that no number of connections can use up its file descriptors
// (the store, the control socket and the schools' ZeroMQ connections need theirs) or
// let one address shut out the duty room.
//
// Admit() hands out a slot, released when the last copy is dropped: the session holds
// it, and an event stream takes it over, so a connection counts until its socket
// closes. A trusted proxy's address is exempt from the per-address cap (every client
// behind it shares that address) but counts towards the total.
//
// Threading: thread-safe (one mutex). Slots are released wherever a session's last
// reference goes, which may be a worker thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace pingan::console {

struct ConnectionCaps {
  size_t total = 512;
  size_t per_address = 64;
};

// The total cap that leaves descriptors for everything else: at most half of the
// process's file limit minus a fixed reserve, never above `configured`, at least 8.
size_t ConnectionBudget(uint64_t file_limit, size_t configured);

class ConnectionLimits {
 public:
  using Slot = std::shared_ptr<void>;
  enum class Refusal { kNone, kTotal, kPerAddress };

  explicit ConnectionLimits(ConnectionCaps caps) : caps_(caps) {}

  // A slot for a connection from `address`, or null (and `why` set) over a cap.
  Slot Admit(const std::string& address, bool exempt_from_per_address, Refusal* why);

  size_t open() const;
  uint64_t refused_total() const;
  uint64_t refused_per_address() const;
  const ConnectionCaps& caps() const { return caps_; }

 private:
  // Shared with the slots, which may outlive this object (a session ending after the
  // server).
  struct State {
    std::mutex mu;
    size_t open = 0;
    std::map<std::string, size_t> per_address;  // only addresses with open connections
    uint64_t refused_total = 0;
    uint64_t refused_per_address = 0;
  };

  const ConnectionCaps caps_;
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace pingan::console
