// Organisation from CSV (the format is described in org_loader.h).
#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <unordered_map>

#include "daemon/config/loader_support.h"
#include "daemon/config/org_loader.h"
#include "daemon/core/csv.h"
#include "daemon/core/report.h"
#include "daemon/core/text.h"

namespace pingan::config {
namespace {

enum Column {
  kId,
  kName,
  kKind,
  kParent,
  kTimeZone,
  kPrincipalName,
  kPrincipalPhone,
  kPrincipalEmail,
  kLeaderName,
  kLeaderPhone,
  kLeaderEmail,
  kDutyName,
  kDutyPhone,
  kDutyEmail,
  kPaused,
  kPausedReason,
  kColumnCount
};

const std::map<std::string, Column, std::less<>>& ColumnNames() {
  static const std::map<std::string, Column, std::less<>> names = {
      {"id", kId},
      {"编号", kId},
      {"代码", kId},
      {"name", kName},
      {"名称", kName},
      {"kind", kKind},
      {"类型", kKind},
      {"parent", kParent},
      {"上级", kParent},
      {"time_zone", kTimeZone},
      {"时区", kTimeZone},
      {"principal_name", kPrincipalName},
      {"第一责任人", kPrincipalName},
      {"principal_phone", kPrincipalPhone},
      {"第一责任人电话", kPrincipalPhone},
      {"principal_email", kPrincipalEmail},
      {"第一责任人邮箱", kPrincipalEmail},
      {"leader_name", kLeaderName},
      {"分管领导", kLeaderName},
      {"leader_phone", kLeaderPhone},
      {"分管领导电话", kLeaderPhone},
      {"leader_email", kLeaderEmail},
      {"分管领导邮箱", kLeaderEmail},
      {"duty_name", kDutyName},
      {"值班人", kDutyName},
      {"duty_phone", kDutyPhone},
      {"值班电话", kDutyPhone},
      {"duty_email", kDutyEmail},
      {"值班邮箱", kDutyEmail},
      {"paused", kPaused},
      {"暂停", kPaused},
      {"paused_reason", kPausedReason},
      {"暂停原因", kPausedReason}};
  return names;
}

const char* const kCanonical[kColumnCount] = {"id",
                                              "name",
                                              "kind",
                                              "parent",
                                              "time_zone",
                                              "principal_name",
                                              "principal_phone",
                                              "principal_email",
                                              "leader_name",
                                              "leader_phone",
                                              "leader_email",
                                              "duty_name",
                                              "duty_phone",
                                              "duty_email",
                                              "paused",
                                              "paused_reason"};

using core::AsciiLower;
using core::Trim;

std::optional<bool> ParsePaused(const std::string& v) {
  const std::string l = AsciiLower(v);
  if (l.empty() || l == "false" || l == "no" || l == "0" || l == "否") return false;
  if (l == "true" || l == "yes" || l == "1" || l == "是") return true;
  return std::nullopt;
}

class CsvOrgReader {
 public:
  explicit CsvOrgReader(const std::string& file) : file_(file) { out_.file = file; }

  // With `row_errors`, a bad row is recorded there and the parse goes on.
  std::variant<OrgUnits, LoadError> Read(std::string_view text,
                                         std::vector<LoadError>* row_errors = nullptr) {
    core::CsvDocument doc = core::ReadCsv(text);
    for (const core::CsvRecord& record : doc.records) {
      if (!header_read_) {
        if (auto bad = Header(record.line, record.fields)) return *bad;
        continue;
      }
      auto bad = Row(record.line, record.fields);
      if (bad && row_errors == nullptr) return *bad;
      if (bad) row_errors->push_back(std::move(*bad));
    }
    if (!doc.errors.empty()) {  // the reading stopped there: after every record
      doc.errors.front().file = file_;
      return std::move(doc.errors.front());
    }
    if (!header_read_) return LoadError{file_, 0, "", "no header row"};
    return std::move(out_);
  }

 private:
  LoadError Error(int line, int column, std::string message) const {
    return LoadError{file_, line, column >= 0 ? kCanonical[column] : "", std::move(message)};
  }

