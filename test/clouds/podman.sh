#!/usr/bin/env bash
# A real Docker Engine API for Grove's container profile: Debian's podman, `podman system service`
# on a unix socket in a state folder of its own, with its storage, configuration and a locally
# built image (busybox; no registry is reachable). Grove's Docker driver speaks the same HTTP to
# it as it does to a host node's daemon at http://<address>:<port>.
#
#   test/clouds/podman.sh start   install (once), build the image (once), start the service; prints the env
#   test/clouds/podman.sh env     the env to use
#   test/clouds/podman.sh stop    stops the service this script started, and nothing else
#   test/clouds/podman.sh clean   stop, then remove the state folder (its containers and image)
set -euo pipefail

STATE="${GROVE_CLOUDS_STATE:-/var/tmp/grove-clouds}/podman"
# A unix socket, as Docker serves its API: no TCP port taken (the simulator of `npm start` has 2375).
SOCKET="$STATE/podman.sock"
PIDFILE="$STATE/service.pid"
IMAGE=grove-test:latest
export CONTAINERS_STORAGE_CONF="$STATE/storage.conf" CONTAINERS_CONF="$STATE/containers.conf"

say() { printf 'podman: %s\n' "$*" >&2; }
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

install() {
  command -v podman >/dev/null && command -v runc >/dev/null && command -v busybox >/dev/null && return
  say "installing Debian's podman, runc and busybox-static"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  apt-get install -y -qq --no-install-recommends podman runc busybox-static >/dev/null
}

configure() {
  [ -f "$STATE/.configured" ] && return
  say "configuring in $STATE"
  mkdir -p "$STATE/root" "$STATE/runroot" "$STATE/rootfs/bin"
  cat >"$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "vfs"
runroot = "$STATE/runroot"
graphroot = "$STATE/root"
CONF
  # runc, not crun: crun refuses hybrid cgroup hosts. Limits at or below the host's: a sandbox
  # without CAP_SYS_RESOURCE cannot raise them. The host's network: no bridge to set up.
  cat >"$CONTAINERS_CONF" <<CONF
[containers]
netns = "host"
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  cp /usr/bin/busybox "$STATE/rootfs/bin/busybox"
  for c in sh sleep echo cat; do ln -sf busybox "$STATE/rootfs/bin/$c"; done
  tar -C "$STATE/rootfs" -cf "$STATE/rootfs.tar" .
  podman import --change 'CMD ["/bin/sleep", "3600"]' "$STATE/rootfs.tar" "$IMAGE" >/dev/null
  touch "$STATE/.configured"
}

start() {
  running && return
  say "starting podman system service on unix://$SOCKET"
  rm -f "$SOCKET"
  nohup podman system service --time=0 "unix://$SOCKET" >"$STATE/service.log" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 100); do
    curl -fsS --unix-socket "$SOCKET" "http://localhost/_ping" >/dev/null 2>&1 && return
    sleep 0.1
  done
  say "podman did not answer on $SOCKET; see $STATE/service.log"
  exit 1
}

env_lines() {
  cat <<ENV
export DOCKER_SOCKET=$SOCKET
export DOCKER_TEST_IMAGE=$IMAGE
ENV
}

case "${1:-start}" in
  start)
    install
    configure
    start
    env_lines
    ;;
  env) env_lines ;;
  stop)
    if running; then
      say "stopping podman system service $(cat "$PIDFILE")"
      kill "$(cat "$PIDFILE")"
      for _ in $(seq 1 50); do running || break; sleep 0.1; done
    fi
    rm -f "$PIDFILE"
    ;;
  clean)
    "$0" stop
    podman rm -af >/dev/null 2>&1 || true
    rm -rf "$STATE"
    ;;
  *)
    echo "usage: $0 start|env|stop|clean" >&2
    exit 2
    ;;
esac
