#!/usr/bin/env bash
# Installs the Debian packages named as arguments, those that are not installed yet, without letting
# their maintainer scripts start any service (keystone's postinst would start a uwsgi on port 5000):
# a policy-rc.d answering 101 is put in place for the install when the machine has none.
set -euo pipefail

missing=()
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "apt-install.sh: ${missing[*]} missing and not root; install them with apt-get" >&2
  exit 1
fi

policy=/usr/sbin/policy-rc.d
ours=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# put here by grove test/tempest/apt-install.sh for one install\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  ours=1
fi
cleanup() { if [ -n "$ours" ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

echo "installing ${missing[*]} (Debian packages)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
  # A machine whose package lists were never fetched knows no package yet.
  apt-get update >&2
  apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi
