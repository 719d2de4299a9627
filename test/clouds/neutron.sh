#!/usr/bin/env bash
# A real Neutron for Grove's real-cloud tests: Debian's python3-neutron, neutron-server with ML2 on
# 127.0.0.1:9696 and no agents (no dataplane: nothing is plugged anywhere), its configuration and
# logs in a state folder of its own, tables in the machine's MariaDB (grove_clouds_neutron), RPC on
# the vhost grove-clouds-neutron, its `network` endpoint in the Keystone of keystone.sh. It makes
# a shared network `private` (subnet private-subnet, 10.20.0.0/24), an external network `public`
# (subnet public-subnet, 172.24.8.0/24) for floating IPs and a router between them.
#
#   test/clouds/neutron.sh start   install (once), configure (once), start (unless running); prints the env
#   test/clouds/neutron.sh env     the env to use, as `export` lines
#   test/clouds/neutron.sh stop    stops the neutron-server this script started, and nothing else
#   test/clouds/neutron.sh clean   stop, then drop its database, vhost and state folder
set -euo pipefail

SERVICE=neutron
STATE="${GROVE_CLOUDS_STATE:-/var/tmp/grove-clouds}/neutron"
PORT="${NEUTRON_PORT:-9696}"
URL="http://127.0.0.1:$PORT"
DB_NAME=grove_clouds_neutron
VHOST=grove-clouds-neutron
CONF="$STATE/neutron.conf"
ML2="$STATE/ml2_conf.ini"
# shellcheck source=openstack-service.sh
. "$(dirname "$0")/openstack-service.sh"

install() {
  [ -d /usr/lib/python3/dist-packages/neutron ] && [ -f /usr/share/neutron-common/api-paste.ini ] &&
    "$PY" -c 'import pymysql, openstack' 2>/dev/null && return
  apt_install neutron-common python3-neutron python3-pymysql python3-openstacksdk
}

# Ports must bind for Nova to boot a server on them: with no mechanism driver ML2 marks them
# binding_failed, and Nova (nova/network/neutron.py) refuses those with PortBindingFailed, a check no
# option turns off. Debian's mechanism drivers all bind only where their agent reports (openvswitch,
# linuxbridge, macvtap, sriov) or need OVN's databases, and its test drivers bind only to magic host
# names. So a small driver of our own, registered by an entry point on PYTHONPATH, binds every port
# on whatever host asks, as `ovs` (Nova's fake driver plugs nothing), and marks it ACTIVE.
plugin() {
  local dir="$STATE/python"
  mkdir -p "$dir/grove_clouds_bind_any-1.0.dist-info"
  cat >"$dir/grove_clouds_bind_any.py" <<'PY'
"""An ML2 mechanism driver for agentless test clouds: every port binds, on any host."""
from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api


class BindAnyMechanismDriver(api.MechanismDriver):
    def initialize(self):
        pass

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(segment[api.ID], portbindings.VIF_TYPE_OVS,
                                {portbindings.CAP_PORT_FILTER: True},
                                status=constants.PORT_STATUS_ACTIVE)
            return
PY
  printf 'Metadata-Version: 2.1\nName: grove-clouds-bind-any\nVersion: 1.0\n' \
    >"$dir/grove_clouds_bind_any-1.0.dist-info/METADATA"
  printf '[neutron.ml2.mechanism_drivers]\ngrove_bind_any = grove_clouds_bind_any:BindAnyMechanismDriver\n' \
    >"$dir/grove_clouds_bind_any-1.0.dist-info/entry_points.txt"
}

configure() {
  [ -f "$STATE/.configured.db" ] && return
  say "configuring in $STATE"
  mkdir -p "$STATE/lock"
  plugin
  cp /usr/share/neutron-common/api-paste.ini "$STATE/api-paste.ini"
  # No Nova notifications: nothing waits for vif-plugged events (nova.sh sets vif_plugging_timeout=0).
  cat >"$CONF" <<CONF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $PORT
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 0
log_file = $STATE/neutron-server.log
api_paste_config = $STATE/api-paste.ini
core_plugin = ml2
service_plugins = router,tag
auth_strategy = keystone
transport_url = $(rabbit_url $VHOST)
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
allow_overlapping_ips = true
[database]
connection = $(db_url $DB_NAME)
[oslo_concurrency]
lock_path = $STATE/lock
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
$(auth_section keystone_authtoken neutron)
CONF
  cat >"$ML2" <<CONF
[ml2]
type_drivers = flat,vxlan
tenant_network_types = vxlan
mechanism_drivers = grove_bind_any
extension_drivers = port_security
[ml2_type_flat]
flat_networks = public
[ml2_type_vxlan]
vni_ranges = 1:1000
[securitygroup]
enable_security_group = true
CONF
  create_db $DB_NAME
  neutron-db-manage --config-file "$CONF" --config-file "$ML2" upgrade heads >>"$STATE/manage.log" 2>&1
  touch "$STATE/.configured.db"
}

start() {
  rabbit_vhost $VHOST
  # neutron-server from the library (Debian's /usr/bin/neutron-server comes with the neutron-server
  # package, whose install starts a system service).
  daemon neutron-server env PYTHONPATH="$STATE/python" "$PY" -c \
    'import sys; from neutron.cmd.eventlet.server import main; sys.argv[0] = "neutron-server"; main()' \
    --config-file "$CONF" --config-file "$ML2"
  wait_http "$URL/" 120
}

networks() {
  [ -f "$STATE/.configured" ] && return
  register neutron network neutron "$URL"
  say "making the networks private and public and the router grove-router"
  KS_URL="$KEYSTONE_AUTH_URL" KS_PASSWORD="$PASSWORD" "$PY" - <<'PY'
import os
import openstack

e = os.environ
c = openstack.connect(auth_url=e["KS_URL"], username="admin", password=e["KS_PASSWORD"],
                      project_name="admin", user_domain_name="Default", project_domain_name="Default",
                      identity_api_version="3", region_name="RegionOne")
n = c.network
private = n.find_network("private") or n.create_network(name="private", shared=True)
private_subnet = n.find_subnet("private-subnet") or n.create_subnet(
    name="private-subnet", network_id=private.id, ip_version=4, cidr="10.20.0.0/24",
    gateway_ip="10.20.0.1")
public = n.find_network("public") or n.create_network(
    name="public", is_router_external=True, provider_network_type="flat",
    provider_physical_network="public")
if not n.find_subnet("public-subnet"):
    n.create_subnet(name="public-subnet", network_id=public.id, ip_version=4, cidr="172.24.8.0/24",
                    gateway_ip="172.24.8.1", is_dhcp_enabled=False)
# Floating IPs of `public` reach ports of `private` only through a router between the two.
router = n.find_router("grove-router")
if not router:
    router = n.create_router(name="grove-router", external_gateway_info={"network_id": public.id})
    n.add_interface_to_router(router, subnet_id=private_subnet.id)
PY
  touch "$STATE/.configured"
}

env_lines() {
  printf '%s\n' "$KEYSTONE_ENV"
  cat <<ENV
export NEUTRON_URL=$URL
export NEUTRON_NETWORK=private
export NEUTRON_SUBNET=private-subnet
export NEUTRON_EXTERNAL_NETWORK=public
ENV
}

case "${1:-start}" in
  start)
    install
    keystone_env
    configure
    start
    networks
    env_lines
    ;;
  env)
    KEYSTONE_ENV="$("$HERE/keystone.sh" env)"
    env_lines
    ;;
  stop) stop_pid neutron-server ;;
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
