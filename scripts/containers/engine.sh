#!/usr/bin/env bash
# Makes a Docker engine available for `npm run test:containers`: installs Debian's docker.io, docker-compose and
# debootstrap when missing, and starts dockerd (as root) when it is not answering. Idempotent.
set -euo pipefail
SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  # A daemon that was killed (CI ends every process a session left) leaves its pid file, and dockerd refuses to
  # start while that pid exists: drop the file unless it names a live dockerd.
  pidfile=/var/run/docker.pid
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ] || [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ]; then
      $SUDO rm -f "$pidfile"
    fi
  fi
  # No systemd here: start the daemon directly, detached from this shell, and wait for its socket.
  $SUDO sh -c 'nohup dockerd >/var/log/dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
fi
if ! docker info >/dev/null 2>&1; then
  echo 'the Docker engine did not start; see /var/log/dockerd.log:' >&2
  tail -n 20 /var/log/dockerd.log >&2
  exit 1
fi
echo "docker engine $(docker version --format '{{.Server.Version}}')"
