#include "daemon/ctl/restore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <date/date.h>

#include "daemon/store/data_dir_lock.h"

namespace pingan::ctl {
namespace {

namespace fs = std::filesystem;

struct Failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// "20261001T080000Z": sortable, and safe in a file name.
std::string FileStamp(core::Instant now) {
  return date::format("%Y%m%dT%H%M%SZ", std::chrono::floor<std::chrono::seconds>(now));
}

// Renames the live database and its -wal and -shm to "<db>.replaced-<stamp>[-wal|-shm]"
// (together, so that the set-aside copy opens with everything it had committed).
std::vector<std::string> SetAside(const fs::path& db, core::Instant now) {
  std::vector<std::string> moved;
  const std::string aside = db.string() + ".replaced-" + FileStamp(now);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string from = db.string() + suffix;
    std::error_code ec;
    if (!fs::exists(from, ec)) continue;
    const std::string to = aside + suffix;
    if (::rename(from.c_str(), to.c_str()) != 0) {
      throw Failed(Errno("cannot move " + from + " aside") +
                   (moved.empty() ? "; nothing was changed" : "; already moved: " + moved[0]));
    }
    moved.push_back(to);
  }
  return moved;
}

// Copies `from` into a new file in `dir`, owned like `dir`, on disk; returns its name.
std::string CopyBeside(const std::string& from, const fs::path& dir, const std::string& name) {
  std::string tmp = (dir / ("." + name + ".restore-XXXXXX")).string();
  const int out = ::mkstemp(tmp.data());
  if (out < 0) throw Failed(Errno("cannot create a file in " + dir.string()));
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  bool ok = in >= 0;
  std::vector<char> buf(1 << 16);
  for (ssize_t n; ok && (n = ::read(in, buf.data(), buf.size())) != 0;) {
    ok = n > 0 && ::write(out, buf.data(), static_cast<size_t>(n)) == n;
  }
  struct stat owner {};
  if (ok && ::geteuid() == 0 && ::stat(dir.c_str(), &owner) == 0) {
    ok = ::fchown(out, owner.st_uid, owner.st_gid) == 0;
  }
  ok = ok && ::fsync(out) == 0;
  const std::string error = ok ? "" : Errno("cannot copy " + from + " into " + dir.string());
  if (in >= 0) ::close(in);
  ::close(out);
  if (!ok) {
    ::unlink(tmp.c_str());
    throw Failed(error + "; nothing was changed");
  }
  return tmp;
}

void SyncDir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::vector<std::string> MissingKeys(const fs::path& dir) {
  std::vector<std::string> missing;
  for (const char* name : {"daemon.key", "daemon.pub", "schools"}) {
    std::error_code ec;
    if (!fs::exists(dir / name, ec)) missing.push_back((dir / name).string());
  }
  return missing;
}

// Steps 3 and 4, under the lock, once the backup passed its check.
RestoreOutcome Install(const RestoreRequest& r, const fs::path& dir, RestoreOutcome outcome,
                       core::Instant now) {
  const fs::path db = fs::path(r.database).is_absolute() ? fs::path(r.database) : dir / r.database;
  std::error_code ec;
  if (fs::equivalent(r.backup, db, ec)) throw Failed(r.backup + " is the database itself");
  const std::string tmp = CopyBeside(r.backup, db.parent_path(), db.filename().string());
  try {
    outcome.set_aside = SetAside(db, now);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  if (::rename(tmp.c_str(), db.c_str()) != 0) {
    throw Failed(Errno("cannot rename " + tmp + " to " + db.string()) +
                 " (the previous database is set aside; rename it back)");
  }
  SyncDir(db.parent_path());
  outcome.installed = db.string();
  outcome.missing_keys = MissingKeys(dir);
  return outcome;
}

}  // namespace

std::variant<RestoreOutcome, std::string> RestoreDatabase(const RestoreRequest& request,
                                                          core::Instant now) {
  const fs::path dir = fs::absolute(request.data_dir);
  std::unique_ptr<store::DataDirLock> lock;  // first: refuse at once while pingand runs
  if (!request.check_only) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return dir.string() + " is not a directory";
    try {
      lock = std::make_unique<store::DataDirLock>(dir.string());
    } catch (const std::exception& e) {
      return std::string(e.what()) + "; nothing was changed";
    }
  }
  auto checked = store::CheckDatabaseFile(request.backup, store::CheckDepth::kFull);
  if (auto* e = std::get_if<std::string>(&checked)) return *e + "; nothing was changed";
  RestoreOutcome outcome;
  outcome.checked = std::get<store::CheckedDatabase>(checked);
  if (request.check_only) return outcome;
  try {
    return Install(request, dir, std::move(outcome), now);
  } catch (const std::exception& e) {  // Failed, filesystem errors
    return std::string(e.what());
  }
}

}  // namespace pingan::ctl
