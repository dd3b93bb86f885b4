#!/usr/bin/env bash
# lab-sim.sh: the Vagrant lab simulated on this Linux machine, one network namespace per VM.
#
#   lab-sim.sh up PREFIX WORKDIR TARBALL           network, then provision hdfs and kafka, flume, spark
#   lab-sim.sh provision PREFIX WORKDIR TARBALL VM...   (re-)provision machines, side by side
#   lab-sim.sh exec PREFIX WORKDIR VM CMD...       run CMD on machine VM
#   lab-sim.sh down PREFIX                         stop every process of the lab; delete its network
#   lab-sim.sh gc START                            `down` every lab whose prefix starts with START and
#                                                  whose owner is gone (a test killed before its cleanup)
#
# `up` records its owner, the process SLUICE_LAB_OWNER_PID (default: the caller of lab-sim.sh), in
# /run/sluice-lab-sim/PREFIX; gc only touches labs recorded there.
#
# Each machine is a network namespace PREFIX-VM with one interface, eth1, carrying the VM's address
# from ../lab.env, its host end PREFIX-VM enslaved to the bridge PREFIX-br: the same private
# network as the Vagrantfile's. The bridge has no address on this host, so several simulations (or
# leftovers) with different prefixes never collide. Each machine's files live in WORKDIR/VM (its
# SLUICE_LAB_ROOT). The role scripts are the Vagrantfile's (../provision.sh ROLE), run inside the
# machine's namespace with ./systemctl, a stand-in for systemd that runs the same unit files there.
#
# PREFIX: 2-9 lower-case letters and digits, starting with a letter (interface names stay within
# Linux's 15 characters). Needs root and iproute2. `up` tears the lab down again when it fails.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

SIM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_DIR="$(cd "$SIM_DIR/.." && pwd)"
# shellcheck source=../lab.env
. "$LAB_DIR/lab.env"
MACHINES=(hdfs kafka flume spark)

STATE_DIR=/run/sluice-lab-sim

die() { echo "lab-sim: ERROR: $*" >&2; exit 1; }
log() { echo "lab-sim: $*"; }

check_prefix() {
  [[ "$1" =~ ^[a-z][a-z0-9]{1,8}$ ]] || die "prefix '$1': 2-9 lower-case letters and digits, starting with a letter"
}

machine_ip() {
  local var
  var="SLUICE_LAB_${1^^}_IP"
  [ -n "${!var:-}" ] || die "unknown machine '$1' (${MACHINES[*]})"
  echo "${!var}"
}

net_up() {
  local prefix="$1" vm ns
  ip link add name "$prefix-br" type bridge
  ip link set "$prefix-br" up
  for vm in "${MACHINES[@]}"; do
    ns="$prefix-$vm"
    ip netns add "$ns"
    ip link add "$prefix-$vm" type veth peer name eth1 netns "$ns"
    ip link set "$prefix-$vm" master "$prefix-br" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$(machine_ip "$vm")/$SLUICE_LAB_PREFIX_LEN" dev eth1
    ip -n "$ns" link set eth1 up
  done
  log "network $prefix: bridge $prefix-br; $(for vm in "${MACHINES[@]}"; do printf '%s=%s ' "$vm" "$(machine_ip "$vm")"; done)"
}

# on PREFIX WORKDIR VM CMD...: CMD in VM's namespace, as the machine sees it.
on() {
  local prefix="$1" work="$2" vm="$3"
  shift 3
  machine_ip "$vm" >/dev/null
  ip netns exec "$prefix-$vm" env SLUICE_LAB_ROOT="$work/$vm" PATH="$SIM_DIR:$PATH" "$@"
}

provision() {
  local prefix="$1" work="$2" tarball="$3" vm start
  shift 3
  for vm in "$@"; do
    mkdir -p "$work/$vm"
    start=$SECONDS
    log "provisioning $vm ..."
    if ! on "$prefix" "$work" "$vm" env SLUICE_TARBALL="$tarball" bash "$LAB_DIR/provision.sh" "$vm" 2>&1 \
        | sed "s/^/  [$vm] /"; then
      die "provisioning $vm failed (its services' output: $work/$vm/var/log/sluice-sim/)"
    fi
    log "provisioned $vm in $((SECONDS - start)) s"
  done
}

# side_by_side PREFIX WORKDIR TARBALL VM...: provisions the machines concurrently; fails when one fails.
side_by_side() {
  local prefix="$1" work="$2" tarball="$3" vm pid failed=0
  local pids=()
  shift 3
  for vm in "$@"; do
    provision "$prefix" "$work" "$tarball" "$vm" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
  done
  [ "$failed" -eq 0 ] || die "provisioning failed (see above)"
}

