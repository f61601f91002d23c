#!/usr/bin/env bash
# Packaging test: makes the Debian packages from a finished build tree with cpack, then
# installs them with apt into a fresh Debian 12 root made by `debootstrap
# --variant=minbase`, the way an operator installs them, so that the maintainer
# scripts really run inside that root. It checks:
#   - the control data: dpkg-shlibdeps dependencies, conffiles, script modes;
#   - after install: the pingan system user and group, files, owners and modes, the
#     conffiles as dpkg recorded them, the units enabled, `systemd-analyze verify`
#     and `systemd-analyze security` on both units;
#   - that it works: pingand started as the pingan user from /etc/pingan/pingand.yaml
#     writes its state to /var/lib/pingan, pinganctl answers over the control
#     socket, and pingan-agent delivers an all-clear from /etc/pingan/agent.yaml;
#   - upgrade (a higher version): a changed conffile and the data survive;
#   - remove keeps /var/lib/pingan and the agent's spool; only purge deletes them.
# Needs root (debootstrap, chroot) and http://deb.debian.org (or PINGAN_DEBIAN_MIRROR);
# deploy/install-deps.sh installs the tools. Everything it makes stays under WORK_DIR,
# which it empties first and deletes when all passed (kept after a failure).
#
# Usage: packages_test.sh BUILD_DIR WORK_DIR
set -euo pipefail

build_dir=$(realpath "$1")
work=$2
mirror=${PINGAN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
t0=$SECONDS
daemon_pid=""

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { printf '[%3ds] %s\n' $((SECONDS - t0)) "$*"; }

# Run a command inside the root with a clean environment, as root or as the pingan
# user (setpriv of the root's util-linux: the name is looked up in the root).
root_env=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)
run_root() { chroot "$root" "${root_env[@]}" "$@"; }
run_pingan() { run_root setpriv --reuid=pingan --regid=pingan --clear-groups "$@"; }

# expect_stat PATH MODE OWNER GROUP (inside the root; owner and group by name)
expect_stat() {
  local got
  got=$(run_root stat -c '%a %U %G' "$1") || fail "$1 does not exist"
  [[ "$got" == "$2 $3 $4" ]] || fail "$1 is '$got', expected '$2 $3 $4'"
}
expect_owner() {
  local got
  got=$(run_root stat -c '%U %G' "$1") || fail "$1 does not exist"
  [[ "$got" == "$2 $3" ]] || fail "$1 belongs to '$got', expected '$2 $3'"
}
expect_absent() { [[ ! -e "$root$1" && ! -L "$root$1" ]] || fail "$1 should not exist"; }
expect_present() { [[ -e "$root$1" ]] || fail "$1 should exist"; }

