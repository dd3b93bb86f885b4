#!/usr/bin/env bash
# provision.sh ROLE: makes this machine a lab ROLE (kafka, flume, spark or hdfs).
#
# Installs the JDK (apt) and a `sluice` service user, unpacks the Sluice tarball (SLUICE_TARBALL)
# into /opt/sluice, then runs roles/ROLE.sh: its configuration files and systemd units, started and
# waited for. Idempotent: a second run changes nothing and ends with "nothing changed".
#
# Addresses and ports come from lab.env. The Vagrantfile runs this as root on each VM;
# sim/lab-sim.sh runs it in a network namespace per machine (see lib/common.sh).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_ROLE="${1:-}"
# shellcheck source=lab.env
. "$LAB_DIR/lab.env"
# shellcheck source=lib/common.sh
. "$LAB_DIR/lib/common.sh"

case "$LAB_ROLE" in
  kafka|flume|spark|hdfs) ;;
  *) die "usage: provision.sh kafka|flume|spark|hdfs (got '${LAB_ROLE}')" ;;
esac
[ "$(id -u)" -eq 0 ] || die "run as root"
command -v systemctl >/dev/null || die "systemctl not found: the lab runs its services as systemd units"

prepare_host
install_sluice "${SLUICE_TARBALL:?SLUICE_TARBALL: path of sluice-VERSION-bin.tar.gz}"
# shellcheck source=/dev/null
. "$LAB_DIR/roles/$LAB_ROLE.sh"

if [ "$LAB_CHANGES" -eq 0 ]; then
  say "nothing changed"
else
  say "$LAB_CHANGES change(s)"
fi
