#!/usr/bin/env bash
# A Keystone of its own for the tempest harness: Debian's keystone under uwsgi on loopback, with its
# sqlite database, fernet and credential keys, config and logs under $STATE_DIR/keystone.
#
#   keystone.sh start   install keystone if absent, set it up on first use, start it, make sure the
#                       catalog has a `clustering` service whose public/internal/admin endpoints are
#                       $CLUSTERING_URL (when set), and print the environment (as `env` does)
#   keystone.sh env     print `export OS_...` lines for the admin of this Keystone
#   keystone.sh stop    stop the uwsgi this script started (nothing else)
#   keystone.sh status  say whether it runs
#
# STATE_DIR defaults to <repo>/.grove/tempest. Idempotent: a second start of a running Keystone only
# updates the catalog; state survives stop, so later starts skip the setup.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STATE_DIR=${STATE_DIR:-$ROOT/.grove/tempest}
KS=$STATE_DIR/keystone
CONF=$KS/keystone.conf
PIDFILE=$KS/uwsgi.pid
PORTFILE=$KS/port
PASSFILE=$KS/admin-password
REGION=RegionOne

# The caller's OS_* settings (a clouds.yaml name, OS_AUTH_TYPE=none for Grove's noauth mode) must not
# leak into the calls this script makes.
for v in $(compgen -e | grep '^OS_' || true); do unset "$v"; done

log() { echo "keystone.sh: $*" >&2; }

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The pid in the pidfile, if that process is the uwsgi serving this state folder.
our_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid=$(tr -d ' \n' <"$PIDFILE")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$CONF" && echo "$pid"
}

admin_env() {
  cat <<EOF
export OS_AUTH_URL=http://127.0.0.1:$(cat "$PORTFILE")/v3
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD=$(cat "$PASSFILE")
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=$REGION
export OS_INTERFACE=public
EOF
}

write_conf() {
  mkdir -p "$KS/log" "$KS/fernet-keys" "$KS/credential-keys"
  cat >"$CONF" <<EOF
# Written by test/tempest/keystone.sh; rewritten on every start.
[DEFAULT]
log_file = $KS/log/keystone.log
[database]
connection = sqlite:///$KS/keystone.db
[fernet_tokens]
key_repository = $KS/fernet-keys
[fernet_receipts]
key_repository = $KS/fernet-keys
[credential]
key_repository = $KS/credential-keys
[token]
# A tempest run can take longer than the default hour.
expiration = 14400
[identity]
# tempest makes a user per test class; bcrypt's default 12 rounds made Keystone the busiest process.
password_hash_rounds = 4
EOF
}

manage() { keystone-manage --config-file "$CONF" "$@" >>"$KS/log/keystone-manage.log" 2>&1; }

setup_once() {
  if [ ! -f "$KS/.ready" ]; then
    log "first use: creating the database and keys under $KS"
    [ -f "$PASSFILE" ] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$PASSFILE")
    manage db_sync
    manage fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
    manage credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
    # WAL (a setting kept in the file) lets readers go on while tempest creates its users; without
    # it concurrent requests fail with "database is locked".
    sqlite3 "$KS/keystone.db" 'PRAGMA journal_mode=WAL;' >/dev/null
  fi
  # Bootstrap is idempotent; rerun whenever the port changed, so the identity endpoints follow it.
  [ -f "$KS/.ready" ] && [ "$(cat "$KS/.ready")" = "$PORT" ] && return 0
  local url="http://127.0.0.1:$PORT/v3"
  manage bootstrap --bootstrap-password "$(cat "$PASSFILE")" --bootstrap-username admin \
    --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
    --bootstrap-region-id "$REGION" --bootstrap-admin-url "$url" --bootstrap-public-url "$url" \
    --bootstrap-internal-url "$url"
  echo "$PORT" >"$KS/.ready"
}

wait_up() {
  local i
  for i in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/v3" && return 0
    if ! our_pid >/dev/null; then
      log "uwsgi exited; see $KS/log/uwsgi.log"
      tail -20 "$KS/log/uwsgi.log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  log "Keystone did not answer on port $PORT within 60 s; see $KS/log/"
  return 1
}

