#include "daemon/core/uuid.h"

#include <gtest/gtest.h>

namespace pingan::core {
namespace {

TEST(Uuid, V7CarriesTimestampVersionAndVariant) {
  const Instant t = FromUnixMillis(1759276800123);
  std::array<uint8_t, 10> random;
  random.fill(0xff);
  const UuidBytes id = MakeUuidV7(t, random);
  EXPECT_EQ(UuidV7Time(id), t);
  EXPECT_EQ(id[6] >> 4, 7) << "version nibble";
  EXPECT_EQ(id[8] >> 6, 2) << "RFC 4122 variant bits";
  const std::string text = FormatUuid(id);
  EXPECT_EQ(text.size(), 36u);
  EXPECT_EQ(text[14], '7');
  EXPECT_EQ(ParseUuid(text), id);
}

TEST(Uuid, TextOrderFollowsTimeOrder) {
  std::array<uint8_t, 10> high;
  high.fill(0xff);
  std::array<uint8_t, 10> low{};
  const std::string earlier = FormatUuid(MakeUuidV7(FromUnixMillis(1000), high));
  const std::string later = FormatUuid(MakeUuidV7(FromUnixMillis(1001), low));
  EXPECT_LT(earlier, later) << "a later millisecond sorts after any random tail";
}

TEST(Uuid, OnlyVersionSevenWithTheRfcVariantIsAReportId) {
  EXPECT_TRUE(IsUuidV7("0192f7a0-1b2c-7d3e-8f40-123456789abc"));
  EXPECT_TRUE(IsUuidV7("0192f7a0-1b2c-7d3e-bf40-123456789abc"));
  EXPECT_FALSE(IsUuidV7("00000000-0000-0000-0000-000000000000")) << "nil";
  EXPECT_FALSE(IsUuidV7("0192f7a0-1b2c-4d3e-8f40-123456789abc")) << "version 4";
  EXPECT_FALSE(IsUuidV7("0192f7a0-1b2c-7d3e-cf40-123456789abc")) << "Microsoft variant";
  EXPECT_FALSE(IsUuidV7("0192f7a0-1b2c-7d3e-7f40-123456789abc")) << "NCS variant";
  EXPECT_FALSE(IsUuidV7("0192F7A0-1B2C-7D3E-8F40-123456789ABC")) << "not canonical";
}

TEST(Uuid, ParseRejectsNonCanonicalText) {
  EXPECT_FALSE(ParseUuid("01928F3E-7A00-7ABC-8DEF-0123456789AB"));
  EXPECT_FALSE(ParseUuid("{01928f3e-7a00-7abc-8def-0123456789ab}"));
  EXPECT_FALSE(ParseUuid("01928f3e-7a007-abc-8def-0123456789ab"));
  EXPECT_TRUE(ParseUuid("01928f3e-7a00-7abc-8def-0123456789ab"));
}

}  // namespace
}  // namespace pingan::core
