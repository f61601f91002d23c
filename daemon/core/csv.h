// CSV as spreadsheets write it: the one reader and the one writer of pingan (org and
// school imports, duty rosters, ledger exports). Pure string functions; the caller reads
// and writes the files. Safe on any thread.
//
// Reading (RFC 4180 plus what hand-edited files need):
//  - a UTF-8 byte-order mark is skipped; records end at "\n" or "\r\n", a "\r" outside
//    quotes is dropped; fields are separated by ',';
//  - a field whose first character other than spaces and tabs is '"' is quoted: it runs
//    to the closing quote, "" inside is one quote, and only spaces and tabs may follow
//    the closing quote before the next ',' or the line end; a quote inside an unquoted
//    field is text;
//  - a line whose first character other than spaces and tabs is '#' is a comment, and a
//    record of one blank field (a blank line) is skipped;
//  - fields are returned as written (callers trim what they need to).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/result.h"

namespace pingan::core {

struct CsvOptions {
  // Whether a quoted field may hold line breaks (RFC 4180). When true the first syntax
  // error ends the reading (what follows cannot be framed reliably). When false a
  // record is one line: a quote still open at the end of a line is an error for that
  // line alone and reading goes on with the next line.
  bool multiline_fields = true;
};

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

struct CsvDocument {
  std::vector<CsvRecord> records;
  // Syntax errors in line order: code "csv_syntax", line, column and message
  // ("unterminated quoted field", "unexpected text after a closing quote").
  std::vector<Error> errors;
};

CsvDocument ReadCsv(std::string_view text, const CsvOptions& options = {});

// Appends `value` as one field: quoted when a reader would otherwise split, join, trim
// or skip it (',', '"', line breaks, leading or trailing blanks, a leading '#'). With
// `guard_formula` (free text such as names), a value a spreadsheet would run as a
// formula (starting with = + - @ tab or CR) is quoted with a leading apostrophe.
void AppendCsvField(std::string& out, std::string_view value, bool guard_formula = false);

// Appends the fields separated by ',' and then `line_end`.
void AppendCsvRecord(std::string& out, const std::vector<std::string>& fields,
                     std::string_view line_end = "\n");

}  // namespace pingan::core
