# shellcheck shell=bash
# Functions of the lab's provisioning (sourced by provision.sh; the role scripts use them).
#
# Every function is idempotent: it changes a file, a directory or a service only when it differs
# from what it should be, and says what it changed. A second provisioning run changes nothing and
# says so.
#
# SLUICE_LAB_ROOT: "" on a VM. The network-namespace simulation (sim/lab-sim.sh) runs the same
# scripts for several machines on one host: each machine's files then live under its own directory
# SLUICE_LAB_ROOT, the host's packages and users are left alone (prepare_host does nothing) and a
# small stand-in for systemctl (sim/systemctl) runs the units' ExecStart= in the machine's
# network namespace.

LAB_ROOT="${SLUICE_LAB_ROOT:-}"
LAB_USER=sluice
LAB_PACKAGES=(openjdk-17-jre-headless)
LAB_CHANGES=0

say() { echo "sluice-lab[${LAB_ROLE:-?}]: $*"; }
die() { echo "sluice-lab[${LAB_ROLE:-?}]: ERROR: $*" >&2; exit 1; }
changed() { LAB_CHANGES=$((LAB_CHANGES + 1)); say "$*"; }

# Installs the JDK and creates the service user (on a VM only).
prepare_host() {
  if [ -n "$LAB_ROOT" ]; then
    return 0
  fi
  local missing=()
  local p
  for p in "${LAB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    changed "installed ${missing[*]}"
  fi
  if ! id -u "$LAB_USER" >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/sluice --shell /usr/sbin/nologin "$LAB_USER"
    changed "created user $LAB_USER"
  fi
}

# put_file PATH MODE < CONTENT: writes PATH (under the machine's root) when its content or mode
# differs. Returns 0 when it wrote the file, 1 when the file was already right.
put_file() {
  local dest="$LAB_ROOT$1" mode="$2" tmp
  tmp="$(mktemp)"
  cat >"$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest" && [ "$(stat -c %a "$dest")" = "$mode" ]; then
    rm -f "$tmp"
    return 1
  fi
  mkdir -p "$(dirname "$dest")"
  install -m "$mode" "$tmp" "$dest"
  rm -f "$tmp"
  changed "wrote $1"
  return 0
}

# state_dir PATH...: creates directories (under the machine's root) owned by the service user.
state_dir() {
  local d
  for d in "$@"; do
    if [ ! -d "$LAB_ROOT$d" ]; then
      mkdir -p "$LAB_ROOT$d"
      changed "created $d"
    fi
    if [ -z "$LAB_ROOT" ] && [ "$(stat -c %U "$d")" != "$LAB_USER" ]; then
      chown "$LAB_USER:" "$d"
      changed "gave $d to $LAB_USER"
    fi
  done
}

# as_service_user CMD...: runs CMD as the service user on a VM (as the caller in the simulation).
as_service_user() {
  if [ -z "$LAB_ROOT" ]; then
    runuser -u "$LAB_USER" -- "$@"
  else
    "$@"
  fi
}

