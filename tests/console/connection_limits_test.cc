// The HTTP connection caps: in all and per address, slots released when dropped, a
// trusted proxy exempt from the per-address cap, and the budget left by the file limit.
#include "daemon/console/connection_limits.h"

#include <gtest/gtest.h>

#include <vector>

namespace pingan::console {
namespace {

TEST(ConnectionLimitsTest, CapsEachAddressAndReleasesWhenTheSlotIsDropped) {
  ConnectionLimits limits({.total = 10, .per_address = 2});
  ConnectionLimits::Refusal why;
  auto a1 = limits.Admit("192.0.2.1", false, &why);
  auto a2 = limits.Admit("192.0.2.1", false, &why);
  ASSERT_TRUE(a1 && a2);
  EXPECT_EQ(limits.Admit("192.0.2.1", false, &why), nullptr);
  EXPECT_EQ(why, ConnectionLimits::Refusal::kPerAddress);
  EXPECT_NE(limits.Admit("192.0.2.2", false, &why), nullptr) << "another address is not affected";
  a1.reset();
  EXPECT_NE(limits.Admit("192.0.2.1", false, &why), nullptr) << "a slot freed by a closed one";
  EXPECT_EQ(limits.refused_per_address(), 1u);
}

TEST(ConnectionLimitsTest, CapsTheTotalEvenForExemptAddresses) {
  ConnectionLimits limits({.total = 3, .per_address = 1});
  ConnectionLimits::Refusal why;
  std::vector<ConnectionLimits::Slot> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(limits.Admit("10.0.0.1", true, &why));
    ASSERT_NE(held.back(), nullptr) << "a trusted proxy carries many clients";
  }
  EXPECT_EQ(limits.open(), 3u);
  EXPECT_EQ(limits.Admit("192.0.2.9", false, &why), nullptr);
  EXPECT_EQ(why, ConnectionLimits::Refusal::kTotal);
  EXPECT_EQ(limits.refused_total(), 1u);
  held.clear();
  EXPECT_EQ(limits.open(), 0u);
}

TEST(ConnectionLimitsTest, ASlotOutlivingItsLimitsIsHarmless) {
  ConnectionLimits::Slot slot;
  {
    ConnectionLimits limits({.total = 1, .per_address = 1});
    ConnectionLimits::Refusal why;
    slot = limits.Admit("192.0.2.1", false, &why);
    ASSERT_NE(slot, nullptr);
  }
  // A session may end after the server: releasing must not touch freed memory (the
  // asan-ubsan preset catches it if it does).
  slot.reset();
  EXPECT_EQ(slot.use_count(), 0);
}

TEST(ConnectionBudgetTest, LeavesHalfTheFileLimitAndAReserveForEverythingElse) {
  EXPECT_EQ(ConnectionBudget(1024, 512), 448u);
  EXPECT_EQ(ConnectionBudget(256, 512), 64u);
  EXPECT_EQ(ConnectionBudget(1'048'576, 512), 512u) << "the configured cap when there is room";
  EXPECT_EQ(ConnectionBudget(64, 512), 8u) << "never none at all";
}

}  // namespace
}  // namespace pingan::console
