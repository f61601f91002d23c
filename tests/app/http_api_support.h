// Helpers for tests that drive an HttpApi together with a real StoreWriter and the io
// context by hand: run what was posted to the writer and what it posted back, and read
// the events the API published.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "daemon/app/http_api.h"
#include "daemon/store/store_writer.h"
#include "tests/fakes/drain_writer.h"

namespace pingan::app {

// Lets the writer run what was posted, the API's pools what was given to them, and the
// io thread the handlers they posted back, until nothing is left to run.
inline void Settle(store::StoreWriter& writer, boost::asio::io_context& io,
                   HttpApi* api = nullptr) {
  for (int round = 0; round < 20; ++round) {
    pingan::testing::DrainWriter(writer);
    if (api != nullptr) {
      api->read_pool().WaitIdle();
      api->hash_pool().WaitIdle();
    }
    const size_t ran = io.poll();
    io.restart();
    if (ran == 0) return;
  }
  ADD_FAILURE() << "Settle: still busy after 20 rounds";
}

// The events published after `id`, oldest first (fails the test when they are gone).
inline std::vector<console::Event> EventsSince(HttpApi& api, uint64_t id) {
  auto events = api.events().Since(id);
  EXPECT_TRUE(events.has_value());
  return events.value_or(std::vector<console::Event>{});
}

}  // namespace pingan::app
