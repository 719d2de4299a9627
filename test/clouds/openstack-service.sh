# Shared by glance.sh, neutron.sh and nova.sh (sourced, not run): the steps every OpenStack
# service of test/clouds takes the same way. The sourcing script sets SERVICE and STATE first.
#
# Conventions are keystone.sh's: loopback only, state in $STATE, databases grove_clouds_* in the
# machine's MariaDB, a RabbitMQ vhost of the service's own, processes tracked by pidfiles.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PASSWORD="${GROVE_CLOUDS_PASSWORD:-grove-clouds}"
DB="${GROVE_CLOUDS_MYSQL:-root@127.0.0.1}"
RABBIT_HOST="${GROVE_CLOUDS_RABBIT:-127.0.0.1:5672}"
PY="${GROVE_CLOUDS_PYTHON:-/usr/bin/python3}"

say() { printf '%s: %s\n' "$SERVICE" "$*" >&2; }

# apt-get, waiting (up to 10 minutes) for another apt-get on the machine to let go of dpkg's lock.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  say "installing Debian's $*"
  apt-get -o DPkg::Lock::Timeout=600 update -qq || true
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >/dev/null
}

# Keystone's env lines, evaluated here too (KEYSTONE_AUTH_URL, …); keystone.sh starts it if needed.
keystone_env() {
  KEYSTONE_ENV="$("$HERE/keystone.sh" start)"
  eval "$KEYSTONE_ENV"
}

mysql_root() { mysql -u"${DB%@*}" -h"${DB#*@}" "$@"; }
db_url() { printf 'mysql+pymysql://%s/%s' "$DB" "$1"; }
create_db() { mysql_root -e "CREATE DATABASE IF NOT EXISTS $1 CHARACTER SET utf8mb4"; }
drop_db() { mysql_root -e "DROP DATABASE IF EXISTS $1"; }

# Guest's permissions on a vhost of its own, so services of separate scripts never share queues.
rabbit_vhost() {
  rabbitmqctl -q add_vhost "$1" >/dev/null 2>&1 || true
  rabbitmqctl -q set_permissions -p "$1" guest '.*' '.*' '.*' >/dev/null
}
rabbit_url() { printf 'rabbit://guest:guest@%s/%s' "$RABBIT_HOST" "$1"; }
drop_rabbit_vhost() { rabbitmqctl -q delete_vhost "$1" >/dev/null 2>&1 || true; }

# [keystone_authtoken]-style options for a service user; $1 the section name, $2 the user.
auth_section() {
  cat <<CONF
[$1]
www_authenticate_uri = ${KEYSTONE_AUTH_URL%/v3}
auth_url = ${KEYSTONE_AUTH_URL%/v3}
auth_type = password
user_domain_name = Default
project_domain_name = Default
project_name = service
username = $2
password = $PASSWORD
region_name = RegionOne
CONF
}

# Service user $1 (admin in project service), and a catalog service of type $2 named $3 whose
# three endpoints in RegionOne are $4. Idempotent: what exists is left as it is.
register() {
  KS_URL="$KEYSTONE_AUTH_URL" KS_ADMIN_PASSWORD="$PASSWORD" U="$1" TYPE="$2" NAME="$3" EP="$4" "$PY" - <<'PY'
import os
import openstack

e = os.environ
c = openstack.connect(auth_url=e["KS_URL"], username="admin", password=e["KS_ADMIN_PASSWORD"],
                      project_name="admin", user_domain_name="Default", project_domain_name="Default",
                      identity_api_version="3")
idn = c.identity
project = idn.find_project("service", domain_id="default")
user = idn.find_user(e["U"], domain_id="default") or idn.create_user(
    name=e["U"], domain_id="default", password=e["KS_ADMIN_PASSWORD"])
idn.assign_project_role_to_user(project, user, idn.find_role("admin"))
service = next((s for s in idn.services() if s.type == e["TYPE"]), None) or idn.create_service(
    name=e["NAME"], type=e["TYPE"], is_enabled=True)
have = {ep.interface for ep in idn.endpoints(service_id=service.id, region_id="RegionOne")}
for interface in ("public", "internal", "admin"):
    if interface not in have:
        idn.create_endpoint(service_id=service.id, interface=interface, url=e["EP"], region_id="RegionOne")
PY
}

running_pid() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Starts `$2…` in the background as its own session, its pid in $STATE/$1.pid, output in $STATE/$1.out.
daemon() {
  local name="$1"
  shift
  running_pid "$STATE/$name.pid" && return
  say "starting $name"
  setsid "$@" >>"$STATE/$name.out" 2>&1 </dev/null &
  echo $! >"$STATE/$name.pid"
}

# uwsgi serving the wsgi file $2 on 127.0.0.1:$3, pidfile $STATE/$1.pid; `--env K=V` pairs may follow.
# UWSGI_PROCESSES and UWSGI_THREADS size it (1 and 4 unless set).
uwsgi_daemon() {
  local name="$1" file="$2" port="$3"
  shift 3
  running_pid "$STATE/$name.pid" && return
  say "starting $name (uwsgi) on 127.0.0.1:$port"
  # Connection: close, as keystone.sh says why.
  uwsgi --plugin python3 --http-socket "127.0.0.1:$port" --add-header 'Connection: close' --wsgi-file "$file" --master \
    --processes "${UWSGI_PROCESSES:-1}" --threads "${UWSGI_THREADS:-4}" --lazy-apps --die-on-term --pidfile "$STATE/$name.pid" --daemonize "$STATE/$name.out" "$@" >/dev/null
  # uwsgi writes its pidfile a moment after daemonizing.
  for _ in $(seq 1 50); do [ -s "$STATE/$name.pid" ] && break; sleep 0.1; done
}

# Stops the process of pidfile $STATE/$1.pid and its process group, if it still runs.
stop_pid() {
  local f="$STATE/$1.pid" pid
  if running_pid "$f"; then
    pid="$(cat "$f")"
    say "stopping $1 ($pid)"
    # Both daemon's setsid and uwsgi's --daemonize make it a group leader: its group is its workers.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# Waits until $1 answers HTTP (any status), at most $2 s.
wait_http() {
  for _ in $(seq 1 $(($2 * 5))); do
    curl -sS -o /dev/null "$1" 2>/dev/null && return
    sleep 0.2
  done
  say "nothing answered on $1; see the logs in $STATE"
  exit 1
}
