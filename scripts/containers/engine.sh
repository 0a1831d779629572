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
  # No systemd here: start the daemon directly, detached from this shell, and wait for its socket.
  $SUDO sh -c 'nohup dockerd >/var/log/dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
fi
docker info --format 'docker engine {{.ServerVersion}}, storage {{.Driver}}' || {
  echo 'the Docker engine did not start; see /var/log/dockerd.log' >&2
  exit 1
}
