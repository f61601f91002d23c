#!/usr/bin/env bash
# Sets up, builds and runs the pingan demo: pingand on its embedded default
# configuration with simulated schools of two district bureaus under a city bureau, on
# a drill clock that starts at 14:00 on 2026-10-01 (National Day holiday) and runs 60x
# (a real minute is a simulated hour). Most schools report; one reports a severity-IV
# incident, one a severity-II incident (straight to the leaders); two stay silent and
# become missing at 16:30 simulated (deadline 16:00 + 30 min grace, about 2.5 real
# minutes in); one of them reports late at 17:00, which closes its alert. Escalation
# runs on the drill clock: SMS, e-mail and webhook messages go to a local message sink
# (pingan-demo/messages.log). Duty console: http://127.0.0.1:8080/ (users duty, admin,
# leader-gl, auditor; password pingan-demo). Ctrl-C stops it. Works on a fresh Debian
# 12 machine as root.
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

gl=(fz-gl-001 fz-gl-002 fz-gl-003 fz-gl-004 fz-gl-005 fz-gl-006)
gl_names=(实验小学 第一中学 第二中学 阳光幼儿园 城南小学 育才学校)
tj=(fz-tj-001 fz-tj-002 fz-tj-003 fz-tj-004 fz-tj-005 fz-tj-006)
tj_names=(第五中学 江滨小学 红星幼儿园 第十六中学 洋中小学 宁化小学)
schools=("${gl[@]}" "${tj[@]}")

