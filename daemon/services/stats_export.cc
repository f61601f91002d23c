#include "daemon/services/stats_export.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include <xlsxwriter.h>

#include "daemon/core/csv.h"
#include "daemon/core/local_time.h"
#include "daemon/services/control_server.h"
#include "daemon/services/stats_tables.h"

namespace pingan::services {
namespace {

std::string NumberText(double n, bool rate) {
  std::ostringstream s;
  s.precision(rate ? 4 : 10);
  s << n;
  return s.str();
}

// A temporary file that is removed when it goes out of scope.
class TempFile {
 public:
  TempFile() {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/pingan-stats-XXXXXX";
    const int fd = mkstemp(path_.data());
    if (fd < 0) throw ControlError("internal", "cannot make a temporary file for the workbook");
    close(fd);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteSheet(lxw_workbook* book, const StatsTable& t, lxw_format* head, lxw_format* rate) {
  lxw_worksheet* sheet = workbook_add_worksheet(book, t.title.c_str());
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    worksheet_write_string(sheet, 0, col, t.columns[c].title.c_str(), head);
    worksheet_set_column(sheet, col, col, c == 0 ? 14 : 12, nullptr);
  }
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto row = static_cast<lxw_row_t>(r + 1);
    for (size_t c = 0; c < t.rows[r].size(); ++c) {
      const StatsCell& cell = t.rows[r][c];
      const auto col = static_cast<lxw_col_t>(c);
      if (cell.number) {
        worksheet_write_number(sheet, row, col, *cell.number, cell.rate ? rate : nullptr);
      } else if (!cell.text.empty()) {
        worksheet_write_string(sheet, row, col, cell.text.c_str(), nullptr);
      }
    }
  }
  worksheet_freeze_panes(sheet, 1, 0);
}

}  // namespace

std::string StatsCsv(const StatsAnswer& answer) {
  std::string out = "\xEF\xBB\xBF";
  bool first = true;
  for (const StatsTable& t : StatsTables(answer)) {
    if (!first) out += "\r\n";
    first = false;
    out += "section";
    for (const StatsColumn& c : t.columns) {
      out += ',';
      core::AppendCsvField(out, c.key);
    }
    out += "\r\n";
    for (const auto& row : t.rows) {
      core::AppendCsvField(out, t.key);
      for (const StatsCell& cell : row) {
        out += ',';
        if (cell.number) {
          out += NumberText(*cell.number, cell.rate);
        } else {
          core::AppendCsvField(out, cell.text, true);  // names: guarded against formulas
        }
      }
      out += "\r\n";
    }
  }
  return out;
}

std::string StatsXlsx(const StatsAnswer& answer) {
  TempFile file;
  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  lxw_workbook* book = workbook_new_opt(file.path().c_str(), &options);
  if (book == nullptr) throw ControlError("internal", "cannot start the workbook");
  lxw_format* head = workbook_add_format(book);
  format_set_bold(head);
  lxw_format* rate = workbook_add_format(book);
  format_set_num_format(rate, "0.0%");
  for (const StatsTable& t : StatsTables(answer)) WriteSheet(book, t, head, rate);
  if (const lxw_error e = workbook_close(book); e != LXW_NO_ERROR) {
    throw ControlError("internal", std::string("writing the workbook: ") + lxw_strerror(e));
  }
  std::ifstream in(file.path(), std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string StatsFileStem(const StatsAnswer& answer) {
  std::string stem =
      "pingan-stats-" + core::FormatDate(answer.from) + "-" + core::FormatDate(answer.to);
  // Unit ids are plain ASCII identifiers; anything else is left out of the name.
  std::string unit;
  for (char c : answer.unit_id) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') unit += c;
  }
  if (!unit.empty()) stem += "-" + unit;
  return stem;
}

}  // namespace pingan::services
