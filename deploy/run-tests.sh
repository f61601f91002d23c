#!/usr/bin/env bash
# Sets up, builds and runs pingan's whole test suite: unit, integration (real daemon and
# agent processes on loopback), when present the browser end-to-end tests, and then the
# fuzz targets for a bounded time.
# Works on a fresh Debian 12 machine as root. Usage: ./deploy/run-tests.sh [ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."

./deploy/install-deps.sh
preset=${PINGAN_PRESET:-release}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -j "$(nproc)" "$@"

# One clang-14 build with AddressSanitizer and UndefinedBehaviorSanitizer (preset fuzz)
# serves two checks, so CI compiles the libraries once for both:
# - the unit tests of what the network and the disk reach (core, store, ingest) and of
#   the HTTP server (console) run once more: a memory error, a leak or undefined
#   behaviour fails the run even where the release build happens to survive it. Each
#   binary runs whole (one process, faster than ctest's one process per test) with the
#   sanitizer options of the preset, read from CMakePresets.json;
# - the fuzz targets run each for PINGAN_FUZZ_SECONDS (20) from their seeds: bytes from
#   the network and uploaded files must never crash the daemon (13 targets at 20 s on
#   two cores, about 2 minutes; deploy/fuzz.sh runs them longer).
# PINGAN_SKIP_SANITIZE=1 leaves both out (e.g. when iterating on one test);
# PINGAN_SKIP_FUZZ=1 only the fuzzing. The whole suite under ASan+UBSan (g++):
# `cmake --build --preset asan-ubsan && ctest --preset asan-ubsan` (docs/reliability.md).
if [[ "${PINGAN_SKIP_SANITIZE:-0}" != 1 && $# -eq 0 ]]; then
  cmake --preset fuzz -DPINGAN_FUZZ_SECONDS="${PINGAN_FUZZ_SECONDS:-20}" >/dev/null
  cmake --build --preset fuzz -j "$(nproc)"
  for t in core store ingest console; do
    env $(./deploy/preset-env.sh fuzz) "build/fuzz/tests/${t}_tests" --gtest_brief=1
  done
  if [[ "${PINGAN_SKIP_FUZZ:-0}" != 1 ]]; then
    ctest --preset fuzz -j "$(nproc)"
  fi
fi

# Optional (PINGAN_TSAN=1): the tests of the threaded parts (store writer, ingest, outbox
# pool, HTTP server and pools, in-process daemon) under ThreadSanitizer, preset tsan.
# Not in CI by default: it is a second sanitized build of those binaries.
if [[ "${PINGAN_TSAN:-0}" == 1 && $# -eq 0 ]]; then
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan -j "$(nproc)"
  ctest --preset tsan -j "$(nproc)"
fi
