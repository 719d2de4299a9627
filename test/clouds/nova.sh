#!/usr/bin/env bash
# A real Nova for Grove's real-cloud tests: Debian's python3-nova with the fake virt driver
# (nova.virt.fake: servers exist only in Nova's database and its memory), and Placement. On
# loopback: placement-api on 127.0.0.1:8778 and nova-api on 8774 (uwsgi), nova-conductor,
# nova-scheduler and nova-compute (one host); configuration and logs in a state folder of its own,
# tables in the machine's MariaDB (grove_clouds_nova_api, grove_clouds_nova, grove_clouds_nova_cell0,
# grove_clouds_placement), RPC on the vhost grove-clouds-nova; the `compute` and `placement`
# endpoints in the Keystone of keystone.sh; flavors m1.tiny (id 1) and m1.small (id 2). It starts
# glance.sh and neutron.sh first: Nova boots from Glance's image onto Neutron's network.
#
#   test/clouds/nova.sh start   install (once), configure (once), start (what is not running); prints the env
#   test/clouds/nova.sh env     the env to use, as `export` lines
#   test/clouds/nova.sh stop    stops the Nova and Placement processes this script started, nothing else
#   test/clouds/nova.sh clean   stop, then drop its databases, vhost and state folder
set -euo pipefail

SERVICE=nova
STATE="${GROVE_CLOUDS_STATE:-/var/tmp/grove-clouds}/nova"
PORT="${NOVA_PORT:-8774}"
PLACEMENT_PORT="${PLACEMENT_PORT:-8778}"
URL="http://127.0.0.1:$PORT/v2.1"
PLACEMENT_URL="http://127.0.0.1:$PLACEMENT_PORT"
VHOST=grove-clouds-nova
CONF="$STATE/nova.conf"
PLACEMENT_DIR="$STATE/placement"
HOST=grove-clouds-compute
# shellcheck source=openstack-service.sh
. "$(dirname "$0")/openstack-service.sh"

install() {
  [ -d /usr/lib/python3/dist-packages/nova ] && [ -d /usr/lib/python3/dist-packages/placement ] &&
    command -v nova-manage >/dev/null && command -v placement-manage >/dev/null &&
    command -v uwsgi >/dev/null && "$PY" -c 'import pymysql, openstack' 2>/dev/null && return
  apt_install nova-common python3-nova placement-common python3-placement uwsgi-plugin-python3 \
    python3-pymysql python3-openstacksdk
}

nova_manage() { nova-manage --config-file "$CONF" "$@" >>"$STATE/manage.log" 2>&1; }

configure() {
  [ -f "$STATE/.configured.db" ] && return
  say "configuring in $STATE"
  mkdir -p "$STATE/instances" "$STATE/lock" "$PLACEMENT_DIR"
  cat >"$PLACEMENT_DIR/placement.conf" <<CONF
[placement_database]
connection = $(db_url grove_clouds_placement)
[api]
auth_strategy = keystone
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
$(auth_section keystone_authtoken placement)
CONF
  cp /usr/share/nova-common/api-paste.ini "$STATE/api-paste.ini"
  # Logs go to each process's $STATE/<name>.out. No vif-plugged events come (Neutron has no agents
  # and does not notify Nova), so Nova must not wait for them. One worker each: two cores.
  cat >"$CONF" <<CONF
[DEFAULT]
host = $HOST
my_ip = 127.0.0.1
state_path = $STATE
instances_path = $STATE/instances
compute_driver = fake.FakeDriver
transport_url = $(rabbit_url $VHOST)
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
# One compute host: resizes stay on it.
allow_resize_to_same_host = true
osapi_compute_workers = 1
metadata_workers = 1
[wsgi]
api_paste_config = $STATE/api-paste.ini
[api]
auth_strategy = keystone
[api_database]
connection = $(db_url grove_clouds_nova_api)
[database]
connection = $(db_url grove_clouds_nova)
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 30
[oslo_concurrency]
lock_path = $STATE/lock
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
[glance]
region_name = RegionOne
[cinder]
os_region_name = RegionOne
$(auth_section keystone_authtoken nova)
$(auth_section placement nova)
$(auth_section neutron nova)
CONF
  for db in grove_clouds_placement grove_clouds_nova_api grove_clouds_nova grove_clouds_nova_cell0; do
    create_db $db
  done
  placement-manage --config-file "$PLACEMENT_DIR/placement.conf" db sync >>"$STATE/manage.log" 2>&1
  nova_manage api_db sync
  nova_manage cell_v2 map_cell0 --database_connection "$(db_url grove_clouds_nova_cell0)"
  nova-manage --config-file "$CONF" cell_v2 list_cells 2>/dev/null | grep -q ' cell1 ' ||
    nova_manage cell_v2 create_cell --name cell1
  nova_manage db sync
  touch "$STATE/.configured.db"
}

