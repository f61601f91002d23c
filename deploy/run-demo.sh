#!/usr/bin/env bash
# Sets up, builds and runs the pingan demo: pingand on its embedded default
# configuration with a simulated district of schools, on a drill clock that starts on
# the morning of 2026-10-01 (National Day holiday) and runs 60x (a minute is an hour).
# Most schools report, one raises an incident, two stay silent and become missing at
# 16:30 simulated (deadline 16:00 + 30 min grace, about 8.5 real minutes in): watch
# them appear live in the duty console (http://127.0.0.1:8080/, user duty, password
# pingan-demo). Ctrl-C stops it. Works on a fresh Debian 12 machine as root.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

./deploy/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target pingand pingan-agent pinganctl

bin=$root/build/release
demo=$root/pingan-demo
rm -rf "$demo"
mkdir -p "$demo/data/schools" "$demo/agents"

schools=(fz-001 fz-002 fz-003 fz-004 fz-005 fz-006 fz-007 fz-008)
names=(实验小学 第一中学 第二中学 阳光幼儿园 城南小学 城北小学 第三中学 育才学校)

# The organisation: one district bureau and its schools, each with a duty contact.
{
  echo "units:"
  echo "  - id: fz"
  echo "    name: 福州市鼓楼区教育局"
  echo "    kind: district"
  echo "    contacts:"
  echo "      - {role: duty_contact, name: 区教育局值班室, phone: \"0591-0000-0000\"}"
  echo "      - {role: supervising_leader, name: 林副局长, phone: \"13800000000\"}"
  echo "    children:"
  for i in "${!schools[@]}"; do
    echo "      - id: ${schools[$i]}"
    echo "        name: 鼓楼区${names[$i]}"
    echo "        kind: school"
    echo "        contacts:"
    echo "          - {role: duty_contact, name: ${names[$i]}总务处, phone: \"1390000000$i\"}"
    echo "          - {role: primary_accountable, name: ${names[$i]}校长, phone: \"1370000000$i\"}"
  done
} >"$demo/org.yaml"

cat >"$demo/calendars.yaml" <<'YAML'
calendars:
  - name: 2026 国庆
    time_zone: Asia/Shanghai
    periods:
      - {name: 国庆节, kind: public_holiday, from: 2026-10-01, to: 2026-10-08}
    working_days: [2026-09-27, 2026-10-10]
requirements:
  - id: holiday-all-clear
    name: 节假日每日报平安
    kind: daily_all_clear
    during: [public_holiday]
    deadlines: ["16:00"]
    grace: 30m
    remind_before: 1h
YAML

log=$demo/pingand.log
"$bin/daemon/pingand" --data-dir "$demo/data" --org "$demo/org.yaml" \
  --calendars "$demo/calendars.yaml" --clock drill --start 2026-10-01T08:00:00+08:00 \
  --speed 60 --endpoint-file "$demo/endpoint" 2>"$log" &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null' EXIT
for _ in $(seq 100); do [[ -s $demo/endpoint ]] && break; sleep 0.1; done
[[ -s $demo/endpoint ]] || { cat "$log"; echo "pingand did not start" >&2; exit 1; }
endpoint=$(cat "$demo/endpoint")

# Enroll every school: its own keypair; the daemon gets the public half.
for id in "${schools[@]}"; do
  mkdir -p "$demo/agents/$id"
  "$bin/agents/pingan-agent" keygen --out "$demo/agents/$id/school" >/dev/null
  cp "$demo/agents/$id/school.pub" "$demo/data/schools/$id.pub"
  cat >"$demo/agents/$id/agent.yaml" <<YAML
school_id: $id
endpoints: [$endpoint]
server_public_key: $demo/data/daemon.pub
key_file: school.key
spool_path: spool.db
ack_timeout: 5s
YAML
done
kill -HUP $daemon

agent() { "$bin/agents/pingan-agent" --config "$demo/agents/$1/agent.yaml" "${@:2}"; }
for id in fz-001 fz-002 fz-003 fz-004 fz-006; do
  agent "$id" all-clear --date 2026-10-01 --wait 5
done
agent fz-005 incident --date 2026-10-01 --occurred-at 2026-10-01T07:40:00+08:00 \
  --category campus_injury --severity IV \
  --summary "课间一名学生摔伤，已送医" --injured 1 --wait 5
echo "fz-007 and fz-008 stay silent: they will be missing at 16:30 simulated time."

ctl() { "$bin/daemon/pinganctl" --data-dir "$demo/data" "$@"; }
# A duty officer for the console (the password comes from stdin, never argv).
echo "pingan-demo" | ctl users add duty --role duty_officer >/dev/null
cat <<TEXT

pingand is running on $endpoint with a drill clock (1 real minute = 1 simulated hour).
Where to look:
  duty console: http://127.0.0.1:8080/   user: duty   password: pingan-demo
  $bin/daemon/pinganctl --data-dir $demo/data ledger today
  $bin/daemon/pinganctl --data-dir $demo/data deadlines next
  $bin/daemon/pinganctl --data-dir $demo/data missing
  $bin/daemon/pinganctl --data-dir $demo/data clock advance 8h    # skip ahead
  tail -f $log
  agent configs, keys and spools: $demo/agents/<school>/

TEXT
ctl ledger today
echo
echo "Watching (Ctrl-C to stop): the missing list refreshes every 30 s."
while kill -0 $daemon 2>/dev/null; do
  sleep 30
  echo "--- $(ctl --json clock now | grep -o '"now": "[^"]*"')"
  ctl missing
done