down() {
  local prefix="$1" ns pids end
  local namespaces=()
  mapfile -t namespaces < <(ip netns list | awk -v p="$prefix-" 'index($1, p) == 1 {print $1}')
  for ns in "${namespaces[@]}"; do
    pids="$(ip netns pids "$ns" | tr '\n' ' ')"
    # shellcheck disable=SC2086 # a list of pids
    [ -z "$pids" ] || kill -TERM $pids 2>/dev/null || true
  done
  end=$((SECONDS + 10))
  for ns in "${namespaces[@]}"; do
    while [ -n "$(ip netns pids "$ns")" ] && [ "$SECONDS" -lt "$end" ]; do
      sleep 0.5
    done
    pids="$(ip netns pids "$ns" | tr '\n' ' ')"
    # shellcheck disable=SC2086 # a list of pids
    [ -z "$pids" ] || { log "killing what ignored SIGTERM in $ns: $pids"; kill -KILL $pids 2>/dev/null || true; }
  done
  # A deleted namespace frees its veth pairs asynchronously: delete the host ends (and with them
  # their peers) first, so nothing of the lab is left when this returns.
  local link
  while read -r link; do
    [ "$link" = "$prefix-br" ] || ip link delete "$link" 2>/dev/null || true
  done < <(ip -o link show | awk -F': ' -v p="$prefix-" 'index($2, p) == 1 {sub(/@.*/, "", $2); print $2}')
  for ns in "${namespaces[@]}"; do
    end=$((SECONDS + 10))
    while [ -n "$(ip netns pids "$ns")" ] && [ "$SECONDS" -lt "$end" ]; do
      sleep 0.2
    done
    ip netns delete "$ns"
  done
  if ip link show "$prefix-br" >/dev/null 2>&1; then
    ip link delete "$prefix-br"
  fi
  rm -f "$STATE_DIR/$prefix"
  log "lab $prefix is down (${#namespaces[@]} namespaces removed)"
}

# Labs recorded by `up` whose bridge exists, whose prefix starts with $1 and whose owner is not running.
orphans() {
  local start="$1" bridge lab owner
  while read -r bridge; do
    lab="${bridge%-br}"
    [[ "$lab" == "$start"* ]] || continue
    [ -f "$STATE_DIR/$lab" ] || continue
    owner="$(cat "$STATE_DIR/$lab")"
    if [ -z "$owner" ] || ! kill -0 "$owner" 2>/dev/null; then
      echo "$lab"
    fi
  done < <(ip -o link show type bridge | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -- '-br$' || true)
}

command="${1:-}"
[ $# -ge 2 ] || die "usage: lab-sim.sh up|provision|exec|down PREFIX ... (see the top of $0)"
prefix="$2"
check_prefix "$prefix"
[ "$(id -u)" -eq 0 ] || die "network namespaces need root"
command -v ip >/dev/null || die "ip (iproute2) not found"

case "$command" in
  up)
    [ $# -eq 4 ] || die "usage: lab-sim.sh up PREFIX WORKDIR TARBALL"
    work="$(realpath -m "$3")"
    [ -f "$4" ] || die "no tarball at $4 (mvn -B package -DskipTests builds assembly/target/sluice-VERSION-bin.tar.gz)"
    tarball="$(realpath "$4")"
    ! ip link show "$prefix-br" >/dev/null 2>&1 || die "a lab $prefix exists already (lab-sim.sh down $prefix)"
    # shellcheck disable=SC2317 # invoked by the trap
    on_exit() {
      local status=$?
      if [ "$status" -ne 0 ]; then
        local job
        for job in $(jobs -p); do
          kill "$job" 2>/dev/null || true
        done
        wait || true
        log "up failed (exit $status): tearing down; logs in $work/*/var/log/sluice-sim"
        down "$prefix"
      fi
    }
    trap on_exit EXIT
    mkdir -p "$STATE_DIR"
    echo "${SLUICE_LAB_OWNER_PID:-$PPID}" >"$STATE_DIR/$prefix"
    start=$SECONDS
    net_up "$prefix"
    # hdfs and kafka need nothing from the others: provisioned side by side (the Vagrantfile
    # brings the VMs up one after the other; only the order matters to the role scripts).
    side_by_side "$prefix" "$work" "$tarball" hdfs kafka
    provision "$prefix" "$work" "$tarball" flume
    provision "$prefix" "$work" "$tarball" spark
    log "lab $prefix up in $((SECONDS - start)) s"
    ;;
  provision)
    [ $# -ge 5 ] || die "usage: lab-sim.sh provision PREFIX WORKDIR TARBALL VM..."
    side_by_side "$prefix" "$(realpath -m "$3")" "$(realpath "$4")" "${@:5}"
    ;;
  exec)
    [ $# -ge 5 ] || die "usage: lab-sim.sh exec PREFIX WORKDIR VM CMD..."
    on "$prefix" "$(realpath -m "$3")" "${@:4}"
    ;;
  down)
    down "$prefix"
    ;;
  gc)
    for lab in $(orphans "$prefix"); do
      log "lab $lab: its owner is gone"
      down "$lab"
    done
    ;;
  *) die "unknown command '$command' (up, provision, exec, down, gc)" ;;
esac
