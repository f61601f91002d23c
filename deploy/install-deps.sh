#!/usr/bin/env bash
# Installs every Debian 12 package that pingan's build, tests, benchmarks and demo need.
# Idempotent: when everything is present it only runs dpkg-query and returns in about a
# second. Run as root (or with sudo available). Set PINGAN_NO_BROWSER=1 to skip the
# browser test tooling (Chromium, Node, playwright-core).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates tzdata
  libboost1.81-dev             # Asio event loop, Beast HTTP/SSE, Unordered (flat key/org tables)
  libzmq3-dev cppzmq-dev       # ZeroMQ 4.3 with CURVE, C++ bindings
  libprotobuf-dev protobuf-compiler
  libspdlog-dev libfmt-dev
  libsqlite3-dev libsqlitecpp-dev sqlite3
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  libcurl4-openssl-dev libsodium-dev
  libssl-dev                   # OpenSSL 3: HTTPS of the console (Asio ssl), test certs
  libhowardhinnant-date-dev    # time zones: g++ 12 has no std::chrono tzdb
  libical-dev                  # iCalendar import of holiday calendars and rosters
  libsystemd-dev               # sd_notify: READY, WATCHDOG, STOPPING under systemd
  libxlsxwriter-dev            # XLSX export of the period statistics (/stats)
  python3-openpyxl             # tests read the XLSX export back with an independent reader
  prometheus-cpp-dev           # /metrics: Prometheus data model and text format
  python3-prometheus-client    # tests parse /metrics with Prometheus' own parser
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-aiosmtpd     # real SMTP peer in integration tests
  clang-format
  clang-14 libclang-rt-14-dev  # libFuzzer with ASan/UBSan: tests/fuzz (preset fuzz)
  file                         # cpack -G DEB: finds the ELF files for dpkg-shlibdeps
  debootstrap                  # tests/packaging: a fresh Debian 12 root for the .debs
)
if [[ "${PINGAN_NO_BROWSER:-0}" != 1 ]]; then
  # A CJK font so that screenshots of the zh-CN console show text, not boxes.
  packages+=(chromium fonts-wqy-microhei)
  # A machine may already carry Node.js from elsewhere (with npm bundled); Debian's
  # nodejs/npm conflict with that, so install them only when no node is on PATH.
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

SUDO=""
if [[ $(id -u) != 0 ]]; then SUDO=sudo; fi

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# playwright-core drives Debian's Chromium in the console's browser tests; it is pinned
# in tests/e2e/package.json and never downloads a browser of its own.
e2e_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/e2e"
if [[ "${PINGAN_NO_BROWSER:-0}" != 1 && -f "$e2e_dir/package.json" && ! -d "$e2e_dir/node_modules/playwright-core" ]]; then
  (cd "$e2e_dir" && npm install --no-audit --no-fund --loglevel=error)
fi
echo "install-deps: all dependencies present"
