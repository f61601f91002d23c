#!/usr/bin/env bash
# Fuzzes the libFuzzer targets of tests/fuzz one after another, each for N minutes, from
# its seeds (tests/fuzz/corpus/<name>) plus what earlier runs of this script found
# (build/fuzz/fuzz-runs/<name>/corpus, kept between runs).
#
# Usage: deploy/fuzz.sh [-m MINUTES] [--merge] [target...]
#   -m MINUTES  time per target (default 10)
#   --merge     afterwards, add the fewest inputs that reach code the seeds do not
#               (libFuzzer -set_cover_merge=1 on edges) to tests/fuzz/corpus/<name>,
#               to be reviewed and committed
#   target      names as in tests/fuzz/CMakeLists.txt (csv, http_router, ...); default all
#
# Targets run one at a time under `nice -n 19` (PINGAN_FUZZ_NICE): a fuzzer takes one
# core. Each run's log, final stats and any crash-*/timeout-*/leak-* input are in
# build/fuzz/fuzz-runs/<name>/; a table of exec/s, corpus size and time is printed at
# the end and appended to build/fuzz/fuzz-runs/summary.tsv. Exits non-zero when a
# target found something: reproduce with build/fuzz/tests/fuzz/<name>_fuzz <file>.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10
merge=0
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -m) minutes="$2"; shift 2 ;;
    --merge) merge=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(sed -n 's/^pingan_fuzz_target(\([a-z_0-9]*\).*/\1/p' tests/fuzz/CMakeLists.txt)
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)" --target "${targets[@]/%/_fuzz}" >/dev/null

runs=build/fuzz/fuzz-runs
mkdir -p "$runs"
failed=()
summary=()
for name in "${targets[@]}"; do
  bin=build/fuzz/tests/fuzz/${name}_fuzz
  seeds=tests/fuzz/corpus/${name}
  work=$runs/$name
  [[ -x $bin ]] || { echo "no fuzz target $name ($bin)" >&2; exit 2; }
  mkdir -p "$work/corpus"
  echo "== $name: $minutes min" >&2
  start=$(date +%s)
  status=0
  ( cd "$work" && ASAN_OPTIONS=detect_leaks=1 nice -n "${PINGAN_FUZZ_NICE:-19}" \
      "$OLDPWD/$bin" -max_total_time=$((minutes * 60)) -rss_limit_mb=2048 -timeout=10 \
      -max_len=70000 -print_final_stats=1 corpus "$OLDPWD/$seeds" ) >"$work/log" 2>&1 ||
    status=$?
  seconds=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  files=$(find "$work/corpus" -type f | wc -l)
  bytes=$(du -sb "$work/corpus" | cut -f1)
  result=ok
  if [[ $status -ne 0 ]]; then
    result="FOUND (exit $status, see $work/log)"
    failed+=("$name")
  elif [[ $merge -eq 1 ]]; then
    # Edges only, greedy set cover: the fewest inputs that reach code the seeds do not
    # (a few dozen, not the hundreds a feature-level merge keeps).
    "$bin" -set_cover_merge=1 -use_counters=0 -rss_limit_mb=2048 -timeout=10 -max_len=70000 \
      "$seeds" "$work/corpus" >"$work/merge.log" 2>&1
  fi
  line="$name	${seconds}s	${execs:-?} exec/s	$files files	$bytes bytes	$result"
  summary+=("$line")
  echo "$(date -u +%FT%TZ)	$line" >>"$runs/summary.tsv"
  echo "$line" >&2
done

printf '%s\n' "target	time	exec/s	corpus files	corpus bytes	result" "${summary[@]}" | column -t -s $'\t'
[[ ${#failed[@]} -eq 0 ]] || { echo "found something in: ${failed[*]}" >&2; exit 1; }
