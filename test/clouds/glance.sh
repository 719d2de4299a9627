#!/usr/bin/env bash
# A real Glance for Grove's real-cloud tests: Debian's python3-glance, its API on 127.0.0.1:9292
# with the file store, configuration, images and logs in a state folder of its own, tables in the
# machine's MariaDB (grove_clouds_glance), its `image` endpoint in the Keystone of keystone.sh,
# and one small raw image, grove-test-image.
#
#   test/clouds/glance.sh start   install (once), configure (once), start (unless running); prints the env
#   test/clouds/glance.sh env     the env to use, as `export` lines
#   test/clouds/glance.sh stop    stops the glance-api this script started, and nothing else
#   test/clouds/glance.sh clean   stop, then drop its database and state folder (the images with it)
set -euo pipefail

SERVICE=glance
STATE="${GROVE_CLOUDS_STATE:-/var/tmp/grove-clouds}/glance"
PORT="${GLANCE_PORT:-9292}"
URL="http://127.0.0.1:$PORT"
DB_NAME=grove_clouds_glance
IMAGE_NAME=grove-test-image
CONF="$STATE/glance-api.conf"
# shellcheck source=openstack-service.sh
. "$(dirname "$0")/openstack-service.sh"

install() {
  [ -d /usr/lib/python3/dist-packages/glance ] && command -v glance-manage >/dev/null &&
    command -v uwsgi >/dev/null && "$PY" -c 'import pymysql, openstack' 2>/dev/null && return
  apt_install glance-common python3-glance uwsgi-plugin-python3 python3-pymysql python3-openstacksdk
}

configure() {
  [ -f "$STATE/.configured.db" ] && return
  say "configuring in $STATE"
  mkdir -p "$STATE/images" "$STATE/staging"
  cp /usr/share/glance-common/glance-api-paste.ini "$STATE/glance-api-paste.ini" 2>/dev/null ||
    cp /etc/glance/glance-api-paste.ini "$STATE/glance-api-paste.ini"
  # One worker (the machine has few cores); the single-store options, enough for one file store.
  cat >"$CONF" <<CONF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $PORT
workers = 1
log_file = $STATE/glance-api.log
node_staging_uri = file://$STATE/staging
image_cache_dir = $STATE/cache
enabled_import_methods = [glance-direct]
[database]
connection = $(db_url $DB_NAME)
[glance_store]
stores = file
default_store = file
filesystem_store_datadir = $STATE/images
[paste_deploy]
flavor = keystone
config_file = $STATE/glance-api-paste.ini
[oslo_policy]
enforce_new_defaults = false
$(auth_section keystone_authtoken glance)
CONF
  create_db $DB_NAME
  glance-manage --config-file "$CONF" db_sync >>"$STATE/manage.log" 2>&1
  touch "$STATE/.configured.db"
}

start() {
  # Glance's own eventlet server, from the library: /usr/bin/glance-api belongs to the glance-api
  # package, whose install starts a system service.
  daemon glance-api "$PY" -c 'import sys; from glance.cmd.api import main; sys.argv[0] = "glance-api"; main()' \
    --config-file "$CONF"
  wait_http "$URL/" 60
}

image() {
  [ -f "$STATE/.configured" ] && return
  register glance image glance "$URL"
  say "uploading $IMAGE_NAME"
  head -c 8192 /dev/urandom >"$STATE/grove-test-image.raw"
  KS_URL="$KEYSTONE_AUTH_URL" KS_PASSWORD="$PASSWORD" NAME="$IMAGE_NAME" FILE="$STATE/grove-test-image.raw" "$PY" - <<'PY'
import os
import openstack

e = os.environ
c = openstack.connect(auth_url=e["KS_URL"], username="grove", password=e["KS_PASSWORD"],
                      project_name="service", user_domain_name="Default", project_domain_name="Default",
                      identity_api_version="3", region_name="RegionOne")
old = c.image.find_image(e["NAME"])
if old and old.status != "active":  # an upload cut short: start again
    c.image.delete_image(old)
    old = None
if not old:
    img = c.image.create_image(name=e["NAME"], disk_format="raw", container_format="bare",
                               visibility="public")
    with open(e["FILE"], "rb") as f:
        c.image.put(f"/images/{img.id}/file", data=f.read(),
                    headers={"Content-Type": "application/octet-stream"}).raise_for_status()
PY
  touch "$STATE/.configured"
}

env_lines() {
  printf '%s\n' "$KEYSTONE_ENV"
  local id
  id="$(mysql_root -N -e "SELECT id FROM $DB_NAME.images WHERE name='$IMAGE_NAME' AND deleted=0 AND status='active' LIMIT 1" 2>/dev/null || true)"
  cat <<ENV
export GLANCE_URL=$URL
export GLANCE_IMAGE_NAME=$IMAGE_NAME
export GLANCE_IMAGE_ID=$id
ENV
}

case "${1:-start}" in
  start)
    install
    keystone_env
    configure
    start
    image
    env_lines
    ;;
  env)
    KEYSTONE_ENV="$("$HERE/keystone.sh" env)"
    env_lines
    ;;
  stop) stop_pid glance-api ;;
  clean)
    "$0" stop
    drop_db $DB_NAME
    rm -rf "$STATE"
    ;;
  *)
    echo "usage: $0 start|env|stop|clean" >&2
    exit 2
    ;;
esac