# install_sluice TARBALL: unpacks the Sluice tarball into /opt/sluice/sluice-VERSION (unless that
# very tarball is installed there already) and points /opt/sluice/current at it.
# Sets SLUICE (the bin/sluice path) and LAB_INSTALL_CHANGED (1 when it unpacked).
install_sluice() {
  local tarball="$1" name sum dir stamp
  [ -f "$tarball" ] || die "no Sluice tarball at $tarball (build it: mvn -B package -DskipTests; then SLUICE_TARBALL=path)"
  name="$(basename "$tarball" -bin.tar.gz)"
  [ "$name" != "$(basename "$tarball")" ] || die "$tarball: expected a sluice-VERSION-bin.tar.gz"
  dir="/opt/sluice/$name"
  # The tarball's SHA-256 is computed again only when the file is not the one seen last time
  # (a cache: /var/cache/sluice/tarball-stamp).
  stamp="$(stat -c '%n %s %Y' "$tarball")"
  if [ "$(cat "$LAB_ROOT/var/cache/sluice/tarball-stamp" 2>/dev/null || true)" = "$stamp" ] \
      && [ -f "$LAB_ROOT$dir/.tarball-sha256" ]; then
    sum="$(cat "$LAB_ROOT$dir/.tarball-sha256")"
  else
    sum="$(sha256sum "$tarball" | cut -d' ' -f1)"
  fi
  LAB_INSTALL_CHANGED=0
  if [ "$(cat "$LAB_ROOT$dir/.tarball-sha256" 2>/dev/null || true)" != "$sum" ]; then
    rm -rf "$LAB_ROOT$dir.new"
    mkdir -p "$LAB_ROOT$dir.new"
    tar -xzf "$tarball" -C "$LAB_ROOT$dir.new" --strip-components=1
    echo "$sum" >"$LAB_ROOT$dir.new/.tarball-sha256"
    rm -rf "$LAB_ROOT$dir"
    mv "$LAB_ROOT$dir.new" "$LAB_ROOT$dir"
    LAB_INSTALL_CHANGED=1
    changed "installed $(basename "$tarball") in $dir"
  fi
  mkdir -p "$LAB_ROOT/var/cache/sluice"
  echo "$stamp" >"$LAB_ROOT/var/cache/sluice/tarball-stamp"
  if [ "$(readlink "$LAB_ROOT/opt/sluice/current" || true)" != "$name" ]; then
    ln -sfn "$name" "$LAB_ROOT/opt/sluice/current"
    changed "pointed /opt/sluice/current at $name"
  fi
  SLUICE_HOME="$LAB_ROOT/opt/sluice/current"
  # shellcheck disable=SC2034 # the role scripts' ExecStart= lines use it
  SLUICE="$SLUICE_HOME/bin/sluice"
}

# unit NAME < UNIT-FILE: installs a systemd unit, enables it and starts it; restarts it when the
# unit file or the Sluice installation changed. Timers are enabled and started; a oneshot service
# that a timer triggers is only installed (pass --no-start).
unit() {
  local name="$1" start=1 wrote=0
  [ "${2:-}" = "--no-start" ] && start=0
  if put_file "/etc/systemd/system/$name" 644; then
    wrote=1
    systemctl daemon-reload
  fi
  if ! systemctl is-enabled --quiet "$name" 2>/dev/null; then
    systemctl enable --quiet "$name"
    changed "enabled $name"
  fi
  [ "$start" = 1 ] || return 0
  if [ "$wrote" = 1 ] || [ "${LAB_INSTALL_CHANGED:-0}" = 1 ]; then
    systemctl restart "$name"
    changed "(re)started $name"
  elif ! systemctl is-active --quiet "$name"; then
    systemctl start "$name"
    changed "started $name"
  fi
}

# Where a unit's output goes: the journal on a VM, a file in the simulation.
unit_log() {
  if [ -n "$LAB_ROOT" ]; then
    echo "$LAB_ROOT/var/log/sluice-sim/$1.log"
  else
    echo "journalctl -u $1"
  fi
}

# wait_port HOST PORT SECONDS UNIT: waits until HOST:PORT accepts connections; fails naming UNIT
# and its log when SECONDS pass first or UNIT is no longer running.
wait_port() {
  local host="$1" port="$2" seconds="$3" name="$4" end
  end=$((SECONDS + seconds))
  until timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; do
    if ! systemctl is-active --quiet "$name"; then
      die "$name stopped before it opened $host:$port; see $(unit_log "$name")"
    fi
    if [ "$SECONDS" -ge "$end" ]; then
      die "$name did not open $host:$port within $seconds s; see $(unit_log "$name")"
    fi
    sleep 1
  done
}

# retry SECONDS WHAT CMD...: runs CMD until it succeeds; fails naming WHAT after SECONDS.
retry() {
  local seconds="$1" what="$2" end
  shift 2
  end=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || die "$what did not succeed within $seconds s: $*"
    sleep 2
  done
}
