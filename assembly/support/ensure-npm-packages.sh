#!/usr/bin/env bash
# ensure-npm-packages.sh PKG@VERSION...: installs npm packages a test needs (e.g. kinesalite@3.3.3, the local
# Kinesis server of the KinesisSource tests) when they are missing, and prints the directory that holds them
# (its node_modules/.bin has their commands).
#
# Like ensure-debian-packages.sh, so that `mvn -B verify` works on a fresh machine: only the npm registry
# is needed. The packages go to a cache of their own, never a global install:
#   SLUICE_NPM_PREFIX, default ~/.cache/sluice/npm
# node and npm come from Debian (nodejs, npm; installed with ensure-debian-packages.sh when missing).
# Install scripts are not run (--ignore-scripts): kinesalite's one native dependency (leveldown) is
# optional and unused, its in-memory store needs none.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: ensure-npm-packages.sh PKG@VERSION..." >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${SLUICE_NPM_PREFIX:-$HOME/.cache/sluice/npm}"
mkdir -p "$prefix"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  bash "$here/ensure-debian-packages.sh" nodejs npm >&2
fi

# One test at a time installs; the others wait for the lock.
exec 9>"$prefix/.lock"
flock 9
missing=()
for spec in "$@"; do
  name="${spec%@*}"
  version="${spec##*@}"
  [ "$name" = "$spec" ] && version=""
  pkg="$prefix/node_modules/$name/package.json"
  if [ ! -f "$pkg" ] || { [ -n "$version" ] && ! grep -q "\"version\": *\"$version\"" "$pkg"; }; then
    missing+=("$spec")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! npm install --prefix "$prefix" --no-audit --no-fund --ignore-scripts --no-save "${missing[@]}" \
      >"$prefix/install.log" 2>&1; then
    echo "npm install ${missing[*]} failed; see $prefix/install.log" >&2
    tail -20 "$prefix/install.log" >&2
    exit 1
  fi
fi
echo "$prefix"