# Nova's services from the library: Debian's /usr/bin/nova-compute and the like come with packages
# (nova-compute, nova-conductor, …) whose install starts system services.
nova_service() {
  daemon "nova-$1" "$PY" -c "import sys; from nova.cmd.$1 import main; sys.argv[0] = 'nova-$1'; main()" \
    --config-file "$CONF"
}

start() {
  rabbit_vhost $VHOST
  uwsgi_daemon placement-api /usr/bin/placement-api "$PLACEMENT_PORT" --env "OS_PLACEMENT_CONFIG_DIR=$PLACEMENT_DIR"
  # Nova's API monkey-patches eventlet: one thread per process.
  UWSGI_PROCESSES=2 UWSGI_THREADS=1 uwsgi_daemon nova-api /usr/bin/nova-api-wsgi "$PORT" \
    --env "OS_NOVA_CONFIG_DIR=$STATE"
  nova_service conductor
  nova_service scheduler
  nova_service compute
  wait_http "$PLACEMENT_URL/" 60
  wait_http "$URL/" 60
}

catalog() {
  [ -f "$STATE/.registered" ] && return
  register placement placement placement "$PLACEMENT_URL"
  register nova compute nova "$URL"
  touch "$STATE/.registered"
}

# The compute host joins cell1 once it has reported; then the flavors.
cells_and_flavors() {
  [ -f "$STATE/.configured" ] && return
  say "waiting for $HOST to report, then mapping it to cell1"
  for _ in $(seq 1 60); do
    nova_manage cell_v2 discover_hosts
    nova-manage --config-file "$CONF" cell_v2 list_hosts 2>/dev/null | grep -q " $HOST " && break
    sleep 2
  done
  say "making the flavors m1.tiny and m1.small"
  KS_URL="$KEYSTONE_AUTH_URL" KS_PASSWORD="$PASSWORD" "$PY" - <<'PY'
import os
import openstack

e = os.environ
c = openstack.connect(auth_url=e["KS_URL"], username="admin", password=e["KS_PASSWORD"],
                      project_name="admin", user_domain_name="Default", project_domain_name="Default",
                      identity_api_version="3", region_name="RegionOne")
for fid, name, ram, disk in (("1", "m1.tiny", 512, 1), ("2", "m1.small", 2048, 20)):
    if not c.compute.find_flavor(fid):
        c.compute.create_flavor(id=fid, name=name, ram=ram, vcpus=1, disk=disk)
PY
  touch "$STATE/.configured"
}

env_lines() {
  printf '%s\n' "$GLANCE_ENV" "$NEUTRON_ENV" | sort -u
  cat <<ENV
export NOVA_URL=$URL
export PLACEMENT_URL=$PLACEMENT_URL
export NOVA_FLAVOR=m1.tiny
export NOVA_FLAVOR_ID=1
export NOVA_RESIZE_FLAVOR=m1.small
export NOVA_HOST=$HOST
ENV
}

case "${1:-start}" in
  start)
    install
    GLANCE_ENV="$("$HERE/glance.sh" start)"
    NEUTRON_ENV="$("$HERE/neutron.sh" start)"
    keystone_env
    configure
    catalog
    start
    cells_and_flavors
    env_lines
    ;;
  env)
    GLANCE_ENV="$("$HERE/glance.sh" env)"
    NEUTRON_ENV="$("$HERE/neutron.sh" env)"
    env_lines
    ;;
  stop)
    for p in nova-compute nova-scheduler nova-conductor nova-api placement-api; do stop_pid $p; done
    ;;
  clean)
    "$0" stop
    for db in grove_clouds_placement grove_clouds_nova_api grove_clouds_nova grove_clouds_nova_cell0; do
      drop_db $db
    done
    drop_rabbit_vhost $VHOST
    rm -rf "$STATE"
    ;;
  *)
    echo "usage: $0 start|env|stop|clean" >&2
    exit 2
    ;;
esac
