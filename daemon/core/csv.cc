#include "daemon/core/csv.h"

#include "daemon/core/text.h"

namespace pingan::core {
namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}

class CsvParser {
 public:
  CsvParser(std::string_view text, const CsvOptions& options) : t_(text), options_(options) {
    if (t_.starts_with("\xEF\xBB\xBF")) t_.remove_prefix(3);
  }

  CsvDocument Parse() {
    while (i_ < t_.size()) {
      if (IsCommentLine()) {
        SkipLine();
        continue;
      }
      CsvRecord record;
      record.line = line_;
      if (!ReadRecord(record.fields)) {
        if (options_.multiline_fields) break;
        SkipLine();
        continue;
      }
      const bool blank = record.fields.size() == 1 && TrimSpace(record.fields[0]).empty();
      if (!blank) doc_.records.push_back(std::move(record));
    }
    return std::move(doc_);
  }

 private:
  void Advance() {
    const char c = t_[i_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;  // one per UTF-8 lead byte: columns count characters
    }
  }

  bool IsCommentLine() const {
    size_t j = i_;
    while (j < t_.size() && IsBlank(t_[j])) ++j;
    return j < t_.size() && t_[j] == '#';
  }

  // Up to and including the next line feed.
  void SkipLine() {
    while (i_ < t_.size() && t_[i_] != '\n') Advance();
    if (i_ < t_.size()) Advance();
  }

  bool Fail(int line, int column, std::string message) {
    doc_.errors.push_back(Error{"", line, "", std::move(message), column, "csv_syntax"});
    return false;
  }

  // Reads one record up to and including its line end; false after a syntax error
  // (recorded), with the position inside the bad line.
  bool ReadRecord(std::vector<std::string>& fields) {
    fields.assign(1, "");
    while (true) {
      if (!ReadField(fields.back())) return false;
      if (i_ >= t_.size()) return true;
      const char c = t_[i_];
      Advance();
      if (c == '\n') return true;
      fields.emplace_back();  // c == ','
    }
  }

  bool ReadField(std::string& value) {
    size_t j = i_;
    while (j < t_.size() && IsBlank(t_[j])) ++j;
    if (j < t_.size() && t_[j] == '"') {
      while (i_ < j) Advance();
      return ReadQuoted(value);
    }
    while (i_ < t_.size() && t_[i_] != ',' && t_[i_] != '\n') {
      if (t_[i_] != '\r') value += t_[i_];
      Advance();
    }
    return true;
  }

  bool ReadQuoted(std::string& value) {
    const int start_line = line_, start_column = column_;
    Advance();  // the opening quote
    while (true) {
      if (i_ >= t_.size() || (t_[i_] == '\n' && !options_.multiline_fields)) {
        return Fail(start_line, start_column, "unterminated quoted field");
      }
      const char c = t_[i_];
      Advance();
      if (c != '"') {
        value += c;
      } else if (i_ < t_.size() && t_[i_] == '"') {
        value += '"';
        Advance();
      } else {
        break;
      }
    }
    while (i_ < t_.size() && (IsBlank(t_[i_]) || t_[i_] == '\r')) Advance();
    if (i_ < t_.size() && t_[i_] != ',' && t_[i_] != '\n') {
      return Fail(line_, column_, "unexpected text after a closing quote");
    }
    return true;
  }

  std::string_view t_;
  const CsvOptions& options_;
  size_t i_ = 0;
  int line_ = 1;
  int column_ = 1;
  CsvDocument doc_;
};

}  // namespace

CsvDocument ReadCsv(std::string_view text, const CsvOptions& options) {
  return CsvParser(text, options).Parse();
}

void AppendCsvField(std::string& out, std::string_view value, bool guard_formula) {
  const bool formula = guard_formula && !value.empty() &&
                       std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos;
  // A byte-order mark at the very start of a file is skipped by the reader: a first
  // field that begins with one is quoted so that it reads back whole (found by fuzzing).
  const bool leading_bom = out.empty() && value.starts_with("\xEF\xBB\xBF");
  const bool quote =
      formula || leading_bom || value.find_first_of(",\"\r\n") != std::string_view::npos ||
      (!value.empty() && (IsBlank(value.front()) || IsBlank(value.back()) || value.front() == '#'));
  if (!quote) {
    out += value;
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendCsvRecord(std::string& out, const std::vector<std::string>& fields,
                     std::string_view line_end) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    AppendCsvField(out, fields[i]);
  }
  out += line_end;
}

}  // namespace pingan::core