cleanup() {
  if [[ -n "$daemon_pid" ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -KILL "$daemon_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# --- preconditions: a missing one is a failure, never a skip ------------------------
[[ $(id -u) == 0 ]] || fail "needs root (debootstrap and chroot); run it as root"
for tool in cpack dpkg-deb dpkg-shlibdeps debootstrap chroot; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run deploy/install-deps.sh"
done
[[ -f "$build_dir/CPackConfig.cmake" ]] || fail "$build_dir has no CPackConfig.cmake"

rm -rf "$work"
mkdir -p "$work"
work=$(realpath "$work")
debs=$work/debs
root=$work/root

# --- the packages -------------------------------------------------------------------
step "cpack -G DEB"
cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$debs" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
for p in pingand pingan-agent pinganctl; do
  compgen -G "$debs/${p}_*_amd64.deb" >/dev/null || fail "no $p package in $debs"
done
deb() { compgen -G "$debs/${1}_*_amd64.deb" | head -1; }

# dpkg-shlibdeps ran: the libraries the binaries link are dependencies, with versions.
# (Outputs are captured before grep: grep -q stopping early would break the pipe.)
depends=$(dpkg-deb -f "$(deb pingand)" Depends)
for want in 'libc6 (>=' libzmq5 libsqlite3-0 libsodium23 libprotobuf32 adduser procps; do
  grep -qF "$want" <<<"$depends" || fail "pingand does not depend on $want: $depends"
done
grep -qF libzmq5 <<<"$(dpkg-deb -f "$(deb pingan-agent)" Depends)" || fail "pingan-agent: libzmq5"
grep -qF 'libc6 (>=' <<<"$(dpkg-deb -f "$(deb pinganctl)" Depends)" || fail "pinganctl: libc6"
mkdir -p "$work/control"
dpkg-deb -e "$(deb pingand)" "$work/control/pingand"
[[ $(cat "$work/control/pingand/conffiles") == /etc/pingan/pingand.yaml ]] ||
  fail "pingand's conffiles: $(cat "$work/control/pingand/conffiles")"
for s in postinst prerm postrm; do
  [[ $(stat -c %a "$work/control/pingand/$s") == 755 ]] || fail "pingand's $s is not 0755"
done
grep -q ' ./usr/sbin/pingand$' <<<"$(dpkg-deb -c "$(deb pingand)")" || fail "no /usr/sbin/pingand"

# --- a fresh Debian 12 ----------------------------------------------------------------
step "debootstrap --variant=minbase $suite ($mirror)"
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log"; fail "debootstrap failed"; }
[[ ! -e "$root/usr/sbin/pingand" ]] || fail "the new root already has pingand"
! run_root getent passwd pingan >/dev/null || fail "the new root already has a pingan user"

# --- install, as an operator does -----------------------------------------------------
step "apt-get install the three packages (and systemd, to verify the units)"
mkdir -p "$root/tmp/debs"
cp "$debs"/*.deb "$root/tmp/debs/"
run_root apt-get update -q >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get update"; }
in_root_debs=()
for p in pingand pingan-agent pinganctl; do
  in_root_debs+=("/tmp/debs/$(basename "$(deb "$p")")")
done
run_root apt-get install -y -q --no-install-recommends systemd "${in_root_debs[@]}" \
  >>"$work/apt.log" 2>&1 </dev/null || { tail -40 "$work/apt.log"; fail "apt-get install"; }

step "checking the installation"
IFS=: read -r _ _ uid gid _ home shell < <(run_root getent passwd pingan) ||
  fail "postinst made no pingan user"
((uid < 1000)) || fail "pingan is not a system user (uid $uid)"
[[ "$shell" == /usr/sbin/nologin ]] || fail "pingan's shell is $shell"
[[ "$home" == /var/lib/pingan || "$home" == /var/lib/pingan-agent ]] || fail "pingan's home: $home"
[[ $(run_root getent group pingan | cut -d: -f3) == "$gid" ]] || fail "pingan's group is not pingan"
expect_stat /usr/sbin/pingand 755 root root
expect_stat /usr/bin/pingan-agent 755 root root
expect_stat /usr/bin/pinganctl 755 root root
expect_stat /etc/pingan 755 root root
expect_stat /etc/pingan/pingand.yaml 644 root root
expect_stat /etc/pingan/agent.yaml 644 root root
expect_stat /var/lib/pingan 750 pingan pingan
expect_stat /var/lib/pingan-agent 750 pingan pingan
expect_stat /lib/systemd/system/pingand.service 644 root root
expect_stat /lib/systemd/system/pingan-agent.service 644 root root
grep -q '^ /etc/pingan/pingand.yaml ' <<<"$(run_root dpkg-query -W -f='${Conffiles}' pingand)" ||
  fail "dpkg does not list /etc/pingan/pingand.yaml as a conffile"
grep -q '^ /etc/pingan/agent.yaml ' <<<"$(run_root dpkg-query -W -f='${Conffiles}' pingan-agent)" ||
  fail "dpkg does not list /etc/pingan/agent.yaml as a conffile"
grep -q '^data_dir: "/var/lib/pingan"$' "$root/etc/pingan/pingand.yaml" ||
  fail "pingand.yaml does not point data_dir at /var/lib/pingan"
for u in pingand pingan-agent; do
  [[ $(readlink "$root/etc/systemd/system/multi-user.target.wants/$u.service") == \
    /lib/systemd/system/$u.service ]] || fail "$u.service is not enabled"
done

step "systemd-analyze verify and security"
run_root systemd-analyze verify /lib/systemd/system/pingand.service \
  /lib/systemd/system/pingan-agent.service >"$work/verify.log" 2>&1 ||
  { cat "$work/verify.log"; fail "systemd-analyze verify"; }
# verify exits 0 on unknown keys and the like; any line it prints is a finding.
[[ ! -s "$work/verify.log" ]] || { cat "$work/verify.log"; fail "systemd-analyze verify warned"; }
for u in pingand pingan-agent; do
  run_root systemd-analyze security --offline=true --threshold=25 \
    "/lib/systemd/system/$u.service" >"$work/security-$u.log" 2>&1 ||
    { cat "$work/security-$u.log"; fail "$u.service is exposed above 2.5"; }
  echo "      $(grep 'Overall exposure' "$work/security-$u.log")"
done
grep -q '^LimitNOFILE=' "$root/lib/systemd/system/pingand.service" || fail "no LimitNOFILE"

# --- it works: the daemon as pingan, pinganctl, an agent's all-clear ------------------
step "pingand as the pingan user, pinganctl, pingan-agent all-clear"
run_root pingand --config /etc/pingan/pingand.yaml --check-config >/dev/null ||
  fail "pingand --check-config on the packaged configuration"
run_root pingan-agent keygen --out /etc/pingan/school >/dev/null || fail "pingan-agent keygen"
run_root chown pingan:pingan /etc/pingan/school.key
run_root install -d -o pingan -g pingan -m 0750 /var/lib/pingan/schools
run_root cp /etc/pingan/school.pub /var/lib/pingan/schools/example-school-01.pub
# Not through run_pingan: a backgrounded function is a subshell, and $! must be the
# daemon itself (chroot, env and setpriv each exec the next).
chroot "$root" "${root_env[@]}" setpriv --reuid=pingan --regid=pingan --clear-groups \
  pingand --config /etc/pingan/pingand.yaml --listen 'tcp://127.0.0.1:*' --http-listen '' \
  --endpoint-file /var/lib/pingan/endpoint >"$work/pingand.log" 2>&1 &
daemon_pid=$!
endpoint=""
for _ in $(seq 300); do  # bounded: 30 s for the daemon to listen
  endpoint=$(cat "$root/var/lib/pingan/endpoint" 2>/dev/null || true)
  [[ -n "$endpoint" ]] && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/pingand.log"; fail "pingand exited"; }
  sleep 0.1
done
[[ -n "$endpoint" ]] || { cat "$work/pingand.log"; fail "pingand did not listen within 30 s"; }
expect_owner /var/lib/pingan/pingan.db pingan pingan
expect_stat /var/lib/pingan/daemon.key 600 pingan pingan
run_pingan pinganctl --data-dir /var/lib/pingan status >"$work/status.log" 2>&1 ||
  { cat "$work/status.log"; fail "pinganctl status over the control socket"; }
run_root cp /var/lib/pingan/daemon.pub /etc/pingan/daemon.pub
run_pingan pingan-agent --config /etc/pingan/agent.yaml --endpoint "$endpoint" all-clear \
  --wait 20 >"$work/agent.log" 2>&1 ||
  { cat "$work/agent.log" "$work/pingand.log"; fail "pingan-agent all-clear"; }
expect_stat /var/lib/pingan-agent/spool.db 600 pingan pingan
run_pingan pingan-agent --config /etc/pingan/agent.yaml status --json >"$work/agent-status.json" ||
  fail "pingan-agent status"
kill -TERM "$daemon_pid"
for _ in $(seq 300); do  # bounded: 30 s to stop
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.1
done
! kill -0 "$daemon_pid" 2>/dev/null || fail "pingand did not stop on SIGTERM within 30 s"
wait "$daemon_pid" || { cat "$work/pingand.log"; fail "pingand exited with an error"; }
daemon_pid=""

# --- upgrade: a higher version keeps a changed conffile and the data -------------------
step "upgrade pingand to a higher version"
version=$(dpkg-deb -f "$(deb pingand)" Version)
dpkg-deb -R "$(deb pingand)" "$work/upgrade"
sed -i "s/^Version: .*/Version: ${version}+upgrade1/" "$work/upgrade/DEBIAN/control"
dpkg-deb -b "$work/upgrade" "$root/tmp/pingand-upgrade.deb" >/dev/null
echo '# changed by the operator' >>"$root/etc/pingan/pingand.yaml"
key_sum=$(sha256sum <"$root/var/lib/pingan/daemon.key")
run_root dpkg -i /tmp/pingand-upgrade.deb >"$work/upgrade.log" 2>&1 </dev/null ||
  { cat "$work/upgrade.log"; fail "upgrade"; }
[[ $(run_root dpkg-query -W -f='${Version}' pingand) == "${version}+upgrade1" ]] ||
  fail "pingand was not upgraded"
grep -q '^# changed by the operator$' "$root/etc/pingan/pingand.yaml" ||
  fail "the upgrade lost the operator's change to pingand.yaml"
[[ $(sha256sum <"$root/var/lib/pingan/daemon.key") == "$key_sum" ]] || fail "daemon.key changed"
[[ $(run_root id -u pingan) == "$uid" ]] || fail "the upgrade changed the pingan user"
expect_stat /var/lib/pingan 750 pingan pingan

# --- remove keeps the data; purge deletes it --------------------------------------------
step "dpkg --remove keeps the data"
run_root dpkg --remove pingand pingan-agent pinganctl >"$work/remove.log" 2>&1 ||
  { cat "$work/remove.log"; fail "dpkg --remove"; }
expect_absent /usr/sbin/pingand
expect_absent /usr/bin/pingan-agent
expect_absent /usr/bin/pinganctl
expect_absent /lib/systemd/system/pingand.service
expect_stat /var/lib/pingan 750 pingan pingan
expect_owner /var/lib/pingan/pingan.db pingan pingan
expect_stat /var/lib/pingan/daemon.key 600 pingan pingan
expect_stat /var/lib/pingan-agent/spool.db 600 pingan pingan
expect_present /etc/pingan/pingand.yaml
expect_present /etc/pingan/agent.yaml
run_root getent passwd pingan >/dev/null || fail "remove deleted the pingan user"

step "dpkg --purge deletes the data"
run_root dpkg --purge pingand pingan-agent pinganctl >"$work/purge.log" 2>&1 ||
  { cat "$work/purge.log"; fail "dpkg --purge"; }
expect_absent /var/lib/pingan
expect_absent /var/lib/pingan-agent
expect_absent /etc/pingan/pingand.yaml
expect_absent /etc/pingan/agent.yaml
expect_absent /etc/systemd/system/multi-user.target.wants/pingand.service
expect_absent /etc/systemd/system/multi-user.target.wants/pingan-agent.service
expect_absent /etc/systemd/system/pingand.service  # the mask set on remove
# The school's key is the administrator's file, not the package's: it stays.
expect_present /etc/pingan/school.key
run_root getent passwd pingan >/dev/null || fail "purge deleted the pingan user (it stays)"

step "all checks passed"
rm -rf "$work"
