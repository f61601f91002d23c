#!/usr/bin/env bash
# Sets up, builds and runs pingan's whole test suite: unit, integration (real daemon and
# agent processes on loopback) and, when present, the browser end-to-end tests.
# Works on a fresh Debian 12 machine as root. Usage: ./deploy/run-tests.sh [ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."

./deploy/install-deps.sh
preset=${PINGAN_PRESET:-release}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -j "$(nproc)" "$@"
