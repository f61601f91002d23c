#!/usr/bin/env bash
# Prints the environment of a CMake test preset (CMakePresets.json, testPresets[].environment)
# as NAME=VALUE lines, ${sourceDir} expanded, for running a test binary directly with the
# options ctest would give it: env $(./deploy/preset-env.sh asan-ubsan) build/asan-ubsan/tests/core_tests
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - "$1" "$PWD" <<'PY'
import json, sys
name, source = sys.argv[1], sys.argv[2]
presets = {p["name"]: p for p in json.load(open("CMakePresets.json"))["testPresets"]}
for key, value in presets[name].get("environment", {}).items():
    print(f"{key}={value.replace('${sourceDir}', source)}")
PY
