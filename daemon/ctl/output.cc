#include "daemon/ctl/output.h"

#include <algorithm>

namespace pingan::ctl {
namespace {

using nlohmann::json;

std::string Cell(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// Keys of the first object, in its order (nlohmann sorts them: stable for tables).
std::vector<std::string> ColumnsOf(const json& rows) {
  std::vector<std::string> columns;
  if (rows.empty() || !rows[0].is_object()) return columns;
  for (const auto& [key, value] : rows[0].items()) columns.push_back(key);
  return columns;
}

void PrintObjectAt(std::ostream& out, const json& object, const std::string& prefix) {
  std::vector<std::pair<std::string, const json*>> tables;
  for (const auto& [key, value] : object.items()) {
    if (value.is_object()) {
      PrintObjectAt(out, value, prefix + key + ".");
    } else if (value.is_array() && !value.empty() && value[0].is_object()) {
      tables.emplace_back(prefix + key, &value);
    } else if (value.is_array()) {
      std::string joined;
      for (const json& v : value) joined += (joined.empty() ? "" : ", ") + Cell(v);
      out << prefix << key << ": " << joined << "\n";
    } else {
      out << prefix << key << ": " << Cell(value) << "\n";
    }
  }
  for (const auto& [name, rows] : tables) {
    out << "\n" << name << "\n";
    PrintTable(out, *rows, ColumnsOf(*rows));
  }
}

void PrintImport(std::ostream& out, const json& r) {
  if (r.value("applied", false)) {
    out << "added " << Cell(r["added"]) << ", updated " << Cell(r["updated"]) << ", ";
  } else {
    out << (r.value("dry_run", false) ? "dry run: would add " : "not applied: would add ")
        << Cell(r["added"]) << ", update " << Cell(r["updated"]) << ", ";
  }
  out << Cell(r["unchanged"]) << " unchanged\n";
  for (const char* list : {"added_ids", "updated_ids"}) {
    const json ids = r.value(list, json::array());
    if (ids.empty()) continue;
    std::string joined;
    for (size_t i = 0; i < ids.size() && i < 20; ++i) joined += (i ? " " : "") + Cell(ids[i]);
    out << list << ": " << joined << (ids.size() > 20 ? " ..." : "") << "\n";
  }
  PrintErrors(out, r.value("errors", json::array()));
}

void PrintAlert(std::ostream& out, const json& result) {
  for (const char* key : {"id", "kind", "school_id", "school_name", "requirement_id", "window_id",
                          "severity", "state", "created_at", "acknowledged_by", "ack_expires_at",
                          "resolve_reason", "policy", "step", "pass", "next_wakeup"}) {
    out << key << ": " << Cell(result.value(key, json())) << "\n";
  }
  out << "\ntimeline\n";
  PrintTable(out, result["timeline"], {"at", "actor", "what", "comment"});
  out << "\nnotified\n";
  PrintTable(out, result["notified"], {"name", "channels", "first_at"});
  out << "\nnotifications\n";
  PrintTable(
      out, result["outbox"],
      {"id", "kind", "recipient", "channel", "state", "attempts", "next_attempt", "last_error"});
}

void PrintKeyChange(std::ostream& out, const std::string& control, const json& r) {
  const std::string school = Cell(r["school_id"]);
  if (control == "keys.revoke") {
    out << "school " << school << ": key " << Cell(r["fingerprint"]) << " revoked\n"
        << Cell(r["note"]) << "\n";
  } else if (r.value("unchanged", false)) {
    out << "school " << school << ": key " << Cell(r["fingerprint"]) << " was already enrolled\n";
  } else {
    out << "school " << school << ": key " << Cell(r["fingerprint"]) << " enrolled";
    if (r.value("replaced", false)) out << " (replaces " << Cell(r["previous_fingerprint"]) << ")";
    out << "\n";
  }
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : 4;
    uint32_t cp = len == 1 ? c : c & (0xff >> (len + 1));
    for (size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
    }
    const bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                      (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                      (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

void PrintTable(std::ostream& out, const json& rows, const std::vector<std::string>& columns) {
  std::vector<size_t> width;
  for (const auto& c : columns) width.push_back(DisplayWidth(c));
  for (const auto& row : rows) {
    for (size_t i = 0; i < columns.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(Cell(row.value(columns[i], json()))));
    }
  }
  auto print_row = [&](auto cell) {
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string text = cell(i);
      out << text << std::string(width[i] - DisplayWidth(text) + 2, ' ');
    }
    out << "\n";
  };
  print_row([&](size_t i) { return columns[i]; });
  for (const auto& row : rows)
    print_row([&](size_t i) { return Cell(row.value(columns[i], json())); });
  if (rows.empty()) out << "(none)\n";
}

void PrintObject(std::ostream& out, const json& object) {
  if (!object.is_object()) {
    out << object.dump(2) << "\n";
    return;
  }
  PrintObjectAt(out, object, "");
}

void PrintErrors(std::ostream& out, const json& errors) {
  if (!errors.is_array() || errors.empty()) return;
  out << errors.size() << (errors.size() == 1 ? " problem" : " problems") << "\n";
  PrintTable(out, errors, {"line", "column", "message"});
}

namespace {

// A backup and what the operator keeps beside it.
void PrintBackup(std::ostream& out, const json& r) {
  out << "backed up " << Cell(r["database"]) << " to " << Cell(r["path"]) << ": "
      << Cell(r["bytes"]) << " bytes, " << Cell(r["pages"]) << " pages, " << Cell(r["duration_ms"])
      << " ms, quick_check " << Cell(r["check"]) << "\n"
      << "not in the backup; keep these separately (they change rarely):\n";
  PrintTable(out, r["keep_separately"], {"path", "what", "exists"});
}

// Each calendar with its periods, then the requirements and who is told; not the JSON
// tree.
void PrintCalendars(std::ostream& out, const json& r) {
  out << "default time zone " << Cell(r["time_zone"]) << "\n";
  for (const json& cal : r.value("calendars", json::array())) {
    out << "\ncalendar " << Cell(cal["name"]) << " (" << Cell(cal["time_zone"]) << ")"
        << (Cell(cal["scope"]).empty() ? "" : " for " + Cell(cal["scope"])) << "\n";
    PrintTable(out, cal["periods"], {"name", "kind", "tags", "first", "last", "scope"});
    if (!cal.value("adjusted_working_days", json::array()).empty()) {
      PrintObject(out, json{{"adjusted working days (调休)", cal["adjusted_working_days"]}});
    }
  }
  out << "\nrequirements\n";
  PrintTable(out, r.value("requirements", json::array()),
             {"id", "name", "kind", "scope", "during", "recurrence", "shift", "deadlines",
              "due_day_offset", "grace", "disabled"});
  PrintRouting(out, r);
}

// Exemptions as a table: scope and requirements flattened to text.
void PrintExemptions(std::ostream& out, const json& list) {
  json rows = json::array();
  for (const json& e : list) {
    std::string requirements;
    for (const json& r : e.value("requirements", json::array()))
      requirements += (requirements.empty() ? "" : ",") + Cell(r["id"]);
    rows.push_back({{"id", e["id"]},
                    {"from", e["from"]},
                    {"to", e["to"]},
                    {"scope", Cell(e["scope"]["id"]) + " " + Cell(e["scope"]["name"])},
                    {"requirements", requirements.empty() ? "all" : requirements},
                    {"state", e["state"]},
                    {"reason", e["reason"]},
                    {"by", e["created_by"]}});
  }
  PrintTable(out, rows, {"id", "from", "to", "scope", "requirements", "state", "reason", "by"});
}

void PrintStats(std::ostream& out, const json& r) {
  out << "period " << Cell(r["from"]) << ".." << Cell(r["to"]) << " (" << Cell(r["time_zone"])
      << ")";
  if (!r["unit"].value("id", "").empty()) out << " unit " << Cell(r["unit"]["id"]);
  out << "\n";
  const std::vector<std::string> counts{"owed",    "on_time", "late",        "missing",
                                        "excused", "pending", "on_time_rate"};
  PrintTable(out, json::array({r["total"]}), counts);
  out << "\nper day\n";
  std::vector<std::string> columns{"date"};
  columns.insert(columns.end(), counts.begin(), counts.end());
  PrintTable(out, r["days"], columns);
  columns[0] = "id";
  columns.insert(columns.begin() + 1, "name");
  out << "\nper unit\n";
  PrintTable(out, r["units"], columns);
  out << "\nlate or missing on at least " << Cell(r["repeat_days"]) << " days\n";
  PrintTable(out, r["repeated"],
             {"school_id", "name", "district", "late_days", "missing_days", "days"});
  out << "\nalerts\n";
  json alerts = json::array();
  for (const auto& [kind, h] : r["alerts"].items()) {
    json row = h;
    row["kind"] = kind;
    alerts.push_back(row);
  }
  json incidents = r["incidents"];
  incidents["kind"] = "incident_case";
  alerts.push_back(incidents);
  PrintTable(out, alerts,
             {"kind", "raised", "open", "acknowledged", "closed", "median_ack_minutes",
              "median_close_minutes"});
  out << "\nincidents by category " << r["incidents"]["by_category"].dump()
      << "\nincidents by severity " << r["incidents"]["by_severity"].dump() << "\n";
}

}  // namespace

void PrintHuman(std::ostream& out, const std::string& control, const json& result) {
  if (control == "tokens.create") {
    // The comment line lets `tokens create ... > file` make a ready token file.
    out << "# API token " << Cell(result["label"]) << " (shown only this once):\n"
        << Cell(result["token"]) << "\n";
  } else if (control == "deadlines.next") {
    PrintTable(out, result, {"deadline", "requirement_id", "window_id", "time_zone", "schools"});
  } else if (control == "ledger.today") {
    out << "date " << Cell(result["date"]) << "\n";
    PrintTable(out, result["windows"],
               {"requirement_id", "window_id", "deadline", "schools", "on_time", "late", "missing",
                "excused", "outstanding"});
  } else if (control == "missing") {
    PrintTable(
        out, result,
        {"school_id", "school_name", "requirement_id", "window_id", "deadline", "alert_state"});
  } else if (control == "alerts") {
    PrintTable(out, result,
               {"id", "kind", "school_id", "school_name", "window_id", "state", "step",
                "next_wakeup", "notified"});
  } else if (control == "alert.show") {
    PrintAlert(out, result);
  } else if (control == "alert.ack" || control == "alert.resolve" || control == "alert.comment") {
    // Written by the daemon's store thread right after this answer; `alert show` then
    // shows it on the timeline.
    out << "alert " << Cell(result["id"]) << ": " << Cell(result.value("state", "commented"))
        << " (accepted)\n";
  } else if (control == "outbox") {
    out << "counts " << result["counts"].dump() << "\n";
    PrintTable(out, result["rows"],
               {"id", "kind", "alerts", "recipient", "channel", "state", "attempts", "next_attempt",
                "lease_until", "last_error"});
  } else if (control == "rosters.gaps") {
    // Local times are in each unit's zone (time_zone column).
    out << "roster gaps in public holidays and major events, next " << Cell(result["days"])
        << " days\n";
    if (!result.value("escalation", false)) out << "(escalation is not configured)\n";
    PrintTable(out, result["gaps"],
               {"unit_id", "unit_name", "from_local", "to_local", "time_zone", "hours", "period",
                "period_kind"});
  } else if (control == "clock.now" || control == "clock.advance") {
    out << "now " << Cell(result["now"])
        << (result.contains("clock") ? " (" + Cell(result["clock"]) + " clock)" : "") << "\n";
  } else if (control == "text_key.rotate") {
    out << "new key in " << Cell(result["key"]) << "; " << Cell(result["resealed"])
        << " texts resealed\nthe old key is " << Cell(result["retired_key"])
        << ": keep it as long as older backups are kept, then delete it\n";
  } else if (control == "store.check") {
    out << Cell(result["check"]) << " " << (result.value("ok", false) ? "ok" : "FAILED: ")
        << (result.value("ok", false) ? "" : Cell(result["problems"])) << " ("
        << Cell(result["seconds"]) << " s)\n";
    if (result.value("stopping", false)) {
      out << "pingand stops now (exit status 65) and acknowledges no more reports: keep the "
             "damaged file and restore the last backup (pinganctl restore)\n";
    }
  } else if (control == "clock.confirm") {
    out << (result.value("released", false) ? "released: deadlines are decided again"
                                            : "no clock step was held")
        << "; now " << Cell(result["now"]) << "\n";
  } else if (control == "users.list") {
    PrintTable(out, result, {"name", "role", "scope", "disabled", "created_at"});
  } else if (control == "users.add" || control == "users.passwd" || control == "users.disable") {
    for (const auto& [what, name] : result.items()) out << what << " " << Cell(name) << "\n";
  } else if (control == "keys.list") {
    PrintTable(out, result,
               {"school_id", "school_name", "fingerprint", "enrolled_at", "in_org", "public_key"});
  } else if (control == "keys.enroll" || control == "keys.revoke") {
    PrintKeyChange(out, control, result);
  } else if (control == "schools.import") {
    PrintImport(out, result);
  } else if (control == "incident.show") {
    PrintObject(out, result);
  } else if (control == "backup") {
    PrintBackup(out, result);
  } else if (control == "exemptions") {
    PrintExemptions(out, result);
  } else if (control == "exemption.add" || control == "exemption.withdraw") {
    // Written by the daemon's store thread right after this answer.
    out << "exemption " << Cell(result["id"]) << " " << Cell(result["from"]) << ".."
        << Cell(result["to"]) << " " << Cell(result["scope"]["id"]) << ": "
        << (control == "exemption.add" ? "added" : "withdrawn") << " (accepted)\n";
  } else if (control == "stats") {
    PrintStats(out, result);
  } else if (control == "handover.sign" || control == "handover.ack") {
    // Written by the daemon's store thread right after this answer.
    out << "hand-over " << Cell(result["id"]) << ": "
        << (control == "handover.sign" ? "signed by " + Cell(result["signed_by"])
                                       : "acknowledged by " + Cell(result["acked_by"]))
        << " (accepted)\n";
  } else if (control == "calendar.show") {
    PrintCalendars(out, result);
  } else if (result.is_array()) {
    // Human text for every command, JSON only with --json: a list is a table.
    PrintTable(out, result, ColumnsOf(result));
  } else {
    PrintObject(out, result);  // fields, and their lists as tables
  }
}

}  // namespace pingan::ctl
