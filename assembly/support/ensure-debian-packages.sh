#!/usr/bin/env bash
# ensure-debian-packages.sh PKG...: installs the Debian packages a test needs when they are missing.
#
# Tests that need a program no Maven artifact provides (chromium, vagrant, shellcheck, iproute2,
# prometheus for promtool...)
# call this first, so `mvn -B verify` works on a fresh Debian machine with only JDK 17 and Maven.
# Installing needs root (or passwordless sudo); otherwise it exits 1 naming the packages to install.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "missing Debian packages: ${missing[*]} (install them: apt-get install ${missing[*]})" >&2
  exit 1
fi

# One test at a time installs; the others wait for the lock.
exec 9>/tmp/sluice-apt.lock
flock 9
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/sluice-apt.log 2>&1; then
  "${sudo[@]}" apt-get update -q >>/tmp/sluice-apt.log 2>&1
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/sluice-apt.log 2>&1 || {
    echo "apt-get install ${missing[*]} failed; see /tmp/sluice-apt.log" >&2
    tail -20 /tmp/sluice-apt.log >&2
    exit 1
  }
fi
