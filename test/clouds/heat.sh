#!/usr/bin/env bash
# A real Heat for Grove's orchestration driver: Debian's python3-heat, its API served by uwsgi on
# loopback (127.0.0.1:8004) and one heat-engine process, with configuration and logs in a state
# folder of its own, its tables in the machine's MariaDB (database grove_clouds_heat) and its RPC
# on the machine's RabbitMQ in a vhost of its own (grove-clouds-heat). Keystone comes from
# keystone.sh, which this starts first.
#
#   test/clouds/heat.sh start   install (once), configure (once), start (unless running); prints the env
#   test/clouds/heat.sh env     the env to use, as `export` lines
#   test/clouds/heat.sh stop    stops the uwsgi and heat-engine this script started, and nothing else
#   test/clouds/heat.sh clean   stop, then drop its database, vhost and state folder
#
# In Keystone it makes the service user heat (admin in project service), the heat domain with its
# stack domain admin, the roles heat_stack_owner and heat_stack_user, and the orchestration
# endpoints of RegionOne. The tenants of keystone.sh (alice, bob) create stacks as members.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="${GROVE_CLOUDS_STATE:-/var/tmp/grove-clouds}"
STATE="$ROOT/heat"
PORT="${HEAT_PORT:-8004}"
PASSWORD="${GROVE_CLOUDS_PASSWORD:-grove-clouds}"
CONF="$STATE/heat.conf"
DB="${GROVE_CLOUDS_MYSQL:-root@127.0.0.1}"
DB_NAME=grove_clouds_heat
VHOST=grove-clouds-heat
API_PID="$STATE/uwsgi.pid"
ENGINE_PID="$STATE/engine.pid"
PLUGIN="$HERE/../../deploy/heat/grove_senlin_compat.py"
# Set by configure when the configuration or the plug-in changed: a running Heat is restarted.
CHANGED=0
URL="http://127.0.0.1:$PORT"
# Heat's modules are in Debian's Python, whatever python3 comes first on PATH.
PY=/usr/bin/python3

say() { printf 'heat: %s\n' "$*" >&2; }
sql() { mysql -u"${DB%@*}" -h"${DB#*@}" "$@"; }

api_running() { [ -f "$API_PID" ] && kill -0 "$(cat "$API_PID")" 2>/dev/null; }
# The pid is checked against its command line too: a stale pidfile must not stop someone else's process.
engine_running() {
  [ -f "$ENGINE_PID" ] && grep -qs 'heat.cmd.engine' "/proc/$(cat "$ENGINE_PID")/cmdline"
}

install() {
  # find_spec, not import: importing Heat's engine costs a second.
  $PY -c 'import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in ("heat", "pymysql", "openstack")))' &&
    command -v uwsgi >/dev/null && [ -f /etc/heat/api-paste.ini ] && return
  say "installing Debian's python3-heat and heat-common"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  # Not heat-api or heat-engine: their install starts system services.
  apt-get install -y -qq --no-install-recommends heat-common python3-heat uwsgi-plugin-python3 \
    python3-pymysql python3-openstacksdk >/dev/null
}

# The configuration is written on every start (a later Grove may need a new setting); the
# database, once.
configure() {
  mkdir -p "$STATE"
  local auth=http://127.0.0.1:5000
  cat >"$CONF.new" <<CONF
[DEFAULT]
transport_url = rabbit://guest:guest@127.0.0.1:5672/$VHOST
region_name_for_services = RegionOne
num_engine_workers = 1
# Heat wants exactly 32 characters; this Heat only ever holds test credentials.
auth_encryption_key = grove-clouds-heat-test-key-32chr
stack_user_domain_name = heat
stack_domain_admin = heat_domain_admin
stack_domain_admin_password = $PASSWORD
heat_stack_user_role = heat_stack_user
# Grove's heat-stack profile abandons stacks; Heat keeps the feature off unless told.
enable_stack_abandon = true
environment_dir = /etc/heat/environment.d
# deploy/heat/grove_senlin_compat.py: Heat 19 with Debian's openstacksdk cannot create an
# OS::Senlin::Node or resize a cluster on a stack update without it, whatever serves clustering.
plugin_dirs = $STATE/plugins
template_dir = /etc/heat/templates
[paste_deploy]
api_paste_config = /etc/heat/api-paste.ini
[heat_api]
bind_host = 127.0.0.1
bind_port = $PORT
[database]
connection = mysql+pymysql://$DB/$DB_NAME
[keystone_authtoken]
www_authenticate_uri = $auth/v3
auth_url = $auth
auth_type = password
username = heat
password = $PASSWORD
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = RegionOne
[trustee]
auth_type = password
auth_url = $auth
username = heat
password = $PASSWORD
user_domain_name = Default
[clients_keystone]
auth_uri = $auth
[ec2authtoken]
auth_uri = $auth/v3
[oslo_policy]
policy_dirs = /etc/heat/policy.d
CONF
  if ! cmp -s "$CONF.new" "$CONF"; then
    mv "$CONF.new" "$CONF"
    CHANGED=1
  else
    rm -f "$CONF.new"
  fi
  mkdir -p "$STATE/plugins"
  if ! cmp -s "$PLUGIN" "$STATE/plugins/grove_senlin_compat.py"; then
    cp "$PLUGIN" "$STATE/plugins/grove_senlin_compat.py"
    CHANGED=1
  fi
  [ -f "$STATE/.configured.db" ] && return
  say "configuring in $STATE"
  sql -e "CREATE DATABASE IF NOT EXISTS $DB_NAME"
  rabbitmqctl -q list_vhosts | grep -qx "$VHOST" || rabbitmqctl -q add_vhost "$VHOST" >/dev/null
  rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null
  heat-manage --config-file "$CONF" db_sync >"$STATE/db-sync.log" 2>&1 ||
    { say "heat-manage db_sync failed; see $STATE/db-sync.log"; exit 1; }
  touch "$STATE/.configured.db"
}

