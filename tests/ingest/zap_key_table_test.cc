// ZapAuthenticator's key table: built off the io thread from the loaded key file
// (malformed entries left out), put in force by a swap that hands the previous set
// back to be freed by the caller, and asked per message whether a key is still the
// school's own.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "daemon/ingest/zap_authenticator.h"
#include "tests/fakes/fake_clock.h"

namespace pingan::ingest {
namespace {

class ZapKeyTableTest : public ::testing::Test {
 protected:
  boost::asio::io_context io_;
  zmq::context_t context_;
  testing::FakeClock clock_{core::Instant{}};
  ZapAuthenticator zap_{io_, context_, clock_};
  wire::CurveKeyPair first_ = wire::GenerateCurveKeyPair();
  wire::CurveKeyPair second_ = wire::GenerateCurveKeyPair();
};

TEST_F(ZapKeyTableTest, AMalformedKeyIsLeftOutOfTheTable) {
  const auto table = ZapAuthenticator::BuildKeyTable(
      {{"s1", first_.public_z85}, {"s2", "not a key"}, {"s3", std::string(40, '"')}});
  EXPECT_EQ(table.size(), 1u);
}

TEST_F(ZapKeyTableTest, ASwapPutsTheNewSetInForceAndHandsBackTheOld) {
  auto table = ZapAuthenticator::BuildKeyTable({{"s1", first_.public_z85}});
  zap_.SwapKeyTable(table);
  EXPECT_TRUE(table.empty()) << "nothing was in force before";
  EXPECT_TRUE(zap_.IsCurrent("s1", first_.public_z85));
  EXPECT_FALSE(zap_.IsCurrent("s2", first_.public_z85)) << "the key is another school's";

  table = ZapAuthenticator::BuildKeyTable({{"s1", second_.public_z85}});  // key replaced
  zap_.SwapKeyTable(table);
  EXPECT_EQ(table.size(), 1u) << "the previous set, for the caller to free";
  EXPECT_FALSE(zap_.IsCurrent("s1", first_.public_z85));
  EXPECT_TRUE(zap_.IsCurrent("s1", second_.public_z85));
  EXPECT_EQ(zap_.allowed_keys(), 1u);
}

TEST_F(ZapKeyTableTest, AnythingButAKeyIsNotCurrent) {
  zap_.SetSchoolKeys({{"s1", first_.public_z85}});
  EXPECT_FALSE(zap_.IsCurrent("s1", ""));
  EXPECT_FALSE(zap_.IsCurrent("s1", first_.public_z85.substr(0, 39)));
  EXPECT_FALSE(zap_.IsCurrent("s1", first_.public_z85 + "x"));
}

}  // namespace
}  // namespace pingan::ingest
