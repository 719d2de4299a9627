#!/usr/bin/env bash
# A real Keystone for Grove's real-cloud tests: Debian's package, served by uwsgi on loopback,
# with its configuration, fernet keys and logs in a state folder of its own and its tables in
# the machine's MariaDB (database grove_clouds_keystone; SQLite locks under concurrent requests).
#
#   test/clouds/keystone.sh start   install (once), configure (once), start (unless running); prints the env
#   test/clouds/keystone.sh env     the env to use, as `export` lines
#   test/clouds/keystone.sh stop    stops the uwsgi this script started, and nothing else
#   test/clouds/keystone.sh clean   stop, then drop its database and state folder
#
# It makes Grove's service user (grove, admin in project service) and two tenants for the
# isolation tests: alice (member of project-a) and bob (member of project-b).
set -euo pipefail

STATE="${GROVE_CLOUDS_STATE:-/var/tmp/grove-clouds}/keystone"
PORT="${KEYSTONE_PORT:-5000}"
PASSWORD="${GROVE_CLOUDS_PASSWORD:-grove-clouds}"
CONF="$STATE/keystone.conf"
DB="${GROVE_CLOUDS_MYSQL:-root@127.0.0.1}"
DB_NAME=grove_clouds_keystone
PIDFILE="$STATE/uwsgi.pid"
URL="http://127.0.0.1:$PORT/v3"

say() { printf 'keystone: %s\n' "$*" >&2; }

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

install() {
  command -v keystone-manage >/dev/null && command -v uwsgi >/dev/null && return
  say "installing Debian's keystone"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  apt-get install -y -qq --no-install-recommends keystone uwsgi-plugin-python3 python3-pymysql python3-openstacksdk >/dev/null
}

configure() {
  [ -f "$STATE/.configured" ] && return
  say "configuring in $STATE"
  mkdir -p "$STATE/fernet-keys" "$STATE/credential-keys"
  cat >"$CONF" <<CONF
[DEFAULT]
log_file = $STATE/keystone.log
[database]
connection = mysql+pymysql://$DB/$DB_NAME
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $STATE/fernet-keys
[credential]
key_repository = $STATE/credential-keys
[cache]
enabled = false
CONF
  local me
  me="$(id -un)"
  mysql -u"${DB%@*}" -h"${DB#*@}" -e "CREATE DATABASE IF NOT EXISTS $DB_NAME"
  keystone-manage --config-file "$CONF" db_sync
  keystone-manage --config-file "$CONF" fernet_setup --keystone-user "$me" --keystone-group "$(id -gn)"
  keystone-manage --config-file "$CONF" credential_setup --keystone-user "$me" --keystone-group "$(id -gn)"
  keystone-manage --config-file "$CONF" bootstrap --bootstrap-password "$PASSWORD" \
    --bootstrap-admin-url "$URL/" --bootstrap-internal-url "$URL/" --bootstrap-public-url "$URL/" \
    --bootstrap-region-id RegionOne
  touch "$STATE/.configured.db"
}

start() {
  running && return
  say "starting uwsgi on 127.0.0.1:$PORT"
  # uwsgi's http-socket closes every connection after its response: say so, or clients that pool
  # connections (keystoneauth in Nova and Neutron) reuse a closed one and fail.
  OS_KEYSTONE_CONFIG_FILES="$CONF" uwsgi --plugin python3 --http-socket "127.0.0.1:$PORT" \
    --add-header 'Connection: close' \
    --wsgi-file /usr/bin/keystone-wsgi-public --master --processes 2 --threads 2 --lazy-apps \
    --env "OS_KEYSTONE_CONFIG_FILES=$CONF" --pidfile "$PIDFILE" --daemonize "$STATE/uwsgi.log" >/dev/null
  for _ in $(seq 1 100); do
    curl -fsS "$URL" >/dev/null 2>&1 && return
    sleep 0.2
  done
  say "Keystone did not answer on $URL; see $STATE/uwsgi.log and $STATE/keystone.log"
  exit 1
}

accounts() {
  [ -f "$STATE/.configured" ] && return
  say "making the service user and the test tenants"
  # openstacksdk, as Debian ships it: one connection instead of a CLI start per step.
  URL="$URL" PASSWORD="$PASSWORD" /usr/bin/python3 - <<'PY'
import os
import openstack

c = openstack.connect(auth_url=os.environ["URL"], username="admin", password=os.environ["PASSWORD"],
                      project_name="admin", user_domain_name="Default", project_domain_name="Default",
                      identity_api_version="3")
idn = c.identity

def project(name):
    return idn.find_project(name, domain_id="default") or idn.create_project(name=name, domain_id="default")

def user(name):
    return idn.find_user(name, domain_id="default") or idn.create_user(
        name=name, domain_id="default", password=os.environ["PASSWORD"])

def role(name):
    return idn.find_role(name) or idn.create_role(name=name)

idn.assign_project_role_to_user(project("service"), user("grove"), role("admin"))
for p, u in (("project-a", "alice"), ("project-b", "bob")):
    idn.assign_project_role_to_user(project(p), user(u), role("member"))
PY
  touch "$STATE/.configured"
}

env_lines() {
  cat <<ENV
export KEYSTONE_AUTH_URL=$URL
export KEYSTONE_USERNAME=grove
export KEYSTONE_PASSWORD=$PASSWORD
export KEYSTONE_PROJECT_NAME=service
export GROVE_CLOUDS_PASSWORD=$PASSWORD
ENV
}

case "${1:-start}" in
  start)
    install
    if [ ! -f "$STATE/.configured.db" ]; then configure; fi
    start
    accounts
    env_lines
    ;;
  env) env_lines ;;
  stop)
    if running; then
      say "stopping uwsgi $(cat "$PIDFILE")"
      uwsgi --stop "$PIDFILE" || kill "$(cat "$PIDFILE")"
      for _ in $(seq 1 50); do running || break; sleep 0.1; done
    fi
    rm -f "$PIDFILE"
    ;;
  clean)
    "$0" stop
    mysql -u"${DB%@*}" -h"${DB#*@}" -e "DROP DATABASE IF EXISTS $DB_NAME"
    rm -rf "$STATE"
    ;;
  *)
    echo "usage: $0 start|env|stop|clean" >&2
    exit 2
    ;;
esac