# Heat's user, domain, roles and endpoints. Made again when keystone.sh set Keystone up anew.
accounts() {
  [ -f "$STATE/.keystone" ] && [ ! "$ROOT/keystone/.configured" -nt "$STATE/.keystone" ] && return
  say "making Heat's user, domain, roles and endpoints in Keystone"
  URL="$URL" PASSWORD="$PASSWORD" $PY - <<'PY'
import os
import openstack

pw = os.environ["PASSWORD"]
c = openstack.connect(auth_url="http://127.0.0.1:5000/v3", username="admin", password=pw,
                      project_name="admin", user_domain_name="Default", project_domain_name="Default",
                      identity_api_version="3")
idn = c.identity

def role(name):
    return idn.find_role(name) or idn.create_role(name=name)

def user(name, domain_id):
    return idn.find_user(name, domain_id=domain_id) or idn.create_user(name=name, domain_id=domain_id, password=pw)

service = idn.find_project("service", domain_id="default")
idn.assign_project_role_to_user(service, user("heat", "default"), role("admin"))
role("heat_stack_owner")
role("heat_stack_user")
domain = idn.find_domain("heat") or idn.create_domain(name="heat", description="Users of Heat's stacks")
idn.assign_domain_role_to_user(domain, user("heat_domain_admin", domain.id), role("admin"))

svc = next((s for s in idn.services() if s.type == "orchestration"), None) or idn.create_service(
    name="heat", type="orchestration", description="Orchestration")
have = {e.interface for e in idn.endpoints(service_id=svc.id, region_id="RegionOne")}
for interface in ("public", "internal", "admin"):
    if interface not in have:
        idn.create_endpoint(service_id=svc.id, interface=interface, region_id="RegionOne",
                            url=os.environ["URL"] + "/v1/%(tenant_id)s")
PY
  touch "$STATE/.keystone"
}

start_api() {
  api_running && return
  say "starting heat-api (uwsgi) on 127.0.0.1:$PORT"
  uwsgi --plugin python3 --http-socket "127.0.0.1:$PORT" --wsgi-file /usr/bin/heat-wsgi-api \
    --pyargv "--config-file $CONF --log-file $STATE/heat-api.log" \
    --master --processes 1 --threads 4 --lazy-apps --die-on-term \
    --pidfile "$API_PID" --daemonize "$STATE/uwsgi.log" >/dev/null
}

start_engine() {
  engine_running && return
  say "starting heat-engine"
  # From Python, not /usr/bin/heat-engine: that belongs to the package that starts a system service.
  setsid $PY -c 'import sys; from heat.cmd.engine import main; sys.argv[0] = "heat-engine"; main()' \
    --config-file "$CONF" --log-file "$STATE/heat-engine.log" </dev/null >"$STATE/engine.out" 2>&1 &
  echo $! >"$ENGINE_PID"
}

# The API answers, and an engine has reported itself since this start.
wait_ready() {
  local since="$1"
  for _ in $(seq 1 300); do
    if curl -sS -o /dev/null "$URL/" 2>/dev/null &&
      [ "$(sql -N -e "SELECT COUNT(*) FROM $DB_NAME.service WHERE deleted_at IS NULL
          AND COALESCE(updated_at, created_at) >= '$since'")" -gt 0 ]; then
      return
    fi
    engine_running || { say "heat-engine exited; see $STATE/heat-engine.log and $STATE/engine.out"; exit 1; }
    sleep 0.2
  done
  say "Heat did not get ready; see $STATE/uwsgi.log, $STATE/heat-api.log and $STATE/heat-engine.log"
  exit 1
}

env_lines() {
  cat <<ENV
export HEAT_URL=$URL/v1
export HEAT_REGION=RegionOne
ENV
}

stop_one() {
  local what="$1" pidfile="$2" check="$3"
  if $check; then
    local pid
    pid="$(cat "$pidfile")"
    say "stopping $what $pid"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

case "${1:-start}" in
  start)
    # Keystone's own export lines go out first, then Heat's.
    "$HERE/keystone.sh" start
    install
    configure
    accounts
    if [ "$CHANGED" = 1 ] && { api_running || engine_running; }; then
      say "configuration changed: restarting"
      stop_one uwsgi "$API_PID" api_running
      stop_one heat-engine "$ENGINE_PID" engine_running
    fi
    if ! api_running || ! engine_running; then
      since="$(sql -N -e 'SELECT UTC_TIMESTAMP()')"
      engine_running || since='1970-01-01 00:00:00'
      start_engine
      start_api
      wait_ready "$since"
    fi
    env_lines
    ;;
  env)
    "$HERE/keystone.sh" env
    env_lines
    ;;
  stop)
    stop_one uwsgi "$API_PID" api_running
    stop_one heat-engine "$ENGINE_PID" engine_running
    ;;
  clean)
    "$0" stop
    sql -e "DROP DATABASE IF EXISTS $DB_NAME"
    if rabbitmqctl -q list_vhosts 2>/dev/null | grep -qx "$VHOST"; then rabbitmqctl -q delete_vhost "$VHOST" >/dev/null; fi
    rm -rf "$STATE"
    ;;
  *)
    echo "usage: $0 start|env|stop|clean" >&2
    exit 2
    ;;
esac
