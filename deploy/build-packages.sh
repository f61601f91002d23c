#!/usr/bin/env bash
# Builds pingan's Debian packages: pingand, pingan-agent and pinganctl (.deb) and their
# debug symbols (-dbgsym .ddeb), from the package preset (the release build with full
# debug information, in build/package) with cpack -G DEB. Installs what it needs first
# (deploy/install-deps.sh, without the browser tooling unless PINGAN_NO_BROWSER=0).
# Works on a fresh Debian 12 machine as root.
#
# Usage: deploy/build-packages.sh [OUT_DIR]       (default: build/packages)
#   PINGAN_DEB_RELEASE=2 deploy/build-packages.sh   sets the Debian revision (0.1.0-2)
# Install the result with: apt install ./build/packages/pingand_*.deb ...
# (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."

PINGAN_NO_BROWSER=${PINGAN_NO_BROWSER:-1} ./deploy/install-deps.sh
out=$(realpath -m "${1:-build/packages}")
preset=package
cmake --preset "$preset" -DPINGAN_DEB_RELEASE="${PINGAN_DEB_RELEASE:-1}" >/dev/null
# Only what goes into the packages; the tests and benchmarks are not needed here.
cmake --build --preset "$preset" --target pingand pingan-agent pinganctl
mkdir -p "$out"
rm -f "$out"/pingan*_*.deb "$out"/pingan*_*.ddeb  # this script's earlier output only
cpack --config "build/$preset/CPackConfig.cmake" -G DEB -B "$out"
rm -rf "$out/_CPack_Packages"
echo "build-packages: in $out:"
ls -1 "$out"