start_uwsgi() {
  : >"$KS/log/uwsgi.log"
  # One thread per worker: keystone's sqlite connections break when a thread closes another's.
  # http-socket keeps no connection alive, and says so, or clients reuse a closed one.
  # setsid: its own process group, so stop can end the master and its workers together and a
  # Ctrl-C in the caller's terminal does not reach it.
  setsid uwsgi --plugins python3 --master --die-on-term --no-orphans --lazy-apps \
    --processes 3 --threads 1 --buffer-size 65535 --http-socket "127.0.0.1:$PORT" --add-header 'Connection: close' \
    --wsgi-file /usr/bin/keystone-wsgi-public --chdir "$KS" --env "OS_KEYSTONE_CONFIG_FILES=$CONF" \
    --pidfile "$PIDFILE" --logto "$KS/log/uwsgi.log" </dev/null >/dev/null 2>&1 &
  local i
  for i in $(seq 1 40); do our_pid >/dev/null && return 0; sleep 0.25; done
  log "uwsgi did not start; see $KS/log/uwsgi.log"
  tail -20 "$KS/log/uwsgi.log" >&2 || true
  return 1
}

# Makes the catalog's `clustering` service point at $CLUSTERING_URL on all three interfaces. Plain
# REST calls: the openstack CLI would take half a minute for these few requests.
ensure_clustering() {
  [ -n "${CLUSTERING_URL:-}" ] || return 0
  local base="http://127.0.0.1:$PORT/v3" token svc iface id url
  token=$(curl -sf -D - -o /dev/null -H 'Content-Type: application/json' "$base/auth/tokens" -d "$(jq -n \
    --arg p "$(cat "$PASSFILE")" '{auth: {identity: {methods: ["password"], password: {user: {name: "admin",
      password: $p, domain: {id: "default"}}}}, scope: {project: {name: "admin", domain: {id: "default"}}}}}')" |
    awk 'tolower($1) == "x-subject-token:" {print $2}' | tr -d '\r')
  [ -n "$token" ] || { log "cannot log in as admin"; return 1; }
  api() { curl -sf -H "X-Auth-Token: $token" -H 'Content-Type: application/json' "$@"; }
  svc=$(api "$base/services?type=clustering" | jq -r '.services[0].id // empty')
  if [ -z "$svc" ]; then
    svc=$(api "$base/services" -d '{"service": {"type": "clustering", "name": "senlin",
      "description": "Grove (Senlin API)", "enabled": true}}' | jq -r .service.id)
  fi
  for iface in public internal admin; do
    read -r id url < <(api "$base/endpoints?service_id=$svc&interface=$iface&region_id=$REGION" |
      jq -r '.endpoints[0] | select(.) | "\(.id) \(.url)"') || true
    if [ -z "${id:-}" ]; then
      api "$base/endpoints" -o /dev/null -d "$(jq -n --arg s "$svc" --arg i "$iface" --arg u "$CLUSTERING_URL" \
        --arg r "$REGION" '{endpoint: {service_id: $s, interface: $i, url: $u, region_id: $r, enabled: true}}')"
    elif [ "$url" != "$CLUSTERING_URL" ]; then
      api -X PATCH "$base/endpoints/$id" -o /dev/null -d "$(jq -n --arg u "$CLUSTERING_URL" '{endpoint: {url: $u}}')"
    fi
    id= url=
  done
  log "catalog: clustering -> $CLUSTERING_URL"
}

cmd_start() {
  "$HERE/apt-install.sh" keystone python3-keystone uwsgi-core uwsgi-plugin-python3 sqlite3 curl jq
  mkdir -p "$KS"
  if pid=$(our_pid); then
    PORT=$(cat "$PORTFILE")
    log "already running (pid $pid, port $PORT)"
  else
    PORT=$(cat "$PORTFILE" 2>/dev/null || true)
    if [ -z "$PORT" ] || port_busy "$PORT"; then PORT=$(free_port); fi
    echo "$PORT" >"$PORTFILE"
    write_conf
    setup_once
    start_uwsgi
    log "started (pid $(our_pid), http://127.0.0.1:$PORT/v3)"
  fi
  wait_up
  ensure_clustering
  admin_env
}

cmd_stop() {
  local pid i
  if ! pid=$(our_pid); then
    log "not running"
    rm -f "$PIDFILE"
    return 0
  fi
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
  for i in $(seq 1 40); do
    [ -d "/proc/$pid" ] || break
    sleep 0.25
  done
  [ -d "/proc/$pid" ] && kill -KILL -- "-$pid" 2>/dev/null
  rm -f "$PIDFILE"
  log "stopped (pid $pid)"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env)
    [ -f "$PORTFILE" ] && [ -f "$PASSFILE" ] || { log "not set up yet: run start"; exit 1; }
    admin_env
    ;;
  status)
    if pid=$(our_pid); then echo "running (pid $pid, port $(cat "$PORTFILE"))"; else echo "stopped"; exit 3; fi
    ;;
  *)
    echo "usage: $0 start|stop|env|status   (STATE_DIR=$STATE_DIR, CLUSTERING_URL for the catalog)" >&2
    exit 2
    ;;
esac
