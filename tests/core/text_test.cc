#include "daemon/core/text.h"

#include <gtest/gtest.h>

namespace pingan::core {
namespace {

using Views = std::vector<std::string_view>;

TEST(TextTest, TrimRemovesAsciiBlanksOnly) {
  EXPECT_EQ(TrimSpace(" \t a b \r\n"), "a b");
  EXPECT_EQ(TrimSpace(" \t\r\n"), "");
  EXPECT_EQ(TrimSpace(""), "");
  EXPECT_EQ(Trim("  学校  "), "学校");
  EXPECT_EQ(Trim("\xE3\x80\x80x"), "\xE3\x80\x80x");  // an ideographic space is text
}

TEST(TextTest, AsciiLowerLeavesOtherBytesAlone) {
  EXPECT_EQ(AsciiLower("Time_Zone"), "time_zone");
  EXPECT_EQ(AsciiLower("ÄB是"), "Äb是");
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(TextTest, EqualsIgnoreCase) {
  EXPECT_TRUE(EqualsIgnoreCase("Content-Type", "content-type"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_FALSE(EqualsIgnoreCase("Content-Type", "content-typ"));
  EXPECT_FALSE(EqualsIgnoreCase("a-b", "a_b"));
}

TEST(TextTest, SplitKeepsEmptyPieces) {
  EXPECT_EQ(Split("a,,b", ','), (Views{"a", "", "b"}));
  EXPECT_EQ(Split("a,", ','), (Views{"a", ""}));
  EXPECT_EQ(Split("", ','), (Views{""}));
  EXPECT_EQ(Split("abc", ','), (Views{"abc"}));
}

TEST(TextTest, SplitLinesHandlesCrLfAndFinalLineEnd) {
  EXPECT_EQ(SplitLines("a\r\nb\n"), (Views{"a", "b"}));
  EXPECT_EQ(SplitLines("a\n\nb"), (Views{"a", "", "b"}));
  EXPECT_EQ(SplitLines("\n"), (Views{""}));
  EXPECT_TRUE(SplitLines("").empty());
}

}  // namespace
}  // namespace pingan::core