# The organisation: a city bureau, two district bureaus and their schools, with the
# contacts escalation reaches (phones go to the demo's SMS sink, mail to its SMTP sink).
district() {  # id name leader phone-prefix ids... -- names...
  local id=$1 name=$2 leader=$3 prefix=$4
  shift 4
  local -a ids=() labels=()
  while [[ $1 != -- ]]; do ids+=("$1"); shift; done
  shift
  labels=("$@")
  echo "      - id: $id"
  echo "        name: $name"
  echo "        kind: district"
  echo "        contacts:"
  echo "          - {role: duty_contact, name: ${name}值班室, phone: \"${prefix}0000\", email: duty@$id.example.cn}"
  echo "          - {role: supervising_leader, name: $leader, phone: \"${prefix}0001\", email: leader@$id.example.cn}"
  echo "          - {role: primary_accountable, name: ${name}局长, phone: \"${prefix}0002\", email: head@$id.example.cn}"
  echo "        children:"
  for i in "${!ids[@]}"; do
    echo "          - id: ${ids[$i]}"
    echo "            name: ${name%%教育局}${labels[$i]}"
    echo "            kind: school"
    echo "            contacts:"
    echo "              - {role: duty_contact, name: ${labels[$i]}总务处, phone: \"${prefix}1${i}01\", email: duty@${ids[$i]}.example.cn}"
    echo "              - {role: primary_accountable, name: ${labels[$i]}校长, phone: \"${prefix}1${i}02\", email: head@${ids[$i]}.example.cn}"
  done
}
{
  echo "units:"
  echo "  - id: fz"
  echo "    name: 福州市教育局"
  echo "    kind: city"
  echo "    contacts:"
  echo "      - {role: duty_contact, name: 市教育局值班室, phone: \"13800000000\", email: duty@fz.example.cn}"
  echo "      - {role: supervising_leader, name: 陈副局长, phone: \"13800000001\", email: leader@fz.example.cn}"
  echo "    children:"
  district fz-gl 鼓楼区教育局 林副局长 1391000 "${gl[@]}" -- "${gl_names[@]}"
  district fz-tj 台江区教育局 王副局长 1392000 "${tj[@]}" -- "${tj_names[@]}"
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

# Who is on duty at the district bureaus (值班表): day and night shifts.
{
  for day in 01 02 03 04 05 06 07 08; do
    next=$(printf %02d $((10#$day + 1)))
    echo "fz-gl,2026-10-$day 08:00,2026-10-$day 20:00,郑值班员,139100090$day,zheng@fz-gl.example.cn,值班员"
    echo "fz-gl,2026-10-$day 20:00,2026-10-$next 08:00,黄值班员,139100080$day,huang@fz-gl.example.cn,值班员"
    echo "fz-tj,2026-10-$day 08:00,2026-10-$day 20:00,吴值班员,139200090$day,wu@fz-tj.example.cn,值班员"
    echo "fz-tj,2026-10-$day 20:00,2026-10-$next 08:00,周值班员,139200080$day,zhou@fz-tj.example.cn,值班员"
  done
} >"$demo/roster.csv"
sed -e "s|@SMTP@|smtp://127.0.0.1:2525|" -e "s|@HTTP@|http://127.0.0.1:2526|" \
  deploy/demo/escalation.yaml >"$demo/escalation.yaml"

/usr/bin/python3 deploy/demo/message_sink.py --smtp-port 2525 --http-port 2526 >"$demo/messages.log" 2>&1 &
sink=$!
for _ in $(seq 50); do grep -q "message sink:" "$demo/messages.log" 2>/dev/null && break; sleep 0.1; done
log=$demo/pingand.log
"$bin/daemon/pingand" --data-dir "$demo/data" --org "$demo/org.yaml" \
  --calendars "$demo/calendars.yaml" --escalation "$demo/escalation.yaml" \
  --clock drill --start 2026-10-01T14:00:00+08:00 \
  --speed 60 --endpoint-file "$demo/endpoint" 2>"$log" &
daemon=$!
trap 'kill $daemon $sink 2>/dev/null; wait $daemon $sink 2>/dev/null' EXIT
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
for id in fz-gl-001 fz-gl-002 fz-gl-003 fz-gl-004 fz-tj-001 fz-tj-002 fz-tj-003 fz-tj-004; do
  agent "$id" all-clear --date 2026-10-01 --wait 5
done
agent fz-gl-005 incident --date 2026-10-01 --occurred-at 2026-10-01T13:40:00+08:00 \
  --category campus_injury --severity IV \
  --summary - --injured 1 --wait 5 <<<"课间一名学生摔伤，已送医"
agent fz-tj-005 incident --date 2026-10-01 --occurred-at 2026-10-01T13:55:00+08:00 \
  --category food_safety --severity II --leader-attention \
  --summary - --injured 12 --wait 5 <<<"午餐后多名学生出现呕吐症状，已送医观察"
echo "fz-gl-006 and fz-tj-006 stay silent: they are missing at 16:30 simulated time and"
echo "escalation begins; fz-gl-006 reports late at 17:00, which closes its alert."

ctl() { "$bin/daemon/pinganctl" --data-dir "$demo/data" "$@"; }
# Console users (passwords come from stdin, never argv).
for user in "duty duty_officer" "admin admin" "leader-gl leader --scope fz-gl" "auditor auditor"; do
  set -- $user
  echo "pingan-demo" | ctl users add "$1" --role "${@:2}" >/dev/null
done
cat <<TEXT

pingand is running on $endpoint with a drill clock (1 real minute = 1 simulated hour).
Where to look:
  duty console: http://127.0.0.1:8080/   users: duty (duty officer), admin, leader-gl
                (leader of 鼓楼区 only), auditor; password: pingan-demo
  escalation messages (SMS, e-mail, webhook): tail -f $demo/messages.log
  $bin/daemon/pinganctl --data-dir $demo/data ledger today
  $bin/daemon/pinganctl --data-dir $demo/data missing
  $bin/daemon/pinganctl --data-dir $demo/data alerts
  $bin/daemon/pinganctl --data-dir $demo/data clock advance 8h    # skip ahead
  tail -f $log
  agent configs, keys and spools: $demo/agents/<school>/

TEXT
ctl ledger today
echo
echo "Watching (Ctrl-C to stop): alerts refresh every 30 s."
late_sent=
while kill -0 $daemon 2>/dev/null; do
  sleep 30
  now=$(ctl --json clock now | grep -o '"now": "[^"]*"' | cut -d'"' -f4)
  echo "--- simulated $now (UTC)"
  # fz-gl-006 reports late once the simulated clock passes 17:00 (09:00 UTC).
  if [[ -z $late_sent && $now > 2026-10-01T09:00 ]]; then
    agent fz-gl-006 all-clear --date 2026-10-01 --wait 5 && late_sent=1
  fi
  ctl alerts
done
