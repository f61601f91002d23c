#include "daemon/core/csv.h"

#include <gtest/gtest.h>

namespace pingan::core {
namespace {

using Fields = std::vector<std::string>;

std::vector<Fields> Records(const CsvDocument& doc) {
  std::vector<Fields> out;
  for (const CsvRecord& r : doc.records) out.push_back(r.fields);
  return out;
}

TEST(CsvReadTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  const CsvDocument doc =
      ReadCsv("\xEF\xBB\xBFid,name\r\ns1,\"Wang, Wu\"\r\ns2,\"say \"\"hi\"\"\"\ns3,\"A\r\nB\",\n");
  EXPECT_TRUE(doc.errors.empty());
  EXPECT_EQ(Records(doc),
            (std::vector<Fields>{
                {"id", "name"}, {"s1", "Wang, Wu"}, {"s2", "say \"hi\""}, {"s3", "A\r\nB", ""}}));
  ASSERT_EQ(doc.records.size(), 4u);
  EXPECT_EQ(doc.records[3].line, 4);
}

TEST(CsvReadTest, SkipsCommentsAndBlankLinesAndKeepsLineNumbers) {
  const CsvDocument doc = ReadCsv("a,b\n\n  # note, \"x\n   \nc,d\n\"\"\ne");
  EXPECT_TRUE(doc.errors.empty());
  EXPECT_EQ(Records(doc), (std::vector<Fields>{{"a", "b"}, {"c", "d"}, {"e"}}));
  EXPECT_EQ(doc.records[1].line, 5);
  EXPECT_EQ(doc.records[2].line, 7);
}

TEST(CsvReadTest, BlanksAroundQuotedFieldsAndQuotesInsideTextFields) {
  const CsvDocument doc = ReadCsv("a, \"b, c\" ,d\"e\", f \n");
  EXPECT_TRUE(doc.errors.empty());
  EXPECT_EQ(Records(doc), (std::vector<Fields>{{"a", "b, c", "d\"e\"", " f "}}));
}

TEST(CsvReadTest, EmptyFieldsAndTrailingSeparator) {
  EXPECT_EQ(Records(ReadCsv(",a,,\n")), (std::vector<Fields>{{"", "a", "", ""}}));
  EXPECT_TRUE(ReadCsv("").records.empty());
}

TEST(CsvReadTest, UnterminatedQuoteEndsAMultilineRead) {
  const CsvDocument doc = ReadCsv("a,b\nc,\"d,e\nf,g\n");
  EXPECT_EQ(Records(doc), (std::vector<Fields>{{"a", "b"}}));
  ASSERT_EQ(doc.errors.size(), 1u);
  EXPECT_EQ(doc.errors[0].message, "unterminated quoted field");
  EXPECT_EQ(doc.errors[0].code, "csv_syntax");
  EXPECT_EQ(doc.errors[0].line, 2);
  EXPECT_EQ(doc.errors[0].column, 3);
}

TEST(CsvReadTest, SingleLineRecordsReportTheLineAndGoOn) {
  CsvOptions options;
  options.multiline_fields = false;
  const CsvDocument doc = ReadCsv("a,\"b\nc,d\n\"e\"x,f\n学校,\"g\n", options);
  EXPECT_EQ(Records(doc), (std::vector<Fields>{{"c", "d"}}));
  ASSERT_EQ(doc.errors.size(), 3u);
  EXPECT_EQ(doc.errors[0].line, 1);
  EXPECT_EQ(doc.errors[0].message, "unterminated quoted field");
  EXPECT_EQ(doc.errors[1].line, 3);
  EXPECT_EQ(doc.errors[1].column, 4);
  EXPECT_EQ(doc.errors[1].message, "unexpected text after a closing quote");
  EXPECT_EQ(doc.errors[2].line, 4);
  EXPECT_EQ(doc.errors[2].column, 4);  // columns count characters, not bytes
}

TEST(CsvWriteTest, QuotesOnlyWhatAReaderWouldMisread) {
  std::string out;
  AppendCsvRecord(out, {"plain", "a,b", "say \"hi\"", "two\nlines", " pad", "#x", ""}, "\r\n");
  EXPECT_EQ(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\",\"#x\",\r\n");
}

TEST(CsvWriteTest, GuardsFormulasInFreeText) {
  for (const char* formula : {"=1+1", "+86", "-x", "@SUM(A1)", "\tx"}) {
    std::string out;
    AppendCsvField(out, formula, true);
    EXPECT_EQ(out, "\"'" + std::string(formula) + "\"");
  }
  std::string out;
  AppendCsvField(out, "=1+1");
  EXPECT_EQ(out, "=1+1");
}

TEST(CsvWriteTest, WhatIsWrittenReadsBack) {
  const Fields fields = {"id", "a,b", "say \"hi\"", "two\r\nlines", " pad ", "#x", "", "学校"};
  std::string out;
  AppendCsvRecord(out, fields);
  AppendCsvRecord(out, {"next"});
  const CsvDocument doc = ReadCsv(out);
  EXPECT_TRUE(doc.errors.empty());
  EXPECT_EQ(Records(doc), (std::vector<Fields>{fields, {"next"}}));
}

// Found by tests/fuzz/csv_fuzz: a first field that itself begins with a byte-order mark
// lost it on reading back, because the reader skips one at the start of the file.
TEST(CsvWriteTest, AFirstFieldStartingWithAByteOrderMarkReadsBackWhole) {
  const Fields fields = {"\xEF\xBB\xBFschool", "\xEF\xBB\xBFname"};
  std::string out;
  AppendCsvRecord(out, fields);
  EXPECT_EQ(out, "\"\xEF\xBB\xBFschool\",\xEF\xBB\xBFname\n") << "only the file's start matters";
  EXPECT_EQ(Records(ReadCsv(out)), (std::vector<Fields>{fields}));
  EXPECT_EQ(Records(ReadCsv("\xEF\xBB\xBF" + out)), (std::vector<Fields>{fields}));
}

}  // namespace
}  // namespace pingan::core
