// Organisation loaders: units from YAML (the bureaus, written by hand) and from CSV (the
// school lists bureaus keep in spreadsheets), combined into one core::OrgTree. Every
// error names the file, the line and the key or column. See
// daemon/config/examples/org.example.yaml and schools.example.csv for the formats.
//
// CSV format: UTF-8 (a leading byte-order mark is skipped; other encodings such as GBK
// are refused with a hint), comma-separated, RFC 4180 quoting ("a, b", "say ""hi""",
// line breaks inside quotes; core/csv.h), CRLF or LF line ends. The first non-comment row is a
// header naming the columns, in any order; lines starting with '#' and blank lines are
// skipped. Columns (Chinese header aliases in brackets):
//   id [编号, 代码]           required; 1..64 of A-Z a-z 0-9 _ . - starting with a letter/digit
//   name [名称]               required
//   kind [类型]               school (default) | kindergarten | township | district | city |
//                             province, or 学校 | 幼儿园 | 中心校 | 区县 | 市 | 省
//   parent [上级]             id of the parent unit (empty for a root)
//   time_zone [时区]          IANA zone, empty = inherit
//   principal_name/_phone/_email [第一责任人, 第一责任人电话, 第一责任人邮箱]
//   leader_name/_phone/_email    [分管领导, 分管领导电话, 分管领导邮箱]
//   duty_name/_phone/_email      [值班人, 值班电话, 值班邮箱]
//   paused [暂停]             true/false, yes/no, 1/0, 是/否; empty = false
//   paused_reason [暂停原因]  why (closed, merged into ...)
// A contact is created for a role when any of its name, phone or email is non-empty.
//
// Plain functions; they read files and keep no state. Safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "daemon/config/load_error.h"
#include "daemon/core/org_tree.h"

namespace pingan::config {

// Units as loaded from one file, with the line each was defined on (parallel to
// `units`), so that tree-level errors (unknown parent, cycle) can name a line.
struct OrgUnits {
  std::string file;
  std::vector<core::Unit> units;
  std::vector<int> lines;
};

// YAML: a top-level `units:` list; a unit may nest its children under `children:`.
std::variant<OrgUnits, LoadError> LoadOrgUnitsYaml(const std::string& path);
std::variant<OrgUnits, LoadError> ParseOrgUnitsYaml(const std::string& text,
                                                    const std::string& file);

// CSV as described above.
std::variant<OrgUnits, LoadError> ImportOrgCsv(const std::string& path);
std::variant<OrgUnits, LoadError> ParseOrgCsv(std::string_view text, const std::string& file);
// Like ParseOrgCsv, but a bad row does not end the parse: each row's error is kept (in
// line order) beside the good rows, so that an import can list all its problems at
// once. A bad header or broken quoting still ends it (that error comes last).
struct OrgCsvResult {
  OrgUnits units;
  std::vector<LoadError> errors;
};
OrgCsvResult ParseOrgCsvCollecting(std::string_view text, const std::string& file);

// Concatenates the parts (e.g. bureaus from YAML, schools from CSV) and builds the tree.
// A duplicate id across parts, an unknown parent or a cycle names the offending line.
std::variant<core::OrgTree, LoadError> BuildOrgTree(std::vector<OrgUnits> parts);

// LoadOrgUnitsYaml + BuildOrgTree for a single YAML file.
std::variant<core::OrgTree, LoadError> LoadOrgTreeYaml(const std::string& path);

// Field checks shared by the YAML and CSV loaders: id syntax (ids travel in reports),
// non-empty name, known time zone, plausible phone numbers and e-mail addresses. The
// problem (key and message; the caller adds the file and line), or nullopt.
std::optional<LoadError> CheckUnitFields(const core::Unit& unit);

// Unit kinds as written in files: the English names of core::ParseUnitKind plus
// "kindergarten" and the Chinese ones listed above.
std::optional<core::UnitKind> ParseUnitKindText(std::string_view text);

}  // namespace pingan::config
