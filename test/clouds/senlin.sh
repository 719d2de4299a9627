#!/usr/bin/env bash
# A real Senlin to measure Grove against (bench/real-nova-cluster.ts): Debian's python3-senlin
# (Senlin 14), its API served by uwsgi on loopback (127.0.0.1:8787; 8777 is Grove's), and
# senlin-engine, senlin-conductor and senlin-health-manager, one process each; configuration and
# logs in a state folder of its own, tables in the machine's MariaDB (grove_clouds_senlin), RPC on
# the vhost grove-clouds-senlin. Keystone comes from keystone.sh, which this starts first; the
# servers Senlin makes are Nova's, so run nova.sh too.
#
#   test/clouds/senlin.sh start   install (once), configure (once), start (what is not running); prints the env
#   test/clouds/senlin.sh env     the env to use, as `export` lines
#   test/clouds/senlin.sh stop    stops the Senlin processes this script started, nothing else
#   test/clouds/senlin.sh clean   stop, then drop its database, vhost and state folder
#
# In Keystone it makes the service user senlin (admin in project service), which the tenants'
# trusts delegate to. It does not put Senlin in the catalog: Grove is `clustering` there (Heat
# finds it so); clients reach Senlin by SENLIN_URL.
#
# Stop it only when no cluster is busy: a senlin-engine stopped mid-action removes its own service
# row, so the engine started next never takes its locks over and the cluster stays CREATING (or
# DELETING) for good. Senlin's own routine frees them, with the dead engine's id (the `owner` of
# the stuck rows of its `action` table):
#   /usr/bin/python3 -c 'import eventlet; eventlet.monkey_patch(os=False)
#   from senlin.common import config; from senlin import objects
#   config.parse_args(["x", "--config-file", "/var/tmp/grove-clouds/senlin/senlin.conf"], "senlin")
#   objects.register_all(); from senlin.objects.service import Service; Service.gc_by_engine("<id>")'
set -euo pipefail

SERVICE=senlin
ROOT="${GROVE_CLOUDS_STATE:-/var/tmp/grove-clouds}"
STATE="$ROOT/senlin"
PORT="${SENLIN_PORT:-8787}"
URL="http://127.0.0.1:$PORT"
VHOST=grove-clouds-senlin
DB_NAME=grove_clouds_senlin
CONF="$STATE/senlin.conf"
HOST=grove-clouds-senlin
# shellcheck source=openstack-service.sh
. "$(dirname "$0")/openstack-service.sh"

install() {
  # find_spec, not import: importing Senlin costs a second.
  "$PY" -c 'import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in ("senlin", "pymysql", "openstack")))' &&
    command -v senlin-manage >/dev/null && command -v uwsgi >/dev/null &&
    [ -f /usr/share/senlin-common/api-paste.ini ] && return
  # Not senlin-api, senlin-engine, …: their install starts system services.
  apt_install senlin-common python3-senlin uwsgi-plugin-python3 python3-pymysql python3-openstacksdk
}

configure() {
  [ -f "$STATE/.configured.db" ] && return
  say "configuring in $STATE"
  mkdir -p "$STATE/environments" "$STATE/lock"
  local auth="${KEYSTONE_AUTH_URL%/v3}"
  # Each process logs to $STATE/<name>.log (--log-file on its command line).
  cat >"$CONF" <<CONF
[DEFAULT]
host = $HOST
transport_url = $(rabbit_url $VHOST)
default_region_name = RegionOne
environment_dir = $STATE/environments
[senlin_api]
api_paste_config = /usr/share/senlin-common/api-paste.ini
[database]
connection = $(db_url $DB_NAME)
# MariaDB is the machine's, shared with every other service here (151 connections): each Senlin
# process keeps at most 25, not oslo.db's 55.
max_pool_size = 5
max_overflow = 20
[engine]
workers = 1
[conductor]
workers = 1
[health_manager]
workers = 1
[oslo_concurrency]
lock_path = $STATE/lock
[oslo_policy]
policy_dirs = /etc/senlin/policy.d
[oslo_messaging_notifications]
driver = noop
[oslo_messaging_rabbit]
# The API runs in uwsgi, where oslo.messaging's heartbeat thread does not run: RabbitMQ closed its
# idle connection after a minute and the next request waited for the reconnect. On loopback, none.
heartbeat_timeout_threshold = 0
[authentication]
auth_url = $auth/v3
service_username = senlin
service_password = $PASSWORD
service_project_name = service
service_user_domain = Default
service_project_domain = Default
interface = public
$(auth_section keystone_authtoken senlin)
CONF
  create_db $DB_NAME
  senlin-manage --config-file "$CONF" db_sync >>"$STATE/manage.log" 2>&1 ||
    { say "senlin-manage db_sync failed; see $STATE/manage.log"; exit 1; }
  touch "$STATE/.configured.db"
}

