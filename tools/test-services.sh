#!/usr/bin/env bash
# What `npm test` needs on a Debian (or Ubuntu) machine, made so whatever state it is in:
# Postgres on 127.0.0.1:5432 letting user postgres in without a password (trust on 127.0.0.1 and
# ::1), and RabbitMQ on 127.0.0.1:5672 with its default guest/guest. Installs the packages when
# absent, configures, starts what is down, then waits until both accept connections. Safe to run
# again: it changes nothing that is already right. Needs root (or sudo) only for what it changes.
# A TEST_PG_URL or TEST_AMQP_URL set in the environment means that service is someone else's: skipped.
set -euo pipefail

HBA_BEGIN='# grove tools/test-services.sh: the test suite logs in as postgres without a password'
HBA_END='# end of grove tools/test-services.sh'
WAIT_S=120

say() { echo "test-services: $*"; }
die() {
  echo "test-services: $*" >&2
  exit 1
}
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "this step needs root: $*"
  fi
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
trusted() { psql -w -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; }
wait_for() { # seconds, what, command...
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq 1 "$seconds"); do
    if "$@"; then return 0; fi
    sleep 1
  done
  die "$what: not so after $seconds s"
}

# --- packages -------------------------------------------------------------------------------------
need=()
[ -n "${TEST_PG_URL:-}" ] || command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -n "${TEST_AMQP_URL:-}" ] || command -v rabbitmq-server >/dev/null 2>&1 || need+=(rabbitmq-server)
if [ ${#need[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "install ${need[*]} yourself (no apt-get here), then run this again"
  say "installing ${need[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- Postgres -------------------------------------------------------------------------------------
if [ -n "${TEST_PG_URL:-}" ]; then
  say "TEST_PG_URL is set: leaving Postgres alone"
else
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    say "creating the Postgres $version cluster main"
    as_root pg_createcluster "$version" main >/dev/null
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "starting Postgres $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  wait_for "$WAIT_S" "Postgres accepting connections on 127.0.0.1:5432" pg_isready -q -h 127.0.0.1 -p 5432
  if ! trusted; then
    hba=/etc/postgresql/$version/main/pg_hba.conf
    if ! as_root grep -qxF "$HBA_BEGIN" "$hba"; then
      say "letting user postgres in without a password on 127.0.0.1 and ::1 ($hba)"
      # pg_hba.conf is read top down and the first matching line wins: these go first.
      block=$(printf '%s\nhost all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust\n%s' "$HBA_BEGIN" "$HBA_END")
      as_root sh -c 'tmp=$(mktemp) && { printf "%s\n" "$1"; cat "$2"; } > "$tmp" && cat "$tmp" > "$2" && rm -f "$tmp"' \
        sh "$block" "$hba"
    fi
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    wait_for 10 "Postgres letting user postgres in without a password (see $hba)" trusted
  fi
  say "Postgres is ready on 127.0.0.1:5432 (user postgres, no password)"
fi

# --- RabbitMQ -------------------------------------------------------------------------------------
if [ -n "${TEST_AMQP_URL:-}" ]; then
  say "TEST_AMQP_URL is set: leaving RabbitMQ alone"
else
  if ! port_open 5672; then
    say "starting RabbitMQ"
    as_root rabbitmq-server -detached
  fi
  wait_for "$WAIT_S" "RabbitMQ accepting connections on 127.0.0.1:5672" port_open 5672
  say "RabbitMQ is ready on 127.0.0.1:5672 (guest/guest)"
fi
