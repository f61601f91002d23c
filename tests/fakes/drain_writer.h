// DrainWriter: waits, without sleeping, until the StoreWriter ran every job and report
// posted before the call (jobs run in order on its one thread). Bounded: a writer that
// hangs fails the test after 10 s instead of blocking it.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "daemon/store/store_writer.h"

namespace pingan::testing {

inline void DrainWriter(store::StoreWriter& writer) {
  std::promise<void> done;
  writer.Post([&done](store::Database&) { done.set_value(); });
  ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds{10}), std::future_status::ready);
}

}  // namespace pingan::testing
