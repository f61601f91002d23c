#include "daemon/services/admin_commands.h"

#include "daemon/services/admin_json.h"

namespace pingan::services {
namespace {

using nlohmann::json;

// true, 1, "1", "true", "yes"
bool Flag(const json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return false;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number_integer()) return it->get<int>() != 0;
  if (it->is_string()) {
    const std::string v = it->get<std::string>();
    return v == "1" || v == "true" || v == "yes";
  }
  throw ControlError("bad_request", std::string("'") + key + "' must be true or false");
}

SchoolImportRequest ImportRequestOf(const json& args) {
  SchoolImportRequest r{TextArg(args, "csv"), Flag(args, "dry_run"), TextArg(args, "file"),
                        TextArg(args, "actor")};
  if (r.file.empty()) r.file = "import.csv";
  return r;
}

}  // namespace

void RegisterAdminCommands(ControlServer& server, const AdminService& admin) {
  const AdminService* a = &admin;
  server.Register("users.list", [a](const json&) { return ToJson(a->Users()); });
  server.Register("keys.list", [a](const json&) { return ToJson(a->Keys()); });
  server.RegisterChange("keys.enroll", [a](const json& args) {
    return ToJson(a->EnrolKey(
        {TextArg(args, "school"), TextArg(args, "public_key"), TextArg(args, "actor")}));
  });
  server.RegisterChange("keys.revoke", [a](const json& args) {
    return ToJson(a->RevokeKey({TextArg(args, "school"), TextArg(args, "actor")}));
  });
  server.RegisterChange("schools.import", [a](const json& args) {
    return ToJson(a->ImportSchools(ImportRequestOf(args)));
  });
  server.Register("export.ledger", [a](const json& args) {
    return ToJson(
        a->ExportLedger(ParseExportRequest(TextArg(args, "from"), TextArg(args, "to"),
                                           TextArg(args, "unit"), TextArg(args, "scope"))));
  });
  RegisterBackupCommand(server, admin.context());
}

}  // namespace pingan::services
