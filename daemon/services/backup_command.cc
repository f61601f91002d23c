#include "daemon/services/backup_command.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <future>
#include <memory>

#include "daemon/config/school_import.h"
#include "daemon/core/local_time.h"
#include "daemon/services/admin_service.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/backup.h"
#include "daemon/store/text_seal.h"

namespace pingan::services {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool ForceArg(const json& args) {
  auto it = args.find("force");
  if (it == args.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw ControlError("bad_request", "'force' must be true or false");
  return it->get<bool>();
}

json KeepList(const BackupSources& sources) {
  json out = json::array();
  for (const KeptFile& k : sources.keep) {
    std::error_code ec;
    out.push_back({{"path", k.path}, {"what", k.what}, {"exists", fs::exists(k.path, ec)}});
  }
  return out;
}

json Backup(const AdminCommandContext& c, const json& args) {
  const std::string path = TextArg(args, "path", true);
  if (path.empty() || !fs::path(path).is_absolute()) {
    throw ControlError("bad_request",
                       "'path' must be an absolute file name (the daemon's working directory "
                       "is not the caller's)");
  }
  store::BackupOptions options;
  options.overwrite = ForceArg(args);
  auto lease = c.reads.Acquire();
  auto copied = store::BackupDatabase(lease.db(), path, options);
  if (auto* e = std::get_if<store::BackupError>(&copied)) {
    spdlog::warn("backup to {} refused: {}", path, e->message);
    throw ControlError(e->code, e->message);
  }
  const store::BackupResult& r = std::get<store::BackupResult>(copied);
  std::string actor = TextArg(args, "actor");
  store::AuditEntry entry{c.wall_clock.Now(), actor.empty() ? "control" : actor, "database.backup",
                          r.path, "bytes=" + std::to_string(r.bytes)};
  c.writer.Post([entry](store::Database& db) { store::AppendAudit(db, entry); });
  spdlog::info("database backed up to {}: {} bytes, {} pages in {} ms", r.path, r.bytes, r.pages,
               r.duration.count());
  return json{{"path", r.path},
              {"database", lease.db().path()},
              {"bytes", r.bytes},
              {"pages", r.pages},
              {"duration_ms", r.duration.count()},
              {"check", "ok"},
              {"keep_separately", KeepList(c.backup)}};
}

json RotateTextKey(const AdminCommandContext& c, const json& args) {
  using Outcome = std::variant<store::TextKeyRotation, std::string>;
  auto done = std::make_shared<std::promise<Outcome>>();
  std::future<Outcome> answer = done->get_future();
  c.writer.Post([done, key = c.backup.text_key](store::Database& db) {
    done->set_value(store::RotateTextKey(db, key));
  });
  const Outcome outcome = answer.get();  // the writer reseals every protected text
  if (const auto* error = std::get_if<std::string>(&outcome)) {
    spdlog::error("text key rotation failed: {}", *error);
    throw ControlError("rotate_failed", *error);
  }
  const auto& r = std::get<store::TextKeyRotation>(outcome);
  std::string actor = TextArg(args, "actor");
  store::AuditEntry entry{c.wall_clock.Now(), actor.empty() ? "control" : actor, "text_key.rotate",
                          c.backup.text_key, "resealed=" + std::to_string(r.resealed)};
  c.writer.Post([entry](store::Database& db) { store::AppendAudit(db, entry); });
  spdlog::warn(
      "text key rotated: {} texts resealed under the new {}; the old key is now {}: keep it "
      "as long as backups taken before now are kept, then delete it",
      r.resealed, c.backup.text_key, r.retired_file);
  return json{
      {"key", c.backup.text_key}, {"resealed", r.resealed}, {"retired_key", r.retired_file}};
}

}  // namespace

BackupSources BackupSourcesOf(const config::DaemonConfig& config) {
  BackupSources s;
  s.database = config.DataPath(config.database);
  auto keep = [&s](const std::string& path, const std::string& what) {
    if (!path.empty()) s.keep.push_back({fs::absolute(path).lexically_normal().string(), what});
  };
  const std::string key = config.DataPath(config.server_key_file);
  keep(key, "the daemon's CURVE secret key (without it every school needs a new daemon.pub)");
  if (key.ends_with(".key")) {
    keep(key.substr(0, key.size() - 4) + ".pub", "the daemon's public key, as given to agents");
  }
  const std::string text_key = config.DataPath(config.text_key_file);
  s.text_key = text_key;
  keep(text_key, "the key sealing protected incident text (without it that text cannot be read)");
  std::error_code ec;
  const fs::path key_dir = fs::path(text_key).parent_path();
  for (const auto& entry : fs::directory_iterator(key_dir, ec)) {
    if (entry.path().filename().string().starts_with(fs::path(text_key).filename().string() +
                                                     ".retired-")) {
      keep(entry.path().string(), "a retired text key (opens text in backups older than it)");
    }
  }
  keep(config.DataPath(config.school_keys), "enrolled school public keys (and revoked ones)");
  keep(config.DataPath(config::kImportedSchoolsFile),
       "schools added or changed by `pinganctl schools import`");
  if (config.source != config::DaemonConfig{}.source)
    keep(config.source, "pingand's configuration");
  auto config_file = [&](const std::string& file, const std::string& what) {
    if (!file.empty()) keep(config.ConfigPath(file), what);
  };
  config_file(config.org_file, "organisation (org.file)");
  config_file(config.schools_csv, "school list (org.csv)");
  config_file(config.calendars_file, "calendars and requirements");
  config_file(config.escalation_file, "escalation policies, rosters and channels");
  config_file(config.http.tls_cert_file, "TLS certificate");
  config_file(config.http.tls_key_file, "TLS private key");
  return s;
}

void RegisterBackupCommand(ControlServer& server, const AdminCommandContext& context) {
  server.Register("backup", [context](const json& args) { return Backup(context, args); });
  server.RegisterChange("text_key.rotate",
                        [context](const json& args) { return RotateTextKey(context, args); });
}

}  // namespace pingan::services
