#include "daemon/core/result.h"

#include <gtest/gtest.h>

namespace pingan::core {
namespace {

TEST(ErrorTest, ToStringNamesThePlaceThenTheProblem) {
  EXPECT_EQ((Error{"org.yaml", 12, "units[3].time_zone", "unknown time zone"}).ToString(),
            "org.yaml:12: units[3].time_zone: unknown time zone");
  EXPECT_EQ((Error{"org.csv", 0, "", "no header row"}).ToString(), "org.csv: no header row");
  Error with_column{"org.csv", 3, "", "unterminated quoted field"};
  with_column.column = 7;
  EXPECT_EQ(with_column.ToString(), "org.csv:3:7: unterminated quoted field");
}

TEST(ErrorTest, CodedErrorsCarryNoPlace) {
  const Error e = CodedError("not_found", "no unit 'x'");
  EXPECT_EQ(e.code, "not_found");
  EXPECT_EQ(e.message, "no unit 'x'");
  EXPECT_TRUE(e.file.empty());
  EXPECT_EQ(e.line, 0);
}

TEST(ErrorTest, ResultHoldsAValueOrAnError) {
  Result<int> ok = 7;
  Result<int> bad = CodedError("bad_request", "no");
  EXPECT_EQ(std::get<int>(ok), 7);
  ASSERT_NE(std::get_if<Error>(&bad), nullptr);
  EXPECT_EQ(std::get<Error>(bad).code, "bad_request");
}

}  // namespace
}  // namespace pingan::core
