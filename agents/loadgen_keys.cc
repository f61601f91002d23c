#include "agents/loadgen_keys.h"

#include <sodium.h>
#include <zmq.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace pingan::agent::loadgen {
namespace fs = std::filesystem;

std::string SchoolId(const FleetNaming& naming, int64_t number) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%06lld", static_cast<long long>(number));
  return naming.prefix + digits;
}

wire::CurveKeyPair DeriveSchoolKeys(const std::string& seed, int64_t number) {
  const std::string input = "pingan-loadgen/" + seed + "/" + std::to_string(number);
  uint8_t secret[32];
  crypto_generichash(secret, sizeof secret, reinterpret_cast<const uint8_t*>(input.data()),
                     input.size(), nullptr, 0);
  char secret_z85[41] = {};
  char public_z85[41] = {};
  if (zmq_z85_encode(secret_z85, secret, sizeof secret) == nullptr ||
      zmq_curve_public(public_z85, secret_z85) != 0) {
    throw std::runtime_error("cannot derive a CURVE key (libzmq built without CURVE?)");
  }
  sodium_memzero(secret, sizeof secret);
  return {public_z85, secret_z85};
}

namespace {

std::optional<std::string> WriteList(const FleetNaming& naming, const fs::path& path) {
  if (fs::exists(path)) return path.string() + " exists; remove it or choose another --out";
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "# pingan-loadgen test keys (seed '" << naming.seed << "'): NOT for production\n";
    for (int64_t i = 0; i < naming.schools; ++i) {
      const int64_t n = naming.first + i;
      out << SchoolId(naming, n) << ' ' << DeriveSchoolKeys(naming.seed, n).public_z85 << '\n';
    }
    out.flush();
    if (!out) return "cannot write " + tmp.string();
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return "cannot rename " + tmp.string() + ": " + ec.message();
  return std::nullopt;
}

}  // namespace

std::optional<std::string> WriteLoadgenKeys(const FleetNaming& naming, KeyFormat format,
                                            const std::string& out_dir) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return "cannot create " + out_dir + ": " + ec.message();
  if (format == KeyFormat::kList) return WriteList(naming, fs::path(out_dir) / kKeyListName);
  for (int64_t i = 0; i < naming.schools; ++i) {
    const int64_t n = naming.first + i;
    const std::string path = (fs::path(out_dir) / (SchoolId(naming, n) + ".pub")).string();
    if (auto error = wire::WritePublicKeyFile(path, DeriveSchoolKeys(naming.seed, n).public_z85)) {
      return error->message;
    }
  }
  return std::nullopt;
}

}  // namespace pingan::agent::loadgen
