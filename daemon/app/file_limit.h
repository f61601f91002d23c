// The process's limit on open files (RLIMIT_NOFILE). pingand raises its soft limit to
// the hard one at start: the soft default (1,024) is what a single client with a few
// hundred idle connections could otherwise exhaust, and libzmq aborts the process when
// its control socket cannot accept for lack of a descriptor. The HTTP connection cap
// is then derived from the figure in force (console::ConnectionBudget).
#pragma once

#include <cstdint>
#include <string>

namespace pingan::app {

struct FileLimit {
  uint64_t before = 0;  // the soft limit found
  uint64_t soft = 0;    // the soft limit in force now
  uint64_t hard = 0;
  std::string error;  // why raising failed (the limit found stays in force)
};

// Raises the soft limit to the hard limit (or, when the hard limit is unlimited, to
// the kernel's per-process maximum).
FileLimit RaiseFileLimit();
// The soft limit in force.
uint64_t OpenFileLimit();

}  // namespace pingan::app
