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

TEST(TextTest, LogSafeKeepsPlainTextAndUtf8) {
  EXPECT_EQ(LogSafe("0192f7a0-1b2c-7d3e-8f40-123456789abc"),
            "0192f7a0-1b2c-7d3e-8f40-123456789abc");
  EXPECT_EQ(LogSafe("第一中学 école"), "第一中学 école");
  EXPECT_EQ(LogSafe(""), "");
}

TEST(TextTest, LogSafeNeverLetsALineBreakThrough) {
  const std::string forged = "x\n[2026-01-01 00:00:00.000] [pingand] [error] FORGED\r\n";
  const std::string safe = LogSafe(forged, 200);
  EXPECT_EQ(safe.find('\n'), std::string::npos);
  EXPECT_EQ(safe.find('\r'), std::string::npos);
  EXPECT_EQ(safe, "x\\x0a[2026-01-01 00:00:00.000] [pingand] [error] FORGED\\x0d\\x0a");
  EXPECT_EQ(LogSafe(std::string("a\0b\x1b[31m\x7f", 9)), "a\\x00b\\x1b[31m\\x7f");
}

TEST(TextTest, LogSafeEscapesBackslashSoEscapesCannotBeForged) {
  EXPECT_EQ(LogSafe("a\\x0ab"), "a\\\\x0ab");
}

TEST(TextTest, LogSafeEscapesUnicodeLineBreaksAndDirectionOverrides) {
  EXPECT_EQ(LogSafe("a\u2028b\u2029c"), "a\\u2028b\\u2029c");
  EXPECT_EQ(LogSafe("a\u0085b"), "a\\u0085b");  // NEL, a C1 control
  EXPECT_EQ(LogSafe("\u202Egnp.exe"), "\\u202egnp.exe");
  EXPECT_EQ(LogSafe("\u2066x\u2069"), "\\u2066x\\u2069");
}

TEST(TextTest, LogSafeReplacesInvalidUtf8ByteByByte) {
  const std::string safe = LogSafe("ok\xff\xc3(\xed\xa0\x80 \xe4\xb8");
  EXPECT_EQ(safe, "ok\\xff\\xc3(\\xed\\xa0\\x80 \\xe4\\xb8");
  EXPECT_TRUE(IsValidUtf8(safe));
}

TEST(TextTest, LogSafeTruncatesWithTheOriginalSize) {
  const std::string long_id(60000, 'a');
  const std::string safe = LogSafe(long_id);
  EXPECT_EQ(safe, std::string(64, 'a') + "\u2026(60000 bytes)");
  EXPECT_EQ(LogSafe(std::string(64, 'b')), std::string(64, 'b')) << "exactly the limit: whole";
  // Characters, not bytes: a multi-byte character is never split, an escape counts once.
  EXPECT_EQ(LogSafe("中文字", 2), "中文\u2026(9 bytes)");
  EXPECT_EQ(LogSafe("\n\n\n", 2), "\\x0a\\x0a\u2026(3 bytes)");
}

TEST(TextTest, LogSafeOutputIsBoundedForAnyInput) {
  std::string nasty;
  for (int i = 0; i < 4096; ++i) nasty += static_cast<char>(i % 256);
  const std::string safe = LogSafe(nasty);
  EXPECT_LE(safe.size(), 6 * kLogSafeChars + 20);
  EXPECT_TRUE(IsValidUtf8(safe));
  for (char c : safe) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20) << safe;
}

}  // namespace
}  // namespace pingan::core
