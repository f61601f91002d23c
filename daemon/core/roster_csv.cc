#include "daemon/core/roster_csv.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "daemon/core/csv.h"
#include "daemon/core/report.h"
#include "daemon/core/text.h"

namespace pingan::core {
namespace {

std::optional<int> RosterDigits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + n, value);
  if (ec != std::errc() || end != s.data() + pos + n) return std::nullopt;
  return value;
}

bool LooksLikePhone(std::string_view phone) {
  if (phone.empty()) return true;
  for (char c : phone) {
    if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == ' ')) return false;
  }
  return true;
}

bool LooksLikeEmail(std::string_view email) {
  if (email.empty()) return true;
  const auto at = email.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
         email.find_first_of(" \t<>,;") == std::string_view::npos;
}

struct Row {
  int line = 0;
  std::string unit_id;
  Shift shift;
};

// Parses one data line into `row`, or returns the problem.
std::optional<std::string> ParseRow(const std::vector<std::string>& f, Row& row) {
  if (f.size() < 6 || f.size() > 7) {
    return "expected 6 or 7 columns (unit_id,start,end,name,phone,email[,label]), got " +
           std::to_string(f.size());
  }
  row.unit_id = std::string(TrimSpace(f[0]));
  if (row.unit_id.empty()) return "unit_id is empty";
  auto start = ParseLocalDateTime(TrimSpace(f[1]));
  if (!start) return "start '" + std::string(TrimSpace(f[1])) + "' is not YYYY-MM-DD HH:MM";
  auto end = ParseLocalDateTime(TrimSpace(f[2]));
  if (!end) return "end '" + std::string(TrimSpace(f[2])) + "' is not YYYY-MM-DD HH:MM";
  if (*end <= *start) return "end is not after start";
  row.shift.start = *start;
  row.shift.end = *end;
  row.shift.person.name = std::string(TrimSpace(f[3]));
  row.shift.person.phone = std::string(TrimSpace(f[4]));
  row.shift.person.email = std::string(TrimSpace(f[5]));
  if (f.size() == 7) row.shift.label = std::string(TrimSpace(f[6]));
  if (row.shift.person.name.empty()) return "name is empty";
  if (!IsValidUtf8(row.shift.person.name) || !IsValidUtf8(row.shift.label)) {
    return "text is not valid UTF-8";
  }
  if (row.shift.person.phone.empty() && row.shift.person.email.empty()) {
    return "a phone or an email is required";
  }
  if (!LooksLikePhone(row.shift.person.phone)) return "phone has characters other than digits";
  if (!LooksLikeEmail(row.shift.person.email)) return "email is not an address";
  return std::nullopt;
}

}  // namespace

std::optional<date::local_seconds> ParseLocalDateTime(std::string_view t) {
  // YYYY-MM-DD?HH:MM[:SS]
  if (t.size() != 16 && t.size() != 19) return std::nullopt;
  if (t[4] != '-' || t[7] != '-' || (t[10] != ' ' && t[10] != 'T') || t[13] != ':') {
    return std::nullopt;
  }
  auto y = RosterDigits(t, 0, 4), mo = RosterDigits(t, 5, 2), d = RosterDigits(t, 8, 2);
  auto h = RosterDigits(t, 11, 2), mi = RosterDigits(t, 14, 2);
  std::optional<int> s = 0;
  if (t.size() == 19) s = t[16] == ':' ? RosterDigits(t, 17, 2) : std::nullopt;
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  const date::year_month_day ymd{date::year{*y}, date::month(static_cast<unsigned>(*mo)),
                                 date::day(static_cast<unsigned>(*d))};
  if (!ymd.ok() || *mi > 59 || *s > 59) return std::nullopt;
  if (*h > 24 || (*h == 24 && (*mi != 0 || *s != 0))) return std::nullopt;
  return date::local_days{ymd} + std::chrono::hours{*h} + std::chrono::minutes{*mi} +
         std::chrono::seconds{*s};
}

std::variant<Rosters, std::vector<CsvError>> ImportRosterCsv(std::string_view text,
                                                             const OrgTree& tree,
                                                             std::string_view default_zone) {
  CsvOptions options;
  options.multiline_fields = false;  // a bad quote costs its line, not the rest of the file
  CsvDocument doc = ReadCsv(text, options);
  std::vector<CsvError> errors = std::move(doc.errors);
  std::map<std::string, std::vector<Row>> by_unit;
  for (const CsvRecord& record : doc.records) {
    if (record.line == 1 && TrimSpace(record.fields[0]).starts_with("unit_id")) continue;
    Row row;
    row.line = record.line;
    if (auto problem = ParseRow(record.fields, row)) {
      errors.push_back(Error{"", record.line, "", *problem});
    } else if (tree.Find(row.unit_id) == nullptr) {
      errors.push_back(Error{"", record.line, "", "unknown unit '" + row.unit_id + "'"});
    } else {
      by_unit[row.unit_id].push_back(std::move(row));
    }
  }
  Rosters rosters;
  for (auto& [unit_id, rows] : by_unit) {
    std::vector<Shift> shifts;
    for (Row& r : rows) shifts.push_back(std::move(r.shift));
    const std::string zone = tree.EffectiveTimeZone(*tree.Find(unit_id), default_zone);
    auto built = Roster::Build(unit_id, zone, std::move(shifts));
    if (auto* err = std::get_if<Roster::BuildError>(&built)) {
      // Build sorts only on success, so the index still matches the input order.
      errors.push_back(Error{"", rows[err->shift_index].line, "", err->message});
      continue;
    }
    rosters.emplace(unit_id, std::move(std::get<Roster>(built)));
  }
  if (!errors.empty()) {
    std::stable_sort(errors.begin(), errors.end(),
                     [](const CsvError& a, const CsvError& b) { return a.line < b.line; });
    return errors;
  }
  return rosters;
}

}  // namespace pingan::core
