#include "daemon/ingest/curve_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "daemon/core/report.h"
#include "daemon/core/text.h"

namespace pingan::wire {
namespace {

namespace fs = std::filesystem;

using core::Trim;

KeyError Error(const std::string& path, int line, const std::string& what) {
  return KeyError{path + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what};
}

// Writes `content` to `path` whole or not at all, and never over an existing file: into
// `<path>.tmp` first (fsynced), then linked to `path` (link fails when it exists), so a
// crash leaves no empty or half-written key behind.
std::variant<std::monostate, KeyError> WriteFile(const std::string& path,
                                                 const std::string& content, mode_t mode) {
  if (fs::exists(path)) return Error(path, 0, "cannot create: File exists");
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error(tmp, 0, std::string("cannot create: ") + std::strerror(errno));
  ::fchmod(fd, mode);  // umask may have narrowed or widened nothing else
  const ssize_t n = ::write(fd, content.data(), content.size());
  const bool ok = n == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return Error(path, 0, "write failed");
  }
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0)
    return Error(path, 0, std::string("cannot create: ") + std::strerror(link_errno));
  // The directory entry itself must survive a power cut too.
  const int dir =
      ::open(fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().c_str(),
             O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return std::monostate{};
}

}  // namespace

CurveKeyPair GenerateCurveKeyPair() {
  char pub[41] = {};
  char sec[41] = {};
  if (zmq_curve_keypair(pub, sec) != 0) {
    throw std::runtime_error("libzmq was built without CURVE support");
  }
  return CurveKeyPair{pub, sec};
}

bool IsZ85Key(std::string_view text) {
  if (text.size() != 40) return false;
  uint8_t decoded[32];
  const std::string copy(text);
  return zmq_z85_decode(decoded, copy.c_str()) != nullptr;
}

std::variant<std::monostate, KeyError> WriteKeyPair(const std::string& base,
                                                    const CurveKeyPair& keys) {
  const std::string secret =
      "# pingan CURVE secret key. Keep private.\npublic: " + keys.public_z85 +
      "\nsecret: " + keys.secret_z85 + "\n";
  if (auto r = WriteFile(base + ".key", secret, 0600); std::holds_alternative<KeyError>(r)) {
    return r;
  }
  return WriteFile(base + ".pub", keys.public_z85 + "\n", 0644);
}

std::optional<KeyError> WritePublicKeyFile(const std::string& path, const std::string& public_z85) {
  auto written = WriteFile(path, public_z85 + "\n", 0644);
  if (auto* err = std::get_if<KeyError>(&written)) return *err;
  return std::nullopt;
}

std::variant<CurveKeyPair, KeyError> ReadSecretKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error(path, 0, "cannot open secret key file");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
    return Error(path, 0, "secret key file is readable by others; chmod 600 it");
  }
  CurveKeyPair keys;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    const auto colon = line.find(':');
    const std::string name = colon == std::string::npos ? "" : Trim(line.substr(0, colon));
    const std::string value = colon == std::string::npos ? "" : Trim(line.substr(colon + 1));
    if (!IsZ85Key(value) || (name != "public" && name != "secret")) {
      return Error(path, n, "expected 'public: <z85 key>' or 'secret: <z85 key>'");
    }
    (name == "public" ? keys.public_z85 : keys.secret_z85) = value;
  }
  if (keys.public_z85.empty() || keys.secret_z85.empty()) {
    return Error(path, 0, "needs both a public and a secret line");
  }
  return keys;
}

std::variant<std::string, KeyError> ReadPublicKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error(path, 0, "cannot open public key file");
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (!IsZ85Key(line)) return Error(path, n, "not a 40-character Z85 CURVE public key");
    return line;
  }
  return Error(path, 0, "holds no key");
}

namespace {

// Strict when `skipped` is null (the first bad entry is the answer), else lenient.
std::variant<SchoolKeys, KeyError> LoadKeys(const std::string& dir_or_file,
                                            std::vector<KeyError>* skipped) {
  SchoolKeys keys;
  std::set<std::string> seen_keys;
  auto add = [&](const std::string& school, const std::string& key, const std::string& where,
                 int line) -> std::optional<KeyError> {
    if (!core::IsValidSchoolId(school))
      return Error(where, line, "invalid school id '" + school + "'");
    if (keys.count(school) > 0) return Error(where, line, "school '" + school + "' listed twice");
    if (seen_keys.count(key) > 0)
      return Error(where, line, "key of '" + school + "' is already another school's");
    keys.emplace(school, key);  // only entries that are wholly fine
    seen_keys.insert(key);
    return std::nullopt;
  };
  std::error_code ec;
  if (fs::is_directory(dir_or_file, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir_or_file, ec)) {
      if (entry.path().extension() == ".pub") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      auto key = ReadPublicKeyFile(file.string());
      std::optional<KeyError> err;
      if (auto* bad = std::get_if<KeyError>(&key)) err = *bad;
      if (!err) err = add(file.stem().string(), std::get<std::string>(key), file.string(), 0);
      if (err && skipped == nullptr) return *err;
      if (err) skipped->push_back(*err);
    }
    return keys;
  }
  std::ifstream in(dir_or_file);
  if (!in) return Error(dir_or_file, 0, "is neither a key directory nor a readable key list");
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string school, key, extra;
    fields >> school >> key;
    std::optional<KeyError> err;
    if (!IsZ85Key(key) || (fields >> extra)) {
      err = Error(dir_or_file, n, "expected '<school_id> <z85 public key>'");
    }
    if (!err) err = add(school, key, dir_or_file, n);
    if (err && skipped == nullptr) return *err;
    if (err) skipped->push_back(*err);
  }
  return keys;
}

}  // namespace

std::variant<SchoolKeys, KeyError> LoadSchoolKeys(const std::string& dir_or_file) {
  return LoadKeys(dir_or_file, nullptr);
}

std::variant<SchoolKeys, KeyError> LoadUsableSchoolKeys(const std::string& dir_or_file,
                                                        std::vector<KeyError>* skipped) {
  std::vector<KeyError> ignored;
  return LoadKeys(dir_or_file, skipped != nullptr ? skipped : &ignored);
}

}  // namespace pingan::wire
