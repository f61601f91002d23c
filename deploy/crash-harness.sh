#!/usr/bin/env bash
# The full crash harness (docs/reliability.md): many schools send through the real
# agent library while the real pingand is killed with SIGKILL at random moments,
# including during its start; then every acknowledged report must be in the database
# exactly once and PRAGMA integrity_check must say ok. The test command runs the same
# test with 6 kills; this runs it with many more and prints a "crash harness:" line of
# figures (reports acked, lost, kills, restart p50/p95, duration).
#
# Usage: deploy/crash-harness.sh [--kills N] [--schools N] [--seed N] [--preset NAME]
#   --kills N     SIGKILLs to deliver (default 100)
#   --schools N   simulated schools sending at once (default 30)
#   --seed N      repeat the choices of an earlier run (printed as seed=); 0 = random
#   --preset NAME CMake preset to build and run (default release, or $PINGAN_PRESET)
set -euo pipefail
cd "$(dirname "$0")/.."

kills=100
schools=30
seed=0
preset=${PINGAN_PRESET:-release}

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
number() {
  [[ "$2" =~ ^[0-9]+$ ]] || { echo "crash-harness.sh: $1 needs a number, got '$2'" >&2; exit 2; }
}

while [ $# -gt 0 ]; do
  case "$1" in
    --kills) number "$1" "${2-}"; kills=$2; shift 2 ;;
    --schools) number "$1" "${2-}"; schools=$2; shift 2 ;;
    --seed) number "$1" "${2-}"; seed=$2; shift 2 ;;
    --preset) [ -n "${2-}" ] || { echo "crash-harness.sh: --preset needs a name" >&2; exit 2; }
      preset=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "crash-harness.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ "$kills" -ge 1 ] || { echo "crash-harness.sh: --kills must be at least 1" >&2; exit 2; }
[ "$schools" -ge 1 ] || { echo "crash-harness.sh: --schools must be at least 1" >&2; exit 2; }

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target integration_tests
PINGAN_CRASH_KILLS=$kills PINGAN_CRASH_SCHOOLS=$schools PINGAN_CRASH_SEED=$seed \
  exec "build/$preset/tests/integration_tests" --gtest_filter='CrashHarness.*'