# Senlin's service user; made again when keystone.sh set Keystone up anew. No catalog entry.
accounts() {
  [ -f "$STATE/.keystone" ] && [ ! "$ROOT/keystone/.configured" -nt "$STATE/.keystone" ] && return
  say "making Senlin's service user in Keystone"
  KS_URL="$KEYSTONE_AUTH_URL" KS_PASSWORD="$PASSWORD" "$PY" - <<'PY'
import os
import openstack

e = os.environ
c = openstack.connect(auth_url=e["KS_URL"], username="admin", password=e["KS_PASSWORD"],
                      project_name="admin", user_domain_name="Default", project_domain_name="Default",
                      identity_api_version="3")
idn = c.identity
user = idn.find_user("senlin", domain_id="default") or idn.create_user(
    name="senlin", domain_id="default", password=e["KS_PASSWORD"])
idn.assign_project_role_to_user(idn.find_project("service", domain_id="default"), user, idn.find_role("admin"))
PY
  touch "$STATE/.keystone"
}

# Two fixes for Senlin 14 as Debian ships it, imported by each of its services before it starts
# (the API serves from the conductor and the engine and touches no table itself):
#
# - What Senlin imports on first use, imported first: the engine creates a cluster's nodes in green
#   threads at once, and the first ones each import keystoneauth's password plugin and fail with
#   "partially initialized module 'keystoneauth1.loading._plugins.identity.generic' has no
#   attribute 'Password'" (the nodes go ERROR, the cluster WARNING).
# - Connections given back: most of Senlin's reads (cluster_get, cred_get, … through its
#   *_model_query helpers) run their query after oslo.db's reader context has closed the session,
#   so SQLAlchemy begins a new transaction there that nothing ends. Each such read keeps a pooled
#   connection until Python's cycle collector frees the session, which under a 20-node create (and
#   the trust check on every API request) is too late: the conductor's pool ran out ("QueuePool
#   limit of size 5 overflow 50 reached"), the API answered 500, and the collector, running in
#   eventlet's hub, logged "do not call blocking functions from the mainloop". Here such a
#   transaction ends as soon as its query has returned, if it changed nothing.
fixes() {
  mkdir -p "$STATE/python"
  cat >"$STATE/python/grove_clouds_senlin_fixes.py" <<'PY'
"""Senlin 14 on Debian 12, for test/clouds/senlin.sh: imported after senlin.cmd (eventlet patched)."""
import keystoneauth1.loading
import openstack.connection  # noqa: F401
import openstack.compute.v2._proxy  # noqa: F401
import openstack.identity.v3._proxy  # noqa: F401
import openstack.image.v2._proxy  # noqa: F401
import openstack.network.v2._proxy  # noqa: F401
import openstack.orchestration.v1._proxy  # noqa: F401
import sqlalchemy.orm
from oslo_db.sqlalchemy import orm as oslo_orm

for name in ('password', 'token', 'v3password', 'v3token'):
    keystoneauth1.loading.get_plugin_loader(name).plugin_class

_close = oslo_orm.Session.close


def _closed_by_facade(self):
    _close(self)
    self.info['closed_by_facade'] = True


oslo_orm.Session.close = _closed_by_facade


def _release(session):
    if (session.info.get('closed_by_facade') and session.in_transaction()
            and not (session.new or session.dirty or session.deleted)):
        session.commit()  # a read: this gives the connection back (expire_on_commit is off)


def _releasing(name):
    run = getattr(sqlalchemy.orm.Query, name)

    def query(self, *args, **kwargs):
        try:
            return run(self, *args, **kwargs)
        finally:
            _release(self.session)

    setattr(sqlalchemy.orm.Query, name, query)


for _name in ('all', 'first', 'one', 'one_or_none', 'scalar', 'get'):
    _releasing(_name)
PY
}