  std::optional<LoadError> Header(int line, const std::vector<std::string>& f) {
    columns_.assign(kColumnCount, -1);
    for (size_t i = 0; i < f.size(); ++i) {
      if (!core::IsValidUtf8(f[i])) return Error(line, -1, "the header is not valid UTF-8");
      const std::string name = AsciiLower(Trim(f[i]));
      auto it = ColumnNames().find(name);
      if (it == ColumnNames().end()) {
        return LoadError{file_, line, name, "unknown column (see org_loader.h for the list)"};
      }
      if (columns_[it->second] >= 0) return Error(line, it->second, "column given twice");
      columns_[it->second] = static_cast<int>(i);
    }
    for (Column required : {kId, kName}) {
      if (columns_[required] < 0) return Error(line, required, "the header lacks this column");
    }
    header_size_ = f.size();
    header_read_ = true;
    return std::nullopt;
  }

  std::string Cell(const std::vector<std::string>& f, Column c) const {
    const int i = columns_[c];
    return i >= 0 && static_cast<size_t>(i) < f.size() ? Trim(f[static_cast<size_t>(i)]) : "";
  }

  void AddContact(core::Unit& u, core::ContactRole role, const std::vector<std::string>& f,
                  Column name, Column phone, Column email) const {
    core::Contact c{role, Cell(f, name), Cell(f, phone), Cell(f, email)};
    if (!c.name.empty() || !c.phone.empty() || !c.email.empty()) u.contacts.push_back(c);
  }

  std::optional<LoadError> Row(int line, const std::vector<std::string>& f) {
    if (f.size() > header_size_ &&
        std::any_of(f.begin() + static_cast<long>(header_size_), f.end(),
                    [](const std::string& v) { return !Trim(v).empty(); })) {
      return Error(line, -1,
                   "has " + std::to_string(f.size()) + " fields, the header names " +
                       std::to_string(header_size_));
    }
    for (const std::string& v : f) {
      if (!core::IsValidUtf8(v)) {
        return Error(line, -1, "is not valid UTF-8 (save the spreadsheet as \"CSV UTF-8\")");
      }
    }
    core::Unit u;
    u.id = Cell(f, kId);
    u.name = Cell(f, kName);
    const std::string kind = Cell(f, kKind);
    auto parsed = kind.empty() ? core::UnitKind::kSchool : ParseUnitKindText(kind);
    if (!parsed) return Error(line, kKind, "unknown kind '" + kind + "'");
    u.kind = *parsed;
    u.parent_id = Cell(f, kParent);
    u.time_zone = Cell(f, kTimeZone);
    auto paused = ParsePaused(Cell(f, kPaused));
    if (!paused) return Error(line, kPaused, "must be true or false");
    u.paused = *paused;
    u.paused_reason = Cell(f, kPausedReason);
    AddContact(u, core::ContactRole::kPrimaryAccountable, f, kPrincipalName, kPrincipalPhone,
               kPrincipalEmail);
    AddContact(u, core::ContactRole::kSupervisingLeader, f, kLeaderName, kLeaderPhone,
               kLeaderEmail);
    AddContact(u, core::ContactRole::kDutyContact, f, kDutyName, kDutyPhone, kDutyEmail);
    if (auto problem = CheckUnitFields(u)) {
      problem->file = file_;
      problem->line = line;
      return problem;
    }
    out_.units.push_back(std::move(u));
    out_.lines.push_back(line);
    return std::nullopt;
  }

  std::string file_;
  OrgUnits out_;
  std::vector<int> columns_;  // Column -> field index, -1 when absent
  size_t header_size_ = 0;
  bool header_read_ = false;
};

}  // namespace

std::variant<OrgUnits, LoadError> ParseOrgCsv(std::string_view text, const std::string& file) {
  return CsvOrgReader(file).Read(text);
}

OrgCsvResult ParseOrgCsvCollecting(std::string_view text, const std::string& file) {
  OrgCsvResult result;
  auto read = CsvOrgReader(file).Read(text, &result.errors);
  if (auto* e = std::get_if<LoadError>(&read)) {
    result.errors.push_back(std::move(*e));
  } else {
    result.units = std::get<OrgUnits>(std::move(read));
  }
  return result;
}

std::variant<OrgUnits, LoadError> ImportOrgCsv(const std::string& path) {
  auto text = ReadTextFile(path);
  if (auto* e = std::get_if<LoadError>(&text)) return *e;
  return ParseOrgCsv(std::get<std::string>(text), path);
}

}  // namespace pingan::config