# Senlin's services from the library, as nova.sh runs Nova's (senlin.cmd monkey-patches eventlet first).
senlin_service() {
  daemon "senlin-$1" env PYTHONPATH="$STATE/python" "$PY" -c \
    "import sys; from senlin.cmd.$2 import main; import grove_clouds_senlin_fixes; sys.argv[0] = 'senlin-$1'; main()" \
    --config-file "$CONF" --log-file "$STATE/senlin-$1.log"
}

# Senlin is ready once its API answers and each back-end process started here has registered: a
# process writes a row of its own in the service table when it starts (the API answers HTTP before
# the engine listens on RPC).
wait_ready() {
  local since="$1"
  shift
  # Its version list (300), not just any answer: a uwsgi worker without its app answers 500.
  local answered=false
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" = 300 ] && { answered=true; break; }
    sleep 0.2
  done
  $answered || { say "senlin-api did not answer on $URL; see $STATE/senlin-api.out and $STATE/senlin-api.log"; exit 1; }
  local want=$# names
  names="$(printf "'%s'," "$@")"
  for _ in $(seq 1 300); do
    [ "$want" -eq 0 ] && return
    [ "$(mysql_root -N -e "SELECT COUNT(DISTINCT \`binary\`) FROM $DB_NAME.service
        WHERE created_at >= '$since' AND \`binary\` IN (${names%,})")" -ge "$want" ] && return
    for p in "$@"; do
      running_pid "$STATE/$p.pid" || { say "$p exited; see $STATE/$p.log and $STATE/$p.out"; exit 1; }
    done
    sleep 0.2
  done
  say "Senlin's $* did not report; see the logs in $STATE"
  exit 1
}

start() {
  local p since started=()
  for p in senlin-engine senlin-conductor senlin-health-manager; do
    running_pid "$STATE/$p.pid" || started+=("$p")
  done
  [ ${#started[@]} -eq 0 ] && running_pid "$STATE/senlin-api.pid" && return
  # Seconds are what the table keeps: a second early, so that a row written this second counts.
  since="$(mysql_root -N -e 'SELECT UTC_TIMESTAMP() - INTERVAL 1 SECOND')"
  rabbit_vhost $VHOST
  fixes
  senlin_service engine engine
  senlin_service conductor conductor
  senlin_service health-manager health_manager
  # A pidfile left by an API that died: uwsgi_daemon would take it for the new one's.
  running_pid "$STATE/senlin-api.pid" || rm -f "$STATE/senlin-api.pid"
  # Senlin monkey-patches eventlet: one thread per process, as Nova's API.
  UWSGI_PROCESSES=2 UWSGI_THREADS=1 uwsgi_daemon senlin-api /usr/bin/senlin-wsgi-api "$PORT" \
    --pyargv "--config-file $CONF --log-file $STATE/senlin-api.log"
  wait_ready "$since" "${started[@]}"
}

env_lines() {
  cat <<ENV
export SENLIN_URL=$URL
ENV
}

case "${1:-start}" in
  start)
    install
    keystone_env
    configure
    accounts
    start
    env_lines
    ;;
  env) env_lines ;;
  stop)
    for p in senlin-api senlin-health-manager senlin-conductor senlin-engine; do stop_pid $p; done
    ;;
  clean)
    "$0" stop
    drop_db $DB_NAME
    drop_rabbit_vhost $VHOST
    rm -rf "$STATE"
    ;;
  *)
    echo "usage: $0 start|env|stop|clean" >&2
    exit 2
    ;;
esac
